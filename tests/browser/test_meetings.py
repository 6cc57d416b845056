"""A line meeting end to end: the steering group plans it, a teacher of the line records it."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from learninglines.models import Attendance, LineMeeting
from tests.factories import MemberFactory
from tests.learninglines.test_meetings import join, make_line, plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, live_server, user) -> None:
    """Start a signed-in session in the browser (signing in itself is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def fits_a_phone(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


BRAND_RING = "rgb(200, 85, 61) solid 3px"  # the :focus-visible outline of static/css/app.css


def ring_and_border(choice) -> tuple[str, str]:
    """The outline and border colour of the label that shows a (visually hidden) radio."""
    outline, border = choice.evaluate(
        "radio => { const s = getComputedStyle(radio.labels[0]);"
        " return [s.outline, s.borderColor]; }"
    )
    return outline, border


def test_steering_plans_a_meeting_and_a_teacher_of_the_line_records_it(
    page: Page, serious_violations, live_server, school, steering, teacher
):
    line = make_line(school, "A", "Lezen", "blue")
    other = make_line(school, "B", "Rekenen", "green")
    join(teacher, line)
    colleague = MemberFactory(school=school, first_name="Cor", last_name="Claassen")
    join(colleague, line)
    join(steering, other)
    # A week ahead, but inside the line's school year (late in July its last day).
    day = min(timezone.localdate() + timedelta(days=7), line.year.end)

    # The steering group plans a meeting of line A from the all-lines page.
    sign_in(page, live_server, steering.user)
    page.goto(live_server.url + "/s/de-regenboog/meetings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leerlijn-bijeenkomsten")
    assert serious_violations(page) == []
    assert fits_a_phone(page)
    page.get_by_role("link", name="Plan een bijeenkomst voor Lezen").click()
    expect(
        page.get_by_role("heading", level=1, name="Plan een bijeenkomst van Lezen")
    ).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Datum").fill(day.isoformat())
    page.get_by_label("Begintijd").fill("15:30")
    page.get_by_label("Eindtijd").fill("17:00")
    page.get_by_label("Onderwerp").fill("Begrijpend lezen met de placemat")
    page.get_by_label("Plaats").fill("Lokaal 12")
    page.get_by_label("Agenda").fill("1. Terugblik\n2. Placemat uitproberen")
    page.get_by_role("button", name="Plan de bijeenkomst").click()
    expect(page.locator("#main").get_by_text("De bijeenkomst is gepland.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Begrijpend lezen met de placemat")
    assert fits_a_phone(page)
    assert serious_violations(page) == []
    meeting = LineMeeting.objects.get()
    assert (meeting.line, meeting.date, meeting.place) == (line, day, "Lokaal 12")

    # A teacher of the line opens it on a phone and records who came and what was agreed.
    sign_in(page, live_server, teacher.user)
    page.goto(live_server.url + f"/s/de-regenboog/meetings/{meeting.pk}/")
    expect(page.get_by_role("heading", level=2, name="Aanwezigheid")).to_be_visible()
    sanne = page.get_by_role("group", name="Sanne Jansen")
    cor = page.get_by_role("group", name="Cor Claassen")
    sanne.get_by_text("aanwezig", exact=True).click()
    # By keyboard: focus Cor's first choice, then the arrow key moves to the next one.
    cor.get_by_role("radio", name="aanwezig", exact=True).focus()
    page.keyboard.press("ArrowRight")
    expect(cor.get_by_role("radio", name="afgemeld")).to_be_checked()
    assert fits_a_phone(page)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Bewaar de aanwezigheid").click()
    expect(page.locator("#main").get_by_text("De aanwezigheid is bewaard.")).to_be_visible()
    expect(
        page.get_by_text("2 leden in de leerlijn op deze datum: 1 aanwezig, 1 afgemeld, 0 afwezig.")
    ).to_be_visible()
    assert dict(Attendance.objects.values_list("member__first_name", "status")) == {
        "Sanne": "present",
        "Cor": "excused",
    }

    notes = page.get_by_role("textbox", name="Wat de groep deed en afsprak")
    notes.fill("We probeerden de placemat in groep 6.")
    page.get_by_role("button", name="Bewaar de aantekeningen").click()
    expect(page.locator("#main").get_by_text("De aantekeningen zijn bewaard.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Wat de groep deed en afsprak")).to_have_value(
        "We probeerden de placemat in groep 6."
    )
    assert serious_violations(page) == []

    # The steering group sees the count on the all-lines page.
    sign_in(page, live_server, steering.user)
    page.goto(live_server.url + "/s/de-regenboog/meetings/?group=date")
    expect(page.locator("#main").get_by_text("1 van 2 aanwezig")).to_be_visible()
    assert serious_violations(page) == []


def test_a_keyboard_user_sees_which_attendance_choice_has_focus(
    page: Page, live_server, school, teacher
):
    line = make_line(school, "A", "Lezen", "blue")
    join(teacher, line)
    meeting = plan(line, timezone.localdate())
    sign_in(page, live_server, teacher.user)
    page.goto(live_server.url + f"/s/de-regenboog/meetings/{meeting.pk}/")
    sanne = page.get_by_role("group", name="Sanne Jansen")
    unknown = sanne.get_by_role("radio", name="onbekend")
    present = sanne.get_by_role("radio", name="aanwezig", exact=True)
    excused = sanne.get_by_role("radio", name="afgemeld")
    # Nothing recorded yet: Tab enters the group at "onbekend", which shows the ring.
    unknown.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(unknown).to_be_focused()
    assert ring_and_border(unknown)[0] == BRAND_RING
    # An arrow moves to "aanwezig" and chooses it; the ring goes with the focus.
    page.keyboard.press("ArrowRight")
    expect(present).to_be_focused()
    expect(present).to_be_checked()
    assert ring_and_border(present)[0] == BRAND_RING
    assert ring_and_border(excused)[0] != BRAND_RING
