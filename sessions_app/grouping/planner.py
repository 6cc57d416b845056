"""plan_rounds: the table count, a constructed or greedy start, then the tabu search.

The rules, in order (the engine's contract, also in docs/grouping.md):

1. hard: every present member exactly once per round, absent members nowhere, sizes within
   min..max and differing by at most one, apart pairs never together, locked tables kept;
2. every line at every table wherever the numbers allow: the (table, missing line) slots are
   the least possible for the table count (a max-flow, see bounds.py), or, where the apart
   pairs need more, as few as the search finds (Search.keep_apart);
3. as few repeated encounters as possible: a pair meeting m times in the new rounds and h times
   in history counts m repeats if h > 0 and m - 1 if h == 0;
4. among equal plans, repeats spread over as many different people as possible.

The table count is floor(N/g) or ceil(N/g) for N present members and group size g, whichever
fits min..max with balanced sizes; a count at which the apart pairs provably cannot be kept is
passed over when the other keeps them (rule 1); where both remain, the one with fewer missing
line slots (rule 2 before rule 3), and only on a tie there the one expected to repeat less (see
choose_tables).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import replace
from fractions import Fraction
from typing import Any

from .algorithms import assignment, compose, greedy_assignment
from .bounds import (
    apart_clique,
    apart_uncolourable,
    apart_unseatable,
    apart_unseatable_at_all,
    check_apart,
    lower_bound,
    refuse_apart,
    round_min_missing,
)
from .layout import construction_prefs, near_design_prefs, shadow_prefs
from .model import (
    GroupingError,
    Instance,
    Plan,
    check_seed,
    check_sizes,
    locks_fit,
    normalise,
    read_locked,
    sizes_fit,
    split_sizes,
)
from .report import recount
from .search import Search

# Work units per unit of effort: 0.7 to 0.95 s of pure Python for the bench's slowest cases up
# to 150 members on a machine where a unit costs 70 to 90 ns (search.py says what each unit
# counts, measured; the speed of one machine varied by a quarter from run to run). 14 million
# took 1.0 to 1.3 s there, 12 million 0.95 to 1.2 s. The bench's 40 cases at seeds 0 to 2 had
# 1,102, 1,094 and 1,096 repeats with 14 million, 1,111, 1,106 and 1,094 with 12 and 1,135,
# 1,135 and 1,110 with 10 (2.7 % more than 14 million).
BUDGET = 10_000_000
SEQUENTIAL = 0.3  # share of the budget spent on each new round alone while seating them
SEQUENTIAL_HISTORY = 0.8  # the same with history: each new round first avoids all earlier ones
MAX_ROUNDS = 100  # rounds of one session (every round costs time; a plenary has a handful)
MAX_EFFORT = 100  # about a hundred times the default's time (30 is the bench's long run)
ASSIGN_MAX = 60  # members of one line seated by the exact assignment (about 5 ms at 60)


def choose_tables(
    inst: Instance,
    g: int,
    low: int,
    high: int,
    rounds: int,
    locks: dict[int, list[list[int]]],
    seed: int,
    deadline: float | None = None,
    only: int | None = None,
    skip: frozenset[int] = frozenset(),
) -> tuple[int, tuple[list[list[int] | None], int] | None]:
    """The table count and its design (see layout.construction_prefs), or None for no design.

    floor(N/g) or ceil(N/g) tables, whichever gives sizes within min..max (balanced). When both
    do, the fewer missing line slots over the session decide (rule 2 comes before repeats, and
    the steering group can still ask for another group size). Only on a tie there, the count
    expected to repeat less: a design that repeats no earlier encounter, then a design with the
    fewest repeated earlier encounters (a near design, with a table dissolved per round, counts
    here too: its dissolved members repeat some), then no design with the lower bound as the
    guide; then the average size nearest g, then more tables (smaller tables mean fewer
    encounters per round). With locked tables a design only seeds the free rounds and does not
    pick the count. `only` (plan_rounds' ``tables``) is the one count considered; counts in
    `skip` (those at which the apart pairs provably cannot be kept: rule 1) are passed over.
    """
    n = inst.n
    options = []
    lock_clash = False
    counts = [only] if only is not None else sorted({n // g, -(-n // g)} - {0} - skip)
    for tables in counts:
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
        options.append((missing, tables))
    if not options:
        if lock_clash:
            raise GroupingError(
                "locked_invalid",
                "The locked tables do not fit a balanced table plan: their sizes or their number "
                "cannot go together with the other tables.",
                params={
                    "field": "locked",
                    "members": n,
                    "tables": counts,
                    "locked_sizes": {r: [len(t) for t in lr] for r, lr in locks.items()},
                },
            )
        low_t, high_t = n // g, -(-n // g)
        raise GroupingError(
            "sizes_impossible",
            f"{n} present members cannot sit at tables of {low} to {high} people "
            + (
                f"at {only} tables."
                if only is not None
                else f"around the group size of {g} ({low_t} or {high_t} tables)."
            )
            + " Change the group size or the size limits.",
            params={
                "members": n,
                "group_size": g,
                "min_size": low,
                "max_size": high,
                "tables": counts if only is not None else [low_t, high_t],
            },
        )
    fewest = min(missing for missing, _ in options)
    ranked = []
    for missing, tables in options:
        if missing != fewest:
            continue
        rng = random.Random(seed)  # noqa: S311 - seating, not cryptography
        design = construction_prefs(inst, tables, rounds, locks, rng, deadline)
        if design is None or locks:
            rank, expected = 2, lower_bound(inst, rounds, tables, locks)
        else:
            # a near design (members without a preferred table) repeats some encounters itself
            near = any(t < 0 for pref in design[0] if pref for t in pref)
            rank, expected = (0 if design[1] == 0 and not near else 1), design[1]
        nearest = Fraction(abs(n - g * tables), tables)
        ranked.append(((rank, expected, nearest, -tables), tables, design))
    _, tables, design = min(ranked, key=lambda option: option[0])
    return tables, design


def allowed_tables(inst: Instance, g: int, low: int, high: int) -> list[int]:
    """The table counts the rule allows: floor(N/g) and ceil(N/g) where sizes fit."""
    n = inst.n
    return [t for t in sorted({n // g, -(-n // g)} - {0}) if sizes_fit(n, t, low, high)]


def table_options(
    lines: Mapping[Any, Sequence[Hashable]],
    *,
    absent: Sequence[Hashable] = (),
    group_size: int | None = None,
    min_size: int = 3,
    max_size: int | None = None,
) -> list[int]:
    """The table counts `plan_rounds` chooses between: floor(N/g) and ceil(N/g) for N present
    members and group size g, those whose balanced sizes fall within min_size..max_size.

    `plan_rounds` picks one of them (rule 2 first); pass the other as ``tables=`` to see what
    it would cost (Report.missing_line_slots, Report.repeats). Locked tables are not looked at
    here. Raises GroupingError for malformed input like ``plan_rounds``.
    """
    inst = normalise(lines, absent=absent)
    if inst.n == 0:
        return []
    g, low, high = check_sizes(group_size, min_size, max_size, inst.k)
    return allowed_tables(inst, g, low, high)


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
    deadline: float | None = None,
) -> list[list[int]]:
    """One round: locked tables, then free tables filled line by line at least cost.

    The line counts per table come from `compose` (minimal missing line slots); `pref` (a table
    per member, from the construction) is honoured first where the counts allow. Each line's
    remaining members go to the free seats by a minimum-cost assignment (cost: the encounters
    they would repeat), or greedily once the deadline has passed.
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
            if m not in fixed and pref[m] >= 0:
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
                if pref[m] >= 0 and slots[pref[m]] > 0:
                    slots[pref[m]] -= 1
                    seated[pref[m]].append(m)
                else:
                    waiting.append(m)
            rest = waiting
        rng.shuffle(rest)
        columns = [t for t in range(free_tables) for _ in range(slots[t])]
        if not rest:
            continue
        if deadline is not None and time.perf_counter() > deadline:
            # out of time: any seat that keeps the line counts (a valid round, costs unseen)
            for m, t in zip(rest, columns, strict=True):
                seated[t].append(m)
            continue
        rows = [search.seat_costs(m, seated) for m in rest]
        matrix = [[row[t] for t in columns] for row in rows]
        chosen = greedy_assignment(matrix)
        total = sum(matrix[i][j] for i, j in enumerate(chosen))
        # the greedy answer is optimal when every member got its cheapest seat (often: all 0);
        # a line far larger than the table count keeps it (the assignment is cubic)
        if total > sum(map(min, matrix)) and len(rest) <= ASSIGN_MAX:
            late = deadline is not None and time.perf_counter() > deadline
            if not late:
                chosen = assignment(matrix)
        for i, j in enumerate(chosen):
            seated[columns[j]].append(rest[i])
    return [list(t) for t in locked_round] + seated


def build(
    inst: Instance,
    tables: int,
    rounds: int,
    locks: dict[int, list[list[int]]],
    seed: int,
    prefs: list[list[int] | None] | None,
    budget: float,
    mixed: bool,
    deadline: float | None = None,
) -> Search:
    """Seat the rounds one by one, each followed by a search on that round alone."""
    rng = random.Random(seed)  # noqa: S311 - seating, not cryptography
    search = Search(inst, rng)
    left = budget
    for r in range(rounds):
        locked_round = locks.get(r, [])
        pref = prefs[r] if prefs else None
        plan = seat_round(inst, search, tables, locked_round, rng, pref, deadline)
        flags = [True] * len(locked_round) + [False] * (len(plan) - len(locked_round))
        search.add_round(plan, flags)
        if budget:
            # what a round leaves unspent (it reached zero repeats) goes to the later rounds,
            # which start with more encounters behind them and so need it more
            share = left / (rounds - r)
            left -= min(share, search.run(share, 0, deadline, mixed, active=r))
    return search


def shadow_start(
    inst: Instance,
    tables: int,
    rounds: int,
    seed: int,
    target: int,
    mixed: bool,
    deadline: float | None,
) -> Search | None:
    """The rounds seated from the shadow design (layout.shadow_prefs) when tables hold more
    people than there are tables, but only where that plan reaches the lower bound (it keeps
    the apart pairs and repeats no more than `target`); else None and the usual starts run."""
    rng = random.Random(seed)  # noqa: S311 - seating, not cryptography
    shadow = shadow_prefs(inst, tables, rounds, rng)
    if shadow is None or shadow[1] > target:
        return None
    start = build(inst, tables, rounds, {}, seed, shadow[0], 0, mixed, deadline)
    if start.repeats > target or start.apart_violations:
        return None
    return start


def _check_number(value: Any, name: str, *, whole: bool, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    kinds = (int,) if whole else (int, float)
    if (
        isinstance(value, bool)
        or not isinstance(value, kinds)
        or value <= 0
        or (not whole and not _finite(value))
    ):
        # not whole: a finite number too (NaN passes `<= 0`, infinity never ends the search,
        # and an int too large for a float overflows the deadline's arithmetic)
        what = "a whole number of at least 1" if whole else "a positive number"
        raise GroupingError(
            f"invalid_{name}",
            f"The {name.replace('_', ' ')} must be {what}.",
            params={"field": name, "value": value},
        )


def _finite(value: float) -> bool:
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


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
    tables: int | None = None,
) -> Plan:
    """Plan `rounds` rounds of tables under the rules of this module's docstring.

    `lines` maps each line to its member ids; `history` holds earlier rounds (oldest first; ids
    in no line are ignored); `absent` members are seated nowhere; `apart` pairs never share a
    table. `locked` maps a round number (0-based, within this session) to tables that must
    appear exactly as given: their members are taken out of the search and the other tables
    are planned around them (their sizes must fit the balanced table plan). `group_size`
    defaults to the number of lines with a present member (at least 3), `max_size` to
    group_size + 1.

    `tables` plans with exactly that many tables instead of the rule's choice (any count whose
    balanced sizes fit min_size..max_size; ``table_options`` lists the two the rule weighs),
    so the scheduler can show what the other allowed count would cost.

    Zero-repeat rounds come from a resolvable design where one fits (construct.py); where tables
    hold more people than there are tables, the shadow design (layout.shadow_prefs) where it
    reaches the lower bound; otherwise a greedy start. A tabu search follows and stops at the
    lower bound, on a plateau, at the budget (`effort`) or at `time_limit` seconds, which every
    phase observes (`effort` a positive number up to MAX_EFFORT, `time_limit` a positive finite
    number). Same input, seed and effort give the same plan; only `time_limit` adds clock
    dependence.
    Raises GroupingError: input errors have ``impossible`` True, ``no_plan_in_budget`` False.
    """
    started = time.perf_counter()
    _check_number(rounds, "rounds", whole=True)
    if rounds > MAX_ROUNDS:
        raise GroupingError(
            "invalid_rounds",
            f"A session has at most {MAX_ROUNDS} rounds.",
            params={"field": "rounds", "value": rounds, "max": MAX_ROUNDS},
        )
    _check_number(effort, "effort", whole=False)
    if effort > MAX_EFFORT:
        # the per-round searches stop at the budget, not on a plateau: a huge effort never ends
        raise GroupingError(
            "invalid_effort",
            f"The effort is at most {MAX_EFFORT}.",
            params={"field": "effort", "value": effort, "max": MAX_EFFORT},
        )
    _check_number(time_limit, "time_limit", whole=False, allow_none=True)
    _check_number(tables, "tables", whole=True, allow_none=True)
    check_seed(seed)
    deadline = None if time_limit is None else started + time_limit
    inst = normalise(lines, history=history, absent=absent, apart=apart)
    if inst.n == 0:
        raise GroupingError(
            "no_members", "There is nobody to seat: every member is absent.", params={"members": 0}
        )
    g, low, high = check_sizes(group_size, min_size, max_size, inst.k)
    locks = read_locked(locked, rounds, inst, set(inst.apart))
    cliques = {}
    if inst.apart and tables is None:
        # rule 1 before rule 2: a count at which the apart pairs cannot all be kept is passed
        # over; when that is every allowed count, check_apart below says so for the chosen one
        cliques = {c: apart_clique(inst, c, deadline) for c in allowed_tables(inst, g, low, high)}
    skip = frozenset(count for count, clique in cliques.items() if clique is not None)
    if skip == set(cliques):
        skip = frozenset()
    asked = tables
    tables, design = choose_tables(inst, g, low, high, rounds, locks, seed, deadline, tables, skip)
    if tables in cliques:
        refuse_apart(inst, tables, cliques[tables])  # searched above
    else:
        check_apart(inst, tables, deadline)
    if tables == 1:
        # everyone at the one table every round: the only plan, so no seating and no search
        # (at 300 people their pair counts alone took 0.3 s and ran past a short time_limit)
        everyone = [[list(range(inst.n))] for _ in range(rounds)]
        return _finish(inst, everyone, tables, locks, locked, started)
    target = lower_bound(inst, rounds, tables, locks)
    prefs = design[0] if design else None
    mixed = any(len(m) != tables for m in inst.line_members) or bool(locks)
    budget = BUDGET * effort
    search = None
    if prefs is None and not locks:
        # tables larger than their number: the shadow design reaches the bound where it fits
        search = shadow_start(inst, tables, rounds, seed, target, mixed, deadline)
    if search is None and prefs is not None:
        # the construction first; the greedy start only gets the rest of the budget if needed
        search = build(inst, tables, rounds, locks, seed, prefs, 0, mixed, deadline)
        if design and design[1] and not locks:
            # the exact design repeats earlier encounters: the near design may repeat fewer
            rng = random.Random(seed)  # noqa: S311 - seating, not cryptography
            near = near_design_prefs(inst, tables, rounds, locks, rng, deadline)
            if near is not None:
                other = build(inst, tables, rounds, locks, seed, near[0], 0, mixed, deadline)
                if other.cost < search.cost:
                    search = other
        search.run(budget / 2, target, deadline, mixed)
        budget /= 2
    late = deadline is not None and time.perf_counter() > deadline
    if search is None or (not late and (search.repeats > target or search.apart_violations)):
        share = SEQUENTIAL_HISTORY if inst.hist_count else SEQUENTIAL
        greedy = build(inst, tables, rounds, locks, seed, None, budget * share, mixed, deadline)
        greedy.run(budget * (1 - share), target, deadline, mixed)
        if search is None or greedy.cost < search.cost:
            search = greedy
    if search.apart_violations:
        # the apart pairs may hold only with more missing line slots (rule 1 before rule 2):
        # a search that weighs the slots (the report shows both counts)
        # the bound assumes the least missing line slots, which this search gives up: it
        # may find fewer repeats than the bound, so it does not stop there
        search.keep_apart(budget / 2, 0, deadline)
    search.polish(budget / 10, deadline)
    search.separate_apart()
    if search.apart_violations and search.borrow_kept_round():
        # a round that keeps every apart pair stands in for one that does not; the search
        # then lowers the repeats the copy made (its best plan keeps the apart pairs)
        search.run(budget / 10, target, deadline, mixed)
        search.polish(budget / 10, deadline)
    if search.apart_violations:
        error = GroupingError(
            "no_plan_in_budget",
            "No plan was found within the search budget that keeps every apart pair apart. It may "
            "be impossible; try a higher effort or fewer apart pairs.",
            params={"apart_pairs": len(inst.apart), "effort": effort},
            impossible=False,
        )
        others = [c for c in allowed_tables(inst, g, low, high) if c != tables and c not in skip]
        left = None if deadline is None else deadline - time.perf_counter()
        if asked is None and others and (left is None or left > 0):
            # rule 1 before rule 2: the other allowed count may keep the apart pairs where this
            # one cannot (locked tables and apart pairs together, say)
            try:
                other = plan_rounds(
                    lines,
                    rounds,
                    history=history,
                    absent=absent,
                    apart=apart,
                    locked=locked,
                    group_size=group_size,
                    min_size=min_size,
                    max_size=max_size,
                    seed=seed,
                    effort=effort,
                    time_limit=left,
                    tables=others[0],
                )
            except GroupingError:
                pass
            else:
                elapsed = time.perf_counter() - started
                return Plan(rounds=other.rounds, report=replace(other.report, elapsed=elapsed))
        if not locks:
            # impossible after all, where a group of apart pairs fits no allowed count (a ring
            # of five at two tables): say so, rather than that the budget ran out
            counts = [tables, *others] if asked is None else [tables]
            proofs = [apart_uncolourable(inst, count, deadline) for count in counts]
            if not all(proofs):
                # the exact proof where the quick one says nothing: the round's own table
                # sizes (one seat fewer at the small tables) and the groups together where
                # they share the seats (someone kept apart from four at two tables of four,
                # and a pair)
                proofs = [
                    proof or _whole_round_proof(inst, count, deadline)
                    for proof, count in zip(proofs, counts, strict=True)
                ]
            if all(proofs):
                raise GroupingError(
                    "apart_infeasible",
                    f"The apart pairs cannot all be kept: these members cannot sit apart at "
                    f"{tables} tables.",
                    params={
                        "tables": tables,
                        "members": [inst.ids[m] for m in proofs[0]],
                        "linked": True,  # linked by pairs, not each apart from all the others
                    },
                ) from error
        else:
            # a locked round whose free tables cannot keep a group apart (nobody joins a
            # locked table), at every count the rule weighs: say which round, as a repair does
            counts = [tables, *others] if asked is None else [tables]
            proofs = [_locked_apart_proof(inst, count, locks, deadline) for count in counts]
            if all(proofs):
                raise _locked_apart_refusal(inst, tables, proofs[0], locked) from error
        raise error
    return _finish(inst, search.rounds, tables, locks, locked, started)


def _whole_round_proof(inst: Instance, tables: int, deadline: float | None) -> list[int] | None:
    """A group linked by apart pairs that no round at `tables` balanced tables keeps apart, at
    its exact sizes (`apart_unseatable`, nobody seated), or None when none is proven. After a
    failed search without locks, where `apart_uncolourable` (every table at the larger size,
    each group alone) proved nothing; past the deadline the quick colouring, as with locks."""
    late = deadline is not None and time.perf_counter() > deadline
    base, big = split_sizes(inst.n, tables)
    sizes = [base + 1] * big + [base] * (tables - big)
    return apart_unseatable(inst, sizes, quick=late, deadline=None if late else deadline)


def _locked_apart_proof(
    inst: Instance, tables: int, locks: dict[int, list[list[int]]], deadline: float | None
) -> tuple[list[int], int | None] | bool:
    """Why no plan at `tables` tables keeps the apart pairs beside these locked tables: (group,
    None) when a group linked by pairs cannot be kept apart in any round at this count (locked
    or not), (group, round) when the people not at that round's locked tables cannot be kept
    apart at its free tables, True when the locked tables do not fit this count at all; False
    when none is proven. After a failed search, so only where it refuses; past the deadline the
    quick colouring (two steps a member and 100) still decides the small groups."""
    if any(not locks_fit(tables, inst.n, lr) for lr in locks.values()):
        return True  # the other count: its own plan_rounds refused it as locked_invalid
    late = deadline is not None and time.perf_counter() > deadline
    limit = None if late else deadline
    base, big = split_sizes(inst.n, tables)
    everyone = [base + 1] * big + [base] * (tables - big)
    group = apart_unseatable(inst, everyone, quick=late, deadline=limit)
    if group is not None:
        return group, None
    for r in sorted(locks):
        fixed = {m for table in locks[r] for m in table}
        group = apart_unseatable(
            inst, _caps_for(inst, tables, locks[r]), fixed, quick=late, deadline=limit
        )
        if group is not None:
            if apart_unseatable_at_all(inst, group, tables, quick=late):
                return group, None  # unlocking a table would not help
            return group, r
    return False


def _locked_apart_refusal(
    inst: Instance,
    tables: int,
    proof: tuple[list[int], int | None],
    locked: Mapping[int, Sequence[Sequence[Hashable]]] | None,
) -> GroupingError:
    """apart_infeasible for `_locked_apart_proof`: with `round` and `locked` (that round's
    locked tables as given) and `tables` its free tables where unlocking one may help; else as
    without locks, the round's `tables`."""
    group, r = proof
    members = [inst.ids[m] for m in group]
    if r is None:
        return GroupingError(
            "apart_infeasible",
            f"The apart pairs cannot all be kept: these members cannot sit apart at {tables} "
            "tables.",
            params={"tables": tables, "members": members, "linked": True},
        )
    given = [list(table) for table in (locked or {})[r]]
    free = tables - len(given)
    return GroupingError(
        "apart_infeasible",
        f"The apart pairs cannot all be kept: these members cannot sit apart at the {free} "
        f"tables beside the locked ones of round {r}.",
        params={"tables": free, "members": members, "linked": True, "locked": given, "round": r},
    )


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
