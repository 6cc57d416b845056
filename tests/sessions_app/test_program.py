"""Sessions and their program: the method's default, reordering, templates, running over."""

from datetime import time, timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from learninglines.services.people import school_year_ensure_current
from sessions_app.models import PlenarySession
from sessions_app.selectors.sessions import session_program
from sessions_app.services.program import (
    AssignmentData,
    assignment_create,
    assignment_delete,
    assignment_move,
    assignment_update,
    program_save_as_template,
)
from sessions_app.services.sessions import session_create, session_delete, session_update
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

DUTCH_PROGRAM = [
    ("Kennismaken", 1, 10),
    ("Vertel over je leerlijn", 1, 30),
    ("Kennismaken", 2, 5),
    ("Vertel over je leerlijn", 2, 25),
    ("Wat neem ik mee?", 2, 10),
    ("Reflectie", None, 15),
]


def program_of(session):
    return [
        (a.title, a.table_round, a.duration_minutes)
        for a in session.assignments.order_by("position")
    ]


def test_a_new_session_starts_with_the_methods_program_in_the_schools_language(make_session):
    with translation.override("en"):  # the visitor reads English; the school speaks Dutch
        session = make_session()
    assert program_of(session) == DUTCH_PROGRAM
    tell = session.assignments.get(position=2)
    assert tell.instructions.startswith(
        "Om de beurt vertelt ieder: hoe ziet je leerlijn eruit, wat heb je geleerd, wat deed het "
        "voor je leerlingen? De anderen vragen door"
    )
    program = session_program(session=session)
    assert (program.rounds, program.total_minutes, program.available_minutes) == (2, 95, 105)
    assert program.over_minutes == 0
    assert [(i.starts, i.ends) for i in program.items][:2] == [
        (time(15, 0), time(15, 10)),
        (time(15, 10), time(15, 40)),
    ]


def test_an_english_school_gets_the_program_in_english(make_session):
    school = SchoolFactory(slug="the-oak", language="en")
    session = make_session(of=school)
    assert [a.title for a in session.assignments.order_by("position")] == [
        "Getting to know each other",
        "Talk about your learning line",
        "Getting to know each other",
        "Talk about your learning line",
        "What do I take with me?",
        "Reflection",
    ]


def test_the_page_says_when_the_program_runs_past_the_end_time(make_session, client, steering):
    session = make_session(end_time=time(16, 20))  # 80 minutes for 95 minutes of program
    assert session_program(session=session).over_minutes == 15
    client.force_login(steering.user)
    url = reverse("sessions_app:session-detail", args=[session.school.slug, session.pk])
    warning = "Het programma loopt 15 minuten uit. Maak een opdracht korter of eindig later."
    assert warning in " ".join(unescape(client.get(url).content.decode()).split())
    # once held, the program is read-only: advice to shorten it would be advice nobody can take
    PlenarySession.objects.filter(pk=session.pk).update(status=PlenarySession.Status.HELD)
    assert "Het programma loopt" not in client.get(url).content.decode()


def test_assignments_move_up_and_down(make_session):
    session = make_session()
    reflection = session.assignments.get(title="Reflectie")
    assignment_move(assignment=reflection, direction="up")
    assignment_move(assignment=reflection, direction="up")
    assert [t for t, _r, _m in program_of(session)] == [
        "Kennismaken",
        "Vertel over je leerlijn",
        "Kennismaken",
        "Reflectie",
        "Vertel over je leerlijn",
        "Wat neem ik mee?",
    ]
    first = session.assignments.get(position=1)
    assignment_move(assignment=first, direction="up")  # already first: nothing changes
    assert session.assignments.get(position=1).pk == first.pk
    with pytest.raises(ValidationError):
        assignment_move(assignment=first, direction="sideways")


def test_rounds_are_renumbered_without_gaps(make_session):
    session = make_session()
    for assignment in session.assignments.filter(table_round=1):
        assignment_delete(assignment=assignment)
    assert program_of(session) == [
        ("Kennismaken", 1, 5),
        ("Vertel over je leerlijn", 1, 25),
        ("Wat neem ik mee?", 1, 10),
        ("Reflectie", None, 15),
    ]
    added = assignment_create(
        session=session,
        data=AssignmentData("Pauze", "", 10, 3),  # "a new round" past the last is round 2
    )
    assert (added.position, added.table_round) == (5, 2)
    assert session_program(session=session).rounds == 2


