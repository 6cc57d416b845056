"""repair_round: fix one round on the day (absentees, late arrivals), moving as few as possible."""

from __future__ import annotations

import random
import time
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from .algorithms import FlowGraph, min_cost_flow
from .bounds import (
    apart_unseatable,
    apart_unseatable_at_all,
    check_apart,
    lower_bound,
    round_min_missing,
)
from .model import (
    GroupingError,
    Instance,
    Plan,
    check_seed,
    check_sizes,
    id_list,
    is_hashable,
    locks_fit,
    normalise,
    read_lines,
    sizes_fit,
    split_sizes,
)
from .report import recount
from .search import BIG, Search

REPAIR_BUDGET = 300_000  # pair evaluations for the repeats after the moves are fixed


def recompose(
    current: list[list[int]],
    supply: list[int],
    caps_base: int,
    big: int,
    k: int,
    settled: list[bool] | None = None,
) -> list[list[int]]:
    """Line counts x[line][table] for the free tables: fewest missing line slots, then fewest moves.

    A min-cost flow: each (line, table) pair takes its first member at no cost when the line is
    already there (1 otherwise: someone moves in), further members cost BIG (a line doubled means
    a line missing elsewhere) plus 1 when beyond the members already there. Big tables (one seat
    more) are chosen by the flow through a shared node holding `big` units. At a `settled` table
    the members of a doubled line already there stay at no cost: the line slots given up there
    (by a change by hand) are not won back by moving people who were not part of the change.
    """
    count = len(current)
    source, sink, hub = 0, 1 + k + count, 2 + k + count
    graph = FlowGraph(sink + 2)
    here = [[0] * count for _ in range(k)]
    for t, table in enumerate(current):
        for line in table:
            here[line][t] += 1
    edges: list[list[list[int]]] = [[[] for _ in range(count)] for _ in range(k)]
    for line in range(k):
        graph.add(source, 1 + line, supply[line], 0)
        for t in range(count):
            c = here[line][t]
            slot = edges[line][t]
            slot.append(graph.add(1 + line, 1 + k + t, 1, 0 if c else 1))
            if c >= 2:
                slot.append(
                    graph.add(1 + line, 1 + k + t, c - 1, 0 if settled and settled[t] else BIG)
                )
            slot.append(graph.add(1 + line, 1 + k + t, supply[line], BIG + 1))
    for t in range(count):
        graph.add(1 + k + t, sink, caps_base, 0)
        graph.add(1 + k + t, hub, 1, 0)
    graph.add(hub, sink, big, 0)
    min_cost_flow(graph, source, sink)
    x = [[sum(graph.flow(e) for e in edges[line][t]) for t in range(count)] for line in range(k)]
    return x


def _changed_by_hand(
    lines: Mapping[Any, Sequence[Hashable]], tables_ids: list[list[Hashable]], keep: list[int]
) -> bool:
    """True when the current round misses more line slots than its people need: a change by
    hand (or an earlier repair for apart pairs) gave some up, on purpose."""
    seated = {m for table in tables_ids for m in table}
    before = normalise(
        lines, absent=[m for ms in read_lines(lines)[1] for m in ms if m not in seated]
    )
    tables = [[before.index[m] for m in table] for table in tables_ids if table]
    if not tables:
        return False
    locked = [[before.index[m] for m in tables_ids[i]] for i in keep]
    try:
        least = round_min_missing(before, len(tables), locked)
    except (GroupingError, ValueError):
        return False
    missing = sum(before.missing_at(table) for table in tables)
    return missing > least


def _read_current(current: Any, known: Mapping[Hashable, int]) -> list[list[Hashable]]:
    tables = []
    seen: set[Hashable] = set()
    for table in id_list(current, "current_invalid", "The current round", "current"):
        ids = id_list(table, "current_invalid", "A table of the current round", "current")
        for m in ids:
            if not is_hashable(m) or m not in known:
                raise GroupingError(
                    "current_invalid",
                    f"The current round seats {m!r}, who is in no line.",
                    params={"member": m},
                )
            if m in seen:
                raise GroupingError(
                    "current_invalid",
                    f"Member {m} is seated twice in the current round.",
                    params={"member": m},
                )
            seen.add(m)
        tables.append(ids)
    return tables


