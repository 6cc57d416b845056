"""Names in a table plan of an earlier session: a note in the name cell of the layout per person
(read as the other layouts read a note beside a name), a note in a column of its own, and a
first name an active and a departed colleague share, decided by who was on the team on the
session's date. Each test is a file that was read wrongly before."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from learninglines.models import LineMembership
from learninglines.services.lines import membership_move
from learninglines.services.people import member_set_active
from sessions_app.models import PlenarySession, Seat, SessionAttendance
from sessions_app.services.earlier import earlier_plan_read
from tests.factories import MemberFactory
from tests.sessions_app.conftest import EARLIER_TEAM

pytestmark = pytest.mark.django_db

# four lines of three, with the demo's first twelve names (the `members` fixture, conftest.py)
ANOUK, DAAN, FATIMA, SANNE, LARS, NOOR, BRAM, EVA, THIJS, LOTTE, RUBEN, IRIS = (
    " ".join(part for part in name if part) for name in EARLIER_TEAM
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Blad1"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def read(members, day, content: bytes):
    school = next(iter(members.values())).school
    return earlier_plan_read(school=school, content=content, day=day)


def tables(plan) -> list[list[list[str]]]:
    """The plan's tables per round, each table's names sorted."""
    assert plan.problems == []
    return [[sorted(table) for table in rnd] for rnd in plan.named_rounds]


def day_text(day) -> str:
    return f"{day.day} {day:%B} {day.year}"


# --- 1. a note in the name cell of the layout per person --------------------------------------


@pytest.mark.parametrize("as_csv", [False, True])
def test_a_note_in_the_name_cell_per_person_is_read_as_beside_a_name(members, day, as_csv):
    """ "Lars (ziek)" was "nobody in this team is called “Lars (ziek)”": the whole file was
    refused, although the grid layouts read the same note."""
    rows = [
        ["Naam", "Ronde 1", "Ronde 2"],
        [ANOUK, "1", "2"],
        ["Lars (ziek)", "1", "2"],
        ["Daan van der Berg - later", "2", "1"],
        ["Fatima*", "1", "1"],
        ["Noor Bakker (afwezig)", "2", "2"],
        ["Bram, ziek", "1", "2"],
        ["Eva Visser (niet aanwezig)", "2", ""],
        ["Thijs Smit: kwam om 15.30", "2", "1"],
        ["Lotte, later", "1", "2"],
    ]
    content = csv_bytes(rows) if as_csv else workbook(rows)
    plan = read(members, day, content)
    assert tables(plan) == [
        [[ANOUK, FATIMA, LOTTE], [DAAN, THIJS]],
        [[DAAN, FATIMA, THIJS], [ANOUK, LOTTE]],
    ]
    assert plan.notes == [
        "Row 3: Lars van Dijk was not there (“ziek”), so has no seat in rounds 1, 2.",
        "Row 4: Daan van der Berg is seated; the note “later” is left out.",
        "Row 6: Noor Bakker was not there (“afwezig”), so has no seat in rounds 1, 2.",
        "Row 7: Bram de Jong was not there (“ziek”), so has no seat in rounds 1, 2.",
        "Row 8: Eva Visser was not there (“niet aanwezig”), so has no seat in rounds 1, 2.",
        "Row 9: Thijs Smit is seated; the note “kwam om 15.30” is left out.",
        "Row 10: Lotte Meijer is seated; the note “later” is left out.",
        "Found by first name alone, as one colleague has it: “Fatima*” as Fatima el Amrani, "
        "“Lotte” as Lotte Meijer.",
    ]
    assert plan.absent == 12 - 5


def test_a_note_per_person_with_one_round_and_a_note_beside_a_table(members, day):
    """One round column: the grid's own words; a note in the name cell and one beside a table
    are both read."""
    rows = [
        ["Naam", "Ronde 1", "Ronde 2"],
        [ANOUK, "1", "2"],
        ["Lars van Dijk (later)", "1 (ziek)", "2"],
        ["Vries, Anouk de", "", ""],
    ]
    plan = read(members, day, workbook(rows[:3]))
    assert tables(plan) == [[[ANOUK]], [[ANOUK, LARS]]]
    assert plan.notes == [
        "Row 3: Lars van Dijk is seated; the note “later” is left out.",
        "Row 3: Lars van Dijk was not there (“ziek”), so has no seat in round 1.",
    ]
    plan = read(members, day, workbook([["Naam", "Ronde 1"], [ANOUK, "1"], ["Lars (ziek)", "1"]]))
    assert tables(plan) == [[[ANOUK]]]
    assert plan.notes == ["Row 3: Lars van Dijk was not there (“ziek”), so has no seat in round 1."]


def test_a_guest_and_the_coach_in_the_layout_per_person_are_left_out(members, day, coach):
    rows = [
        ["Naam", "Ronde 1", "Ronde 2"],
        [ANOUK, "1", "2"],
        ["Jan Pieters (gast)", "1", "2"],
        [coach.name, "2", "1"],
        [DAAN, "2", "1"],
    ]
    plan = read(members, day, workbook(rows))
    assert tables(plan) == [[[ANOUK], [DAAN]], [[DAAN], [ANOUK]]]
    assert plan.notes == [
        "Row 3: “Jan Pieters (gast)” is a guest, not in the team, and is left out.",
        f"Row 4: “{coach.name}” is the school's coach, not in the team, and is left out.",
    ]


def test_two_names_with_a_comma_are_no_name_with_a_note(members, day):
    """ "Daan, Bas": Bas is nobody in the team, not a note beside Daan (leaving Bas out would
    lose an encounter without a word); a row of two people is no person."""
    rows = [["Naam", "Ronde 1"], [ANOUK, "1"], ["Daan, Bas", "1"], ["Lars en Noor (later)", "1"]]
    plan = read(members, day, workbook(rows))
    assert plan.problems == [
        "Row 3: nobody in this team is called “Daan, Bas”.",
        "Row 4: nobody in this team is called “Lars en Noor (later)”.",
    ]


def test_the_page_records_someone_noted_absent_per_person_as_absent(
    client, school, steering, members, day
):
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = reverse("sessions_app:session-earlier", args=[school.slug])
    # the steering member is a second Anouk de Vries, in no line: Daan sits at the table
    rows = [["Naam", "Ronde 1", "Ronde 2"], [DAAN, "1", "1"], ["Lars (ziek)", "1", "1"]]
    fields = {
        "title": "Studiedag",
        "date": day.isoformat(),
        "start_time": "15:00",
        "end_time": "16:00",
    }
    preview = client.post(page, {**fields, "file": SimpleUploadedFile("p.xlsx", workbook(rows))})
    assert preview.context["preview"].problems == []
    assert (
        "Row 3: Lars van Dijk was not there (“ziek”), so has no seat in rounds 1, 2."
        in preview.content.decode()
    )
    confirmed = client.post(page, {**fields, "token": preview.context["token"]})
    assert confirmed.status_code == 302
    session = PlenarySession.objects.get()
    seated = set(Seat.objects.filter(round__plan__session=session).values_list("member", flat=True))
    assert seated == {members[DAAN].pk}
    lars = SessionAttendance.objects.get(session=session, member=members[LARS])
    assert lars.absent is True


# --- 2. a first name an active and a departed colleague share ---------------------------------


def _line_of(member):
    return LineMembership.objects.filter(member=member).latest("start").line


def _departed(members, first_name, last_name, *, left_on=None):
    """A colleague in Anouk's line from the year's start who has left the team: their line's
    last day the day before `left_on` (default: yesterday, by deactivating them)."""
    line = _line_of(members[ANOUK])
    gone = MemberFactory(school=line.school, first_name=first_name, last_name=last_name)
    membership_move(member=gone, line=line, start=line.year.start)
    if left_on is not None:
        membership_move(member=gone, line=None, start=left_on)
    member_set_active(member=gone, active=False)
    return gone


def test_a_shared_first_name_is_the_colleague_on_the_team_that_day_departed_before(members, day):
    """Lars Kok left before the session: "Lars" is Lars van Dijk, not "2 colleagues are called
    “Lars”"."""
    _departed(members, "Lars", "Kok", left_on=day - timedelta(days=10))
    rows = [["Tafel 1", "Tafel 2"], ["Lars", ANOUK], [DAAN, "Fatima"]]
    plan = read(members, day, workbook(rows))
    assert tables(plan) == [[[DAAN, LARS], [ANOUK, FATIMA]]]
    assert plan.notes == [
        "Found by first name alone, as one colleague has it: “Fatima” as Fatima el Amrani.",
        f"Found as the one colleague so named who was on the team on {day_text(day)}: “Lars” as "
        "Lars van Dijk.",
    ]


