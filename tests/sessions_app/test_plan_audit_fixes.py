"""A QA audit of the plan page: a change of line after the plan was made, the history of a plan
(only sessions held before it), and a locked table's number when the plan is made again."""

from datetime import time, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from learninglines.services.lines import membership_move
from sessions_app.models import PlanChange, PlanTable, PlenarySession, Seat, TablePlan
from sessions_app.selectors.board import plan_board
from sessions_app.selectors.plans import plan_history
from sessions_app.services.attendance import PresenceData, attendance_save
from sessions_app.services.plans import (
    _table_order,
    plan_generate,
    plan_lock,
    plan_record,
    plan_release_leavers,
    plan_swap,
)
from sessions_app.services.sessions import session_hold

pytestmark = pytest.mark.django_db


def stored(plan: TablePlan) -> list[list[list[int]]]:
    """Rounds -> tables -> member pks, in table number order, as the database holds them."""
    rounds: dict[int, dict[int, list[int]]] = {}
    for seat in Seat.objects.filter(round__plan=plan).select_related("table", "round"):
        rounds.setdefault(seat.round.number, {}).setdefault(seat.table.number, []).append(
            seat.member_id
        )
    return [[sorted(rounds[r][t]) for t in sorted(rounds[r])] for r in sorted(rounds)]


def seat_letters(plan: TablePlan, member) -> list[str]:
    return list(
        Seat.objects.filter(round__plan=plan, member=member)
        .order_by("round__number")
        .values_list("line__letter", flat=True)
    )


def with_lines(plan: TablePlan) -> list[list[list[list[int]]]]:
    """The plan's rounds as plan_record takes them: each table's seats as [member, line]."""
    rounds: dict[int, dict[int, list[list[int]]]] = {}
    seats = Seat.objects.filter(round__plan=plan).order_by("round__number", "table__number", "pk")
    for number, table, member, line in seats.values_list(
        "round__number", "table__number", "member_id", "line_id"
    ):
        rounds.setdefault(number, {}).setdefault(table, []).append([member, line])
    return [list(rounds[r].values()) for r in sorted(rounds)]


def held(session: PlenarySession) -> PlenarySession:
    PlenarySession.objects.filter(pk=session.pk).update(status=PlenarySession.Status.HELD)
    session.refresh_from_db()
    return session


# --- 1. someone moved to another line after the plan was made ----------------------------------


def moved_from_c_to_a(make_team, make_session, *, lock_their_table: bool = False):
    """4 lines of 4 at 4 tables of 4, a plan, then C1 moves to line A the day before."""
    team = make_team([4, 4, 4, 4])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    mover = team.members["C"][0]
    if lock_their_table:
        table = Seat.objects.get(round__plan=plan, round__number=1, member=mover).table.number
        plan_lock(plan=plan, version=plan.version, round_number=1, table=table, locked=True)
    membership_move(member=mover, line=team.lines[0], start=session.date - timedelta(days=1))
    return team, session, plan, mover


def test_a_change_of_line_is_flagged_and_reseating_counts_the_new_line(make_team, make_session):
    team, session, plan, mover = moved_from_c_to_a(make_team, make_session)
    before = stored(plan)
    assert plan.report["missing_line_slots"] == 0  # counted with C as it was

    board = plan_board(session=session, plan=plan)
    assert [str(move) for move in board.moved] == ["C1 Lid C1 (C → A)"]
    assert [[str(move) for move in rnd.moved] for rnd in board.rounds] == [
        ["C1 Lid C1 (C → A)"],
        ["C1 Lid C1 (C → A)"],
    ]
    assert board.gone == []

    # a change by hand would count the new line at the old seat: refused, with the reason
    a1, a2 = team.members["A"][:2]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        plan_swap(plan=plan, version=plan.version, round_number=1, first=a1.pk, second=a2.pk)
    assert refused.value.messages == [
        "C1 Lid C1 moved to another learning line after this plan was made and still sits in "
        "the old one: seat them in their new line first."
    ]

    result = plan_release_leavers(plan=plan, version=plan.version)

    # 16 at 4 tables of 4: C1 can only go back to the table they left, now as an A
    assert stored(plan) == before
    assert seat_letters(plan, mover) == ["A", "A"]
    plan.refresh_from_db()
    # line C has 3 members for 4 tables now: one table per round misses it, no fewer possible
    assert plan.report["missing_line_slots"] == 2
    assert plan.report["min_missing_line_slots"] == 2
    assert plan.report["planned_missing_line_slots"] == 2
    assert result.details == {"rounds": [1, 2], "moved": [mover.pk]}
    change = plan.changes.order_by("-version").first()
    assert (change.kind, change.details) == (PlanChange.Kind.LEFT, result.details)
    board = plan_board(session=session, plan=plan)
    assert board.moved == []
    assert board.extra_missing == 0  # not blamed on a change by hand
    # changes by hand work again
    plan_swap(plan=plan, version=plan.version, round_number=1, first=a1.pk, second=a2.pk)


