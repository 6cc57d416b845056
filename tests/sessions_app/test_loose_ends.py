"""Four loose ends in sessions_app, each a test that failed before its fix: the earlier session's
upload offers LibreOffice files, the program service refuses a session of an ended school year,
the overview's workbook says what its share of small exchanges is a share of, and the column
"Aanwezig" of an earlier session's plan reads every way of writing no."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from learninglines.services.people import member_set_active
from sessions_app.forms.sessions import EarlierSessionForm
from sessions_app.overview_exports import overview_xlsx
from sessions_app.services.earlier import earlier_plan_read
from sessions_app.services.program import (
    AssignmentData,
    assignment_create,
    assignment_delete,
    assignment_move,
    assignment_update,
)
from tests.sessions_app.conftest import EARLIER_TEAM
from tests.sessions_app.test_overview_numbers import _exchange, _overview

pytestmark = pytest.mark.django_db


# --- 1. the earlier session's upload: .ods too -----------------------------------------------


def test_the_earlier_sessions_upload_offers_libreoffice_files():
    field = EarlierSessionForm().fields["file"]
    accept = field.widget.attrs["accept"].split(",")
    assert ".ods" in accept
    assert "application/vnd.oasis.opendocument.spreadsheet" in accept
    assert [a for a in accept if a in (".xlsx", ".ods", ".csv")] == [".xlsx", ".ods", ".csv"]
    # the staff import's wording (and its translation): the same 2 MB limit
    assert str(field.help_text) == (
        "Een Excel-bestand (.xlsx), een LibreOffice-bestand (.ods) of een CSV-bestand, "
        "hoogstens 2 MB."
    )


def test_a_file_we_cannot_read_names_libreoffice_files_too(school):
    with translation.override("en"):
        plan = earlier_plan_read(
            school=school, content=b"\x00\x01garbage\x02", day=datetime(2026, 10, 1).date()
        )
    assert plan.problems == [
        "This file is not a spreadsheet we can read. Upload an Excel file (.xlsx), a LibreOffice "
        "file (.ods) or a CSV file; in Excel choose Save as and pick one of these."
    ]


# --- 2. the program service: a session of an ended school year --------------------------------


def test_the_program_service_refuses_a_session_of_a_school_year_that_has_ended(make_session):
    session = make_session()
    first, second = session.assignments.order_by("position")[:2]
    program = [(a.pk, a.title, a.position) for a in session.assignments.order_by("position")]
    ended = datetime.combine(
        session.year.end + timedelta(days=1), datetime.min.time(), ZoneInfo("Europe/Amsterdam")
    ).replace(hour=10)
    data = AssignmentData("Nog eentje", "", 10, None)
    refusal = "Dit schooljaar is voorbij: de bijeenkomsten kun je alleen nog lezen."
    with time_machine.travel(ended, tick=False):
        session.refresh_from_db()
        calls = [
            lambda: assignment_create(session=session, data=data),
            lambda: assignment_update(assignment=first, data=data),
            lambda: assignment_delete(assignment=second),
            lambda: assignment_move(assignment=second, direction="up"),
        ]
        for call in calls:
            with pytest.raises(ValidationError) as refused:
                call()
            assert refused.value.messages == [refusal]
    assert [(a.pk, a.title, a.position) for a in session.assignments.order_by("position")] == (
        program
    )


def test_the_program_service_still_changes_a_session_of_this_year(make_session):
    session = make_session()
    added = assignment_create(session=session, data=AssignmentData("Nog eentje", "", 10, None))
    assert (added.title, added.position) == ("Nog eentje", 7)


# --- 3. the overview's workbook: a share of what ---------------------------------------------


def test_the_workbook_says_what_the_share_of_small_exchanges_is_a_share_of(make_team):
    """As the page: 2 of the 3 team members in a learning line (67 %) started or joined one."""
    team = make_team([2, 2])
    a1, a2 = team.members["A"]
    b1, b2 = team.members["B"]
    _exchange(a1, [b1, b2], accept=[b1])
    member_set_active(member=a2, active=False)
    overview = _overview(team)
    with translation.override("en"):
        content = overview_xlsx(overview, person_level=False)
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Small exchanges"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[:4] == [
        ["Item", "Count"],
        ["Team members in a learning line", 3],
        ["Team members in a learning line who started or joined a small exchange", 2],
        ["Share of the team members in a learning line who started or joined a small exchange", 67],
    ]
    assert sheet["B4"].number_format == '0" %"'


# --- 4. the column "Aanwezig" of an earlier session's plan -------------------------------------

ANOUK, DAAN, FATIMA, SANNE, LARS, *_others = (
    " ".join(part for part in name if part) for name in EARLIER_TEAM
)


def _plan_with_lars_present(members, day, says: str):
    rows = [
        ["Naam", "Aanwezig", "Ronde 1", "Ronde 2"],
        [ANOUK, "ja", "1", "2"],
        [LARS, says, "1", "2"],
    ]
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    school = next(iter(members.values())).school
    with translation.override("en"):
        return earlier_plan_read(school=school, content=out.getvalue(), day=day)


YES = ["ja", "j", "x", "✓", "1", "yes", "y", "aanwezig", "", "Ja", "X", "✔"]
NO = ["nee", "n", "0", "no", "-", "✗", "afwezig", "afw", "ziek", "N", "Nee", "\u2013", "✘", "❌"]


@pytest.mark.parametrize("says", YES)
def test_a_yes_in_the_column_aanwezig_seats_the_person(members, day, says):
    plan = _plan_with_lars_present(members, day, says)
    assert plan.problems == []
    assert [[sorted(table) for table in rnd] for rnd in plan.named_rounds] == [
        [[ANOUK, LARS]],
        [[ANOUK, LARS]],
    ]
    assert plan.notes == []


@pytest.mark.parametrize("says", NO)
def test_a_no_in_the_column_aanwezig_seats_the_person_nowhere(members, day, says):
    plan = _plan_with_lars_present(members, day, says)
    assert plan.problems == []
    assert [[sorted(table) for table in rnd] for rnd in plan.named_rounds] == [
        [[ANOUK]],
        [[ANOUK]],
    ]
    assert plan.notes == [
        f"Row 3: Lars van Dijk was not there (“{says}”), so has no seat in rounds 1, 2."
    ]


def test_another_word_in_the_column_aanwezig_is_a_note_and_seats_the_person(members, day):
    plan = _plan_with_lars_present(members, day, "kwam later")
    assert [[sorted(table) for table in rnd] for rnd in plan.named_rounds] == [
        [[ANOUK, LARS]],
        [[ANOUK, LARS]],
    ]
    assert plan.notes == ["Row 3: Lars van Dijk is seated; the note “kwam later” is left out."]
