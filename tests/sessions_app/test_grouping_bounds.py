"""The lower bound on repeats against a brute-force oracle: every plan of tiny instances.

A bound is only worth its name if no plan that keeps rules 1 and 2 (balanced tables, the least
missing line slots) repeats less. The oracle enumerates every such plan of instances small enough
to list (up to 7 members, 2 or 3 tables, 1 or 2 rounds, random earlier rounds) and counts
repeats in the plain way of the report: a pair meeting m times now and h times before counts m
if h > 0, else m - 1.
"""

import random
from itertools import combinations, product

import pytest

from sessions_app.grouping import evaluate, plan_rounds
from sessions_app.grouping.bounds import (
    chain_bound,
    encounters,
    fresh_pairs,
    lower_bound,
    round_min_missing,
)
from sessions_app.grouping.model import normalise, split_sizes


def partitions(members, sizes):
    """Every way to seat `members` at tables of these sizes (tables of one size unordered)."""
    if not sizes:
        yield []
        return
    first, rest = members[0], members[1:]
    size = sizes[0]
    for others in combinations(rest, size - 1):
        table = (first, *others)
        left = [m for m in rest if m not in others]
        for tail in partitions(left, sizes[1:]):
            yield [table, *tail]


def fewest_repeats(inst, tables, rounds):
    base, big = split_sizes(inst.n, tables)
    sizes = [base + 1] * big + [base] * (tables - big)
    least_missing = round_min_missing(inst, tables, [])
    allowed = []
    for plan in partitions(list(range(inst.n)), sizes):
        missing = sum(inst.k - len({inst.line_of[m] for m in table}) for table in plan)
        if missing == least_missing:
            allowed.append([frozenset(combinations(sorted(t), 2)) for t in plan])
    best = None
    for chosen in product(allowed, repeat=rounds):
        count = {}
        for plan in chosen:
            for pairs in plan:
                for a, b in pairs:
                    count[a, b] = count.get((a, b), 0) + 1
        repeats = 0
        for (a, b), m in count.items():
            repeats += m if inst.hist_count.get(a * inst.n + b) else m - 1
        if best is None or repeats < best:
            best = repeats
    return best


def random_history(rng, people):
    """Up to 4 earlier rounds of the people shuffled over 1 to 3 tables."""
    history = []
    for _ in range(rng.randint(0, 4)):
        shuffled = people[:]
        rng.shuffle(shuffled)
        count = rng.randint(1, 3)
        history.append([shuffled[i::count] for i in range(count)])
    return history


def tiny_instance(rng):
    k = rng.randint(2, 3)
    sizes = [rng.randint(1, 3) for _ in range(k)]
    while sum(sizes) < 5:
        sizes[rng.randrange(k)] += 1
    sizes = [min(s, 4) for s in sizes]
    lines = {chr(65 + i): [f"{chr(65 + i)}{j}" for j in range(s)] for i, s in enumerate(sizes)}
    people = [m for members in lines.values() for m in members][:7]
    lines = {name: [m for m in members if m in people] for name, members in lines.items()}
    lines = {name: members for name, members in lines.items() if members}
    history = random_history(rng, people)
    tables = 2 if len(people) < 6 else rng.randint(2, 3)
    rounds = rng.randint(1, 2)
    return normalise(lines, history=history), tables, rounds


@pytest.mark.parametrize("seed", range(60))
def test_lower_bound_never_exceeds_the_fewest_repeats_of_any_plan(seed):
    inst, tables, rounds = tiny_instance(random.Random(seed))

    best = fewest_repeats(inst, tables, rounds)

    assert lower_bound(inst, rounds, tables, {}) <= best


def test_per_member_bound_is_reached_where_the_other_counts_fall_short():
    """Two lines of three at two tables of three for one round, after three rounds that left
    4 of the 15 pairs fresh. The global count says 6 - 4 = 2, and so does the per-line count
    (A0, A2, B1 and B2 have met the whole other line, which sits at every table). Member by
    member: those four take part in a repeat each, and B0, who meets two people, has one fresh
    partner left (A1), so a fifth member-repeat: at least 5 / 2, so 3, the optimum."""
    lines = {"A": ["A0", "A1", "A2"], "B": ["B0", "B1", "B2"]}
    history = [
        [["B1", "A1"], ["A2", "B0"], ["B2", "A0"]],
        [["A1", "B2", "A2"], ["B0", "A0", "B1"]],
        [["B0", "A0", "B2"], ["B1", "A2", "A1"]],
    ]
    inst = normalise(lines, history=history)

    assert encounters(inst, 1, 2) - fresh_pairs(inst) == 2
    assert lower_bound(inst, 1, 2, {}) == 3 == fewest_repeats(inst, 2, 1)
    plan = plan_rounds(lines, 1, history=history)
    assert plan.report.repeats == plan.report.lower_bound == 3
    assert plan.report.proven_optimal is True


