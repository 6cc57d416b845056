"""What axe-core does not see: where the focus goes, and what a screen reader is told.

On the demo school. A teacher at 360 px keeps the focus on the reflection link while her
session-day page polls; the steering group's projector buttons keep the focus when htmx
replaces them (and the arrow keys still work there); Cancel on the table plan leaves the focus
on the round, and moving an assignment lands on it, not on <body>. On the table plan the chosen
seat shows the focus ring over its own frame, and after a swap, a lock or an undo the focus
stays where the work is (the swap's message at its table, with its Undo one Tab on; the lock
button; Undo) while the message is read out. A
form that comes back with errors puts the focus on the first error (not on the page's top, nor
on a field with autofocus), and so does a team import whose file has errors (the summary above
the rows); a "saved" message after a redirect reaches the polite live region a moment after the
page loads (one that holds its text from the start is not announced); the reflection form's
autosave status is only replaced when what it says changes.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from exchange.demo import DEMO_PASSWORD, demo_seed
from learninglines.models import LineMeeting
from sessions_app.services.plans import plan_generate
from tests.browser.test_import import LINES, thirty_teachers
from tests.browser.test_import import sign_in as signed_in_as
from tests.browser.test_plenary import (
    STEERING_EMAIL,
    accessible,
    console_errors,
    on_the_board,
    sign_in,
    steering_at_a_laptop,
)
from tests.browser.test_reflection_answer import an_open_form
from tests.learninglines.test_import_files import DUTCH_HEADERS, csv_file, make_lines, xlsx_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEACHER_EMAIL = "sanne.jansen@regenboog.example"


def a_published_session():
    """A teacher's address and a session with its plan published (an open reflection form's)."""
    from sessions_app.services.day import session_publish

    email, _teacher, questionnaire = an_open_form()
    session = questionnaire.session
    plan_generate(session=session, seed=0)
    session_publish(session=session)
    return email, session


POLL = "htmx.ajax('GET', location.pathname, {target: '#my-session', swap: 'outerHTML'})"


def count_swaps(page: Page, target_id: str) -> None:
    """From now on, window.swaps counts htmx swaps into #target_id."""
    page.evaluate(
        """(id) => {
            window.swaps = 0;
            document.addEventListener('htmx:afterSwap', (event) => {
                if (event.detail.target.id === id) { window.swaps += 1; }
            });
        }""",
        target_id,
    )


def test_the_session_day_poll_keeps_the_focus_on_the_reflection_link(
    page: Page, serious_violations, live_server
):
    email, _teacher, questionnaire = an_open_form()
    session = questionnaire.session
    errors = console_errors(page)
    sign_in(page, live_server, email)
    page.goto(live_server.url + f"/s/{session.school.slug}/sessions/{session.pk}/me/")
    page.wait_for_load_state("load")
    link = page.get_by_role("link", name="Vul de reflectie in")
    link.focus()
    count_swaps(page, "my-session")
    # The page asks the server every 10 seconds and replaces the fragment the link is in.
    page.wait_for_function("() => window.swaps >= 1", timeout=25_000)
    expect(page.get_by_role("link", name="Vul de reflectie in")).to_be_focused()
    accessible(page, serious_violations, errors)


def test_the_teachers_phone_announces_the_next_step_when_the_projector_moves_on(
    page: Page, serious_violations, live_server
):
    from sessions_app.services.day import clock_act

    email, session = a_published_session()
    first, second = list(session.assignments.order_by("position"))[:2]
    errors = console_errors(page)
    sign_in(page, live_server, email)
    page.goto(live_server.url + f"/s/{session.school.slug}/sessions/{session.pk}/me/")
    page.wait_for_load_state("load")
    expect(page.locator(".my-now h2")).to_have_text(first.title)
    count_swaps(page, "my-session")
    page.evaluate(POLL)  # what the 10-second poll does; the same step says nothing
    page.wait_for_function("() => window.swaps >= 1")
    expect(page.locator("#announcer")).to_have_text("")
    clock_act(session=session, action="next")  # the steering group's projector moves on
    page.evaluate(POLL)
    expect(page.locator(".my-now h2")).to_have_text(second.title)
    expect(page.locator("#announcer")).to_have_text(f"Nu: {second.title}")
    accessible(page, serious_violations, errors)


