"""Exact tables and error messages of the grouping engine (no database)."""

from itertools import combinations

import pytest

from sessions_app.grouping import (
    GroupingError,
    Report,
    evaluate,
    plan_rounds,
    repair_round,
    table_options,
)
from sessions_app.grouping.construct import DIFFERENCE_MATRICES, design_tables, max_lines


def make_lines(*sizes):
    """Lines A, B, C, ... with member ids like "A1", "A2"."""
    return {
        chr(65 + i): [f"{chr(65 + i)}{j + 1}" for j in range(size)] for i, size in enumerate(sizes)
    }


def meetings(rounds):
    count = {}
    for rnd in rounds:
        for table in rnd:
            for a, b in combinations(sorted(table), 2):
                count[(a, b)] = count.get((a, b), 0) + 1
    return count


def test_plan_rounds_four_by_four_exact_plan():
    plan = plan_rounds(make_lines(4, 4, 4, 4), 4)

    assert plan.rounds == [
        [
            ["A1", "B1", "C1", "D1"],
            ["A2", "B2", "C2", "D2"],
            ["A3", "B3", "C3", "D3"],
            ["A4", "B4", "C4", "D4"],
        ],
        [
            ["A1", "B2", "C3", "D4"],
            ["A2", "B1", "C4", "D3"],
            ["A3", "B4", "C1", "D2"],
            ["A4", "B3", "C2", "D1"],
        ],
        [
            ["A1", "B3", "C4", "D2"],
            ["A2", "B4", "C3", "D1"],
            ["A3", "B1", "C2", "D4"],
            ["A4", "B2", "C1", "D3"],
        ],
        [
            ["A1", "B4", "C2", "D3"],
            ["A2", "B3", "C1", "D4"],
            ["A3", "B2", "C4", "D1"],
            ["A4", "B1", "C3", "D2"],
        ],
    ]
    assert plan.report.repeats == 0
    assert plan.report.lower_bound == 0
    assert plan.report.lower_bound_tight is True


def test_plan_rounds_four_by_four_every_cross_pair_meets_once():
    lines = make_lines(4, 4, 4, 4)
    plan = plan_rounds(lines, 4, seed=7)

    count = meetings(plan.rounds)
    cross = [
        tuple(sorted((a, b))) for x, y in combinations(lines.values(), 2) for a in x for b in y
    ]
    assert sorted(count) == sorted(cross)
    assert set(count.values()) == {1}


def test_plan_rounds_lines_of_nine_eight_seven():
    plan = plan_rounds(make_lines(9, 8, 7), 3)

    report = plan.report
    assert report.repeats == 0
    assert report.table_sizes == ((3, 3, 3, 3, 3, 3, 3, 3),) * 3
    # 8 tables of three: line C (7) misses one table, line A (9) doubles one, every round
    assert report.missing_line_slots == 3
    assert report.min_missing_line_slots == 3
    assert report.lower_bound == 0


def test_plan_rounds_four_by_six_bound_not_tight():
    plan = plan_rounds(make_lines(6, 6, 6, 6), 6, effort=0.3)

    report = plan.report
    assert report.lower_bound == 0
    assert report.lower_bound_tight is False
    assert report.repeats > 0
    assert report.missing_line_slots == 0
    assert report.table_sizes == ((4,) * 6,) * 6


@pytest.mark.parametrize(("n", "k"), [(5, 4), (7, 4), (8, 5), (9, 3), (12, 3), (12, 4), (20, 4)])
def test_plan_rounds_construction_zero_repeats(n, k):
    plan = plan_rounds(make_lines(*[n] * k), n)

    assert plan.report.repeats == 0
    assert len(plan.rounds) == n


def test_plan_rounds_three_by_four_twelve_rounds_meets_bound():
    plan = plan_rounds(make_lines(4, 4, 4), 12)

    # 4 rounds without repeats, then every meeting repeats: 8 rounds x 4 tables x 3 pairs
    assert plan.report.lower_bound == 96
    assert plan.report.repeats == 96


