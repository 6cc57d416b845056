"""A plenary session planned in the browser on the demo school, from the list to the table plan.

The steering member of De Regenboog (32 teachers in 4 lines of 9, 8, 8 and 7) works at a laptop:
plans a session from the sessions list and adjusts the method's program; marks three colleagues
absent on the attendance page, makes the table plan, reads the numbers, swaps two people (once
with the mouse, once with the keyboard alone), locks a table, makes the plan again and undoes.
The coach, in a second browser, still holds the old version and is told so. Without JavaScript
the plain forms swap too; at the door the attendance page fits a phone. axe-core and the
console (CSP) are checked on every page on the way.
"""

import re
from datetime import date, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from exchange.demo import DEMO_COACH_EMAIL, DEMO_PASSWORD, demo_seed
from learninglines.models import Member, School, SchoolYear
from sessions_app.models import PlanChange, PlanTable, PlenarySession, SessionAttendance
from sessions_app.services.sessions import session_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 900}
STEERING_EMAIL = "anouk.devries@regenboog.example"
STALE = "Iemand anders heeft de tafelindeling intussen gewijzigd"


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


def accessible(page: Page, serious_violations, errors: list[str]) -> None:
    """No console error so far, and axe-core finds nothing serious or critical.

    axe-core may inject a style of its own that the policy blocks: what it causes is dropped.
    """
    assert errors == []
    assert serious_violations(page) == []
    errors.clear()


def round_tables(page: Page, number: int) -> list[dict]:
    """Round `number` as shown: per table its number, locked or not, and (name, line letter)s."""
    return page.evaluate(
        """(number) => [...document.querySelectorAll(`#round-${number} article.plan-table`)]
        .map((card) => ({
            number: Number(card.getAttribute('aria-labelledby').split('-').pop()),
            locked: card.classList.contains('plan-table-locked'),
            seats: [...card.querySelectorAll('li.plan-seat')].map((seat) => [
                seat.querySelector('.plan-seat-name').firstChild.textContent.trim(),
                seat.querySelector('.line-badge').textContent.trim(),
            ]),
        }))""",
        number,
    )


def on_the_board(page: Page, action) -> None:
    """Do `action` and wait until htmx has swapped the board in place and settled it.

    Only then are the new board's forms wired to htmx: a key pressed sooner submits the plain
    form (which works too, but reloads the page). A full reload never settles: it fails here.
    """
    # htmx wires the page once it has loaded: a click before that posts the plain form.
    page.wait_for_load_state("load")
    page.evaluate(
        """() => {
            window.boardSettled = false;
            document.addEventListener(
                'htmx:afterSettle', () => { window.boardSettled = true; }, { once: true }
            );
        }"""
    )
    action()
    page.wait_for_function("() => window.boardSettled", timeout=10_000)