def test_reseating_who_moved_line_fills_the_hole_they_leave_with_their_old_line(
    make_team, make_session
):
    team = make_team([3, 4, 4, 4])  # 15 at 3 tables of 5: one C doubled in every round
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    before = stored(plan)
    assert plan.report["missing_line_slots"] == 0
    mover = team.members["C"][0]  # the only C at their table, in both rounds
    membership_move(member=mover, line=team.lines[0], start=session.date)  # from that day on

    plan_release_leavers(plan=plan, version=plan.version)

    # C1 sits as an A now; the hole C1 leaves in line C is filled by a C from the table where C
    # was doubled (the plan gave up no slot by hand, so nothing there is kept on purpose)
    assert seat_letters(plan, mover) == ["A", "A"]
    plan.refresh_from_db()
    assert plan.report["missing_line_slots"] == plan.report["min_missing_line_slots"] == 0
    after = stored(plan)
    for round_before, round_after in zip(before, after, strict=True):
        place = {m: t for t, table in enumerate(round_before) for m in table}
        moved = {m for t, table in enumerate(round_after) for m in table if place[m] != t}
        assert len(moved) == 2  # C1 and the doubled C: nobody else
        assert mover.pk in moved
    board = plan_board(session=session, plan=plan)
    assert (board.planned_extra_missing, board.extra_missing) == (0, 0)


def planned_3444(make_team, make_session):
    """Lines of 3/4/4/4 at 3 tables of 5, planned: (team, plan, round 1, the pks of line C)."""
    team = make_team([3, 4, 4, 4])
    plan = plan_generate(session=make_session(), seed=0)
    return team, plan, stored(plan)[0], {m.pk for m in team.members["C"]}


def test_who_left_the_team_leaves_a_hole_that_their_line_fills(make_team, make_session):
    from learninglines.services.people import member_set_active

    team, plan, first, line_c = planned_3444(make_team, make_session)
    alone = next(table for table in first if len(line_c & set(table)) == 1)
    (leaver_pk,) = line_c & set(alone)
    member_set_active(member=next(m for m in team.members["C"] if m.pk == leaver_pk), active=False)

    plan_release_leavers(plan=plan, version=plan.version)

    plan.refresh_from_db()
    # 14 left (A 3, B 4, C 3, D 4) at 3 tables: every line at every table still fits
    assert plan.report["missing_line_slots"] == plan.report["min_missing_line_slots"] == 0
    assert not Seat.objects.filter(round__plan=plan, member_id=leaver_pk).exists()


def test_a_slot_given_up_by_hand_stays_given_up_when_someone_leaves(make_team, make_session):
    from learninglines.services.people import member_set_active

    team, plan, first, line_c = planned_3444(make_team, make_session)
    line_b = {m.pk for m in team.members["B"]}
    line_d = {m.pk for m in team.members["D"]}
    # 15 at 3 tables of 5: each table holds every line and one more: C, D or B. By hand, a C
    # of the table with two Cs trades places with the B of the table with two Ds: that table
    # misses B now
    doubled = next(table for table in first if len(line_c & set(table)) == 2)
    other = next(table for table in first if len(line_d & set(table)) == 2)
    c_member = sorted(line_c & set(doubled))[0]
    b_member = sorted(line_b & set(other))[0]
    plan_swap(plan=plan, version=plan.version, round_number=1, first=c_member, second=b_member)
    plan.refresh_from_db()
    assert plan.report["missing_line_slots"] == 1
    # the D of the third table leaves: the change by hand stays where nobody left
    third = next(table for table in first if table not in (doubled, other))
    (leaver_pk,) = set(third) & line_d
    member_set_active(member=next(m for m in team.members["D"] if m.pk == leaver_pk), active=False)

    plan_release_leavers(plan=plan, version=plan.version)

    after = stored(plan)[0]
    assert sorted(next(t for t in after if c_member in t)) == sorted(
        set(other) - {b_member} | {c_member}
    )
    assert sorted(next(t for t in after if b_member in t)) == sorted(
        set(doubled) - {c_member} | {b_member}
    )