def test_round_numbers_follow_the_program_order(make_session):
    """Moving round 2's first assignment above round 1's makes it round 1: the projector and
    the phones count rounds in the order they happen."""
    session = make_session()
    second_start = session.assignments.get(position=3)  # "Kennismaken", round 2
    assignment_move(assignment=second_start, direction="up")
    assignment_move(assignment=second_start, direction="up")
    assert program_of(session) == [
        ("Kennismaken", 1, 5),
        ("Kennismaken", 2, 10),
        ("Vertel over je leerlijn", 2, 30),
        ("Vertel over je leerlijn", 1, 25),
        ("Wat neem ik mee?", 1, 10),
        ("Reflectie", None, 15),
    ]
    assert session_program(session=session).rounds == 2


def test_an_assignment_is_changed_and_checked(make_session):
    session = make_session()
    assignment = session.assignments.get(title="Reflectie")
    assignment_update(
        assignment=assignment, data=AssignmentData("  Reflectie en koffie ", "Samen", 20, None)
    )
    assignment.refresh_from_db()
    assert (assignment.title, assignment.duration_minutes, assignment.table_round) == (
        "Reflectie en koffie",
        20,
        None,
    )
    for data, field in [
        (AssignmentData(" ", "", 10, None), "title"),
        (AssignmentData("Iets", "", 0, None), "duration_minutes"),
        (AssignmentData("Iets", "", 10, 13), "table_round"),
    ]:
        with pytest.raises(ValidationError) as refused:
            assignment_update(assignment=assignment, data=data)
        assert list(refused.value.message_dict) == [field]


def test_a_saved_program_starts_the_next_session(make_session):
    session = make_session()
    assignment_delete(assignment=session.assignments.get(title="Wat neem ik mee?"))
    program_save_as_template(session=session, by=None)
    assert program_of(make_session(days=80)) == [
        ("Kennismaken", 1, 10),
        ("Vertel over je leerlijn", 1, 30),
        ("Kennismaken", 2, 5),
        ("Vertel over je leerlijn", 2, 25),
        ("Reflectie", None, 15),
    ]


def test_the_new_session_page_names_the_program_it_starts_with(
    client, settings, steering, make_session
):
    """Once the school saved its own program, planning a session says so, not "the method's"."""
    # the middleware activates English for the thread: restore the language afterwards
    with translation.override(translation.get_language()):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(steering.user)
        url = "/s/de-regenboog/sessions/create/"
        year = school_year_ensure_current(school=steering.school)
        fields = {"title": "Voorjaar", "start_time": "15:00", "end_time": "16:45"}
        page = unescape(client.get(url).content.decode())
        assert "starts with the method's program" in page
        session = make_session()
        program_save_as_template(session=session, by=None)
        page = unescape(client.get(url).content.decode())
        assert "starts with your school's own program" in page
        assert "the method's program" not in page
        date = year.start + timedelta(days=90)
        response = client.post(url, {**fields, "date": date.isoformat()}, follow=True)
        page = unescape(response.content.decode())
        assert "planned with your school's own program" in page
        assert "the method's program" not in page


def test_a_held_session_keeps_its_program_and_cannot_be_removed(make_session):
    session = make_session()
    PlenarySession.objects.filter(pk=session.pk).update(status=PlenarySession.Status.HELD)
    session.refresh_from_db()
    with pytest.raises(ValidationError, match="gehouden"):
        assignment_delete(assignment=session.assignments.first())
    with pytest.raises(ValidationError, match="gehouden"):
        session_update(session=session, title="Anders")
    with pytest.raises(ValidationError, match="concept"):
        session_delete(session=session)


def test_a_session_falls_in_a_school_year_and_ends_after_it_starts(school):
    year = school_year_ensure_current(school=school)
    with pytest.raises(ValidationError) as refused:
        session_create(
            school=school,
            title="Te laat",
            date=year.end + timedelta(days=1),
            start_time=time(15),
            end_time=time(16),
        )
    assert refused.value.message_dict == {
        "date": ["Er is nog geen schooljaar voor deze datum. Open eerst het schooljaar."]
    }
    with pytest.raises(ValidationError) as refused:
        session_create(
            school=school,
            title="Omgekeerd",
            date=year.start,
            start_time=time(16),
            end_time=time(15),
        )
    assert refused.value.message_dict == {
        "end_time": ["De bijeenkomst moet eindigen na het begin."]
    }
    assert not PlenarySession.objects.exists()


def test_a_draft_is_removed_with_its_program(make_session):
    session = make_session()
    session_delete(session=session)
    assert not PlenarySession.objects.exists()