@pytest.mark.parametrize(("n", "k"), [(12, 3), (12, 4), (9, 5)])
def test_design_tables_every_pair_meets_once(n, k):
    grid = design_tables(n, k, list(range(n)))

    met = {}
    for r in range(n):
        for i in range(k):
            assert sorted(grid[r][i]) == list(range(n))  # one member of each line per table
        for i, j in combinations(range(k), 2):
            for p in range(n):
                for q in range(n):
                    if grid[r][i][p] == grid[r][j][q]:
                        met[(i, p, j, q)] = met.get((i, p, j, q), 0) + 1
    assert len(met) == k * (k - 1) // 2 * n * n
    assert set(met.values()) == {1}


def test_max_lines_covers_prime_powers_and_products():
    orders = (2, 4, 6, 9, 10, 12, 14, 15, 18, 20, 21, 22, 24, 26, 27, 28, 30)
    assert [max_lines(n) for n in orders] == [2, 4, 2, 9, 3, 6, 5, 5, 4, 4, 5, 4, 7, 5, 27, 4, 5]


@pytest.mark.parametrize(("n", "rows"), [(12, 5), (21, 6), (24, 8)])
def test_difference_matrices_have_the_difference_property(n, rows):
    """Any two rows differ, column by column, by every element of the group exactly once."""
    matrix, sub = DIFFERENCE_MATRICES[n]
    assert len(matrix) == rows
    assert all(len(row) == n for row in matrix)
    for upper, lower in combinations(matrix, 2):
        assert sorted(sub(a, b) for a, b in zip(upper, lower, strict=True)) == list(range(n))


def test_plan_rounds_history_absent_stays_valid():
    lines = make_lines(9, 8, 8, 7)
    first = plan_rounds(lines, 3, seed=3)
    plan = plan_rounds(lines, 3, history=first.rounds, absent=["A1", "B2", "D7"], effort=0.3)

    # 29 present in lines of 8, 7, 8 and 6: 7 tables miss one line slot per round (line D),
    # 8 tables (the first plenary's design) would miss three: rule 2 comes first, 7 tables it is
    report = plan.report
    assert [sorted(sizes) for sizes in report.table_sizes] == [[4, 4, 4, 4, 4, 4, 5]] * 3
    assert report.missing_line_slots == report.min_missing_line_slots == 3
    assert report.repeats >= report.lower_bound == 0
    assert all("A1" not in t and "B2" not in t for rnd in plan.rounds for t in rnd)


def test_plan_rounds_same_seed_same_plan():
    lines = make_lines(7, 6, 6, 5)

    one = plan_rounds(lines, 4, seed=11, effort=0.2)
    two = plan_rounds(lines, 4, seed=11, effort=0.2)

    assert one.rounds == two.rounds
    assert one.report == two.report


def test_plan_rounds_locked_table_kept_verbatim():
    lines = make_lines(5, 5, 5, 5)
    plan = plan_rounds(lines, 2, locked={1: [["D5", "A1", "B1", "C1"]]})

    assert ["D5", "A1", "B1", "C1"] in plan.rounds[1]


def test_plan_rounds_apart_pair_never_together():
    lines = make_lines(5, 5, 5, 5)
    plan = plan_rounds(lines, 5, apart=[("A1", "B1"), ("C2", "D3")])

    for rnd in plan.rounds:
        for table in rnd:
            assert not {"A1", "B1"} <= set(table)
            assert not {"C2", "D3"} <= set(table)


def test_evaluate_recounts_hand_edited_plan():
    lines = make_lines(4, 4, 4, 4)
    plan = plan_rounds(lines, 2)
    edited = [plan.rounds[0], plan.rounds[0]]

    report = evaluate(lines, edited)

    assert report.repeats == 24
    assert report.repeats_within == 24
    assert report.repeats_history == 0
    assert report.people_with_repeats == 16
    assert len(report.repeated_pairs) == 24
    assert report.repeated_pairs[0] == (tuple(plan.rounds[0][0][:2]), 1)


def test_evaluate_counts_history_repeats():
    lines = make_lines(3, 3, 3)
    history = [[["A1", "B1", "C1"], ["A2", "B2", "C2"], ["A3", "B3", "C3"]]]

    report = evaluate(lines, history, history=history)

    assert report.repeats == 9
    assert report.repeats_history == 9
    assert report.repeats_within == 0