def test_the_projector_buttons_keep_the_focus_when_htmx_replaces_them(
    page: Page, serious_violations, live_server
):
    session, errors = steering_at_a_laptop(page, live_server)
    page.goto(live_server.url + f"/s/de-regenboog/sessions/{session.pk}/projector/")
    page.wait_for_load_state("load")
    count_swaps(page, "projector-state")
    page.get_by_role("button", name="Start").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.swaps >= 1", timeout=10_000)
    # Start became Pause in the same place: the keyboard is still there, not on <body>.
    expect(page.get_by_role("button", name="Pauze")).to_be_focused()
    # The arrows still move on from a focused button (a presenter's remote sends them).
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling')")
    page.keyboard.press("ArrowRight")
    expect(page.locator(".projector-step")).to_contain_text("Opdracht 2 van")
    expect(page.get_by_role("button", name="Pauze")).to_be_focused()
    page.get_by_role("button", name="Opnieuw").focus()
    # One swap more than so far: a poll (every 5 s; earlier polls may have swapped already).
    swaps = page.evaluate("window.swaps")
    page.wait_for_function("(n) => window.swaps > n", arg=swaps, timeout=15_000)
    expect(page.get_by_role("button", name="Opnieuw")).to_be_focused()
    # Back to the first assignment: Previous comes back disabled and cannot keep the focus, so
    # it goes to Start/Pause, not to the page.
    expect(page.locator(".projector-step")).to_contain_text("Opdracht 2 van")
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling')")
    page.locator("#clock-previous").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".projector-step")).to_contain_text("Opdracht 1 van")
    expect(page.locator("#clock-previous")).to_be_disabled()
    expect(page.locator("#clock-toggle")).to_be_focused()
    accessible(page, serious_violations, errors)


def test_cancel_on_the_table_plan_leaves_the_focus_on_the_round(
    page: Page, serious_violations, live_server
):
    session, errors = steering_at_a_laptop(page, live_server)
    plan_generate(session=session, seed=0)
    page.goto(live_server.url + f"/s/de-regenboog/sessions/{session.pk}/plan/")
    page.wait_for_load_state("load")
    page.locator("#round-1 a.plan-seat-name").first.focus()
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator("[data-autofocus]")).to_be_focused()
    page.locator("#round-1 .plan-hint").get_by_role("link", name="Annuleren").focus()
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator("[data-autofocus]")).to_have_count(0)
    expect(page.get_by_role("heading", name="Ronde 1", exact=True)).to_be_focused()
    # a text button without padding is still a target of at least 24 by 24 px (WCAG 2.5.8)
    lock = page.locator("#round-1 .plan-lock").first.bounding_box()
    assert lock["height"] >= 24
    assert lock["width"] >= 24
    accessible(page, serious_violations, errors)


def test_a_form_with_errors_puts_the_focus_on_the_first_error(
    page: Page, serious_violations, live_server
):
    demo_seed()
    errors = console_errors(page)
    # The sign-in form's own error is above the fields; the e-mail field has autofocus.
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill(TEACHER_EMAIL)
    page.get_by_role("textbox", name="Wachtwoord").fill(DEMO_PASSWORD + "x")
    page.get_by_role("button", name="Inloggen", exact=True).click()
    error = page.locator("main form .alert-danger")
    expect(error).to_contain_text("Dit e-mailadres en wachtwoord horen niet bij elkaar.")
    expect(error).to_be_focused()
    accessible(page, serious_violations, errors)

    # A field's own error: the focus is on the field, which names its error.
    sign_in(page, live_server, STEERING_EMAIL)
    page.goto(live_server.url + "/s/de-regenboog/lines/create/")
    page.locator("[required]").evaluate_all("(all) => all.forEach(e => e.required = false)")
    page.locator("main form").get_by_role("button").last.click()
    name = page.get_by_role("textbox", name="Naam")
    expect(name).to_be_focused()
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description(re.compile("Dit veld is verplicht"))
    accessible(page, serious_violations, errors)


def test_an_import_with_errors_puts_the_focus_on_its_error_summary(
    page: Page, serious_violations, live_server, school, steering, tmp_path
):
    make_lines(school, LINES)
    errors = console_errors(page)
    signed_in_as(page, live_server, steering.user)

    # A row with an error: the summary above the rows says so, and has the focus.
    page.goto(live_server.url + "/s/de-regenboog/team/import/")
    bad = tmp_path / "team.xlsx"
    bad.write_bytes(xlsx_file([DUTCH_HEADERS, *thirty_teachers(bad_row=True)]))
    page.get_by_label(re.compile(r"^\s*Teamlijst")).set_input_files(bad)
    page.get_by_role("button", name="Uploaden en controleren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Controleer de import")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_have_count(1)
    expect(summary).to_contain_text("1 regel heeft een fout: er wordt niets opgeslagen")
    expect(summary).to_be_focused()
    accessible(page, serious_violations, errors)

    # A file that cannot be imported at all (no column of e-mail addresses): its problems.
    page.goto(live_server.url + "/s/de-regenboog/team/import/")
    staff = tmp_path / "export.csv"
    staff.write_bytes(
        csv_file(
            [["Roepnaam", "Achternaam", "Contact"], ["Daan", "Berg", "daan@regenboog.example"]]
        )
    )
    page.get_by_label(re.compile(r"^\s*Teamlijst")).set_input_files(staff)
    page.get_by_role("button", name="Uploaden en controleren").click()
    summary = page.locator("[data-error-summary]").first
    expect(summary).to_contain_text("Dit bestand kan nog niet worden geïmporteerd")
    expect(summary).to_be_focused()
    accessible(page, serious_violations, errors)


