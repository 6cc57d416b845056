"""One real task per role with the keyboard alone, on the demo school.

Only the keyboard: Tab, Shift+Tab, Enter, Space, the arrows and typing; the page is loaded once
(the sign-in page) and every other page is reached by a link or a form. After every key the
focus is checked: on a control that is visible in the window (the page's smooth scrolling is
off, as for reduced motion) and shows a focus indicator (an outline or a shadow; a button-like
radio shows it on its label). Each step names how many presses it may take at most, so a page
that grows a long detour fails here; where the way is long, the skip link to the content is
used, and it is checked to work.

- A teacher on a phone (360 x 740) goes from her start page to her line's next meeting, from
  there to her learning log, writes an entry shared with her line, opens the menu, her
  exchanges and the invitation waiting there, and accepts a moment.
- The steering group at a laptop (1366 x 768) opens the session, marks a colleague as there
  from round 2 only, goes to the table plan, jumps to round 2 by its link, swaps two people
  there, undoes it, and starts and pauses the projector's timer with its keys.
- The coach at a laptop (1366 x 768) goes from the start page to a school's overview, filters
  it on one learning line and downloads the export of what is shown.
"""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from exchange.demo import DEMO_COACH_EMAIL, DEMO_PASSWORD, demo_seed
from learninglines.models import LogEntry
from sessions_app.models import PeerExchange, PlenarySession, SessionAttendance
from tests.browser.test_plenary import STEERING_EMAIL, accessible, console_errors, on_the_board

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}
TEACHER_EMAIL = "sanne.jansen@regenboog.example"

# The focused element as a person sees it: what it is, whether it shows in the window, and
# whether it shows a focus indicator. A radio drawn as a button (.btn-check) is seen as its
# label. `target`, when given, is the element the keyboard is on its way to.
FOCUS = """(target) => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) {
        return { name: "<body>", seen: false, ring: false, hit: false, body: true };
    }
    const shown = (el.matches(".btn-check") && document.querySelector(`label[for="${el.id}"]`))
        || el;
    const style = getComputedStyle(shown);
    const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
        || style.boxShadow !== "none";
    const box = shown.getBoundingClientRect();
    const seen = shown.checkVisibility() && box.width > 0 && box.height > 0
        && box.bottom > 0 && box.top < window.innerHeight
        && box.right > 0 && box.left < window.innerWidth;
    const label = el.getAttribute("aria-label") || (el.labels && el.labels[0]
        && el.labels[0].textContent) || el.textContent || el.value || "";
    const name = `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} `
        + label.trim().replace(/\\s+/g, " ").slice(0, 60);
    return { name, seen, ring, hit: target ? el === target || el.contains(target) : false,
        body: false };
}"""


def focus_state(page: Page, target=None) -> dict:
    return page.evaluate(FOCUS, target)


def assert_shown(state: dict, where: str) -> None:
    """The focus is on a control that shows, with a focus indicator."""
    assert not state["body"], f"{where}: the focus fell to the page"
    assert state["seen"], f"{where}: {state['name']} has the focus but is out of sight"
    assert state["ring"], f"{where}: {state['name']} has the focus but shows no focus indicator"


def press(page: Page, key: str, *, times: int = 1) -> dict:
    """Press `key` `times` times, checking the focus after each; the last state."""
    for _ in range(times):
        page.keyboard.press(key)
        state = focus_state(page)
        assert_shown(state, key)
    return state


def tab_to(page: Page, target: Locator, *, limit: int, key: str = "Tab") -> int:
    """Press Tab (or Shift+Tab) until `target` has the focus, at most `limit` times, checking
    every element on the way; how many presses it took."""
    handle = target.element_handle()
    seen = []
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        state = focus_state(page, handle)
        assert_shown(state, f"{key} {presses} on {page.url}")
        seen.append(state["name"])
        if state["hit"]:
            return presses
    pytest.fail(f"{limit} presses of {key} never reached {target}; on the way: {seen}")


def at(page: Page, target: Locator) -> None:
    """The focus is on `target`, which shows with a focus indicator."""
    expect(target).to_be_focused()
    assert_shown(focus_state(page), f"on {page.url}")