def test_evaluate_refuses_apart_pair_together():
    lines = make_lines(3, 3, 3)
    rounds = [[["A1", "B1", "C1"], ["A2", "B2", "C2"], ["A3", "B3", "C3"]]]

    with pytest.raises(GroupingError) as caught:
        evaluate(lines, rounds, apart=[("A1", "C1")])

    assert caught.value.code == "plan_apart"


def test_repair_round_unchanged_when_nothing_to_fix():
    lines = make_lines(5, 5, 5, 5)
    plan = plan_rounds(lines, 1)

    fixed = repair_round(lines, plan.rounds[0])

    assert fixed.rounds == plan.rounds
    assert fixed.report.moved == ()


def test_repair_round_absentee_leaves_other_tables_alone():
    lines = make_lines(5, 5, 5, 5)
    current = plan_rounds(lines, 1).rounds[0]

    fixed = repair_round(lines, current, absent=["A1"])

    assert fixed.rounds[0][0] == [m for m in current[0] if m != "A1"]
    assert fixed.rounds[0][1:] == current[1:]
    assert fixed.report.moved == ()
    assert fixed.report.missing_line_slots == 1


def test_repair_round_arrival_seated_at_the_small_table():
    lines = make_lines(5, 5, 5, 5)
    # max_size 4 forces five tables (four would fit 19 people in 5/5/5/4 with every line)
    current = plan_rounds(lines, 1, absent=["B3"], max_size=4).rounds[0]
    small = next(i for i, t in enumerate(current) if len(t) == 3)

    fixed = repair_round(lines, current, arrived=["B3"])

    # 19 members sat at five tables (4, 4, 4, 4, 3), the trio without line B: the late member
    # joins it and makes it a quartet; nobody else moves
    assert current[small] == ["A3", "C3", "D3"]
    assert fixed.report.arrived == ("B3",)
    assert fixed.report.moved == ()
    assert fixed.rounds[0][small] == ["A3", "C3", "D3", "B3"]
    assert sorted(len(t) for t in fixed.rounds[0]) == [4, 4, 4, 4, 4]
    assert fixed.report.missing_line_slots == 0


# Four lines of four at four tables, after the steering group swapped A1 and B2 on purpose:
# tables 0 and 1 each miss a line.
SWAPPED_BY_HAND = (
    ("B2", "B1", "C1", "D1"),
    ("A2", "A1", "C2", "D2"),
    ("A3", "B3", "C3", "D3"),
    ("A4", "B4", "C4", "D4"),
)


def test_repair_round_keeps_a_swap_by_hand_at_tables_nobody_leaves():
    lines = make_lines(4, 4, 4, 4)
    current = [list(table) for table in SWAPPED_BY_HAND]

    fixed = repair_round(lines, current, absent=["C3"])

    # C3 leaves table 2, which becomes a trio; the swap stays, nobody moves
    assert fixed.rounds[0] == [current[0], current[1], ["A3", "B3", "D3"], current[3]]
    assert fixed.report.moved == ()
    assert fixed.report.missing_line_slots == 3


def test_repair_round_restores_the_line_slots_an_absence_costs_beside_a_swap_by_hand():
    lines = make_lines(4, 4, 4, 4)
    current = [list(table) for table in SWAPPED_BY_HAND]

    # two leave table 2: fourteen people still fit four tables (4, 4, 3, 3), and the trio at
    # table 2 takes a member of a line it misses from the one other table nobody changed by hand
    fixed = repair_round(lines, current, absent=["C3", "D3"])

    assert fixed.rounds[0] == [current[0], current[1], ["A3", "B3", "D4"], ["A4", "B4", "C4"]]
    assert fixed.report.moved == ("D4",)
    # C and D have three members now, so each misses a table (2); the swap keeps its 2
    assert fixed.report.min_missing_line_slots == 2
    assert fixed.report.missing_line_slots == 4


