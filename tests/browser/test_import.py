"""A steering member imports the team from a spreadsheet on a phone: one bad row, then fixed;
a column chosen by hand; a LibreOffice (.ods) list with a heading row over each group."""

import re
from collections import Counter

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from learninglines.models import LineMembership, Member
from tests.learninglines.test_import_files import DUTCH_HEADERS, csv_file, make_lines, xlsx_file
from tests.learninglines.test_import_real_lists import ods, sheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINES = ["Rekenen", "Lezen", "Burgerschap", "Wereldoriëntatie"]


def sign_in(page: Page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def thirty_teachers(bad_row: bool) -> list[list[str]]:
    rows = [
        [
            f"Leerkracht{n}",
            "van" if n % 6 == 0 else "",
            f"Achternaam{n}",
            f"leerkracht{n}@regenboog.example",
            LINES[n % 4],
            "",
        ]
        for n in range(30)
    ]
    if bad_row:
        rows[11][4] = "Rekennen"  # a typo in the line's name
    return rows


def fits_a_phone(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_steering_member_imports_thirty_teachers_into_four_lines(
    page: Page, serious_violations, live_server, school, steering, tmp_path
):
    make_lines(school, LINES)
    sign_in(page, live_server, steering.user)

    page.goto(live_server.url + "/s/de-regenboog/team/")
    page.get_by_role("link", name="Importeren uit een spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importeren uit een spreadsheet")
    assert fits_a_phone(page)
    assert serious_violations(page) == []

    bad = tmp_path / "team.xlsx"
    bad.write_bytes(xlsx_file([DUTCH_HEADERS, *thirty_teachers(bad_row=True)]))
    page.get_by_label(re.compile(r"^\s*Teamlijst")).set_input_files(bad)
    page.get_by_role("button", name="Uploaden en controleren").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Controleer de import")
    expect(
        page.get_by_role("heading", name="1 regel heeft een fout: er wordt niets opgeslagen")
    ).to_be_visible()
    expect(
        page.get_by_text(
            "Regel 13 (Leerkracht11 Achternaam11): Onbekende leerlijn “Rekennen”. "
            "Bedoel je “Rekenen”?"
        )
    ).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("importeren$"))).to_have_count(0)
    assert fits_a_phone(page)
    assert serious_violations(page) == []
    assert Member.objects.filter(school=school).count() == 1

    page.get_by_role("link", name="Ander bestand uploaden").click()
    good = tmp_path / "team-verbeterd.csv"
    good.write_bytes(csv_file([DUTCH_HEADERS, *thirty_teachers(bad_row=False)], encoding="cp1252"))
    page.get_by_label(re.compile(r"^\s*Teamlijst")).set_input_files(good)
    page.get_by_role("button", name="Uploaden en controleren").click()

    expect(page.get_by_role("heading", name="30 personen in het bestand")).to_be_visible()
    expect(
        page.locator("#main").get_by_text("gelezen als CSV met puntkomma's, Windows-1252")
    ).to_be_visible()
    page.get_by_role("button", name="30 wijzigingen importeren").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Team")
    expect(
        page.locator("#main").get_by_text("Import klaar: 30 nieuw, 0 gewijzigd, 0 ongewijzigd.")
    ).to_be_visible()
    assert Member.objects.filter(school=school).count() == 31
    assert Counter(
        LineMembership.objects.filter(member__school=school).values_list("line__name", flat=True)
    ) == {"Rekenen": 8, "Lezen": 8, "Burgerschap": 7, "Wereldoriëntatie": 7}


def test_an_unrecognised_column_is_chosen_with_the_keyboard(
    page: Page, serious_violations, live_server, school, steering, tmp_path
):
    make_lines(school, LINES)
    sign_in(page, live_server, steering.user)
    staff = tmp_path / "export.csv"
    staff.write_bytes(
        csv_file(
            [
                ["Roepnaam", "Achternaam", "Contact", "Personeelsnummer"],
                ["Daan", "Berg", "daan@regenboog.example", "1017"],
            ],
            delimiter=",",
            encoding="utf-8-sig",
        )
    )
    page.goto(live_server.url + "/s/de-regenboog/team/import/")
    page.get_by_label(re.compile(r"^\s*Teamlijst")).set_input_files(staff)
    page.get_by_role("button", name="Uploaden en controleren").click()

    expect(
        page.get_by_text("Geen kolom bevat de e-mailadressen. Kies hieronder welke kolom dat is.")
    ).to_be_visible()
    assert fits_a_phone(page)
    assert serious_violations(page) == []

    column = page.get_by_label("“Contact”")
    expect(column).to_have_accessible_description(
        "Niet herkend: kies een veld, of laat de kolom weg. Eerste waarde: daan@regenboog.example"
    )
    column.focus()
    column.select_option(label="E-mailadres")
    page.get_by_role("button", name="Opnieuw controleren").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_label("“Contact”")).to_have_value("email")
    expect(page.locator("#main").get_by_text("Door jou gekozen.")).to_be_visible()
    page.get_by_role("button", name="1 wijziging importeren").click()
    expect(
        page.locator("#main").get_by_text("Import klaar: 1 nieuw, 0 gewijzigd, 0 ongewijzigd.")
    ).to_be_visible()
    assert Member.objects.get(user__email="daan@regenboog.example").full_name == "Daan Berg"


def test_a_libreoffice_list_with_group_headings_is_previewed_and_imported(
    page: Page, serious_violations, live_server, school, steering, tmp_path
):
    make_lines(school, LINES)
    sign_in(page, live_server, steering.user)
    staff = tmp_path / "team.ods"
    staff.write_bytes(
        ods(
            sheet(
                "Team",
                [
                    DUTCH_HEADERS,
                    ["Onderbouw"],
                    ["Jan", "", "Smit", "jan@regenboog.example", "Rekenen", ""],
                    ["Bovenbouw"],
                    ["Piet", "", "Bos", "piet@regenboog.example", "Lezen", ""],
                ],
            ),
            active="Team",
        )
    )
    page.goto(live_server.url + "/s/de-regenboog/team/import/")
    page.get_by_label(re.compile(r"^\s*Teamlijst")).set_input_files(staff)
    page.get_by_role("button", name="Uploaden en controleren").click()

    main = page.locator("#main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Controleer de import")
    expect(main.locator("p.address").first).to_have_text("team.ods · gelezen als OpenDocument")
    expect(main.locator("[data-skipped-headings]")).to_have_text(
        "2 kopregels overgeslagen: rij 2 (“Onderbouw”), rij 4 (“Bovenbouw”)."
    )
    expect(page.get_by_role("heading", name="2 personen in het bestand")).to_be_visible()
    assert fits_a_phone(page)
    assert serious_violations(page) == []

    page.get_by_role("button", name="2 wijzigingen importeren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team")
    expect(main.get_by_text("Import klaar: 2 nieuw, 0 gewijzigd, 0 ongewijzigd.")).to_be_visible()
    assert sorted(
        LineMembership.objects.filter(member__school=school).values_list(
            "member__user__email", "line__name"
        )
    ) == [("jan@regenboog.example", "Rekenen"), ("piet@regenboog.example", "Lezen")]