def _table_count(inst: Instance, now: int, low: int, high: int, locked: list[list[int]]) -> int:
    """Keep the table count when it still works, else the nearest count that does."""
    n = inst.n
    options = []
    for tables in range(1, n + 1):
        if sizes_fit(n, tables, low, high) and locks_fit(tables, n, locked):
            missing = round_min_missing(inst, tables, locked)
            options.append((abs(tables - now), missing, -tables, tables))
    if not options:
        raise GroupingError(
            "sizes_impossible",
            f"{n} present members cannot sit at balanced tables of {low} to {high} people"
            + (" next to the locked tables." if locked else "."),
            params={"members": n, "min_size": low, "max_size": high},
        )
    return min(options)[-1]


def repair_round(
    lines: Mapping[Any, Sequence[Hashable]],
    current: Sequence[Sequence[Hashable]],
    *,
    history: Sequence[Sequence[Sequence[Hashable]]] = (),
    absent: Sequence[Hashable] = (),
    arrived: Sequence[Hashable] = (),
    apart: Sequence[tuple[Hashable, Hashable]] = (),
    locked: Sequence[int] = (),
    min_size: int = 3,
    max_size: int | None = None,
    seed: int = 0,
    by_hand: bool | None = None,
) -> Plan:
    """Repair one round: drop `absent`, seat `arrived`, restore balanced sizes and line slots.

    Who is seated afterwards: the members of `current` and `arrived`, minus `absent` (line members
    in neither list stay away). `locked` are indexes of tables in `current` that must not change:
    such a table keeps exactly its members (none of them may be absent: ``locked_absent``), is
    never dissolved, and nobody joins it.

    The table count stays unless sizes no longer fit (then the nearest count that fits; the
    smallest free tables are dissolved, new tables are appended). The line counts per table come
    from a min-cost flow (fewest missing line slots, then fewest people moved; where `current`
    already misses more line slots than its people need, a change by hand, the doubled lines of
    tables nobody leaves stay); a short search then lowers repeats without moving anyone else.
    Tables keep their index and order; a table nobody left or joined is returned exactly as it
    was. `by_hand` says whether `current` gave up line slots by a change by hand; None (the
    default) reads it from `current`. A caller that took people off `current` itself (someone
    who left the team or moved to another line is in no line of theirs there) should say: the
    holes they leave look like such a change, and a doubled line elsewhere would then stay where
    moving one of its members fills the hole. Report.moved lists the members of `current` now at
    another table, Report.arrived the newly seated ones.
    """
    started = time.perf_counter()
    check_seed(seed)
    _, members = read_lines(lines)
    known = {m: i for i, line in enumerate(members) for m in line}
    tables_ids = _read_current(current, known)
    gone = {
        m
        for m in id_list(absent, "invalid_absent", "The absent members", "absent")
        if is_hashable(m)
    }
    newcomers = []
    seated = {m for t in tables_ids for m in t}
    for m in id_list(arrived, "invalid_arrived", "The arrived members", "arrived"):
        if not is_hashable(m) or m not in known:
            raise GroupingError(
                "arrived_invalid",
                f"{m!r} arrived but is in no line.",
                params={"member": m},
            )
        if m not in seated and m not in gone and m not in newcomers:
            newcomers.append(m)
    present = seated - gone | set(newcomers)
    away = [m for line in members for m in line if m not in present]
    inst = normalise(lines, history=history, absent=away, apart=apart)
    if inst.n == 0:
        raise GroupingError(
            "no_members", "There is nobody to seat: every member is absent.", params={"members": 0}
        )
    _, low, high = check_sizes(None, min_size, max_size, inst.k)
    keep = _read_locks(locked, tables_ids, gone, inst)
    old = [[inst.index[m] for m in t if m not in gone] for t in tables_ids]
    locked_tables = [old[i] for i in keep]
    count = _table_count(inst, len([t for t in old if t]), low, high, locked_tables)
    check_apart(inst, count)  # more members who must all sit apart than tables: refused
    # table slots of the new round: current tables (minus dissolved) then new empty tables
    free_idx = [i for i in range(len(old)) if i not in keep]
    drop = len(old) - count
    dissolved: set[int] = set()
    if drop > 0:
        order = sorted(free_idx, key=lambda i: (len(old[i]), -i))
        dissolved = set(order[:drop])
    slots = [i for i in range(len(old)) if i not in dissolved]
    new_tables = max(0, count - len(slots))
    rounds_tables = [list(old[i]) for i in slots] + [[] for _ in range(new_tables)]
    lock_flags = [slot in keep for slot in slots] + [False] * new_tables
    origin = [-1] * inst.n
    for pos, slot in enumerate(slots):
        for m in old[slot]:
            origin[m] = pos
    for slot in dissolved:
        for m in old[slot]:
            origin[m] = count  # no table left to stay at: always counted as moved
    free_pos = [p for p in range(count) if not lock_flags[p]]
    fixed = {m for p in range(count) if lock_flags[p] for m in rounds_tables[p]}
    supply = [sum(1 for m in line if m not in fixed) for line in inst.line_members]
    base, big = split_sizes(inst.n, count)
    big -= sum(1 for p in range(count) if lock_flags[p] and len(rounds_tables[p]) == base + 1)
    current_lines = [[inst.line_of[m] for m in rounds_tables[p]] for p in free_pos]
    settled = None
    if by_hand is None:
        by_hand = _changed_by_hand(lines, tables_ids, keep)
    if by_hand:
        # keep what the steering group chose where the change of attendance does not reach
        left = {i for i, table in enumerate(tables_ids) if any(m in gone for m in table)}
        settled = [p < len(slots) and slots[p] not in left for p in free_pos]
    # everyone not at a locked table sits at a free table: apart pairs that no seating there
    # keeps apart (one pair and one free table, say) are refused now, not after a search
    sizes = [base + 1] * big + [base] * (len(free_pos) - big)
    _refuse_unseatable(inst, sizes, fixed, keep, count, quick=True)
    x = recompose(current_lines, supply, base, big, inst.k, settled)
    rng = random.Random(seed)  # noqa: S311 - seating, not cryptography
    search = Search(inst, rng, origin=origin)
    plan = _seat(inst, search, rounds_tables, free_pos, x, fixed)
    search.add_round(plan, lock_flags)
    locks = {0: [rounds_tables[p] for p in range(count) if lock_flags[p]]} if keep else {}
    target = lower_bound(inst, 1, count, locks)
    search.run(REPAIR_BUDGET, target, None, True)
    search.separate_apart()  # the budget-free last step, as in plan_rounds
    if search.apart_violations:
        # apart pairs that hold only with more missing line slots (rule 1 before rule 2)
        search.keep_apart(REPAIR_BUDGET, target, None)
    if search.apart_violations:
        _refuse_unseatable(inst, sizes, fixed, keep, count, quick=False)
        raise GroupingError(
            "no_plan_in_budget",
            "No repair was found that keeps every apart pair apart; it may be impossible.",
            # `locked`: the tables of `current` kept as they are, where there are
            params={"apart_pairs": len(inst.apart), **({"locked": list(keep)} if keep else {})},
            impossible=False,
        )
    result = search.rounds[0]
    out = []
    for pos, table in enumerate(result):
        before = [m for m in rounds_tables[pos] if m in table] if pos < len(slots) else []
        added = sorted(m for m in table if m not in before)
        out.append(before + added)
    moved = tuple(
        inst.ids[m] for m in range(inst.n) if origin[m] >= 0 and search.tab[0][m] != origin[m]
    )
    fresh = {inst.index[m] for m in newcomers}
    report = recount(
        inst,
        [out],
        count,
        locks,
        moved=moved,
        arrived=tuple(inst.ids[m] for m in sorted(fresh)),
        elapsed=time.perf_counter() - started,
    )
    return Plan(rounds=[[[inst.ids[m] for m in t] for t in out]], report=report)


