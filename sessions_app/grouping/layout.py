"""The design layout: which member takes which position of a stored or constructed design.

``design_layout`` maps the school's members onto the columns (lines) and positions of a
resolvable transversal design (construct.py), ``construction_prefs`` picks the design rounds to
use: a table per member for each round, preferring rounds that repeat no earlier encounter.
``near_design_prefs`` does the same from the design with one table more, one table of each
round dissolved (its members get -1: no preferred table).
"""

from __future__ import annotations

import random
import time

from .bounds import round_min_missing
from .construct import design_tables, max_lines
from .model import Instance, split_sizes

MAPPINGS = 24  # member-to-position mappings tried when history meets the construction


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
    inst: Instance,
    tables: int,
    rounds: int,
    locks: dict,
    rng: random.Random,
    deadline: float | None = None,
) -> tuple[list[list[int] | None], int] | None:
    """A table per member for each round from a finite-field design and the number of earlier
    encounters it repeats, or None when no design fits.

    The design with exactly `tables` tables comes first. With history, when there is none, the
    near design is tried (``near_design_prefs``): the design with one table more, each
    of its rounds with one table dissolved, whose members have no preferred table (-1) and are
    seated at least cost by the caller. It is used only when its tables repeat no earlier
    encounter, that is when the school's earlier rounds were that design. Schools often meet at
    a count with no design of its own right below one that has it (150 people in 8 lines at 18
    tables; 19 is prime): a school that met at 19 tables and now meets at 18 kept 227 repeats
    over 6 rounds from the greedy start and 128 from the near design (bench/grouping.py, "150 of
    152 at 18 tables after 19"). Without history the near design is not tried: the exact
    design or the greedy start reach zero repeats there, and a near design would cost repeats
    (its dissolved members meet people they meet in another design round).
    """
    exact = _design_prefs(inst, tables, rounds, locks, rng, deadline, dissolve=False)
    if exact is not None or not inst.hist_count:
        return exact
    return near_design_prefs(inst, tables, rounds, locks, rng, deadline)


def near_design_prefs(
    inst: Instance,
    tables: int,
    rounds: int,
    locks: dict,
    rng: random.Random,
    deadline: float | None = None,
) -> tuple[list[list[int] | None], int] | None:
    """The near design of construction_prefs when its tables repeat no earlier encounter (and
    the deadline has not passed), else None. Where an exact design exists but repeats earlier
    encounters, the planner seats both and starts from the one that repeats less."""
    if deadline is not None and time.perf_counter() > deadline:
        return None
    near = _design_prefs(inst, tables, rounds, locks, rng, deadline, dissolve=True)
    return near if near is not None and near[1] == 0 else None


