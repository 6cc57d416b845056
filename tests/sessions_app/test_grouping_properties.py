"""Invariants of the grouping engine over many random inputs (hypothesis, no database)."""

from hypothesis import assume, given
from hypothesis import strategies as st

from sessions_app.grouping import GroupingError, evaluate, plan_rounds, repair_round

EFFORT = 0.02  # a small deterministic budget: the invariants hold at any budget
REFUSALS = {("sizes_impossible", True), ("apart_infeasible", True), ("no_members", True)}


@st.composite
def instances(draw):
    """Lines of 1..12 members (3..8 lines), history, absentees and sparse apart pairs."""
    sizes = draw(st.lists(st.integers(1, 12), min_size=3, max_size=8))
    lines = {f"L{i}": [f"{i}-{j}" for j in range(size)] for i, size in enumerate(sizes)}
    everyone = [m for members in lines.values() for m in members]
    absent = draw(st.lists(st.sampled_from(everyone), max_size=4, unique=True))
    present = [m for m in everyone if m not in absent]
    history = []
    for _ in range(draw(st.integers(0, 3))):
        order = draw(st.permutations(everyone))
        width = draw(st.integers(2, 6))
        history.append([order[i : i + width] for i in range(0, len(order), width)])
    # disjoint pairs, so one member never has to avoid several others
    pool = draw(st.permutations(present)) if present else []
    count = draw(st.integers(0, min(3, len(pool) // 2)))
    apart = [(pool[2 * i], pool[2 * i + 1]) for i in range(count)]
    rounds = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 1000))
    return lines, rounds, history, absent, apart, seed


def plan_or_skip(lines, rounds, **kwargs):
    try:
        return plan_rounds(lines, rounds, effort=EFFORT, **kwargs)
    except GroupingError as error:
        # only impossible inputs may be refused; the budget must never run out here
        refused = error
    assert (refused.code, refused.impossible) in REFUSALS, refused.message
    assume(False)


def check_hard_rules(lines, plan, absent, apart, min_size=3, max_size=None):
    present = sorted(m for members in lines.values() for m in members if m not in absent)
    for rnd in plan.rounds:
        seated = sorted(m for table in rnd for m in table)
        assert seated == present
        sizes = [len(t) for t in rnd]
        assert max(sizes) - min(sizes) <= 1
        assert min(sizes) >= min_size
        if max_size is not None:
            assert max(sizes) <= max_size
        for table in rnd:
            for a, b in apart:
                assert not (a in table and b in table)


@given(instances())
def test_plan_rounds_keeps_hard_rules_and_line_minimum(data):
    lines, rounds, history, absent, apart, seed = data
    plan = plan_or_skip(lines, rounds, history=history, absent=absent, apart=apart, seed=seed)

    check_hard_rules(lines, plan, absent, apart)
    k = sum(1 for members in lines.values() if any(m not in absent for m in members))
    g = max(3, k)
    assert max(max(r) for r in plan.report.table_sizes) <= g + 1
    assert plan.report.missing_line_slots == plan.report.min_missing_line_slots
    assert plan.report.repeats >= plan.report.lower_bound


@given(instances())
def test_plan_rounds_report_equals_recount(data):
    lines, rounds, history, absent, apart, seed = data
    plan = plan_or_skip(lines, rounds, history=history, absent=absent, apart=apart, seed=seed)

    report = evaluate(lines, plan.rounds, history=history, absent=absent, apart=apart)

    assert report == plan.report
    assert plan.report.repeats == plan.report.repeats_history + plan.report.repeats_within
    assert plan.report.repeats == sum(count for _, count in plan.report.repeated_pairs)


@given(instances())
def test_plan_rounds_same_seed_same_plan(data):
    lines, rounds, history, absent, apart, seed = data
    one = plan_or_skip(lines, rounds, history=history, absent=absent, apart=apart, seed=seed)
    two = plan_rounds(
        lines, rounds, history=history, absent=absent, apart=apart, seed=seed, effort=EFFORT
    )

    assert one.rounds == two.rounds
    assert one.report == two.report


@given(instances(), st.data())
def test_plan_rounds_keeps_locked_tables(data, more):
    lines, rounds, history, absent, apart, seed = data
    free = plan_or_skip(lines, rounds, absent=absent, apart=apart, seed=seed)
    r = more.draw(st.integers(0, rounds - 1))
    table = more.draw(st.sampled_from(free.rounds[r]))
    locked = {r: [table]}

    plan = plan_rounds(
        lines, rounds, history=history, absent=absent, apart=apart, locked=locked, effort=EFFORT
    )

    check_hard_rules(lines, plan, absent, apart)
    assert table in plan.rounds[r]
    assert plan.report.missing_line_slots == plan.report.min_missing_line_slots


@given(instances(), st.data())
def test_repair_round_moves_only_people_at_affected_tables(data, more):
    lines, _, history, absent, apart, seed = data
    plan = plan_or_skip(lines, 1, history=history, absent=absent, apart=apart, seed=seed)
    current = plan.rounds[0]
    everyone = sorted(m for members in lines.values() for m in members)
    gone = more.draw(st.lists(st.sampled_from(everyone), max_size=3, unique=True))
    seated = {m for t in current for m in t}
    late = [m for m in absent if m not in gone and m not in seated]
    try:
        fixed = repair_round(
            lines, current, history=history, absent=gone, arrived=late, apart=apart
        )
    except GroupingError as error:
        refused = error
        fixed = None
    if fixed is None:
        assert (refused.code, refused.impossible) in REFUSALS, refused.message
        assume(False)

    new_round = fixed.rounds[0]
    present = sorted((seated - set(gone)) | set(late))
    assert sorted(m for t in new_round for m in t) == present
    sizes = [len(t) for t in new_round]
    assert max(sizes) - min(sizes) <= 1
    assert min(sizes) >= 3
    for table in new_round:
        for a, b in apart:
            assert not (a in table and b in table)
    assert fixed.report.missing_line_slots == fixed.report.min_missing_line_slots
    # every table nobody moved from or to is still there as it was (minus absentees); a table
    # that had to be dissolved shifts the positions of the ones after it, so compare contents
    touched = set(fixed.report.moved) | set(late)
    where = {m: i for i, t in enumerate(current) for m in t}
    for table in current:
        kept = [m for m in table if m not in gone]
        if touched & set(table) or not kept:
            continue
        [now] = [t for t in new_round if set(kept) <= set(t)]
        assert set(now) - set(kept) <= touched  # only moved people and arrivals joined it
        if set(now) == set(kept):
            assert now == kept
    for m in fixed.report.moved:
        assert m in where
    assert set(fixed.report.arrived) == set(late)
    # nothing to fix: nobody moves
    if not gone and not late:
        assert fixed.report.moved == ()
        assert new_round == current


def test_apart_pairs_all_cross_line_pairs_fine():
    lines = {"A": ["a1", "a2", "a3"], "B": ["b1", "b2", "b3"], "C": ["c1", "c2", "c3"]}
    apart = [("a1", "b1"), ("b2", "c2"), ("a3", "c3")]

    plan = plan_rounds(lines, 2, apart=apart)

    for rnd in plan.rounds:
        for table in rnd:
            for a, b in apart:
                assert not (a in table and b in table)
    assert all(len(t) == 3 for rnd in plan.rounds for t in rnd)
