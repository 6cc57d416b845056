"""Table plans of earlier sessions as other tools and people make them, uploaded through the page
by a steering member: what the preview says sat together per round and which names it could
not match, that confirming stores exactly that and that the next plan's history holds those
encounters, and that a file with a problem stores nothing at all."""

import csv
import io
from datetime import time, timedelta

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl.styles import PatternFill

from learninglines.models import LineMembership, Member
from learninglines.services.lines import line_create, membership_move
from learninglines.services.people import member_set_active, school_year_ensure_current
from sessions_app.models import PlenarySession, Seat, SessionAttendance
from sessions_app.selectors.plans import plan_history
from sessions_app.services.sessions import session_create
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

# the team: four lines of three; the steering member (Anouk de Vries) is one of them
NAMES = [
    ("Daan", "van der", "Berg"),
    ("Fatima", "el", "Amrani"),
    ("Chloë", "", "Bakker"),
    ("Lars", "van", "Dijk"),
    ("Noor", "", "Bakker"),
    ("Bram", "de", "Jong"),
    ("Eva", "", "Visser"),
    ("Thijs", "", "Smit"),
    ("Sanne", "", "Jansen"),
    ("Mehmet", "", "Y\u0131lmaz"),
    ("Sanne", "de", "Wit"),
]
ANOUK, DAAN, FATIMA, CHLOE, LARS, NOOR = (
    "Anouk de Vries",
    "Daan van der Berg",
    "Fatima el Amrani",
    "Chloë Bakker",
    "Lars van Dijk",
    "Noor Bakker",
)
BRAM, EVA, THIJS, SANNE, MEHMET, SANNE_W = (
    "Bram de Jong",
    "Eva Visser",
    "Thijs Smit",
    "Sanne Jansen",
    "Mehmet Y\u0131lmaz",
    "Sanne de Wit",
)
KEES = "Kees Vermeulen"  # has left the team


@pytest.fixture
def team(school, steering):
    """{full name: member}: the steering member and eleven colleagues in four lines of three,
    and Kees Vermeulen, who left."""
    year = school_year_ensure_current(school=school)
    lines = [line_create(school=school, year=year, name=n) for n in ("Lezen", "Rekenen", "Taal")]
    lines.append(line_create(school=school, year=year, name="Spel"))
    people = [steering] + [
        MemberFactory(school=school, first_name=first, name_prefix=prefix, last_name=last)
        for first, prefix, last in NAMES
    ]
    for index, member in enumerate(people):
        membership_move(member=member, line=lines[index // 3], start=year.start)
    kees = MemberFactory(school=school, first_name="Kees", last_name="Vermeulen")
    membership_move(member=kees, line=lines[0], start=year.start)
    member_set_active(member=kees, active=False)
    return {m.full_name: m for m in [*people, kees]}


@pytest.fixture
def day(team, school):
    year = school_year_ensure_current(school=school)
    return max(year.start, timezone.localdate() - timedelta(days=14))


@pytest.fixture
def page(client, school, steering):
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return reverse("sessions_app:session-earlier", args=[school.slug])


def workbook(
    sheets: dict[str, list[list]],
    merged: dict[str, list[str]] | None = None,
    fills: dict[str, dict[str, str]] | None = None,
) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in (merged or {}).get(title, []):
            sheet.merge_cells(cells)
        for cell, colour in (fills or {}).get(title, {}).items():
            sheet[cell].fill = PatternFill("solid", start_color=colour, end_color=colour)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[str]], *, delimiter: str, encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client, page, day, name: str, content: bytes):
    return client.post(
        page,
        {
            "title": "Studiedag oktober",
            "date": day.isoformat(),
            "start_time": "15:00",
            "end_time": "16:30",
            "place": "Aula",
            "file": SimpleUploadedFile(name, content),
        },
    )


def shown(response) -> list[list[list[str]]]:
    """The preview's tables per round, each table's names sorted."""
    return [[sorted(table) for table in rnd] for rnd in response.context["preview"].named_rounds]


def sorted_rounds(rounds):
    return [[sorted(table) for table in rnd] for rnd in rounds]


