"""Line-slot minimum (a max-flow in closed form), apart pairs that cannot be kept, and the lower
bound on repeated encounters."""

from __future__ import annotations

from collections.abc import Iterable

from .algorithms import colourable, find_clique, max_coverage
from .model import GroupingError, Instance, split_sizes

CLIQUE_NODES = 20_000  # exact apart-clique search steps before settling for the greedy answer


def free_part(
    inst: Instance, tables: int, locked_round: list[list[int]]
) -> tuple[list[int], list[int], int]:
    """Free members per line, capacities of the free tables, missing slots at locked tables."""
    base, big = split_sizes(inst.n, tables)
    free = [len(m) for m in inst.line_members]
    missing_locked = 0
    large = 0
    for table in locked_round:
        lines = {inst.line_of[m] for m in table}
        missing_locked += inst.k - len(lines)
        for m in table:
            free[inst.line_of[m]] -= 1
        large += len(table) == base + 1
    small = tables - big - (len(locked_round) - large)
    caps = [base + 1] * (big - large) + [base] * small
    return free, caps, missing_locked


def round_min_missing(inst: Instance, tables: int, locked_round: list[list[int]]) -> int:
    """Least (table, missing line) slots of one round with these locked tables (rule 2)."""
    free, caps, missing_locked = free_part(inst, tables, locked_round)
    return missing_locked + inst.k * len(caps) - max_coverage(free, caps)


def guaranteed_lines(inst: Instance, tables: int, locked_round: list[list[int]]) -> list[bool]:
    """Lines present at every free table of every plan that keeps the minimal line slots.

    When the minimum equals the sum over lines of max(0, free tables - free members), each line
    must cover exactly min(free members, free tables) tables, so a line with at least as many free
    members as free tables is at every free table. Otherwise no line is claimed (a safe answer).
    """
    free, caps, _ = free_part(inst, tables, locked_round)
    count = len(caps)
    if count == 0 or not exact_cover(inst, tables, locked_round):
        return [False] * inst.k
    return [f >= count for f in free]


def exact_cover(inst: Instance, tables: int, locked_round: list[list[int]]) -> bool:
    """True when every plan of the free tables that keeps the least missing line slots seats
    each line at exactly min(its free members, free tables) of them: a line no longer than
    the table count then sits one per table (its members never share one)."""
    free, caps, _ = free_part(inst, tables, locked_round)
    missing = inst.k * len(caps) - max_coverage(free, caps)
    return missing == sum(max(0, len(caps) - f) for f in free)


def lower_bound(inst: Instance, rounds: int, tables: int, locks: dict[int, list[list[int]]]) -> int:
    """A proven lower bound on Report.repeats for plans with the hard rules and minimal line slots.

    Member a of line A meets, over the new rounds, at least M members of line B counted with
    multiplicity (one per round in which B is at every free table, plus the B members at a's
    locked tables). At most F of those meetings are free, F being the B members a never met and
    need not keep apart from; the other M - F are repeats between a and B. Summing a over A gives
    a bound for the pairs between A and B, and so does summing b over B: the larger one counts.
    Within a line, members beyond one per table meet each other; the balanced spread gives the
    fewest such meetings per round, and again only never-met pairs can absorb one meeting each.
    The result is the largest of that per-line bound, the global count of ``fresh_pairs``, the
    per-member count of ``per_member`` and the table-size count of ``chain_bound``.
    """
    n, k = inst.n, inst.k
    stale = [[0] * k for _ in range(n)]
    stale_within = [0] * k
    for key in sorted(set(inst.hist_count) | set(inst.apart)):
        a, b = divmod(key, n)
        la, lb = inst.line_of[a], inst.line_of[b]
        if la == lb:
            stale_within[la] += 1
        else:
            stale[a][lb] += 1
            stale[b][la] += 1
    meetings = [[0] * k for _ in range(n)]
    plain = rounds - len(locks)
    if plain:
        cover = guaranteed_lines(inst, tables, [])
        for a in range(n):
            row = meetings[a]
            for line in range(k):
                if cover[line] and line != inst.line_of[a]:
                    row[line] += plain
    for locked_round in locks.values():
        cover = guaranteed_lines(inst, tables, locked_round)
        fixed = set()
        for table in locked_round:
            fixed.update(table)
            for a in table:
                for b in table:
                    if inst.line_of[a] != inst.line_of[b]:
                        meetings[a][inst.line_of[b]] += 1
        for a in range(n):
            if a not in fixed:
                for line in range(k):
                    if cover[line] and line != inst.line_of[a]:
                        meetings[a][line] += 1
    sizes = [len(m) for m in inst.line_members]
    fresh = fresh_pairs(inst)
    separate = exact_cover(inst, tables, [])  # in rounds without locked tables
    if separate and not locks:
        # line mates of a line no longer than the table count never share a table: their
        # fresh pairs absorb nothing
        for line, members in enumerate(inst.line_members):
            if len(members) <= tables:
                fresh -= len(members) * (len(members) - 1) // 2 - stale_within[line]
    bound = max(0, encounters(inst, rounds, tables) - fresh)
    bound = max(bound, per_member(inst, rounds, tables, locks, meetings, stale, separate))
    excess = [
        [
            max(0, meetings[a][b] - (sizes[b] - stale[a][b])) if b != inst.line_of[a] else 0
            for b in range(k)
        ]
        for a in range(n)
    ]
    per_line = 0
    for la in range(k):
        for lb in range(la + 1, k):
            one = sum(excess[a][lb] for a in inst.line_members[la])
            other = sum(excess[b][la] for b in inst.line_members[lb])
            per_line += max(one, other)
        per_round = together_at_least(sizes[la], tables)
        fresh = sizes[la] * (sizes[la] - 1) // 2 - stale_within[la]
        per_line += max(0, rounds * per_round - fresh)
    return max(bound, per_line, chain_bound(inst, rounds, tables))