def test_a_saved_message_is_announced_politely_after_the_redirect(
    page: Page, serious_violations, live_server
):
    demo_seed()
    # A meeting of the teacher's own line, whose attendance she may record.
    meeting = (
        LineMeeting.objects.filter(
            line__school__slug="de-regenboog", line__name="Burgerschap en samenleven"
        )
        .order_by("-date")
        .first()
    )
    errors = console_errors(page)
    sign_in(page, live_server, TEACHER_EMAIL)
    page.goto(live_server.url + f"/s/de-regenboog/meetings/{meeting.pk}/")
    page.get_by_role("button", name="Bewaar de aanwezigheid").click()
    expect(page).to_have_url(re.compile(r"#attendance$"))
    expect(page.locator("main .messages")).to_have_text("De aanwezigheid is bewaard.")
    # Read out once, by the live region that was empty when the page loaded.
    expect(page.get_by_role("status").filter(has_text="De aanwezigheid is bewaard.")).to_have_count(
        1
    )
    expect(page.locator("#announcer")).to_have_text("De aanwezigheid is bewaard.")
    accessible(page, serious_violations, errors)


def test_the_autosave_status_is_replaced_only_when_it_says_something_new(
    page: Page, serious_violations, live_server
):
    email, _teacher, questionnaire = an_open_form()
    errors = console_errors(page)
    sign_in(page, live_server, email)
    page.goto(live_server.url + f"/s/de-regenboog/reflections/{questionnaire.pk}/answer/")
    page.wait_for_load_state("load")
    status = page.locator("#autosave-status")
    field = page.get_by_label("Wat heb je geleerd over een andere leerlijn? (verplicht)")
    field.fill("Bij Rekenen")
    expect(status).to_have_text(re.compile(r"^\s*Opgeslagen \d\d:\d\d\s*$"), timeout=10_000)
    page.evaluate(
        """() => {
            window.saves = 0;
            document.addEventListener('htmx:afterRequest', () => { window.saves += 1; });
        }"""
    )
    count_swaps(page, "autosave-status")
    for saves, more in enumerate((" werken ze", " met rekenmuurtjes"), start=1):
        field.press_sequentially(more)
        page.wait_for_function("(n) => window.saves >= n", arg=saves, timeout=10_000)
    # Two more saves; the region changed at most once (when the minute turned over).
    assert page.evaluate("window.swaps") <= 1
    expect(status).to_have_text(re.compile(r"^\s*Opgeslagen \d\d:\d\d\s*$"))
    expect(field).to_have_value("Bij Rekenen werken ze met rekenmuurtjes")
    accessible(page, serious_violations, errors)


def test_moving_an_assignment_lands_the_focus_on_it_in_its_new_place(
    page: Page, serious_violations, live_server
):
    session, errors = steering_at_a_laptop(page, live_server)
    page.goto(live_server.url + session.get_absolute_url())
    first = page.locator("li.program-item").first
    moved = first.get_attribute("id")
    first.get_by_role("button", name=re.compile(r"^Zet “.+” lager$")).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"#{moved}$"))
    item = page.locator(f"#{moved}")
    expect(item).to_be_focused()
    expect(page.locator("li.program-item").nth(1)).to_have_id(moved)
    accessible(page, serious_violations, errors)


def test_a_screen_reader_hears_once_that_the_time_is_up(
    page: Page, serious_violations, live_server
):
    from datetime import timedelta

    from django.utils import timezone

    from sessions_app.services.day import clock_act

    email, session = a_published_session()
    first = session.assignments.order_by("position").first()
    # Started so long ago that 2 seconds of the first assignment are left.
    clock_act(
        session=session,
        action="start",
        now=timezone.now() - timedelta(minutes=first.duration_minutes) + timedelta(seconds=2),
    )
    errors = console_errors(page)
    sign_in(page, live_server, email)
    page.goto(live_server.url + f"/s/{session.school.slug}/sessions/{session.pk}/me/")
    expect(page.locator(".my-now h2")).to_have_text(first.title)
    expect(page.locator("#announcer")).to_have_text("De tijd is om", timeout=10_000)
    expect(page.locator(".clock-line .time-up-text")).to_be_visible()
    # The poll brings the same run of the same assignment back: nothing is said again.
    page.evaluate("document.getElementById('announcer').textContent = ''")
    count_swaps(page, "my-session")
    page.evaluate(POLL)
    page.wait_for_function("() => window.swaps >= 1")
    page.wait_for_timeout(600)  # two ticks of the countdown, which would say it
    expect(page.locator("#announcer")).to_have_text("")
    accessible(page, serious_violations, errors)


