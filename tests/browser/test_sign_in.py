"""Signing in as people do: a teacher with a mailed link on a phone, a coach with a password."""

import re

import pytest
from playwright.sync_api import Page, expect

from learninglines.models import OutgoingMail
from learninglines.services.outbox import mail_send_queued
from tests.factories import CoachAssignmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_signs_in_with_a_mailed_link_on_a_phone(
    page: Page, serious_violations, live_server, teacher, mailoutbox
):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Mail me een inloglink").click()
    page.get_by_label("E-mailadres").fill(teacher.user.email)
    page.get_by_role("button", name="Stuur me een link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in je mail")

    assert OutgoingMail.objects.get().to == teacher.user.email
    mail_send_queued()
    [mail] = mailoutbox
    body = mail.body
    path = re.search(r"https://leerlijnen\.test(/login/link/\S+)", body).group(1)
    page.goto(live_server.url + path)
    expect(
        page.get_by_text(f"Je staat op het punt in te loggen als {teacher.user.email}")
    ).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Inloggen", exact=True).click()

    expect(page).to_have_url(live_server.url + "/s/de-regenboog/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Basisschool De Regenboog")
    expect(page.get_by_role("heading", name="Jouw leerlijn")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(page) == []

    # The same link a second time (a forwarded mail) says why it no longer works.
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze inloglink is al gebruikt")


def test_coach_signs_in_with_a_password_and_switches_schools(
    page: Page, serious_violations, live_server, school, other_school
):
    coach = UserFactory(
        email="karin@coach.example", name="Karin Hoekstra", password="een-lang-wachtwoord-2026"
    )
    CoachAssignmentFactory(user=coach, school=school)
    CoachAssignmentFactory(user=coach, school=other_school)

    page.goto(live_server.url + "/login/")
    assert serious_violations(page) == []
    page.get_by_label("E-mailadres").fill("Karin@Coach.example")
    page.get_by_role("textbox", name="Wachtwoord").fill("een-lang-wachtwoord-2026")
    page.get_by_role("button", name="Inloggen", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Jouw scholen")
    assert serious_violations(page) == []
    page.get_by_role("link", name=re.compile("Basisschool De Regenboog")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Basisschool De Regenboog")
    expect(page.get_by_role("heading", name="Het team")).to_be_visible()

    page.get_by_role("button", name="Menu", exact=True).click()
    page.get_by_role("link", name="Mijn scholen").click()
    # A coach's "My schools" is the coach home: each school with its overview and start page.
    page.get_by_role("link", name="Startpagina · OBS De Vlinder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("OBS De Vlinder")
    page.get_by_role("link", name="Bekijk het team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team")
    assert serious_violations(page) == []


def test_wrong_password_says_what_to_do(page: Page, live_server, teacher):
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill(teacher.user.email)
    page.get_by_role("textbox", name="Wachtwoord").fill("verkeerd")
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(
        page.locator("#main").get_by_text("Dit e-mailadres en wachtwoord horen niet bij elkaar.")
    ).to_be_visible()