def confirm(client, page, day, response):
    """Confirm the preview as the page's confirmation form does; the recorded session."""
    assert response.context["preview"].problems == []
    token = response.context["token"]
    assert token
    confirmed = client.post(
        page,
        {
            "title": "Studiedag oktober",
            "date": day.isoformat(),
            "start_time": "15:00",
            "end_time": "16:30",
            "place": "Aula",
            "token": token,
        },
    )
    assert confirmed.status_code == 302
    return PlenarySession.objects.get()


def stored(session) -> list[list[list[str]]]:
    """The recorded plan's tables per round, as names, in table order."""
    seats = (
        Seat.objects.filter(round__plan__session=session)
        .order_by("round__number", "table__number")
        .values_list("round__number", "table__number", "member_id")
    )
    names = {m.pk: m.full_name for m in Member.objects.all()}
    rounds: dict[int, dict[int, list[str]]] = {}
    for number, table, member in seats:
        rounds.setdefault(number, {}).setdefault(table, []).append(names[member])
    return [[sorted(t) for _n, t in sorted(r.items())] for _n, r in sorted(rounds.items())]


def encounters(rounds) -> set[frozenset]:
    return {frozenset((a, b)) for rnd in rounds for t in rnd for a in t for b in t if a != b}


def assert_recorded(client, page, day, response, school, expected):
    """The preview shows `expected`; confirming stores exactly that, and a later session's
    history holds exactly its encounters."""
    assert shown(response) == sorted_rounds(expected)
    session = confirm(client, page, day, response)
    assert session.status == PlenarySession.Status.HELD
    assert stored(session) == sorted_rounds(expected)
    later = session_create(
        school=school,
        title="Volgende",
        date=timezone.localdate() + timedelta(days=7),
        start_time=time(15, 0),
        end_time=time(16, 0),
    )
    names = {m.pk: m.full_name for m in Member.objects.all()}
    history = [[[names[pk] for pk in t] for t in rnd] for rnd in plan_history(session=later)]
    assert encounters(history) == encounters(expected)
    return session


def assert_nothing_saved():
    assert PlenarySession.objects.count() == 0
    assert Seat.objects.count() == 0
    assert SessionAttendance.objects.count() == 0


# --- 1. a sheet per round, a column per table, a merged title, an explanation sheet ----------


def test_a_workbook_with_a_sheet_per_round_and_a_column_per_table(client, page, school, team, day):
    round_1 = [[ANOUK, DAAN, FATIMA], [CHLOE, LARS, NOOR], [BRAM, EVA, THIJS, SANNE]]
    round_2 = [[ANOUK, LARS, BRAM], [DAAN, NOOR, EVA], [FATIMA, CHLOE, THIJS, SANNE]]

    def sheet(rnd):
        return [
            ["Studiedag 14 oktober: tafelindeling", None, None],
            [None, None, None],
            ["Tafel 1", "Tafel 2", "Tafel 3"],
            *[[t[k] if k < len(t) else None for t in rnd] for k in range(4)],
        ]

    content = workbook(
        {
            "Uitleg": [["Iedereen zit per ronde aan een andere tafel."]],
            "Ronde 1": sheet(round_1),
            "Ronde 2": sheet(round_2),
        },
        merged={"Ronde 1": ["A1:C1"], "Ronde 2": ["A1:C1"]},
    )
    response = upload(client, page, day, "indeling.xlsx", content)
    assert response.status_code == 200
    assert response.context["preview"].read_as == "Excel, a sheet per round"
    assert_recorded(client, page, day, response, school, [round_1, round_2])


def assert_refused(response, problems: list[str]):
    """The preview lists exactly `problems`, offers no confirmation, and nothing is stored."""
    assert response.status_code == 200
    assert response.context["preview"].problems == problems
    assert response.context["token"] is None
    html = response.content.decode()
    assert 'name="token"' not in html
    assert "Upload another file" in html  # what the page offers: correct the file, upload again
    assert_nothing_saved()


def notes(response) -> list[str]:
    return response.context["preview"].notes


# --- 2. groups with letters in blocks on one sheet, a break between the rounds ---------------


