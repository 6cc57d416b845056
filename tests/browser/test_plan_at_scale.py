"""The scheduler view of a large school: 150 teachers in 8 lines, 19 tables per round.

Issue 11 asks that it stays usable on a laptop screen and readable on a tablet. At 1366x768
and at 1024x768 the page never scrolls sideways, every table card of both rounds lies within
the screen's width (so scrolling down reaches each one) with all its people in it, and axe-core
finds nothing serious or critical.
"""

from datetime import time, timedelta

import pytest
from playwright.sync_api import Page, expect

from learninglines.services.lines import line_create, membership_move
from learninglines.services.people import school_year_ensure_current
from sessions_app.services.plans import plan_generate
from sessions_app.services.sessions import session_create
from tests.browser.test_meetings import sign_in
from tests.browser.test_plenary import accessible, console_errors
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINES = [19, 19, 19, 19, 19, 19, 18, 18]
SCREENS = [{"width": 1366, "height": 768}, {"width": 1024, "height": 768}]


def large_school(school):
    """150 members in 8 lines from the year's start, and a session planned at 19 tables."""
    year = school_year_ensure_current(school=school)
    for index, size in enumerate(LINES):
        line = line_create(school=school, year=year, name=f"Leerlijn {index + 1}")
        for number in range(size):
            member = MemberFactory(
                school=school,
                first_name=f"Voornaam{index}{number:02d}",
                name_prefix="van der",
                last_name=f"Achternaam-Langenaam{index}{number:02d}",
            )
            membership_move(member=member, line=line, start=year.start)
    session = session_create(
        school=school,
        title="Plenaire bijeenkomst",
        date=min(year.start + timedelta(days=40), year.end),
        start_time=time(15, 0),
        end_time=time(16, 45),
    )
    # 18 tables seat every line at each; the steering group chose the other count, 19 of 7 or 8.
    plan_generate(session=session, seed=0, tables=19)
    return session


def cards(page: Page) -> list[dict]:
    """Every table card: its round, left and right edge, and the people shown in it."""
    return page.evaluate(
        """() => [...document.querySelectorAll('article.plan-table')].map((card) => {
            const box = card.getBoundingClientRect();
            return {
                round: card.closest('section.plan-round').id,
                left: box.left,
                right: box.right,
                seats: card.querySelectorAll('li.plan-seat').length,
                clipped: [...card.querySelectorAll('.plan-seat-name')].filter(
                    (name) => name.getBoundingClientRect().right > box.right + 1
                ).length,
            };
        })"""
    )


def test_the_scheduler_view_of_150_members_fits_a_laptop_and_a_tablet(
    page: Page, serious_violations, live_server, school, steering
):
    session = large_school(school)
    sign_in(page, live_server, steering.user)
    errors = console_errors(page)
    for screen in SCREENS:
        page.set_viewport_size(screen)
        page.goto(live_server.url + f"/s/de-regenboog/sessions/{session.pk}/plan/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Tafelindeling")
        expect(page.locator(".plan-facts")).to_contain_text("19 tafels, 150 mensen in ronde 1")
        expect(page.locator("article.plan-table")).to_have_count(38)

        # No sideways scrolling, and every card (with everyone in it) within the width.
        width = page.evaluate("document.documentElement.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width == screen["width"]
        found = cards(page)
        assert [c["round"] for c in found] == ["round-1"] * 19 + ["round-2"] * 19
        assert [c for c in found if c["left"] < 0 or c["right"] > width] == []
        assert sum(c["seats"] for c in found if c["round"] == "round-1") == 150
        assert sum(c["seats"] for c in found if c["round"] == "round-2") == 150
        assert [c for c in found if c["clipped"]] == []

        # Scrolling down reaches the last card of the last round.
        last = page.locator("#round-2 article.plan-table").last
        last.scroll_into_view_if_needed()
        expect(last).to_be_in_viewport()
        assert page.evaluate("window.scrollY") > 0
        accessible(page, serious_violations, errors)
