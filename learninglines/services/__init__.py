"""Writes for the team, by concern: people and schools, sign-in, the mail outbox.

Import from the submodules (`learninglines.services.signin`, ...); this package only groups them.
"""