def test_groups_with_letters_in_blocks_and_a_break_between_the_rounds(
    client, page, school, team, day
):
    rows = [
        ["Ronde 1", None, None],
        ["Groep A", "Groep B", "Groep C"],
        [ANOUK, CHLOE, BRAM],
        [DAAN, LARS, EVA],
        [FATIMA, NOOR, None],
        [None, None, None],
        ["Pauze (10.00-10.15)", None, None],
        ["Ronde 2", None, None],
        ["Groep A", "Groep B", "Groep C"],
        [ANOUK, LARS, DAAN],
        [BRAM, NOOR, EVA],
    ]
    response = upload(client, page, day, "groepjes.xlsx", workbook({"Blad1": rows}))
    assert response.context["preview"].read_as == "Excel, a column per table"
    assert notes(response) == ["Not part of a table, so left out: row 7 (“Pauze (10.00-10.15)”)."]
    expected = [
        [[ANOUK, DAAN, FATIMA], [CHLOE, LARS, NOOR], [BRAM, EVA]],
        [[ANOUK, BRAM], [LARS, NOOR], [DAAN, EVA]],
    ]
    assert_recorded(client, page, day, response, school, expected)


def test_a_break_right_under_a_table_is_no_one_at_it(client, page, school, team, day):
    """ "Pauze" straight under the last name (no empty row between) was read as a person."""
    rows = [
        ["Ronde 1", None],
        ["Tafel 1", "Tafel 2"],
        [ANOUK, DAAN],
        ["Pauze", None],
        ["Ronde 2", None],
        ["Tafel 1", "Tafel 2"],
        [ANOUK, FATIMA],
    ]
    response = upload(client, page, day, "tafels.xlsx", workbook({"Blad1": rows}))
    assert response.context["preview"].problems == []
    assert notes(response) == ["Not part of a table, so left out: row 4 (“Pauze”)."]
    assert_recorded(client, page, day, response, school, [[[ANOUK], [DAAN]], [[ANOUK], [FATIMA]]])


# --- 3. kwartetten, a row per table, names as "Achternaam, Voornaam tussenvoegsel" ----------


def test_quartets_in_rows_with_last_names_first(client, page, school, team, day):
    rows = [
        ["Kwartetten teamvergadering", None, None, None, None],
        ["Ronde 1", None, None, None, None],
        [
            "Kwartet 1",
            "Vries, Anouk de",
            "Berg, Daan van der",
            "Amrani, Fatima el",
            "Bakker, Chloë",
        ],
        ["Kwartet 2", "Dijk, Lars van", "Bakker, Noor", "Jong, Bram de", "Visser, Eva"],
        ["Ronde 2", None, None, None, None],
        ["Kwartet 1", "Vries, Anouk de", "Dijk, Lars van", "Smit, Thijs", "Wit, Sanne de"],
        ["Kwartet 2", "Berg, Daan van der", "Bakker, Noor", "Jansen, Sanne", "Y\u0131lmaz, Mehmet"],
    ]
    content = workbook({"Blad1": rows}, merged={"Blad1": ["A1:E1"]})
    response = upload(client, page, day, "kwartetten.xlsx", content)
    assert response.context["preview"].read_as == "Excel, a row per table"
    assert notes(response) == [
        "Not part of a table, so left out: row 1 (“Kwartetten teamvergadering”)."
    ]
    expected = [
        [[ANOUK, DAAN, FATIMA, CHLOE], [LARS, NOOR, BRAM, EVA]],
        [[ANOUK, LARS, THIJS, SANNE_W], [DAAN, NOOR, SANNE, MEHMET]],
    ]
    session = assert_recorded(client, page, day, response, school, expected)
    assert session.assignments.count() == 2


# --- 4. notes written in the cells beside the names --------------------------------------------


def test_notes_beside_names_seat_those_who_came_and_not_those_who_did_not(
    client, page, school, team, day
):
    rows = [
        ["Tafel 1", ANOUK, "Daan van der Berg (later)", FATIMA],
        ["Tafel 2", CHLOE, "Lars van Dijk - ziek", NOOR],
        ["Tafel 3", BRAM, "afwezig", EVA],
        ["Tafel 4", "Thijs Smit (afwezig)", SANNE, "Sanne de Wit [kwam om 15.30]"],
    ]
    response = upload(client, page, day, "tafels.xlsx", workbook({"Blad1": rows}))
    assert notes(response) == [
        "Sheet “Blad1”, row 1, column C: Daan van der Berg is seated; the note “later” is left "
        "out.",
        "Sheet “Blad1”, row 2, column C: Lars van Dijk was not there (“ziek”), so has no seat "
        "in round 1.",
        "Sheet “Blad1”, row 4, column B: Thijs Smit was not there (“afwezig”), so has no seat "
        "in round 1.",
        "Sheet “Blad1”, row 4, column D: Sanne de Wit is seated; the note “kwam om 15.30” is "
        "left out.",
    ]
    expected = [[[ANOUK, DAAN, FATIMA], [CHLOE, NOOR], [BRAM, EVA], [SANNE, SANNE_W]]]
    session = assert_recorded(client, page, day, response, school, expected)
    absent = SessionAttendance.objects.filter(session=session, absent=True)
    assert sorted(a.member.full_name for a in absent) == [LARS, MEHMET, THIJS]


