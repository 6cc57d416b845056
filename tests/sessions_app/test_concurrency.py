"""Double submits and two people at once, on PostgreSQL: what a school on phones produces.

Each scenario runs two (or more) requests or service calls in threads, each with its own
database connection (as gunicorn's workers have), started together. Where the outcome would
depend on which thread the scheduler runs first, a `Meet` holds the first thread at the
point where the race matters until the other has got there too, or is waiting for a lock the
first holds (so a guard that serialises the two is not mistaken for a hang). The tests then
check the exact outcome: rows written, what the loser is told, the rules the state keeps.
"""

from __future__ import annotations

import threading
from datetime import time as clock
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from learninglines.models import (
    Attendance,
    MagicLink,
    MagicLinkUse,
    Member,
    OutgoingMail,
    StaffImport,
)
from learninglines.services import imports as imports_service
from learninglines.services.imports import staff_import_create, staff_import_preview
from learninglines.services.links import magic_link_url
from learninglines.services.meetings import meeting_attendance_save, meeting_create
from learninglines.services.signin import magic_link_create
from sessions_app.models import (
    Answer,
    ExchangeParticipant,
    PlanChange,
    Questionnaire,
    Reflection,
    SessionAttendance,
)
from sessions_app.services import attendance as attendance_service
from sessions_app.services.attendance import PresenceData, attendance_save
from sessions_app.services.exchanges import exchange_accept, exchange_start
from sessions_app.services.plans import StalePlan, plan_generate, plan_swap
from sessions_app.services.reflections import (
    AnswerData,
    questionnaire_close,
    questionnaire_open,
    reflection_submit,
)
from tests.concurrency import LANGUAGE_COOKIE, WAIT, Meet, clients_of, meet_after, said, together
from tests.learninglines.test_import_files import DUTCH_HEADERS, csv_file

pytestmark = [
    pytest.mark.postgresql("SQLite serialises all writers, so only PostgreSQL can show the race"),
    pytest.mark.django_db(transaction=True),
]

# --- attendance of a plenary session: two people at the door ---


def test_two_saves_of_one_members_attendance_keep_the_first_and_tell_the_second(
    make_team, make_session, monkeypatch
):
    team = make_team([3, 3, 3])
    session = make_session()
    member = team.members["A"][0]
    # both have read who is there before either writes
    meet_after(monkeypatch, attendance_service, "session_presence")
    absent, late = PresenceData(absent=True), PresenceData(first_round=2)
    results = together(
        lambda: attendance_save(session=session, changes={member.pk: (PresenceData(), absent)}),
        lambda: attendance_save(session=session, changes={member.pk: (PresenceData(), late)}),
    )

    # Both pages showed "there": the first save is written, the second finds the row changed.
    assert sorted(results) == [0, 1]
    row = SessionAttendance.objects.get(session=session, member=member)
    winner, loser = (0, 1) if results[0] == 1 else (1, 0)
    assert (row.absent, row.first_round) == [(True, None), (False, 2)][winner]
    assert results[winner].overtaken == ()
    assert results[loser].overtaken == (member.full_name,)


# --- attendance of a line meeting: two people saving the list ---


def test_two_people_saving_a_meetings_attendance_at_once_both_get_an_answer(make_team, monkeypatch):
    team = make_team([4])
    line = team.lines[0]
    one, two, three, four = (m.pk for m in team.members["A"])
    meeting = meeting_create(
        line=line,
        date=timezone.localdate() - timedelta(days=1),
        start_time=clock(15),
        end_time=clock(16),
        topic="Leesmotivatie",
    )
    everyone = dict.fromkeys((one, two, three, four), "present")
    meeting_attendance_save(meeting=meeting, statuses=everyone)
    meet = Meet()
    upsert = Attendance.objects.bulk_create

    def meet_then_upsert(*args, **kwargs):
        meet.wait()  # both have cleared their rows before either writes the others
        return upsert(*args, **kwargs)

    monkeypatch.setattr(Attendance.objects, "bulk_create", meet_then_upsert)
    # Both saw all four present; one clears the first two ("not known"), the other the last two.
    first = {**everyone, one: "", two: ""}
    second = {**everyone, three: "", four: ""}
    results = together(
        lambda: meeting_attendance_save(meeting=meeting, statuses=first),
        lambda: meeting_attendance_save(meeting=meeting, statuses=second),
    )

    assert results == [2, 2]  # no deadlock, no error: each is saved whole, one after the other
    stored = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"))
    assert stored in ({three: "present", four: "present"}, {one: "present", two: "present"})


# --- the table plan ---