def follow(page: Page, heading: str | re.Pattern, key: str = "Enter") -> None:
    """Press `key` on a link or button that loads a page with this main heading."""
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def skip_to_content(page: Page) -> None:
    """The first Tab on a page reaches the skip link, visibly; Enter puts the keyboard in
    <main>, so the next Tab goes to the content, past the menu."""
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Direct naar de inhoud")
    at(page, skip)
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


def sign_in_by_keyboard(page: Page, live_server, email: str) -> None:
    """The only page loaded directly: the sign-in form, filled in and sent with the keyboard.
    The e-mail field has the focus from the start."""
    page.emulate_media(reduced_motion="reduce")
    page.goto(live_server.url + "/login/")
    page.wait_for_load_state("load")
    at(page, page.get_by_label("E-mailadres"))
    page.keyboard.type(email)
    tab_to(page, page.get_by_role("textbox", name="Wachtwoord"), limit=2)
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(r"/login/"))


def test_a_teacher_on_a_phone_writes_in_her_log_and_accepts_a_moment(
    page: Page, serious_violations, live_server
):
    demo_seed()
    page.set_viewport_size(PHONE)
    errors = console_errors(page)
    sign_in_by_keyboard(page, live_server, TEACHER_EMAIL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Basisschool De Regenboog")

    # The start page: her line's next meeting, a few presses down.
    main = page.locator("#main")
    meeting = main.get_by_role("link", name=re.compile(r"^\w+dag \d+ \w+, \d\d:\d\d · "))
    topic = meeting.inner_text().split(" · ", 1)[1]
    tab_to(page, meeting, limit=8)
    follow(page, topic)
    accessible(page, serious_violations, errors)

    # The meeting page; back to the start page by the breadcrumb, on to the learning log.
    tab_to(page, main.get_by_role("link", name="Basisschool De Regenboog"), limit=5)
    follow(page, "Basisschool De Regenboog")
    tab_to(page, main.get_by_role("link", name="Je logboek"), limit=15)
    follow(page, "Mijn logboek")
    tab_to(page, main.get_by_role("link", name="Nieuwe notitie"), limit=6)
    follow(page, "Nieuwe logboeknotitie")
    accessible(page, serious_violations, errors)

    # A new entry: today's date stays; three parts typed; shared with the line by the arrows.
    tried = main.get_by_label("Wat ik heb geprobeerd")
    tab_to(page, tried, limit=10)
    page.keyboard.type("Een praatkaart bij het klassengesprek")
    press(page, "Tab")
    at(page, main.get_by_label("Wat het deed voor mijn leerlingen"))
    page.keyboard.type("Meer kinderen gaven een mening")
    press(page, "Tab")
    at(page, main.get_by_label("Wat ik wil brengen"))
    page.keyboard.type("De praatkaart")
    press(page, "Tab")
    private = main.get_by_role("radio", name=re.compile(r"^Alleen ik"))
    at(page, private)
    press(page, "ArrowDown")
    shared = main.get_by_role("radio", name=re.compile(r"^Ik en mijn leerlijn"))
    at(page, shared)
    expect(shared).to_be_checked()
    tab_to(page, main.get_by_role("button", name="Bewaar de notitie"), limit=2)
    follow(page, "Mijn logboek")
    expect(main.get_by_text("Je notitie is bewaard.")).to_be_visible()
    entry = LogEntry.objects.filter(author__user__email=TEACHER_EMAIL).order_by("-pk").first()
    assert (entry.tried, entry.sharing) == ("Een praatkaart bij het klassengesprek", "line")
    accessible(page, serious_violations, errors)

    # The menu on a phone: the button opens it, its links follow in the Tab order.
    menu = page.get_by_role("button", name="Menu")
    tab_to(page, menu, limit=4)
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    exchanges = page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Mijn uitwisselingen"
    )
    tab_to(page, exchanges, limit=5)
    follow(page, "Mijn uitwisselingen")
    accessible(page, serious_violations, errors)

    # The invitation waiting for her, and one of its moments accepted.
    tab_to(page, main.get_by_role("link", name="Beantwoord de uitnodiging").first, limit=12)
    follow(page, re.compile(r".+"))
    exchange = PeerExchange.objects.get(topic=page.get_by_role("heading", level=1).inner_text())
    accessible(page, serious_violations, errors)
    accept = main.get_by_role("button", name=re.compile(r"^Accepteer")).first
    tab_to(page, accept, limit=15)
    follow(page, exchange.topic)
    expect(main.get_by_text(re.compile(r"^Afgesproken"))).to_be_visible()
    exchange.refresh_from_db()
    assert exchange.status == PeerExchange.Status.AGREED
    accessible(page, serious_violations, errors)


