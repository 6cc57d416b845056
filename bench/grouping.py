"""Benchmark of the grouping engine against a random shuffle and a greedy seat-by-seat choice.

Run from the repository root: ``python bench/grouping.py`` (``--quick`` for a fast subset).
Prints one row per instance: members, lines, rounds, the engine's lower bound (and whether it
is tight, i.e. not known to be unreachable), the repeats of the engine and of both baselines
(counted as in Report.repeats), and the engine's wall time at the default effort.
"""

from __future__ import annotations

import json
import random
import sys
import time
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sessions_app.grouping import plan_rounds

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def make_lines(*sizes):
    return {
        chr(65 + i): [f"{chr(65 + i)}{j + 1}" for j in range(size)] for i, size in enumerate(sizes)
    }


def repeats(rounds, history):
    """Report.repeats: m if the pair met in history, else m - 1."""
    past = set()
    for rnd in history:
        for table in rnd:
            past.update(combinations(sorted(table), 2))
    new = {}
    for rnd in rounds:
        for table in rnd:
            for pair in combinations(sorted(table), 2):
                new[pair] = new.get(pair, 0) + 1
    return sum(m if pair in past else m - 1 for pair, m in new.items())


def missing(rounds, line_of, lines_present):
    """(table, line) slots where a line with a present member has nobody at the table."""
    return sum(len(lines_present - {line_of[m] for m in t}) for rnd in rounds for t in rnd)


def table_sizes(n, tables):
    base, big = divmod(n, tables)
    return [base + 1] * big + [base] * (tables - big)


def score(table_members, met, apart):
    """(apart pairs together, repeats this round adds) for one round."""
    clash = bad = 0
    for table in table_members:
        for pair in combinations(sorted(table), 2):
            clash += met.get(pair, 0) > 0
            bad += pair in apart
    return bad, clash


def add_round(met, rnd):
    for table in rnd:
        for pair in combinations(sorted(table), 2):
            met[pair] = met.get(pair, 0) + 1


def met_in(history):
    met = {}
    for rnd in history:
        add_round(met, rnd)
    return met


def random_baseline(present, tables, rounds, history, apart, rng):
    """Best of 100 shuffles per round (balanced sizes; apart pairs avoided where a shuffle can)."""
    met = met_in(history)
    sizes = table_sizes(len(present), tables)
    plan = []
    for _ in range(rounds):
        best = None
        for _ in range(100):
            order = present[:]
            rng.shuffle(order)
            rnd, start = [], 0
            for size in sizes:
                rnd.append(order[start : start + size])
                start += size
            key = score(rnd, met, apart)
            if best is None or key < best[0]:
                best = (key, rnd)
        plan.append(best[1])
        add_round(met, best[1])
    return plan


def greedy_baseline(present, line_of, tables, rounds, history, apart, rng):
    """Seat by seat: the member adding the fewest repeats, then a line not yet at the table."""
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


def fixture_150():
    """150 members in 8 lines with the engine's own two earlier plenaries as history.

    Written once, then committed: a school that plans every plenary with this engine.
    """
    path = FIXTURES / "school_150.json"
    if not path.exists():
        lines = make_lines(21, 20, 19, 19, 18, 18, 18, 17)
        first = plan_rounds(lines, 3, group_size=8, seed=101).rounds
        second = plan_rounds(lines, 3, group_size=8, seed=102, history=first).rounds
        data = {"lines": lines, "history": first + second, "rounds": 6, "group_size": 8}
        path.write_text(json.dumps(data, indent=1) + "\n")
    return json.loads(path.read_text())


def fixture_150_other_history():
    """The same school, but its earlier plenaries were planned otherwise (18 tables, no design):
    what the engine meets when a school starts using it mid-year or edits plans by hand."""
    return json.loads((FIXTURES / "school_150_other_history.json").read_text())


