"""Inputs of other schools and other tools: the public API refuses what it cannot plan with a
GroupingError whose code fits the input, and never hangs or crashes on it (no database)."""

import pytest

from sessions_app.grouping import GroupingError, evaluate, plan_rounds, repair_round

pytestmark = pytest.mark.db_independent


def make_lines(*sizes):
    return {
        chr(65 + i): [f"{chr(65 + i)}{j}" for j in range(1, size + 1)]
        for i, size in enumerate(sizes)
    }


def refusal(call):
    with pytest.raises(GroupingError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(
    ("effort", "params"),
    [
        # NaN passed the `<= 0` check and planned with no budget at all
        (float("nan"), None),
        # an endless budget: where the lower bound cannot be reached the search never ended
        (float("inf"), None),
        (1e300, {"field": "effort", "value": 1e300, "max": 100}),
        (101, {"field": "effort", "value": 101, "max": 100}),
        # too large for a float: the budget's arithmetic raised OverflowError
        pytest.param(10**400, None, id="10**400"),
    ],
)
def test_an_effort_that_is_not_a_finite_number_up_to_100_is_refused(effort, params):
    error = refusal(lambda: plan_rounds(make_lines(4, 4, 4), 3, effort=effort))

    assert error.code == "invalid_effort"
    assert error.impossible is True
    if params is not None:
        assert error.params == params
        assert str(error) == "The effort is at most 100."
    else:
        assert error.params["field"] == "effort"
        assert str(error) == "The effort must be a positive number."


def test_the_largest_effort_still_plans():
    plan = plan_rounds(make_lines(4, 4, 4), 3, effort=100)

    assert plan.report.repeats == 0
    assert plan.report.proven_optimal is True


@pytest.mark.parametrize(
    "limit", [float("nan"), float("inf"), 10**400], ids=["nan", "inf", "10**400"]
)
def test_a_time_limit_that_is_not_a_finite_number_is_refused(limit):
    # NaN and infinity were taken as "no limit"; 10**400 raised OverflowError (the deadline)
    error = refusal(lambda: plan_rounds(make_lines(4, 4, 4), 3, time_limit=limit))

    assert error.code == "invalid_time_limit"
    assert error.params["field"] == "time_limit"
    assert str(error) == "The time limit must be a positive number."


def test_repair_refuses_to_lock_an_empty_table_as_a_lock_not_as_sizes():
    # another tool's round with an empty table: locking it said "sizes_impossible", as if the
    # number of people could not be seated at all
    current = [["A1", "B1", "C1"], [], ["A2", "B2", "C2"], ["A3", "B3", "C3"]]

    error = refusal(lambda: repair_round(make_lines(3, 3, 3), current, locked=[1]))

    assert error.code == "locked_invalid"
    assert error.params == {"table": 1}
    assert str(error) == "Table 1 of the current round is empty and cannot be locked."


def test_repair_with_an_empty_table_that_is_not_locked_drops_it():
    current = [["A1", "B1", "C1"], [], ["A2", "B2", "C2"], ["A3", "B3", "C3"]]

    plan = repair_round(make_lines(3, 3, 3), current, locked=[0])

    assert plan.rounds == [[["A1", "B1", "C1"], ["A2", "B2", "C2"], ["A3", "B3", "C3"]]]
    assert plan.report.moved == ()


def test_a_sloppy_history_counts_the_same_in_the_plan_and_in_evaluate():
    # another planner's history: a stranger, a table of one, someone at two tables, an empty
    # table and an absent member; unknown ids are ignored, every listed meeting counts
    lines = make_lines(3, 3, 3)
    history = [
        [["A1", "B1", "C1", "Q9"], ["A2"], ["A3", "B2", "A1"], [], ["B3", "C2", "C3"]],
        [["A1", "A2", "A3", "B1", "B2", "B3", "C1", "C2", "C3"]],
    ]

    plan = plan_rounds(lines, 2, history=history, absent=["C3"], seed=3)
    report = evaluate(lines, plan.rounds, history=history, absent=["C3"])

    assert report == plan.report
    assert plan.report.table_sizes == ((4, 4), (4, 4))
    # the second history round seated everybody together: each of the 2 x 2 x 6 new meetings
    # is a repeat
    assert plan.report.repeats == plan.report.repeats_history == 24
    assert plan.report.lower_bound == 24
    assert plan.report.proven_optimal is True


# 14 people at 7 tables of 2, and 41 pairs kept apart (each member here is kept apart from the
# ones listed): a fuzzer's case, shrunk. One round plans; over two rounds the search ended with
# one pair together in one round, and the engine said no_plan_in_budget.
KEPT_APART = {
    "A1": "A3 A4 A7 A8 B1 B4",
    "A2": "A3 A4 A7 A8 B1 B4",
    "A3": "A4 A7 A8 B1 B3 B4 B6",
    "A4": "A7 A8 B1 B4 B5",
    "A5": "B1",
    "A6": "A7 A8 B4",
    "A7": "A8 B1 B3 B4 B5 B6",
    "A8": "B1 B3 B4 B6",
    "B1": "B4",
    "B3": "B4",
    "B4": "B6",
}


def test_a_round_that_keeps_the_apart_pairs_stands_in_for_one_that_does_not():
    lines = make_lines(8, 6)
    apart = [(a, b) for a, others in KEPT_APART.items() for b in others.split()]
    sizes = {"group_size": 2, "min_size": 1, "max_size": 2}
    assert len(plan_rounds(lines, 1, apart=apart, **sizes).rounds) == 1

    plan = plan_rounds(lines, 2, apart=apart, **sizes)

    for tables in plan.rounds:
        assert sorted(m for table in tables for m in table) == sorted(lines["A"] + lines["B"])
        assert [len(table) for table in tables] == [2] * 7
        assert not [table for table in tables if tuple(table) in apart]
        assert not [table for table in tables if tuple(reversed(table)) in apart]
    # rule 1 before rules 2 and 3: more missing line slots than the least, and some repeats
    assert plan.report.missing_line_slots == 6
    assert plan.report.min_missing_line_slots == 2
    assert plan.report.repeats == 5
    assert evaluate(lines, plan.rounds, apart=apart, **sizes) == plan.report


def test_a_ring_of_five_apart_pairs_at_two_tables_is_impossible_not_out_of_budget():
    # six people at two tables of three; 1-3-5-2-4-1 is a ring of five, which two tables
    # cannot split (the clique check sees at most two people who must all sit apart)
    error = refusal(
        lambda: plan_rounds(
            {"A": [1, 2], "B": [3, 4], "C": [5, 6]},
            2,
            apart=[(1, 3), (3, 5), (5, 2), (2, 4), (4, 1)],
            seed=0,
        )
    )
    assert (error.code, error.impossible) == ("apart_infeasible", True)
    assert error.params == {"tables": 2, "members": [1, 2, 3, 4, 5], "linked": True}


def test_a_ring_of_four_apart_pairs_at_two_tables_is_planned():
    plan = plan_rounds(
        {"A": [1, 2], "B": [3, 4], "C": [5, 6]}, 2, apart=[(1, 3), (3, 2), (2, 4), (4, 1)]
    )
    for rnd in plan.rounds:
        for table in rnd:
            assert not any({a, b} <= set(table) for a, b in [(1, 3), (3, 2), (2, 4), (4, 1)])