def together_at_least(size: int, tables: int) -> int:
    """The fewest pairs of `size` people that share a table when they sit at `tables` tables:
    spread as evenly as possible (pigeonhole; any other spread adds pairs)."""
    q, rem = divmod(size, tables)
    return rem * (q + 1) * q // 2 + (tables - rem) * q * (q - 1) // 2


def forced_between_rounds(sizes: Iterable[int], tables: int) -> int:
    """Pairs that sit together again in the next round, at least, when tables of these sizes
    spread over `tables` tables (``together_at_least`` summed over the tables)."""
    return sum(together_at_least(size, tables) for size in sizes)


def chain_bound(inst: Instance, rounds: int, tables: int) -> int:
    """Repeats forced by the table sizes alone, from one round to the next.

    The people at one table of a round sit at `tables` tables in the next round, so at least
    ``together_at_least(size, tables)`` of their pairs sit together in both rounds. That count
    is summed over the tables of one round, for each two consecutive new rounds, and once for
    one history round (the one that forces the most) followed by the first new round. A pair
    that never met before and meets in m new rounds is counted at most m - 1 times (once per two
    consecutive rounds that both hold it): its repeats. A pair that met before counts m
    repeats and at most m counts: the history link adds one only when it also meets in the
    first new round. So the sum is a lower bound. It matters when tables are larger than their
    number: 15 people at 3 tables of 5 repeat at least 6 encounters over 2 rounds.

    Every meeting of a pair that met before is a repeat, so the history round's link also holds
    for each new round on its own: `rounds` times it is a bound too (the larger one counts),
    when an earlier round had much larger tables than the new rounds have.
    """
    base, big = split_sizes(inst.n, tables)
    per_link = forced_between_rounds([base + 1] * big + [base] * (tables - big), tables)
    history = max(
        (forced_between_rounds(map(len, rnd), tables) for rnd in inst.history_tables),
        default=0,
    )
    return max(history + (rounds - 1) * per_link, rounds * history)