def instances(quick):
    out = [
        ("4 x 4", make_lines(4, 4, 4, 4), 4, {}),
        ("3 lines 9/8/7", make_lines(9, 8, 7), 3, {}),
        ("4 x 5", make_lines(5, 5, 5, 5), 5, {}),
        ("4 x 6 (no design)", make_lines(6, 6, 6, 6), 6, {}),
        ("4 x 7", make_lines(*[7] * 4), 7, {}),
        ("3 x 12 (4*3)", make_lines(*[12] * 3), 12, {}),
        ("4 x 12 (difference matrix)", make_lines(*[12] * 4), 12, {}),
        ("8 x 8", make_lines(*[8] * 8), 8, {}),
    ]
    school = make_lines(9, 8, 8, 7)
    earlier = plan_rounds(school, 3, seed=5).rounds
    out.append(("9/8/8/7 +3h -3abs", school, 3, {"history": earlier, "absent": ["A1", "B2", "D7"]}))
    sixty = make_lines(16, 15, 15, 14)
    out.append(
        (
            "60 in 4 lines -4abs 3 apart",
            sixty,
            4,
            {
                "absent": ["A1", "B1", "C1", "D1"],
                "apart": [("A2", "B2"), ("C3", "D3"), ("A4", "A5")],
            },
        )
    )
    for name, data in (
        ("150 in 8 lines +6h (fixture)", fixture_150()),
        ("150 +6h planned otherwise", fixture_150_other_history()),
    ):
        out.append(
            (
                name,
                data["lines"],
                data["rounds"],
                {"history": data["history"], "group_size": data["group_size"]},
            )
        )
    data = fixture_150()
    if not quick:
        out.insert(6, ("4 x 20 (4*5)", make_lines(*[20] * 4), 20, {}))
        out.append(("5 lines uneven 40", make_lines(10, 9, 8, 7, 6), 4, {}))
        out.append(("150 in 8 lines, no history", data["lines"], 6, {"group_size": 8}))
        big = make_lines(38, 38, 38, 37, 37, 37, 38, 37)
        first = plan_rounds(big, 3, group_size=8, seed=7).rounds
        out.append(("300 in 8 lines +3h", big, 6, {"history": first, "group_size": 8}))
    return out


def main():
    quick = "--quick" in sys.argv
    header = (
        f"{'instance':30} {'members':>7} {'lines':>5} {'rounds':>6} {'bound':>5} {'tight':>5} "
        f"{'engine':>6} {'random':>6} {'greedy':>6} {'time s':>7}   missing line slots e/r/g (min)"
    )
    print(header)
    print("-" * len(header))
    for name, lines, rounds, extra in instances(quick):
        started = time.perf_counter()
        plan = plan_rounds(lines, rounds, **extra)
        elapsed = time.perf_counter() - started
        absent = set(extra.get("absent", ()))
        present = [m for members in lines.values() for m in members if m not in absent]
        line_of = {m: name for name, members in lines.items() for m in members}
        apart = {tuple(sorted(p)) for p in extra.get("apart", ())}
        history = extra.get("history", [])
        tables = len(plan.rounds[0])
        present_lines = {line_of[m] for m in present}
        rng = random.Random(1)
        shuffled = random_baseline(present, tables, rounds, history, apart, rng)
        greedy = greedy_baseline(present, line_of, tables, rounds, history, apart, rng)
        report = plan.report
        print(
            f"{name:30} {len(present):>7} {len(lines):>5} {rounds:>6} {report.lower_bound:>5} "
            f"{'yes' if report.lower_bound_tight else 'no':>5} {report.repeats:>6} "
            f"{repeats(shuffled, history):>6} {repeats(greedy, history):>6} {elapsed:>7.2f}   "
            f"{report.missing_line_slots}/{missing(shuffled, line_of, present_lines)}/"
            f"{missing(greedy, line_of, present_lines)} ({report.min_missing_line_slots})"
        )


def school_year():
    """A school's year as it happens: four plenaries of three rounds, each planned with the
    earlier ones as history. Repeats per plenary against the lower bound."""
    print()
    print("A school year: four plenaries of 3 rounds, each with the earlier ones as history")
    header = f"{'lines':30} {'tables':>6}   repeats/bound per plenary (seconds)"
    print(header)
    print("-" * len(header))
    for sizes in [
        (8, 8, 8, 8),
        (9, 8, 8, 7),
        (12, 12, 12, 12),
        (15, 15, 15, 15),
        (16, 15, 15, 14),
        (12, 12, 11, 11, 10),
        (21, 20, 19, 19, 18, 18, 18, 17),
    ]:
        lines = make_lines(*sizes)
        history: list = []
        cells = []
        for _ in range(4):
            started = time.perf_counter()
            plan = plan_rounds(lines, 3, history=history)
            elapsed = time.perf_counter() - started
            cells.append(f"{plan.report.repeats}/{plan.report.lower_bound} ({elapsed:.2f})")
            history = history + plan.rounds
        label = "/".join(map(str, sizes))
        print(f"{label:30} {len(plan.rounds[0]):>6}   " + "   ".join(cells))


if __name__ == "__main__":
    main()
    if "--quick" not in sys.argv:
        school_year()
