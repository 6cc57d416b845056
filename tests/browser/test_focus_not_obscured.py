"""A bar that sticks to the bottom of the screen never hides the control that has the focus.

WCAG 2.4.11 (Focus Not Obscured) and 1.4.10 (Reflow), on the demo school. A teacher tabs
through the reflection form on a phone (360 x 740) and at a laptop (1280 x 800): no field, scale
or button she reaches is behind the Submit bar. At 400% zoom (320 x 256) the bar does not stick
at all. The steering group tabs through the attendance page, at the door and at a laptop: no
choice is behind "Save attendance".

The page's smooth scrolling is turned off (reduced motion), so each position is read where the
browser left it, not halfway.
"""

import pytest
from playwright.sync_api import Page, expect

from exchange.demo import demo_seed
from sessions_app.models import PlenarySession
from tests.browser.test_plenary import (
    STEERING_EMAIL,
    accessible,
    console_errors,
    sign_in,
)
from tests.browser.test_reflection_answer import an_open_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}
ZOOMED = {"width": 320, "height": 256}  # 1280 x 1024 at 400%

# How much of the focused control the bar covers, in px (0: none), as the person sees it: a
# hidden radio button (.btn-check) shows as its label; a text field needs its first line (the
# caret's, which the browser scrolls into view) clear, the rest it scrolls to while typing. The
# focus ring (3 px at an offset of 2 px) counts.
COVERED = """(selector) => {
    const bar = document.querySelector(selector);
    let focused = document.activeElement;
    if (!bar || !focused || focused === document.body || bar.contains(focused)) {
        return 0;
    }
    if (focused.matches('.btn-check')) {
        focused = document.querySelector(`label[for="${focused.id}"]`);
    }
    const box = focused.getBoundingClientRect();
    let bottom = box.bottom + 5;
    if (focused.matches('textarea')) {
        const style = getComputedStyle(focused);
        bottom = box.top + parseFloat(style.borderTopWidth) + parseFloat(style.paddingTop)
            + parseFloat(style.lineHeight);
    }
    const cover = bar.getBoundingClientRect();
    if (box.top >= cover.bottom) {
        return 0;  // below the bar: the bar is in its place at the end of the form
    }
    return Math.max(0, bottom - cover.top);
}"""

DESCRIBE = """() => {
    const el = document.activeElement;
    const name = el.id || (el.labels && el.labels[0] && el.labels[0].textContent)
        || el.textContent;
    return `${el.tagName.toLowerCase()} ${name.trim().replace(/\\s+/g, ' ').slice(0, 40)}`;
}"""


def tab_through(page: Page, bar: str, *, until: str, limit: int) -> list[str]:
    """Tab from the top of the page to the first element matching `until`; each control the
    bar covered on the way, with how much ([] when none)."""
    page.emulate_media(reduced_motion="reduce")
    page.wait_for_load_state("load")
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    hidden = []
    for _press in range(limit):
        page.keyboard.press("Tab")
        covered = page.evaluate(COVERED, bar)
        if covered > 0:
            hidden.append(f"{page.evaluate(DESCRIBE)}: {covered:.0f} px")
        if page.evaluate("(s) => document.activeElement.matches(s)", until):
            return hidden
    pytest.fail(f"{limit} presses of Tab never reached {until}")


def an_answer_page(page: Page, live_server, viewport: dict) -> list[str]:
    email, _teacher, questionnaire = an_open_form()
    errors = console_errors(page)
    page.set_viewport_size(viewport)
    sign_in(page, live_server, email)
    page.goto(live_server.url + f"/s/de-regenboog/reflections/{questionnaire.pk}/answer/")
    return errors


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_tabbing_through_the_reflection_form_never_ends_behind_the_submit_bar(
    page: Page, serious_violations, live_server, viewport
):
    errors = an_answer_page(page, live_server, viewport)
    bar = page.locator(".answer-actions")
    expect(bar).to_have_css("position", "sticky")
    # "From which learning line I took it" (a select) was wholly behind the bar on a phone.
    hidden = tab_through(page, ".answer-actions", until="button[value=submit]", limit=40)
    assert hidden == []
    accessible(page, serious_violations, errors)


def test_at_400_percent_zoom_the_submit_bar_does_not_stick(
    page: Page, serious_violations, live_server
):
    errors = an_answer_page(page, live_server, ZOOMED)
    bar = page.locator(".answer-actions")
    # Stuck, it took 212 of the 256 px: every field was behind it.
    expect(bar).to_have_css("position", "static")
    hidden = tab_through(page, ".answer-actions", until="button[value=submit]", limit=40)
    assert hidden == []
    accessible(page, serious_violations, errors)


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_tabbing_through_the_attendance_never_ends_behind_the_save_bar(
    page: Page, serious_violations, live_server, viewport
):
    demo_seed()
    errors = console_errors(page)
    page.set_viewport_size(viewport)
    sign_in(page, live_server, STEERING_EMAIL)
    draft = PlenarySession.objects.get(school__slug="de-regenboog", title="Plenaire bijeenkomst 2")
    page.goto(live_server.url + draft.get_absolute_url() + "attendance/")
    expect(page.locator(".attendance-save")).to_have_css("position", "sticky")
    # 32 people, one group of choices each; the choices wrap onto two rows on a phone.
    hidden = tab_through(page, ".attendance-save", until=".attendance-save button", limit=150)
    assert hidden == []
    accessible(page, serious_violations, errors)
