"""Undo within reach of the keyboard on the table plan, and no Reset by accident on the projector.

On the demo school. A swap in round 2 made with the keyboard alone is said at the table where
it was made, and one Tab from that message is "Undo this swap": Enter on it puts everyone back
at their table, and the message in the same place says which swap was undone, with the focus
on it (on a laptop and on a 360 px phone, axe-core finding nothing serious). On the projector,
Reset asks first while the clock runs or is paused part-way (no keeps the time, yes resets it)
and asks nothing at the start, where there is nothing to lose; its button keeps the focus
through htmx's swaps.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from sessions_app.models import SessionClock
from sessions_app.services.plans import plan_generate
from tests.browser.test_keyboard_journeys import at
from tests.browser.test_plenary import (
    LAPTOP,
    accessible,
    on_the_board,
    round_tables,
    steering_at_a_laptop,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def names_by_table(page: Page, number: int) -> dict[int, list[str]]:
    """Round `number` as shown: table number -> the names at it, in order."""
    return {t["number"]: [name for name, _letter in t["seats"]] for t in round_tables(page, number)}


def tab_until(page: Page, selector: str, *, limit: int) -> int:
    """Press Tab until the focus is on an element matching `selector`; how many presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return presses
    pytest.fail(f"{limit} presses of Tab never reached {selector}")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_a_swap_in_round_2_is_undone_with_one_tab_and_enter(
    page: Page, serious_violations, live_server, viewport
):
    session, errors = steering_at_a_laptop(page, live_server)
    plan_generate(session=session, seed=0)
    page.set_viewport_size(viewport)
    page.emulate_media(reduced_motion="reduce")
    page.goto(live_server.url + f"/s/de-regenboog/sessions/{session.pk}/plan/")
    page.wait_for_load_state("load")
    before = names_by_table(page, 2)

    # To round 2 by its link, then the first name of its first table (past that table's Lock).
    page.get_by_role("navigation", name="Rondes").get_by_role("link", name="Ronde 2").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#round-2")).to_be_focused()
    assert tab_until(page, "a.plan-seat-name", limit=2) == 2
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    at(page, page.locator("[data-autofocus]"))
    # Tab on to the next table's first name ("Swap with ..."), past its Lock.
    assert tab_until(page, "button.plan-seat-name", limit=3) == 2
    on_the_board(page, lambda: page.keyboard.press("Enter"))

    first, second = before[1][0], before[2][0]
    swapped = {**before, 1: sorted([second, *before[1][1:]]), 2: sorted([first, *before[2][1:]])}
    after = names_by_table(page, 2)
    assert {n: sorted(names) for n, names in after.items()} == {
        n: sorted(names) for n, names in swapped.items()
    }
    # The message stands at the table where the swap was made, with the focus on it.
    notice = page.locator("#round-2 article.plan-table").nth(1).locator(".plan-notice")
    at(page, notice)
    expect(notice.locator(".alert-success")).to_have_text("Gewisseld.")
    expect(page.locator("#plan-board .messages")).to_have_count(1)  # not at the top as well
    accessible(page, serious_violations, errors)

    # One Tab: Undo, for this swap.
    page.keyboard.press("Tab")
    undo = notice.get_by_role("button", name="Maak deze wissel ongedaan")
    at(page, undo)
    on_the_board(page, lambda: page.keyboard.press("Enter"))

    # Everyone is back at their table; the message says which swap was undone, where the keyboard
    # was, with the focus on it; no Undo offered there any more.
    assert names_by_table(page, 2) == before
    notice = page.locator("#round-2 article.plan-table").nth(1).locator(".plan-notice")
    expect(notice).to_have_text(
        f"De wissel van {first} en {second} in ronde 2 is ongedaan gemaakt."
    )
    at(page, notice)
    expect(page.get_by_role("button", name="Maak deze wissel ongedaan")).to_have_count(0)
    expect(page.locator("#announcer")).to_have_text("")  # read as it gets the focus, once
    # Tab goes on at that table: its Lock.
    page.keyboard.press("Tab")
    at(page, page.locator("#round-2").get_by_role("button", name="Vastzetten tafel 2"))
    accessible(page, serious_violations, errors)


def test_reset_asks_while_the_clock_has_run_and_not_at_its_start(
    page: Page, serious_violations, live_server
):
    session, errors = steering_at_a_laptop(page, live_server)
    full = f"{session.assignments.order_by('position', 'pk').first().duration_minutes}:00"
    page.goto(live_server.url + f"/s/de-regenboog/sessions/{session.pk}/projector/")
    page.wait_for_load_state("load")
    asked: list[str] = []
    answer = {"yes": False}

    def on_dialog(dialog):
        asked.append(dialog.message)
        if answer["yes"]:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", on_dialog)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    countdown = page.locator(".projector-now .countdown")
    state = page.locator(".projector-clock-state")
    reset = page.locator("#clock-reset")
    question = (
        "De klok terugzetten naar de volle tijd van deze opdracht? De tijd die al gelopen is, "
        "ben je dan kwijt."
    )

    def settled():
        page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling')")

    # At the start there is nothing to lose: Reset asks nothing and goes through.
    reset.focus()
    with page.expect_response(re.compile(r"/clock/")):
        page.keyboard.press("Enter")
    settled()
    assert asked == []
    expect(state).to_have_text("nog niet gestart")
    expect(reset).to_be_focused()

    # Running: Reset asks; "no" sends nothing and keeps the time running.
    with page.expect_response(re.compile(r"/clock/")):
        page.get_by_role("button", name="Start").click()
    expect(state).to_have_text("loopt")
    settled()
    expect(countdown).not_to_have_text(full, timeout=5_000)
    reset.focus()
    sent = len(posts)
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    assert asked == [question]
    assert len(posts) == sent
    expect(state).to_have_text("loopt")
    expect(reset).to_be_focused()
    assert SessionClock.objects.get(session=session).running

    # Paused part-way: asks again; "no" keeps the time left.
    with page.expect_response(re.compile(r"/clock/")):
        page.get_by_role("button", name="Pauze").click()
    expect(state).to_have_text("gepauzeerd")
    settled()
    kept = SessionClock.objects.get(session=session).paused_remaining
    shown = countdown.inner_text()
    assert shown != full
    reset.focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    assert asked == [question, question]
    assert len(posts) == sent + 1  # only the pause
    expect(countdown).to_have_text(shown)
    assert SessionClock.objects.get(session=session).paused_remaining == kept

    # "Yes" resets: the full time again, not started, and the focus stays on Reset.
    answer["yes"] = True
    with page.expect_response(re.compile(r"/clock/")):
        page.keyboard.press("Enter")
    settled()
    assert asked == [question, question, question]
    expect(state).to_have_text("nog niet gestart")
    expect(countdown).to_have_text(full)
    expect(reset).to_be_focused()
    clock = SessionClock.objects.get(session=session)
    assert (clock.running, clock.paused_remaining) == (False, None)

    # Back at its start: no question any more, also after the page polled (htmx swaps).
    swaps = page.evaluate(
        """() => { window.swaps = 0; document.addEventListener('htmx:afterSwap',
            () => { window.swaps += 1; }); return 0; }"""
    )
    page.wait_for_function("(n) => window.swaps > n", arg=swaps, timeout=15_000)
    settled()
    with page.expect_response(re.compile(r"/clock/")):
        page.keyboard.press("Enter")
    settled()
    assert len(asked) == 3
    expect(reset).to_be_focused()
    accessible(page, serious_violations, errors)
