"""The engine now against the engine at another git revision, on random schools.

Run from the repository root: ``python bench/differential.py REV [COUNT] [FIRST]`` (COUNT random
schools, default 150, about two seconds each). Each school has 3 to 8 lines around 4 to 20
tables, history from the engine at the rule's table count or one table more, from random
tables, or none, a few absentees and 2 to 6 rounds. Both engines plan it with the same seed;
the line prints how often the engine now is better, the same or worse by (missing line slots,
repeats) and the repeats of all schools together, then the worst cases. The bench's frozen
cases can miss a change that is worse on schools it does not hold (a budget split once gained
3 repeats on the bench and lost up to 25 on 27 of 285 random schools); this run is the check
for that. The third argument is the first school's number: other numbers, other schools.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.grouping import engine_at
from sessions_app.grouping import GroupingError, plan_rounds


def school(rng: random.Random, case: int):
    """(lines, rounds, keyword arguments) of one random school, or None."""
    k = rng.randint(3, 8)
    tables = rng.randint(4, 20)
    sizes = [max(2, tables + rng.randint(-2, 2)) for _ in range(k)]
    lines = {chr(65 + i): [f"{chr(65 + i)}{j}" for j in range(s)] for i, s in enumerate(sizes)}
    people = [m for members in lines.values() for m in members]
    group = rng.choice([None, k, k + 1, max(3, k - 1)])
    kind = rng.choice(["engine", "engine at one table more", "random", "none"])
    history: list = []
    try:
        if kind.startswith("engine"):
            count = None if kind == "engine" else max(2, round(len(people) / (group or k)) + 1)
            away = rng.sample(people, rng.randint(0, 3))
            earlier = plan_rounds(
                lines, rng.randint(2, 6), group_size=group, tables=count, absent=away, seed=case
            )
            history = [[list(t) for t in rnd] for rnd in earlier.rounds]
        elif kind == "random":
            for _ in range(rng.randint(1, 6)):
                rng.shuffle(people)
                width = group or k
                history.append([people[i : i + width] for i in range(0, len(people), width)])
    except GroupingError:
        return None
    absent = rng.sample(people, rng.randint(0, 4))
    options = {"history": history, "absent": absent, "group_size": group, "seed": case}
    return lines, rng.randint(2, 6), options, kind


def main(argv: list[str]) -> None:
    if not argv:
        print(__doc__)
        return
    old = engine_at(argv[0])
    count = int(argv[1]) if len(argv) > 1 else 150
    first = int(argv[2]) if len(argv) > 2 else 100
    better = same = worse = 0
    total_then = total_now = 0
    losses = []
    for case in range(first, first + count):
        made = school(random.Random(case), case)
        if made is None:
            continue
        lines, rounds, options, kind = made
        try:
            now = plan_rounds(lines, rounds, **options).report
            then = old.plan_rounds(lines, rounds, **options).report
        except GroupingError:
            continue  # refused by the engine now (and so by the old one): nothing to compare
        total_then += then.repeats
        total_now += now.repeats
        key_now = (now.missing_line_slots, now.repeats)
        key_then = (then.missing_line_slots, then.repeats)
        if key_now < key_then:
            better += 1
        elif key_now > key_then:
            worse += 1
            losses.append((now.repeats - then.repeats, case, kind, key_then, key_now))
        else:
            same += 1
    print(
        f"against {argv[0]}: better {better}, same {same}, worse {worse}; "
        f"repeats in all {total_then} then, {total_now} now"
    )
    for _loss, case, kind, then, now in sorted(losses, reverse=True)[:15]:
        print(f"  school {case} ({kind}): (missing, repeats) {then} then, {now} now")


if __name__ == "__main__":
    main(sys.argv[1:])
