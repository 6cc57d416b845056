"""Helpers for signing in that settings refer to by dotted path."""


def lockout_username(request, credentials) -> str | None:
    """django-axes counts failures per address; "Anouk@X" and "anouk@x" are one person."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return username.strip().lower() if username else None
