"""Pages in English as a paying school sees them, found in an audit: the projector on a laptop,
the admin's filters on a phone. axe-core runs with its check of target sizes switched on
(WCAG 2.5.8, at least 24 x 24 px; axe-core leaves it off by default)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Page, expect

from exchange.demo import demo_seed
from sessions_app.models import PlenarySession
from tests.browser.test_admin import sign_in as staff_sign_in
from tests.browser.test_admin import staff_device  # noqa: F401 (a fixture)
from tests.browser.test_plenary import STEERING_EMAIL
from tests.browser.test_plenary import sign_in as member_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROJECTOR = {"width": 1280, "height": 800}


def english(page: Page, live_server) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )


def serious_with_target_size(page: Page) -> list[str]:
    results = Axe().run(
        page,
        options={"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}},
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_projector_on_a_laptop_shows_every_table_and_the_qr_code_without_scrolling(
    page: Page, live_server
):
    """At 1280 x 800 the QR code for phones stood under the tables, off the screen: nobody
    scrolls a projector. It now stands in the assignment's column, under the buttons."""
    demo_seed()
    session = PlenarySession.objects.get(
        school__slug="de-regenboog", title="Plenaire bijeenkomst 2"
    )
    member_sign_in(page, live_server, STEERING_EMAIL)
    english(page, live_server)
    page.set_viewport_size(PROJECTOR)
    page.goto(live_server.url + session.get_absolute_url() + "projector/")
    expect(page.get_by_role("heading", name="Round 1: the tables")).to_be_visible()
    expect(page.get_by_role("heading", name="Your table on your phone")).to_be_in_viewport(ratio=1)
    qr = page.get_by_role("img", name="QR code to the page where you ask for your sign-in link")
    expect(qr).to_be_in_viewport(ratio=1)
    expect(page.locator(".projector-table").last).to_be_in_viewport(ratio=1)
    expect(page.get_by_role("button", name="Next →")).to_be_in_viewport(ratio=1)
    assert page.evaluate("document.scrollingElement.scrollHeight") <= PROJECTOR["height"]
    assert serious_with_target_size(page) == []


def test_admin_filters_on_a_phone_are_large_enough_to_tap(
    page: Page,
    live_server,
    staff_device,  # noqa: F811 (the imported fixture)
):
    """A changelist's filter choices were stacked links 18 px high, too small for a thumb."""
    demo_seed()
    staff_sign_in(page, live_server, staff_device)
    english(page, live_server)
    page.goto(live_server.url + "/admin/learninglines/school/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Select school to change")
    choice = page.locator("#changelist-filter li a").first
    expect(choice).to_be_visible()
    assert choice.bounding_box()["height"] >= 24
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    assert serious_with_target_size(page) == []
