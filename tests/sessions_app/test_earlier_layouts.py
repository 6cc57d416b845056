"""Table plans in the block layouts that schools make by hand (in Excel, or a Word table copied
into it) and that online group generators make: a column per table, a row per table, a list
under each table's name, a row per round with a cell per table and a row per table with a
cell per round. Each is read into the rows the layout per table is read into; these tests say
by member which rounds and tables each file holds, and which files are refused."""

import csv
import io

import openpyxl
import pytest
from django.utils import translation

from sessions_app.services.earlier import earlier_plan_read
from tests.sessions_app.conftest import EARLIER_TEAM

pytestmark = pytest.mark.django_db

# four lines of three, with the demo's first twelve names (the `members` fixture, conftest.py)
ANOUK, DAAN, FATIMA, SANNE, LARS, NOOR, BRAM, EVA, THIJS, LOTTE, RUBEN, IRIS = (
    " ".join(part for part in name if part) for name in EARLIER_TEAM
)
# two rounds of three tables of four, one of each line; round 2 repeats no pair
ROUND_1 = [[ANOUK, SANNE, BRAM, LOTTE], [DAAN, LARS, EVA, RUBEN], [FATIMA, NOOR, THIJS, IRIS]]
ROUND_2 = [[ANOUK, LARS, THIJS, IRIS], [DAAN, NOOR, BRAM, LOTTE], [FATIMA, SANNE, EVA, RUBEN]]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def workbook(sheets: dict[str, list[list]], merged: dict[str, list[str]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in (merged or {}).get(title, []):
            sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(rows: list[list[str]], delimiter: str = ";") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def columns(rnd: list[list[str]], word: str = "Tafel", labels: str = "123") -> list[list[str]]:
    """A round as a column per table: a header row, then a person per cell."""
    return [[f"{word} {label}" for label in labels[: len(rnd)]]] + [
        [table[k] if k < len(table) else "" for table in rnd] for k in range(max(map(len, rnd)))
    ]


def table_rows(rnd: list[list[str]], word: str = "Tafel") -> list[list[str]]:
    """A round as a row per table: its name, then its people."""
    return [[f"{word} {number}", *table] for number, table in enumerate(rnd, start=1)]


def read(members, day, content: bytes):
    school = next(iter(members.values())).school
    return earlier_plan_read(school=school, content=content, day=day)


def test_a_column_per_table_on_a_sheet_per_round(members, day):
    round_2 = [columns(ROUND_2)[0] + ["Afwezig"]] + [[*row, ""] for row in columns(ROUND_2)[1:]]
    round_2[1][1] = f"{DAAN} en {members[NOOR].user.email}"  # two in a cell, an address
    round_2[2][1] = ""
    round_2[1][3] = "Sem de Groot"  # absent: not in the team, and not looked up
    content = workbook(
        {
            "Uitleg": [["Zo lees je dit bestand"], ["Elk blad is een ronde"]],
            "Ronde 1": columns(ROUND_1),
            "Ronde 2": round_2,
        }
    )
    plan = read(members, day, content)
    assert plan.problems == []
    assert plan.read_as == "Excel, a sheet per round"
    assert plan.named_rounds == [ROUND_1, ROUND_2]


def test_a_column_per_table_in_blocks_on_one_sheet(members, day):
    """A title merged over the top, a round row above each block, empty rows and an empty
    column between the tables, "Afwezig", and notes below the plan."""
    block_1 = [[*row[:2], "", *row[2:]] for row in columns(ROUND_1)]  # column C left empty
    round_2 = [table[:] for table in ROUND_2]
    absent = round_2[2].pop()  # Ruben is not there in round 2
    block_2 = [[*row, ""] for row in columns(round_2)]
    block_2[0][3] = "Afwezig"
    block_2[1][3] = absent
    rows = [
        ["Indeling plenaire bijeenkomst 12 november", "", "", ""],
        [],
        ["Ronde 1 (15.00-15.20)"],
        *block_1,
        [],
        [],
        ["Ronde 2 (15.20-15.40)"],
        *block_2,
        [],
        ["Let op: koffie en thee staan in de aula."],
        ["Wie ziek is, meldt zich af bij Lotte"],
    ]
    rows[4][0] = members[ANOUK].user.email.upper()  # an address in the place of a name
    content = workbook({"Indeling": rows}, merged={"Indeling": ["A1:D1", "A3:D3"]})
    plan = read(members, day, content)
    assert plan.problems == []
    assert plan.read_as == "Excel, a column per table"
    round_2[2] = [FATIMA, SANNE, EVA]
    assert plan.named_rounds == [ROUND_1, round_2]
    assert plan.notes == [
        "Not part of a table, so left out: row 1 (“Indeling plenaire bijeenkomst 12 november”), "
        "row 18 (“Let op: koffie en thee staan in de aula.”), row 19 (“Wie ziek is, meldt zich "
        "af bij Lotte”)."
    ]


def test_a_column_per_table_with_a_round_title_and_header_per_block_in_english_csv(members, day):
    rows = [
        ["Round 1"],
        *columns(ROUND_1, "Table", "ABC"),
        ["Round 2"],
        *columns(ROUND_2, "Table", "ABC"),
    ]
    plan = read(members, day, csv_file(rows, ","))
    assert plan.problems == []
    assert plan.read_as == "CSV with commas, UTF-8, a column per table"
    assert plan.named_rounds == [ROUND_1, ROUND_2]


def test_a_column_per_table_with_the_round_in_the_header_rows_corner(members, day):
    rows = [
        ["Ronde 1", *columns(ROUND_1, "Groep")[0]],
        *[["", *row] for row in columns(ROUND_1, "Groep")[1:]],
        ["Ronde 2", *columns(ROUND_2, "Kwartet")[0]],
        *[["", *row] for row in columns(ROUND_2, "Kwartet")[1:]],
    ]
    plan = read(members, day, csv_file(rows))
    assert plan.problems == []
    assert plan.named_rounds == [ROUND_1, ROUND_2]


def test_rounds_side_by_side_each_own_their_columns(members, day):
    header = [*columns(ROUND_1)[0], "", *columns(ROUND_2)[0]]
    people = [
        [*one, "", *two]
        for one, two in zip(columns(ROUND_1)[1:], columns(ROUND_2)[1:], strict=True)
    ]
    rows = [["Ronde 1", "", "", "", "Ronde 2"], header, *people]
    plan = read(members, day, workbook({"Blad1": rows}, merged={"Blad1": ["A1:C1", "E1:G1"]}))
    assert plan.problems == []
    assert plan.named_rounds == [ROUND_1, ROUND_2]


def test_a_row_per_table_in_blocks(members, day):
    rows = [
        ["Indeling studiemiddag"],
        ["Ronde 1"],
        *table_rows(ROUND_1),
        [],
        ["Ronde 2"],
        *table_rows(ROUND_2),
        ["Afwezig", "Sem de Groot"],
    ]
    plan = read(members, day, workbook({"Blad1": rows}))
    assert plan.problems == []
    assert plan.read_as == "Excel, a row per table"
    assert plan.named_rounds == [ROUND_1, ROUND_2]
    assert plan.notes == ["Not part of a table, so left out: row 1 (“Indeling studiemiddag”)."]


def test_a_row_per_table_in_english_csv_with_names_as_the_register_writes_them(members, day):
    round_1 = [
        [members[name].sort_name for name in table] for table in ROUND_1
    ]  # "Vries, Anouk de"
    rows = [["Round 1"], *table_rows(round_1, "Table"), ["Round 2"], *table_rows(ROUND_2, "Table")]
    plan = read(members, day, csv_file(rows, ";"))
    assert plan.problems == []
    assert plan.named_rounds == [ROUND_1, ROUND_2]


def test_a_row_per_table_with_its_round_merged_down_beside_it(members, day):
    rows = [
        ["Ronde", "Tafel"],
        *[["Ronde 1", *row] for row in table_rows(ROUND_1)],
        *[["Ronde 2", *row] for row in table_rows(ROUND_2)],
    ]
    for row in rows[2:4] + rows[5:7]:
        row[0] = None  # merged: openpyxl keeps the value in the top cell only
    content = workbook({"Tafels": rows}, merged={"Tafels": ["A2:A4", "A5:A7"]})
    plan = read(members, day, content)
    assert plan.problems == []
    assert plan.named_rounds == [ROUND_1, ROUND_2]


def test_a_list_under_each_tables_name_as_a_group_generator_writes_it(members, day):
    rows = [["Ronde 1"]]
    for number, table in enumerate(ROUND_1, start=1):
        rows += [[f"Groep {number}"], *[[name] for name in table], []]
    rows += [["Ronde 2"]]
    rows += [
        [f"Groep {number}: {', '.join(t[:-1])} en {t[-1]}"] for number, t in enumerate(ROUND_2, 1)
    ]
    plan = read(members, day, csv_file(rows))
    assert plan.problems == []
    assert plan.read_as == "CSV with semicolons, UTF-8, a row per table"
    assert plan.named_rounds == [ROUND_1, ROUND_2]


def test_a_row_per_round_with_a_cell_per_table(members, day):
    """A Word table: rounds down, tables across, each cell a table's people."""
    rows = [
        ["Ronde", "Tafel 1", "Tafel 2", "Tafel 3"],
        ["Ronde 1", *(", ".join(table) for table in ROUND_1)],
        ["Ronde 2", *(" / ".join(table) for table in ROUND_2)],
    ]
    plan = read(members, day, workbook({"Blad1": rows}))
    assert plan.problems == []
    assert plan.named_rounds == [ROUND_1, ROUND_2]


def test_a_row_per_table_with_a_cell_per_round(members, day):
    """Tables down, rounds across, each cell a table's people in that round."""
    rows = [
        ["Tafel", "Ronde 1", "Ronde 2"],
        *[
            [f"Tafel {n}", ", ".join(one), ", ".join(two)]
            for n, (one, two) in enumerate(zip(ROUND_1, ROUND_2, strict=True), start=1)
        ],
    ]
    plan = read(members, day, csv_file(rows))
    assert plan.problems == []
    assert plan.named_rounds == [ROUND_1, ROUND_2]


def test_a_problem_names_the_sheet_row_and_column_and_nothing_is_saved(members, day):
    block = columns(ROUND_1)
    block[2][1] = "Lars van Dyk"  # a typing error
    rows = [
        ["Ronde 1"],
        *block,
        *columns(ROUND_2),  # no row "Ronde 2" above it: its tables would join round 1
        [],
        ["", "", "", "", "", IRIS],  # beside the tables: where did she sit?
    ]
    plan = read(members, day, workbook({"Blad1": rows}))
    assert plan.problems == [
        "Sheet “Blad1”, row 7, column A: round 1 already has a table “Tafel 1” (sheet “Blad1”, "
        "row 2, column A). Open each round with a row that names it, such as “Round 2”.",
        "Sheet “Blad1”, row 7, column B: round 1 already has a table “Tafel 2” (sheet “Blad1”, "
        "row 2, column B). Open each round with a row that names it, such as “Round 2”.",
        "Sheet “Blad1”, row 7, column C: round 1 already has a table “Tafel 3” (sheet “Blad1”, "
        "row 2, column C). Open each round with a row that names it, such as “Round 2”.",
        "Sheet “Blad1”, row 4, column B: nobody in this team is called “Lars van Dyk”.",
        "Sheet “Blad1”, row 13, column F: “Iris Mulder” is not under a table, so we cannot tell "
        "where they sat.",
    ]
    assert plan.rounds == []


def test_someone_twice_in_a_round_names_both_cells(members, day):
    rows = [["Ronde 1"], *table_rows(ROUND_1)]
    rows[3][2] = ANOUK
    plan = read(members, day, csv_file(rows))
    assert plan.problems == [
        "Row 4, column C: Anouk de Vries sits twice in round 1 (also in row 2, column B)."
    ]


@pytest.mark.parametrize(
    "rows",
    [
        # numbers alone above the columns: tables or rounds?
        [["1", "2", "3"], *[[t[k] for t in ROUND_1] for k in range(4)]],
        # rounds above the columns and a person per cell: at which table?
        [["Ronde 1", "Ronde 2"], *[[ROUND_1[0][k], ROUND_2[0][k]] for k in range(4)]],
        # a row naming tables and rows starting with one: which layout is it?
        [["Tafel 1", "Tafel 2"], [ANOUK, DAAN], ["Tafel 3", FATIMA, NOOR]],
    ],
    ids=["numbers", "rounds-only", "both-layouts"],
)
def test_an_ambiguous_file_is_refused_with_the_layouts_that_are_read(members, day, rows):
    plan = read(members, day, csv_file(rows))
    assert plan.problems == [
        "We could not tell how this file holds the tables. We read these layouts: a header row "
        "with Round, Table and one or more columns with people (Name or E-mail address); a "
        "column Name (or E-mail address) and a column per round (Round 1, Round 2, ...); a "
        "column per table, under a row Table 1 | Table 2 | ..., with a person in each cell; "
        "or a row per table that starts with Table 1 and lists its people. Open each round "
        "with a row Round 1, Round 2, ... or put it on a sheet of its own named so."
    ]
    assert plan.rounds == []
