"""The QR codes a phone scans on the day: on the projector, and the one-time code at the door.

A code whose right or bottom edge is cut off (finder patterns, quiet zone) cannot be read by a
phone's camera, so the whole drawn code must lie inside the box the page gives it.
"""

import pytest
from playwright.sync_api import Page, expect

from exchange.demo import demo_seed
from learninglines.models import School
from sessions_app.models import PlenarySession
from tests.browser.test_plenary import (
    LAPTOP,
    STEERING_EMAIL,
    accessible,
    console_errors,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (svg box, drawn code) as the screen shows them, in CSS pixels.
BOXES = """(svg) => {
    const box = svg.getBoundingClientRect();
    const code = svg.querySelector('path').getBoundingClientRect();
    return [[box.left, box.top, box.right, box.bottom],
            [code.left, code.top, code.right, code.bottom]];
}"""


def whole_code_shown(page: Page) -> None:
    svg = page.locator(".qr-code svg")
    expect(svg).to_be_visible()
    (left, top, right, bottom), (c_left, c_top, c_right, c_bottom) = svg.evaluate(BOXES)
    assert right - left > 150, "the code is drawn too small to scan"
    assert (c_left, c_top) >= (left - 0.5, top - 0.5)
    assert c_right <= right + 0.5, "the code is cut off on the right"
    assert c_bottom <= bottom + 0.5, "the code is cut off at the bottom"
    assert c_right - c_left > 0.98 * (right - left), "the code does not fill its box"


def test_projector_and_door_codes_are_shown_whole(page: Page, serious_violations, live_server):
    demo_seed()
    session = PlenarySession.objects.get(
        school=School.objects.get(slug="de-regenboog"), status=PlenarySession.Status.PUBLISHED
    )
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    sign_in(page, live_server, STEERING_EMAIL)

    page.goto(live_server.url + session.get_absolute_url() + "projector/")
    whole_code_shown(page)

    page.goto(live_server.url + session.get_absolute_url() + "attendance/")
    page.get_by_role("button", name="Toon een inlogcode voor Sanne Jansen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inlogcode voor Sanne Jansen")
    whole_code_shown(page)
    accessible(page, serious_violations, errors)
