"""A teacher's pages on a 360 px phone, found in a review of the whole teacher journey."""

import pytest
from playwright.sync_api import Page

from exchange.demo import demo_seed
from tests.browser.test_plenary import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEACHER_EMAIL = "sanne.jansen@regenboog.example"

# Per footer link: how many line boxes it takes and how tall its target is.
FOOTER_LINKS = """() => [...document.querySelectorAll('.site-footer a')].map(a => {
  const box = a.getBoundingClientRect();
  return [a.textContent.trim(), a.getClientRects().length, Math.round(box.height)];
})"""


def test_the_footer_links_keep_to_one_line_and_are_24_px_targets(page: Page, live_server):
    """ "Mijn gegevens" broke over two lines at 360 px ("Mijn" / "gegevens"), a 19 px high
    link beside another; each link now stays whole on its line and is a 24 px target."""
    demo_seed()
    sign_in(page, live_server, TEACHER_EMAIL)
    page.goto(live_server.url + "/s/de-regenboog/")
    links = page.evaluate(FOOTER_LINKS)
    assert [name for name, _, _ in links] == ["Privacy", "Mijn gegevens"]
    for name, lines, height in links:
        assert lines == 1, name
        assert height >= 24, name