def _refuse_unseatable(
    inst: Instance, sizes: list[int], fixed: set[int], keep: list[int], count: int, *, quick: bool
) -> None:
    """apart_infeasible, naming the members, when the apart pairs among the people not at a
    locked table provably cannot be kept at the free tables of these `sizes` (`quick`: a few
    colouring steps, before the search; else the full check, after it failed).

    With locked tables, a group that could not be kept apart even with all `count` tables of
    the round free is refused as without locks (no `locked`: unlocking a table does not help,
    the table count is the trouble)."""
    group = apart_unseatable(inst, sizes, fixed, quick=quick)
    if group is None:
        return
    if keep and apart_unseatable_at_all(inst, group, count, quick=quick):
        keep = []
    params: dict[str, Any] = {
        "tables": len(sizes) if keep else count,
        "members": [inst.ids[m] for m in group],
        "linked": True,  # linked by pairs, not each apart from all the others
    }
    if keep:
        params["locked"] = list(keep)  # the tables of `current` that leave too few free ones
    raise GroupingError(
        "apart_infeasible",
        f"The apart pairs cannot all be kept: these members cannot sit apart at the "
        f"{params['tables']} tables" + (" beside the locked ones." if keep else "."),
        params=params,
    )


def _read_locks(
    locked: Any, tables_ids: list[list[Hashable]], gone: set, inst: Instance
) -> list[int]:
    keep = []
    for i in id_list(locked, "locked_invalid", "The locked tables", "locked"):
        if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < len(tables_ids):
            raise GroupingError(
                "locked_invalid",
                f"There is no table {i!r} in the current round to lock.",
                params={"table": i},
            )
        table = tables_ids[i]
        if not table:
            # nobody to keep: a table of 0 fits no balanced round (plan_rounds refuses it too)
            raise GroupingError(
                "locked_invalid",
                f"Table {i} of the current round is empty and cannot be locked.",
                params={"table": i},
            )
        for m in table:
            if m in gone:
                raise GroupingError(
                    "locked_absent",
                    f"Member {m} is absent but sits at locked table {i}; unlock the table.",
                    params={"member": m, "table": i},
                )
        seat = sorted(inst.index[m] for m in table)
        for x, a in enumerate(seat):
            for b in seat[x + 1 :]:
                if a * inst.n + b in set(inst.apart):
                    raise GroupingError(
                        "locked_apart",
                        f"Locked table {i} seats {inst.ids[a]} and {inst.ids[b]}, who must be "
                        "kept apart.",
                        params={"table": i, "member": inst.ids[a], "other": inst.ids[b]},
                    )
        if i not in keep:
            keep.append(i)
    return sorted(keep)


