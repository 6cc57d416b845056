"""Staff lists as schools really make them, found by fuzzing the import: an unclosed quotation
mark in a long CSV, exports wider than we read, formulas that failed ("#N/A"), a "Naam" column
that holds the whole name beside "Achternaam", and sheets we can pass by without reading them
whole."""

import io
from unittest import mock

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from learninglines import tabular
from learninglines.models import Member, StaffImport
from learninglines.services.imports import (
    ImportNotReady,
    read_staff_list,
    staff_import_apply,
    staff_import_create,
    staff_import_preview,
)
from learninglines.services.people import member_add
from learninglines.tabular import ImportFileError
from tests.learninglines.test_import_files import csv_file, xlsx_file

pytestmark = pytest.mark.django_db

URL = "/s/de-regenboog/team/import/"

UNCLOSED = (
    'Row 3 has a quotation mark (") that is not closed, so the rows under it were read as one '
    "cell. Remove that quotation mark or close it, then upload the file again."
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def upload(client, user, name: str, content: bytes):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def test_an_unclosed_quote_in_a_long_csv_names_its_row(client, steering):
    # A staff list of 2000 people is about 150 KB: more than the csv module takes in one cell,
    # which the quotation mark of row 3 opens and nothing closes.
    rows = [["Voornaam", "Achternaam", "E-mailadres", "Opmerking"]]
    rows.append(["Anna", "Smit", "anna@school.example", "-"])
    rows.append(["Daan", "Berg", "daan@school.example", '"IB, ma+di'])
    note = "leerkracht groep 3/4 op maandag, dinsdag en woensdag"
    rows += [[f"P{n}", "Jansen", f"p{n}@school.example", note] for n in range(1990)]
    content = csv_file(rows)
    assert len(content) > 131_072
    with pytest.raises(ImportFileError) as caught:
        read_staff_list(content)
    assert caught.value.message == UNCLOSED

    response = upload(client, steering.user, "team.csv", content)
    assert response.context["form"].errors == {"file": [UNCLOSED]}
    assert StaffImport.objects.count() == 0


def wide_export(email_column: int, width: int) -> list[list[str]]:
    """An administration export with `width` columns, the address in `email_column` (from 0)."""
    headers = [f"Veld {n}" for n in range(width)]
    person = ["x"] * width
    headers[0], headers[email_column] = "Roepnaam", "E-mailadres"
    person[0], person[email_column] = "Anna", "anna@school.example"
    return [headers, person]


def test_an_export_with_its_address_in_column_75_is_read(school):
    preview = staff_import_preview(school=school, content=csv_file(wide_export(74, 80)))
    assert preview.problems == []
    assert [(row.email, row.first_name, row.outcome) for row in preview.rows] == [
        ("anna@school.example", "Anna", "new")
    ]


def test_a_header_row_far_to_the_right_is_found(school):
    # a sheet whose list starts in column DA: not "an empty file"
    rows = [[None] * 104 + ["Voornaam", "E-mailadres"], [None] * 104 + ["Anna", "anna@s.nl"]]
    preview = staff_import_preview(school=school, content=xlsx_file(rows))
    assert preview.problems == []
    assert [(row.email, row.first_name) for row in preview.rows] == [("anna@s.nl", "Anna")]


WIDE = (
    "Row 1 has values in more than 200 columns, so we cannot read it as a list. Delete the "
    "columns you do not need (or copy the columns you need to a new sheet), then upload the "
    "file again."
)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_sheet_of_16000_columns_is_refused_with_what_to_do(client, steering, kind):
    rows = wide_export(1, 16_000)
    content = csv_file(rows) if kind == "csv" else xlsx_file(rows)
    with pytest.raises(ImportFileError) as caught:
        read_staff_list(content)
    assert caught.value.message == WIDE
    response = upload(client, steering.user, f"export.{kind}", content)
    assert response.context["form"].errors == {"file": [WIDE]}
    assert StaffImport.objects.count() == 0


def test_a_wide_timetable_sheet_before_the_team_sheet_is_passed_by(school):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Rooster"
    workbook.active.append([f"Uur {n}" for n in range(300)])
    team = workbook.create_sheet("Team")
    team.append(["Voornaam", "E-mailadres"])
    team.append(["Anna", "anna@school.example"])
    out = io.BytesIO()
    workbook.save(out)
    preview = staff_import_preview(school=school, content=out.getvalue())
    assert preview.problems == []
    assert preview.table.sheet == "Team"
    assert [row.email for row in preview.rows] == ["anna@school.example"]


HEADERS = ["Voornaam", "Tussenvoegsel", "Achternaam", "E-mailadres", "Leerlijn", "Stuurgroep"]


def failed(value: str, column: str) -> str:
    return (
        f"“{value}” in column “{column}” is the error of a formula in your file. Correct the "
        "formula or type the value, then upload the file again."
    )


def test_the_errors_of_failed_formulas_are_errors_of_their_rows_and_nothing_is_saved(
    school, steering
):
    # A list whose prefix, line and steering group come from VLOOKUPs that found nothing: "#N/A"
    # would be saved as Daan's prefix, and "#N/A" in the line reads "n.a.".
    member_add(school=school, email="daan@school.example", first_name="Daan", last_name="Berg")
    rows = [
        HEADERS,
        ["Daan", "#N/A", "Berg", "daan@school.example", "", ""],
        ["Anna", "", "Smit", "anna@school.example", "#REF!", "#N/A"],
        ["Sem", "", "Vos", "#N/A", "", ""],
    ]
    content = xlsx_file(rows)
    preview = staff_import_preview(school=school, content=content)
    assert [(row.number, row.outcome, row.notes) for row in preview.rows] == [
        (2, "error", [failed("#N/A", "Tussenvoegsel")]),
        (3, "error", [failed("#REF!", "Leerlijn"), failed("#N/A", "Stuurgroep")]),
        (4, "error", [failed("#N/A", "E-mailadres")]),
    ]
    assert preview.can_confirm is False

    staff_import = staff_import_create(
        school=school, by=steering.user, file_name="team.xlsx", content=content
    )
    with pytest.raises(ImportNotReady):
        staff_import_apply(
            staff_import=staff_import, by=steering.user, fingerprint=preview.fingerprint
        )
    daan = Member.objects.get(school=school, user__email="daan@school.example")
    assert (daan.name_prefix, daan.last_name) == ("", "Berg")
    assert not Member.objects.filter(user__email="anna@school.example").exists()


def test_a_csv_from_dutch_excel_has_its_errors_in_dutch(school):
    rows = [["Voornaam", "Achternaam", "E-mail"], ["#N/B", "Smit", "anna@school.example"]]
    preview = staff_import_preview(school=school, content=csv_file(rows))
    assert [(row.outcome, row.notes) for row in preview.rows] == [
        ("error", [failed("#N/B", "Voornaam")])  # not also "The first name is missing."
    ]


def test_a_name_column_beside_the_last_name_that_holds_the_whole_name(school):
    # "Naam" beside "Achternaam" is mostly the first names; when it ends with the row's last
    # name it is the whole name, and Anouk is not "Anouk de Vries Vries".
    rows = [
        ["Naam", "Achternaam", "E-mailadres"],
        ["Anouk de Vries", "Vries", "anouk@school.example"],
        ["Daan van der Berg", "van der Berg", "daan@school.example"],
        ["Berg, Piet van den", "Berg", "piet@school.example"],
        ["Jan Willem", "Smit", "jan@school.example"],
    ]
    preview = staff_import_preview(school=school, content=csv_file(rows))
    assert [(row.first_name, row.name_prefix, row.last_name) for row in preview.rows] == [
        ("Anouk", "de", "Vries"),
        ("Daan", "van der", "Berg"),
        ("Piet", "van den", "Berg"),
        ("Jan Willem", None, "Smit"),
    ]
    assert [row.name for row in preview.rows] == [
        "Anouk de Vries",
        "Daan van der Berg",
        "Piet van den Berg",
        "Jan Willem Smit",
    ]


def test_the_same_with_a_prefix_column(school):
    rows = [
        ["Naam", "Tussenvoegsel", "Achternaam", "E-mailadres"],
        ["Anouk de Vries", "de", "Vries", "anouk@school.example"],
        ["Sem", "", "Vos", "sem@school.example"],
    ]
    preview = staff_import_preview(school=school, content=csv_file(rows))
    assert [row.name for row in preview.rows] == ["Anouk de Vries", "Sem Vos"]


def test_sheets_without_a_header_or_with_too_many_rows_are_not_read_whole(school):
    # The whole XML of a sheet (merged cells, formulas, hidden rows) is read only for the
    # sheet that holds the list; a sheet of 2,100 rows stops at row 2,001.
    workbook = openpyxl.Workbook()
    workbook.active.title = "Voorblad"
    workbook.active.append(["Personeelslijst 2026"])
    big = workbook.create_sheet("Team")
    big.append(["Voornaam", "E-mailadres"])
    for n in range(2100):
        big.append(["P", f"p{n}@school.example"])
    out = io.BytesIO()
    workbook.save(out)
    with mock.patch.object(tabular, "_sheet_marks", wraps=tabular._sheet_marks) as marks:
        preview = staff_import_preview(school=school, content=out.getvalue())
    assert preview.problems == ["The file has more than 2000 rows. Split it into smaller files."]
    assert marks.call_count == 0


def test_values_right_of_the_last_header_are_named_in_the_rows_note(school):
    """An unquoted comma in a name shifts a CSV row: its cells beyond the header are not read,
    and the row says which, so the school looks at it instead of trusting the preview."""
    from learninglines.services.imports import staff_import_preview
    from tests.learninglines.test_import_files import csv_file

    content = csv_file(
        [
            ["Voornaam", "Achternaam", "E-mail"],
            ["Piet", "Berg, van den", "piet@school.example"],
            ["Anna", "Smit", "anna@school.example"],
        ],
        delimiter=",",
    )
    with translation.override("en"):
        preview = staff_import_preview(school=school, content=content)
    notes = {row.number: (row.outcome, row.notes) for row in preview.rows}
    assert notes[2] == (
        "error",
        [
            "“van den” is not a valid e-mail address.",
            "Not read: “piet@school.example”, right of the last column with a header. Is there "
            "a comma or semicolon in a name? Then check this row's cells.",
        ],
    )
    assert notes[3] == ("new", [])