def test_repair_round_dissolves_a_table_when_sizes_no_longer_fit():
    lines = make_lines(3, 3, 3)
    current = [["A1", "B1", "C1"], ["A2", "B2", "C2"], ["A3", "B3", "C3"]]

    fixed = repair_round(lines, current, absent=["A3", "B3"])

    assert len(fixed.rounds[0]) == 2
    assert fixed.report.moved == ("C3",)
    assert fixed.report.table_sizes == ((4, 3),)


@pytest.mark.parametrize(
    ("call", "code", "message"),
    [
        (
            lambda: plan_rounds({"A": ["x", "y"], "B": ["y", "z"]}, 1),
            "member_in_two_lines",
            "Member y is in two lines (A and B); a member belongs to exactly one line.",
        ),
        (
            lambda: plan_rounds({"A": ["x", "x", "y"], "B": ["z"]}, 1),
            "member_listed_twice",
            "Member x is listed twice in line A.",
        ),
        (
            lambda: plan_rounds(make_lines(1, 1), 1),
            "sizes_impossible",
            "2 present members cannot sit at tables of 3 to 4 people around the group size of 3 "
            "(0 or 1 tables). Change the group size or the size limits.",
        ),
        (
            lambda: plan_rounds(make_lines(2, 2, 2), 1, absent=["A1"], locked={0: [["A1", "B1"]]}),
            "locked_absent",
            "Member A1 is absent but sits at a locked table in round 0; unlock the table or mark "
            "the member present.",
        ),
        (
            lambda: plan_rounds(
                make_lines(2, 2, 2), 1, apart=[("A1", "B1"), ("B1", "C1"), ("A1", "C1")]
            ),
            "apart_infeasible",
            "The apart pairs cannot all be kept: some members must all sit at different tables, "
            "but there are only 2 tables.",
        ),
        (
            lambda: plan_rounds(make_lines(3, 3, 3), 0),
            "invalid_rounds",
            "The rounds must be a whole number of at least 1.",
        ),
        (
            lambda: plan_rounds(make_lines(3, 3, 3), 1, locked={5: [["A1", "B1", "C1"]]}),
            "locked_invalid",
            "Locked tables are given for round 5, but the rounds run from 0 to 0.",
        ),
        (
            lambda: plan_rounds(make_lines(3, 3, 3), 1, locked={0: [["A1", "B1"]]}),
            "locked_invalid",
            "The locked tables do not fit a balanced table plan: their sizes or their number "
            "cannot go together with the other tables.",
        ),
        (
            lambda: plan_rounds(make_lines(3, 3, 3), 1, min_size=5, max_size=4),
            "invalid_sizes",
            "The minimum table size (5) is larger than the maximum (4).",
        ),
        (
            lambda: plan_rounds(make_lines(3, 3, 3), 1, absent=["A1", "A2", "A3", "x"]),
            None,
            None,
        ),
        (
            lambda: plan_rounds({"A": ["x"]}, 1, absent=["x"]),
            "no_members",
            "There is nobody to seat: every member is absent.",
        ),
        (
            lambda: repair_round(make_lines(3, 3, 3), [["A1", "B1", "Q9"]]),
            "current_invalid",
            "The current round seats 'Q9', who is in no line.",
        ),
        (
            lambda: repair_round(
                make_lines(3, 3, 3),
                [["A1", "B1", "C1"], ["A2", "B2", "C2"], ["A3", "B3", "C3"]],
                absent=["A1"],
                locked=[0],
            ),
            "locked_absent",
            "Member A1 is absent but sits at locked table 0; unlock the table.",
        ),
    ],
)
def test_bad_input_raises_grouping_error(call, code, message):
    if code is None:  # a valid call in the middle of the table: lines emptied by absence are fine
        assert isinstance(call().report, Report)
        return
    with pytest.raises(GroupingError) as caught:
        call()

    assert caught.value.code == code
    assert str(caught.value) == message
    assert caught.value.impossible is True


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ((8, 8, 8, 8), [0, 0, 48]),  # 8 rounds of 8 exist; the third plenary needs 9
        ((12, 12, 11, 11, 10), [0, 0, 0]),  # 11 tables: surplus members fill short lines
        ((16, 15, 15, 14), [0, 0, 0]),
    ],
)
def test_plan_rounds_next_plenaries_continue_the_design(sizes, expected):
    """Each plenary planned with the earlier ones as history takes design rounds not used yet."""
    lines = make_lines(*sizes)
    history: list = []
    repeats = []
    for _ in expected:
        plan = plan_rounds(lines, 3, history=history)
        repeats.append(plan.report.repeats)
        assert plan.report.repeats >= plan.report.lower_bound
        history += plan.rounds
    assert repeats == expected


