"""Staff set up a school on a phone: the school (its short name filled in from the name), then
its first steering member through the link in the message, invited at once."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from learninglines.models import Member, OutgoingMail, School

# the fixtures of the admin's other browser tests: a staff account with an app, console errors
from tests.browser.test_admin import csp_errors, sign_in, staff_device  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_school_and_its_first_steering_member_on_a_phone(
    page: Page,
    live_server,
    serious_violations,
    csp_errors,  # noqa: F811
    staff_device,  # noqa: F811
):
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, live_server, staff_device)

    page.goto(live_server.url + "/admin/learninglines/school/add/")
    # typed, as staff do: the short name follows the name as it is typed
    name = page.get_by_role("textbox", name="Naam:", exact=True)
    name.press_sequentially("Basisschool Het Anker")
    expect(page.get_by_role("textbox", name="Korte naam in links")).to_have_value(
        "basisschool-het-anker"
    )
    assert csp_errors == []
    page.get_by_role("button", name="Opslaan", exact=True).click()

    school = School.objects.get(slug="basisschool-het-anker")
    year = school.years.get()  # the current one, opened with the school
    assert year.start <= timezone.localdate() <= year.end
    next_step = page.locator(".messagelist a[href*='/admin/learninglines/member/add/']")
    expect(next_step).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(page) == []
    csp_errors.clear()
    next_step.click()

    expect(page.get_by_role("combobox", name=re.compile("^School"))).to_have_accessible_name(
        re.compile("Basisschool Het Anker")
    )
    expect(page.get_by_role("checkbox", name="Stuurgroep")).to_be_checked()
    page.get_by_role("textbox", name="E-mailadres").fill("Nina.Bos@HetAnker.example")
    page.get_by_role("textbox", name="Voornaam").fill("Nina")
    page.get_by_role("textbox", name="Achternaam").fill("Bos")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert csp_errors == []
    page.get_by_role("button", name="Opslaan", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("nina.bos@hetanker.example")
    member = Member.objects.get(school=school)
    assert (member.full_name, member.is_steering, member.user.email) == (
        "Nina Bos",
        True,
        "nina.bos@hetanker.example",
    )
    mail = OutgoingMail.objects.get(user=member.user)
    assert (mail.kind, mail.subject) == (
        OutgoingMail.Kind.INVITATION,
        "Jouw persoonlijke link naar Basisschool Het Anker",
    )
    assert csp_errors == []
