"""The scheduler view of a large school: 150 teachers in 8 lines, 19 tables per round.

Issue 11 asks that it stays usable on a laptop screen and readable on a tablet. At 1366x768
and at 1024x768 the page never scrolls sideways, every table card of both rounds lies within
the screen's width (so scrolling down reaches each one) with all its people in it, and axe-core
finds nothing serious or critical. On that board, lighter since every seat lost its own
hx-get and every table its own lock form, a swap, a move and a lock made with the keyboard
alone go through in place.
"""

import re
from datetime import time, timedelta

import pytest
from playwright.sync_api import Page, expect

from learninglines.models import Member
from learninglines.services.lines import line_create, membership_move
from learninglines.services.people import school_year_ensure_current
from sessions_app.models import Seat
from sessions_app.services.plans import plan_generate
from sessions_app.services.sessions import session_create
from tests.browser.test_meetings import sign_in
from tests.browser.test_plenary import accessible, console_errors, on_the_board, tab_to
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


def seated(session, number: int) -> dict[int, int]:
    """Round `number` of the session's plan as stored: member pk -> table number."""
    return dict(
        Seat.objects.filter(round__plan__session=session, round__number=number).values_list(
            "member_id", "table__number"
        )
    )


def test_a_swap_a_move_and_a_lock_with_the_keyboard_on_the_board_of_150(
    page: Page, serious_violations, live_server, school, steering
):
    """The board of 150 carries no form or hx-get per seat or table any more: a name is a plain
    link that plan.js sends with htmx, and a round's "Swap with", "Move here" and Lock buttons
    share one form each. With the keyboard alone every change still goes through in place."""
    session = large_school(school)
    sign_in(page, live_server, steering.user)
    errors = console_errors(page)
    page.set_viewport_size(SCREENS[0])
    page.goto(live_server.url + f"/s/de-regenboog/sessions/{session.pk}/plan/")
    expect(page.locator("article.plan-table")).to_have_count(38)
    url = page.url
    before = seated(session, 2)

    # A swap in round 2: Enter on a name chooses it (the board comes back in place, the chosen
    # seat has the focus); Tab reaches a "Swap with" at the next table; Enter swaps them.
    first = page.locator("#round-2 article.plan-table").first.locator("a.plan-seat-name").first
    name = first.evaluate("el => el.firstChild.textContent.trim()")
    first.focus()
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator("[data-autofocus]")).to_be_focused()
    expect(page.locator("[data-autofocus]")).to_contain_text(name)
    assert page.url == url  # htmx, not a page load
    other = tab_to(page, "button.plan-seat-name", limit=10)
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    notice = page.locator("#round-2 .plan-notice")
    expect(notice).to_be_focused()
    expect(notice).to_contain_text("Gewisseld.")
    after = seated(session, 2)
    changed = {pk: (before[pk], after[pk]) for pk in before if before[pk] != after[pk]}
    names = dict(Member.objects.filter(pk__in=changed).values_list("pk", "first_name"))
    chosen = next(pk for pk in changed if name.startswith(names[pk]))
    second = next(pk for pk in changed if pk != chosen)
    assert len(changed) == 2
    assert changed[chosen] == (1, changed[second][0])
    assert changed[second][1] == 1
    assert other.startswith(f"Wissel met {names[second]} ")

    # A move in round 1: someone at a table of 8 to a table of 7 ("Move here" is offered only
    # where the tables stay even), with Enter on that table's button.
    before = seated(session, 1)
    sizes = {t: list(before.values()).count(t) for t in set(before.values())}
    big = min(t for t, size in sizes.items() if size == 8)
    card = page.locator(f"article[aria-labelledby=table-1-{big}]")
    card.locator("a.plan-seat-name").first.focus()
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator("[data-autofocus]")).to_be_focused()
    move = page.locator("#round-1").get_by_role("button", name=re.compile(r"^Hierheen"))
    expect(move).to_have_count(2)  # the two tables of 7
    target = int(move.first.get_attribute("value"))
    assert sizes[target] == 7
    move.first.focus()
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    notice = page.locator(f"article[aria-labelledby=table-1-{target}] .plan-notice")
    expect(notice).to_be_focused()
    expect(notice).to_contain_text("Verplaatst.")
    after = seated(session, 1)
    moved = [pk for pk in before if before[pk] != after[pk]]
    assert [(before[pk], after[pk]) for pk in moved] == [(big, target)]

    # Locking a table with the keyboard: its one shared form per round says which table.
    lock = page.locator("#round-1").get_by_role("button", name="Vastzetten tafel 3", exact=True)
    lock.focus()
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    unlock = page.locator("#round-1").get_by_role("button", name="Losmaken tafel 3", exact=True)
    expect(unlock).to_be_focused()
    expect(page.locator("article[aria-labelledby=table-1-3]")).to_have_class(
        re.compile(r"\bplan-table-locked\b")
    )
    assert page.url == url
    accessible(page, serious_violations, errors)