@pytest.mark.parametrize(
    ("sizes", "group_size", "rounds", "tables", "missing", "repeats"),
    [
        # 150 people: 18 tables miss 1 line slot per round, 19 tables (a design) miss 5. Rule 2
        # comes before repeats: 18 tables, although 19 would give a zero-repeat design
        ((21, 20, 19, 19, 18, 18, 18, 17), None, 3, 18, 3, 0),
        # 13 people in groups of 4: 3 tables (5/4/4) and 4 tables (4/3/3/3) both seat every line
        # at every table; on that tie the count that repeats less wins: 4 tables have a design
        # (zero repeats over 4 rounds), 3 tables cannot avoid repeats within line A
        ((5, 4, 4), 4, 4, 4, 0, 0),
        # 25 people: 6 tables keep every line everywhere, 7 tables would have three trios
        ((7, 6, 6, 6), None, 3, 6, 0, 0),
        ((8, 8, 8, 8), None, 3, 8, 0, 0),
    ],
)
def test_plan_rounds_table_count_rule(sizes, group_size, rounds, tables, missing, repeats):
    plan = plan_rounds(make_lines(*sizes), rounds, group_size=group_size)

    assert [len(rnd) for rnd in plan.rounds] == [tables] * rounds
    assert plan.report.missing_line_slots == plan.report.min_missing_line_slots == missing
    assert plan.report.repeats == repeats


def test_on_a_tie_an_exact_design_beats_a_near_design():
    """32 people in 4 lines of 8, groups of 5: 6 and 7 tables both seat every line everywhere.
    The first plenary met at 7 tables (a design over Z7). At 6 tables only the near design (7
    tables, one dissolved per round) exists, whose dissolved members repeat encounters; the
    exact design at 7 continues without any."""
    lines = make_lines(8, 8, 8, 8)
    first = plan_rounds(lines, 3, group_size=5, tables=7)
    assert first.report.repeats == 0

    plan = plan_rounds(lines, 3, group_size=5, history=first.rounds)

    assert [len(rnd) for rnd in plan.rounds] == [7] * 3
    assert plan.report.missing_line_slots == 0
    assert plan.report.repeats == 0


def test_plan_rounds_table_count_tie_other_side():
    """Same 13 people, but 3 tables are forced by the sizes: the repeats are then the price."""
    plan = plan_rounds(make_lines(5, 4, 4), 4, group_size=4, min_size=4)

    assert [len(rnd) for rnd in plan.rounds] == [3] * 4
    assert plan.report.missing_line_slots == 0
    assert plan.report.repeats >= plan.report.lower_bound > 0


def test_the_table_count_that_keeps_the_apart_pairs_comes_first():
    """18 people in 4 lines (5/5/4/4), groups of 4: 4 tables miss no line slot and 5 tables
    miss 2 a round, but five people who must all sit apart need 5 tables. Rule 1 (apart pairs)
    comes before rule 2: 5 tables, not the error apart_infeasible at 4."""
    lines = {
        "A": ["a1", "a2", "a3", "a4", "a5"],
        "B": ["b1", "b2", "b3", "b4", "b5"],
        "C": ["c1", "c2", "c3", "c4"],
        "D": ["d1", "d2", "d3", "d4"],
    }
    spread = ["a1", "b1", "c1", "d1", "a2"]
    apart = [(x, y) for i, x in enumerate(spread) for y in spread[i + 1 :]]

    plan = plan_rounds(lines, 2, apart=apart, group_size=4)

    assert [len(rnd) for rnd in plan.rounds] == [5, 5]
    assert plan.report.missing_line_slots == plan.report.min_missing_line_slots == 4
    for rnd in plan.rounds:
        assert all(len(set(spread) & set(table)) == 1 for table in rnd)
    # without the apart pairs the rule keeps 4 tables
    assert [len(rnd) for rnd in plan_rounds(lines, 2, group_size=4).rounds] == [4, 4]
    # with one more person who must sit apart no count keeps them: the error names the
    # count rule 2 chose
    six = [*spread, "b2"]
    apart_six = [(x, y) for i, x in enumerate(six) for y in six[i + 1 :]]
    with pytest.raises(GroupingError) as caught:
        plan_rounds(lines, 2, apart=apart_six, group_size=4)
    assert caught.value.code == "apart_infeasible"
    assert caught.value.params["tables"] == 4


