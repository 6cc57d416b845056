"""Project-wide middleware."""

import logging
import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render, resolve_url
from django.utils.cache import patch_cache_control
from django_htmx.http import HttpResponseClientRedirect

from exchange.logging import (
    redact_path,
    request_id_from,
    request_id_var,
    reset_redaction,
)
from learninglines.languages import chosen_language, speak, supported
from learninglines.models import School
from learninglines.services.signin import DOOR_SCOPE, door_scope_allows

request_logger = logging.getLogger("exchange.request")


# The sign-in page on the way to a school's page: /login/?next=/s/<slug>/...
SCHOOL_PATH = re.compile(r"^/s/(?P<slug>[-\w]+)/")


def _next_school_language(request) -> str | None:
    """The language of the school a sign-in page leads to (`?next=`), if any: one query, only
    for someone who has not chosen a language and is sent to sign in."""
    match = SCHOOL_PATH.match(request.GET.get("next", ""))
    if match is None:
        return None
    return School.objects.filter(slug=match["slug"]).values_list("language", flat=True).first()


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the person chose English with the language switch, or they are on their way
    to a school that speaks English.

    Django's own middleware follows the browser's Accept-Language, which would show most school
    laptops (set up in English) an English interface. The method's language is Dutch; English is
    on request: a person's choice, remembered in the language cookie, comes first. Without one,
    a school's pages speak the school's language (`school_view` switches once it has the school,
    without a query of its own) and so does the sign-in page on the way to them, so a plain link
    in an English school's mail does not open in Dutch.
    """

    def process_request(self, request):
        language = chosen_language(request) or _next_school_language(request)
        speak(request, language if supported(language) else settings.LANGUAGE_CODE)


class HtmxAwareLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every view needs a signed-in user unless marked `login_not_required`.

    For an htmx request a 302 would put the sign-in page inside a fragment; the client is told to
    navigate instead (HX-Redirect), back to the page it was on.
    """

    def handle_no_permission(self, request, view_func):
        if getattr(request, "htmx", False):
            current = request.htmx.current_url_abs_path or request.get_full_path()
            return HttpResponseClientRedirect(
                f"{resolve_url(self.get_login_url(view_func))}?"
                f"{urlencode({self.get_redirect_field_name(view_func): current})}"
            )
        return super().handle_no_permission(request, view_func)


class DoorScopeMiddleware:
    """A sign-in through a door link opens only its session's pages (`door_scope`).

    The steering group or coach shows that code on their own screen, so they could use it
    themselves: everything else that needs a sign-in (the learning log, answers, "my data")
    gets a page that says so and how to sign in fully. Pages without a sign-in, and signing out,
    stay open.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # A school's view is scoped even when marked `login_not_required` for its signed-out
        # answer (the reflection autosave): signed in, it acts as that person at the school.
        open_page = not getattr(view_func, "login_required", True) and not hasattr(
            view_func, "school_permission"
        )
        if open_page or not request.user.is_authenticated:
            return None
        scope = request.session.get(DOOR_SCOPE)
        if door_scope_allows(scope, request.path):
            return None
        return render(request, "registration/door_scope.html", {"scope": scope}, status=403)


class RejectNulCharactersMiddleware:
    """Answer 400 to a NUL character in the path, a query parameter or a form field.

    PostgreSQL cannot store or compare text with NUL, so such a value would reach the database as
    an error (a 500) from an admin search or any filter. No person types NUL; refuse it at the
    door, once, for every view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return render(request, "400.html", status=400)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path:
            return True
        sources = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            sources.append(request.POST)
        return any(
            "\x00" in key or any("\x00" in value for value in values)
            for source in sources
            for key, values in source.lists()
        )


class ExplainNotAllowedMiddleware:
    """A GET of an address that only takes a button's POST (an action's URL, typed, bookmarked
    or opened from the history) gets a page that says so, instead of Django's empty 405 answer.
    The status and its Allow header stay; other methods and htmx requests keep the bare answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.method == "GET"
            and not response.content
            and not request.headers.get("HX-Request")
        ):
            page = render(request, "405.html", status=405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response


class NoStoreWhenSignedInMiddleware:
    """Signed-in pages are never stored: a shared computer's back button shows nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class RequestLogMiddleware:
    """One log line per request, under a request id the response carries (X-Request-ID).

    The id comes from the proxy's X-Request-ID header when it is a sane token, else it is made
    here; while the request runs it is in `exchange.logging.request_id_var`, so every line logged
    meanwhile carries it. The line holds method, path, status, duration and the user's id: never
    the query string and never an e-mail address; a token in the path shows as `[token]`
    (exchange.logging.loggable_path), here and in every other line logged meanwhile. First in
    MIDDLEWARE, so the duration covers everything and even a refused host is logged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.request_id = request_id_from(request.headers.get("X-Request-ID"))
        token = request_id_var.set(request_id)
        path, redaction = redact_path(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else None
            request_logger.info(
                "%s %s %s",
                request.method,
                path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user_id,
                },
            )
            return response
        finally:
            reset_redaction(redaction)
            request_id_var.reset(token)
