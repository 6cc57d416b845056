"""A school along the time axis: its first year, the turn of the year, the summer in between.

A school starts on 20 August 2025 (year 2025-2026: 1 August to 31 July), has lines A, B and C of
four, three line meetings each, two plenary sessions; the next year is opened in June 2026 and
the clock runs on over 31 July and 1 August. Everything goes through the services (and the
test client for pages), the clock moved with time-machine.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from learninglines.models import LearningLine, LineMembership, LogEntry, Member, School, SchoolYear
from learninglines.selectors.lines import cycle_progress, member_current_lines, team_facts
from learninglines.services.journal import log_entry_create
from learninglines.services.lines import line_create, membership_move, school_year_open_next
from learninglines.services.meetings import meeting_create
from learninglines.services.people import (
    coach_assign,
    member_add,
    member_set_active,
    school_create,
)
from learninglines.services.privacy import retention_apply
from sessions_app.models import PlenarySession, Questionnaire
from sessions_app.selectors.coach import coach_overview
from sessions_app.selectors.overview import OverviewFilter, school_overview
from sessions_app.selectors.plans import plan_history
from sessions_app.selectors.reflections import questionnaire_results
from sessions_app.services.plans import plan_generate
from sessions_app.services.reflections import (
    AnswerData,
    questionnaire_close,
    questionnaire_open,
    reflection_submit,
)
from sessions_app.services.sessions import session_create, session_hold

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=AMSTERDAM)


@dataclass
class FirstYear:
    school: School
    year: SchoolYear
    lines: list[LearningLine]
    members: list[Member]  # a0 b0 c0 a1 b1 c1 ...: members[i] is in line i % 3
    steering: Member
    coach: object


def _first_year() -> FirstYear:
    """A school made on 20 August 2025 with lines A, B, C of four and three meetings each."""
    setup = school_create(
        name="De Linde",
        steering_email="stuur@linde.example",
        first_name="Stien",
        last_name="Stuur",
        send_invite=False,
    )
    school = setup.school
    year = SchoolYear.objects.get(school=school)
    lines = [line_create(school=school, year=year, name=n) for n in ("Lezen", "Rekenen", "Spel")]
    members = []
    for i in range(12):
        member, _created = member_add(
            school=school, email=f"t{i}@linde.example", first_name=f"T{i}", last_name=f"L{i}"
        )
        membership_move(member=member, line=lines[i % 3], start=year.start)
        members.append(member)
    for line in lines:
        for day in (date(2025, 9, 3), date(2025, 9, 17), date(2025, 10, 1)):
            meeting_create(
                line=line, date=day, start_time=time(15), end_time=time(16), topic="Samen"
            )
    coach, _created = coach_assign(school=school, email="coach@linde.example", send_invite=False)
    return FirstYear(school, year, lines, members, setup.steering, coach.user)


def _answers(questionnaire: Questionnaire) -> dict[int, AnswerData]:
    answers = {}
    for question in questionnaire.questions.all():
        if question.kind == "scale":
            answers[question.pk] = AnswerData(value=4)
        elif question.has_choices:
            answers[question.pk] = AnswerData(selected=(0,))
        else:
            answers[question.pk] = AnswerData(text="Iets geleerd", took="Iets gehaald")
    return answers


def _held_plenary(world: FirstYear, day: date, title: str = "Plenair") -> PlenarySession:
    session = session_create(
        school=world.school, title=title, date=day, start_time=time(15), end_time=time(16, 45)
    )
    plan_generate(session=session, seed=0)
    session_hold(session=session)
    return session


@pytest.fixture
def clock():
    with time_machine.travel(_at(date(2025, 8, 20)), tick=False) as traveller:
        yield traveller


# --- 1. the first year ---


def test_the_first_year_counts_its_own_encounters_and_prompts_the_plenary(clock):
    world = _first_year()
    clock.move_to(_at(date(2025, 10, 2)))
    progress = cycle_progress(school=world.school, year=world.year)
    assert progress.all_reached
    assert [item.held for item in progress.lines] == [3, 3, 3]
    clock.move_to(_at(date(2025, 10, 8), 17))
    first = _held_plenary(world, date(2025, 10, 8), "Eerste")
    # holding it starts a new cycle: no line has met since
    world.year.refresh_from_db()
    assert world.year.cycle_started_on == date(2025, 10, 8)
    assert not cycle_progress(school=world.school, year=world.year).all_reached
    second = session_create(
        school=world.school,
        title="Tweede",
        date=date(2025, 11, 12),
        start_time=time(15),
        end_time=time(16, 45),
    )
    plan = plan_generate(session=second, seed=0)
    rounds = first.plan.rounds.count()
    assert len(plan_history(session=second)) == rounds
    # 12 people at tables of 3 in a few rounds: the second plenary repeats nothing of the first
    assert (plan.report["repeats"], plan.report["repeats_history"]) == (0, 0)


def test_a_plenary_in_the_first_week_of_the_next_year_starts_without_history(clock):
    world = _first_year()
    clock.move_to(_at(date(2026, 6, 10), 17))
    held = _held_plenary(world, date(2026, 6, 10))
    school_year_open_next(
        school=world.school,
        copy_line_ids={line.pk for line in world.lines},
        carry_member_line_ids={line.pk for line in world.lines},
    )
    clock.move_to(_at(date(2026, 8, 3)))
    new = session_create(
        school=world.school,
        title="Start",
        date=date(2026, 8, 5),
        start_time=time(15),
        end_time=time(16, 45),
    )
    assert new.year.name == "2026-2027"
    plan = plan_generate(session=new, seed=0)
    assert plan_history(session=new) == []
    assert plan.report["repeats_history"] == 0
    # the new plan seats the new year's lines, never last year's
    assert set(plan.rounds.first().seats.values_list("line__year", flat=True)) == {new.year_id}
    assert held.year_id != new.year_id


# --- 2. the turn of the year ---


def test_opening_the_next_year_ends_the_old_lines_so_the_uncarried_are_in_no_line(clock):
    """Lines A and B are carried over, C is copied without its members: from 1 August the four
    of C are in no line (before: still in last year's C, counted as placed and shown in it)."""
    world = _first_year()
    clock.move_to(_at(date(2026, 6, 15)))
    a, b, c = world.lines
    new_year = school_year_open_next(
        school=world.school,
        copy_line_ids={a.pk, b.pk, c.pk},
        carry_member_line_ids={a.pk, b.pk},
    )
    clock.move_to(_at(date(2026, 8, 3)))
    of_c = [m.pk for m in world.members[2::3]]
    current = member_current_lines(school=world.school)
    assert not set(of_c) & set(current)
    assert {line.year_id for line in current.values()} == {new_year.pk}
    facts = team_facts(school=world.school)
    assert (facts.active, facts.in_no_line) == (13, 5)  # C's four and the steering member
    assert set(
        LineMembership.objects.filter(line__year=world.year).values_list("end", flat=True)
    ) == {world.year.end}


def test_a_move_in_the_old_year_after_the_next_is_open_keeps_the_next_years_place(clock):
    world = _first_year()
    clock.move_to(_at(date(2026, 6, 15)))
    a, b, _c = world.lines
    new_year = school_year_open_next(
        school=world.school, copy_line_ids={a.pk, b.pk}, carry_member_line_ids={a.pk, b.pk}
    )
    new_a = new_year.lines.get(letter="A")
    moved = world.members[0]  # in A, carried to next year's A
    membership_move(member=moved, line=b, start=date(2026, 6, 20))
    places = list(
        LineMembership.objects.filter(member=moved)
        .order_by("start")
        .values_list("line_id", "start", "end")
    )
    assert places == [
        (a.pk, world.year.start, date(2026, 6, 19)),
        (b.pk, date(2026, 6, 20), world.year.end),
        (new_a.pk, new_year.start, None),
    ]


def test_the_turn_moves_leaves_and_keeps_one_year_per_membership(clock):
    """A member who leaves at the end of the year, one who moves line at the turn."""
    world = _first_year()
    clock.move_to(_at(date(2026, 6, 15)))
    new_year = school_year_open_next(
        school=world.school,
        copy_line_ids={line.pk for line in world.lines},
        carry_member_line_ids={line.pk for line in world.lines},
    )
    leaver, mover = world.members[0], world.members[1]
    clock.move_to(_at(date(2026, 7, 31)))
    member_set_active(member=leaver, active=False)
    clock.move_to(_at(date(2026, 8, 1)))
    new_c = new_year.lines.get(letter="C")
    membership_move(member=mover, line=new_c, start=new_year.start)
    current = member_current_lines(school=world.school)
    assert leaver.pk not in current
    assert current[mover.pk] == new_c
    assert not LineMembership.objects.filter(member=leaver, line__year=new_year).exists()
    assert (
        LineMembership.objects.filter(member=mover, line__year=world.year).get().end
        == world.year.end
    )


def test_a_leaver_who_answered_keeps_the_response_rate_at_or_below_100(clock):
    """All 12 answer the first plenary's form; one leaves at the end of the year. The rate of
    that session stays 12 of 12 (before: 12 answers of 11 asked, 109 %)."""
    world = _first_year()
    clock.move_to(_at(date(2025, 10, 8), 17))
    session = _held_plenary(world, date(2025, 10, 8))
    questionnaire = questionnaire_open(questionnaire=session.questionnaire)
    for member in world.members:
        reflection_submit(
            questionnaire=questionnaire, member=member, answers=_answers(questionnaire)
        )
    clock.move_to(_at(date(2025, 10, 10)))
    questionnaire_close(questionnaire=questionnaire)
    clock.move_to(_at(date(2026, 7, 31)))
    member_set_active(member=world.members[0], active=False)
    results = questionnaire_results(questionnaire=Questionnaire.objects.get(pk=questionnaire.pk))
    assert (results.asked, results.submitted, results.rate) == (12, 12, 100)
    row = school_overview(school=world.school, filters=OverviewFilter(year=world.year)).sessions[0]
    assert (row.asked, row.answered, row.response_rate) == (12, 12, 100)
    status = coach_overview(user=world.coach)[0]
    assert (status.asked, status.answered, status.response_rate) == (12, 12, 100)
    # with a line filter: line A's four (the leaver among them)
    line_a = OverviewFilter(year=world.year, line=world.lines[0])
    row = school_overview(school=world.school, filters=line_a).sessions[0]
    assert (row.asked, row.answered) == (4, 4)


def test_retention_of_the_first_year_keeps_the_next_years_texts(clock):
    world = _first_year()
    author = world.members[1]
    clock.move_to(_at(date(2026, 6, 15)))
    old_entry = log_entry_create(author=author, date=date(2026, 6, 15), tried="Oud")
    new_year = school_year_open_next(
        school=world.school,
        copy_line_ids={line.pk for line in world.lines},
        carry_member_line_ids={line.pk for line in world.lines},
    )
    clock.move_to(_at(date(2026, 8, 3)))
    new_entry = log_entry_create(author=author, date=date(2026, 8, 1), tried="Nieuw")
    # 2025-2026 goes on 1 August 2028; the notice a month before, once
    assert retention_apply(now=_at(date(2028, 7, 1), 3)).notified == 0
    assert retention_apply(now=_at(date(2028, 7, 2), 3)).notified == 1
    assert retention_apply(now=_at(date(2028, 7, 3), 3)).notified == 0
    done = retention_apply(now=_at(date(2028, 8, 1), 3))
    assert [year.pk for year in done.years] == [world.year.pk]
    old_entry.refresh_from_db()
    new_entry.refresh_from_db()
    assert (old_entry.tried, new_entry.tried) == ("", "Nieuw")
    new_year.refresh_from_db()
    assert new_year.retention_notified_at is None
    assert LogEntry.objects.filter(author=author).count() == 2


# --- 3. gaps: a summer without the next year, a year opened late ---


PAGES = [
    "/s/{s}/",
    "/s/{s}/lines/",
    "/s/{s}/years/",
    "/s/{s}/team/",
    "/s/{s}/team/?line=none",
    "/s/{s}/meetings/",
    "/s/{s}/log/",
    "/s/{s}/calendar/",
    "/s/{s}/sessions/",
    "/s/{s}/sessions/create/",
    "/s/{s}/overview/",
    "/s/{s}/reflections/",
    "/s/{s}/ambition/",
    "/s/{s}/exchanges/",
    "/me/data/",
    "/coach/",
]


def test_on_1_august_without_a_next_year_no_page_fails_and_nobody_sees_last_years_line(
    clock, client
):
    world = _first_year()
    clock.move_to(_at(date(2026, 8, 1)))  # a Saturday, and no 2026-2027 yet
    for user in (world.steering.user, world.members[1].user, world.coach):
        client.force_login(user)
        for page in PAGES:
            response = client.get(page.format(s=world.school.slug))
            assert response.status_code in (200, 302, 403, 404), page
    client.force_login(world.members[1].user)
    page = client.get(f"/s/{world.school.slug}/")
    assert page.context["my_line"] is None  # before: last year's Rekenen, as "your line"
    assert "Je zit nog niet in een leerlijn" in page.content.decode()
    client.force_login(world.steering.user)
    page = client.get(f"/s/{world.school.slug}/")
    assert page.context["year"] is None
    assert page.context["team"].in_no_line == 13
    assert "Er is geen schooljaar voor vandaag" in page.content.decode()


def test_a_year_opened_late_starts_on_1_august_and_counts_its_cycle_from_there(clock, client):
    world = _first_year()
    clock.move_to(_at(date(2026, 10, 12)))
    new_year = school_year_open_next(
        school=world.school,
        copy_line_ids={line.pk for line in world.lines},
        carry_member_line_ids={line.pk for line in world.lines},
    )
    assert (new_year.start, new_year.cycle_started_on) == (date(2026, 8, 1), date(2026, 8, 1))
    progress = cycle_progress(school=world.school, year=new_year)
    assert [item.held for item in progress.lines] == [0, 0, 0]
    assert team_facts(school=world.school).in_no_line == 1  # the steering member
    client.force_login(world.members[1].user)
    page = client.get(f"/s/{world.school.slug}/")
    assert page.context["my_line"].year_id == new_year.pk
