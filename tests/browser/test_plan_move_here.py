"""Moving someone on the table plan, with the keyboard: "Move here" is offered only on the tables
the move keeps even (the service's own rule), so it is never refused after the press.

The demo's 32 teachers less one who is away: 31 at 7 tables, three of 5 and four of 4. Someone
at a table of 5 may move only to a table of 4; someone at a table of 4 may only swap, and the
hint says why. The keyboard flow stays as it was: the chosen seat has the focus, Tab reaches
"Move here", and after the move the focus is on the message at the table they moved to.
"""

import pytest
from playwright.sync_api import Page, expect

from learninglines.models import Member
from sessions_app.services.attendance import PresenceData, attendance_save
from sessions_app.services.plans import plan_generate
from tests.browser.test_plenary import (
    accessible,
    on_the_board,
    round_tables,
    steering_at_a_laptop,
    tab_to,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOVE_HERE = "#round-1 button[name=table]"


def test_move_here_is_offered_only_where_the_tables_stay_even(
    page: Page, serious_violations, live_server
):
    session, errors = steering_at_a_laptop(page, live_server)
    away = Member.objects.filter(school=session.school, is_steering=False).order_by("pk").first()
    attendance_save(session=session, changes={away.pk: (PresenceData(), PresenceData(absent=True))})
    plan_generate(session=session, seed=0)
    page.goto(live_server.url + f"/s/de-regenboog/sessions/{session.pk}/plan/")
    page.wait_for_load_state("load")
    tables = round_tables(page, 1)
    sizes = sorted(len(t["seats"]) for t in tables)
    assert sizes == [4] * 4 + [5] * 3
    smaller = [t["number"] for t in tables if len(t["seats"]) == 4]
    small = next(t for t in tables if len(t["seats"]) == 4)
    big = next(t for t in tables if len(t["seats"]) == 5)

    # Someone at a table of 4: moving would leave 3 next to 5, so only a swap is offered.
    page.locator(f"#round-1 a.plan-seat-name:text-is('{small['seats'][0][0]}')").focus()
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator("[data-autofocus]")).to_be_focused()
    expect(page.locator(MOVE_HERE)).to_have_count(0)
    expect(page.locator("#round-1 .plan-hint")).to_contain_text(
        "Kies nu iemand om mee te wisselen: naar een andere tafel verplaatsen maakt de tafels "
        "ongelijk"
    )
    expect(page.locator("#round-1 button.plan-seat-name")).to_have_count(27)
    accessible(page, serious_violations, errors)

    # Someone at a table of 5: "Move here" only on the tables of 4.
    name = big["seats"][0][0]
    page.goto(live_server.url + f"/s/de-regenboog/sessions/{session.pk}/plan/")
    page.wait_for_load_state("load")
    page.locator(f"#round-1 a.plan-seat-name:text-is('{name}')").focus()
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator("[data-autofocus]")).to_be_focused()
    expect(page.locator(MOVE_HERE)).to_have_count(4)
    offered = page.locator(MOVE_HERE).evaluate_all("(buttons) => buttons.map((b) => +b.value)")
    assert offered == smaller
    expect(page.locator("#round-1 .plan-hint")).to_contain_text(
        "Kies nu iemand om mee te wisselen, of een tafel met “Hierheen”"
    )
    accessible(page, serious_violations, errors)

    # Tab from the chosen seat reaches "Move here"; Enter moves, and the focus lands on the
    # message at that table, where the mover now sits.
    tab_to(page, MOVE_HERE, limit=80)
    target = int(page.evaluate("document.activeElement.value"))
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator("#plan-board .messages")).to_contain_text("Verplaatst.")
    expect(page.locator(f"article[aria-labelledby=table-1-{target}] .plan-notice")).to_be_focused()
    moved = next(t for t in round_tables(page, 1) if t["number"] == target)
    assert name in [seat for seat, _letter in moved["seats"]]
    assert sorted(len(t["seats"]) for t in round_tables(page, 1)) == sizes
    accessible(page, serious_violations, errors)