# --- 5. a row per person, tables written every way -------------------------------------------


def test_a_row_per_person_with_tables_written_every_way(client, page, school, team, day):
    rows = [
        ["Naam", "Ronde 1", "Ronde 2", "Ronde 3"],
        [ANOUK, "tafel 3", "T1", "A"],
        [DAAN, "3", "t1", "a"],
        [FATIMA, "Tafel 3 (later)", "1", "B"],
        [CHLOE, "T2", "2", "b"],
        [LARS, "2", "Tafel 2", "ziek"],
        [NOOR, "T 2", "2 (ziek)", "tafel B"],
    ]
    response = upload(client, page, day, "per-persoon.xlsx", workbook({"Blad1": rows}))
    assert notes(response) == [
        "Row 4: Fatima el Amrani is seated; the note “later” is left out.",
        "Row 7: Noor Bakker was not there (“ziek”), so has no seat in round 2.",
    ]
    expected = [
        [[CHLOE, LARS, NOOR], [ANOUK, DAAN, FATIMA]],
        [[ANOUK, DAAN, FATIMA], [CHLOE, LARS]],
        [[ANOUK, DAAN], [FATIMA, CHLOE, NOOR]],
    ]
    assert_recorded(client, page, day, response, school, expected)


# --- 6. initials, capitals, accents and spaces ------------------------------------------------


def test_initials_capitals_accents_and_spaces_find_the_colleague(client, page, school, team, day):
    rows = [
        ["Tafel 1", "Tafel 2"],
        ["A. de Vries", "  DAAN   VAN DER BERG "],
        ["chloe bakker", "fatima El Amrani"],
        ["Yilmaz, Mehmet", "N. Bakker"],
        ["Dijk, L. van", "bram DE jong"],
    ]
    response = upload(client, page, day, "tafels.xlsx", workbook({"Blad1": rows}))
    assert notes(response) == []
    expected = [[[ANOUK, CHLOE, MEHMET, LARS], [DAAN, FATIMA, NOOR, BRAM]]]
    assert_recorded(client, page, day, response, school, expected)


# --- 7. first names only ------------------------------------------------------------------------


def test_first_names_alone_find_the_one_colleague_who_has_it(client, page, school, team, day):
    rows = [["Tafel 1", "Tafel 2"], ["Fatima", "Daan"], ["Mehmet", "Chloë"], ["Anouk", "Thijs"]]
    response = upload(client, page, day, "voornamen.xlsx", workbook({"Blad1": rows}))
    assert notes(response) == [
        "Found by first name alone, as one colleague has it: “Anouk” as Anouk de Vries, “Chloë” "
        "as Chloë Bakker, “Daan” as Daan van der Berg, “Fatima” as Fatima el Amrani, “Mehmet” "
        "as Mehmet Y\u0131lmaz, “Thijs” as Thijs Smit."
    ]
    expected = [[[FATIMA, MEHMET, ANOUK], [DAAN, CHLOE, THIJS]]]
    assert_recorded(client, page, day, response, school, expected)


def test_a_first_name_two_colleagues_share_and_a_nickname_save_nothing(client, page, team, day):
    rows = [["Tafel 1", "Tafel 2"], ["Fatima", "Sanne"], ["Bas", DAAN], [ANOUK, LARS]]
    response = upload(client, page, day, "voornamen.xlsx", workbook({"Blad1": rows}))
    assert_refused(
        response,
        [
            "Sheet “Blad1”, row 2, column B: 2 colleagues called “Sanne” were on the team on "
            f"{day:%-d} November 2026 (Sanne Jansen, Sanne de Wit): write the e-mail address "
            "instead.",
            "Sheet “Blad1”, row 3, column A: nobody in this team is called “Bas”.",
        ],
    )
    assert "nobody in this team is called “Bas”" in response.content.decode()