def test_a_shared_first_name_is_the_departed_colleague_when_the_other_joined_later(members, day):
    """Mila Kok was on the team that day and has left since; Mila Bos joined after the session:
    "Mila" is Mila Kok, who is left out as someone who left."""
    _departed(members, "Mila", "Kok")  # left yesterday, after the session
    line = _line_of(members[DAAN])
    mila_bos = MemberFactory(school=line.school, first_name="Mila", last_name="Bos")
    membership_move(member=mila_bos, line=line, start=day + timedelta(days=5))
    rows = [["Naam", "Ronde 1"], [ANOUK, "1"], ["Mila", "1"], [DAAN, "1"]]
    plan = read(members, day, workbook(rows))
    assert tables(plan) == [[[ANOUK, DAAN]]]
    assert plan.notes == [
        "Mila Kok has left the team and is left out.",
        f"Found as the one colleague so named who was on the team on {day_text(day)}: “Mila” as "
        "Mila Kok.",
    ]
    assert mila_bos.pk not in plan.names


def test_a_first_name_two_colleagues_on_the_team_that_day_share_is_refused_with_both(members, day):
    _departed(members, "Lars", "Kok")  # left yesterday: on the team on the session's date
    rows = [["Ronde", "Tafel", "Naam"], ["1", "1", ANOUK], ["1", "1", "Lars"]]
    plan = read(members, day, csv_bytes(rows))
    assert plan.problems == [
        f"Row 3: 2 colleagues called “Lars” were on the team on {day_text(day)} (Lars Kok, "
        "Lars van Dijk): write the e-mail address instead."
    ]
    assert plan.rounds == []


