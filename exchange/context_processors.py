"""Template context shared by every page."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from exchange.product import PRODUCT_NAME
from learninglines.models import CoachAssignment


def product(request: HttpRequest) -> dict:
    return {"PRODUCT_NAME": PRODUCT_NAME, "user_coaches": SimpleLazyObject(_coaches(request))}


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
