"""Which language a page speaks: a person's choice first (the language cookie, set by the
language switch), else the school's (School.language), else the site's default (Dutch).

The locale middleware (exchange.middleware), `school_view` and the sign-in views ask the same
questions here, so "has this person chosen?" has one answer everywhere.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def supported(language: str | None) -> bool:
    return language in dict(settings.LANGUAGES)


def chosen_language(request: HttpRequest) -> str | None:
    """The language the person chose (a supported one in the language cookie), or None."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return language if supported(language) else None


def speak(request: HttpRequest, language: str) -> None:
    """Answer this request in `language` (a supported one; others are ignored)."""
    if supported(language):
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def remember_language(response: HttpResponse, language: str) -> None:
    """Keep `language` in the language cookie, as the language switch does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
