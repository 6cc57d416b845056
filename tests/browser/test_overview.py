"""The coach reviews the group overview in the browser, on the demo schools.

Karin Hoekstra coaches De Regenboog and De Vlinder. She signs in with her password (sign-in
still lands on the list of her schools), opens "My schools" from the menu, reads both schools'
status, opens De Regenboog's overview and narrows it to one line; the filter is in the URL, and
the XLSX she downloads holds that one line (and no person-level sheet: she is the coach).
axe-core finds nothing serious or critical on the coach home and the overview, at a laptop and
on a 360 px phone, where the page never scrolls sideways (wide tables scroll in their own
labelled region).
"""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from exchange.demo import DEMO_COACH_EMAIL, demo_seed
from learninglines.models import LearningLine
from tests.browser.test_plenary import LAPTOP, accessible, console_errors, sign_in
from tests.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]


def test_the_coach_reviews_the_overview_at_a_laptop_and_on_a_phone(
    page: Page, serious_violations, live_server
):
    demo_seed()
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    sign_in(page, live_server, DEMO_COACH_EMAIL)
    expect(page).to_have_url(live_server.url + "/")

    menu = page.get_by_role("navigation", name="Hoofdmenu")
    menu.get_by_role("link", name="Mijn scholen").click()
    expect(page).to_have_url(live_server.url + "/coach/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn scholen")
    expect(page.locator(".coach-school")).to_have_count(2)
    expect(page.get_by_role("heading", level=2, name="Basisschool De Regenboog")).to_be_visible()
    accessible(page, serious_violations, errors)

    page.get_by_role("link", name="Overzicht · Basisschool De Regenboog").click()
    expect(page).to_have_url(re.compile(r"/s/de-regenboog/overview/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Overzicht van")
    expect(page.get_by_role("heading", name="Wie heeft wie ontmoet")).to_be_visible()
    expect(page.get_by_label("Andere school")).to_be_visible()
    accessible(page, serious_violations, errors)

    line = LearningLine.objects.filter(school__slug="de-regenboog").order_by("letter").first()
    page.get_by_label("Leerlijn", exact=True).select_option(str(line.pk))
    page.get_by_role("button", name="Toepassen").click()
    expect(page).to_have_url(re.compile(rf"[?&]line={line.pk}(&|$)"))
    rows = page.locator("#ov-lines-caption").locator("xpath=..").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(line.name)
    accessible(page, serious_violations, errors)

    # The download keeps the filter: one line in the XLSX's line sheet.
    with page.expect_download() as download:
        page.get_by_role("link", name="Downloaden (Excel)").click()
    assert download.value.suggested_filename == "overzicht-de-regenboog.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert [row[1] for row in workbook["Leerlijnen"].iter_rows(min_row=2, values_only=True)] == [
        line.name
    ]
    assert "Nog niet ontmoet" not in workbook.sheetnames

    # On a phone: the same pages, nothing scrolls sideways.
    page.set_viewport_size(PHONE)
    page.reload()
    no_sideways_scroll(page)
    accessible(page, serious_violations, errors)
    # A wide table scrolls in its own box; its caption stays in view, inside the box.
    region = page.get_by_role("region", name="Per leerlijn, schooljaar", exact=False)
    region.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    box = region.bounding_box()
    caption = page.locator("#ov-lines-caption").bounding_box()
    # (within a pixel: the browser rounds the box's edge)
    assert box["x"] - 1 <= caption["x"]
    assert caption["x"] + caption["width"] <= box["x"] + box["width"] + 1
    page.goto(live_server.url + "/coach/")
    no_sideways_scroll(page)
    accessible(page, serious_violations, errors)
