"""The projector on a 1280 x 720 beamer: every assignment of the demo program, with its tables
or for the whole group, fits the screen. Nobody scrolls a projector, so the buttons and the QR
code for phones must not fall off the bottom."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from exchange.demo import demo_seed
from learninglines.models import School
from sessions_app.models import PlenarySession
from sessions_app.services.day import clock_act
from tests.browser.test_plenary import LAPTOP, STEERING_EMAIL, console_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BEAMER = {"width": 1280, "height": 720}
ON_SCREEN = ("#clock-toggle", "#clock-next", ".projector-qr .qr-code")


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
        for part in ON_SCREEN:
            expect(page.locator(part)).to_be_in_viewport(ratio=1)
        assert page.evaluate("document.documentElement.scrollHeight") <= BEAMER["height"]
        if number < total:
            page.locator("#clock-next").click()
    assert errors == []


def time_up_on_the_longest(session: PlenarySession, *, table_round: bool):
    """Move the session's clock to its longest assignment (the most text) with tables or for
    the whole group, and let its time run out a minute ago; (the program, that assignment)."""
    program = list(session.assignments.order_by("position", "pk"))
    longest = max(
        (a for a in program if bool(a.table_round) == table_round),
        key=lambda a: len(a.title) + len(a.instructions),
    )
    for _step in range(program.index(longest)):
        clock_act(session=session, action="next")
    clock_act(
        session=session,
        action="start",
        now=timezone.now() - timedelta(minutes=longest.duration_minutes + 1),
    )
    return program, longest


@pytest.mark.parametrize("table_round", [True, False], ids=["with-tables", "whole-group"])
def test_time_up_on_the_longest_assignment_still_fits_a_1280_by_720_beamer(
    page: Page, live_server, table_round
):
    """The "Tijd is om" banner and the striped frame appear when time is up: the assignment's
    longest text of the demo program (with its tables, and for the whole group) stays on the
    screen with the buttons and the QR code."""
    demo_seed()
    session = PlenarySession.objects.get(
        school=School.objects.get(slug="de-regenboog"), status=PlenarySession.Status.PUBLISHED
    )
    program, longest = time_up_on_the_longest(session, table_round=table_round)
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    sign_in(page, live_server, STEERING_EMAIL)
    page.set_viewport_size(BEAMER)
    page.goto(live_server.url + session.get_absolute_url() + "projector/")
    position = program.index(longest) + 1
    expect(page.locator(".projector-step")).to_contain_text(f"Opdracht {position} van")
    expect(page.locator(".time-up-banner")).to_have_text("De tijd is om")
    expect(page.locator(".time-up-banner")).to_be_in_viewport(ratio=1)
    for part in (".projector-title", ".projector-instructions", *ON_SCREEN):
        expect(page.locator(part)).to_be_in_viewport(ratio=1)
    if position < len(program):
        expect(page.locator(".projector-next")).to_be_in_viewport(ratio=1)
    assert page.evaluate("document.documentElement.scrollHeight") <= BEAMER["height"]
    assert errors == []


def test_on_a_phone_reset_stands_on_its_own_row_away_from_next(page: Page, live_server):
    """The remote: "Reset" throws away the time run so far, so a thumb going for "Next" must
    not find it beside it."""
    demo_seed()
    session = PlenarySession.objects.get(
        school=School.objects.get(slug="de-regenboog"), status=PlenarySession.Status.PUBLISHED
    )
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, STEERING_EMAIL)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + session.get_absolute_url() + "projector/?remote=1")
    following = page.locator(".projector-controls button")
    assert following.evaluate_all("buttons => buttons.map(b => b.id)")[-2:] == [
        "clock-next",
        "clock-reset",
    ]
    reset = page.locator("#clock-reset").bounding_box()
    below = [
        page.locator(f"#clock-{name}").bounding_box() for name in ("previous", "toggle", "next")
    ]
    assert all(reset["y"] >= box["y"] + box["height"] + 8 for box in below)
    assert reset["height"] >= 44