def per_member(
    inst: Instance,
    rounds: int,
    tables: int,
    locks: dict[int, list[list[int]]],
    meetings: list[list[int]],
    stale: list[list[int]],
    separate: bool,
) -> int:
    """Repeats forced member by member: half the sum over members of their least repeats.

    Member a sits at a table of at least ``base`` people in every round (a locked table: its
    own size), so it meets at least M people counted with multiplicity, and at least
    ``meetings[a][L]`` of them in line L (the lines at every table). Of line L only F_L members
    are fresh for a (never met, not apart; in a's own line a itself excepted), and a fresh
    member absorbs one meeting without a repeat. The fewest repeats a can take part in: the
    meetings a line's guarantee puts beyond its fresh members, plus whatever of M the fresh
    members left over cannot absorb. Each repeat of a pair is counted at both its members.
    A fresh member absorbs a meeting only if a can meet them at all: where the least missing
    slots seat a line one per table, a meets at most one of it per round and none of its own
    line, so line mates a never met (the usual case: the rules keep them apart) absorb nothing.
    `separate` says the least missing slots seat every line that way in a round without locked
    tables (``exact_cover``).
    """
    n, k = inst.n, inst.k
    base, _ = split_sizes(n, tables)
    own_stale = [0] * n
    for key in set(inst.hist_count) | set(inst.apart):
        a, b = divmod(key, n)
        if inst.line_of[a] == inst.line_of[b]:
            own_stale[a] += 1
            own_stale[b] += 1
    at_locked: dict[int, int] = {}
    for locked_round in locks.values():
        for table in locked_round:
            for a in table:
                at_locked[a] = at_locked.get(a, 0) + len(table) - base
    sizes = [len(m) for m in inst.line_members]
    # In a round without locked tables whose least missing slots leave every line at exactly
    # min(size, tables) tables, a line no longer than the table count sits one per table: a
    # member meets at most one of it, and none of its own line; a longer line puts at most
    # size - tables more at one table. So a fresh member absorbs a meeting only as far as those
    # rounds let a meet its line at all (locked rounds: no such limit is claimed).
    plain = rounds - len(locks)
    reach = [
        plain * (1 + max(0, f - tables)) + (rounds - plain) * f if separate else rounds * f
        for f in sizes
    ]
    total = 0
    for a in range(n):
        own = inst.line_of[a]
        meet = rounds * (base - 1) + at_locked.get(a, 0)
        forced = spare = guaranteed = 0
        for line in range(k):
            if line == own:
                fresh, least = sizes[line] - 1 - own_stale[a], 0
                most = reach[line] - (plain if separate else 0)
            else:
                fresh, least = sizes[line] - stale[a][line], meetings[a][line]
                most = reach[line]
            forced += max(0, least - fresh)
            spare += max(0, min(fresh, most) - least)
            guaranteed += least
        total += forced + max(0, meet - guaranteed - spare)
    return (total + 1) // 2


def encounters(inst: Instance, rounds: int, tables: int) -> int:
    """Pairs seated together over the rounds, counted with multiplicity (balanced sizes)."""
    base, big = split_sizes(inst.n, tables)
    per_round = big * (base + 1) * base // 2 + (tables - big) * base * (base - 1) // 2
    return rounds * per_round


def fresh_pairs(inst: Instance) -> int:
    """Pairs that never met and need not be kept apart: each absorbs one encounter for free.

    Every encounter beyond that many is a repeat, which gives a second, global bound: it is the
    stronger one when history has used up most pairs across all lines at once.
    """
    n = inst.n
    return n * (n - 1) // 2 - len(set(inst.hist_count) | set(inst.apart))


def known_unreachable(
    inst: Instance, rounds: int, tables: int, locks: dict[int, list[list[int]]], bound: int
) -> bool:
    """True only when the bound is known to be unreachable (so Report.lower_bound_tight is False).

    The one case claimed: k lines of n members (n >= 2), n tables of k, no history among them, no
    apart pairs, no locks, n rounds. The bound is 0 there, and zero repeats need a resolvable
    transversal design, i.e. k - 1 mutually orthogonal Latin squares of order n. At most n - 1
    exist, and order 6 has only one, so k > n or (n = 6 and k >= 3) is known to fail (this covers
    n = 2 with k >= 3 and n = 3 with k >= 4). Order 10 with k >= 5 is an open question: not
    claimed. Every other bound is reported as tight, which means "not known to be unreachable".
    """
    k = inst.k
    sizes = {len(m) for m in inst.line_members}
    if locks or inst.hist_count or inst.apart or bound != 0 or len(sizes) != 1:
        return False
    (size,) = sizes
    base, big = split_sizes(inst.n, tables)
    if size < 2 or tables != size or base != k or big or rounds != size:
        return False
    return k > size or (size == 6 and k >= 3)


def apart_clique(inst: Instance, tables: int, deadline: float | None = None) -> list[int] | None:
    """More mutually-apart members than tables (the apart pairs cannot all be kept), or None.

    The clique search is bounded (CLIQUE_NODES steps and the deadline): when it cannot decide,
    None, and the search reports ``no_plan_in_budget`` if it then fails.
    """
    adj = _apart_graph(inst)
    if not adj:
        return None
    clique, _ = find_clique(adj, tables + 1, nodes=CLIQUE_NODES, deadline=deadline)
    return clique


def apart_uncolourable(
    inst: Instance, tables: int, deadline: float | None = None
) -> list[int] | None:
    """The members of a group linked by apart pairs that provably cannot sit at `tables`
    balanced tables (no two of them at one table, none of the tables over its size), or None
    when every group can or it is not decided (`colourable`, CLIQUE_NODES steps per group).

    Sees what the clique check cannot: five people in a ring of apart pairs at two tables. Each
    group is checked alone, so a group found is a proof (the groups together may still fail)."""
    adj = _apart_graph(inst)
    base, big = split_sizes(inst.n, tables)
    cap = base + 1 if big else base
    for group in _linked_groups(adj):
        part = {v: adj[v] for v in group}
        if colourable(part, tables, cap, nodes=CLIQUE_NODES, deadline=deadline) is False:
            return group
    return None