def test_make_the_plan_pressed_twice_makes_one_plan_and_tells_the_second_click(
    steering, make_team, make_session
):
    make_team([3, 3, 3])
    session = make_session()
    url = f"/s/de-regenboog/sessions/{session.pk}/plan/generate/"
    clients = clients_of(steering.user)
    responses = together(*(lambda c=c: c.post(url, {}) for c in clients))

    told = sorted(said(c, r)[0] for c, r in zip(clients, responses, strict=True))
    assert told == [
        "Someone else changed the table plan in the meantime. Here is the plan as it is now; "
        "make your change again if it is still needed.",
        "The table plan is ready: 3 tables, 0 repeated encounters.",
    ]
    kinds = list(PlanChange.objects.filter(plan__session=session).values_list("kind", flat=True))
    assert kinds == [PlanChange.Kind.GENERATE]
    assert session.plan.version == 1


def _seated_once(plan) -> bool:
    for rnd in plan.rounds.all():
        members = list(rnd.seats.values_list("member_id", flat=True))
        if len(members) != len(set(members)):
            return False
    return True


def test_two_changes_of_one_plan_version_at_once_make_one_and_refuse_the_other(
    make_team, make_session
):
    team = make_team([3, 3, 3])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    version = plan.version
    rnd = plan.rounds.get(number=1)
    mover = team.members["A"][0]
    table = rnd.seats.get(member=mover).table
    elsewhere = rnd.seats.exclude(table=table)
    b_member = elsewhere.filter(line=team.lines[1]).first().member_id
    c_member = elsewhere.filter(line=team.lines[2]).first().member_id
    results = together(
        # two steering members swap the same person, each with someone else
        lambda: plan_swap(
            plan=plan, version=version, round_number=1, first=mover.pk, second=b_member
        ),
        lambda: plan_swap(
            plan=plan, version=version, round_number=1, first=mover.pk, second=c_member
        ),
        # and "make the plan again" pressed twice on the same page
        lambda: plan_generate(session=session, version=version),
        lambda: plan_generate(session=session, version=version),
    )

    refused = [r for r in results if isinstance(r, StalePlan)]
    assert len(refused) == 3, results
    assert all(
        r.messages
        == [
            "Someone else changed the table plan in the meantime. Here is the plan as it is "
            "now; make your change again if it is still needed."
        ]
        for r in refused
    )
    plan.refresh_from_db()
    assert plan.version == version + 1
    assert PlanChange.objects.filter(plan=plan).count() == 2  # made, and the one change
    assert _seated_once(plan)


# --- a sign-in link opened on two devices ---


def test_a_sign_in_link_opened_on_two_devices_at_once_signs_in_once(teacher):
    link = magic_link_create(user=teacher.user, purpose=MagicLink.Purpose.SIGN_IN)
    path = magic_link_url(link).removeprefix("https://leerlijnen.test")
    devices = [Client(), Client()]
    for device in devices:
        device.cookies[LANGUAGE_COOKIE] = "en"
    responses = together(*(lambda d=d: d.post(path) for d in devices))

    assert sorted(r.status_code for r in responses) == [302, 410]
    loser = next(r for r in responses if r.status_code == 410)
    assert "This sign-in link was already used" in loser.content.decode()
    assert MagicLinkUse.objects.filter(link=link).count() == 1
    signed_in = [d for d in devices if d.session.get("_auth_user_id") == str(teacher.user.pk)]
    assert len(signed_in) == 1


# --- an exchange invitation accepted in the same second ---


def _group_exchange(team):
    starter, first, second = team.members["A"][0], team.members["B"][0], team.members["C"][0]
    moment = (timezone.localtime() + timedelta(days=2)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )
    exchange = exchange_start(
        initiator=starter,
        invitees=[first, second],
        topic="Vraagkaarten bij het voorlezen",
        kind="visit",
        moments=[moment],
    )
    part = {
        m.pk: ExchangeParticipant.objects.get(exchange=exchange, member=m)
        for m in (starter, first, second)
    }
    return exchange, exchange.moments.get(), starter, first, second, part


def test_an_accept_pressed_twice_accepts_once_and_mails_once(make_team):
    _exchange, moment, starter, first, second, part = _group_exchange(make_team([1, 1, 1]))
    before = OutgoingMail.objects.count()
    results = together(
        lambda: exchange_accept(participant=part[first.pk], moment=moment),
        lambda: exchange_accept(participant=part[first.pk], moment=moment),
    )

    accepted = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert [a.mailed for a in accepted] == [2]
    assert [r.messages for r in refused] == [["You have already accepted."]]
    mails = OutgoingMail.objects.order_by("pk")[before:]
    assert sorted(m.user_id for m in mails) == sorted([starter.user_id, second.user_id])


