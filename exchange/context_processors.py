"""Template context shared by every page."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject, lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from exchange.product import PRODUCT_NAME
from learninglines.models import CoachAssignment


def product(request: HttpRequest) -> dict:
    return {
        "PRODUCT_NAME": PRODUCT_NAME,
        "user_coaches": SimpleLazyObject(_coaches(request)),
        "school_lang": lazy(_school_lang(request), SafeString)(),
    }


def _school_lang(request: HttpRequest):
    """` lang="nl"` for an element holding the school's own text (a line's goal, an
    assignment, a guiding question) on a page in another language, so a screen reader reads it
    in the school's language; empty where the page speaks that language already."""

    def attribute() -> SafeString:
        school = getattr(request, "school", None)
        language = getattr(school, "language", "")
        if not language or (get_language() or "").split("-")[0] == language.split("-")[0]:
            return SafeString("")
        return format_html(' lang="{}"', language)

    return attribute


def _coaches(request: HttpRequest):
    """Whether the signed-in person coaches a school, for the "My schools" menu link.

    Asked only when the menu is drawn, and at most one query: on a school's pages the access
    already computed for the page answers it (a coach of this school), as does the coach home.
    """

    def coaches() -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if getattr(request, "coaches_schools", False):
            return True
        access = getattr(request, "access", None)
        if access is not None:
            return access.is_coach
        return CoachAssignment.objects.current().filter(user=user).exists()

    return coaches