def _apart_graph(inst: Instance, leave: set[int] = frozenset()) -> dict[int, set[int]]:
    """{member: the members they are kept apart from}, for the members not in `leave`."""
    adj: dict[int, set[int]] = {}
    for key in inst.apart:
        a, b = divmod(key, inst.n)
        if a not in leave and b not in leave:
            adj.setdefault(a, set()).add(b)
            adj.setdefault(b, set()).add(a)
    return adj


def _linked_groups(adj: dict[int, set[int]]) -> list[list[int]]:
    """The groups of members linked by apart pairs (connected parts of `adj`), each sorted, in
    the order of their smallest member."""
    seen: set[int] = set()
    groups = []
    for start in sorted(adj):
        if start in seen:
            continue
        group, todo = {start}, [start]
        while todo:
            for other in adj[todo.pop()]:
                if other not in group:
                    group.add(other)
                    todo.append(other)
        seen |= group
        groups.append(sorted(group))
    return groups


def apart_unseatable(
    inst: Instance,
    sizes: list[int],
    seated: Iterable[int] = (),
    *,
    quick: bool = False,
    deadline: float | None = None,
) -> list[int] | None:
    """Members linked by apart pairs who provably cannot all be kept apart at free tables of
    these `sizes` (a repair: the tables left beside the locked ones, where everyone not at a
    locked table must sit), or None when they can or it is not decided in CLIQUE_NODES steps
    per group (`quick`: two steps a member and 100; a fit takes about one step a member, a
    proof on a small group a few, and a step costs about members times their pairs: 0.2 ms at
    150 members with 800 pairs).

    The members in `seated` (at locked tables) are left out: nobody joins them, so their pairs
    bind nobody. Each group linked by apart pairs is coloured alone (`colourable`, one colour per
    free table, at most its size per colour), then, when every group fits, all of them together
    (they share the seats). The answer is a proof: one pair at the one free table, say. The
    `deadline` ends a group's colouring undecided, as the steps do."""
    adj = _apart_graph(inst, set(seated))
    if not adj:
        return None
    groups = _linked_groups(adj)
    if len(groups) > 1 and len(adj) > min(sizes, default=0):
        # groups that each fit share a table's seats only when they are many (no more of them
        # than the smallest table holds: any of their colourings fit together)
        groups.append(sorted(adj))
    for group in groups:
        part = {v: adj[v] for v in group}
        nodes = 2 * len(group) + 100 if quick else CLIQUE_NODES
        if colourable(part, len(sizes), sizes, nodes=nodes, deadline=deadline) is False:
            return group
    return None


def apart_unseatable_at_all(
    inst: Instance, group: list[int], tables: int, *, quick: bool = False
) -> bool:
    """Whether the apart pairs among `group` (found by ``apart_unseatable`` beside locked
    tables) provably cannot be kept even with all `tables` balanced tables of the round free:
    then unlocking a table does not help, the table count is the trouble. A proof, as there
    (`quick`: two steps a member and 100, else CLIQUE_NODES); False when not decided."""
    members = set(group)
    part: dict[int, set[int]] = {m: set() for m in members}
    for key in inst.apart:
        a, b = divmod(key, inst.n)
        if a in members and b in members:
            part[a].add(b)
            part[b].add(a)
    base, big = split_sizes(inst.n, tables)
    sizes = [base + 1] * big + [base] * (tables - big)
    nodes = 2 * len(group) + 100 if quick else CLIQUE_NODES
    return colourable(part, tables, sizes, nodes=nodes) is False


def check_apart(inst: Instance, tables: int, deadline: float | None = None) -> None:
    """Refuse apart pairs that provably cannot be kept at this many tables (apart_clique)."""
    refuse_apart(inst, tables, apart_clique(inst, tables, deadline))


def refuse_apart(inst: Instance, tables: int, clique: list[int] | None) -> None:
    """apart_infeasible when apart_clique found more mutually-apart members than tables."""
    if clique is not None:
        raise GroupingError(
            "apart_infeasible",
            f"The apart pairs cannot all be kept: some members must all sit at different tables, "
            f"but there are only {tables} tables.",
            params={"tables": tables, "members": [inst.ids[m] for m in clique]},
        )
