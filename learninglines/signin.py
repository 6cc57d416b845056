"""Helpers for signing in that settings refer to by dotted path."""

from django.conf import settings


def lockout_username(request, credentials) -> str | None:
    """django-axes counts failures per address; "Anouk@X" and "anouk@x" are one person."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return username.strip().lower() if username else None


def client_ip(request) -> str | None:
    """The address of the person, also behind a proxy; lock-outs and request ceilings use it.

    Behind `PROXY_COUNT` trusted proxies each one appends the address it saw to
    X-Forwarded-For, so the client is the entry that many places from the right; anything left of
    it was written by the client and is not trusted. Without proxies it is REMOTE_ADDR.
    """
    count = settings.PROXY_COUNT
    if count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR") or None