def test_someone_who_moved_line_at_a_locked_table_keeps_the_seat_in_the_new_line(
    make_team, make_session
):
    _team, _session, plan, mover = moved_from_c_to_a(make_team, make_session, lock_their_table=True)
    table = Seat.objects.get(round__plan=plan, round__number=1, member=mover).table.number
    before = stored(plan)

    plan_release_leavers(plan=plan, version=plan.version)

    assert stored(plan)[0] == before[0]
    assert Seat.objects.get(round__plan=plan, round__number=1, member=mover).table.number == table
    assert seat_letters(plan, mover) == ["A", "A"]
    assert PlanTable.objects.get(round__plan=plan, round__number=1, number=table).locked


def test_a_change_of_attendance_seats_who_moved_line_in_their_new_line_too(make_team, make_session):
    team, session, plan, mover = moved_from_c_to_a(make_team, make_session)
    late = team.members["B"][1]
    attendance_save(
        session=session, changes={late.pk: (PresenceData(), PresenceData(first_round=2))}
    )
    assert seat_letters(plan, mover) == ["A", "A"]
    assert plan_board(session=session, plan=plan).moved == []
    assert plan.changes.order_by("-version").first().kind == PlanChange.Kind.PRESENCE


def test_a_held_session_records_the_line_of_its_date(make_team, make_session):
    team, session, plan, mover = moved_from_c_to_a(make_team, make_session)
    others = list(
        Seat.objects.filter(round__plan=plan)
        .exclude(member=mover)
        .order_by("pk")
        .values_list("member_id", "line_id")
    )

    session_hold(session=session)

    assert seat_letters(plan, mover) == ["A", "A"]
    assert others == list(
        Seat.objects.filter(round__plan=plan)
        .exclude(member=mover)
        .order_by("pk")
        .values_list("member_id", "line_id")
    )
    # a move after that, back-dated, never rewrites the record of the day
    membership_move(member=mover, line=team.lines[1], start=session.date - timedelta(days=1))
    session.refresh_from_db()
    assert plan_board(session=session, plan=plan).moved == []
    assert seat_letters(plan, mover) == ["A", "A"]


def test_a_move_after_the_session_is_no_change_of_its_plan(make_team, make_session):
    team = make_team([4, 4, 4, 4])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    mover = team.members["C"][0]
    membership_move(member=mover, line=team.lines[0], start=session.date + timedelta(days=1))
    assert plan_board(session=session, plan=plan).moved == []
    with pytest.raises(ValidationError):
        plan_release_leavers(plan=plan, version=plan.version)


def test_the_plan_page_names_who_moved_line_and_seats_them(
    client, make_team, make_session, steering
):
    _team, session, plan, mover = moved_from_c_to_a(make_team, make_session)
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"/s/de-regenboog/sessions/{session.pk}/plan/"
    html = " ".join(client.get(url).content.decode().split())
    assert (
        "C1 Lid C1 (C → A) moved to another learning line after this plan was made, but still "
        "sits in the old one: the plan's numbers count the old line." in html
    )
    assert (
        html.count("In another learning line now, but seated in the old one: C1 Lid C1 (C → A).")
        == 2
    )
    assert html.count('href="#plan-left">Seat them in their new line</a>') == 2
    assert ">Seat them in their new line</button>" in html
    assert "Free their seats" not in html

    response = client.post(f"{url}left/", {"version": plan.version}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Whoever moved to another learning line now sits in it; only the tables they left or "
        "joined changed."
    ]
    assert "In another learning line now" not in response.content.decode()
    assert seat_letters(plan, mover) == ["A", "A"]