def _seat(
    inst: Instance,
    search: Search,
    tables: list[list[int]],
    free_pos: list[int],
    x: list[list[int]],
    fixed: set[int],
) -> list[list[int]]:
    """Keep as many members as the counts allow where they sit; seat the rest at least cost."""
    plan = [list(t) if p not in free_pos else [] for p, t in enumerate(tables)]
    waiting: list[int] = []
    room = {}
    for j, p in enumerate(free_pos):
        for line in range(inst.k):
            room[(line, p)] = x[line][j]
    for p in free_pos:
        for m in tables[p]:
            line = inst.line_of[m]
            if room[(line, p)] > 0:
                room[(line, p)] -= 1
                plan[p].append(m)
            else:
                waiting.append(m)
    seated = {m for t in plan for m in t}
    waiting += [m for m in range(inst.n) if m not in seated and m not in fixed and m not in waiting]
    for line in range(inst.k):
        rest = [m for m in waiting if inst.line_of[m] == line]
        options = sorted(
            (search.join_cost(m, plan[p]), m, p)
            for m in rest
            for p in free_pos
            if room[(line, p)] > 0
        )
        done: set[int] = set()
        for _, m, p in options:
            if m not in done and room[(line, p)] > 0:
                done.add(m)
                room[(line, p)] -= 1
                plan[p].append(m)
    return plan
