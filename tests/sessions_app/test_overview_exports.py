"""The overview's downloads hold the page's figures and keep its privacy.

On the hand-made school of `known` (tests/sessions_app/test_overview.py): every pair of lines
met 4 times; 10 of 21 pairs from different lines met; b3 and c3 have not met a line yet.
"""

import csv
import io

import openpyxl
import pytest

from sessions_app.services.reflections import (
    AnswerData,
    question_update,
    questionnaire_open,
    reflection_submit,
)
from tests.sessions_app import test_overview
from tests.sessions_app.test_overview import _as_anonymous

pytestmark = pytest.mark.django_db

known = test_overview.known

BASE = "/s/de-regenboog/"


def _sheets(response) -> dict[str, list[list]]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def test_the_xlsx_holds_the_pages_figures(client, known, steering):
    client.force_login(steering.user)
    response = client.get(BASE + "overview.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="overzicht-de-regenboog.xlsx"'
    sheets = _sheets(response)
    assert list(sheets) == [
        "Filter",
        "Leerlijnen",
        "Bijeenkomsten",
        "Wie ontmoette wie",
        "Dekking",
        "Geleerd",
        "Gehaald bij",
        "Uitwisselingen",
        "Nog niet ontmoet",
    ]
    assert sheets["Wie ontmoette wie"][1:] == [
        ["A. Lezen", 0, 4, 4],
        ["B. Rekenen", 4, 0, 4],
        ["C. Burgerschap", 4, 4, 0],
    ]
    assert [row[1:4] for row in sheets["Bijeenkomsten"][1:]] == [
        ["Eerste", 6, 1],
        ["Tweede", 6, 1],
    ]
    assert [row[2] for row in sheets["Dekking"][1:]] == [29, 48]
    assert sheets["Leerlijnen"][1] == ["A", "Lezen", 2, 1, 3, 2, 2, 75, "Lesbezoek"]
    assert sorted(row[0] for row in sheets["Nog niet ontmoet"][1:]) == ["B3 Lid B3", "C3 Lid C3"]


def test_percentages_in_the_xlsx_are_numbers_shown_with_a_percent_sign(client, known, steering):
    """Sorting or filtering a column of "9 %", "75 %", "100 %" as text puts them out of order:
    the workbook holds numbers and only shows them as "75 %" (the CSV keeps "75 %")."""
    client.force_login(steering.user)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(BASE + "overview.xlsx").content))
    cells = {
        "Filter": workbook["Filter"]["B9"],
        "Leerlijnen": workbook["Leerlijnen"]["H2"],
        "Bijeenkomsten": workbook["Bijeenkomsten"]["H2"],
        "Dekking": workbook["Dekking"]["C3"],
    }
    assert workbook["Filter"]["A9"].value == "Dekking tussen leerlijnen"
    assert {name: cell.value for name, cell in cells.items()} == {
        "Filter": 48,
        "Leerlijnen": 75,
        "Bijeenkomsten": 0,
        "Dekking": 48,
    }
    assert all(cell.data_type == "n" for cell in cells.values())
    assert {cell.number_format for cell in cells.values()} == {'0" %"'}
    # A line without recorded attendance stays an empty cell, not 0 %.
    assert workbook["Leerlijnen"]["H3"].value is None


def test_dates_in_the_xlsx_are_dates_and_iso_text_in_the_csv(client, known, steering):
    """Excel filters and groups a date column by month only when the cells are dates."""
    _team, first, second = known
    client.force_login(steering.user)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(BASE + "overview.xlsx").content))
    dates = [row[0] for row in workbook["Bijeenkomsten"].iter_rows(min_row=2, values_only=True)]
    assert [value.date() for value in dates] == [first.date, second.date]
    assert workbook["Bijeenkomsten"]["A2"].is_date
    assert workbook["Dekking"]["A2"].is_date
    assert workbook["Filter"]["B5"].is_date
    assert workbook["Filter"]["B6"].is_date
    text = client.get(BASE + "overview.csv").content.decode("utf-8-sig")
    assert f"{first.date.isoformat()};Eerste;" in text


def test_the_coach_gets_no_person_level_sheet(client, known, coach):
    client.force_login(coach)
    sheets = _sheets(client.get(BASE + "overview.xlsx"))
    assert "Nog niet ontmoet" not in sheets
    assert "B3 Lid B3" not in str(sheets)


def test_no_name_next_to_an_anonymous_answer_and_formulas_are_inert(client, known, steering):
    team, first, _second = known
    questionnaire = questionnaire_open(questionnaire=first.questionnaire)
    learned, brought_took, *_rest, useful = list(questionnaire.questions.order_by("position"))
    question_update(question=learned, data=_as_anonymous(learned))
    for member in [*team.members["A"][:2], team.members["B"][0]]:
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers={
                learned.pk: AnswerData(text="=HYPERLINK(1)"),
                brought_took.pk: AnswerData(took="=SUM(A1)", took_from=team.lines[2].pk),
                useful.pk: AnswerData(value=4),
            },
        )
    client.force_login(steering.user)
    sheets = _sheets(client.get(BASE + "overview.xlsx"))
    learned_rows = sheets["Geleerd"][1:]
    named = [row for row in learned_rows if row[4] == "=SUM(A1)"]
    assert len(named) == 3
    assert all(row[3] for row in named)
    # The two anonymous answers of line A are below the threshold: counted, not shown.
    assert "=HYPERLINK(1)" not in str(learned_rows)
    withheld = "2 anonieme antwoorden worden niet getoond: minder dan 3 per vraag."
    assert ["A. Lezen", None, None, None, withheld] in learned_rows


def test_the_csv_is_for_dutch_excel_and_holds_the_same_figures(client, known, steering):
    client.force_login(steering.user)
    response = client.get(BASE + "overview.csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert ["Dekking tussen leerlijnen", "48 %"] in rows
    assert ["A", "Lezen", "2", "1", "3", "2", "2", "75 %", "Lesbezoek"] in rows
    response = client.get(BASE + "overview-encounters.csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="overzicht-de-regenboog-ontmoetingen.csv"'
    )
    matrix = response.content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(matrix), delimiter=";"))[1:] == [
        ["A. Lezen", "0", "4", "4"],
        ["B. Rekenen", "4", "0", "4"],
        ["C. Burgerschap", "4", "4", "0"],
    ]


def test_a_line_filter_narrows_the_download(client, known, steering):
    team, _first, _second = known
    client.force_login(steering.user)
    sheets = _sheets(client.get(BASE + f"overview.xlsx?line={team.lines[0].pk}"))
    assert [row[0] for row in sheets["Leerlijnen"][1:]] == ["A"]
    assert [row[2] for row in sheets["Bijeenkomsten"][1:]] == [2, 2]
