"""The lighter attendance page at the door on a 360 px phone: a row gets its round lists when
"part of it" is chosen (one copy in the page, named for the row by attendance.js), and without
JavaScript the row asks for the rounds after saving and then has them."""

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from exchange.demo import demo_seed
from learninglines.models import Member
from sessions_app.models import PlenarySession, SessionAttendance
from tests.browser.test_plenary import STEERING_EMAIL, accessible, console_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def _door(live_server):
    demo_seed()
    session = PlenarySession.objects.get(
        school__slug="de-regenboog", title="Plenaire bijeenkomst 2"
    )
    late = Member.objects.get(school=session.school, user__email="sanne.jansen@regenboog.example")
    return session, late, live_server.url + session.get_absolute_url() + "attendance/"


def _english(page: Page, live_server) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )


def test_part_of_it_brings_the_rows_own_round_lists(page: Page, live_server, serious_violations):
    session, late, url = _door(live_server)
    errors = console_errors(page)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, STEERING_EMAIL)
    _english(page, live_server)
    page.goto(url)
    row = page.locator(f"#member-{late.pk}")
    expect(page.locator(".attendance-form select")).to_have_count(0)
    expect(row.get_by_label("from round")).to_have_count(0)

    row.get_by_text("part of it", exact=True).click()
    first, last = row.get_by_label("from round"), row.get_by_label("until round")
    expect(first).to_be_visible()
    expect(first).to_have_attribute("name", f"first_{late.pk}")
    expect(last).to_have_attribute("name", f"last_{late.pk}")
    expect(first).to_have_value("1")
    expect(last).to_have_value("2")
    # only this row took a copy; choosing again does not add another
    row.get_by_text("there", exact=True).click()
    row.get_by_text("part of it", exact=True).click()
    expect(page.locator(".attendance-form select")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    accessible(page, serious_violations, errors)

    first.select_option("2")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator("#main").get_by_text("Attendance is saved (1 change).")).to_be_visible()
    stored = SessionAttendance.objects.get(session=session, member=late)
    assert (stored.absent, stored.first_round, stored.last_round) == (False, 2, None)
    # after saving the row has its lists from the server, with the rounds chosen
    expect(row.get_by_label("from round")).to_have_value("2")
    expect(page.locator(".attendance-form select")).to_have_count(2)
    accessible(page, serious_violations, errors)


def test_without_javascript_the_row_asks_for_the_rounds_and_then_saves(
    browser: Browser, browser_context_args, live_server
):
    session, late, url = _door(live_server)
    context = browser.new_context(
        **{**browser_context_args, "viewport": PHONE, "java_script_enabled": False}
    )
    page = context.new_page()
    sign_in(page, live_server, STEERING_EMAIL)
    _english(page, live_server)
    page.goto(url)
    row = page.locator(f"#member-{late.pk}")
    row.get_by_text("part of it", exact=True).click()
    page.get_by_role("button", name="Save attendance").click()
    expect(row.get_by_role("alert")).to_have_text(
        f"{late.full_name}: for “part of it”, choose a later “from round” or an earlier "
        "“until round”."
    )
    expect(row.get_by_label("from round")).to_have_value("1")
    expect(row.get_by_label("until round")).to_have_value("2")
    assert not SessionAttendance.objects.filter(session=session, member=late).exists()
    row.get_by_label("from round").select_option("2")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator("#main").get_by_text("Attendance is saved (1 change).")).to_be_visible()
    assert SessionAttendance.objects.get(session=session, member=late).first_round == 2
    context.close()
