"""The benchmark's cases, generated once and frozen in fixtures/cases.json.

Frozen, so that the engine before and after a change meets exactly the same input (history made
by an engine would otherwise change with the engine). ``python bench/cases.py`` rewrites the
file; the history of "engine" cases then comes from the engine as it is at that moment.
``python bench/cases.py --append`` only adds cases that are new.

Kinds: designs (k lines of n, including 6, 10 and 14), the school cases of the first bench,
history from a random or a greedy planner, wide-spread uneven lines, changing absentees, many
apart pairs, large schools (up to 702 members, with a time limit), a line far larger than the
table count, and a school that met at a design's table count and now meets at one table fewer.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.baselines import greedy_planner, random_planner

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES = FIXTURES / "cases.json"


def make_lines(*sizes):
    return {
        chr(65 + i): [f"{chr(65 + i)}{j + 1}" for j in range(size)] for i, size in enumerate(sizes)
    }


def everyone(lines, absent=()):
    gone = set(absent)
    return [m for members in lines.values() for m in members if m not in gone]


def line_of(lines):
    return {m: name for name, members in lines.items() for m in members}


def tables_for(n, g):
    """The table count a planner with group size g would use (nearest to g, balanced)."""
    return max(1, round(n / g))


def case(name, kind, lines, rounds, **extra):
    return {"name": name, "kind": kind, "lines": lines, "rounds": rounds, "extra": extra}


def design_cases():
    out = []
    for n, k in [(4, 4), (5, 4), (6, 4), (7, 4), (6, 3), (10, 3), (10, 4), (12, 4), (14, 3)]:
        out.append(case(f"{k} x {n} over {n}", "design", make_lines(*[n] * k), n))
    out.append(case("4 x 14 over 14", "design", make_lines(*[14] * 4), 14))
    out.append(case("8 x 8 over 8", "design", make_lines(*[8] * 8), 8))
    out.append(case("3 lines 9/8/7", "design", make_lines(9, 8, 7), 3))
    return out


def history_cases(engine_plan):
    """History made by another planner: random tables, greedy tables, or the old fixtures."""
    out = []
    rng = random.Random(10)
    for sizes, h, rounds in [
        ((6, 6, 6, 6), 3, 3),
        ((10, 9, 9, 8, 7), 4, 3),
        ((16, 15, 15, 14, 13, 12), 6, 4),
        ((21, 20, 19, 19, 18, 18, 18, 17), 6, 6),
    ]:
        lines = make_lines(*sizes)
        present = everyone(lines)
        g = max(3, len(sizes))
        history = random_planner(present, tables_for(len(present), g), h, rng)
        out.append(
            case(
                f"{len(present)} in {len(sizes)} +{h}h random",
                "history",
                lines,
                rounds,
                history=history,
            )
        )
    for sizes, h, rounds in [
        ((8, 8, 8, 8), 3, 3),
        ((13, 12, 12, 12, 11, 12), 4, 3),
        ((26, 25, 25, 25, 25, 24, 25, 25), 3, 3),
    ]:
        lines = make_lines(*sizes)
        present = everyone(lines)
        g = max(3, len(sizes))
        history = greedy_planner(present, line_of(lines), tables_for(len(present), g), h, [], rng)
        out.append(
            case(
                f"{len(present)} in {len(sizes)} +{h}h greedy",
                "history",
                lines,
                rounds,
                history=history,
            )
        )
    school = make_lines(9, 8, 8, 7)
    earlier = engine_plan(school, 3, seed=5)
    out.append(
        case("9/8/8/7 +3h -3abs", "history", school, 3, history=earlier, absent=["A1", "B2", "D7"])
    )
    for name, path in (
        ("150 +6h (engine)", "school_150.json"),
        ("150 +6h planned otherwise", "school_150_other_history.json"),
    ):
        data = json.loads((FIXTURES / path).read_text())
        out.append(
            case(
                name,
                "history",
                data["lines"],
                data["rounds"],
                history=data["history"],
                group_size=data["group_size"],
            )
        )
    big = make_lines(38, 38, 38, 37, 37, 37, 38, 37)
    first = engine_plan(big, 3, group_size=8, seed=7)
    out.append(case("300 in 8 +3h (engine)", "history", big, 6, history=first, group_size=8))
    return out


def uneven_cases():
    out = []
    for sizes, rounds in [
        ((7, 7, 6, 5, 4, 4), 4),
        ((7, 6, 6, 5, 5, 4), 4),
        ((12, 8, 4), 4),
        ((10, 9, 8, 7, 6), 4),
        ((10, 8, 6, 4, 3), 3),
        ((12, 10, 9, 7, 6, 5, 4, 3), 4),
    ]:
        lines = make_lines(*sizes)
        out.append(case("/".join(map(str, sizes)) + f" over {rounds}", "uneven", lines, rounds))
    return out


def absentee_cases(engine_plan):
    """The same school over plenaries with other absentees each time (history by the engine)."""
    out = []
    rng = random.Random(20)
    for sizes, per in [
        ((9, 8, 8, 7), 3),
        ((16, 15, 15, 14), 4),
        ((21, 20, 19, 19, 18, 18, 18, 17), 2),
    ]:
        lines = make_lines(*sizes)
        people = everyone(lines)
        history = []
        g = 8 if len(sizes) == 8 else None
        for _ in range(2):
            absent = rng.sample(people, per)
            history += engine_plan(lines, 3, history=history, absent=absent, group_size=g)
        absent = rng.sample(people, per)
        out.append(
            case(
                f"{len(people)} in {len(sizes)}, 3rd plenary, new absentees",
                "absent",
                lines,
                3,
                history=history,
                absent=absent,
                group_size=g,
            )
        )
    lines = make_lines(16, 15, 15, 14)
    out.append(
        case(
            "60 in 4 -4abs 3 apart",
            "absent",
            lines,
            4,
            absent=["A1", "B1", "C1", "D1"],
            apart=[("A2", "B2"), ("C3", "D3"), ("A4", "A5")],
        )
    )
    return out


def large_cases():
    out = []
    rng = random.Random(30)
    lines = make_lines(10, 9, 9, 9, 8)
    people = everyone(lines)
    apart = []
    while len(apart) < 200:
        a, b = rng.sample(people, 2)
        if (a, b) not in apart and (b, a) not in apart:
            apart.append((a, b))
    out.append(case("45 with 200 apart pairs", "apart", lines, 4, apart=apart))
    out.append(
        case(
            "150 in 8, no history",
            "large",
            make_lines(21, 20, 19, 19, 18, 18, 18, 17),
            6,
            group_size=8,
        )
    )
    sizes = [88, 88, 88, 88, 88, 88, 87, 87]
    out.append(
        case(
            "702 in 8, time limit 1 s", "large", make_lines(*sizes), 6, group_size=8, time_limit=1.0
        )
    )
    return out


def oversized_cases():
    """A line far larger than the table count (tables of 3 from one line, or one line of 168
    beside two of 41), with random history at tables of 3: re-seating such a line whole by the
    cubic assignment took seconds until the re-seat was capped (a fuzzer found it)."""
    out = []
    for name, sizes, rounds, past, seed in (
        ("one line of 149 +3h random", (149,), 8, 3, 40),
        ("41/168/41 +2h random", (41, 168, 41), 5, 2, 41),
    ):
        rng = random.Random(seed)
        lines = make_lines(*sizes)
        people = everyone(lines)
        history = []
        for _ in range(past):
            rng.shuffle(people)
            history.append([people[i : i + 3] for i in range(0, len(people), 3)])
        out.append(case(name, "oversized", lines, rounds, history=history))
    return out


def next_count_cases(engine_plan):
    """A school of 152 in 8 lines of 19 met at 19 tables (the design); at the next plenary a few
    are away and rule 2 picks 18 tables, a count with no design of its own."""
    out = []
    rng = random.Random(50)
    lines = make_lines(*[19] * 8)
    people = everyone(lines)
    first = engine_plan(lines, 6, group_size=8)
    for away in (2, 6):
        absent = sorted(rng.sample(people, away))
        out.append(
            case(
                f"{152 - away} of 152 at 18 tables after 19",
                "absent",
                lines,
                6,
                history=first,
                absent=absent,
                group_size=8,
            )
        )
    return out


def generate(engine_plan):
    cases = (
        design_cases()
        + history_cases(engine_plan)
        + uneven_cases()
        + absentee_cases(engine_plan)
        + large_cases()
        + oversized_cases()
        + next_count_cases(engine_plan)
    )
    return cases


def load():
    return json.loads(CASES.read_text())


def main(argv):
    """Rewrite every case, or with ``--append`` add only the cases the file does not have yet
    (the others keep the history an earlier engine made)."""
    from sessions_app.grouping import plan_rounds

    def engine_plan(lines, rounds, **kwargs):
        return plan_rounds(lines, rounds, **kwargs).rounds

    cases = generate(engine_plan)
    if "--append" in argv and CASES.exists():
        kept = load()
        names = {c["name"] for c in kept}
        added = [c for c in cases if c["name"] not in names]
        cases = kept + added
        print(f"{len(added)} cases added")
    CASES.write_text(json.dumps(cases) + "\n")
    print(f"{len(cases)} cases written to {CASES}")


if __name__ == "__main__":
    main(sys.argv[1:])
