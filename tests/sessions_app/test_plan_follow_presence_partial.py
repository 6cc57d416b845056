"""Attendance changes while one round cannot follow it (a locked table holds someone now absent):
the other rounds follow all the same, the round left as it was stays named for "re-plan this
round", and the plan's numbers say they count that round as it is seated."""

import re
from collections import Counter
from itertools import combinations

import pytest
from django.conf import settings

from learninglines.services.lines import membership_move
from sessions_app.models import PlanChange, PlanTable, Seat, TablePlan
from sessions_app.selectors.board import plan_board
from sessions_app.selectors.sessions import rounds_off_presence, session_presence
from sessions_app.services.attendance import PresenceData, attendance_save
from sessions_app.services.plans import (
    plan_generate,
    plan_lock,
    plan_repair_round,
    plan_undo,
)
from sessions_app.services.program import AssignmentData, assignment_create
from tests.factories import MemberFactory
from tests.sessions_app.test_plan_audit_fixes import stored

pytestmark = pytest.mark.django_db

AS_SEATED = "rounds_counted_as_seated"


def seat_rounds(plan: TablePlan, member) -> list[int]:
    return list(
        Seat.objects.filter(round__plan=plan, member=member)
        .order_by("round__number")
        .values_list("round__number", flat=True)
    )


def table_of(plan: TablePlan, number: int, member) -> int:
    return Seat.objects.get(round__plan=plan, round__number=number, member=member).table.number


def counted(rounds: list[list[list[int]]], line_of: dict[int, int]) -> dict:
    """The plain numbers of `rounds` as seated, counted here by hand (no earlier sessions): a
    pair meeting m times repeats m - 1 times; a table misses each line seated elsewhere in its
    round."""
    pairs: Counter = Counter()
    missing = 0
    for rnd in rounds:
        lines_here = {line_of[m] for table in rnd for m in table}
        for table in rnd:
            pairs.update(combinations(sorted(table), 2))
            missing += len(lines_here - {line_of[m] for m in table})
    return {
        "repeats": sum(count - 1 for count in pairs.values()),
        "missing_line_slots": missing,
        "table_sizes": [[len(table) for table in rnd] for rnd in rounds],
    }


def three_rounds(make_team, make_session):
    """Four lines of 4 (4 tables of 4) over 3 table rounds, and the engine's plan."""
    team = make_team([4, 4, 4, 4])
    session = make_session()
    assignment_create(session=session, data=AssignmentData("Ronde 3", "", 10, 3))
    plan = plan_generate(session=session, seed=0)
    assert len(stored(plan)) == 3
    line_of = {m.pk: line.pk for line in team.lines for m in team.members[line.letter]}
    return team, session, plan, line_of


def lock_their_table(plan: TablePlan, number: int, member) -> int:
    table = table_of(plan, number, member)
    plan_lock(plan=plan, version=plan.version, round_number=number, table=table, locked=True)
    plan.refresh_from_db()
    return table


def absent(session, member) -> None:
    attendance_save(
        session=session, changes={member.pk: (PresenceData(), PresenceData(absent=True))}
    )


def off_presence(session) -> list[int]:
    return rounds_off_presence(session=session, presence=session_presence(session=session))


def kinds(plan: TablePlan) -> list[str]:
    return list(plan.changes.order_by("version").values_list("kind", flat=True))


