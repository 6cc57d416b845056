"""Table plans through the service: stored as the engine made them, history, manual changes."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from learninglines.models import LineMembership
from learninglines.services.lines import membership_move
from sessions_app.grouping import plan_rounds
from sessions_app.models import ApartPair, PlanChange, PlenarySession, Seat, TablePlan
from sessions_app.selectors.board import plan_board
from sessions_app.selectors.plans import plan_history
from sessions_app.services.attendance import PresenceData, attendance_save
from sessions_app.services.plans import (
    StalePlan,
    plan_generate,
    plan_lock,
    plan_move,
    plan_release_leavers,
    plan_swap,
    plan_undo,
)
from sessions_app.services.sessions import session_hold

pytestmark = pytest.mark.django_db


def stored(plan: TablePlan) -> list[list[list[int]]]:
    """Rounds -> tables -> member pks, as the database holds them."""
    rounds = {}
    for seat in Seat.objects.filter(round__plan=plan).select_related("table", "round"):
        rounds.setdefault(seat.round.number, {}).setdefault(seat.table.number, []).append(
            seat.member_id
        )
    return [[sorted(rounds[r][t]) for t in sorted(rounds[r])] for r in sorted(rounds)]


def as_sets(rounds) -> list[set[frozenset]]:
    return [{frozenset(table) for table in rnd} for rnd in rounds]


def sorted_like(tables) -> list[int]:
    return [len(t) for t in tables]


def table_of(plan, number, member) -> int:
    return Seat.objects.get(round__plan=plan, round__number=number, member=member).table.number


def test_the_stored_plan_equals_the_engines_rounds(make_team, make_session):
    team = make_team([4, 4, 4, 4])
    session = make_session()
    plan = plan_generate(session=session, seed=3)
    lines = {line.pk: [m.pk for m in team.members[line.letter]] for line in team.lines}
    engine = plan_rounds(lines, 2, seed=3, max_size=5, time_limit=settings.GROUPING_TIME_LIMIT)
    assert as_sets(stored(plan)) == as_sets(engine.rounds)
    assert plan.report["repeats"] == engine.report.repeats == 0
    assert plan.report["missing_line_slots"] == 0
    assert plan.report["table_sizes"] == [[4, 4, 4, 4], [4, 4, 4, 4]]
    assert plan.report["proven_optimal"] is True
    # Every seat keeps the member's line on the session's date.
    for seat in Seat.objects.filter(round__plan=plan).select_related("member"):
        letter = next(k for k, members in team.members.items() if seat.member in members)
        assert seat.line.letter == letter
    assert list(plan.changes.values_list("kind", flat=True)) == ["generate"]


def test_history_holds_this_schools_held_and_closed_rounds_oldest_first(
    make_team, make_session, other_school
):
    make_team([3, 3, 3])
    first = make_session(days=20, title="Eerste")
    second = make_session(days=50, title="Tweede")
    third = make_session(days=80, title="Derde (concept)")
    published = make_session(days=90, title="Gepubliceerd")
    # The second session is held before the first is (order follows the date, not the pk).
    for session in (second, first):
        plan_generate(session=session, seed=1)
        session_hold(session=session)
    PlenarySession.objects.filter(pk=first.pk).update(status=PlenarySession.Status.CLOSED)
    plan_generate(session=published, seed=1)
    PlenarySession.objects.filter(pk=published.pk).update(status=PlenarySession.Status.PUBLISHED)
    # Another school's held session never counts.
    make_team([3, 3, 3], of=other_school)
    other = make_session(of=other_school, days=30)
    plan_generate(session=other, seed=1)
    session_hold(session=other)
    expected = stored(first.plan) + stored(second.plan)
    history = plan_history(session=third)
    assert [sorted(map(sorted, rnd)) for rnd in history] == [
        sorted(map(sorted, rnd)) for rnd in expected
    ]
    assert len(history) == 4  # two rounds each of the held and the closed session


def test_a_draft_is_no_history_and_the_next_plan_avoids_the_held_rounds(make_team, make_session):
    make_team([4, 4, 4, 4])
    first = make_session(days=20)
    plan_generate(session=first, seed=0)
    session_hold(session=first)
    draft = make_session(days=60)
    plan_generate(session=draft, seed=0)
    assert plan_history(session=make_session(days=90)) == stored(first.plan)
    # 4 lines of 4 over 2 + 2 rounds: a resolvable design leaves no repeat.
    assert draft.plan.report["repeats"] == 0
    met = {
        frozenset((a, b))
        for rnd in stored(first.plan)
        for table in rnd
        for a in table
        for b in table
        if a < b
    }
    for rnd in stored(draft.plan):
        for table in rnd:
            assert not {frozenset((a, b)) for a in table for b in table if a < b} & met


def test_absentees_are_seated_nowhere(make_team, make_session):
    team = make_team([4, 4, 4])
    session = make_session()
    away = team.members["A"][0]
    attendance_save(session=session, changes={away.pk: (PresenceData(), PresenceData(absent=True))})
    plan = plan_generate(session=session)
    assert not Seat.objects.filter(round__plan=plan, member=away).exists()
    assert Seat.objects.filter(round__plan=plan).count() == 2 * 11


def test_locked_tables_survive_regeneration(make_team, make_session):
    make_team([5, 5, 5, 5])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    before = stored(plan)
    plan_lock(plan=plan, version=plan.version, round_number=2, table=3, locked=True)
    locked = set(before[1][2])
    for _attempt in range(3):
        plan = plan_generate(session=session, version=plan.version)
        tables = [set(t) for t in stored(plan)[1]]
        assert locked in tables
        assert plan.rounds.get(number=2).tables.get(locked=True).seats.count() == len(locked)


def test_a_swap_exchanges_two_people_and_updates_the_numbers(make_team, make_session):
    team = make_team([4, 4, 4, 4])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    a1, a2 = team.members["A"][0], team.members["A"][1]
    table_a1, table_a2 = table_of(plan, 1, a1), table_of(plan, 1, a2)
    result = plan_swap(plan=plan, version=plan.version, round_number=1, first=a1.pk, second=a2.pk)
    assert (table_of(plan, 1, a1), table_of(plan, 1, a2)) == (table_a2, table_a1)
    assert result.plan.version == 2
    # Same line for same line keeps every line at every table, but each now meets again one
    # person they sit with in round 2.
    assert result.warnings == ["Door deze wijziging zijn er 2 herhaalde ontmoetingen meer."]
    assert (plan.report["repeats"], plan.report["missing_line_slots"]) == (2, 0)
    assert sorted(plan.report["repeated_pairs"], key=lambda p: p[2])[0][2] == 1


def test_a_swap_across_lines_warns_with_numbers(make_team, make_session):
    team = make_team([4, 4, 4, 4])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    a1 = team.members["A"][0]
    b_other = next(b for b in team.members["B"] if table_of(plan, 1, b) != table_of(plan, 1, a1))
    result = plan_swap(
        plan=plan, version=plan.version, round_number=1, first=a1.pk, second=b_other.pk
    )
    assert plan.report["missing_line_slots"] == 2
    assert result.warnings == ["Er ontbreekt nu 2 keer vaker een leerlijn aan een tafel."]


def test_a_swap_that_seats_an_apart_pair_together_is_refused(make_team, make_session, school):
    team = make_team([4, 4, 4, 4])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    a1 = team.members["A"][0]
    # b sits elsewhere than a1; keep a1 apart from someone at b's table.
    b = next(m for m in team.members["B"] if table_of(plan, 1, m) != table_of(plan, 1, a1))
    c_at_b = next(m for m in team.members["C"] if table_of(plan, 1, m) == table_of(plan, 1, b))
    first, second = sorted((a1, c_at_b), key=lambda m: m.pk)
    ApartPair.objects.create(school=school, first=first, second=second)
    a_at_b = next(m for m in team.members["A"] if table_of(plan, 1, m) == table_of(plan, 1, b))
    before = stored(plan)
    with pytest.raises(ValidationError) as refused:
        plan_swap(plan=plan, version=plan.version, round_number=1, first=a1.pk, second=a_at_b.pk)
    assert refused.value.messages == [
        f"{first.full_name} en {second.full_name} blijven uit elkaar: ze kunnen niet aan één "
        "tafel zitten."
    ]
    plan.refresh_from_db()
    assert stored(plan) == before
    assert plan.version == 1


def test_a_move_that_unbalances_the_tables_is_refused(make_team, make_session):
    team = make_team([4, 4, 4, 4])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    a1 = team.members["A"][0]
    target = 1 if table_of(plan, 1, a1) != 1 else 2
    with pytest.raises(ValidationError) as refused:
        plan_move(plan=plan, version=plan.version, round_number=1, member=a1.pk, table=target)
    assert "hooguit één meer of minder" in refused.value.messages[0]
    assert plan.changes.count() == 1


def test_a_move_between_uneven_tables_is_made(make_team, make_session):
    team = make_team([5, 4, 4, 4])  # 17 people: tables of 5, 4, 4, 4
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    rnd = stored(plan)[0]
    big = next(i for i, t in enumerate(rnd) if len(t) == 5)
    small = next(i for i, t in enumerate(rnd) if len(t) == 4)
    mover = next(m for m in team.everyone if m.pk in rnd[big])
    plan_move(plan=plan, version=plan.version, round_number=1, member=mover.pk, table=small + 1)
    assert table_of(plan, 1, mover) == small + 1
    assert sorted(len(t) for t in stored(plan)[0]) == [4, 4, 4, 5]


def test_a_change_on_a_locked_table_is_refused(make_team, make_session):
    team = make_team([4, 4, 4, 4])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    a1, a2 = team.members["A"][:2]
    plan_lock(
        plan=plan, version=plan.version, round_number=1, table=table_of(plan, 1, a1), locked=True
    )
    with pytest.raises(ValidationError) as refused:
        plan_swap(plan=plan, version=plan.version, round_number=1, first=a1.pk, second=a2.pk)
    assert refused.value.messages == ["Die tafel staat vast. Maak hem eerst los."]


def test_a_stale_version_is_refused_and_changes_nothing(make_team, make_session):
    team = make_team([4, 4, 4, 4])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    old_version = plan.version
    a1, a2, a3 = team.members["A"][:3]
    plan_swap(plan=plan, version=old_version, round_number=1, first=a1.pk, second=a2.pk)
    after_first = stored(plan)
    for attempt in (
        lambda: plan_swap(
            plan=plan, version=old_version, round_number=1, first=a1.pk, second=a3.pk
        ),
        lambda: plan_undo(plan=plan, version=old_version),
        lambda: plan_generate(session=session, version=old_version),
    ):
        with pytest.raises(StalePlan):
            attempt()
    plan.refresh_from_db()
    assert stored(plan) == after_first
    assert plan.version == old_version + 1


def test_undo_restores_the_previous_version_exactly(make_team, make_session):
    team = make_team([5, 5, 4, 4])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    before = stored(plan)
    report = dict(plan.report)
    a1 = team.members["A"][0]
    b = next(m for m in team.members["B"] if table_of(plan, 1, m) != table_of(plan, 1, a1))
    plan_swap(plan=plan, version=plan.version, round_number=1, first=a1.pk, second=b.pk)
    plan_lock(plan=plan, version=plan.version, round_number=2, table=1, locked=True)
    assert stored(plan) != before
    plan_undo(plan=plan, version=plan.version)  # the lock
    assert not plan.rounds.get(number=2).tables.filter(locked=True).exists()
    plan_undo(plan=plan, version=plan.version)  # the swap
    plan.refresh_from_db()
    assert stored(plan) == before
    assert plan.report == report
    changes = plan.changes.order_by("version")
    assert [(c.kind, c.undone_at is not None) for c in changes] == [
        ("generate", False),
        ("swap", True),
        ("lock", True),
        ("undo", False),
        ("undo", False),
    ]
    with pytest.raises(ValidationError, match="geen wijziging meer"):
        plan_undo(plan=plan, version=plan.version)


def test_a_member_who_moved_line_keeps_the_old_line_on_old_seats(make_team, make_session):
    team = make_team([4, 4, 4, 4])
    first = make_session(days=20)
    plan = plan_generate(session=first, seed=0)
    session_hold(session=first)
    mover = team.members["A"][0]
    line_b = team.lines[1]
    membership_move(member=mover, line=line_b, start=first.date + timedelta(days=5))
    assert set(
        Seat.objects.filter(round__plan=plan, member=mover).values_list("line__letter", flat=True)
    ) == {"A"}
    later = make_session(days=60)
    new_plan = plan_generate(session=later, seed=0)
    assert set(
        Seat.objects.filter(round__plan=new_plan, member=mover).values_list(
            "line__letter", flat=True
        )
    ) == {"B"}


def test_a_leaver_is_freed_from_later_rounds_and_only_their_table_changes(make_team, make_session):
    team = make_team([4, 4, 4, 4, 4])  # 20 people, 4 tables of 5
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    before = stored(plan)
    leaver = team.members["C"][2]
    attendance_save(
        session=session,
        changes={leaver.pk: (PresenceData(), PresenceData(last_round=1))},
    )
    after = stored(plan)
    assert after[0] == before[0]  # round 1 as it was: the leaver was there
    assert not any(leaver.pk in table for table in after[1])
    changed = [t for t in after[1] if t not in before[1]]
    assert len(changed) == 1  # only the table the leaver left
    assert set(changed[0]) == {m for t in before[1] if leaver.pk in t for m in t} - {leaver.pk}
    assert plan.changes.order_by("-version").first().kind == PlanChange.Kind.PRESENCE
    plan.refresh_from_db()
    assert plan.report["table_sizes"] == [[5, 5, 5, 5], sorted_like(after[1])]
    assert plan.report["lower_bound"] is None  # presence differs per round: no bound claimed


def test_someone_who_left_the_team_is_taken_off_every_round_and_only_their_tables_change(
    make_team, make_session
):
    from learninglines.services.people import member_set_active

    team = make_team([4, 4, 4, 4, 4])  # 20 people, 4 tables of 5, 2 table rounds
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    leaver = team.members["C"][2]
    # a swap by hand and a locked table, away from the leaver: both must stay
    mine = table_of(plan, 1, leaver)
    other, b1 = [b for b in team.members["B"] if table_of(plan, 1, b) != mine][:2]
    plan_swap(plan=plan, version=plan.version, round_number=1, first=other.pk, second=b1.pk)
    a1, a2 = team.members["A"][:2]  # one line's members sit at different tables
    free = next(t for t in range(1, 5) if t != table_of(plan, 2, leaver))
    plan_lock(plan=plan, version=plan.version, round_number=2, table=free, locked=True)
    before = stored(plan)
    member_set_active(member=leaver, active=False)

    # every change by hand is refused until the seat is free, and the message says why
    with pytest.raises(ValidationError) as refused:
        plan_swap(plan=plan, version=plan.version, round_number=1, first=a1.pk, second=a2.pk)
    assert refused.value.messages == [
        "Iemand die het team of zijn of haar leerlijn heeft verlaten, heeft nog een plek in "
        "ronde 1: maak die plek eerst vrij."
    ]

    plan_release_leavers(plan=plan, version=plan.version)

    after = stored(plan)
    for r in (0, 1):
        assert not any(leaver.pk in table for table in after[r])
        left_behind = {m for t in before[r] if leaver.pk in t for m in t} - {leaver.pk}
        changed = [t for t in after[r] if t not in before[r]]
        assert changed == [sorted(left_behind)]  # only the table the leaver left
    assert table_of(plan, 1, other) != table_of(plan, 1, b1)  # the swap by hand stays
    assert Seat.objects.filter(round__plan=plan, round__number=2, table__locked=True).count() == 5
    change = plan.changes.order_by("-version").first()
    assert (change.kind, change.details) == (PlanChange.Kind.LEFT, {"rounds": [1, 2]})
    plan.refresh_from_db()
    assert [sorted(sizes) for sizes in plan.report["table_sizes"]] == [[4, 5, 5, 5]] * 2
    # changes by hand work again
    plan_swap(plan=plan, version=plan.version, round_number=1, first=a1.pk, second=a2.pk)
    with pytest.raises(ValidationError, match="heeft nog een plek"):
        plan_release_leavers(plan=plan, version=plan.version)


def test_a_change_of_attendance_after_someone_left_their_line_frees_their_seat_too(
    make_team, make_session
):
    # A plan that seats someone in no line cannot be counted: following attendance used to
    # fail on it, so the late arrival stayed unseated as well.
    team = make_team([3, 3, 3, 3])  # 12 people, 3 tables of 4
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    leaver = team.members["D"][0]
    LineMembership.objects.filter(member=leaver).update(end=session.date - timedelta(days=1))
    late = team.members["A"][1]
    attendance_save(
        session=session, changes={late.pk: (PresenceData(), PresenceData(first_round=2))}
    )
    rounds = stored(plan)
    assert not any(leaver.pk in t for rnd in rounds for t in rnd)
    assert not any(late.pk in t for t in rounds[0])
    assert sum(late.pk in t for t in rounds[1]) == 1
    assert plan.changes.order_by("-version").first().kind == PlanChange.Kind.PRESENCE


def test_a_change_of_attendance_keeps_a_swap_by_hand_elsewhere(make_team, make_session):
    team = make_team([4, 4, 4, 4])  # 16 people, 4 tables of 4
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    a1 = team.members["A"][0]
    b = next(b for b in team.members["B"] if table_of(plan, 1, b) != table_of(plan, 1, a1))
    plan_swap(plan=plan, version=plan.version, round_number=1, first=a1.pk, second=b.pk)
    swapped = {m: table_of(plan, 1, m) for m in (a1, b)}
    assert plan.report["missing_line_slots"] == 2
    late = next(c for c in team.members["C"] if table_of(plan, 1, c) not in set(swapped.values()))

    attendance_save(
        session=session, changes={late.pk: (PresenceData(), PresenceData(first_round=2))}
    )

    plan.refresh_from_db()
    # the swap stays; only the table the late colleague was missing from changed (a trio now)
    assert {m: table_of(plan, 1, m) for m in (a1, b)} == swapped
    assert sorted(len(t) for t in stored(plan)[0]) == [3, 4, 4, 4]
    assert plan.changes.order_by("-version").first().kind == PlanChange.Kind.PRESENCE
    # the trio misses line C (the least the numbers allow); the swap's 2 stay counted as by hand
    board = plan_board(session=session, plan=plan)
    assert (plan.report["missing_line_slots"], plan.report["min_missing_line_slots"]) == (3, 1)
    assert (board.extra_missing, board.planned_extra_missing) == (2, 0)


def test_a_late_arrival_is_seated_from_their_first_round(make_team, make_session):
    team = make_team([4, 4, 4])
    session = make_session()
    late = team.members["B"][1]
    attendance_save(
        session=session, changes={late.pk: (PresenceData(), PresenceData(first_round=2))}
    )
    plan = plan_generate(session=session, seed=0)
    rounds = stored(plan)
    assert not any(late.pk in t for t in rounds[0])
    assert sum(late.pk in t for t in rounds[1]) == 1
    # Three lines: tables of three. Round 1 has one person less, so one table fewer.
    assert [sorted(len(t) for t in rnd) for rnd in rounds] == [[3, 4, 4], [3, 3, 3, 3]]


def test_the_other_allowed_table_count_is_shown_with_its_cost(make_team, make_session):
    make_team([8, 8, 7, 7])  # 30 people: 8 tables of 3 and 4, or 7 tables of 4 and 5
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    tables = len(stored(plan)[0])
    other = plan.alternative
    assert {tables, other["tables"]} == {7, 8}
    assert other["missing_line_slots"] >= other["min_missing_line_slots"]
    chosen = plan_generate(session=session, version=plan.version, tables=other["tables"])
    assert len(stored(chosen)[0]) == other["tables"]
    assert chosen.tables == other["tables"]
    assert chosen.alternative["tables"] == tables
    # what the page promised is what the steering group gets
    assert chosen.report["repeats"] == other["repeats"]
    assert chosen.report["missing_line_slots"] == other["missing_line_slots"]


def test_the_other_table_count_is_counted_with_the_locked_tables_and_late_arrivals(
    make_team, make_session
):
    team = make_team([8, 8, 7, 7])
    session = make_session()
    late = team.members["A"][0]
    attendance_save(
        session=session, changes={late.pk: (PresenceData(), PresenceData(first_round=2))}
    )
    plan = plan_generate(session=session, seed=0)
    plan_lock(plan=plan, version=plan.version, round_number=2, table=1, locked=True)
    plan.refresh_from_db()
    locked = set(stored(plan)[1][0])
    plan = plan_generate(session=session, version=plan.version)
    other = plan.alternative
    chosen = plan_generate(session=session, version=plan.version, tables=other["tables"])
    assert len(stored(chosen)[1]) == other["tables"]
    assert locked in [set(t) for t in stored(chosen)[1]]
    assert late.pk not in {m for t in stored(chosen)[0] for m in t}
    assert (chosen.report["repeats"], chosen.report["missing_line_slots"]) == (
        other["repeats"],
        other["missing_line_slots"],
    )
