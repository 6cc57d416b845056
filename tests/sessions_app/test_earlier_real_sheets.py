"""Table plans of earlier sessions as schools really keep them in Excel: names under each other
in one cell (Alt+Enter), table names and headers merged over several columns or down over
rows, a row that totals the plan, and messages that speak of the file that was uploaded (a
table plan, never a staff list). Each test is a file that was read wrongly before."""

import io

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from sessions_app.models import PlenarySession
from sessions_app.services.earlier import earlier_plan_read
from tests.learninglines.test_import_files import zip_bomb
from tests.sessions_app.test_earlier_layouts import (
    ANOUK,
    BRAM,
    DAAN,
    EVA,
    FATIMA,
    LARS,
    NOOR,
    SANNE,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def workbook(rows: list[list], merged: tuple[str, ...] = (), title: str = "Blad1") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(members, day, content: bytes):
    school = next(iter(members.values())).school
    return earlier_plan_read(school=school, content=content, day=day)


# --- 1. several names on separate lines of one cell -------------------------------------------


def test_names_under_each_other_in_a_cell_of_a_column_per_table_sit_at_that_table(members, day):
    rows = [
        ["Ronde 1"],
        ["Tafel 1", "Tafel 2", "Tafel 3"],
        [f"{ANOUK}\n{SANNE}", f"{DAAN}\r\n{LARS}\n", f"{FATIMA}\n\n{NOOR}"],
        ["Ronde 2"],
        ["Tafel 1", "Tafel 2", "Tafel 3"],
        [f"{ANOUK}\n{LARS}", f"{DAAN}\n{NOOR}", f"{FATIMA}\n{SANNE}"],
    ]
    plan = read(members, day, workbook(rows))
    assert plan.problems == []
    assert plan.read_as == "Excel, a column per table"
    assert plan.named_rounds == [
        [[ANOUK, SANNE], [DAAN, LARS], [FATIMA, NOOR]],
        [[ANOUK, LARS], [DAAN, NOOR], [FATIMA, SANNE]],
    ]


def test_a_table_and_its_people_under_each_other_in_one_cell(members, day):
    # a plan typed as one cell per table: its name, then its people, each on a line
    rows = [[f"Tafel 1\n{ANOUK}\n{SANNE}", f"Tafel 2\n{DAAN}\n{LARS}"]]
    plan = read(members, day, workbook(rows))
    assert plan.problems == []
    assert plan.named_rounds == [[[ANOUK, SANNE], [DAAN, LARS]]]


def test_names_on_lines_of_a_quoted_csv_cell_and_of_a_per_table_row(members, day):
    content = (
        f'Ronde;Tafel;Deelnemers\r\n1;1;"{ANOUK}\r\n{SANNE}"\r\n1;2;"{DAAN}\n{LARS}, {BRAM}"\r\n'
    ).encode("utf-8-sig")
    plan = read(members, day, content)
    assert plan.problems == []
    assert plan.named_rounds == [[[ANOUK, SANNE], [DAAN, LARS, BRAM]]]


def test_a_line_of_a_cell_that_names_nobody_is_the_problem_of_that_cell(members, day):
    rows = [["Tafel 1", "Tafel 2"], [f"{ANOUK}\nSem de Groot", f"{DAAN}\n{LARS}"]]
    plan = read(members, day, workbook(rows))
    assert plan.problems == [
        "Sheet “Blad1”, row 2, column A: nobody in this team is called “Sem de Groot”."
    ]
    assert plan.rounds == []


def test_a_name_over_two_lines_of_one_cell_is_one_person(members, day):
    # "Anouk" above "de Vries": one colleague, not two people
    rows = [["Naam", "Ronde 1"], ["Anouk\nde Vries", "1"], ["Sanne\nJansen", "1"]]
    plan = read(members, day, workbook(rows))
    assert plan.problems == []
    assert plan.named_rounds == [[[ANOUK, SANNE]]]


def test_the_problem_of_a_line_is_in_dutch_on_a_dutch_page(members, day):
    rows = [["Tafel 1", "Tafel 2"], [f"{ANOUK}\nSem de Groot", f"{DAAN}\n{LARS}"]]
    with translation.override("nl"):
        plan = read(members, day, workbook(rows))
    assert plan.problems == [
        "Blad “Blad1”, rij 2, kolom A: niemand in dit team heet “Sem de Groot”."
    ]


# --- 2. merged cells ----------------------------------------------------------------------------


def test_a_table_merged_over_two_columns_holds_the_people_of_both(members, day):
    rows = [
        ["Indeling studiedag", None, None, None],
        ["Tafel 1", None, "Tafel 2", None],
        [ANOUK, SANNE, DAAN, LARS],
        [BRAM, None, EVA, None],
    ]
    plan = read(members, day, workbook(rows, merged=("A1:D1", "A2:B2", "C2:D2")))
    assert plan.problems == []
    assert plan.named_rounds == [[[ANOUK, SANNE, BRAM], [DAAN, LARS, EVA]]]
    assert plan.notes == ["Not part of a table, so left out: row 1 (“Indeling studiedag”)."]


def test_a_people_header_merged_over_columns_reads_every_column_under_it(members, day):
    # before, Sanne, Lars, Bram and Eva (under the merged part of "Personen") were left out
    rows = [
        ["Ronde", "Tafel", "Personen", None, None],
        [1, 1, ANOUK, SANNE, BRAM],
        [1, 2, DAAN, LARS, EVA],
    ]
    plan = read(members, day, workbook(rows, merged=("C1:E1",)))
    assert plan.problems == []
    assert plan.named_rounds == [[[ANOUK, SANNE, BRAM], [DAAN, LARS, EVA]]]


def test_a_table_name_merged_down_beside_its_people_is_one_table(members, day):
    rows = [
        ["Ronde 1"],
        ["Tafel 1", ANOUK],
        [None, SANNE],
        ["Tafel 2", DAAN],
        [None, LARS],
        ["Ronde 2"],
        ["Tafel 1", ANOUK],
        [None, LARS],
        ["Tafel 2", DAAN],
        [None, SANNE],
    ]
    plan = read(members, day, workbook(rows, merged=("A2:A3", "A4:A5", "A7:A8", "A9:A10")))
    assert plan.problems == []
    assert plan.named_rounds == [[[ANOUK, SANNE], [DAAN, LARS]], [[ANOUK, LARS], [DAAN, SANNE]]]


def test_a_row_of_tables_merged_down_over_two_rows_names_them_once(members, day):
    rows = [["Tafel 1", "Tafel 2"], [None, None], [ANOUK, DAAN], [SANNE, LARS]]
    plan = read(members, day, workbook(rows, merged=("A1:A2", "B1:B2")))
    assert plan.problems == []
    assert plan.named_rounds == [[[ANOUK, SANNE], [DAAN, LARS]]]


# --- 3. the messages speak of a table plan ------------------------------------------------------


def test_a_workbook_that_unpacks_too_far_is_called_a_table_plan(members, day):
    plan = read(members, day, zip_bomb())
    assert plan.problems == [
        "This file unpacks to far more than a table plan can hold, so we did not open it. Save "
        "the plan again as a new Excel file or as CSV."
    ]


def test_too_many_rows_or_columns_speak_of_the_table_plan(members, day):
    rows = [["Ronde", "Tafel", "Naam"]] + [["1", "1", ANOUK]] * 2001
    plan = read(members, day, "\r\n".join(";".join(r) for r in rows).encode())
    assert plan.problems == [
        "The file has more than 2000 rows, far more than a table plan holds. Keep only the plan "
        "of this session in the file (delete other sheets and rows), then upload it again."
    ]
    plan = read(members, day, workbook([["Ronde", "Tafel", "Naam", *[""] * 200, "x"]]))
    assert plan.problems == [
        "Row 1 has values in more than 200 columns, so we cannot read it as a table plan. "
        "Delete the columns that are not part of the plan (or copy the plan to a new sheet), "
        "then upload the file again."
    ]


def test_a_file_too_large_for_the_page_is_called_a_table_plan(client, school, steering, day):
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    upload = SimpleUploadedFile("tafels.xlsx", b"PK\x03\x04" + b"0" * (2 * 1024 * 1024 + 1))
    data = {"title": "Studiedag", "date": day.isoformat(), "start_time": "15:00"}
    response = client.post(
        reverse("sessions_app:session-earlier", args=[school.slug]),
        {**data, "end_time": "16:30", "place": "", "file": upload},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The file is larger than 2 MB. A table plan is much smaller: save only the sheet with "
        "the plan, as .xlsx or CSV."
    ]
    assert PlenarySession.objects.count() == 0


# --- more shapes --------------------------------------------------------------------------------


def test_a_totals_row_under_the_plan_is_left_out_with_a_note(members, day):
    rows = [
        ["Ronde", "Tafel", "Persoon 1", "Persoon 2"],
        [1, 1, ANOUK, SANNE],
        [1, 2, DAAN, LARS],
        ["-", "-", "-", "-"],
        ["Totaal", None, 2, 2],
    ]
    plan = read(members, day, workbook(rows))
    assert plan.problems == []
    assert plan.named_rounds == [[[ANOUK, SANNE], [DAAN, LARS]]]
    assert plan.notes == ["Not part of a table, so left out: row 5 (“Totaal | 2 | 2”)."]
    with translation.override("nl"):
        plan = read(members, day, workbook(rows))
    assert plan.notes == ["Hoort niet bij een tafel en is weggelaten: rij 5 (“Totaal | 2 | 2”)."]


def test_a_dutch_excel_csv_with_a_title_english_headers_and_addresses_as_copied(members, day):
    # semicolons, Windows-1252, a title and an empty row above the header, capitals and spaces
    # in the headers, addresses in capitals, after "mailto:" and with a space after them
    anouk, sanne = members[ANOUK].user.email, members[SANNE].user.email
    content = (
        "Tafelindeling studiedag (café De Zwaan);;;\r\n"
        ";;;\r\n"
        " ROUND ;Table;Person 1;Person 2\r\n"
        f"1;1;{anouk.upper()} ;mailto:{sanne}\r\n"
        f"1;2;{DAAN};Lars van Dijk \r\n"
    ).encode("cp1252")
    plan = read(members, day, content)
    assert plan.problems == []
    assert plan.read_as == "CSV with semicolons, Windows-1252"
    assert plan.named_rounds == [[[ANOUK, SANNE], [DAAN, LARS]]]


def test_a_file_with_a_problem_records_nothing_and_says_where(
    client, school, steering, members, day
):
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = [["Tafel 1", "Tafel 2"], [f"{BRAM}\nSem de Groot", f"{DAAN}\n{LARS}"]]
    response = client.post(
        reverse("sessions_app:session-earlier", args=[school.slug]),
        {
            "title": "Studiedag",
            "date": day.isoformat(),
            "start_time": "15:00",
            "end_time": "16:30",
            "place": "",
            "file": SimpleUploadedFile("tafels.xlsx", workbook(rows)),
        },
    )
    assert response.status_code == 200
    assert response.context["preview"].problems == [
        "Sheet “Blad1”, row 2, column A: nobody in this team is called “Sem de Groot”."
    ]
    assert response.context["token"] is None
    assert PlenarySession.objects.count() == 0