# --- 8. the coach and a guest at a table, someone who left, an empty table, a table of one ----


def test_the_coach_a_guest_and_someone_who_left_are_left_out(
    client, page, school, team, day, coach
):
    assert coach.name == "Coach Carla"
    rows = [
        ["Tafel 1", "Tafel 2", "Tafel 3", "Tafel 4"],
        [ANOUK, DAAN, None, FATIMA],
        ["Coach Carla", LARS, None, None],
        [KEES, "Jan Pieters (gast)", None, None],
        [coach.email.upper(), None, None, None],
    ]
    response = upload(client, page, day, "tafels.xlsx", workbook({"Blad1": rows}))
    assert notes(response) == [
        "Sheet “Blad1”, row 3, column A: “Coach Carla” is the school's coach, not in the team, "
        "and is left out.",
        "Sheet “Blad1”, row 4, column B: “Jan Pieters (gast)” is a guest, not in the team, and "
        "is left out.",
        f"Sheet “Blad1”, row 5, column A: “{coach.email.upper()}” is the school's coach, not in "
        "the team, and is left out.",
        "Kees Vermeulen has left the team and is left out.",
    ]
    # the empty table 3 is no table; Anouk sat at table 1 without a colleague, Fatima alone
    assert response.context["preview"].tables_per_round == [3]
    assert "Tables per round: 3" in response.content.decode()
    expected = [[[ANOUK], [DAAN, LARS], [FATIMA]]]
    assert_recorded(client, page, day, response, school, expected)


def test_another_schools_coach_is_nobody_here(client, page, team, day, other_school):
    from learninglines.models import CoachAssignment
    from tests.factories import UserFactory

    theirs = UserFactory(name="Coach Kim")
    CoachAssignment.objects.create(user=theirs, school=other_school)
    rows = [["Tafel 1", "Tafel 2"], [ANOUK, DAAN], ["Coach Kim", None]]
    response = upload(client, page, day, "tafels.xlsx", workbook({"Blad1": rows}))
    assert_refused(
        response, ["Sheet “Blad1”, row 3, column A: nobody in this team is called “Coach Kim”."]
    )


# --- 9. a row per table with a break row, round by round ---------------------------------------


def test_a_row_per_table_with_a_break_between_the_rounds(client, page, school, team, day):
    rows = [
        ["Ronde 1", None, None],
        ["Tafel 1", ANOUK, DAAN],
        ["Tafel 2", FATIMA, LARS],
        ["Koffiepauze", None, None],
        ["Ronde 2", None, None],
        ["Tafel 1", ANOUK, LARS],
        ["Tafel 2", FATIMA, DAAN],
    ]
    response = upload(client, page, day, "rondes.xlsx", workbook({"Blad1": rows}))
    assert notes(response) == ["Not part of a table, so left out: row 4 (“Koffiepauze”)."]
    expected = [[[ANOUK, DAAN], [FATIMA, LARS]], [[ANOUK, LARS], [FATIMA, DAAN]]]
    assert_recorded(client, page, day, response, school, expected)


def test_a_break_row_in_a_plan_with_a_header_row(client, page, school, team, day):
    rows = [
        ["Ronde", "Tafel", "Naam"],
        ["1", "1", ANOUK],
        ["1", "1", DAAN],
        ["Pauze", "", ""],
        ["2", "1", ANOUK],
        ["", "", "Lars van Dijk (later)"],
        ["", "Pauze", ""],
        ["2", "2", DAAN],
    ]
    content = csv_bytes(rows, delimiter=",", encoding="utf-8")
    response = upload(client, page, day, "indeling.csv", content)
    assert notes(response) == ["Row 6: Lars van Dijk is seated; the note “later” is left out."]
    expected = [[[ANOUK, DAAN]], [[ANOUK, LARS], [DAAN]]]
    assert_recorded(client, page, day, response, school, expected)


# --- 10. colours only ---------------------------------------------------------------------------