# --- 3. more files as schools write them ---------------------------------------------------------


def test_a_column_of_notes_is_read_as_a_note_beside_the_name(members, day):
    """A column "Opmerking" with "ziek" seated Lars all the same, without a word."""
    rows = [
        ["Naam", "Opmerking", "Ronde 1", "Ronde 2"],
        [ANOUK, "", "1", "2"],
        [LARS, "ziek", "1", "2"],
        [DAAN, "kwam later", "2", "1"],
    ]
    plan = read(members, day, workbook(rows))
    assert tables(plan) == [[[ANOUK], [DAAN]], [[DAAN], [ANOUK]]]
    assert plan.notes == [
        "Row 3: Lars van Dijk was not there (“ziek”), so has no seat in rounds 1, 2.",
        "Row 4: Daan van der Berg is seated; the note “kwam later” is left out.",
    ]
    per_table = [
        ["Ronde", "Tafel", "Naam", "Opmerkingen"],
        ["1", "1", ANOUK, ""],
        ["1", "1", LARS, "afwezig"],
        ["1", "2", DAAN, ""],
    ]
    plan = read(members, day, csv_bytes(per_table))
    assert tables(plan) == [[[ANOUK], [DAAN]]]
    assert plan.notes == [
        "Row 3: Lars van Dijk was not there (“afwezig”), so has no seat in round 1."
    ]


def test_a_note_for_a_row_of_several_people_that_says_someone_was_not_there_is_a_problem(
    members, day
):
    rows = [
        ["Ronde", "Tafel", "Persoon 1", "Persoon 2", "Opmerking"],
        ["1", "1", ANOUK, LARS, "ziek"],
        ["1", "2", DAAN, NOOR, "kwam later"],
    ]
    plan = read(members, day, workbook(rows))
    assert plan.problems == [
        "Row 2: the note “ziek” says someone was not there, but the row names 2 people: write "
        "the note beside the name."
    ]


