"""Project-wide middleware."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import resolve_url
from django.utils import translation
from django_htmx.http import HttpResponseClientRedirect


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the person chose English with the language switch.

    Django's own middleware follows the browser's Accept-Language, which would show most school
    laptops (set up in English) an English interface. The method's language is Dutch; English is
    on request, remembered in the language cookie.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


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