def tab_to(page: Page, selector: str, *, limit: int) -> str:
    """Press Tab until the focus is on an element matching `selector`; its text."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return page.evaluate("document.activeElement.textContent.trim()")
    pytest.fail(f"{limit} presses of Tab never reached {selector}")


def names_at(table: dict) -> list[str]:
    return sorted(name for name, _letter in table["seats"])


def two_full_tables(tables: list[dict]) -> tuple[dict, dict]:
    """Two unlocked tables at which every line sits once (a swap across lines costs numbers)."""
    full = [
        t
        for t in tables
        if not t["locked"] and len({letter for _name, letter in t["seats"]}) == len(t["seats"])
    ]
    assert len(full) >= 2, tables
    return full[0], full[1]


def seat_of(table: dict, letter: str) -> str:
    return next(name for name, line in table["seats"] if line == letter)


def numbers(page: Page) -> str:
    return page.locator(".plan-numbers").inner_text()


def session_date() -> date:
    year = SchoolYear.objects.get(
        school__slug="de-regenboog", start__lte=timezone.localdate(), end__gte=timezone.localdate()
    )
    return min(timezone.localdate() + timedelta(days=21), year.end)


def new_session() -> PlenarySession:
    """A draft three weeks ahead, made as the sessions list makes it (the method's program)."""
    return session_create(
        school=School.objects.get(slug="de-regenboog"),
        title="Plenaire bijeenkomst 3",
        date=session_date(),
        start_time=time(15, 0),
        end_time=time(16, 45),
        place="Speellokaal",
    )


def steering_at_a_laptop(page: Page, live_server) -> tuple[PlenarySession, list[str]]:
    """The demo, a new session, and its steering member signed in at a laptop: (the session,
    the page's console errors so far)."""
    demo_seed()
    session = new_session()
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    sign_in(page, live_server, STEERING_EMAIL)
    return session, errors


def test_steering_member_plans_a_session_and_adjusts_the_program_at_a_laptop(
    page: Page, serious_violations, live_server
):
    demo_seed()
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    sign_in(page, live_server, STEERING_EMAIL)

    # From the sessions list, a new session with the method's program.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Plenaire bijeenkomsten"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plenaire bijeenkomsten")
    expect(page.get_by_role("link", name="Plenaire bijeenkomst 2")).to_be_visible()
    page.get_by_role("link", name="Nieuwe plenaire bijeenkomst").click()
    page.get_by_label("Titel").fill("Plenaire bijeenkomst 3")
    page.get_by_label("Datum").fill(session_date().isoformat())
    page.get_by_label("Plaats").fill("Speellokaal")
    page.get_by_role("button", name="Plan de bijeenkomst").click()
    expect(
        page.get_by_text("De bijeenkomst is gepland met het programma van de methode.")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plenaire bijeenkomst 3")
    expect(page.locator("#main").get_by_text("Gelijkwaardig.")).to_be_visible()
    session = PlenarySession.objects.get(title="Plenaire bijeenkomst 3")
    expect(page.locator("#main").get_by_text("2 tafelrondes · 95 van 105 minuten")).to_be_visible()
    accessible(page, serious_violations, errors)

    # The program: a longer introduction, and the take-away before the second story.
    page.get_by_role("link", name="Wijzigen: “Kennismaken”").first.click()
    page.get_by_label("Minuten").fill("15")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#main").get_by_text("De opdracht is bewaard.")).to_be_visible()
    expect(page.locator("#main").get_by_text("2 tafelrondes · 100 van 105 minuten")).to_be_visible()
    expect(page.locator(".program-item").first).to_contain_text("15:00\u201315:15")
    page.get_by_role("button", name="Zet “Wat neem ik mee?” hoger").click()
    expect(page.locator(".program-item h3")).to_contain_text(
        [
            "Kennismaken",
            "Vertel over je leerlijn",
            "Kennismaken",
            "Wat neem ik mee?",
            "Vertel over je leerlijn",
            "Reflectie",
        ]
    )
    assert list(session.assignments.order_by("position").values_list("title", "table_round")) == [
        ("Kennismaken", 1),
        ("Vertel over je leerlijn", 1),
        ("Kennismaken", 2),
        ("Wat neem ik mee?", 2),
        ("Vertel over je leerlijn", 2),
        ("Reflectie", None),
    ]
    accessible(page, serious_violations, errors)

    # Attendance is one click away; the page is accessible at a laptop too.
    page.get_by_role("link", name="Geef afwezigen aan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wie is er")
    expect(page.locator("#main").get_by_text("Ronde 1: 32 aanwezig")).to_be_visible()
    accessible(page, serious_violations, errors)


def test_steering_member_makes_and_changes_the_table_plan_while_the_coach_looks_on(
    page: Page, browser: Browser, browser_context_args, serious_violations, live_server
):
    demo_seed()
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    session = new_session()
    away = list(
        Member.objects.filter(school__slug="de-regenboog", is_steering=False).order_by("pk")[:3]
    )
    sign_in(page, live_server, STEERING_EMAIL)
    page.goto(live_server.url + session.get_absolute_url())
    session_url = page.url

    # Three colleagues are away: marked on the attendance page before the plan is made.
    page.get_by_role("link", name="Geef afwezigen aan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wie is er")
    for member in away:
        page.get_by_role("group", name=member.full_name).get_by_text("afwezig", exact=True).click()
    page.get_by_role("button", name="Bewaar de aanwezigheid").click()
    expect(
        page.locator("#main").get_by_text("De aanwezigheid is bewaard (3 wijzigingen).")
    ).to_be_visible()
    expect(page.locator("#main").get_by_text("Ronde 1: 29 aanwezig")).to_be_visible()
    expect(page.locator("#main").get_by_text("Ronde 2: 29 aanwezig")).to_be_visible()
    for member in away:
        expect(
            page.get_by_role("group", name=member.full_name).get_by_role("radio", name="afwezig")
        ).to_be_checked()
    assert sorted(
        SessionAttendance.objects.filter(session=session, absent=True).values_list(
            "member_id", flat=True
        )
    ) == sorted(m.pk for m in away)
    accessible(page, serious_violations, errors)
    page.goto(session_url)
    expect(page.locator("#main").get_by_text("32 mensen verwacht · 3 afwezig")).to_be_visible()
    page.get_by_role("link", name="Naar de tafelindeling").click()

    # The table plan, and its numbers in words.
    expect(page.get_by_role("heading", level=1)).to_have_text("Tafelindeling")
    on_the_board(page, page.get_by_role("button", name="Maak de tafelindeling").click)
    expect(page.get_by_role("heading", name="De cijfers")).to_be_visible()
    expect(page.locator(".plan-facts")).to_contain_text("7 tafels, 29 mensen in ronde 1")
    expect(page.locator("[data-fact=repeats]")).to_contain_text(re.compile(r"herhaalde ontmoeting"))
    expect(page.locator("[data-fact=lines]")).to_contain_text(re.compile(r"leerlijn"))
    expect(page.locator(".plan-state")).not_to_be_empty()
    plan_url = page.url
    seated = {name for t in round_tables(page, 1) for name in names_at(t)}
    assert len(seated) == 29
    assert not seated & {m.full_name for m in away}
    accessible(page, serious_violations, errors)

    # The coach opens the same plan in another browser (and keeps this version open).
    coach_context = browser.new_context(**{**browser_context_args, "viewport": LAPTOP})
    coach = coach_context.new_page()
    coach_errors = console_errors(coach)
    sign_in(coach, live_server, DEMO_COACH_EMAIL)
    coach.goto(plan_url)
    expect(coach.get_by_role("heading", name="De cijfers")).to_be_visible()

    # A swap with the mouse: two people of different lines, so the numbers change at once.
    before = numbers(page)
    first_table, second_table = two_full_tables(round_tables(page, 1))
    letters = sorted({letter for _name, letter in first_table["seats"]})
    first = seat_of(first_table, letters[0])
    second = seat_of(second_table, letters[1])
    on_the_board(page, page.locator("#round-1 a.plan-seat-name", has_text=first).click)
    expect(page.locator("#round-1 .plan-seat-selected")).to_contain_text(first)
    expect(page.locator("#main").get_by_text("Kies nu iemand om mee te wisselen")).to_be_visible()
    accessible(page, serious_violations, errors)
    on_the_board(page, page.locator("#round-1 button.plan-seat-name", has_text=second).click)
    expect(page.locator("#main").get_by_text("Gewisseld.")).to_be_visible()
    expect(
        page.locator("#plan-board .messages").get_by_text(
            re.compile(r"ontbreekt nu 2 keer vaker een leerlijn")
        )
    ).to_be_visible()
    assert numbers(page) != before
    after = {t["number"]: names_at(t) for t in round_tables(page, 1)}
    assert second in after[first_table["number"]]
    assert first in after[second_table["number"]]

    # Lock a third table; making the plan again keeps it exactly; undo goes back.
    tables = round_tables(page, 1)
    kept = next(
        t for t in tables if t["number"] not in (first_table["number"], second_table["number"])
    )
    lock = page.locator("#round-1").get_by_role("button", name=f"Vastzetten tafel {kept['number']}")
    on_the_board(page, lock.click)
    expect(page.get_by_text(f"Tafel {kept['number']} staat vast.")).to_be_visible()
    locked_plan = round_tables(page, 1)
    on_the_board(page, page.get_by_role("button", name="Deel opnieuw in").click)
    expect(page.locator("#main").get_by_text("De tafelindeling is klaar")).to_be_visible()
    again = {t["number"]: t for t in round_tables(page, 1)}
    assert again[kept["number"]]["locked"]
    assert names_at(again[kept["number"]]) == names_at(kept)
    assert PlanTable.objects.get(
        round__plan__session=session, round__number=1, number=kept["number"]
    ).locked
    on_the_board(page, page.get_by_role("button", name="Ongedaan maken").click)
    expect(
        page.locator("#main").get_by_text("De laatste wijziging is ongedaan gemaakt.")
    ).to_be_visible()
    assert round_tables(page, 1) == locked_plan
    # The plan's history says who did what; the undone change is marked.
    history = page.locator(".plan-history li")
    expect(history).to_have_count(5)
    expect(history.first).to_contain_text("Anouk de Vries: maakte een wijziging ongedaan")
    expect(history.nth(1)).to_contain_text("Anouk de Vries: maakte de indeling")
    expect(history.nth(1)).to_contain_text("ongedaan gemaakt")
    expect(history.nth(2)).to_contain_text("zette een tafel vast")
    expect(history.nth(3)).to_contain_text("wisselde twee mensen")
    expect(history.nth(4)).to_contain_text("maakte de indeling")

    # The coach's page still holds the version from before all this: the change is refused.
    target = first_table["number"]
    on_the_board(
        coach,
        coach.locator("#round-1").get_by_role("button", name=f"Vastzetten tafel {target}").click,
    )
    expect(coach.get_by_text(STALE)).to_be_visible()
    assert not PlanTable.objects.get(
        round__plan__session=session, round__number=1, number=target
    ).locked
    # ... and the fresh plan is shown in its place.
    expect(coach.locator(f"#table-1-{kept['number']}")).to_contain_text("vast")
    assert round_tables(coach, 1) == locked_plan
    assert coach_errors == []
    coach_context.close()

    # One swap with the keyboard alone: Tab to a name, Enter, Tab to another table, Enter.
    swaps = PlanChange.objects.filter(plan__session=session, kind=PlanChange.Kind.SWAP).count()
    page.goto(plan_url)
    chosen = tab_to(page, "a.plan-seat-name", limit=200)
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator("[data-autofocus]")).to_be_focused()
    expect(page.locator("[data-autofocus]")).to_contain_text(chosen.split(" (")[0])
    other = tab_to(page, "button.plan-seat-name", limit=40)
    assert other.startswith("Wissel met ")
    table = page.evaluate(
        "document.activeElement.closest('article').getAttribute('aria-labelledby')"
    )
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator("#main").get_by_text("Gewisseld.")).to_be_visible()
    # The keyboard stays where it was: focus lands on the message at that table (read out as it
    # gets the focus, with Undo one Tab on), not back at the page's top or the board's.
    expect(page.locator(f"article[aria-labelledby={table}] .plan-notice")).to_be_focused()
    assert (
        PlanChange.objects.filter(
            plan__session=session, kind=PlanChange.Kind.SWAP, by__email=STEERING_EMAIL
        ).count()
        == swaps + 1
    )
    accessible(page, serious_violations, errors)

    page.goto(session_url)
    expect(page.get_by_role("link", name="Open de tafelindeling")).to_be_visible()
    accessible(page, serious_violations, errors)