def test_one_press_frees_who_left_and_seats_who_moved_line(
    client, make_team, make_session, steering
):
    from learninglines.services.people import member_set_active

    team, session, plan, mover = moved_from_c_to_a(make_team, make_session)
    leaver = team.members["D"][3]
    member_set_active(member=leaver, active=False)
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"/s/de-regenboog/sessions/{session.pk}/plan/"
    html = " ".join(client.get(url).content.decode().split())
    assert f"{leaver.full_name} left the team or their learning line after this plan" in html
    assert "C1 Lid C1 (C → A) moved to another learning line after this plan was made" in html
    assert (
        '>Free their seats</button> <span class="small ms-1">Only the tables they leave '
        "change. Whoever moved to another line is seated in it.</span>" in html
    )
    assert html.count('href="#plan-left">Free their seats</a>') == 4  # both, in both rounds
    assert "Seat them in their new line" not in html

    result = plan_release_leavers(plan=plan, version=plan.version)

    assert result.details == {"rounds": [1, 2], "moved": [mover.pk]}
    assert not Seat.objects.filter(round__plan=plan, member=leaver).exists()
    assert seat_letters(plan, mover) == ["A", "A"]
    plan.refresh_from_db()
    # 15 at 4 tables (A 5, B 4, C 3, D 3): C and D each miss one table per round, no fewer
    assert [sorted(sizes) for sizes in plan.report["table_sizes"]] == [[3, 4, 4, 4]] * 2
    assert plan.report["missing_line_slots"] == plan.report["min_missing_line_slots"] == 4


# --- 2. a plan's history is what happened before it --------------------------------------------


def test_an_earlier_session_recorded_later_repeats_nothing_that_happened_after_it(
    make_team, make_session
):
    make_team([3, 3, 3])  # 9 at 3 tables of 3, 2 rounds
    later = make_session(days=60, title="Later")
    later_plan = plan_generate(session=later, seed=1)
    assert later_plan.report["repeats"] == 0
    session_hold(session=later)
    # An earlier session, recorded from a file afterwards, with the very same tables.
    earlier = held(make_session(days=20, title="Eerder"))

    plan = plan_record(session=earlier, rounds=with_lines(later_plan))

    # before the fix: 18 repeats, 3 "pairs met before" at every table (the later session's)
    assert plan.report["repeats"] == 0
    assert plan.report["repeats_history"] == 0
    assert plan.report["repeated_pairs"] == []
    board = plan_board(session=earlier, plan=plan)
    assert [card.repeats for rnd in board.rounds for card in rnd.tables] == [0] * 6
    assert board.repeated == []
    assert plan_history(session=earlier) == []
    # The later session's history holds the earlier one; a new session's holds both, in order.
    assert plan_history(session=later) == stored(plan)
    assert plan_history(session=make_session(days=90)) == stored(plan) + stored(later_plan)


def test_a_plan_changed_after_a_later_session_was_held_counts_only_what_came_before(
    make_team, make_session
):
    make_team([3, 3, 3])
    first = make_session(days=20)
    plan = plan_generate(session=first, seed=0)
    assert plan.report["repeats"] == 0
    # a later session held with the very same tables, while the first is still not held
    later = held(make_session(days=50))
    plan_record(session=later, rounds=with_lines(plan))

    plan_lock(plan=plan, version=plan.version, round_number=1, table=1, locked=True)

    plan.refresh_from_db()
    # before the fix: 2 rounds x 3 tables x 3 pairs = 18, counted against the later session
    assert plan.report["repeats"] == 0
    board = plan_board(session=first, plan=plan)
    assert [card.repeats for rnd in board.rounds for card in rnd.tables] == [0] * 6
    assert plan_history(session=first) == []
    assert board.session_number == 1


def test_on_one_day_the_history_holds_the_session_that_started_earlier(make_team, make_session):
    make_team([3, 3, 3])
    morning = make_session(days=30, start_time=time(9, 0), end_time=time(10, 30))
    afternoon = make_session(days=30, start_time=time(15, 0), end_time=time(16, 30))
    for session in (afternoon, morning):
        plan_generate(session=session, seed=0)
        session_hold(session=session)
    assert plan_history(session=morning) == []
    assert plan_history(session=afternoon) == stored(morning.plan)
    afternoon.refresh_from_db()
    assert plan_board(session=afternoon, plan=afternoon.plan).session_number == 2
    assert plan_board(session=morning, plan=morning.plan).session_number == 1


# --- 3. a locked table keeps its number ---------------------------------------------------------


