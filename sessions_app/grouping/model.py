"""Plain data of the grouping engine: the error, the report, the plan and input normalisation.

Members are numbered 0..N-1 in the order the lines and their members are given (dict order of
``lines``, then list order), so no result ever depends on the iteration order of a set of ids.
A pair of members a < b is keyed ``a * N + b`` in dictionaries.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Every code a GroupingError can carry (docs/grouping.md lists their params). The web layer
# walks this set to check it words each one; GroupingError refuses any other code, and a test
# collects the codes the package raises (from its source) and compares them with this set.
ERROR_CODES: frozenset[str] = frozenset(
    {
        # input of plan_rounds, table_options, repair_round and evaluate
        "invalid_lines",
        "member_listed_twice",
        "member_in_two_lines",
        "invalid_absent",
        "invalid_history",
        "invalid_arrived",
        "apart_invalid",
        "invalid_rounds",
        "invalid_effort",
        "invalid_time_limit",
        "invalid_tables",
        "invalid_seed",
        "invalid_sizes",
        "no_members",
        "sizes_impossible",
        "locked_invalid",
        "locked_absent",
        "locked_apart",
        "apart_infeasible",
        # the search ran out of budget (impossible is False)
        "no_plan_in_budget",
        # repair_round's current round and arrivals
        "current_invalid",
        "arrived_invalid",
        # evaluate: a hand-edited plan that breaks a hard rule
        "plan_invalid",
        "plan_unknown_member",
        "plan_absent_seated",
        "plan_member_twice",
        "plan_member_missing",
        "plan_sizes",
        "plan_apart",
        "plan_locked",
    }
)


class GroupingError(ValueError):
    """Input the engine cannot plan for, or no plan found within the search budget.

    ``code`` is machine readable (the Django layer translates by code) and always one of
    ``ERROR_CODES``: any other code raises AssertionError (a bug in the engine, not an input
    error). ``params`` fills the message with data, ``impossible`` is True when the input
    itself cannot be planned and False when only the search budget ran out (a higher effort
    may succeed).
    """

    def __init__(
        self, code: str, message: str, *, params: dict | None = None, impossible: bool = True
    ):
        if code not in ERROR_CODES:
            raise AssertionError(f"GroupingError code {code!r} is not in ERROR_CODES")
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = dict(params or {})
        self.impossible = impossible


@dataclass(frozen=True)
class Report:
    """The numbers of a plan (all counts over the new rounds only).

    A pair meeting m times in the new rounds and h times in history counts m repeats when h > 0
    (``repeats_history``) and m - 1 when h == 0 (``repeats_within``); ``repeats`` is their sum.
    ``repeated_pairs`` lists ((a, b), that count) for every pair with a positive count, a before b
    in member order. ``missing_line_slots`` counts (table, line) pairs where a line with a present
    member has nobody at the table, summed over rounds; ``min_missing_line_slots`` is the least
    possible number for the same table count and locked tables. ``lower_bound`` is a proven lower
    bound on ``repeats`` for any plan keeping the hard rules and the minimal line slots.

    Three states, for the scheduler view to tell apart:

    - ``proven_optimal``: repeats equal the lower bound, no plan can do better;
    - ``lower_bound_tight`` False: the bound is known to be unreachable (a missing resolvable
      transversal design, e.g. 4 lines of 6 over 6 rounds), so repeats above it may be optimal;
    - otherwise (``lower_bound_tight`` True, ``proven_optimal`` False): unknown. The bound
      may or may not be reachable; ``lower_bound_tight`` means "not known to be unreachable",
      never "reachable".

    ``moved`` and ``arrived`` are filled by a repair. ``elapsed`` (seconds) is not part of
    equality so a report equals its recount.
    """

    repeats: int
    repeats_history: int
    repeats_within: int
    repeated_pairs: tuple[tuple[tuple[Hashable, Hashable], int], ...]
    people_with_repeats: int
    missing_line_slots: int
    min_missing_line_slots: int
    table_sizes: tuple[tuple[int, ...], ...]
    lower_bound: int
    lower_bound_tight: bool
    proven_optimal: bool = False
    moved: tuple[Hashable, ...] = ()
    arrived: tuple[Hashable, ...] = ()
    elapsed: float = field(default=0.0, compare=False)


@dataclass(frozen=True)
class Plan:
    """Rounds -> tables -> member ids; tables by their first member, members in line order."""

    rounds: list[list[list[Hashable]]]
    report: Report


@dataclass
class Instance:
    """Present members as ints, their lines, history pair counts and apart pairs."""

    ids: list[Hashable]
    index: dict[Hashable, int]
    line_names: list[Any]
    line_of: list[int]
    line_members: list[list[int]]
    hist_count: dict[int, int]
    hist_last: dict[int, int]
    history_rounds: int
    apart: list[int]
    known: dict[Hashable, int] = field(default_factory=dict)  # every line member -> line number
    # each history round's tables of present members (a member twice in a round: the first)
    history_tables: list[list[list[int]]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def k(self) -> int:
        return len(self.line_members)

    def missing_at(self, table: Iterable[int]) -> int:
        """The (table, line) slots `table` leaves empty: lines with no member there."""
        return self.k - len({self.line_of[m] for m in table})

    def key(self, a: int, b: int) -> int:
        return a * len(self.ids) + b if a < b else b * len(self.ids) + a


def is_hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def id_list(value: Any, code: str, what: str, field: str, **where: Any) -> list:
    """`value` as a list; else GroupingError(code) with params {"field": field, **where}.

    `what` only words the English message; the params are data (the input field's name and
    where in it: round, line) so that the web layer can word the error in any language.
    """
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | set | frozenset | tuple):
        raise GroupingError(
            code, f"{what} must be a list of member ids.", params={"field": field, **where}
        )
    return list(value)


def read_lines(lines: Mapping) -> tuple[list[Any], list[list[Hashable]]]:
    """Validate the lines mapping: every member in exactly one line, listed once."""
    if not isinstance(lines, Mapping) or not lines:
        raise GroupingError(
            "invalid_lines",
            "Give at least one learning line with its members.",
            params={"field": "lines"},
        )
    names: list[Any] = []
    members: list[list[Hashable]] = []
    where: dict[Hashable, Any] = {}
    for name, line in lines.items():
        ids = id_list(line, "invalid_lines", f"The members of line {name}", "lines", line=name)
        for member in ids:
            if not is_hashable(member):
                raise GroupingError(
                    "invalid_lines",
                    f"Line {name} contains {member!r}, which is not a member id.",
                    params={"line": name, "member": member},
                )
            if member in where:
                if where[member] == name:
                    raise GroupingError(
                        "member_listed_twice",
                        f"Member {member} is listed twice in line {name}.",
                        params={"member": member, "line": name},
                    )
                raise GroupingError(
                    "member_in_two_lines",
                    f"Member {member} is in two lines ({where[member]} and {name}); "
                    "a member belongs to exactly one line.",
                    params={"member": member, "line": where[member], "other_line": name},
                )
            where[member] = name
        names.append(name)
        members.append(ids)
    return names, members


def read_pairs(apart: Any, index: Mapping[Hashable, int], n: int) -> list[int]:
    """Apart pairs as sorted pair keys; pairs with an unknown or absent member are ignored."""
    keys: set[int] = set()
    for pair in id_list(apart, "apart_invalid", "The apart pairs", "apart"):
        if isinstance(pair, str | bytes) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise GroupingError(
                "apart_invalid",
                f"{pair!r} is not a pair of two members to keep apart.",
                params={"pair": pair},
            )
        a, b = pair
        if not (is_hashable(a) and is_hashable(b)):
            raise GroupingError(
                "apart_invalid", f"{pair!r} is not a pair of member ids.", params={"pair": pair}
            )
        if a == b:
            raise GroupingError(
                "apart_invalid",
                f"Member {a} cannot be kept apart from themselves.",
                params={"member": a},
            )
        if a in index and b in index:
            i, j = sorted((index[a], index[b]))
            keys.add(i * n + j)
    return sorted(keys)


def normalise(lines: Mapping, *, history: Any = (), absent: Any = (), apart: Any = ()) -> Instance:
    """Turn the public input into an Instance; raise GroupingError on malformed input."""
    names, members = read_lines(lines)
    absent_ids = id_list(absent, "invalid_absent", "The absent members", "absent")
    gone = {a for a in absent_ids if is_hashable(a)}
    ids: list[Hashable] = []
    line_of: list[int] = []
    line_members: list[list[int]] = []
    line_names: list[Any] = []
    known: dict[Hashable, int] = {}
    for name, line in zip(names, members, strict=True):
        present = [m for m in line if m not in gone]
        for m in line:
            known[m] = len(line_names)
        if not present:
            continue  # a line without a present member is not expected at any table
        number = len(line_names)
        line_names.append(name)
        line_members.append(list(range(len(ids), len(ids) + len(present))))
        ids.extend(present)
        line_of.extend([number] * len(present))
    # known maps to the number of a line with a present member; lines all absent map to -1
    renumber = {name: i for i, name in enumerate(line_names)}
    known = {m: renumber.get(names[idx], -1) for m, idx in known.items()}
    index = {m: i for i, m in enumerate(ids)}
    n = len(ids)
    hist_count: dict[int, int] = {}
    hist_last: dict[int, int] = {}
    rounds = id_list(history, "invalid_history", "The history", "history")
    history_tables: list[list[list[int]]] = []
    for h, past in enumerate(rounds):
        placed: set[int] = set()
        history_tables.append([])
        for table in id_list(past, "invalid_history", "A round of the history", "history", round=h):
            ids_at = id_list(table, "invalid_history", "A table", "history", round=h)
            if not all(map(is_hashable, ids_at)):
                # a list where an id belongs: the history is nested one level too deep
                raise GroupingError(
                    "invalid_history",
                    "A table of the history must be a list of member ids.",
                    params={"field": "history", "round": h},
                )
            seated = sorted({index[m] for m in ids_at if m in index})
            history_tables[-1].append([m for m in seated if m not in placed])
            placed.update(seated)
            for x, a in enumerate(seated):
                for b in seated[x + 1 :]:
                    key = a * n + b
                    hist_count[key] = hist_count.get(key, 0) + 1
                    hist_last[key] = h
    return Instance(
        ids=ids,
        index=index,
        line_names=line_names,
        line_of=line_of,
        line_members=line_members,
        hist_count=hist_count,
        hist_last=hist_last,
        history_rounds=len(rounds),
        apart=read_pairs(apart, index, n),
        known=known,
        history_tables=history_tables,
    )


def check_sizes(group_size: Any, min_size: Any, max_size: Any, k: int) -> tuple[int, int, int]:
    """The default sizes: g = lines with a present member (at least 3), min 3, max = g + 1."""
    g = max(3, k) if group_size is None else group_size
    names = (
        ("group_size", "group size"),
        ("min_size", "minimum size"),
        ("max_size", "maximum size"),
    )
    for value, (name, what) in zip((g, min_size, max_size), names, strict=True):
        if name == "max_size" and value is None:
            continue  # the default, g + 1, is checked with g
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise GroupingError(
                "invalid_sizes",
                f"The {what} must be a whole number of at least 1.",
                params={"field": name, "value": value},
            )
    top = g + 1 if max_size is None else max_size
    if min_size > top:
        raise GroupingError(
            "invalid_sizes",
            f"The minimum table size ({min_size}) is larger than the maximum ({top}).",
            params={"min_size": min_size, "max_size": top},
        )
    return g, min_size, top


def check_seed(seed: Any) -> None:
    """The seed of plan_rounds and repair_round: a whole number (True and False are not)."""
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise GroupingError(
            "invalid_seed",
            "The seed must be a whole number.",
            params={"field": "seed", "value": seed},
        )


def split_sizes(n: int, tables: int) -> tuple[int, int]:
    """Balanced sizes for n members at `tables` tables: (base size, number of tables one larger)."""
    return n // tables, n % tables


def sizes_fit(n: int, tables: int, min_size: int, max_size: int) -> bool:
    if tables < 1 or tables > n:
        return False
    base, big = split_sizes(n, tables)
    return base >= min_size and base + (1 if big else 0) <= max_size


def read_locked(
    locked: Any, rounds: int, inst: Instance, apart: set[int]
) -> dict[int, list[list[int]]]:
    """Locked tables per round as member numbers; checks membership, absence and apart pairs."""
    if locked is None:
        return {}
    if not isinstance(locked, Mapping):
        raise GroupingError(
            "locked_invalid",
            "Locked tables must be given per round as {round: [table, ...]}.",
            params={"field": "locked"},
        )
    result: dict[int, list[list[int]]] = {}
    for r in sorted(locked, key=repr):
        if not isinstance(r, int) or isinstance(r, bool) or not 0 <= r < rounds:
            raise GroupingError(
                "locked_invalid",
                f"Locked tables are given for round {r}, "
                f"but the rounds run from 0 to {rounds - 1}.",
                params={"round": r, "rounds": rounds},
            )
        seen: set[int] = set()
        tables = []
        for table in id_list(
            locked[r], "locked_invalid", f"The locked tables of round {r}", "locked", round=r
        ):
            members = id_list(
                table, "locked_invalid", f"A locked table of round {r}", "locked", round=r
            )
            if not members:
                raise GroupingError(
                    "locked_invalid", f"A locked table of round {r} is empty.", params={"round": r}
                )
            seat = []
            for m in members:
                if is_hashable(m) and m not in inst.index and m in inst.known:
                    raise GroupingError(
                        "locked_absent",
                        f"Member {m} is absent but sits at a locked table in round {r}; "
                        "unlock the table or mark the member present.",
                        params={"member": m, "round": r},
                    )
                if not is_hashable(m) or m not in inst.index:
                    raise GroupingError(
                        "locked_invalid",
                        f"A locked table in round {r} seats {m!r}, who is in no line.",
                        params={"member": m, "round": r},
                    )
                i = inst.index[m]
                if i in seen:
                    raise GroupingError(
                        "locked_invalid",
                        f"Member {m} sits at two locked tables (or twice) in round {r}.",
                        params={"member": m, "round": r},
                    )
                seen.add(i)
                seat.append(i)
            seat.sort()
            for x, a in enumerate(seat):
                for b in seat[x + 1 :]:
                    if a * inst.n + b in apart:
                        raise GroupingError(
                            "locked_apart",
                            f"A locked table in round {r} seats {inst.ids[a]} and {inst.ids[b]}, "
                            "who must be kept apart.",
                            params={"member": inst.ids[a], "other": inst.ids[b], "round": r},
                        )
            tables.append(seat)
        if tables:
            result[r] = tables
    return result


def locks_fit(tables: int, n: int, locked_round: list[list[int]]) -> bool:
    """Whether one round's locked tables fit a balanced round with `tables` tables."""
    if len(locked_round) > tables:
        return False
    base, big = split_sizes(n, tables)
    large = sum(1 for t in locked_round if len(t) == base + 1)
    if any(len(t) not in (base, base + 1) for t in locked_round):
        return False
    if big == 0:
        return large == 0
    return large <= big and len(locked_round) - large <= tables - big
