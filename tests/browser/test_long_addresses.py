"""A 60-character address never makes a sign-in page scroll sideways on a 360 px phone."""

import pytest
from playwright.sync_api import Page, expect

from learninglines.models import MagicLink
from learninglines.services.links import magic_link_url
from learninglines.services.signin import magic_link_create, magic_link_use
from tests.factories import MemberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "annemarie.vandenhoogenbandwijnberg@basisschoolderegenboogzwolle.example"


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_sign_in_pages_fit_a_phone_with_a_long_address(page: Page, live_server, school):
    assert len(LONG) >= 60
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill(LONG)
    page.get_by_role("textbox", name="Wachtwoord").fill("verkeerd-wachtwoord")
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(
        page.locator("#main").get_by_text("Dit e-mailadres en wachtwoord horen niet bij elkaar")
    ).to_be_visible()
    assert no_sideways_scroll(page)

    member = MemberFactory(school=school, user=UserFactory(email=LONG), first_name="Annemarie")
    link = magic_link_create(user=member.user, purpose=MagicLink.Purpose.SIGN_IN)
    path = magic_link_url(link).removeprefix("https://leerlijnen.test")
    page.goto(live_server.url + path)
    expect(page.get_by_text(f"Je staat op het punt in te loggen als {LONG}")).to_be_visible()
    assert no_sideways_scroll(page)


def test_a_used_link_fills_in_the_address_and_offers_the_password(
    page: Page, serious_violations, live_server, school
):
    member = MemberFactory(school=school, user=UserFactory(email=LONG), first_name="Annemarie")
    link = magic_link_create(user=member.user, purpose=MagicLink.Purpose.SIGN_IN)
    assert magic_link_use(link=link)
    page.goto(live_server.url + magic_link_url(link).removeprefix("https://leerlijnen.test"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze inloglink is al gebruikt")
    expect(page.get_by_label("E-mailadres")).to_have_value(LONG)
    assert no_sideways_scroll(page)
    assert serious_violations(page) == []
    page.get_by_role("link", name="Inloggen met wachtwoord").click()
    expect(page.get_by_label("E-mailadres")).to_have_value(LONG)
    expect(page.get_by_role("textbox", name="Wachtwoord")).to_be_visible()
