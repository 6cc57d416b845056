"""A teacher on a phone: the home page, the language switch, the skip link, and axe-core."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_on_a_phone_is_dutch_and_fits(page: Page, live_server):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Van elkaar leren, op gelijkwaardige voet"
    )
    expect(page.get_by_role("contentinfo")).to_contain_text(
        "gelijkwaardig, nieuwsgierig: het gaat niet om beter of slechter."
    )
    # Nothing wider than a 360 px phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_language_switch_through_the_phone_menu(page: Page, live_server):
    page.goto(live_server.url + "/")
    english = page.get_by_role("button", name="English")
    expect(english).to_be_hidden()  # folded away in the menu on a phone
    page.get_by_role("button", name="Menu", exact=True).click()
    # the switch is a form post and a redirect: wait for that page (a busy CI machine needs
    # longer than an expectation's 5 seconds)
    with page.expect_navigation(wait_until="load"):
        english.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Learn from each other, on an equal footing"
    )
    page.get_by_role("button", name="Menu", exact=True).click()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")


def test_escape_folds_the_phone_menu_and_returns_to_its_button(page: Page, live_server):
    page.goto(live_server.url + "/")
    toggle = page.get_by_role("button", name="Menu", exact=True)
    english = page.get_by_role("button", name="English")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#main-navigation")).to_have_class(re.compile(r"\bshow\b"))
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(english).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")


def test_skip_link_is_the_first_stop_and_jumps_to_the_content(page: Page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Direct naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/#main")
    expect(page.locator("main#main")).to_be_focused()


def test_no_console_errors_under_the_content_security_policy(page: Page, live_server):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("typeof window.bootstrap") == "object"
    assert errors == []


def test_buttons_and_fields_show_the_same_focus_ring_as_links(page: Page, live_server):
    """Bootstrap's pale blue glow on buttons and fields is under 2:1 on the page background."""
    ring = "rgb(200, 85, 61) solid 3px"  # the :focus-visible outline of static/css/app.css
    outline = "el => getComputedStyle(el).outline"
    page.goto(live_server.url + "/login/")
    email = page.get_by_label("E-mailadres")
    expect(email).to_be_focused()  # autofocus
    assert email.evaluate(outline) == ring
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    sign_in = page.get_by_role("button", name="Inloggen")
    expect(sign_in).to_be_focused()
    assert sign_in.evaluate(outline) == ring
    page.keyboard.press("Tab")
    forgotten = page.get_by_role("link", name="Wachtwoord vergeten, of nog nooit ingesteld?")
    expect(forgotten).to_be_focused()
    assert forgotten.evaluate(outline) == ring


def test_the_phone_menu_button_shows_the_focus_ring(page: Page, live_server):
    """Bootstrap's `.navbar-toggler:focus` (outline 0, no shadow) outranks a bare :focus-visible."""
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the product name
    page.keyboard.press("Tab")
    toggle = page.get_by_role("button", name="Menu", exact=True)
    expect(toggle).to_be_focused()
    assert toggle.evaluate("el => getComputedStyle(el).outline") == "rgb(200, 85, 61) solid 3px"


@pytest.mark.parametrize("path", ["/", "/bestaat-niet/"])
def test_axe_finds_no_serious_violation(page: Page, serious_violations, live_server, path):
    page.goto(live_server.url + path)
    assert serious_violations(page) == []


def test_on_a_laptop_the_menu_is_one_line_and_a_long_school_name_gives_way(page: Page, live_server):
    """The steering group's menu holds six links and two buttons; at 1200 px it stays one line
    of 56 px, the school's name cut off with its whole name in the title."""
    from exchange.demo import demo_seed
    from learninglines.models import School
    from tests.browser.test_plenary import sign_in

    demo_seed()
    long_name = "Openbare Basisschool De Regenboog voor Daltononderwijs Amsterdam-Noord"
    School.objects.filter(slug="de-regenboog").update(name=long_name)
    page.set_viewport_size({"width": 1200, "height": 800})
    sign_in(page, live_server, "anouk.devries@regenboog.example")
    page.goto(live_server.url + "/s/de-regenboog/sessions/")
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    school = menu.get_by_role("link", name=long_name)
    expect(school).to_have_attribute("title", long_name)
    expect(menu.get_by_role("button", name="Uitloggen")).to_be_visible()
    assert page.locator(".site-header").evaluate("el => el.offsetHeight") == 56
    assert school.evaluate("el => el.scrollWidth > el.clientWidth")  # cut off, not wrapped
    assert page.evaluate("document.documentElement.scrollWidth") == 1200