def test_a_locked_table_keeps_its_number_when_the_plan_is_made_again(make_team, make_session):
    team = make_team([5, 5, 5, 5])  # 20 at 5 tables of 4, one A at each
    session = make_session()
    plan = plan_generate(session=session, seed=0)

    def a_at(number: int, table: int):
        return next(
            m
            for m in team.members["A"]
            if Seat.objects.filter(
                round__plan=plan, round__number=number, table__number=table, member=m
            ).exists()
        )

    # Swaps by hand, so table 1 of round 1 no longer holds the first A (the engine numbers its
    # tables by their first member), nor table 2 of round 2 the second; then lock those two.
    plan_swap(
        plan=plan, version=plan.version, round_number=1, first=a_at(1, 1).pk, second=a_at(1, 5).pk
    )
    plan_swap(
        plan=plan, version=plan.version, round_number=2, first=a_at(2, 2).pk, second=a_at(2, 4).pk
    )
    plan_lock(plan=plan, version=plan.version, round_number=1, table=1, locked=True)
    plan_lock(plan=plan, version=plan.version, round_number=2, table=2, locked=True)
    before = stored(plan)
    for _attempt in range(3):
        plan = plan_generate(session=session, version=plan.version)
        after = stored(plan)
        assert after[0][0] == before[0][0]  # was table 5 before the fix
        assert after[1][1] == before[1][1]  # was table 4 before the fix
        locked = PlanTable.objects.filter(round__plan=plan, locked=True)
        assert sorted(locked.values_list("round__number", "number")) == [(1, 1), (2, 2)]
        # the board (as the projector and the print) numbers the tables as stored
        board = plan_board(session=session, plan=plan)
        assert [card.table.number for card in board.rounds[0].tables] == [1, 2, 3, 4, 5]
        assert board.rounds[0].tables[0].member_ids == set(before[0][0])
        assert board.rounds[1].tables[1].member_ids == set(before[1][1])
        assert plan.report["table_sizes"] == [[4] * 5, [4] * 5]


def test_the_other_tables_fill_the_free_numbers_in_their_own_order():
    tables = [[1, 2], [3, 4], [5, 6], [7, 8]]
    assert _table_order(tables, {}) == [0, 1, 2, 3]
    assert _table_order(tables, {frozenset([5, 6]): 0}) == [2, 0, 1, 3]
    assert _table_order(tables, {frozenset([1, 2]): 3, frozenset([7, 8]): 1}) == [1, 3, 2, 0]
    # a number the round no longer has (fewer tables now): the table takes a free place
    assert _table_order(tables, {frozenset([1, 2]): 6, frozenset([3, 4]): 0}) == [1, 0, 2, 3]


def test_unlocking_is_never_refused_and_keeps_the_count_until_the_plan_is_made_again(
    make_team, make_session
):
    """Unlocking moves nobody: also while someone sits in a line they left, it is allowed (it is
    the way out of a locked table that now breaks a rule) and the plan keeps its last count."""
    *_, plan, _mover = moved_from_c_to_a(make_team, make_session, lock_their_table=True)
    before = (stored(plan), dict(plan.report))
    locked = PlanTable.objects.get(round__plan=plan, round__number=1, locked=True).number
    plan_lock(plan=plan, version=plan.version, round_number=1, table=locked, locked=False)
    plan.refresh_from_db()
    assert (stored(plan), plan.report) == before
    assert not PlanTable.objects.filter(round__plan=plan, locked=True).exists()
    assert plan.changes.order_by("-version").first().kind == PlanChange.Kind.UNLOCK
    # the seat still holds the old line, so the page still offers to seat them in the new one
    # (the unlock rewrote it to the new line, and the flag was gone)
    assert seat_letters(plan, _mover) == ["C", "C"]
    board = plan_board(session=plan.session, plan=plan)
    assert [str(move) for move in board.moved] == ["C1 Lid C1 (C → A)"]


def test_unlocking_the_table_of_someone_who_left_the_team_keeps_their_seat(make_team, make_session):
    """Someone who left sits at a locked table: unlocking moved nobody but failed (their line
    was looked up among the team of the day). Now the table is unlocked, the seat stays until
    "free their seats", and the plan keeps its count."""
    from learninglines.services.people import member_set_active

    team = make_team([4, 4, 4])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    leaver = team.members["A"][0]
    table = Seat.objects.get(round__plan=plan, round__number=1, member=leaver).table.number
    plan_lock(plan=plan, version=plan.version, round_number=1, table=table, locked=True)
    plan.refresh_from_db()
    member_set_active(member=leaver, active=False)
    before = (stored(plan), dict(plan.report))

    plan_lock(plan=plan, version=plan.version, round_number=1, table=table, locked=False)

    plan.refresh_from_db()
    assert (stored(plan), plan.report) == before
    assert not PlanTable.objects.filter(round__plan=plan, locked=True).exists()
    assert seat_letters(plan, leaver) == ["A", "A"]
    assert plan_board(session=session, plan=plan).gone == [leaver.full_name]


