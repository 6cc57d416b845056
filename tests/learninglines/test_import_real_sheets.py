"""Staff lists as schools really keep them in Excel: a line break inside a name (Alt+Enter, or
text wrapped by hand), headers merged over several columns, a totals row and rows of dashes
under the list, a title and empty rows above it, headers in English with other capitals and
spaces, addresses as copied, and a CSV from Dutch Excel."""

import io

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from learninglines.models import Member, StaffImport
from learninglines.services.imports import staff_import_apply, staff_import_preview
from tests.learninglines.test_import_files import URL, make_lines

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def workbook(rows: list[list], merged: tuple[str, ...] = ()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def outcomes(preview) -> list[tuple]:
    return [
        (r.number, r.outcome, r.email, r.first_name, r.name_prefix, r.last_name, r.notes)
        for r in preview.rows
    ]


# --- 1. a line break inside a cell of a staff list is a space ----------------------------------


def test_a_line_break_inside_a_name_is_read_as_a_space(school):
    content = workbook(
        [
            ["Voornaam", "Tussenvoegsel", "Achternaam", "E-mailadres"],
            ["Anne\nMarie", "", "Jansen", "annemarie@school.example"],
            ["Daan", "van\r\nder", "Berg\n", " daan@school.example\n"],
        ]
    )
    preview = staff_import_preview(school=school, content=content)
    assert preview.problems == []
    assert outcomes(preview) == [
        (2, "new", "annemarie@school.example", "Anne Marie", "", "Jansen", []),
        (3, "new", "daan@school.example", "Daan", "van der", "Berg", []),
    ]


def test_a_full_name_over_two_lines_is_split_as_one_name(school):
    content = workbook([["Naam", "E-mail"], ["Jansen,\nBram", "bram@school.example"]])
    preview = staff_import_preview(school=school, content=content)
    assert outcomes(preview) == [(2, "new", "bram@school.example", "Bram", "", "Jansen", [])]


def test_two_addresses_on_two_lines_of_a_cell_are_refused_with_what_to_do(school):
    content = workbook([["Naam", "E-mail"], ["Bram Jansen", "bram@school.example\nb@thuis.nl"]])
    preview = staff_import_preview(school=school, content=content)
    assert [(r.number, r.outcome, r.notes) for r in preview.rows] == [
        (
            2,
            "error",
            [
                "“bram@school.example b@thuis.nl” holds more than one e-mail address. Keep one "
                "address per row: the one of the school."
            ],
        )
    ]
    assert not preview.can_confirm


# --- 2. headers merged over several columns -------------------------------------------------------


def test_a_name_header_merged_over_the_first_and_last_name_reads_both(school):
    # before, "Naam" over A and B read "Jan" alone: the last names were lost without a word
    content = workbook(
        [
            ["Personeelslijst 2026-2027", None, None, None],
            ["Naam", None, "E-mail", None],
            ["Jan", "Smit", "jan@school.example", None],
            ["Anouk", "de Vries", "anouk@school.example", None],
        ],
        merged=("A1:D1", "A2:B2", "C2:D2"),
    )
    preview = staff_import_preview(school=school, content=content)
    assert preview.problems == []
    assert [(c.header, c.field) for c in preview.columns] == [
        ("Naam", "full_name"),
        ("E-mail", "email"),
    ]
    assert outcomes(preview) == [
        (3, "new", "jan@school.example", "Jan", "", "Smit", []),
        (4, "new", "anouk@school.example", "Anouk", "de", "Vries", []),
    ]


# --- more shapes ----------------------------------------------------------------------------------


def test_a_totals_row_and_rows_of_dashes_under_the_list_are_left_out(client, school, people):
    rows = [
        ["Voornaam", "Achternaam", "E-mailadres", "Stuurgroep"],
        ["Jan", "Smit", "jan@school.example", "nee"],
        ["Piet", "Bakker", "piet@school.example", "ja"],
        ["-", "-", "-", "-"],
        ["(leeg)", None, None, None],
        ["Totaal: 2 medewerkers", None, None, 1],
    ]
    preview = staff_import_preview(school=school, content=workbook(rows))
    assert preview.problems == []
    assert [(r.number, r.outcome) for r in preview.rows] == [(2, "new"), (3, "new")]
    assert preview.left_out == ("Not a person, so left out: row 6 (“Totaal: 2 medewerkers | 1”).")
    assert preview.can_confirm

    client.force_login(people["steering"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(URL, {"file": SimpleUploadedFile("team.xlsx", workbook(rows))})
    page = client.get(response["Location"]).content.decode()
    assert "Not a person, so left out: row 6 (“Totaal: 2 medewerkers | 1”)." in page


def test_a_row_of_failed_formulas_is_no_placeholder_row(school):
    content = workbook([["Naam", "E-mail"], ["#N/A", "#N/A"], ["Jan Smit", "jan@x.nl"]])
    preview = staff_import_preview(school=school, content=content)
    assert [(r.number, r.outcome) for r in preview.rows] == [(2, "error"), (3, "new")]
    assert preview.rows[0].notes[0] == (
        "“#N/A” in column “Naam” is the error of a formula in your file. Correct the formula or "
        "type the value, then upload the file again."
    )


def test_a_name_row_without_an_address_is_still_an_error(school):
    # "Som" is a name: only a row that totals the list is left out
    content = workbook([["Naam", "E-mail"], ["Som Jansen", None], ["Jan Smit", "jan@x.nl"]])
    preview = staff_import_preview(school=school, content=content)
    assert [(r.number, r.outcome, r.notes) for r in preview.rows] == [
        (2, "error", ["The e-mail address is missing."]),
        (3, "new", []),
    ]
    assert preview.left_out == ""


def test_a_title_empty_rows_and_english_headers_with_other_capitals(school):
    lines = make_lines(school)
    content = workbook(
        [
            ["Staff list De Regenboog"],
            [],
            [None, None],
            ["  FIRST NAME ", "last  name", "E-Mail Address", "learning LINE", "Steering Group"],
            ["Jan", "Smit", " Jan.Smit@School.Example ", "Rekenen", "Yes"],
            ["Piet", "Bakker", "mailto:PIET@school.example", "lezen", "no"],
        ],
        merged=("A1:E1",),
    )
    preview = staff_import_preview(school=school, content=content)
    assert preview.problems == []
    assert [(r.number, r.email, r.name, r.line, r.steering) for r in preview.rows] == [
        (5, "jan.smit@school.example", "Jan Smit", lines[0], True),
        (6, "piet@school.example", "Piet Bakker", lines[1], False),
    ]


def test_a_csv_from_dutch_excel_with_accents_is_read_and_imported_whole(school, people):
    content = (
        "Voornaam;Achternaam;E-mailadres\r\n"
        "Renée;Müller;renee@school.example\r\n"
        "José;Smit;jose@school.example\r\n"
    ).encode("cp1252")
    preview = staff_import_preview(school=school, content=content)
    assert preview.table.read_as == "CSV with semicolons, Windows-1252"
    assert [r.name for r in preview.rows] == ["Renée Müller", "José Smit"]
    upload = StaffImport.objects.create(
        school=school, uploaded_by=people["steering"], file_name="team.csv", content=content
    )
    staff_import_apply(staff_import=upload, by=people["steering"], fingerprint=preview.fingerprint)
    emails = ["jose@school.example", "renee@school.example"]
    assert sorted(
        Member.objects.filter(school=school, user__email__in=emails).values_list(
            "first_name", "last_name"
        )
    ) == [("José", "Smit"), ("Renée", "Müller")]


def test_one_bad_row_saves_nothing_and_names_its_row(school, people):
    content = workbook(
        [
            ["Naam", "E-mail"],
            ["Jan Smit", "jan@school.example"],
            ["Piet\nBakker", "piet.school.example"],
            ["Totaal", 2],
        ]
    )
    preview = staff_import_preview(school=school, content=content)
    assert [(r.number, r.outcome, r.name, r.notes) for r in preview.rows] == [
        (2, "new", "Jan Smit", []),
        (3, "error", "Piet Bakker", ["“piet.school.example” is not a valid e-mail address."]),
    ]
    assert not preview.can_confirm
    assert not Member.objects.filter(user__email="jan@school.example").exists()
