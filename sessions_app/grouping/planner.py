"""plan_rounds: table count, a constructed or greedy start, then the tabu search."""

from __future__ import annotations

import random
import time
from collections.abc import Hashable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from .bounds import lower_bound, round_min_missing
from .construct import compose, design_tables, max_lines
from .model import (
    GroupingError,
    Instance,
    Plan,
    check_sizes,
    locks_fit,
    normalise,
    read_locked,
    sizes_fit,
    split_sizes,
)
from .report import recount
from .search import Search

# Pair evaluations per unit of effort: about a second of pure Python at 300 members.
BUDGET = 3_000_000
SEQUENTIAL = 0.3  # share of the budget spent on each new round alone while seating them
MAPPINGS = 24  # member-to-position mappings tried when history meets the construction


def choose_tables(
    inst: Instance,
    g: int,
    low: int,
    high: int,
    rounds: int,
    locks: dict[int, list[list[int]]],
    seed: int,
) -> tuple[int, tuple[list[list[int] | None], int] | None]:
    """The table count and its design (see construction_prefs), or None when none fits.

    floor(N/g) or ceil(N/g) tables, whichever gives sizes within min..max (balanced).

    When both do, fewer missing line slots decide, then average size nearest g, then more tables
    (smaller tables mean fewer encounters per round, hence fewer repeats later). One exception:
    a table count with a finite-field design (zero repeats for as many rounds as there are
    tables, across the school's plenaries) wins if it costs at most one extra missing line per
    three tables per round, a design that repeats no earlier encounter before one that does.
    Meeting new colleagues is the point of the method: 150 people in 8 lines get 19 tables, five
    of them one line short, and no repeats all year, rather than 18 tables with one line short
    and repeats from the third plenary. A small school of 25 in 4 lines keeps its 6 full quartets
    and a quintet rather than 7 tables with three trios.
    """
    n = inst.n
    candidates = []
    lock_clash = False
    for tables in sorted({n // g, -(-n // g)} - {0}):
        if not sizes_fit(n, tables, low, high):
            continue
        if any(not locks_fit(tables, n, lr) for lr in locks.values()):
            lock_clash = True
            continue
        plain = round_min_missing(inst, tables, []) if len(locks) < rounds else 0
        missing = sum(
            round_min_missing(inst, tables, locks[r]) if r in locks else plain
            for r in range(rounds)
        )
        rng = random.Random(seed)  # noqa: S311 - seating, not cryptography
        design = construction_prefs(inst, tables, rounds, locks, rng)
        candidates.append((tables, missing, design))
    fewest = min((missing for _, missing, _ in candidates), default=0)
    options = []
    for tables, missing, design in candidates:
        affordable = 3 * (missing - fewest) <= tables * rounds
        # with locked tables the design only seeds the free rounds: it does not pick the count
        rank = 2 if design is None or locks or not affordable else (0 if design[1] == 0 else 1)
        options.append(
            (rank, missing, Fraction(abs(n - g * tables), tables), -tables, tables, design)
        )
    if options:
        best = min(options, key=lambda option: option[:-1])
        return best[-2], best[-1]
    if lock_clash:
        raise GroupingError(
            "locked_invalid",
            "The locked tables do not fit a balanced table plan: their sizes or their number "
            "cannot go together with the other tables.",
        )
    low_t, high_t = n // g, -(-n // g)
    raise GroupingError(
        "sizes_impossible",
        f"{n} present members cannot sit at tables of {low} to {high} people around the group "
        f"size of {g} ({low_t} or {high_t} tables). Change the group size or the size limits.",
        params={"members": n, "group_size": g, "min_size": low, "max_size": high},
    )


def _largest_clique(adj: dict[int, set[int]]) -> int:
    """Size of the largest group of members who must all be kept apart (Bron-Kerbosch)."""
    best = 0

    def grow(size: int, cand: set[int], excl: set[int]) -> None:
        nonlocal best
        if not cand and not excl:
            best = max(best, size)
            return
        if size + len(cand) <= best:
            return
        pivot = max(cand | excl, key=lambda v: len(adj[v] & cand))
        for v in sorted(cand - adj[pivot]):
            grow(size + 1, cand & adj[v], excl & adj[v])
            cand = cand - {v}
            excl = excl | {v}

    grow(0, set(adj), set())
    return best


def check_apart(inst: Instance, tables: int) -> None:
    """Refuse apart pairs that provably cannot be met: more mutually-apart members than tables."""
    adj: dict[int, set[int]] = {}
    for key in inst.apart:
        a, b = divmod(key, inst.n)
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)
    if adj and _largest_clique(adj) > tables:
        raise GroupingError(
            "apart_infeasible",
            f"The apart pairs cannot all be kept: some members must all sit at different tables, "
            f"but there are only {tables} tables.",
            params={"tables": tables},
        )


def _caps_for(inst: Instance, tables: int, locked_round: list[list[int]]) -> list[int]:
    base, big = split_sizes(inst.n, tables)
    large = sum(1 for t in locked_round if len(t) == base + 1)
    small = len(locked_round) - large
    return [base + 1] * (big - large) + [base] * (tables - big - small)


def seat_round(
    inst: Instance,
    search: Search,
    tables: int,
    locked_round: list[list[int]],
    rng: random.Random,
    pref: list[int] | None = None,
) -> list[list[int]]:
    """One round: locked tables, then free tables filled line by line at least cost.

    The line counts per table come from `compose` (minimal missing line slots); `pref` (a table
    per member, from the construction) is honoured first where the counts allow.
    """
    fixed = {m for t in locked_round for m in t}
    free_tables = tables - len(locked_round)
    caps = _caps_for(inst, tables, locked_round)
    order = list(range(free_tables))
    rng.shuffle(order)
    supply = [sum(1 for m in members if m not in fixed) for members in inst.line_members]
    prefer = None
    if pref is not None:
        prefer = [[0] * free_tables for _ in range(inst.k)]
        totals = [0] * free_tables
        for m in range(inst.n):
            if m not in fixed:
                prefer[inst.line_of[m]][pref[m]] += 1
                totals[pref[m]] += 1
        # the larger tables go where the construction puts most people
        ranked = sorted(range(free_tables), key=lambda t: (-totals[t], order.index(t)))
        caps_sorted = sorted(caps, reverse=True)
        caps = [0] * free_tables
        for t, c in zip(ranked, caps_sorted, strict=True):
            caps[t] = c
    x = compose(supply, caps, prefer, order)
    seated: list[list[int]] = [[] for _ in range(free_tables)]
    for line in sorted(range(inst.k), key=lambda li: (-supply[li], li)):
        slots = x[line][:]
        rest = [m for m in inst.line_members[line] if m not in fixed]
        if pref is not None:
            waiting = []
            for m in rest:
                if slots[pref[m]] > 0:
                    slots[pref[m]] -= 1
                    seated[pref[m]].append(m)
                else:
                    waiting.append(m)
            rest = waiting
        rng.shuffle(rest)
        columns = [t for t in range(free_tables) for _ in range(slots[t])]
        if not rest:
            continue
        costs = {t: [search.join_cost(m, seated[t]) for m in rest] for t in set(columns)}
        matrix = [[costs[t][i] for t in columns] for i in range(len(rest))]
        for i, j in enumerate(assignment(matrix)):
            seated[columns[j]].append(rest[i])
    return [list(t) for t in locked_round] + seated


def assignment(cost: list[list[int]]) -> list[int]:
    """Minimum-cost assignment of rows to distinct columns (Hungarian method, rows <= columns)."""
    rows, cols = len(cost), len(cost[0])
    u = [0] * (rows + 1)
    v = [0] * (cols + 1)
    match = [0] * (cols + 1)  # column -> row (1-based), 0 = free
    way = [0] * (cols + 1)
    for i in range(1, rows + 1):
        match[0] = i
        j0 = 0
        low = [float("inf")] * (cols + 1)
        used = [False] * (cols + 1)
        while True:
            used[j0] = True
            i0 = match[j0]
            delta = float("inf")
            j1 = 0
            row = cost[i0 - 1]
            ui = u[i0]
            for j in range(1, cols + 1):
                if not used[j]:
                    cur = row[j - 1] - ui - v[j]
                    if cur < low[j]:
                        low[j] = cur
                        way[j] = j0
                    if low[j] < delta:
                        delta = low[j]
                        j1 = j
            for j in range(cols + 1):
                if used[j]:
                    u[match[j]] += delta
                    v[j] -= delta
                else:
                    low[j] -= delta
            j0 = j1
            if match[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
    result = [0] * rows
    for j in range(1, cols + 1):
        if match[j]:
            result[match[j] - 1] = j - 1
    return result


ABSENT = -1


def design_layout(
    inst: Instance, tables: int, shuffle: random.Random | None = None, gather: bool = True
) -> list[tuple[int, int]] | None:
    """A (column, position) per present member for the finite-field design, or None.

    Each column of the design is one field element: members of one column never meet, members of
    two columns meet exactly once over the design's rounds. Columns start as the lines, in the
    order their members are given, absent members included as empty positions: the same school
    gets the same layout session after session, so its earlier rounds are recognised as design
    rounds even when a few people are away. Members beyond `tables` in a long line fill empty
    positions of other lines first (they then meet exactly whom the missing member would have
    met); what is left over fills extra columns. Remaining empty positions are gathered in one
    column, so in every round they fall at different tables and the sizes stay balanced
    (`gather=False` leaves them where they are: absent people then keep everyone else aligned
    with earlier plenaries, and only the design rounds that happen to be balanced can be used).
    """
    # The layout is made as if everybody were present (absent members as ABSENT), so that who
    # is away today does not shift anybody else; their places become empty afterwards.
    full: list[list[int | None]] = [[] for _ in range(inst.k)]
    for member, line in inst.known.items():
        if line >= 0:
            full[line].append(inst.index.get(member, ABSENT))
    columns: list[list[int | None]] = []
    pool: list[int] = []
    for order in full:
        if shuffle is not None:
            shuffle.shuffle(order)
        columns.append(order[:tables] + [None] * (tables - len(order[:tables])))
        pool.extend(m for m in order[tables:] if m is not None)

    def gaps(column: list[int | None]) -> int:
        return column.count(None)

    # fill the columns with the fewest gaps first: then fewer columns keep gaps
    for column in sorted(columns, key=gaps):
        for position, member in enumerate(column):
            if member is None and pool:
                column[position] = pool.pop(0)
    while pool:
        chunk: list[int | None] = list(pool[:tables])
        columns.append(chunk + [None] * (tables - len(chunk)))
        pool = pool[tables:]
    columns = [[None if m == ABSENT else m for m in column] for column in columns]
    gapped = sorted((c for c in columns if gaps(c)), key=gaps, reverse=True)
    if len(gapped) > 1 and gather:
        # gather the gaps in the emptiest column: move its members into the other gaps
        donor = gapped[0]
        givers = [p for p, m in enumerate(donor) if m is not None]
        for column in gapped[1:]:
            for position, member in enumerate(column):
                if member is None and givers:
                    column[position] = donor[givers[-1]]
                    donor[givers.pop()] = None
        if sum(1 for c in columns if 0 < gaps(c) < tables) > 1:
            return None
    columns = [c for c in columns if gaps(c) < tables]
    if tables < 2 or len(columns) > max_lines(tables):
        return None
    positions: list[tuple[int, int]] = [(0, 0)] * inst.n
    for number, column in enumerate(columns):
        for position, member in enumerate(column):
            if member is not None:
                positions[member] = (number, position)
    return positions


def construction_prefs(
    inst: Instance, tables: int, rounds: int, locks: dict, rng: random.Random
) -> tuple[list[list[int] | None], int] | None:
    """A table per member for each round from the finite-field design and the number of earlier
    encounters it repeats, or None when no design fits.

    With history, the canonical layout comes first (it recognises the school's earlier design
    rounds), then a few shuffled layouts; the design rounds with the fewest earlier encounters
    are used.
    """
    layout = design_layout(inst, tables)
    if layout is None:
        return None
    usable = min(rounds, tables)
    balanced = sorted(split_sizes_list(inst.n, tables))
    n = inst.n
    tries = 1 if not inst.hist_count else max(1, min(MAPPINGS, 400_000 // (n * tables + 1)))
    layouts = [design_layout(inst, tables, gather=False), layout]
    layouts += [design_layout(inst, tables, rng) for _ in range(tries - 1)]
    best: tuple[int, list[list[int]]] | None = None
    for positions in layouts:
        if positions is None:
            continue
        columns = 1 + max(c for c, _ in positions)
        grid = design_tables(tables, columns, list(range(tables)))
        assert grid is not None
        per_round = [[grid[r][c][p] for c, p in positions] for r in range(tables)]
        scored = []
        for r, tab in enumerate(per_round):
            groups: dict[int, list[int]] = {}
            for m, t in enumerate(tab):
                groups.setdefault(t, []).append(m)
            if sorted(len(g) for g in groups.values()) + [0] * (tables - len(groups)) != balanced:
                continue  # this design round would need people moved: not usable as it is
            clash = 0
            if inst.hist_count:
                for group in groups.values():
                    for x, a in enumerate(group):
                        for b in group[x + 1 :]:
                            clash += inst.hist_count.get(a * n + b, 0)
            scored.append((clash, r))
        if len(scored) < usable:
            continue
        scored.sort()
        picked = scored[:usable]
        total = sum(c for c, _ in picked)
        if best is None or total < best[0]:
            best = (total, [per_round[r] for _, r in sorted(picked, key=lambda s: s[1])])
        if total == 0:
            break
    if best is None:
        return None
    prefs: list[list[int] | None] = [
        best[1][r] if r < usable and r not in locks else None for r in range(rounds)
    ]
    return prefs, best[0]


def split_sizes_list(members: int, tables: int) -> list[int]:
    base, big = split_sizes(members, tables)
    return [base + 1] * big + [base] * (tables - big)


def build(
    inst: Instance,
    tables: int,
    rounds: int,
    locks: dict[int, list[list[int]]],
    seed: int,
    prefs: list[list[int] | None] | None,
    budget: float,
    mixed: bool,
) -> Search:
    """Seat the rounds one by one, each followed by a search on that round alone."""
    rng = random.Random(seed)  # noqa: S311 - seating, not cryptography
    search = Search(inst, rng)
    for r in range(rounds):
        locked_round = locks.get(r, [])
        pref = prefs[r] if prefs else None
        plan = seat_round(inst, search, tables, locked_round, rng, pref)
        flags = [True] * len(locked_round) + [False] * (len(plan) - len(locked_round))
        search.add_round(plan, flags)
        if budget:
            search.run(budget / rounds, 0, None, mixed, active=r)
    return search


def _check_number(value: Any, name: str, *, whole: bool, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value <= 0:
        what = "a whole number of at least 1" if whole else "a positive number"
        raise GroupingError(
            f"invalid_{name}", f"The {name.replace('_', ' ')} must be {what}.", params={name: value}
        )


def plan_rounds(
    lines: Mapping[Any, Sequence[Hashable]],
    rounds: int,
    *,
    history: Sequence[Sequence[Sequence[Hashable]]] = (),
    absent: Sequence[Hashable] = (),
    apart: Sequence[tuple[Hashable, Hashable]] = (),
    locked: Mapping[int, Sequence[Sequence[Hashable]]] | None = None,
    group_size: int | None = None,
    min_size: int = 3,
    max_size: int | None = None,
    seed: int = 0,
    effort: float = 1.0,
    time_limit: float | None = None,
) -> Plan:
    """Plan `rounds` rounds of tables (DESIGN.md, "The grouping problem, precisely").

    Keeps every hard rule (each present member once per round, absent members nowhere, balanced
    sizes within min..max, apart pairs apart, locked tables as given) and reaches the minimal
    missing line slots in every round; then minimises repeated encounters towards the lower bound
    in Report. Zero-repeat rounds come from a finite-field construction where one fits (see
    construct.py), otherwise from a greedy start; a tabu search follows and stops at the bound.
    Same input, seed and effort give the same plan; only `time_limit` adds clock dependence.
    Raises GroupingError: input errors have ``impossible`` True, ``no_plan_in_budget`` False.
    """
    started = time.perf_counter()
    _check_number(rounds, "rounds", whole=True)
    _check_number(effort, "effort", whole=False)
    _check_number(time_limit, "time_limit", whole=False, allow_none=True)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise GroupingError("invalid_seed", "The seed must be a whole number.")
    inst = normalise(lines, history=history, absent=absent, apart=apart)
    if inst.n == 0:
        raise GroupingError("no_members", "There is nobody to seat: every member is absent.")
    g, low, high = check_sizes(group_size, min_size, max_size, inst.k)
    locks = read_locked(locked, rounds, inst, set(inst.apart))
    tables, design = choose_tables(inst, g, low, high, rounds, locks, seed)
    check_apart(inst, tables)
    target = lower_bound(inst, rounds, tables, locks)
    prefs = design[0] if design else None
    mixed = any(len(m) != tables for m in inst.line_members) or bool(locks)
    budget = BUDGET * effort
    deadline = None if time_limit is None else started + time_limit
    search = None
    if prefs is not None:
        # the construction first; the greedy start only gets the rest of the budget if needed
        search = build(inst, tables, rounds, locks, seed, prefs, 0, mixed)
        search.run(budget / 2, target, deadline, mixed)
        budget /= 2
    if search is None or search.repeats > target or search.apart_violations:
        greedy = build(inst, tables, rounds, locks, seed, None, budget * SEQUENTIAL, mixed)
        greedy.run(budget * (1 - SEQUENTIAL), target, deadline, mixed)
        if search is None or greedy.cost < search.cost:
            search = greedy
    if search.apart_violations:
        raise GroupingError(
            "no_plan_in_budget",
            "No plan was found within the search budget that keeps every apart pair apart. It may "
            "be impossible; try a higher effort or fewer apart pairs.",
            impossible=False,
        )
    return _finish(inst, search.rounds, tables, locks, locked, started)


def _finish(
    inst: Instance,
    rounds: list[list[list[int]]],
    tables: int,
    locks: dict[int, list[list[int]]],
    locked: Mapping | None,
    started: float,
) -> Plan:
    """Stable output: members in line order, tables by first member; locked tables verbatim."""
    ordered = [sorted((sorted(t) for t in rnd), key=lambda t: t[0]) for rnd in rounds]
    out = []
    for r, rnd in enumerate(ordered):
        given = {}
        if r in locks and locked is not None:
            for raw in locked[r]:
                given[min(inst.index[m] for m in raw)] = list(raw)
        out.append([given.get(t[0], [inst.ids[m] for m in t]) for t in rnd])
    report = recount(inst, ordered, tables, locks, elapsed=time.perf_counter() - started)
    return Plan(rounds=out, report=report)