def test_tables_marked_by_colour_alone_are_refused_with_the_layouts_we_read(
    client, page, team, day
):
    rows = [["Naam"], [ANOUK], [DAAN], [FATIMA], [LARS]]
    fills = {"Blad1": {"A2": "FFFF00", "A3": "FFFF00", "A4": "00B050", "A5": "00B050"}}
    response = upload(client, page, day, "kleuren.xlsx", workbook({"Blad1": rows}, fills=fills))
    problems = response.context["preview"].problems
    assert len(problems) == 1
    assert problems[0].startswith("We could not tell how this file holds the tables.")
    assert_refused(response, problems)


# --- 11. CSV exports: Google Sheets and Dutch Excel ---------------------------------------------


def test_a_google_sheets_csv_with_commas_and_quoted_last_names_first(
    client, page, school, team, day
):
    rows = [
        ["Achternaam, Voornaam", "Ronde 1", "Ronde 2"],
        ["Vries, Anouk de", "1", "2"],
        ["Berg, Daan van der", "1", "1"],
        ["Bakker, Chloë", "2", "2"],
        ["Y\u0131lmaz, Mehmet", "2", "1"],
    ]
    content = csv_bytes(rows, delimiter=",", encoding="utf-8")  # no BOM, as Google writes it
    assert b'"Vries, Anouk de"' in content
    response = upload(client, page, day, "Tafelindeling - Blad1.csv", content)
    assert response.context["preview"].read_as == "CSV with commas, UTF-8"
    expected = [[[ANOUK, DAAN], [CHLOE, MEHMET]], [[DAAN, MEHMET], [ANOUK, CHLOE]]]
    assert_recorded(client, page, day, response, school, expected)


def test_a_dutch_excel_csv_in_windows_1252(client, page, school, team, day):
    rows = [
        ["Ronde", "Tafel", "Persoon 1", "Persoon 2", "Persoon 3"],
        ["1", "Tafel 1", "Vries, Anouk de", "Bakker, Chloë", "Amrani, Fatima el"],
        ["1", "Tafel 2", "Berg, Daan van der", "Dijk, Lars van", ""],
    ]
    content = csv_bytes(rows, delimiter=";", encoding="cp1252")
    response = upload(client, page, day, "tafels.csv", content)
    assert response.context["preview"].read_as == "CSV with semicolons, Windows-1252"
    expected = [[[ANOUK, CHLOE, FATIMA], [DAAN, LARS]]]
    assert_recorded(client, page, day, response, school, expected)


def test_a_letter_windows_1252_lost_is_named_also_beside_a_first_name(client, page, team, day):
    """ "Y?lmaz, Mehmet": Mehmet alone names a colleague, but the cell is one name with a lost
    letter, not a list of two."""
    rows = [
        ["Ronde", "Tafel", "Persoon 1", "Persoon 2"],
        ["1", "1", "Vries, Anouk de", "Y?lmaz, Mehmet"],
    ]
    response = upload(
        client, page, day, "tafels.csv", csv_bytes(rows, delimiter=";", encoding="cp1252")
    )
    assert_refused(
        response,
        [
            "Row 2: “Y?lmaz, Mehmet” is probably Mehmet Y\u0131lmaz, but the file lost a letter "
            "(“?”) when it was saved: save it as Excel (.xlsx) or as CSV UTF-8, or write the "
            "e-mail address."
        ],
    )


# --- 12. a plan printed to PDF, or written in Word ----------------------------------------------


def test_a_plan_printed_to_pdf_is_refused_clearly(client, page, team, day):
    content = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n%%EOF\n"
    response = upload(client, page, day, "tafelindeling.pdf", content)
    assert_refused(
        response,
        [
            "This is a PDF file: we cannot read a table plan from it. Upload the plan as an "
            "Excel file (.xlsx), a LibreOffice file (.ods) or a CSV file, or fill in the team "
            "list on this page."
        ],
    )


WORD_PROBLEM = (
    "This is a Word document: we cannot read a table plan from it. Copy its table into Excel, "
    "save it as an Excel file (.xlsx) and upload that."
)


def test_a_plan_in_a_word_document_is_refused_clearly(client, page, team, day):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><w:tbl/></w:document>")
    response = upload(client, page, day, "tafelindeling.docx", out.getvalue())
    assert_refused(response, [WORD_PROBLEM])


def test_an_old_word_document_is_not_called_an_old_excel_file(client, page, team, day):
    content = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "WordDocument".encode("utf-16-le")
    )
    response = upload(client, page, day, "tafelindeling.doc", content)
    assert_refused(response, [WORD_PROBLEM])