def test_no_bound_is_claimed_for_a_plan_with_more_missing_line_slots_than_the_least():
    """4 lines of 8 after a session of 2 rounds; A1 is kept apart from every member of B. At the
    least missing line slots (none: B sits at every table) A1 would meet a B each round, all
    apart, so the bound says 2; but rule 1 comes first, the plan leaves B out of A1's table and
    repeats nothing. The bound holds only for plans at the least slots: this one gets 0."""
    lines = {line: [f"{line}{i}" for i in range(1, 9)] for line in "ABCD"}
    history = plan_rounds(lines, 2, seed=0).rounds
    apart = [("A1", f"B{i}") for i in range(1, 9)]
    inst = normalise(lines, history=history, apart=apart)
    assert lower_bound(inst, 2, 8, {}) == 2

    report = plan_rounds(lines, 2, history=history, apart=apart, seed=0).report

    assert (report.missing_line_slots, report.min_missing_line_slots) == (4, 0)
    assert (report.repeats, report.lower_bound) == (0, 0)
    assert report.proven_optimal is True


def test_a_change_by_hand_that_adds_missing_line_slots_drops_the_bound():
    """3 lines of 3 over 4 rounds: 9 repeats, and no plan at the least slots has fewer. A swap
    across lines leaves two tables without a line: the report claims no bound for it."""
    lines = {line: [f"{line}{i}" for i in range(1, 4)] for line in "ABC"}
    plan = plan_rounds(lines, 4, seed=0)
    assert (plan.report.repeats, plan.report.lower_bound, plan.report.proven_optimal) == (
        9,
        9,
        True,
    )
    rounds = [[list(t) for t in rnd] for rnd in plan.rounds]
    first, second = rounds[0][0], rounds[0][1]
    a = next(m for m in first if m.startswith("A"))
    b = next(m for m in second if m.startswith("B"))
    first[first.index(a)], second[second.index(b)] = b, a

    report = evaluate(lines, rounds)

    assert (report.missing_line_slots, report.min_missing_line_slots) == (2, 0)
    assert (report.lower_bound, report.lower_bound_tight, report.proven_optimal) == (0, True, False)


def test_tables_larger_than_their_number_force_repeats_from_round_to_round():
    """15 people in lines of 4, 4, 4 and 3 at 3 tables of 5 (rule 2 picks 3 tables: every line
    at every table). The five people at one table sit at three tables in the next round, so at
    least two of their pairs meet again: 3 tables x 2 = 6 repeats over 2 rounds, and 12 over 3.
    The other counts say 0; the engine reaches 6 and now says it is optimal."""
    lines = {
        "A": ["a1", "a2", "a3", "a4"],
        "B": ["b1", "b2", "b3", "b4"],
        "C": ["c1", "c2", "c3", "c4"],
        "D": ["d1", "d2", "d3"],
    }
    inst = normalise(lines)
    assert (chain_bound(inst, 1, 3), chain_bound(inst, 2, 3), chain_bound(inst, 3, 3)) == (0, 6, 12)
    assert lower_bound(inst, 2, 3, {}) == 6

    report = plan_rounds(lines, 2, seed=0).report

    assert (len(report.table_sizes[0]), report.repeats, report.lower_bound) == (3, 6, 6)
    assert report.proven_optimal is True


def test_a_large_table_of_an_earlier_round_forces_repeats_in_the_first_new_one():
    """12 people met at two tables of 6; now they sit at 4 tables of 3. The six of one earlier
    table take at least two pairs along to the new tables (six people at four tables), so each
    earlier table forces 2 repeats: 4 in all, and as every meeting of people who met before is
    a repeat, 4 in each new round: 8 over 2 rounds. The engine reaches both."""
    lines = {line: [f"{line.lower()}{i}" for i in range(1, 5)] for line in "ABC"}
    history = [[["a1", "a2", "b1", "b2", "c1", "c2"], ["a3", "a4", "b3", "b4", "c3", "c4"]]]
    inst = normalise(lines, history=history)
    assert (chain_bound(inst, 1, 4), chain_bound(inst, 2, 4)) == (4, 8)
    assert (lower_bound(inst, 1, 4, {}), lower_bound(inst, 2, 4, {})) == (4, 8)

    for rounds, repeats in [(1, 4), (2, 8)]:
        report = plan_rounds(lines, rounds, history=history, group_size=3, seed=0).report
        assert (len(report.table_sizes[0]), report.repeats, report.lower_bound) == (
            4,
            repeats,
            repeats,
        )
        assert report.proven_optimal is True


