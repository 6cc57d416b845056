"""The one way to redirect to a target a person supplied (a `next` field or parameter)."""

from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request: HttpRequest, target: str | None, fallback: str) -> str:
    """`target` when it is a path on this site, otherwise `fallback` (a URL we built ourselves).

    Only same-site paths pass: no other host, no scheme change, no URL names (which `redirect()`
    would try to reverse), no backslash tricks.
    """
    target = (target or "").strip()
    if (
        target.startswith("/")
        and "\\" not in target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return fallback


def redirect_to_next(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Redirect to the request's `next` (POST, then GET) when safe, else to `fallback`."""
    target = request.POST.get("next") or request.GET.get("next")
    return HttpResponseRedirect(safe_next_url(request, target, fallback))
