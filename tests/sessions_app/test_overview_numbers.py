"""Figures of the overview, the results page and their files, on small hand-made schools.

Found by recomputing every figure from the stored rows on random schools: each test is one
figure that was wrong for some school, with the number a steering group should read.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from learninglines.services.lines import line_archive
from learninglines.services.people import member_set_active
from learninglines.services.privacy import member_erase
from sessions_app.models import ExchangeParticipant, PlanRound
from sessions_app.overview_exports import overview_csv
from sessions_app.selectors.overview import OverviewFilter, school_overview
from sessions_app.selectors.reflections import questionnaire_results
from sessions_app.services.attendance import PresenceData, attendance_save
from sessions_app.services.exchanges import (
    exchange_accept,
    exchange_mark_held,
    exchange_note,
    exchange_start,
)
from sessions_app.services.plans import plan_generate
from sessions_app.services.reflections import (
    AnswerData,
    questionnaire_open,
    reflection_submit,
)
from sessions_app.services.sessions import session_hold

pytestmark = pytest.mark.django_db


def _overview(team, **filters):
    return school_overview(
        school=team.year.school, filters=OverviewFilter(year=team.year, **filters)
    )


def _part(exchange, member) -> ExchangeParticipant:
    return ExchangeParticipant.objects.get(exchange=exchange, member=member)


def _exchange(initiator, invitees, *, accept, held=True):
    """An exchange arranged by its participants; `accept` say yes, then it is held."""
    exchange = exchange_start(
        initiator=initiator,
        invitees=invitees,
        topic="Vraagkaarten",
        kind="visit",
        moments=[],
        self_arranged=True,
    )
    for member in accept:
        exchange_accept(participant=_part(exchange, member))
    if held:
        exchange_mark_held(participant=_part(exchange, initiator), held=True)
    return exchange


def _held_session(team, make_session, days_ago=7):
    today = timezone.localdate()
    session = make_session(days=(today - team.year.start).days - days_ago)
    plan_generate(session=session, seed=0)
    return session


# --- small exchanges ---


def test_the_share_of_small_exchanges_counts_who_took_part_of_this_team(make_team):
    """a1 invited b1 and b2; b1 accepted and b2 never answered. a2 and b1 held one too, and a2
    has left since. Of today's 3 members a1 and b1 took part: 67 %, not 4 of 3 (133 %)."""
    team = make_team([2, 2])
    a1, a2 = team.members["A"]
    b1, b2 = team.members["B"]
    _exchange(a1, [b1, b2], accept=[b1])
    _exchange(a2, [b1], accept=[b1])
    member_set_active(member=a2, active=False)

    exchanges = _overview(team).exchanges

    assert (exchanges.took_part, exchanges.members, exchanges.share) == (2, 3, 67)


def test_a_date_range_leaves_out_exchanges_started_after_it(make_team):
    """An exchange started today and not held yet is no part of a range that ended last week."""
    team = make_team([2, 2])
    a1 = team.members["A"][0]
    b1 = team.members["B"][0]
    _exchange(a1, [b1], accept=[b1], held=False)
    today = timezone.localdate()

    assert _overview(team).exchanges.took_part == 2
    earlier = _overview(team, start=team.year.start, end=today - timedelta(days=7))
    assert (earlier.exchanges.took_part, earlier.exchanges.share) == (0, 0)


def test_took_from_a_line_stays_counted_when_a_note_is_erased(make_team):
    """Three notes took something from line A; erasing b3 blanks their text, not the count
    (docs/privacy.md: "the 'took from line' count stays")."""
    team = make_team([1, 3])
    a1 = team.members["A"][0]
    line_a = team.lines[0]
    for partner in team.members["B"]:
        exchange = _exchange(a1, [partner], accept=[partner])
        exchange_note(
            participant=_part(exchange, partner),
            brought="",
            took="Hun vraagkaarten",
            took_from=line_a,
            sharing="private",
        )
    assert _overview(team).exchanges.took_from == {line_a.pk: 3}

    erased = team.members["B"][2]
    member_set_active(member=erased, active=False)
    member_erase(member=erased, by=None)

    assert _part(exchange, erased).took == ""
    assert _overview(team).exchanges.took_from == {line_a.pk: 3}


# --- sessions ---


def test_a_session_everyone_missed_keeps_its_rounds(make_team, make_session):
    """Nobody came: 0 present of a session of 2 rounds (the plan's), not 0 rounds."""
    team = make_team([2, 2, 2])
    session = _held_session(team, make_session)
    rounds = PlanRound.objects.filter(plan__session=session).count()
    absent = PresenceData(absent=True)
    attendance_save(
        session=session, changes={member.pk: (PresenceData(), absent) for member in team.everyone}
    )
    session_hold(session=session, today=timezone.localdate())

    row = _overview(team).sessions[0]

    assert rounds == 2
    assert (row.present, row.rounds, row.asked, row.answered) == (0, 2, 0, 0)
    sessions_part = overview_csv(_overview(team)).decode("utf-8-sig").split("\r\n\r\n")[2]
    assert sessions_part.splitlines()[1].split(";")[2:4] == ["0", "2"]


# --- reflection results ---


def test_results_count_who_was_asked_in_a_line_archived_since(make_team, make_session):
    """Lines A, B and C of 2 were all asked at last week's session; a1 and c1 answered. Line C
    is archived today: the results still say 2 of 6 (33 %), as the overview does, not 2 of 5."""
    team = make_team([2, 2, 2])
    session = _held_session(team, make_session)
    session_hold(session=session, today=timezone.localdate())
    form = session.questionnaire
    form = questionnaire_open(questionnaire=form)
    answers = {
        question.pk: AnswerData(value=4) if question.kind == "scale" else AnswerData(text="Veel")
        for question in form.questions.all()
    }
    for member in (team.members["A"][0], team.members["C"][0]):
        reflection_submit(questionnaire=form, member=member, answers=answers)
    line_archive(line=team.lines[2])

    results = questionnaire_results(questionnaire=form)
    only_c = questionnaire_results(questionnaire=form, line=team.lines[2])
    row = _overview(team).sessions[0]

    assert (results.asked, results.submitted, results.rate) == (6, 2, 33)
    assert (only_c.asked, only_c.submitted) == (2, 1)
    assert (row.asked, row.answered, row.response_rate) == (6, 2, 33)