def test_someone_seated_twice_in_an_earlier_round_counts_at_the_first_table_only():
    """History from another tool may seat a person at two tables of one round; for the bound
    each earlier round's tables are kept apart (ids in no line are left out)."""
    lines = {"A": ["a1", "a2"], "B": ["b1", "b2"], "C": ["c1", "c2"]}
    inst = normalise(lines, history=[[["a1", "b1", "c1"], ["a1", "b2", "c2", "zz"]]])
    ids = [[[inst.ids[m] for m in table] for table in rnd] for rnd in inst.history_tables]
    assert ids == [[["a1", "b1", "c1"], ["b2", "c2"]]]


def test_line_mates_who_never_met_cannot_absorb_a_meeting():
    """Three lines of two at three tables of two, after every two people of different lines
    have met. The least missing line slots put the two members of a line at different tables,
    so nobody can sit with the only people they have not met: every meeting is a repeat, 3 per
    round. The member count used to take the fresh line mate as a free partner (bound 0 over
    one round, 3 over two)."""
    lines = {"A": ["A0", "A1"], "B": ["B0", "B1"], "C": ["C0", "C1"]}
    history = [[[a, b]] for x, y in ("AB", "AC", "BC") for a, b in product(lines[x], lines[y])]
    inst = normalise(lines, history=history)

    assert (lower_bound(inst, 1, 3, {}), lower_bound(inst, 2, 3, {})) == (3, 6)
    assert fewest_repeats(inst, 3, 1) == 3
    for rounds in (1, 2):
        report = plan_rounds(
            lines, rounds, history=history, group_size=2, min_size=2, max_size=2
        ).report
        assert report.repeats == report.lower_bound == 3 * rounds
        assert report.proven_optimal is True


def capped_instance(rng):
    """Up to 8 members in 2 to 4 lines at 2 or 3 tables, random earlier rounds."""
    k = rng.randint(2, 4)
    sizes = [rng.randint(1, 4) for _ in range(k)]
    while sum(sizes) > 8:
        sizes[rng.randrange(k)] = max(1, sizes[rng.randrange(k)] - 1)
    lines = {chr(65 + i): [f"{chr(65 + i)}{j}" for j in range(s)] for i, s in enumerate(sizes)}
    people = [m for members in lines.values() for m in members]
    history = random_history(rng, people)
    tables = rng.randint(2, 3) if len(people) >= 6 else 2
    return normalise(lines, history=history), tables, rng.randint(1, 2)


# the seeds below 3,000 at which the rules' limits on meeting a line raised the bound: a member
# meets at most one of a line that sits one per table, and none of its own line (the member
# count), and such line mates' fresh pairs absorb nothing (the global count). 30,000 seeds
# were checked this way offline: never above the optimum
LINE_CAPPED = [161, 348, 493, 517, 901, 910, 1005, 1116, 1291, 1333, 1380, 1468, 1646, 1659]
LINE_CAPPED += [73, 132, 168, 253, 346, 482, 639, 662, 677, 821, 942, 955, 1235, 1417, 1455]


@pytest.mark.parametrize("seed", LINE_CAPPED)
def test_the_line_limit_keeps_the_bound_at_or_below_the_fewest_repeats(seed):
    inst, tables, rounds = capped_instance(random.Random(seed))

    assert lower_bound(inst, rounds, tables, {}) <= fewest_repeats(inst, tables, rounds)


def test_line_mates_who_never_met_leave_the_global_count_fewer_free_pairs():
    """Five people, D0 and D1 a line of two, who have met except A0-B0, C0-D1 and D0-D1. Two
    tables (of 3 and 2) over two rounds seat 8 encounters, and only 2 fresh pairs can absorb
    one each: D0 and D1 never share a table while the line slots stay the least. So 6 repeats,
    the optimum; counting D0-D1 as free said 5."""
    lines = {"A": ["A0"], "B": ["B0"], "C": ["C0"], "D": ["D0", "D1"]}
    history = [
        [["A0", "C0"]],
        [["A0", "D0"], ["B0", "D1"]],
        [["A0", "D1"], ["B0", "D0"]],
        [["B0", "C0"]],
        [["C0", "D0"]],
    ]
    inst = normalise(lines, history=history)

    assert encounters(inst, 2, 2) - fresh_pairs(inst) == 5
    assert lower_bound(inst, 2, 2, {}) == 6 == fewest_repeats(inst, 2, 2)
    report = plan_rounds(lines, 2, history=history, group_size=3, min_size=2).report
    assert report.repeats == report.lower_bound == 6
    assert report.proven_optimal is True