RING = "rgb(200, 85, 61) solid 3px"  # the focus ring of every control


def test_the_chosen_seat_shows_the_focus_ring_over_its_frame(
    page: Page, serious_violations, live_server
):
    session, errors = steering_at_a_laptop(page, live_server)
    plan_generate(session=session, seed=0)
    page.goto(live_server.url + f"/s/de-regenboog/sessions/{session.pk}/plan/")
    page.wait_for_load_state("load")
    page.locator("#round-1 a.plan-seat-name").first.focus()
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    chosen = page.locator("[data-autofocus]")
    expect(chosen).to_be_focused()
    focused = chosen.evaluate("el => getComputedStyle(el).outline")
    # Tab on: the seat is still chosen, without the focus: its own (brown) frame only.
    page.keyboard.press("Tab")
    expect(chosen).not_to_be_focused()
    unfocused = chosen.evaluate("el => getComputedStyle(el).outline")
    assert unfocused == "rgb(138, 90, 0) solid 2px"
    assert focused == RING
    # ... and the frame still shows around the focused seat, inside the ring.
    chosen.focus()
    assert "rgb(138, 90, 0)" in chosen.evaluate("el => getComputedStyle(el).boxShadow")
    accessible(page, serious_violations, errors)


def test_after_a_change_on_the_table_plan_the_focus_stays_at_the_table(
    page: Page, serious_violations, live_server
):
    session, errors = steering_at_a_laptop(page, live_server)
    plan_generate(session=session, seed=0)
    page.goto(live_server.url + f"/s/de-regenboog/sessions/{session.pk}/plan/")
    page.wait_for_load_state("load")
    announcer = page.locator("#announcer")

    # A swap with the keyboard: the focus goes to the message at the table where "Swap with"
    # was pressed, not to the top of the board (from where Tab goes through every seat again).
    page.locator("#round-2 a.plan-seat-name").first.focus()
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    swap = page.locator("#round-2 button.plan-seat-name").first
    table = swap.locator("xpath=ancestor::article").get_attribute("aria-labelledby")
    swap.focus()
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator("#plan-board .messages")).to_contain_text("Gewisseld.")
    notice = page.locator(f"article[aria-labelledby={table}] .plan-notice")
    expect(notice).to_be_focused()
    # Read out once (with what the swap costs), as it gets the focus: it is no live region any
    # more, and the page's live region says nothing.
    expect(announcer).to_have_text("")
    expect(page.get_by_role("status").filter(has_text="Gewisseld.")).to_have_count(0)
    # Tab goes on at that table: Undo for this swap, then its lock button.
    page.keyboard.press("Tab")
    expect(notice.get_by_role("button", name="Maak deze wissel ongedaan")).to_be_focused()
    page.keyboard.press("Tab")
    number = table.rsplit("-", 1)[1]
    round_2 = page.locator("#round-2")
    expect(round_2.get_by_role("button", name=f"Vastzetten tafel {number}")).to_be_focused()

    # Locking keeps the focus on the table's button, which now unlocks it. The live region is
    # emptied first (here it was empty) and then filled, so the same words after another change
    # are read out again.
    page.evaluate(
        """() => {
            window.said = [];
            const region = document.getElementById('announcer');
            new MutationObserver(() => window.said.push(region.textContent)).observe(
                region, { childList: true, characterData: true }
            );
        }"""
    )
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    expect(round_2.get_by_role("button", name=f"Losmaken tafel {number}")).to_be_focused()
    expect(announcer).to_have_text(f"Tafel {number} staat vast.")
    assert page.evaluate("window.said") == [f"Tafel {number} staat vast."]

    # Undo: the focus stays on Undo while there is more to undo, and the message is read out.
    undo = page.get_by_role("button", name="Ongedaan maken")
    undo.focus()
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    expect(announcer).to_have_text("De laatste wijziging is ongedaan gemaakt.")
    expect(round_2.get_by_role("button", name=f"Vastzetten tafel {number}")).to_be_visible()
    expect(undo).to_be_focused()
    # The last undo: Undo can no longer be pressed, so the focus goes to the message.
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    expect(undo).to_be_disabled()
    expect(page.locator("#plan-board .messages")).to_be_focused()
    expect(page.locator("#plan-board .messages")).to_have_text(
        re.compile(r"De wissel van .+ en .+ in ronde 2 is ongedaan gemaakt\.")
    )
    accessible(page, serious_violations, errors)
