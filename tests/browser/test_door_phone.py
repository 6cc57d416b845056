"""The attendance page at the door on a 360 px phone, found in an audit: "Show a sign-in code"
sends a form of its own, so a latecomer marked a moment before and not saved yet was lost
without a word. The button now asks first, and only when the list has changes."""

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from exchange.demo import demo_seed
from learninglines.models import Member
from sessions_app.models import PlenarySession, SessionAttendance
from tests.browser.test_plenary import STEERING_EMAIL, console_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
UNSAVED = (
    "Your changes in this list are not saved yet and will be lost. Show the sign-in code anyway?"
)


def test_a_door_code_asks_before_it_drops_changes_not_saved(page: Page, live_server):
    demo_seed()
    session = PlenarySession.objects.get(
        school__slug="de-regenboog", title="Plenaire bijeenkomst 2"
    )
    assert session.status == PlenarySession.Status.PUBLISHED
    late = Member.objects.get(school=session.school, user__email="sanne.jansen@regenboog.example")
    errors = console_errors(page)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, STEERING_EMAIL)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    url = live_server.url + session.get_absolute_url() + "attendance/"
    page.goto(url)
    row = page.locator(f"#member-{late.pk}")
    code = row.get_by_role("button", name=f"Show a sign-in code for {late.full_name}")

    # nothing changed yet: the code opens at once
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    code.click()
    expect(page.get_by_role("heading", name=f"Sign-in code for {late.full_name}")).to_be_visible()
    assert asked == []
    page.get_by_role("link", name="Back to who is there").click()
    expect(page).to_have_url(f"{url}#member-{late.pk}")

    # she comes from round 2: marked, not saved, then the code: asked, and "Cancel" keeps it
    row.get_by_text("part of it", exact=True).click()
    row.get_by_label("from round").select_option("2")
    code.click()
    assert asked == [UNSAVED]
    expect(page).to_have_url(f"{url}#member-{late.pk}")
    expect(row.locator('input[value="partly"]')).to_be_checked()
    expect(row.get_by_label("from round")).to_have_value("2")

    # saved first: the code opens without a question
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance is saved (1 change).").first).to_be_visible()
    assert SessionAttendance.objects.get(session=session, member=late).first_round == 2
    page.locator(f"#member-{late.pk}").get_by_role(
        "button", name=f"Show a sign-in code for {late.full_name}"
    ).click()
    expect(page.get_by_role("heading", name=f"Sign-in code for {late.full_name}")).to_be_visible()
    assert asked == [UNSAVED]
    assert errors == []


def test_part_of_a_name_finds_the_row_and_hidden_rows_are_still_saved(
    page: Page, live_server, serious_violations
):
    demo_seed()
    session = PlenarySession.objects.get(
        school__slug="de-regenboog", title="Plenaire bijeenkomst 2"
    )
    late = Member.objects.get(school=session.school, user__email="sanne.jansen@regenboog.example")
    everyone = session.school.members.filter(is_active=True).count()
    errors = console_errors(page)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, STEERING_EMAIL)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    page.goto(live_server.url + session.get_absolute_url() + "attendance/")
    rows = page.locator(".attendance-row:visible")
    total = rows.count()
    assert 1 < total <= everyone
    # marked before filtering: a row the filter hides keeps its choice and is saved
    other = page.locator(".attendance-row").filter(has_not_text=late.full_name).first
    other_pk = int(other.get_attribute("id").removeprefix("member-"))
    other.get_by_text("absent", exact=True).click()

    page.get_by_label("Find a name").fill(late.first_name.upper()[:4])
    expect(rows).to_have_count(1)
    expect(rows.first.locator("legend")).to_have_text(late.full_name)
    expect(page.locator("#attendance-filter-count")).to_have_text(f"Shown: 1 of {total}.")
    assert serious_violations(page) == []
    page.get_by_label("Find a name").fill("zzzz")
    expect(rows).to_have_count(0)
    expect(page.locator("#attendance-filter-count")).to_have_text(
        "Nobody on the list has that name."
    )
    page.get_by_label("Find a name").fill("")
    expect(rows).to_have_count(total)

    page.get_by_label("Find a name").fill(late.first_name)
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator("#main").get_by_text("Attendance is saved (1 change).")).to_be_visible()
    assert SessionAttendance.objects.get(session=session, member_id=other_pk).absent
    assert errors == []