def test_a_column_that_says_who_was_there(members, day):
    """ "Aanwezig: nee" seated Lars at the tables planned for him."""
    rows = [
        ["Naam", "Aanwezig", "Ronde 1", "Ronde 2"],
        [ANOUK, "ja", "1", "2"],
        [LARS, "nee", "1", "2"],
        [DAAN, "x", "2", "1"],
        [NOOR, "", "2", "1"],
    ]
    plan = read(members, day, workbook(rows))
    assert tables(plan) == [[[ANOUK], [DAAN, NOOR]], [[DAAN, NOOR], [ANOUK]]]
    assert plan.notes == [
        "Row 3: Lars van Dijk was not there (“nee”), so has no seat in rounds 1, 2."
    ]


def test_a_note_beside_the_name_when_the_address_names_the_person(members, day):
    """With an address column the address is looked up: the note in the name cell was lost."""
    lars = members[LARS]
    rows = [
        ["Naam", "E-mailadres", "Ronde 1", "Ronde 2"],
        [ANOUK, members[ANOUK].user.email, "1", "2"],
        [f"{LARS} (ziek)", lars.user.email, "1", "2"],
    ]
    plan = read(members, day, workbook(rows))
    assert tables(plan) == [[[ANOUK]], [[ANOUK]]]
    assert plan.notes == [
        "Row 3: Lars van Dijk was not there (“ziek”), so has no seat in rounds 1, 2."
    ]


def test_a_note_beside_one_name_of_a_list_is_that_name_s(members, day):
    """ "Anouk de Vries, Lars van Dijk (ziek)": Anouk was there; both were left out."""
    rows = [
        ["Tafel 1", "Tafel 2"],
        [f"{ANOUK}, Lars (ziek)", f"{DAAN} en {NOOR} - later"],
        ["Fatima, ziek", EVA],
    ]
    plan = read(members, day, workbook(rows))
    assert tables(plan) == [[[ANOUK], [DAAN, EVA, NOOR]]]
    assert plan.notes == [
        "Sheet “Blad1”, row 2, column A: Lars van Dijk was not there (“ziek”), so has no seat "
        "in round 1.",
        "Sheet “Blad1”, row 2, column B: Noor Bakker is seated; the note “later” is left out.",
        "Sheet “Blad1”, row 3, column A: Fatima el Amrani was not there (“ziek”), so has no "
        "seat in round 1.",
    ]


def test_a_legend_below_the_layout_per_person_is_left_out(members, day):
    rows = [
        ["Naam", "Ronde 1", "Ronde 2"],
        [f"{ANOUK}*", "1", "2"],
        [f"{LARS} *", "1", "2"],
        ["* = kwam later", "", ""],
    ]
    plan = read(members, day, workbook(rows))
    assert tables(plan) == [[[ANOUK, LARS]], [[ANOUK, LARS]]]
    assert plan.notes == ["Not part of a table, so left out: row 4 (“* = kwam later”)."]


def test_tables_and_names_with_odd_spaces_per_person(members, day):
    """Tables as "Tafel 3", "T3", "3", "tafel 03" and "3.0"; names with a trailing space or
    non-breaking spaces, as a copy from a web page has them."""
    rows = [
        ["Naam ", "Ronde\u00a01", "Ronde 2"],
        [f"{ANOUK} ", "Tafel 3", "T1"],
        ["Lars\u00a0van\u00a0Dijk\u00a0", "T3", "1"],
        [f"\u00a0{DAAN}", "3", "tafel 01"],
        [NOOR, "tafel 03", "1.0"],
        [FATIMA, "Tafel 2", "T 2"],
    ]
    plan = read(members, day, workbook(rows))
    assert tables(plan) == [
        [[FATIMA], [ANOUK, DAAN, LARS, NOOR]],
        [[ANOUK, DAAN, LARS, NOOR], [FATIMA]],
    ]
    assert plan.notes == []