def english(client, user):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def test_an_absentee_at_a_locked_table_leaves_only_that_round_as_it_was(
    client, steering, make_team, make_session
):
    team, session, plan, line_of = three_rounds(make_team, make_session)
    away = team.members["A"][0]
    locked = lock_their_table(plan, 3, away)
    before = stored(plan)

    absent(session, away)

    plan.refresh_from_db()
    after = stored(plan)
    # rounds 1 and 2 follow: the absentee leaves their table there, nothing else changes
    assert seat_rounds(plan, away) == [3]
    for r in (0, 1):
        left = next(t for t in before[r] if away.pk in t)
        assert sorted(after[r]) == sorted(
            [t for t in before[r] if t != left] + [[m for m in left if m != away.pk]]
        )
    # round 3 stays exactly as it was, its locked table too
    assert after[2] == before[2]
    assert table_of(plan, 3, away) == locked
    assert PlanTable.objects.get(round__plan=plan, round__number=3, number=locked).locked
    assert off_presence(session) == [3]
    # the numbers: the plan as seated, round 3 with the absentee at their table, no bound
    assert plan.report[AS_SEATED] == [3]
    assert {k: plan.report[k] for k in ("repeats", "missing_line_slots", "table_sizes")} == (
        counted(after, line_of)
    )
    assert [sorted(sizes) for sizes in plan.report["table_sizes"]] == [
        [3, 4, 4, 4],
        [3, 4, 4, 4],
        [4, 4, 4, 4],
    ]
    assert plan.report["planned_missing_line_slots"] == plan.report["missing_line_slots"]
    assert (plan.report["lower_bound"], plan.report["proven_optimal"]) == (None, False)
    assert kinds(plan) == [PlanChange.Kind.GENERATE, PlanChange.Kind.LOCK, PlanChange.Kind.PRESENCE]

    # the plan page offers "re-plan this round" for round 3 only, naming the absentee
    board = plan_board(session=session, plan=plan)
    assert [(r.number, [i.member.pk for i in r.leaving], r.arrived) for r in board.rounds] == [
        (1, [], []),
        (2, [], []),
        (3, [away.pk], []),
    ]
    english(client, steering.user)
    url = f"/s/de-regenboog/sessions/{session.pk}/"
    html = client.get(f"{url}plan/").content.decode()
    assert re.findall(r"/plan/rounds/(\d+)/repair/", html) == ["3", "3"]  # action and hx-post
    text = " ".join(
        re.sub(r"<[^>]+>", " ", client.get(f"{url}attendance/").content.decode()).split()
    )
    assert (
        "The table plan could not follow in round 3: it seats someone who is not there, or "
        "someone who is there has no seat. Re-plan it on the table plan"
    ) in text

    # unlocked, the count is kept (it cannot be counted for who is there yet) ...
    report = dict(plan.report)
    plan_lock(plan=plan, version=plan.version, round_number=3, table=locked, locked=False)
    plan.refresh_from_db()
    assert plan.report == report
    # ... and re-planning round 3 follows attendance everywhere and counts the plan whole
    result = plan_repair_round(plan=plan, version=plan.version, round_number=3)

    assert result.details == {"round": 3}  # rounds 1 and 2 followed already
    plan.refresh_from_db()
    final = stored(plan)
    assert seat_rounds(plan, away) == []
    assert final[:2] == after[:2]
    assert off_presence(session) == []
    assert AS_SEATED not in plan.report
    assert {k: plan.report[k] for k in ("repeats", "missing_line_slots", "table_sizes")} == (
        counted(final, line_of)
    )
    assert [sorted(sizes) for sizes in plan.report["table_sizes"]] == [[3, 4, 4, 4]] * 3
    # everyone present the whole session again: the engine's bound holds once more
    assert plan.report["lower_bound"] is not None
    assert [r.number for r in plan_board(session=session, plan=plan).rounds if r.needs_repair] == []


def test_undo_brings_back_the_absentee_in_every_round(make_team, make_session):
    team, session, plan, _line_of = three_rounds(make_team, make_session)
    away = team.members["B"][1]
    lock_their_table(plan, 3, away)
    before, report = stored(plan), dict(plan.report)
    absent(session, away)
    plan.refresh_from_db()

    plan_undo(plan=plan, version=plan.version)

    plan.refresh_from_db()
    assert (stored(plan), plan.report) == (before, report)
    assert off_presence(session) == [1, 2, 3]


def test_attendance_that_lets_the_round_follow_again_recounts_the_plan_whole(
    make_team, make_session
):
    team, session, plan, line_of = three_rounds(make_team, make_session)
    away = team.members["C"][2]
    lock_their_table(plan, 3, away)
    absent(session, away)
    plan.refresh_from_db()
    assert plan.report[AS_SEATED] == [3]

    attendance_save(session=session, changes={away.pk: (PresenceData(absent=True), PresenceData())})

    plan.refresh_from_db()
    assert seat_rounds(plan, away) == [1, 2, 3]
    assert off_presence(session) == []
    assert AS_SEATED not in plan.report
    assert {k: plan.report[k] for k in ("repeats", "missing_line_slots", "table_sizes")} == (
        counted(stored(plan), line_of)
    )
    assert plan.report["lower_bound"] is not None
    assert kinds(plan).count(PlanChange.Kind.PRESENCE) == 2


