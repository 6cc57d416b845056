"""Template context shared by every page."""

from django.http import HttpRequest

# The product's name is a name, not a phrase: it stays the same in every language.
PRODUCT_NAME = "Brengen & Halen"


def product(request: HttpRequest) -> dict:
    return {"PRODUCT_NAME": PRODUCT_NAME}