def test_the_steering_group_at_a_laptop_marks_attendance_swaps_and_runs_the_timer(
    page: Page, serious_violations, live_server
):
    demo_seed()
    session = PlenarySession.objects.get(
        school__slug="de-regenboog", title="Plenaire bijeenkomst 2"
    )
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    sign_in_by_keyboard(page, live_server, STEERING_EMAIL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Basisschool De Regenboog")
    main = page.locator("#main")

    # The start page: past the menu by the skip link, to the session.
    skip_to_content(page)
    tab_to(page, main.get_by_role("link", name=session.title, exact=True), limit=20)
    follow(page, re.compile(session.title))
    accessible(page, serious_violations, errors)

    # The session: its attendance page.
    tab_to(page, main.get_by_role("link", name="Geef afwezigen aan"), limit=15)
    follow(page, "Wie is er")

    # Lars comes from round 2: found by name, "part of it" by the arrows, round 2 chosen in
    # the list with the arrows too, saved.
    tab_to(page, main.get_by_label("Zoek een naam"), limit=15)
    page.keyboard.type("Lars")
    expect(main.locator(".attendance-row:visible")).to_have_count(1)
    row = main.get_by_role("group", name="Lars van Dijk")
    tab_to(page, row.get_by_role("radio", name="er", exact=True), limit=2)
    press(page, "ArrowRight", times=2)
    at(page, row.get_by_role("radio", name="een deel"))
    expect(row.get_by_role("radio", name="een deel")).to_be_checked()
    first = row.get_by_role("combobox", name=re.compile(r"^vanaf ronde"))
    tab_to(page, first, limit=1)
    press(page, "ArrowDown")
    expect(first).to_have_value("2")
    tab_to(page, main.get_by_role("button", name="Bewaar de aanwezigheid"), limit=5)
    follow(page, "Wie is er")
    expect(main.get_by_text("De aanwezigheid is bewaard (1 wijziging).")).to_be_visible()
    lars = SessionAttendance.objects.get(session=session, member__user__email__startswith="lars.")
    assert (lars.absent, lars.first_round) == (False, 2)
    accessible(page, serious_violations, errors)

    # To the table plan: its link is near the top, not after the 32 names.
    tab_to(page, main.get_by_role("link", name="Naar de tafelindeling"), limit=20)
    follow(page, "Tafelindeling")
    accessible(page, serious_violations, errors)

    # A swap in round 2, where Lars now sits too: the round's link (in the board, above the
    # rounds) puts the keyboard at round 2, past every seat of round 1. Then the first name,
    # Enter; Tab on to the next table, Enter.
    skip_to_content(page)
    tab_to(
        page,
        main.get_by_role("navigation", name="Rondes").get_by_role("link", name="Ronde 2"),
        limit=15,
    )
    page.keyboard.press("Enter")
    expect(main.locator("#round-2")).to_be_focused()
    seats = main.locator("#round-2 article.plan-table")
    chosen = seats.first.locator("a.plan-seat-name").first
    name = chosen.inner_text().split(" (")[0]
    before = seats.evaluate_all("(cards) => cards.map((card) => card.innerText)")
    assert tab_to(page, chosen, limit=2) == 2  # the first table's Lock, then its first name
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    at(page, main.locator("[data-autofocus]"))
    expect(main.locator("[data-autofocus]")).to_contain_text(name)
    other = seats.nth(1).locator("button.plan-seat-name").first
    tab_to(page, other, limit=8)
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    expect(main.locator("#plan-board .messages")).to_contain_text("Gewisseld.")
    at(page, main.locator("#table-2-2").locator("xpath=ancestor::article").locator(".plan-notice"))
    expect(seats.nth(1)).to_contain_text(name)
    accessible(page, serious_violations, errors)

    # The Undo beside that message is one Tab on (test_undo_and_reset.py); the one above the
    # rounds is reached too: back through round 1's 8 tables (40 stops) and the round links.
    # Long, but no trap; the focus stays with Undo (or, when there is nothing more to undo,
    # goes to the message).
    undo = main.get_by_role("button", name="Ongedaan maken")
    tab_to(page, undo, limit=50, key="Shift+Tab")
    on_the_board(page, lambda: page.keyboard.press("Enter"))
    expect(main.locator("#plan-board .messages")).to_have_text(
        re.compile(r"De wissel van .+ en .+ in ronde 2 is ongedaan gemaakt\.")
    )
    if undo.is_disabled():
        at(page, main.locator("#plan-board .messages"))
    else:
        at(page, undo)
    assert seats.evaluate_all("(cards) => cards.map((card) => card.innerText)") == before
    accessible(page, serious_violations, errors)

    # Back to the session by the breadcrumb, and on to the projector.
    tab_to(
        page, main.get_by_role("link", name=session.title, exact=True), limit=15, key="Shift+Tab"
    )
    follow(page, re.compile(session.title))
    tab_to(page, main.get_by_role("link", name="Projector met de timer"), limit=25)
    follow(page, "Kennismaken")
    accessible(page, serious_violations, errors)

    # The projector's keys: space starts, space pauses (the page has the focus, not a button).
    toggle = page.locator("#clock-toggle")
    expect(toggle).to_have_text("Start")
    state = page.locator(".projector-clock-state")
    with page.expect_response(re.compile(r"/clock/")):
        page.keyboard.press(" ")
    expect(toggle).to_have_text("Pauze")
    expect(state).to_have_text("loopt")
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling')")
    with page.expect_response(re.compile(r"/clock/")):
        page.keyboard.press(" ")
    expect(toggle).to_have_text("Verder")
    expect(state).to_have_text("gepauzeerd")
    # ... and Start/Pause is a button the keyboard reaches, with its focus ring.
    tab_to(page, toggle, limit=6)
    accessible(page, serious_violations, errors)


def test_the_coach_at_a_laptop_filters_an_overview_and_downloads_it(
    page: Page, serious_violations, live_server
):
    demo_seed()
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    sign_in_by_keyboard(page, live_server, DEMO_COACH_EMAIL)
    main = page.locator("#main")

    # The start page: the link to how every school stands, then the school's overview.
    tab_to(page, main.get_by_role("link", name=re.compile(r"^Bekijk hoe elke school")), limit=12)
    follow(page, "Mijn scholen")
    accessible(page, serious_violations, errors)
    tab_to(page, main.get_by_role("link", name="Overzicht · Basisschool De Regenboog"), limit=15)
    follow(page, "Overzicht van Basisschool De Regenboog")
    accessible(page, serious_violations, errors)

    # One learning line only: the arrow changes the closed list, Apply sends the form.
    skip_to_content(page)
    line = main.get_by_label("Leerlijn", exact=True)
    tab_to(page, line, limit=6)
    press(page, "ArrowDown")
    chosen = line.evaluate("(select) => select.selectedOptions[0].textContent.trim()")
    assert chosen != "Alle leerlijnen"
    tab_to(page, main.get_by_role("button", name="Toepassen"), limit=10)
    follow(page, "Overzicht van Basisschool De Regenboog")
    expect(page).to_have_url(re.compile(r"[?&]line=\d+"))
    expect(main.get_by_label("Leerlijn", exact=True)).to_have_value(re.compile(r"^\d+$"))
    accessible(page, serious_violations, errors)

    # The export of what is shown: the same filter goes with it.
    skip_to_content(page)
    csv = main.get_by_role("link", name="Downloaden (CSV)")
    tab_to(page, csv, limit=20)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert re.search(r"/overview\.csv\?(.*&)?line=\d+", download.value.url)
    assert download.value.failure() is None
    at(page, csv)
    accessible(page, serious_violations, errors)