# --- 13. a group generator's numbered list; a Word table copied into Excel ---------------------


def test_a_numbered_list_under_each_group(client, page, school, team, day):
    rows = [
        ["Groep 1"],
        ["1. Anouk de Vries"],
        ["2. Daan van der Berg"],
        ["3) Chloë Bakker"],
        ["Groep 2"],
        ["1. Fatima el Amrani"],
        ["• Lars van Dijk"],
    ]
    content = csv_bytes(rows, delimiter=",", encoding="utf-8")
    response = upload(client, page, day, "groepen.csv", content)
    expected = [[[ANOUK, DAAN, CHLOE], [FATIMA, LARS]]]
    assert_recorded(client, page, day, response, school, expected)


def test_a_word_table_copied_into_excel_with_a_break_and_a_note_on_one_line(
    client, page, school, team, day
):
    rows = [
        ["Ronde", "Tafel 1", "Tafel 2"],
        ["Ronde 1", f"{ANOUK}\n{DAAN}", f"{FATIMA}\n{LARS} (ziek)"],
        ["Pauze", None, None],
        ["Ronde 2", f"{ANOUK}\n{FATIMA}", f"{DAAN}\n{LARS}"],
    ]
    response = upload(client, page, day, "uit-word.xlsx", workbook({"Blad1": rows}))
    assert notes(response) == [
        "Sheet “Blad1”, row 2, column C: Lars van Dijk was not there (“ziek”), so has no seat in "
        "round 1.",
        "Not part of a table, so left out: row 3 (“Pauze”).",
    ]
    expected = [[[ANOUK, DAAN], [FATIMA]], [[ANOUK, FATIMA], [DAAN, LARS]]]
    session = assert_recorded(client, page, day, response, school, expected)
    lars = SessionAttendance.objects.get(session=session, member=team[LARS])
    assert (lars.absent, lars.first_round, lars.last_round) == (False, 2, None)


# --- 14. nothing stored half-way ----------------------------------------------------------------


def test_a_good_first_round_and_one_unknown_name_later_store_nothing(client, page, team, day):
    rows = [
        ["Ronde 1", None],
        ["Tafel 1", "Tafel 2"],
        [ANOUK, DAAN],
        [FATIMA, LARS],
        ["Ronde 2", None],
        ["Tafel 1", "Tafel 2"],
        [ANOUK, "Juf Ans"],
    ]
    memberships = list(LineMembership.objects.values_list("pk", "start", "end"))
    response = upload(client, page, day, "tafels.xlsx", workbook({"Blad1": rows}))
    assert_refused(
        response, ["Sheet “Blad1”, row 7, column B: nobody in this team is called “Juf Ans”."]
    )
    assert list(LineMembership.objects.values_list("pk", "start", "end")) == memberships


def test_two_names_joined_by_a_dash_are_not_a_name_with_a_note(client, page, team, day):
    """ "Daan van der Berg - Lars van Dijk" is no note "Lars van Dijk" beside Daan: leaving Lars
    out would lose his encounters without a word."""
    rows = [["Tafel 1", "Tafel 2"], [f"{DAAN} - {LARS}", ANOUK], ["Noor Bakker (ziek)", FATIMA]]
    response = upload(client, page, day, "tafels.xlsx", workbook({"Blad1": rows}))
    assert_refused(
        response,
        [
            "Sheet “Blad1”, row 2, column A: nobody in this team is called “Daan van der Berg - "
            "Lars van Dijk”."
        ],
    )


def test_a_name_with_a_note_after_a_colon_alone_on_its_row_still_sits_at_the_table(
    client, page, school, team, day
):
    """A single cell with a colon reads as a note below the plan ("Let op: ..."), unless the
    name before the note is a colleague's."""
    rows = [["Tafel 1", "Tafel 2"], [ANOUK, DAAN], ["Fatima el Amrani: later", None], [None, LARS]]
    response = upload(client, page, day, "tafels.xlsx", workbook({"Blad1": rows}))
    assert notes(response) == [
        "Sheet “Blad1”, row 3, column A: Fatima el Amrani is seated; the note “later” is left out."
    ]
    assert_recorded(client, page, day, response, school, [[[ANOUK, FATIMA], [DAAN, LARS]]])
