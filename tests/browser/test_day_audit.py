"""The session's day with two laptops and a phone, found in an audit on the demo school.

Two steering members each press "Next" on their own projector page at the same moment: the
room moves on one assignment, not two. A teacher whose table in the current round changes
(the plan repaired for someone arriving late) hears her new table on a screen reader, as a
sighted teacher sees it.
"""

import pytest
from playwright.sync_api import Page, expect

from learninglines.models import Member
from sessions_app.models import Seat, SessionClock
from sessions_app.services.plans import plan_swap
from tests.browser.test_keyboard_and_screen_reader import POLL, a_published_session, count_swaps
from tests.browser.test_plenary import (
    LAPTOP,
    STEERING_EMAIL,
    accessible,
    console_errors,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_laptops_pressing_next_at_once_move_the_room_one_assignment(
    page: Page, serious_violations, live_server
):
    _email, session = a_published_session()
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    sign_in(page, live_server, STEERING_EMAIL)
    url = live_server.url + f"/s/{session.school.slug}/sessions/{session.pk}/projector/"
    other = page.context.new_page()
    for laptop in (page, other):
        laptop.goto(url)
        expect(laptop.locator(".projector-step")).to_contain_text("Opdracht 1 van 6")
    # Both press before either answer arrives.
    for laptop in (page, other):
        laptop.evaluate("document.getElementById('clock-next').click()")
    for laptop in (page, other):
        laptop.wait_for_function("() => !document.querySelector('.htmx-request')")
        expect(laptop.locator(".projector-step")).to_contain_text("Opdracht 2 van 6")
    assert SessionClock.objects.get(session=session).position == 2
    accessible(page, serious_violations, errors)


def test_the_teachers_phone_announces_her_new_table_when_the_plan_changes(
    page: Page, serious_violations, live_server
):
    email, session = a_published_session()
    teacher = Member.objects.get(user__email=email)
    plan = session.plan
    mine = Seat.objects.select_related("table").get(
        round__plan=plan, round__number=1, member=teacher
    )
    elsewhere = (
        Seat.objects.filter(round__plan=plan, round__number=1)
        .exclude(table=mine.table)
        .select_related("table")
        .filter(line=mine.line)
        .first()
    )
    errors = console_errors(page)
    sign_in(page, live_server, email)
    page.goto(live_server.url + f"/s/{session.school.slug}/sessions/{session.pk}/me/")
    page.wait_for_load_state("load")
    now = page.locator(".my-table-now h2")
    expect(now).to_have_text(f"Ronde 1 — tafel {mine.table.number}")
    count_swaps(page, "my-session")
    page.evaluate(POLL)  # the same table again says nothing
    page.wait_for_function("() => window.swaps >= 1")
    expect(page.locator("#announcer")).to_have_text("")
    plan_swap(
        plan=plan,
        version=plan.version,
        round_number=1,
        first=teacher.pk,
        second=elsewhere.member_id,
    )
    page.evaluate(POLL)
    expect(now).to_have_text(f"Ronde 1 — tafel {elsewhere.table.number}")
    expect(page.locator("#announcer")).to_have_text(f"Ronde 1 — tafel {elsewhere.table.number}")
    accessible(page, serious_violations, errors)
