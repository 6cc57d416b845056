"""Template context shared by every page."""

from django.http import HttpRequest

from exchange.product import PRODUCT_NAME


def product(request: HttpRequest) -> dict:
    return {"PRODUCT_NAME": PRODUCT_NAME}
