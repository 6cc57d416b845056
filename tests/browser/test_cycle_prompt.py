"""The cycle prompt: a teacher records her line's third meeting, and the steering group is told.

Two lines in the current cycle: Rekenen has had its 3 meetings, Lezen 2. A teacher of Lezen,
on her phone, plans today's meeting from her line's page and records who came; the steering
member's start page then says it is time for a plenary session and offers to plan it.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from learninglines.models import Attendance, LineMeeting
from learninglines.selectors.lines import year_current
from tests.browser.test_meetings import fits_a_phone, sign_in
from tests.factories import MemberFactory
from tests.learninglines.test_meetings import join, make_line, plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROMPT = "Alle leerlijnen hebben 3 bijeenkomsten gehad: tijd voor een plenaire bijeenkomst."


def test_a_teacher_records_the_third_meeting_and_the_steering_group_sees_the_cycle_prompt(
    page: Page, serious_violations, live_server, school, steering, teacher
):
    lezen = make_line(school, "A", "Lezen", "blue")
    rekenen = make_line(school, "B", "Rekenen", "green")
    join(teacher, lezen)
    colleague = MemberFactory(school=school, first_name="Cor", last_name="Claassen")
    join(colleague, lezen)
    join(steering, rekenen)
    year = year_current(school=school)
    today = timezone.localdate()
    for line, count in ((lezen, 2), (rekenen, 3)):
        for days in range(1, count + 1):
            plan(line, max(year.start, today - timedelta(days=days)), topic=f"Ronde {days}")

    # Before: the steering group sees where each line stands, and no prompt.
    sign_in(page, live_server, steering.user)
    page.goto(live_server.url + "/s/de-regenboog/")
    cycle = page.locator("section[aria-labelledby=cycle-title]")
    expect(cycle.get_by_role("heading", name="De cyclus")).to_be_visible()
    expect(cycle.locator(".cycle-lines li")).to_have_text(
        ["A Lezen 2/3 2 van 3", "B Rekenen 3/3 3 van 3"]
    )
    expect(cycle.get_by_text("tijd voor een plenaire bijeenkomst")).to_have_count(0)

    # A teacher of Lezen plans today's meeting from her line's page, on her phone.
    sign_in(page, live_server, teacher.user)
    page.goto(live_server.url + "/s/de-regenboog/")
    page.get_by_role("link", name="Lezen", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lezen")
    page.get_by_role("link", name="Plan een bijeenkomst").click()
    page.get_by_label("Datum").fill(today.isoformat())
    page.get_by_label("Begintijd").fill("15:30")
    page.get_by_label("Eindtijd").fill("17:00")
    page.get_by_label("Onderwerp").fill("Vraagkaarten in groep 5")
    page.get_by_role("button", name="Plan de bijeenkomst").click()
    expect(page.locator("#main").get_by_text("De bijeenkomst is gepland.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vraagkaarten in groep 5")
    meeting = LineMeeting.objects.get(topic="Vraagkaarten in groep 5")
    assert (meeting.line, meeting.date) == (lezen, today)

    # ... and records who came.
    page.get_by_role("group", name="Sanne Jansen").get_by_text("aanwezig", exact=True).click()
    page.get_by_role("group", name="Cor Claassen").get_by_text("aanwezig", exact=True).click()
    page.get_by_role("button", name="Bewaar de aanwezigheid").click()
    expect(page.locator("#main").get_by_text("De aanwezigheid is bewaard.")).to_be_visible()
    assert sorted(
        Attendance.objects.filter(meeting=meeting).values_list("member__first_name", "status")
    ) == [("Cor", "present"), ("Sanne", "present")]
    assert fits_a_phone(page)
    assert serious_violations(page) == []

    # The steering member's start page now says it is time, with the way to plan it.
    sign_in(page, live_server, steering.user)
    page.goto(live_server.url + "/s/de-regenboog/")
    expect(cycle.get_by_role("status")).to_contain_text(PROMPT)
    expect(cycle.locator(".cycle-lines li")).to_have_text(
        ["A Lezen 3/3 3 van 3", "B Rekenen 3/3 3 van 3"]
    )
    assert fits_a_phone(page)
    assert serious_violations(page) == []
    cycle.get_by_role("link", name="Plan de plenaire bijeenkomst").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan een plenaire bijeenkomst")
