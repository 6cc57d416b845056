"""A teacher on a 360 px phone keeps a learning log and subscribes to the calendar."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from learninglines.models import LogEntry
from tests.browser.test_meetings import fits_a_phone, sign_in
from tests.factories import MemberFactory
from tests.learninglines.test_meetings import join, make_line, plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_adds_a_log_entry_and_subscribes_to_the_calendar(
    page: Page, serious_violations, live_server, school, teacher
):
    line = make_line(school, "A", "Lezen", "blue")
    join(teacher, line)
    join(MemberFactory(school=school, first_name="Cor", last_name="Claassen"), line)
    plan(line, timezone.localdate() + timedelta(days=3), topic="Leesmotivatie")
    sign_in(page, live_server, teacher.user)

    page.goto(live_server.url + "/s/de-regenboog/log/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn logboek")
    expect(page.get_by_text("Je logboek is nog leeg.", exact=False)).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Nieuwe notitie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe logboeknotitie")
    # Private is the default, and the form says who reads a shared entry.
    expect(page.get_by_role("radio", name="Alleen ik", exact=False)).to_be_checked()
    shared = page.get_by_role("radio", name="Ik en mijn leerlijn A. Lezen", exact=False)
    expect(
        page.get_by_text("de 1 collega die op de datum van deze notitie in de lijn zit")
    ).to_be_visible()
    assert fits_a_phone(page)
    assert serious_violations(page) == []
    page.get_by_label("Wat ik heb geprobeerd").fill("De placemat bij begrijpend lezen")
    page.get_by_label("Wat het deed voor mijn leerlingen").fill("Stille kinderen praatten mee")
    page.get_by_label("Wat ik wil brengen").fill("De placemat-werkvorm")
    shared.check()
    page.get_by_role("button", name="Bewaar de notitie").click()
    expect(page.locator("#main").get_by_text("Je notitie is bewaard.")).to_be_visible()
    expect(page.get_by_text("De placemat bij begrijpend lezen", exact=True)).to_be_visible()
    expect(page.locator("#main").get_by_text("gedeeld met de leerlijn")).to_be_visible()
    assert fits_a_phone(page)
    assert serious_violations(page) == []
    entry = LogEntry.objects.get()
    assert (entry.author, entry.sharing, entry.to_bring) == (
        teacher,
        "line",
        "De placemat-werkvorm",
    )

    # The calendar: the address to copy, a webcal link, and the feed itself.
    page.goto(live_server.url + "/s/de-regenboog/calendar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn agenda")
    address = page.get_by_label("Je agenda-adres")
    expect(address).to_have_attribute("readonly", "")
    url = address.input_value()
    assert url.startswith("https://leerlijnen.test/calendar/")
    assert url.endswith(".ics")
    webcal = page.get_by_role("link", name="Zet in mijn agenda")
    expect(webcal).to_have_attribute("href", url.replace("https://", "webcal://"))
    address.click()
    address.select_text()
    assert page.evaluate("window.getSelection().toString() || document.activeElement.value") == url
    expect(page.get_by_role("link", name="Leesmotivatie")).to_be_visible()
    assert fits_a_phone(page)
    assert serious_violations(page) == []
    feed = url.replace("https://leerlijnen.test", live_server.url)
    response = page.request.get(feed)
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "SUMMARY:Lezen: Leesmotivatie" in response.text()

    # Renewing, confirmed: the old address stops working.
    page.get_by_role("link", name="Maak een nieuw adres").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Een nieuw agenda-adres maken?")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Ja, maak een nieuw adres").click()
    expect(page.get_by_text("Je agenda heeft een nieuw adres.", exact=False)).to_be_visible()
    new_url = page.get_by_label("Je agenda-adres").input_value()
    assert new_url != url
    assert page.request.get(feed).status == 404
    assert (
        page.request.get(new_url.replace("https://leerlijnen.test", live_server.url)).status == 200
    )


def heading_levels(page: Page) -> list[int]:
    return page.eval_on_selector_all(
        "main :is(h1, h2, h3, h4, h5, h6)", "hs => hs.map(h => Number(h.tagName[1]))"
    )


def test_headings_of_a_log_entry_skip_no_level_in_the_list_or_on_its_page(
    page: Page, live_server, school, teacher
):
    entry = LogEntry.objects.create(author=teacher, tried="De placemat bij begrijpend lezen")
    sign_in(page, live_server, teacher.user)
    page.goto(live_server.url + "/s/de-regenboog/log/")
    assert heading_levels(page)[:3] == [1, 2, 3]
    page.goto(live_server.url + f"/s/de-regenboog/log/{entry.pk}/")
    expect(page.get_by_role("heading", level=2)).to_contain_text(str(entry.date.year))
    assert heading_levels(page) == [1, 2]


def test_an_empty_entry_says_why_at_the_top_and_in_each_of_the_three_parts(
    page: Page, serious_violations, live_server, school, teacher
):
    sign_in(page, live_server, teacher.user)
    page.goto(live_server.url + "/s/de-regenboog/log/create/")
    page.get_by_role("button", name="Bewaar de notitie").click()
    message = page.get_by_text("Schrijf minstens een van de drie delen in.")
    expect(message).to_be_visible()
    expect(page.locator("#log-form-error")).to_be_focused()  # arrival.js
    for label in (
        "Wat ik heb geprobeerd",
        "Wat het deed voor mijn leerlingen",
        "Wat ik wil brengen",
    ):
        part = page.get_by_label(label)
        expect(part).to_have_attribute("aria-invalid", "true")
        expect(part).to_have_accessible_description("Schrijf minstens een van de drie delen in.")
    assert fits_a_phone(page)
    assert serious_violations(page) == []
    assert LogEntry.objects.count() == 0