def _design_prefs(
    inst: Instance,
    tables: int,
    rounds: int,
    locks: dict,
    rng: random.Random,
    deadline: float | None,
    dissolve: bool,
) -> tuple[list[list[int] | None], int] | None:
    """construction_prefs for the design at `tables` tables, or (`dissolve`) at one table more
    with one table per round dissolved. A near design is only used where it repeats no earlier
    encounter, so with `dissolve` only such rounds are kept: those where at most one table
    repeats, and that table is dissolved (else the smallest, then the first).

    With history, the canonical layout comes first (it recognises the school's earlier design
    rounds), then a few shuffled layouts; the design rounds with the fewest earlier encounters
    are used. Past `deadline` no further layout is tried (the first two always are, as far
    as they give enough usable rounds).
    """
    count = tables + 1 if dissolve else tables
    layout = design_layout(inst, count)
    if layout is None:
        return None
    usable = min(rounds, count)
    balanced = sorted(split_sizes_list(inst.n, tables))
    n = inst.n
    tries = 1 if not inst.hist_count else max(1, min(MAPPINGS, 400_000 // (n * count + 1)))
    layouts = [design_layout(inst, count, gather=False), layout]
    layouts += [design_layout(inst, count, rng) for _ in range(tries - 1)]
    best: tuple[int, list[list[int]]] | None = None
    for tried, positions in enumerate(layouts):
        if positions is None:
            continue
        if tried >= 2 and deadline is not None and time.perf_counter() > deadline:
            break
        columns = 1 + max(c for c, _ in positions)
        grid = design_tables(count, columns, list(range(count)))
        assert grid is not None
        per_round = {}
        scored = []
        for r in range(count):
            if len(scored) >= usable and deadline is not None and time.perf_counter() > deadline:
                break  # out of time: the design rounds scored so far are enough
            if dissolve and len(scored) + count - r < usable:
                break  # too few rounds left without repeats: this layout cannot be used
            tab = [grid[r][c][p] for c, p in positions]
            groups: dict[int, list[int]] = {}
            for m, t in enumerate(tab):
                groups.setdefault(t, []).append(m)
            if dissolve:
                # a near design is used only where it repeats nothing (near_design_prefs), so
                # a round counts only when the one table dissolved holds all its repeats: the
                # count stops at the second table with a repeat
                hit = _tables_with_repeats(inst, groups, stop=2)
                big = {t for t, g in groups.items() if len(g) > balanced[-1]}
                fits = [t for t in groups if not big - {t}]
                if len(hit) > 1 or not fits or (hit and hit[0] not in fits):
                    continue  # not usable without repeats (or a table would stay too large)
                # the table with the repeats goes, else the smallest, then the first (which
                # one matters little: its members sit with people they meet in another design
                # round anyway, about 5 repeats each at 150 members, measured)
                gone = hit[0] if hit else max(fits, key=lambda t: (-len(groups[t]), -t))
                per_round[r] = [-1 if t == gone else t - (t > gone) for t in tab]
                scored.append((0, r))
                continue
            sizes = sorted(len(g) for g in groups.values()) + [0] * (count - len(groups))
            if sizes != balanced:
                continue  # this design round would need people moved: not usable as it is
            clash = 0
            if inst.hist_count:
                for group in groups.values():
                    for x, a in enumerate(group):
                        for b in group[x + 1 :]:
                            clash += inst.hist_count.get(a * n + b, 0)
            per_round[r] = tab
            scored.append((clash, r))
        if len(scored) < usable:
            continue
        scored.sort()
        picked = sorted(r for _, r in scored[:usable])
        total = sum(c for c, _ in scored[:usable])
        if best is None or total < best[0]:
            best = (total, [per_round[r] for r in picked])
        if total == 0:
            break
    if best is None:
        return None
    prefs: list[list[int] | None] = [
        best[1][r] if r < usable and r not in locks else None for r in range(rounds)
    ]
    return prefs, best[0]


def _tables_with_repeats(inst: Instance, groups: dict[int, list[int]], stop: int) -> list[int]:
    """The tables of `groups` (table -> members) where two members met before, in table order,
    at most `stop` of them."""
    met = inst.hist_count
    n = inst.n
    found: list[int] = []
    if not met:
        return found
    for t, group in groups.items():
        if any(a * n + b in met for x, a in enumerate(group) for b in group[x + 1 :]):
            found.append(t)
            if len(found) == stop:
                break
    return found


def split_sizes_list(members: int, tables: int) -> list[int]:
    base, big = split_sizes(members, tables)
    return [base + 1] * big + [base] * (tables - big)


def shadow_prefs(
    inst: Instance, tables: int, rounds: int, rng: random.Random
) -> tuple[list[list[int] | None], int] | None:
    """A table per member for each round where tables hold more people than there are tables.

    With T tables and n > T * T present members, a design of T columns of T positions (any two
    positions of different columns share a table in at most one round, two of one column never)
    seats T * T members at its positions; each of the other n - T * T members *shadows* a
    position: sits wherever that position sits. A shadow meets its position every round and
    everybody else at most once, so the plan repeats (n - T * T) * (rounds - 1) encounters: the
    round-to-round lower bound (bounds.chain_bound), as the people at one table then spread
    over the next round's tables as evenly as they can. The shadowed positions are q whole
    columns and r positions of one more (n - T * T = q * T + r), so every round has q or q + 1
    shadows at each table: balanced sizes.

    Every line keeps to rule 2: a line of at least T members fills a whole column (or shadows
    one), so it sits at every table; a smaller line sits within one column, at positions or as
    shadows, so its members are at different tables (``_shadow_layout``).

    The layout is canonical (the same team gets the same one, so a later plenary finds its
    earlier design rounds and takes others). With people away it is first made for the whole
    team, their places left empty, so that who is away today does not move anybody else; a
    design round is then used only where its tables stay balanced and every line keeps its
    least missing slots. Then the layout of the people present, and with history a few
    shuffled ones; of the design's rounds the `rounds` that repeat the fewest earlier
    encounters are used. Returns (prefs, the plan's repeats counted as the report counts them)
    or None where there are more rounds than the design gives (``shadow_grid``: T for a prime
    power, 2 for 6 tables), too few people or lines that do not pack. The caller uses it only
    where it reaches the lower bound.
    """
    count, n = tables, inst.n
    present = [list(members) for members in inst.line_members]
    team: list[list[int | None]] = [[] for _ in range(inst.k)]
    for member, line in inst.known.items():
        if line >= 0:
            team[line].append(inst.index.get(member))
    whole = sum(map(len, team))
    if not count * count < max(n, whole) < 2 * count * count:
        return None
    grid = shadow_grid(count)
    if grid is None or rounds > len(grid):
        return None
    layouts: list[tuple[list[list[int | None]], random.Random | None]] = []
    if whole > n:
        layouts.append((team, None))
    layouts.append((list(present), None))
    if inst.hist_count:
        layouts += [(list(present), rng) for _ in range(MAPPINGS - 1)]
    balanced = sorted(split_sizes_list(n, count))
    least = round_min_missing(inst, count, [])
    met = inst.hist_count
    best: tuple[int, list[list[int] | None]] | None = None
    for lines, shuffle in layouts:
        layout = _shadow_layout(lines, count, shuffle)
        if layout is None:
            continue
        points, shadows = layout
        seats = [[-1] * n for _ in grid]  # design round -> table per present member
        pairs = set()
        for group, shadow in ((points, False), (shadows, True)):
            for c, column in enumerate(group):
                for position, m in enumerate(column):
                    if m is None:
                        continue  # away today: an empty place
                    for r, by_column in enumerate(grid):
                        seats[r][m] = by_column[c][position]
                    followed = points[c][position]
                    if shadow and followed is not None:
                        pairs.add((min(m, followed), max(m, followed)))
        # per design round: usable (balanced, least missing line slots), and the earlier
        # encounters it repeats besides the shadows' own pairs
        usable = []
        for r, tab in enumerate(seats):
            sizes = [0] * count
            lines_at: list[set[int]] = [set() for _ in range(count)]
            for m, t in enumerate(tab):
                sizes[t] += 1
                lines_at[t].add(inst.line_of[m])
            missing = sum(inst.k - len(at) for at in lines_at)
            if sorted(sizes) != balanced or missing != least:
                continue
            clash = sum(
                1 for key in met if tab[key // n] == tab[key % n] and divmod(key, n) not in pairs
            )
            usable.append((clash, r))
        if len(usable) < rounds:
            continue
        chosen = sorted(usable)[:rounds]
        repeats = sum(clash for clash, _ in chosen)
        repeats += sum(rounds if met.get(a * n + b) else rounds - 1 for a, b in pairs)
        if best is None or repeats < best[0]:
            best = (repeats, [seats[r] for _, r in sorted(chosen, key=lambda c: c[1])])
    if best is None:
        return None
    return best[1], best[0]


def shadow_grid(count: int) -> list[list[list[int]]] | None:
    """[round][column][position] -> table: `count` columns of `count` positions, two positions
    of one column never at one table, of two columns at one table in at most one round.

    It is the stored or constructed design read the other way round (an orthogonal array has
    no preferred columns): the design's rounds are the columns here, its tables the positions,
    and each of its lines gives a round, at the table that is the position of that line's
    member. So there are as many rounds as the design has lines: `count` for a prime power, 2
    for 6 tables, 3 for 10, 6 for 12. None below 2 tables or without a design.
    """
    lines = max_lines(count)
    if count < 2 or lines < 1:
        return None
    design = design_tables(count, lines, list(range(count)))
    if design is None:
        return None
    grid = [[[0] * count for _ in range(count)] for _ in range(lines)]
    for column, by_line in enumerate(design):
        for r, tables in enumerate(by_line):
            for position, table in enumerate(tables):
                grid[r][column][table] = position
    return grid


def _shadow_layout(
    lines: list[list[int | None]], count: int, shuffle: random.Random | None
) -> tuple[list[list[int | None]], list[list[int | None]]] | None:
    """Members at each column's positions, and the shadows of each shadowed column, or None.

    `lines` holds each line's members (None for someone away, who keeps a place). Lines are
    packed largest first: a line takes the fullest column it fits in whole (at most `count` of
    its members), at positions while any column has room, else as shadows of a column; what a
    long line has beyond `count` members fills the room left, positions first.
    """
    extra = sum(map(len, lines)) - count * count
    if not 0 < extra < count * count:
        return None
    full, part = divmod(extra, count)
    points: list[list[int | None]] = [[] for _ in range(count)]
    shadows: list[list[int | None]] = [[] for _ in range(full + (1 if part else 0))]
    room = [count] * count
    shadow_room = [count] * full + ([part] if part else [])
    pool: list[int | None] = []
    for line in sorted(range(len(lines)), key=lambda li: (-len(lines[li]), li)):
        members = list(lines[line])
        if shuffle is not None:
            shuffle.shuffle(members)
        size = min(len(members), count)
        fits = [(room[c], 0, c) for c in range(count) if room[c] >= size]
        if not fits:
            fits = [(shadow_room[b], 1, b) for b in range(len(shadows)) if shadow_room[b] >= size]
        if not fits:
            return None
        _, kind, slot = min(fits)
        if kind == 0:
            points[slot] += members[:size]
            room[slot] -= size
        else:
            shadows[slot] += members[:size]
            shadow_room[slot] -= size
        pool += members[size:]  # a long line's members beyond one per table: anywhere
    for c in range(count):
        points[c] += pool[: room[c]]
        pool = pool[room[c] :]
    for b in range(len(shadows)):
        shadows[b] += pool[: shadow_room[b]]
        pool = pool[shadow_room[b] :]
    return points, shadows
