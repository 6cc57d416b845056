"""Project-wide views: the home page and the error pages in the site's own layout."""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    """The front door: what the app is for; later it routes each role to its start page."""
    return render(request, "exchange/home.html")


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # The error may come from the template system or a context processor itself: if the page in
    # the site layout cannot be drawn, a plain page still tells the person what happened.
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.exception("Rendering the 500 page failed")
        return HttpResponseServerError(
            "<!doctype html><title>500</title><p>" + _("Something went wrong on our side.") + "</p>"
        )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
