"""Views of the exchange, thin: bind the form, check access, call a service, respond."""
