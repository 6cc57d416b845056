"""Views of the team app, by concern."""
