"""A form's error messages are readable: the coach narrows the overview with wrong dates.

Bootstrap's red (#dc3545) reaches only 4.3:1 on the page background, below WCAG AA for text;
axe-core reports every error message in it as serious. The overview's filter (its own
markup) and the crispy forms (a new learning line left empty) both show their messages in the
darker red of the theme.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from exchange.demo import DEMO_COACH_EMAIL, demo_seed
from learninglines.models import School
from learninglines.selectors.lines import year_current
from tests.browser.test_plenary import accessible, console_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_error_messages_have_enough_contrast(page: Page, serious_violations, live_server):
    demo_seed()
    # Days of this school year: the fields' min and max hold the browser to it.
    year = year_current(school=School.objects.get(slug="de-regenboog"))
    later, earlier = year.start + timedelta(days=120), year.start + timedelta(days=90)
    errors = console_errors(page)
    sign_in(page, live_server, DEMO_COACH_EMAIL)

    page.goto(live_server.url + "/s/de-regenboog/overview/")
    page.get_by_label("Van", exact=True).fill(later.isoformat())
    page.get_by_label("Tot en met", exact=True).fill(earlier.isoformat())
    page.get_by_role("button", name="Toepassen").click()
    expect(page).to_have_url(re.compile(rf"from={later.isoformat()}"))
    expect(page.locator("#ov-to-error")).to_have_text("De einddatum ligt vóór de begindatum.")
    accessible(page, serious_violations, errors)

    page.goto(live_server.url + "/s/de-regenboog/lines/create/")
    page.locator("[required]").evaluate_all("(all) => all.forEach(e => e.required = false)")
    page.locator("main form").get_by_role("button").last.click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    accessible(page, serious_violations, errors)
