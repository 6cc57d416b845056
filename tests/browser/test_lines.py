"""Lines and the team in the browser, as the steering group and a teacher use them on a phone."""

import pytest
from playwright.sync_api import Page, expect

from learninglines.models import LearningLine, LineMembership
from learninglines.services.lines import line_create, membership_move
from learninglines.services.people import school_year_ensure_current

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, live_server, user):
    user.set_password("een-lang-wachtwoord-2026")
    user.save()
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_role("textbox", name="Wachtwoord").fill("een-lang-wachtwoord-2026")
    page.get_by_role("button", name="Inloggen", exact=True).click()


def fits_a_phone(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_steering_member_makes_a_line_and_places_a_colleague(
    page: Page, serious_violations, live_server, school, steering, teacher
):
    school_year_ensure_current(school=school)
    sign_in(page, live_server, steering.user)
    expect(page.get_by_role("heading", name="De cyclus")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Maak de eerste leerlijn").click()
    page.get_by_label("Naam").fill("Begrijpend lezen")
    page.get_by_label("Doel").fill("Leerlingen stellen zelf vragen bij een tekst.")
    page.get_by_label("groen", exact=True).check()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Begrijpend lezen")
    expect(page.locator("#main").get_by_text("Leerlijn A (groen)")).to_be_visible()
    assert fits_a_phone(page)
    assert serious_violations(page) == []

    page.goto(live_server.url + "/s/de-regenboog/team/")
    page.get_by_role("link", name="Jansen, Sanne").click()
    page.get_by_label("Nieuwe leerlijn").select_option(label="A. Begrijpend lezen")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Verplaatsen").click()
    expect(page.locator("#main").get_by_text("Sanne Jansen zit vanaf")).to_be_visible()
    expect(page.locator("#main").get_by_text("Zit nu in A. Begrijpend lezen.")).to_be_visible()
    assert fits_a_phone(page)
    line = LearningLine.objects.get()
    assert LineMembership.objects.get(member=teacher).line == line

    page.goto(live_server.url + "/s/de-regenboog/team/?line=none")
    expect(page.get_by_role("link", name="Jansen, Sanne")).to_have_count(0)
    assert serious_violations(page) == []
    page.goto(live_server.url + "/s/de-regenboog/years/")
    expect(page.get_by_role("heading", name="Het volgende schooljaar openen")).to_be_visible()
    assert serious_violations(page) == []


def test_teacher_writes_the_steps_of_their_own_line_on_a_phone(
    page: Page, serious_violations, live_server, school, teacher
):
    year = school_year_ensure_current(school=school)
    line = line_create(school=school, year=year, name="Rekenen met begrip")
    membership_move(member=teacher, line=line, start=year.start)
    sign_in(page, live_server, teacher.user)
    expect(page.get_by_role("link", name="Rekenen met begrip")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Rekenen met begrip").click()
    page.get_by_role("link", name="Beschrijving en stappen bewerken").click()
    page.get_by_label("Beschrijving").fill("Eerst materiaal, dan de som.")
    # a link pasted into a step's name must wrap on a phone, not push the page sideways
    page.get_by_label("Stap").first.fill(
        "Materialen op orde: https://schoolbestuur.sharepoint.com/sites/rekenen/Gedeelde"
        "%20documenten/materialenlijst-groep-5-en-6-begrip.docx"
    )
    page.get_by_label("Status").first.select_option(label="klaar")
    assert fits_a_phone(page)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Opslaan").click()

    expect(
        page.locator("#main").get_by_text("De beschrijving en stappen zijn opgeslagen.")
    ).to_be_visible()
    expect(page.locator("#main").get_by_text("Eerst materiaal, dan de som.")).to_be_visible()
    expect(page.locator("#main").get_by_text("(1 van 1 klaar)")).to_be_visible()
    assert fits_a_phone(page)
    expect(page.get_by_role("link", name="Naam, doel en kleur bewerken")).to_have_count(0)
    page.goto(live_server.url + "/s/de-regenboog/lines/")
    expect(page.locator("#main").get_by_text("1 van 1")).to_be_visible()
    assert serious_violations(page) == []
