"""The projector on a 4:3 beamer (1024 x 768, as many Dutch schools still have, and 1152 x 864 and
1280 x 1024): the assignment, its clock, the buttons, the QR code for phones and every table of
the demo's round are on the screen at once. Below 1200 px the tables stood under the clock and the
page was 1421 px tall at 1024 x 768, so someone had to scroll during the session; now the tables
stand beside the assignment, with every name on one line at a size the back of the room reads."""

import re

import pytest
from playwright.sync_api import Page, expect

from exchange.demo import demo_seed
from learninglines.models import Member, School
from sessions_app.models import PlenarySession
from tests.browser.test_plan_names_fit import WRAPPED
from tests.browser.test_plenary import LAPTOP, STEERING_EMAIL, accessible, console_errors, sign_in
from tests.browser.test_projector_720 import time_up_on_the_longest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BEAMERS = [
    {"width": 1024, "height": 768},
    {"width": 1152, "height": 864},
    {"width": 1280, "height": 1024},
]
ON_SCREEN = (
    ".projector-title",
    ".projector-clock .countdown",
    "#clock-toggle",
    "#clock-next",
    "#clock-reset",
    ".projector-qr .qr-code",
)


def demo_session() -> PlenarySession:
    """The demo's published session, one of its people with a name of 26 characters."""
    demo_seed()
    school = School.objects.get(slug="de-regenboog")
    Member.objects.filter(school=school, first_name="Sara", last_name="Leeuwen").update(
        first_name="Anne-Marie", name_prefix="", last_name="Jansen-de Vries"
    )
    return PlenarySession.objects.get(school=school, status=PlenarySession.Status.PUBLISHED)


def smallest_name(page: Page) -> float:
    """The smallest font size, in px, of a name at the tables."""
    return page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('.projector-table li')].map(
            (li) => parseFloat(getComputedStyle(li).fontSize)))"""
    )


def fits(page: Page, height: int) -> None:
    """Every table and the parts the room and the speaker need lie within the screen, and the
    page does not scroll."""
    tables = page.locator(".projector-table")
    expect(tables).to_have_count(8)
    for index in range(8):
        expect(tables.nth(index)).to_be_in_viewport(ratio=1)
    for part in ON_SCREEN:
        expect(page.locator(part)).to_be_in_viewport(ratio=1)
    assert page.evaluate("document.documentElement.scrollHeight") <= height
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("beamer", BEAMERS, ids=lambda b: f"{b['width']}x{b['height']}")
def test_every_table_round_fits_a_4_3_beamer(page: Page, live_server, serious_violations, beamer):
    session = demo_session()
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    sign_in(page, live_server, STEERING_EMAIL)
    page.set_viewport_size(beamer)
    page.goto(live_server.url + session.get_absolute_url() + "projector/")
    total = session.assignments.count()
    for number in range(1, total + 1):
        step = page.locator(".projector-step")
        expect(step).to_contain_text(f"Opdracht {number} van {total}")
        # htmx settles the new fragment's classes a moment after a swap.
        with_round = re.compile(r"\bprojector-with-round\b")
        if "Ronde" in step.inner_text():
            expect(page.locator("#projector-state")).to_have_class(with_round)
            fits(page, beamer["height"])
            expect(
                page.locator(".projector-table li", has_text="Anne-Marie Jansen-de Vries")
            ).to_have_count(1)
            assert page.evaluate(WRAPPED, ".projector-table li") == {"count": 32, "wrapped": []}
            assert smallest_name(page) >= 14.4  # 0.9rem for a name over 20 characters
            assert (
                page.locator(".projector-table li", has_text="Daan van der Berg").evaluate(
                    "li => parseFloat(getComputedStyle(li).fontSize)"
                )
                >= 17.6
            )  # 1.1rem for the usual name
        else:
            expect(page.locator("#projector-state")).not_to_have_class(with_round)
            for part in ON_SCREEN:
                expect(page.locator(part)).to_be_in_viewport(ratio=1)
            assert page.evaluate("document.documentElement.scrollHeight") <= beamer["height"]
        if number == 1:
            accessible(page, serious_violations, errors)
        if number < total:
            page.locator("#clock-next").click()
    assert errors == []


def test_time_up_on_the_longest_table_round_still_fits_1024_by_768(page: Page, live_server):
    """The "De tijd is om" banner and the striped frame on the longest assignment with tables:
    its text, the clock and every table stay on the screen."""
    session = demo_session()
    program, longest = time_up_on_the_longest(session, table_round=True)
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    sign_in(page, live_server, STEERING_EMAIL)
    page.set_viewport_size(BEAMERS[0])
    page.goto(live_server.url + session.get_absolute_url() + "projector/")
    expect(page.locator(".projector-step")).to_contain_text(
        f"Opdracht {program.index(longest) + 1} van"
    )
    expect(page.locator(".time-up-banner")).to_have_text("De tijd is om")
    for part in (".time-up-banner", ".projector-instructions", ".projector-next"):
        expect(page.locator(part)).to_be_in_viewport(ratio=1)
    fits(page, 768)
    assert errors == []