def test_the_other_table_count_is_tried_when_locked_tables_and_apart_pairs_clash():
    """5 people in groups of 2: 2 tables (3 and 2) miss fewer line slots than 3, but round 1
    locks A1 with B1, which leaves B2, C1 and C2 at the table of 3, and C1 must be kept apart
    from B2. Rule 1 before rule 2: 3 tables, not a refusal at 2 (found by a fuzzer)."""
    lines = {"A": ["A1"], "B": ["B1", "B2"], "C": ["C1", "C2"]}
    given = {
        "apart": [("A1", "C1"), ("C1", "B2"), ("B2", "B1")],
        "locked": {1: [["A1", "B1"]]},
        "group_size": 2,
        "min_size": 1,
    }
    with pytest.raises(GroupingError) as caught:
        plan_rounds(lines, 3, tables=2, **given)
    # the free table of round 1 cannot keep them apart (it said no_plan_in_budget before)
    assert caught.value.code == "apart_infeasible"
    assert caught.value.params["round"] == 1

    plan = plan_rounds(lines, 3, **given)

    assert [len(rnd) for rnd in plan.rounds] == [3, 3, 3]
    assert ["A1", "B1"] in plan.rounds[1]
    assert plan.report.missing_line_slots == plan.report.min_missing_line_slots == 12
    assert plan.report.repeats == 0
    assert plan.report == evaluate(lines, plan.rounds, **given)


def test_table_options_lists_the_counts_the_rule_weighs():
    lines = make_lines(21, 20, 19, 19, 18, 18, 18, 17)

    assert table_options(lines, group_size=8) == [18, 19]
    # 13 people in groups of 4, at least 4 a table: only 3 tables fit
    assert table_options(make_lines(5, 4, 4), group_size=4, min_size=4) == [3]
    everyone = [f"{c}{i}" for c in "ABC" for i in (1, 2, 3)]
    assert table_options(make_lines(3, 3, 3), absent=everyone) == []


def test_plan_rounds_with_the_other_table_count_shows_its_cost():
    """150 people: the rule picks 18 tables (6 missing line slots over 6 rounds); asked for 19
    tables the plan is the zero-repeat design that misses 5 line slots per round."""
    lines = make_lines(21, 20, 19, 19, 18, 18, 18, 17)
    chosen = plan_rounds(lines, 6, group_size=8)
    other = plan_rounds(lines, 6, group_size=8, tables=19)

    assert [len(rnd) for rnd in chosen.rounds] == [18] * 6
    assert chosen.report.missing_line_slots == chosen.report.min_missing_line_slots == 6
    assert [len(rnd) for rnd in other.rounds] == [19] * 6
    assert other.report.missing_line_slots == other.report.min_missing_line_slots == 30
    assert other.report.repeats == 0
    assert other.report == evaluate(lines, other.rounds)


def test_plan_rounds_tables_must_fit_the_sizes():
    with pytest.raises(GroupingError) as caught:
        plan_rounds(make_lines(4, 4, 4), 2, tables=2)  # tables of 6, the maximum is 4

    assert caught.value.code == "sizes_impossible"
    assert caught.value.params == {
        "members": 12,
        "group_size": 3,
        "min_size": 3,
        "max_size": 4,
        "tables": [2],
    }
    with pytest.raises(GroupingError) as caught:
        plan_rounds(make_lines(4, 4, 4), 2, tables=0)
    assert caught.value.code == "invalid_tables"
    assert caught.value.params == {"field": "tables", "value": 0}
