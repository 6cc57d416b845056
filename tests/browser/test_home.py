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


# WCAG 1.4.12's text spacing, as a reader's style sheet sets it. Added through the CSSOM: the
# content security policy blocks a <style> element of the page's own.
TEXT_SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
    " word-spacing: 0.16em !important; }"
)


def with_text_spacing(page: Page) -> None:
    page.evaluate(
        """(rule) => {
            const sheet = [...document.styleSheets].find((s) => (s.href || '').includes('app.css'));
            sheet.insertRule(rule, sheet.cssRules.length);
        }""",
        TEXT_SPACING,
    )


def whole_and_apart(page: Page) -> None:
    """The school's name is not cut off, no menu item lies over another, nothing is outside the
    screen."""
    school = page.locator(".nav-school")
    expect(school).to_be_visible()
    assert school.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert school.evaluate("el => el.scrollHeight <= el.clientHeight")
    overlaps = page.evaluate(
        """() => {
            const items = [...document.querySelectorAll(
                '.site-header .nav-link, .site-header .navbar-tools .btn'
            )].filter((el) => el.offsetParent);
            const boxes = items.map((el) => [el.textContent.trim(), el.getBoundingClientRect()]);
            const apart = (a, b) => a.right <= b.left || b.right <= a.left
                || a.bottom <= b.top || b.bottom <= a.top;
            return boxes.flatMap(([name, box], i) => boxes.slice(i + 1)
                .filter(([, other]) => !apart(box, other))
                .map(([other]) => `${name} / ${other}`));
        }"""
    )
    assert overlaps == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_on_a_laptop_a_long_school_name_wraps_in_the_menu(page: Page, live_server):
    """The steering group's menu holds six links and two buttons; at 1200 px the demo school's
    menu is one line of 56 px, and a long school name wraps in it, whole, rather than being cut
    off with an ellipsis (WCAG 1.4.12: a title on the link reaches no keyboard)."""
    from exchange.demo import demo_seed
    from learninglines.models import School
    from tests.browser.test_plenary import sign_in

    demo_seed()
    page.set_viewport_size({"width": 1200, "height": 800})
    sign_in(page, live_server, "anouk.devries@regenboog.example")
    page.goto(live_server.url + "/s/de-regenboog/sessions/")
    assert page.locator(".site-header").evaluate("el => el.offsetHeight") == 56
    whole_and_apart(page)

    long_name = "Openbare Basisschool De Regenboog voor Daltononderwijs Amsterdam-Noord"
    School.objects.filter(slug="de-regenboog").update(name=long_name)
    page.reload()
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    school = menu.get_by_role("link", name=long_name)
    expect(school).to_have_text(long_name)
    expect(menu.get_by_role("button", name="Uitloggen")).to_be_visible()
    assert school.evaluate("el => el.getBoundingClientRect().height > 2 * 20")  # wrapped
    whole_and_apart(page)


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 800}, {"width": 360, "height": 740}],
    ids=["laptop", "phone"],
)
def test_with_more_text_spacing_the_school_name_stays_whole(page: Page, live_server, viewport):
    """At 1280 px the wider letters left the school's name 61 px: "Ba…"."""
    from exchange.demo import demo_seed
    from tests.browser.test_plenary import sign_in

    demo_seed()
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "anouk.devries@regenboog.example")
    page.goto(live_server.url + "/s/de-regenboog/sessions/")
    with_text_spacing(page)
    if viewport["width"] < 1200:
        page.get_by_role("button", name="Menu", exact=True).click()
        expect(page.locator("#main-navigation")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    expect(menu.get_by_role("link", name="Basisschool De Regenboog")).to_be_visible()
    expect(menu.get_by_role("button", name="Uitloggen")).to_be_visible()
    whole_and_apart(page)
