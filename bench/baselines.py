"""Two simple planners: a random shuffle and a greedy seat-by-seat choice.

The bench uses them to make history "another planner made" (the first year of a real school:
hand-made plans, an earlier tool) and as reference columns.
"""

from __future__ import annotations

from itertools import combinations


def table_sizes(n, tables):
    base, big = divmod(n, tables)
    return [base + 1] * big + [base] * (tables - big)


def add_round(met, rnd):
    for table in rnd:
        for pair in combinations(sorted(table), 2):
            met[pair] = met.get(pair, 0) + 1


def met_in(history):
    met = {}
    for rnd in history:
        add_round(met, rnd)
    return met


def repeats(rounds, history):
    """Report.repeats: m if the pair met in history, else m - 1."""
    past = met_in(history)
    new = met_in(rounds)
    return sum(m if pair in past else m - 1 for pair, m in new.items())


def missing(rounds, line_of, lines_present):
    """(table, line) slots where a line with a present member has nobody at the table."""
    return sum(len(lines_present - {line_of[m] for m in t}) for rnd in rounds for t in rnd)


def random_planner(present, tables, rounds, rng):
    """Balanced tables of a plain shuffle, round after round (no regard for lines or history)."""
    sizes = table_sizes(len(present), tables)
    plan = []
    for _ in range(rounds):
        order = present[:]
        rng.shuffle(order)
        rnd, start = [], 0
        for size in sizes:
            rnd.append(order[start : start + size])
            start += size
        plan.append(rnd)
    return plan


def greedy_planner(present, line_of, tables, rounds, history, rng, apart=()):
    """Seat by seat: the member adding the fewest repeats, then a line not yet at the table."""
    apart = {tuple(sorted(p)) for p in apart}
    met = met_in(history)
    sizes = table_sizes(len(present), tables)
    plan = []
    for _ in range(rounds):
        left = present[:]
        rng.shuffle(left)
        rnd = []
        for size in sizes:
            table = [left.pop()]
            while len(table) < size:
                lines_here = {line_of[m] for m in table}

                def cost(m, table=table, lines_here=lines_here):
                    pairs = [tuple(sorted((m, o))) for o in table]
                    return (
                        sum(p in apart for p in pairs),
                        sum(met.get(p, 0) > 0 for p in pairs),
                        line_of[m] in lines_here,
                    )

                pick = min(left, key=cost)
                left.remove(pick)
                table.append(pick)
            rnd.append(table)
        plan.append(rnd)
        add_round(met, rnd)
    return plan
