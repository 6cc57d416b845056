"""`{{ session.title|says_plenary }}`: whether a session's title already says what it is, so a
line that introduces the session need not say "plenary session" a second time."""

from django import template

from sessions_app.selectors.sessions import session_title_says_plenary

register = template.Library()


@register.filter
def says_plenary(title: str) -> bool:
    return session_title_says_plenary(str(title or ""))