def test_a_swap_works_without_javascript(browser: Browser, browser_context_args, live_server):
    demo_seed()
    context = browser.new_context(
        **{**browser_context_args, "viewport": LAPTOP, "java_script_enabled": False}
    )
    page = context.new_page()
    sign_in(page, live_server, STEERING_EMAIL)
    draft = PlenarySession.objects.get(school__slug="de-regenboog", title="Plenaire bijeenkomst 2")
    page.goto(live_server.url + draft.get_absolute_url() + "plan/")
    first_table, second_table = two_full_tables(round_tables(page, 2))
    first, second = first_table["seats"][0][0], second_table["seats"][0][0]
    page.locator("#round-2 a.plan-seat-name", has_text=first).click()
    expect(page).to_have_url(re.compile(r"\?round=2&select=\d+#round-2$"))
    page.locator("#round-2 button.plan-seat-name", has_text=second).click()
    expect(page.locator("#main").get_by_text("Gewisseld.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/plan/#round-2$"))
    after = {t["number"]: names_at(t) for t in round_tables(page, 2)}
    assert second in after[first_table["number"]]
    assert first in after[second_table["number"]]
    context.close()


def test_attendance_page_fits_a_phone_at_the_door(page: Page, serious_violations, live_server):
    demo_seed()
    errors = console_errors(page)
    sign_in(page, live_server, STEERING_EMAIL)
    draft = PlenarySession.objects.get(school__slug="de-regenboog", title="Plenaire bijeenkomst 2")
    page.goto(live_server.url + draft.get_absolute_url() + "attendance/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wie is er")
    expect(page.locator("#main").get_by_text("Ronde 1: 32 aanwezig")).to_be_visible()
    expect(page.get_by_role("group", name="Anouk de Vries")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    accessible(page, serious_violations, errors)
