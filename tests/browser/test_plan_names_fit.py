"""The table plan and the projector on a laptop of 1280 px: a name in a table card stays on one
line. A visual review found "Daan van der / Berg" broken over two lines in the narrow cards of
both pages; the cards now stand in fewer, wider columns, and a long name gets a smaller font.
The projector's buttons are one set: Start/Pause is the one solid button, the others are
outlined, and the disabled "Previous" is grey but readable on the black."""

import pytest
from playwright.sync_api import Page, expect

from exchange.demo import demo_seed
from learninglines.models import Member, School
from sessions_app.models import PlenarySession
from tests.browser.test_plenary import LAPTOP, STEERING_EMAIL, console_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The names in a card's text (the first text of the name on the plan page, the text after the
# line's letter on the projector) that the browser laid out on more than one line.
WRAPPED = """(selector) => {
    const found = [...document.querySelectorAll(selector)];
    const wrapped = found.flatMap((element) => {
        const text = [...element.childNodes].find(
            (node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim()
        );
        const range = document.createRange();
        range.selectNodeContents(text);
        const lines = new Set(
            [...range.getClientRects()].filter((r) => r.width > 1).map((r) => Math.round(r.top))
        );
        return lines.size > 1 ? [text.textContent.trim()] : [];
    });
    return {count: found.length, wrapped};
}"""


def demo_session() -> PlenarySession:
    """The demo's published session, with a long double surname among its people."""
    demo_seed()
    school = School.objects.get(slug="de-regenboog")
    Member.objects.filter(school=school, first_name="Sara", last_name="Leeuwen").update(
        first_name="Anne-Marie", name_prefix="", last_name="Jansen-de Vries"
    )
    return PlenarySession.objects.get(school=school, status=PlenarySession.Status.PUBLISHED)


def test_no_name_wraps_in_a_table_card_at_1280(page: Page, live_server):
    session = demo_session()
    assert Member.objects.filter(first_name="Anne-Marie").count() == 1
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    sign_in(page, live_server, STEERING_EMAIL)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + session.get_absolute_url() + "plan/")
    expect(page.locator("#round-1 .plan-seat-name").first).to_be_visible()
    expect(page.locator(".plan-seat-name", has_text="Anne-Marie Jansen-de Vries")).to_have_count(2)
    plan = page.evaluate(WRAPPED, ".plan-seat-name")
    assert plan == {"count": 64, "wrapped": []}  # 32 people in each of the 2 rounds

    for beamer in ({"width": 1280, "height": 800}, {"width": 1280, "height": 720}):
        page.set_viewport_size(beamer)
        page.goto(live_server.url + session.get_absolute_url() + "projector/")
        expect(page.locator(".projector-step")).to_contain_text("Opdracht 1 van 6 · Ronde 1")
        expect(page.locator(".projector-table li", has_text="Daan van der Berg")).to_be_visible()
        projector = page.evaluate(WRAPPED, ".projector-table li")
        assert projector == {"count": 32, "wrapped": []}
        expect(page.locator(".projector-table").last).to_be_in_viewport(ratio=1)
        assert page.evaluate("document.documentElement.scrollHeight") <= beamer["height"]
    assert errors == []


def style(page: Page, selector: str) -> dict:
    return page.locator(selector).evaluate(
        """(button) => {
            const css = getComputedStyle(button);
            return {
                background: css.backgroundColor,
                color: css.color,
                border: `${css.borderTopStyle} ${css.borderTopColor}`,
                opacity: css.opacity,
            };
        }"""
    )


def test_the_projector_buttons_are_one_set_with_one_solid_button(page: Page, live_server):
    session = demo_session()
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, STEERING_EMAIL)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(live_server.url + session.get_absolute_url() + "projector/")
    expect(page.locator("#clock-previous")).to_be_disabled()
    expect(page.locator("#clock-toggle")).to_have_text("Start")

    white, none = "rgb(248, 249, 250)", "rgba(0, 0, 0, 0)"
    assert style(page, "#clock-toggle")["background"] == white
    outlined = {"background": none, "color": white, "border": f"solid {white}", "opacity": "1"}
    assert style(page, "#clock-next") == outlined
    assert style(page, "#clock-reset") == outlined
    # Disabled: dashed and grey (#a6a6a6 is 8.6:1 on the black), not faded to a blur.
    grey = "rgb(166, 166, 166)"
    assert style(page, "#clock-previous") == {
        "background": none,
        "color": grey,
        "border": f"dashed {grey}",
        "opacity": "1",
    }

    # Started, the same solid button says Pause: no second colour for the other state.
    page.locator("#clock-toggle").click()
    expect(page.locator("#clock-toggle")).to_have_text("Pauze")
    page.mouse.move(1, 700)  # not hovering it
    assert style(page, "#clock-toggle")["background"] == white
