"""A teacher on a 360 px phone reads that a proposed moment falls during her own line meeting.

On the demo school, a colleague invites Sanne (a teacher) to a conversation at two moments; one
falls during a meeting of Sanne's own line. Her page says so next to that moment (and the
accept button carries the notice as its description), not next to the other one; she can
still accept it. She proposes another moment during the meeting with the keyboard alone: it is
saved, with a note. axe-core and the console (CSP) are checked; nothing scrolls sideways.
"""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from exchange.demo import DEMO_PASSWORD, demo_seed
from learninglines.models import LineMembership, Member, SchoolYear
from learninglines.selectors.lines import year_current
from learninglines.services.meetings import meeting_create
from sessions_app.selectors.exchanges import clashes_for, moment_span
from sessions_app.services.exchanges import exchange_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
TEACHER_EMAIL = "sanne.jansen@regenboog.example"


def sign_in(page: Page, live_server, email: str) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_role("textbox", name="Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def console_errors(page: Page) -> list[str]:
    """Errors in the page's console (a blocked script or style under the CSP shows here)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def checked(page: Page, serious_violations, errors: list[str]) -> None:
    """Nothing scrolls sideways, no console error, axe-core finds nothing serious."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert errors == []
    assert serious_violations(page) == []
    errors.clear()


def notice(member: Member, moment: datetime, minutes: int) -> tuple[str, str]:
    """The notice as the page words it (in the site's language), and what it falls during."""
    span = moment_span(moment, minutes)
    with translation.override("nl"):
        [clash] = clashes_for(member=member, spans=[span])[span]
        return clash.text, clash.what


def test_a_teacher_on_a_phone_reads_that_a_moment_falls_during_her_line_meeting(
    page: Page, serious_violations, live_server
):
    demo_seed()
    sanne = Member.objects.get(user__email=TEACHER_EMAIL)
    # Early in the morning three days from now: no demo meeting or session then.
    day = (timezone.localtime() + timedelta(days=3)).date()
    year = year_current(school=sanne.school)
    SchoolYear.objects.filter(pk=year.pk, end__lt=day).update(end=day)
    line = LineMembership.objects.on(timezone.localdate()).get(member=sanne).line
    meeting_create(
        line=line, date=day, start_time=time(7, 0), end_time=time(8, 0), topic="Vroeg overleg"
    )
    in_line = LineMembership.objects.filter(line=line).values("member_id")
    colleague = (
        Member.objects.filter(school=sanne.school, is_active=True, user__is_staff=False)
        .exclude(pk__in=in_line)
        .order_by("pk")
        .first()
    )
    during = timezone.make_aware(datetime.combine(day, time(7, 30)))
    later = timezone.make_aware(datetime.combine(day, time(10, 0)))
    exchange = exchange_start(
        initiator=colleague,
        invitees=[sanne],
        topic="Vraagkaarten",
        kind="conversation",
        moments=[during, later],
    )
    said, _what = notice(sanne, during, exchange.minutes)
    assert f" {day.day} " in said
    assert "07:00" in said

    page.set_viewport_size(PHONE)
    errors = console_errors(page)
    sign_in(page, live_server, TEACHER_EMAIL)
    page.goto(live_server.url + f"/s/{sanne.school.slug}/exchanges/{exchange.pk}/")
    moments = page.locator("ul.exchange-moments > li")
    expect(moments).to_have_count(2)
    # next to the moment during the meeting, and only there
    expect(moments.nth(0).locator(".exchange-clash")).to_have_text(said)
    expect(moments.nth(0).locator(".exchange-clash")).to_be_visible()
    expect(moments.nth(1).locator(".exchange-clash")).to_have_count(0)
    checked(page, serious_violations, errors)

    # With the keyboard: the accept button of that moment is still there, and says why to wait
    accept = moments.nth(0).get_by_role("button")
    for _press in range(60):
        page.keyboard.press("Tab")
        if accept.evaluate("button => button === document.activeElement"):
            break
    expect(accept).to_be_focused()
    expect(accept).to_have_accessible_description(said)

    # She proposes another moment during the meeting (keyboard only): saved, with a note
    field = page.locator("#propose-starts-at")
    for _press in range(60):
        if field.evaluate("input => input === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(field).to_be_focused()
    field.fill(day.strftime("%Y-%m-%d") + "T07:15")
    page.keyboard.press("Enter")
    alert = page.locator(".messages .alert-warning")
    expect(alert).to_be_visible()
    proposed = timezone.make_aware(datetime.combine(day, time(7, 15)))
    _said, what = notice(sanne, proposed, exchange.minutes)
    expect(alert).to_contain_text(what)
    assert exchange.moments.filter(starts_at=proposed).exists()
    expect(page.locator("ul.exchange-moments > li")).to_have_count(3)
    checked(page, serious_violations, errors)
