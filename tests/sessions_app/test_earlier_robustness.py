"""Table plans as schools and other tools really write them, found by fuzzing the import: the
plan on a later sheet, tables written with decimals, formulas that failed ("#N/A"), and a name
and address on one row that are two colleagues."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from sessions_app.models import PlenarySession
from sessions_app.services.earlier import earlier_plan_read

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def team(make_team):
    """Lines A, B, C of 3 members each (A1, B1, ... as first names), from the year's start."""
    return make_team([3, 3, 3])


@pytest.fixture
def day(team):
    return max(team.year.start, timezone.localdate() - timedelta(days=14))


def member(team, code: str):
    return team.members[code[0]][int(code[1]) - 1]


def name(team, code: str) -> str:
    return member(team, code).full_name


def pks(team, *codes: str) -> list[int]:
    return [member(team, code).pk for code in codes]


def csv_file(rows: list[list[str]]) -> bytes:
    return "\r\n".join(";".join(row) for row in rows).encode("utf-8-sig")


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_plan_on_a_second_sheet_after_a_list_of_the_team(school, team, day):
    # The first sheet, open when the file was saved, lists the team (names and addresses): its
    # header has people but no rounds. The plan is on the next sheet.
    people = [["Naam", "E-mailadres"]] + [[m.full_name, m.user.email] for m in team.everyone]
    plan_rows = [
        ["Ronde", "Tafel", "Persoon 1", "Persoon 2", "Persoon 3"],
        [1, 1, name(team, "A1"), name(team, "B1"), name(team, "C1")],
        [1, 2, name(team, "A2"), name(team, "B2"), name(team, "C2")],
    ]
    content = workbook({"Team": people, "Indeling": plan_rows})
    plan = earlier_plan_read(school=school, content=content, day=day)
    assert plan.problems == []
    assert plan.read_as == "Excel, sheet “Indeling”"
    assert plan.rounds == [[pks(team, "A1", "B1", "C1"), pks(team, "A2", "B2", "C2")]]


def test_tables_written_with_decimals_are_their_own_tables(school, team, day):
    # Another tool writes table 1 as "1.0" (a number column with empty cells); "1.0" was read
    # as table 10, and seated A1 with C1 at table 10.
    rows = [
        ["Naam", "Ronde 1"],
        [name(team, "A1"), "1.0"],
        [name(team, "B1"), "1"],
        [name(team, "C1"), "10"],
        [name(team, "A2"), "2.5"],
        [name(team, "B2"), "25"],
    ]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == []
    assert plan.rounds == [
        [pks(team, "A1", "B1"), pks(team, "A2"), pks(team, "C1"), pks(team, "B2")]
    ]


def formula(where: str, value: str) -> str:
    return (
        f"{where}: “{value}” is the error of a formula in your file. Correct the formula or type "
        "the value, then upload the file again."
    )


def test_a_failed_formula_is_a_problem_not_someone_absent(school, team, day):
    # "#N/A" (a VLOOKUP that found nothing) reads as "n.a.": A2 would be absent in round 2
    # without a word.
    rows = [
        ["Naam", "Ronde 1", "Ronde 2"],
        [name(team, "A1"), 1, 1],
        [name(team, "A2"), 1, "#N/A"],
        ["#N/A", 2, 2],
    ]
    plan = earlier_plan_read(school=school, content=workbook({"Plan": rows}), day=day)
    assert plan.problems == [formula("Row 3", "#N/A"), formula("Row 4", "#N/A")]
    assert plan.rounds == []


def test_a_table_excel_turned_into_a_date_is_a_problem_not_a_table(school, team, day):
    # "1-2" typed in a table cell becomes 1 February in Excel: it was read as a table "2027 02 01"
    from datetime import datetime

    rows = [
        ["Ronde", "Tafel", "Persoon 1", "Persoon 2"],
        [1, datetime(2027, 2, 1), name(team, "A1"), name(team, "B1")],
        [1, 2, name(team, "A2"), name(team, "B2")],
    ]
    plan = earlier_plan_read(school=school, content=workbook({"Plan": rows}), day=day)
    assert plan.problems == [
        "Row 2: “2027-02-01” is a date: Excel turns what is typed as 1-2 or 3/4 into one. Type "
        "the table or round as text (such as Tafel 1-2), then upload the file again."
    ]
    assert plan.rounds == []


def test_a_failed_formula_in_a_table_column_or_a_person_column(school, team, day):
    rows = [
        ["Ronde", "Tafel", "Persoon 1", "Persoon 2"],
        ["1", "#VERW!", name(team, "A1"), name(team, "B1")],
        ["1", "2", name(team, "A2"), "#N/B"],
    ]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == [formula("Row 2", "#VERW!"), formula("Row 3", "#N/B")]


TWO_COLLEAGUES = (
    "Row 2: the name “{name}” and the address “{address}” are two colleagues ({name} and "
    "{other}): correct one of them."
)


@pytest.mark.parametrize("layout", ["per table", "per person"])
def test_a_name_and_an_address_of_two_colleagues_on_one_row(school, team, day, layout):
    # The address was copied from the row below: which of the two sat there is not ours to
    # guess (the address used to win without a word).
    a1, b1 = member(team, "A1"), member(team, "B1")
    if layout == "per table":
        rows = [["Ronde", "Tafel", "Naam", "E-mailadres"], ["1", "1", a1.full_name, b1.user.email]]
    else:
        rows = [["Naam", "E-mailadres", "Ronde 1"], [a1.full_name, b1.user.email, "1"]]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == [
        TWO_COLLEAGUES.format(name=a1.full_name, address=b1.user.email, other=b1.full_name)
    ]
    # the same person twice, or a name we do not know beside the address, is no problem
    rows[1][rows[0].index("Naam")] = b1.full_name.upper()
    assert earlier_plan_read(school=school, content=csv_file(rows), day=day).problems == []
    rows[1][rows[0].index("Naam")] = "Bea (invalkracht)"
    assert earlier_plan_read(school=school, content=csv_file(rows), day=day).problems == []


def test_the_page_shows_the_problem_and_records_nothing(client, school, steering, team, day):
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = [["Naam", "Ronde 1"], [name(team, "A1"), 1], [name(team, "B1"), "#N/A"]]
    upload = SimpleUploadedFile("indeling.xlsx", workbook({"Plan": rows}))
    response = client.post(
        reverse("sessions_app:session-earlier", args=[school.slug]),
        {
            "title": "Studiedag",
            "date": day.isoformat(),
            "start_time": "15:00",
            "end_time": "16:30",
            "file": upload,
        },
    )
    assert response.status_code == 200
    assert response.context["preview"].problems == [formula("Row 3", "#N/A")]
    assert response.context["token"] is None
    assert "“#N/A” is the error of a formula in your file." in response.content.decode()
    assert PlenarySession.objects.count() == 0