def test_a_newcomer_is_seated_in_the_rounds_that_can_follow(make_team, make_session):
    """Someone added to a line after the plan was made has no seat; the next change of
    attendance seats them in every round that can follow, though round 3 cannot."""
    team, session, plan, line_of = three_rounds(make_team, make_session)
    away = team.members["B"][0]
    locked = lock_their_table(plan, 3, away)
    before = stored(plan)
    newcomer = MemberFactory(school=session.school, first_name="Nieuw", last_name="Lid")
    membership_move(member=newcomer, line=team.lines[0], start=team.year.start)
    line_of[newcomer.pk] = team.lines[0].pk

    absent(session, away)

    plan.refresh_from_db()
    after = stored(plan)
    assert seat_rounds(plan, newcomer) == [1, 2]
    assert seat_rounds(plan, away) == [3]
    assert after[2] == before[2]
    for r in (0, 1):
        # only the absentee's table changed: the newcomer took the empty seat
        left = next(t for t in before[r] if away.pk in t)
        joined = sorted([m for m in left if m != away.pk] + [newcomer.pk])
        assert sorted(after[r]) == sorted([t for t in before[r] if t != left] + [joined])
    assert off_presence(session) == [3]
    board = plan_board(session=session, plan=plan)
    assert [
        (r.number, [i.member.pk for i in r.leaving], [i.member.pk for i in r.arrived])
        for r in board.rounds
        if r.needs_repair
    ] == [(3, [away.pk], [newcomer.pk])]
    assert plan.report[AS_SEATED] == [3]
    assert {k: plan.report[k] for k in ("repeats", "missing_line_slots", "table_sizes")} == (
        counted(after, line_of)
    )
    assert kinds(plan).count(PlanChange.Kind.PRESENCE) == 1

    plan_lock(plan=plan, version=plan.version, round_number=3, table=locked, locked=False)
    plan.refresh_from_db()
    plan_repair_round(plan=plan, version=plan.version, round_number=3)

    plan.refresh_from_db()
    assert seat_rounds(plan, newcomer) == [1, 2, 3]
    assert seat_rounds(plan, away) == []
    assert stored(plan)[:2] == after[:2]
    assert off_presence(session) == []
    assert AS_SEATED not in plan.report
    assert {k: plan.report[k] for k in ("repeats", "missing_line_slots", "table_sizes")} == (
        counted(stored(plan), line_of)
    )


def test_a_late_newcomer_waits_for_a_round_whose_tables_are_all_locked(make_team, make_session):
    """A newcomer arriving in round 2 joins round 2 at once; round 3, every table locked, has no
    table to take them and is left as it was (the plan used to throw round 2's seat away)."""
    team, session, plan, line_of = three_rounds(make_team, make_session)
    for table in (1, 2, 3, 4):
        plan_lock(plan=plan, version=plan.version, round_number=3, table=table, locked=True)
    plan.refresh_from_db()
    before = stored(plan)
    newcomer = MemberFactory(school=session.school, first_name="Nieuw", last_name="Lid")
    membership_move(member=newcomer, line=team.lines[1], start=team.year.start)
    line_of[newcomer.pk] = team.lines[1].pk

    attendance_save(
        session=session, changes={newcomer.pk: (PresenceData(), PresenceData(first_round=2))}
    )

    plan.refresh_from_db()
    after = stored(plan)
    assert seat_rounds(plan, newcomer) == [2]
    assert (after[0], after[2]) == (before[0], before[2])
    assert off_presence(session) == [3]
    assert plan.report[AS_SEATED] == [3]
    assert {k: plan.report[k] for k in ("repeats", "missing_line_slots", "table_sizes")} == (
        counted(after, line_of)
    )
    assert kinds(plan).count(PlanChange.Kind.PRESENCE) == 1


def test_a_round_left_seating_someone_who_moved_line_keeps_the_whole_plan(make_team, make_session):
    """A round left as it was that seats someone in the line they left cannot be counted (their
    seat holds the old line): the plan stays as it was, every round named for a re-plan."""
    team, session, plan, _line_of = three_rounds(make_team, make_session)
    away = team.members["A"][0]
    locked = lock_their_table(plan, 3, away)
    mover = next(m for m in team.members["C"] if table_of(plan, 3, m) != locked)
    membership_move(member=mover, line=team.lines[0], start=session.date)
    before = stored(plan)

    absent(session, away)

    plan.refresh_from_db()
    assert stored(plan) == before
    assert kinds(plan) == [PlanChange.Kind.GENERATE, PlanChange.Kind.LOCK]
    assert off_presence(session) == [1, 2, 3]
