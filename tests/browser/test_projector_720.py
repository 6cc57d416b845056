"""The projector on a 1280 x 720 beamer: every assignment of the demo program, with its tables
or for the whole group, fits the screen. Nobody scrolls a projector, so the buttons and the QR
code for phones must not fall off the bottom."""

import pytest
from playwright.sync_api import Page, expect

from exchange.demo import demo_seed
from learninglines.models import School
from sessions_app.models import PlenarySession
from tests.browser.test_plenary import LAPTOP, STEERING_EMAIL, console_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BEAMER = {"width": 1280, "height": 720}


def test_every_assignment_fits_a_1280_by_720_beamer(page: Page, live_server):
    demo_seed()
    session = PlenarySession.objects.get(
        school=School.objects.get(slug="de-regenboog"), status=PlenarySession.Status.PUBLISHED
    )
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    sign_in(page, live_server, STEERING_EMAIL)
    page.set_viewport_size(BEAMER)
    page.goto(live_server.url + session.get_absolute_url() + "projector/")
    total = session.assignments.count()
    for number in range(1, total + 1):
        expect(page.locator(".projector-step")).to_contain_text(f"Opdracht {number} van {total}")
        for part in ("#clock-toggle", "#clock-next", ".projector-qr .qr-code"):
            expect(page.locator(part)).to_be_in_viewport(ratio=1)
        assert page.evaluate("document.documentElement.scrollHeight") <= BEAMER["height"]
        if number < total:
            page.locator("#clock-next").click()
    assert errors == []