# --- 4. a newcomer added to a line after the plan was made --------------------------------------


def test_re_planning_a_round_seats_a_newcomer_in_every_round(
    client, make_team, make_session, steering
):
    """A newcomer lacks a seat in every round, so re-planning one round seats them in each: the
    plan could not be counted with them seated in one round only, and was refused."""
    from tests.factories import MemberFactory

    team = make_team([3, 3, 3])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    before = stored(plan)
    newcomer = MemberFactory(school=session.school, first_name="Nieuw", last_name="Lid")
    membership_move(member=newcomer, line=team.lines[0], start=team.year.start)
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"/s/de-regenboog/sessions/{session.pk}/plan/"

    response = client.post(f"{url}rounds/1/repair/", {"version": plan.version}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Round 1 is re-planned. Round 2 changed too, to match who is there."
    ]
    assert seat_letters(plan, newcomer) == ["A", "A"]
    after = stored(plan)
    for number, (old, new) in enumerate(zip(before, after, strict=True), start=1):
        # the newcomer joins one table of each round; the other tables stay as they were
        joined = [t for t in new if newcomer.pk in t]
        assert len(joined) == 1, number
        assert sorted(t for t in new if newcomer.pk not in t) == sorted(
            t for t in old if sorted([*t, newcomer.pk]) != joined[0]
        )
    change = PlanChange.objects.filter(plan=plan).latest("version")
    assert (change.kind, change.details) == (PlanChange.Kind.REPAIR, {"round": 1, "also": [2]})


def test_re_planning_a_round_for_its_own_late_arrival_leaves_the_other_rounds(
    client, make_team, make_session, steering
):
    team = make_team([3, 3, 3])
    session = make_session()
    late = team.members["B"][1]
    attendance_save(
        session=session,
        changes={late.pk: (PresenceData(), PresenceData(absent=False, first_round=2))},
    )
    plan = plan_generate(session=session, seed=0)
    # the attendance page would seat them at once; a change straight in the database does not
    Seat.objects.filter(round__plan=plan, member=late).delete()
    before = stored(plan)
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"/s/de-regenboog/sessions/{session.pk}/plan/"

    response = client.post(f"{url}rounds/2/repair/", {"version": plan.version}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Round 2 is re-planned."]
    assert stored(plan)[0] == before[0]
    assert seat_letters(plan, late) == ["B"]


def test_after_unlocking_an_absentees_table_re_planning_one_round_repairs_both(
    make_team, make_session
):
    """An absentee at a locked table in each round keeps both from following the attendance.
    Unlocked, re-planning round 1 was refused for round 2 and round 2 for round 1: a loop.
    Either now repairs both."""
    from sessions_app.services.plans import plan_repair_round

    team = make_team([4, 4, 4])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    absentee = team.members["A"][0]
    tables = {
        number: Seat.objects.get(round__plan=plan, round__number=number, member=absentee).table
        for number in (1, 2)
    }
    for number, table in tables.items():
        plan_lock(
            plan=plan, version=plan.version, round_number=number, table=table.number, locked=True
        )
        plan.refresh_from_db()
    attendance_save(
        session=session, changes={absentee.pk: (PresenceData(), PresenceData(absent=True))}
    )
    assert seat_letters(plan, absentee) == ["A", "A"]  # the plan could not follow
    plan.refresh_from_db()
    for number, table in tables.items():
        plan_lock(
            plan=plan, version=plan.version, round_number=number, table=table.number, locked=False
        )
        plan.refresh_from_db()

    result = plan_repair_round(plan=plan, version=plan.version, round_number=1)

    assert result.details == {"round": 1, "also": [2]}
    assert seat_letters(plan, absentee) == []
    plan.refresh_from_db()
    assert [sorted(sizes) for sizes in plan.report["table_sizes"]] == [[3, 4, 4]] * 2
