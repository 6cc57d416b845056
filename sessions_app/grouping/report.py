"""Recount of a plan: the numbers of Report from the tables alone, and the hard-rule checks."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from .bounds import known_unreachable, lower_bound, round_min_missing
from .model import (
    GroupingError,
    Instance,
    Report,
    check_sizes,
    id_list,
    is_hashable,
    normalise,
    read_locked,
)


def recount(
    inst: Instance,
    rounds: list[list[list[int]]],
    tables: int,
    locks: dict[int, list[list[int]]],
    *,
    moved: tuple = (),
    arrived: tuple = (),
    elapsed: float = 0.0,
) -> Report:
    """The Report of rounds given as member numbers (the plan is assumed to keep the hard rules)."""
    n = inst.n
    # meetings per pair a * n + b (a < b) in a flat list, and the pairs that meet twice as they
    # do: a round of 300 at one table seats 44,850 pairs (a dict of them took 3 times as long)
    met = [0] * (n * n)
    twice = []
    missing = 0
    for rnd in rounds:
        for table in rnd:
            seated = sorted(table)
            missing += inst.missing_at(seated)
            for x, a in enumerate(seated):
                row = a * n
                for b in seated[x + 1 :]:
                    i = row + b
                    m = met[i] + 1
                    met[i] = m
                    if m == 2:
                        twice.append(i)
    hist = inst.hist_count
    again = [key for key in hist if met[key]]  # met before: every new meeting repeats
    pairs = []
    from_history = within = 0
    people: set[int] = set()
    for key in sorted({*twice, *again}):
        m = met[key]
        if key in hist:
            count = m
            from_history += m
        else:
            count = m - 1
            within += m - 1
        a, b = divmod(key, n)
        pairs.append(((inst.ids[a], inst.ids[b]), count))
        people.update((a, b))
    plain = round_min_missing(inst, tables, []) if len(locks) < len(rounds) else 0
    least = sum(
        round_min_missing(inst, tables, locks[r]) if r in locks else plain
        for r in range(len(rounds))
    )
    repeats = from_history + within
    if missing > least:
        # the bound holds for plans at the least missing line slots (rule 2); this plan has
        # more (apart pairs that need them, or a change by hand), and may well repeat less
        # than the bound says: nothing is claimed (0), and 0 is not known to be unreachable
        bound, tight = 0, True
    else:
        bound = lower_bound(inst, len(rounds), tables, locks)
        tight = repeats == bound or not known_unreachable(inst, len(rounds), tables, locks, bound)
    return Report(
        repeats=repeats,
        repeats_history=from_history,
        repeats_within=within,
        repeated_pairs=tuple(pairs),
        people_with_repeats=len(people),
        missing_line_slots=missing,
        min_missing_line_slots=least,
        table_sizes=tuple(tuple(len(t) for t in rnd) for rnd in rounds),
        lower_bound=bound,
        lower_bound_tight=tight,
        proven_optimal=repeats == bound,
        moved=moved,
        arrived=arrived,
        elapsed=elapsed,
    )


def read_plan(inst: Instance, rounds: Any) -> list[list[list[int]]]:
    """Rounds of ids as member numbers; every present member exactly once per round."""
    out = []
    for r, rnd in enumerate(id_list(rounds, "plan_invalid", "The plan", "plan")):
        seen: set[int] = set()
        tables = []
        for table in id_list(rnd, "plan_invalid", f"Round {r}", "plan", round=r):
            seat = []
            for m in id_list(table, "plan_invalid", f"A table of round {r}", "plan", round=r):
                try:
                    i = inst.index.get(m)
                except TypeError:
                    i = None
                if i is None:
                    absent = is_hashable(m) and m in inst.known
                    raise GroupingError(
                        "plan_absent_seated" if absent else "plan_unknown_member",
                        f"Member {m} is absent but seated in round {r}."
                        if absent
                        else f"Round {r} seats {m!r}, who is in no line.",
                        params={"member": m, "round": r},
                    )
                if i in seen:
                    raise GroupingError(
                        "plan_member_twice",
                        f"Member {m} is seated twice in round {r}.",
                        params={"member": m, "round": r},
                    )
                seen.add(i)
                seat.append(i)
            if seat:
                tables.append(seat)
        if len(seen) != inst.n:
            lost = next(i for i in range(inst.n) if i not in seen)
            raise GroupingError(
                "plan_member_missing",
                f"Member {inst.ids[lost]} has no seat in round {r}.",
                params={"member": inst.ids[lost], "round": r},
            )
        out.append(tables)
    return out


def check_hard_rules(
    inst: Instance,
    rounds: list[list[list[int]]],
    min_size: int,
    max_size: int,
    locks: dict[int, list[list[int]]],
) -> int:
    """Sizes, apart pairs and locked tables; returns the common table count."""
    counts = {len(rnd) for rnd in rounds}
    if len(counts) != 1:
        raise GroupingError(
            "plan_sizes",
            "Every round of a session must have the same number of tables.",
            params={"tables": [len(rnd) for rnd in rounds]},
        )
    for r, rnd in enumerate(rounds):
        sizes = [len(t) for t in rnd]
        if min(sizes) < min_size or max(sizes) > max_size or max(sizes) - min(sizes) > 1:
            raise GroupingError(
                "plan_sizes",
                f"Round {r} has tables of {min(sizes)} to {max(sizes)} people; tables must hold "
                f"{min_size} to {max_size} people and differ by at most one.",
                params={"round": r, "smallest": min(sizes), "largest": max(sizes)},
            )
        apart = set(inst.apart)
        for table in rnd:
            seat = sorted(table)
            for x, a in enumerate(seat):
                for b in seat[x + 1 :]:
                    if a * inst.n + b in apart:
                        raise GroupingError(
                            "plan_apart",
                            f"{inst.ids[a]} and {inst.ids[b]} must be kept apart but share a "
                            f"table in round {r}.",
                            params={"member": inst.ids[a], "other": inst.ids[b], "round": r},
                        )
        present = {frozenset(t) for t in rnd}
        for table in locks.get(r, []):
            if frozenset(table) not in present:
                raise GroupingError(
                    "plan_locked",
                    f"A locked table of round {r} was changed.",
                    params={"round": r},
                )
    return counts.pop()


def evaluate(
    lines: Mapping[Any, Any],
    rounds: Any,
    *,
    history: Any = (),
    absent: Any = (),
    apart: Any = (),
    locked: Mapping[int, Any] | None = None,
    group_size: int | None = None,
    min_size: int = 3,
    max_size: int | None = None,
) -> Report:
    """Recount a plan (for example one edited by hand): the same Report plan_rounds gives.

    Raises GroupingError (codes starting with ``plan_``) when the plan breaks a hard rule: a
    present member without a seat or seated twice, an absent or unknown member seated, table sizes
    outside min..max or differing by more than one, an apart pair together, a locked table
    changed. The line rule and repeats are soft: they are counted, never refused.
    """
    inst = normalise(lines, history=history, absent=absent, apart=apart)
    if inst.n == 0:
        raise GroupingError(
            "no_members", "There is nobody to seat: every member is absent.", params={"members": 0}
        )
    _, low, high = check_sizes(group_size, min_size, max_size, inst.k)
    plan = read_plan(inst, rounds)
    if not plan:
        raise GroupingError("plan_invalid", "The plan has no rounds.", params={"field": "plan"})
    locks = read_locked(locked, len(plan), inst, set(inst.apart))
    tables = check_hard_rules(inst, plan, low, high, locks)
    return recount(inst, plan, tables, locks)


def ids_of(inst: Instance, rounds: list[list[list[int]]]) -> list[list[list[Hashable]]]:
    return [[[inst.ids[m] for m in table] for table in rnd] for rnd in rounds]