def test_two_members_accepting_one_moment_at_once_both_take_part(make_team):
    exchange, moment, starter, first, second, part = _group_exchange(make_team([1, 1, 1]))
    before = OutgoingMail.objects.count()
    results = together(
        lambda: exchange_accept(participant=part[first.pk], moment=moment),
        lambda: exchange_accept(participant=part[second.pk], moment=moment),
    )

    assert [r.mailed for r in results] == [2, 2]
    exchange.refresh_from_db()
    assert (exchange.status, exchange.starts_at) == ("agreed", moment.starts_at)
    responses = set(exchange.participants.values_list("response", flat=True))
    assert responses == {ExchangeParticipant.Response.ACCEPTED}
    # each hears once of each other's yes: the starter twice, each invitee once
    mails = OutgoingMail.objects.order_by("pk")[before:]
    assert sorted(m.user_id for m in mails) == sorted(
        [starter.user_id, starter.user_id, first.user_id, second.user_id]
    )


# --- a reflection form closed while teachers submit ---


def test_closing_a_reflection_form_while_members_submit_keeps_nothing_after_the_close(
    make_team, make_session
):
    team = make_team([4, 4, 4])
    questionnaire = questionnaire_open(
        questionnaire=Questionnaire.objects.get(session=make_session())
    )
    learned, _brought, try_out, _talk, useful = questionnaire.questions.order_by("position")
    answers = {
        learned.pk: AnswerData(text="Hoe Rekenen feedback geeft"),
        try_out.pk: AnswerData(text="Exit tickets"),
        useful.pk: AnswerData(value=4),
    }
    members = team.everyone
    early, late = members[:6], members[6:]
    closed = threading.Event()

    def submit(member, *, wait_for_close: bool):
        # the page's request read the form before the steering group pressed "close now"
        form = Questionnaire.objects.get(pk=questionnaire.pk)

        def call():
            if wait_for_close:
                assert closed.wait(WAIT)
            return reflection_submit(questionnaire=form, member=member, answers=answers)

        return call

    def close():
        try:
            return questionnaire_close(questionnaire=questionnaire)
        finally:
            closed.set()

    calls = [submit(m, wait_for_close=False) for m in early]
    calls += [submit(m, wait_for_close=True) for m in late]
    results = together(close, *calls)

    assert not isinstance(results[0], Exception), results[0]
    questionnaire.refresh_from_db()
    stored = [r for r in results[1:] if isinstance(r, Reflection)]
    refused = [r for r in results[1:] if isinstance(r, ValidationError)]
    assert len(stored) + len(refused) == len(members)
    assert {tuple(r.messages) for r in refused} <= {
        ("This reflection form has closed: answers can no longer change.",)
    }
    # whoever submitted after the close is refused; nothing is stored after the closing time
    assert all(isinstance(r, ValidationError) for r in results[1 + len(early) :])
    reflections = Reflection.objects.filter(questionnaire=questionnaire)
    assert reflections.count() == len(stored)
    assert not reflections.filter(submitted_at__gt=questionnaire.closes_at).exists()
    answers_stored = Answer.objects.filter(reflection__questionnaire=questionnaire)
    assert answers_stored.count() == 3 * len(stored)
    assert not answers_stored.filter(updated_at__gt=questionnaire.closes_at).exists()


# --- the staff import confirmed twice ---


def test_a_staff_import_confirmed_twice_imports_once_and_says_so(steering, monkeypatch):
    rows = [
        ["Daan", "van der", "Berg", "daan@school.example", "", ""],
        ["Eva", "", "Smit", "eva@school.example", "", ""],
        ["Fenna", "", "Visser", "fenna@school.example", "", ""],
    ]
    staff_import = staff_import_create(
        school=steering.school,
        by=steering.user,
        file_name="team.csv",
        content=csv_file([DUTCH_HEADERS, *rows]),
    )
    fingerprint = staff_import_preview(
        school=steering.school,
        content=bytes(staff_import.content),
        mapping=staff_import.mapping,
        by=steering.user,
    ).fingerprint
    # both confirmations have read the file before either writes
    meet_after(monkeypatch, imports_service, "staff_import_preview")
    url = f"/s/de-regenboog/team/import/{staff_import.pk}/confirm/"
    clients = clients_of(steering.user)
    responses = together(*(lambda c=c: c.post(url, {"fingerprint": fingerprint}) for c in clients))

    told = sorted(said(c, r)[0] for c, r in zip(clients, responses, strict=True))
    assert told == [
        "Import done: 3 new, 0 updated, 0 unchanged. New team members get no mail yet: invite "
        "them from this page when you are ready.",
        "This upload is no longer here: it was imported, or it is more than a day old. Upload "
        "the file again.",
    ]
    assert Member.objects.filter(school=steering.school).count() == 4  # the steering member + 3
    assert not StaffImport.objects.exists()
