"""Tabu search on swaps of two members between tables of one round.

A swap keeps table sizes; it is only tried when it keeps the number of missing line slots (a
swap inside a line always does), so a start at the minimum stays there. The objective per pair
with h history meetings and m new ones, t = min(h, 1) + m, is

    HARD * m (apart pair) + BIG * max(0, t - 1) + SPREAD * max(0, t - 1) ** 2 + recency * m (h > 0)

so repeats (rule 3) dominate, a third meeting weighs more than two second ones (a first step of
rule 4), and a pair that met recently is avoided before a pair that met long ago. A repair adds
MOVE per member seated away from their table.

Rule 4 proper (repeats spread over as many people as possible) is kept as ``spread``, the sum
over members of the square of the repeats they take part in; ``polish`` lowers it with swaps
that keep the apart pairs and the repeats, after the search.

Incremental evaluation. ``add_cost(x, y)`` is what one more meeting of the pair costs at its
current count (kept for every pair in ``addc``), ``drop_cost(x, y)`` what one meeting less
saves. Per round r the search keeps

    gain[r][x * T + t] = sum of add_cost(x, y) over the members y at table t (y != x)
    stay[r][x]         = sum of drop_cost(x, y) over the members y at x's own table

so swapping a (table t1) with b (table t2) changes the cost by

    gain[a, t2] - add_cost(a, b) - stay[a] + gain[b, t1] - add_cost(b, a) - stay[b]

in constant time. A swap first moves the two members at the old counts (two columns of
``gain`` for every member, each one vector operation with ``map``, and the ``stay`` of the two
tables), then changes the pair counts it touches (``_bump_many``: cost, repeats, conflicts, and
two ``gain`` entries per pair in every round whose arrays exist). The arrays are built on first
use; a search of one round (``active``) drops the other rounds' arrays, so its swaps only keep
that round's up to date.

A new round searched on its own as it is seated is searched *alone* (``enter_alone``): the
other rounds stay, so what a pair meeting in it costs is fixed. ``addc`` then holds that fixed
cost, ``gain`` includes each member's own table (its ``stay``), and a swap needs three vector
operations and no pair counts; ``leave_alone`` brings the counts of the whole search up to
date by moving the round's changed members the usual way.

The search (``run``): take a few conflicting pairs (a repeat or an apart pair at one table),
try every swap of one of their members that keeps the line slots, take the best one that is not
tabu (a member may not return to a table it just left for a few iterations, unless that beats
the best plan so far), and kick the plan with random swaps after ``stall`` iterations without a
new best. It stops at the target (the lower bound), when the budget is spent, at the deadline,
or after PLATEAU kicks in a row without a new best plan.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from operator import add, sub

from .algorithms import assignment
from .model import Instance

HARD = 10**12
SLOT = 10**10  # a missing line slot, only while apart pairs force more of them (keep_apart)
MOVE = 10**9
BIG = 10**6
SPREAD = 10**3
RECENT = 100
CROSS = 0.2  # share of iterations also trying swaps across lines (uneven lines, locks)
TENURE = 4
TENURE_DIV = 10
SAMPLE = 24  # conflicting pairs whose members are tried per iteration
RESEAT_MAX = 40  # members of one line re-seated at once (the assignment is cubic)
PLATEAU = 30  # iterations per member and round without a new best plan: the search gives up
# Budget units, each about 50 ns of pure Python (measured): an evaluated swap (about 150 ns), a
# table looked at while listing cross-line candidates, a sampled conflict, a mover, per member for
# the two columns an applied swap updates, a pair count it changes (PAIR_WORK) and its upkeep in
# each round whose arrays exist (PAIR_VIEW_WORK); an applied swap of 150 members at tables of 8
# took 61 us with one round's arrays and 113 us with six (measured, about 1270 and 2350 units)
EVAL_WORK = 3
LOOK_WORK = 3
SAMPLE_WORK = 10
MOVER_WORK = 20
ITER_WORK = 40
SWAP_WORK = 1
BUILD_WORK = 2
PAIR_WORK = 25
PAIR_VIEW_WORK = 6
PAIR_ROUND_WORK = 3
# A round searched alone (Search.enter_alone): a swap costs three vector operations over the
# members and a look at the pairs of its two tables (150 members at tables of 8: 39 us
# measured, about 640 units, against 80 to 100 us the usual way); its conflicts are those of
# that round only, so fewer samples find as many movers (8 measured best of 4, 8, 12 and 24)
ALONE_SWAP_WORK = 3
ALONE_PAIR_WORK = 5
ALONE_SAMPLE = 8
NO_MOVE = 1 << 62  # a delta above any swap's: no choice yet


@dataclass
class Alone:
    """What the whole search keeps aside while one round is searched alone."""

    round: int
    start: list[int]  # the round's tables as the search alone found them: table per member
    tables: list[list[int]]
    lc: list[int]
    addc: list[int]
    conf: list[int]
    conf_pos: dict[int, int]
    cost: int
    repeats: int
    apart: int


class Search:
    """Rounds of tables (lists of member numbers) with incremental pair counts and costs."""

    def __init__(self, inst: Instance, rng: random.Random, origin: list[int] | None = None):
        n = inst.n
        size = n * n
        self.inst = inst
        self.n = n
        self.k = inst.k
        self.rng = rng
        self.line_of = inst.line_of
        self.line_members = inst.line_members
        self.cnt = [0] * size
        self.hc = bytearray(size)
        self.ap = bytearray(size)
        c1 = [0] * size
        c2 = [BIG - SPREAD] * size
        for key in inst.hist_count:
            a, b = divmod(key, n)
            extra = 1 + RECENT * (inst.hist_last[key] + 1) // inst.history_rounds
            for i in (a * n + b, b * n + a):
                self.hc[i] = 1
                c1[i] = c2[i] = BIG + SPREAD + extra
        for key in inst.apart:
            a, b = divmod(key, n)
            for i in (a * n + b, b * n + a):
                self.ap[i] = 1
                c1[i] += HARD
                c2[i] += HARD
        self.c1 = c1  # cost of the first meeting of a pair
        self.c2 = c2  # cost of a further meeting, plus 2 * SPREAD per meeting already counted
        self.addc = c1[:]  # add_cost of every pair at its current count (kept by _bump)
        self.origin = origin
        # True only while apart pairs cannot be kept at the least missing line slots: swaps
        # across lines may then add missing slots (rule 1 comes before rule 2)
        self.free_slots = False
        # set while one round is searched alone (see enter_alone): what the rest of the search
        # keeps (counts, conflicts, costs) as it was before, to be put back by leave_alone
        self.alone: Alone | None = None
        self.rounds: list[list[list[int]]] = []
        self.tab: list[list[int]] = []
        self.lock: list[list[bool]] = []
        self.lc: list[list[int]] = []
        self.gain: list[list[int] | None] = []
        self.stay: list[list[int] | None] = []
        self.built: list[int] = []  # rounds whose gain and stay arrays exist
        self.t_count: list[int] = []  # tables per round
        self.cost = 0
        self.repeats = 0
        self.apart_violations = 0
        self.conf: list[int] = []
        self.conf_pos: dict[int, int] = {}
        self.person_repeats = [0] * n
        self.spread = 0

    # --- pair bookkeeping -------------------------------------------------------------------
    def add_cost(self, i: int) -> int:
        """Cost of one more meeting of pair index i = a * n + b at its current count."""
        return self.addc[i]

    def _bad(self, i: int) -> bool:
        m = self.cnt[i]
        return bool(self.ap[i] and m) or self.hc[i] + m >= 2

    def _flag(self, i: int, j: int, before: bool) -> None:
        after = self._bad(i)
        if before != after:
            self._set_conflict(min(i, j), after)

    def _set_conflict(self, key: int, on: bool) -> None:
        """Add pair `key` to the conflicts (on) or take it out, in constant time: the list
        samples uniformly, the positions find an entry to take out (the last takes its place)."""
        conf, conf_pos = self.conf, self.conf_pos
        if on:
            conf_pos[key] = len(conf)
            conf.append(key)
        else:
            pos = conf_pos.pop(key)
            last = conf.pop()
            if last != key:
                conf[pos] = last
                conf_pos[last] = pos

    def _bump(self, a: int, b: int, step: int, skip: int) -> None:
        """Count one meeting more (step 1) or less (-1) for the pair a, b; keep every built
        round's gain and stay arrays right, except round `skip` (the caller's round)."""
        n = self.n
        i = a * n + b
        cnt = self.cnt
        m0 = cnt[i]
        m1 = m0 + step
        c1, c2 = self.c1[i], self.c2[i]
        s2 = 2 * SPREAD
        add0 = c1 if m0 <= 0 else c2 + s2 * m0
        add1 = c1 if m1 <= 0 else c2 + s2 * m1
        hc, ap = self.hc[i], self.ap[i]
        if step > 0:
            self.cost += add0
            repeat = hc + m0 >= 1
        else:
            self.cost -= add1
            repeat = hc + m1 >= 1
        if repeat:
            pr = self.person_repeats
            if step > 0:
                self.repeats += 1
                self.spread += 2 * (pr[a] + pr[b] + 1)
                pr[a] += 1
                pr[b] += 1
            else:
                self.repeats -= 1
                pr[a] -= 1
                pr[b] -= 1
                self.spread -= 2 * (pr[a] + pr[b] + 1)
        if ap:
            self.apart_violations += step
        j = b * n + a
        cnt[i] = cnt[j] = m1
        self.addc[i] = self.addc[j] = add1
        bad0 = bool(ap and m0) or hc + m0 >= 2
        bad1 = bool(ap and m1) or hc + m1 >= 2
        if bad0 != bad1:
            self._flag(i, j, bad0)
        d_add = add1 - add0
        d_drop = (c1 if m1 <= 1 else c2 + s2 * (m1 - 1)) - (c1 if m0 <= 1 else c2 + s2 * (m0 - 1))
        tabs, gains, stays, sizes = self.tab, self.gain, self.stay, self.t_count
        for r in self.built:
            if r == skip:
                continue
            tab = tabs[r]
            ta, tb = tab[a], tab[b]
            gain = gains[r]
            t_count = sizes[r]
            gain[a * t_count + tb] += d_add  # type: ignore[index]
            gain[b * t_count + ta] += d_add  # type: ignore[index]
            if ta == tb:
                stay = stays[r]
                stay[a] += d_drop  # type: ignore[index]
                stay[b] += d_drop  # type: ignore[index]

    def _bump_many(self, a: int, others: list[int], step: int, skip: int, but: int) -> None:
        """``_bump(a, y, step, skip)`` for every y in `others` except a and `but`, in one loop
        (the swap's hot path: the same arithmetic with the attributes read once)."""
        n = self.n
        cnt, addc, c1s, c2s, hcs, aps = self.cnt, self.addc, self.c1, self.c2, self.hc, self.ap
        pr, set_conflict = self.person_repeats, self._set_conflict
        tabs, gains, stays, sizes = self.tab, self.gain, self.stay, self.t_count
        views = [
            (tabs[r], gains[r], stays[r], sizes[r], tabs[r][a]) for r in self.built if r != skip
        ]
        s2 = 2 * SPREAD
        cost = repeats = spread = apart = 0
        row = a * n
        skip_members = (a, but)
        for b in others:
            if b in skip_members:
                continue
            i = row + b
            m0 = cnt[i]
            m1 = m0 + step
            c1 = c1s[i]
            add0 = addc[i]
            add1 = c1 if m1 <= 0 else c2s[i] + s2 * m1
            hc = hcs[i]
            ap = aps[i]
            if step > 0:
                cost += add0
                if hc or m0:
                    repeats += 1
                    spread += 2 * (pr[a] + pr[b] + 1)
                    pr[a] += 1
                    pr[b] += 1
            else:
                cost -= add1
                if hc or m1:
                    repeats -= 1
                    pr[a] -= 1
                    pr[b] -= 1
                    spread -= 2 * (pr[a] + pr[b] + 1)
            j = b * n + a
            cnt[i] = cnt[j] = m1
            addc[i] = addc[j] = add1
            if ap:
                apart += step
                bad0 = m0 > 0 or hc + m0 >= 2
                bad1 = m1 > 0 or hc + m1 >= 2
            else:
                bad0 = hc + m0 >= 2
                bad1 = hc + m1 >= 2
            if bad0 != bad1:
                set_conflict(i if i < j else j, bad1)
            if views:
                d_add = add1 - add0
                d_drop = (c1 if m1 <= 1 else add1 - s2) - (c1 if m0 <= 1 else add0 - s2)
                for tab, gain, stay, t_count, ta in views:
                    tb = tab[b]
                    gain[a * t_count + tb] += d_add  # type: ignore[index]
                    gain[b * t_count + ta] += d_add  # type: ignore[index]
                    if ta == tb:
                        stay[a] += d_drop  # type: ignore[index]
                        stay[b] += d_drop  # type: ignore[index]
        self.cost += cost
        self.repeats += repeats
        self.spread += spread
        self.apart_violations += apart

    def _adds(self, x: int) -> list[int]:
        """add_cost(z, x) for every member z, as a list (pairs are symmetric: row x)."""
        return self.addc[x * self.n : (x + 1) * self.n]

    def _add_at(self, i: int, m: int) -> int:
        """add_cost of pair i as if its count were m (m >= 0)."""
        return self.c1[i] if m <= 0 else self.c2[i] + 2 * SPREAD * m

    def drop_cost(self, i: int) -> int:
        """What one meeting less of pair i saves at its current count (count >= 1)."""
        return self._add_at(i, self.cnt[i] - 1)

    def seat_costs(self, a: int, tables: list[list[int]]) -> list[int]:
        """Cost of seating a at each of these (partly seated) tables: the sums run in C over
        a's row of add costs (a fresh pair costs nothing)."""
        row = self.addc[a * self.n : (a + 1) * self.n]
        pick = row.__getitem__
        return [sum(map(pick, table)) for table in tables]

    def join_cost(self, a: int, table: list[int]) -> int:
        """Cost added by seating a at this table (used by the greedy start)."""
        row = a * self.n
        return sum(self.add_cost(row + y) for y in table)

    # --- rounds and tables ------------------------------------------------------------------
    def _build(self, r: int) -> None:
        """The gain and stay arrays of round r, from scratch (O(N * N), the sums in C)."""
        n = self.n
        tables = self.rounds[r]
        t_count = len(tables)
        gain = [0] * (n * t_count)
        stay = [0] * n
        cnt, c1, addc, s2 = self.cnt, self.c1, self.addc, 2 * SPREAD
        tab = self.tab[r]
        for x in range(n):
            own = tab[x]
            if own < 0:
                continue
            row = x * n
            costs = addc[row : row + n]  # costs[x] is 0: cnt and c1 of (x, x) are 0
            pick = costs.__getitem__
            gain[x * t_count : (x + 1) * t_count] = [sum(map(pick, table)) for table in tables]
            drop = 0
            for y in tables[own]:
                if y != x:
                    i = row + y
                    drop += c1[i] if cnt[i] <= 1 else addc[i] - s2
            stay[x] = drop
        self.gain[r] = gain
        self.stay[r] = stay
        self.built.append(r)

    def drop_arrays(self, keep: int | None = None) -> None:
        """Forget the gain and stay arrays of every round but `keep`."""
        for r in self.built:
            if r != keep:
                self.gain[r] = self.stay[r] = None
        self.built = [r for r in self.built if r == keep]

    def _leave(self, r: int, x: int) -> int:
        """Take x from its table in round r; returns that table."""
        n = self.n
        tab = self.tab[r]
        t = tab[x]
        table = self.rounds[r][t]
        table.remove(x)
        gain, stay = self.gain[r], self.stay[r]
        if gain is not None and stay is not None:
            t_count = len(self.rounds[r])
            # everybody's view of table t loses x (at the counts before the change)
            # every row's view of table t loses x (members taken out by the same swap included:
            # their rows must stay right too); x's own entry gets 0 as cnt and c1 of (x, x) are 0
            gain[t::t_count] = [g - d for g, d in zip(gain[t::t_count], self._adds(x), strict=True)]
            for y in table:
                stay[y] -= self.drop_cost(y * n + x)
            stay[x] = 0
        tab[x] = -1
        for y in table:
            self._bump(x, y, -1, r)
            if gain is not None:
                t_count = len(self.rounds[r])
                i = x * n + y
                # x's own view of table t: y's add_cost after the change
                gain[x * t_count + t] += self.add_cost(i) - self._add_at(i, self.cnt[i] + 1)
                # y's view of the others does not involve x any more; nothing else to do
        la = self.line_of[x]
        self.lc[r][t * self.k + la] -= 1
        return t

    def _join(self, r: int, x: int, t: int) -> None:
        """Seat x (taken from its table) at table t of round r."""
        n = self.n
        tab = self.tab[r]
        table = self.rounds[r][t]
        gain, stay = self.gain[r], self.stay[r]
        t_count = len(self.rounds[r])
        if gain is None and self.alone is None:
            # the same counts as a _bump per member there, in one loop (seating a round of 300
            # people at one table bumps 44,850 pairs: 0.2 s one call each, 0.1 s here)
            self._bump_many(x, table, 1, r, x)
        else:
            for y in table:
                i = x * n + y
                old = self.add_cost(i)
                self._bump(x, y, 1, r)
                if gain is not None:
                    gain[x * t_count + t] += self.add_cost(i) - old
        tab[x] = t
        table.append(x)
        if gain is not None and stay is not None:
            gain[t::t_count] = [g + d for g, d in zip(gain[t::t_count], self._adds(x), strict=True)]
            total = 0
            for y in table:
                if y != x:
                    d = self.drop_cost(y * n + x)
                    stay[y] += d
                    total += d
            stay[x] = total
        self.lc[r][t * self.k + self.line_of[x]] += 1

    def add_round(self, tables: list[list[int]], locked: list[bool]) -> None:
        r = len(self.rounds)
        self.rounds.append([[] for _ in tables])
        self.tab.append([-1] * self.n)
        self.lock.append(list(locked))
        self.lc.append([0] * (len(tables) * self.k))
        self.gain.append(None)
        self.stay.append(None)
        self.t_count.append(len(tables))
        for t, table in enumerate(tables):
            for a in table:
                self._join(r, a, t)
        if self.origin is not None and r == 0:
            self.cost += MOVE * self.moved_count()

    def moved_change(self, a: int, b: int, t1: int, t2: int) -> int:
        """How many more members sit away from their origin table when a (at t1) and b (at t2)
        swap; only a repair has an origin."""
        origin = self.origin
        assert origin is not None
        o_a, o_b = origin[a], origin[b]
        before = (o_a >= 0 and t1 != o_a) + (o_b >= 0 and t2 != o_b)
        after = (o_a >= 0 and t2 != o_a) + (o_b >= 0 and t1 != o_b)
        return after - before

    def moved_count(self) -> int:
        tab = self.tab[0]
        return sum(1 for a, o in enumerate(self.origin or ()) if o >= 0 and tab[a] != o)

    def snapshot(self) -> list[list[list[int]]]:
        return [[t[:] for t in rnd] for rnd in self.rounds]

    def load(self, rounds: list[list[list[int]]]) -> None:
        """Reset the counts and seat these rounds (same table indexes and locks)."""
        if self.alone is not None:
            r = self.alone.round
            self._move_all(r, {m: t for t, table in enumerate(rounds[r]) for m in table})
            return
        locks = self.lock
        size = self.n * self.n
        self.cnt = [0] * size
        self.addc = self.c1[:]
        self.cost = self.repeats = self.apart_violations = self.spread = 0
        self.person_repeats = [0] * self.n
        self.conf, self.conf_pos = [], {}
        self.rounds, self.tab, self.lock, self.lc = [], [], [], []
        self.gain, self.stay, self.built, self.t_count = [], [], [], []
        for rnd, lock in zip(rounds, locks, strict=True):
            self.add_round(rnd, lock)

    # --- moves ------------------------------------------------------------------------------
    def swap(self, r: int, a: int, b: int) -> None:
        """Swap a and b (at different tables of round r), keeping every array right.

        First the seats change at the old pair counts: every member's view of the two tables
        (two columns of ``gain``, one vector operation each: the self terms are 0) and the
        ``stay`` of the two tables' members. Then the pair counts change (``_bump``, for every
        built round, this one included).
        """
        if self.alone is not None:
            self._swap_alone(r, a, b)
            return
        tab = self.tab[r]
        t1, t2 = tab[a], tab[b]
        if self.free_slots:
            self.cost += SLOT * self.slot_delta(r, a, b)
        if self.origin is not None:
            self.cost += MOVE * self.moved_change(a, b, t1, t2)
        n = self.n
        first, second = self.rounds[r][t1], self.rounds[r][t2]
        gain, stay = self.gain[r], self.stay[r]
        if gain is not None and stay is not None:
            addc, cnt, c1 = self.addc, self.cnt, self.c1
            s2 = 2 * SPREAD
            t_count = self.t_count[r]
            to_b = addc[b * n : (b + 1) * n]
            diff = list(map(sub, to_b, addc[a * n : (a + 1) * n]))
            gain[t1::t_count] = list(map(add, gain[t1::t_count], diff))
            gain[t2::t_count] = list(map(sub, gain[t2::t_count], diff))
            stay_a = stay_b = 0
            for y in first:
                if y != a:
                    i, j = y * n + a, y * n + b
                    d_a = c1[i] if cnt[i] <= 1 else addc[i] - s2
                    d_b = c1[j] if cnt[j] <= 1 else addc[j] - s2
                    stay[y] += d_b - d_a
                    stay_b += d_b
            for y in second:
                if y != b:
                    i, j = y * n + a, y * n + b
                    d_a = c1[i] if cnt[i] <= 1 else addc[i] - s2
                    d_b = c1[j] if cnt[j] <= 1 else addc[j] - s2
                    stay[y] += d_a - d_b
                    stay_a += d_a
            stay[a], stay[b] = stay_a, stay_b
        first[first.index(a)] = b
        second[second.index(b)] = a
        tab[a], tab[b] = t2, t1
        la, lb = self.line_of[a], self.line_of[b]
        if la != lb:
            lc, k = self.lc[r], self.k
            lc[t1 * k + la] -= 1
            lc[t1 * k + lb] += 1
            lc[t2 * k + lb] -= 1
            lc[t2 * k + la] += 1
        # pairs: a leaves the members now at t1 (b excepted), b meets them; the same at t2
        bump = self._bump_many
        bump(a, first, -1, -1, b)
        bump(b, first, 1, -1, b)
        bump(b, second, -1, -1, a)
        bump(a, second, 1, -1, a)

    def candidates(self, r: int, a: int, cross: bool) -> list[int]:
        """Members b whose swap with a keeps sizes, locks and the missing line slots."""
        tab, lock = self.tab[r], self.lock[r]
        t1 = tab[a]
        out = [b for b in self.line_members[self.line_of[a]] if tab[b] != t1 and not lock[tab[b]]]
        if cross:
            out += self.cross_candidates(r, a)
        return out

    def cross_candidates(self, r: int, a: int) -> list[int]:
        """Members b of other lines whose swap with a keeps the locks and the missing slots.

        The swap of a (line la, table t1) with b (line lb, table t2) changes the missing slots
        by (t1 keeps no la) - (t1 had no lb) + (t2 keeps no lb) - (t2 had no la); with lc the
        line counts, that is A(lb) + B(t2, lb) for A = (lc[t1, la] == 1) - (lc[t1, lb] == 0)
        and B = (lc[t2, lb] == 1) - (lc[t2, la] == 0). Tables are looked at by their line
        counts first, members only where some line can go.
        """
        tab, lock, lc, k = self.tab[r], self.lock[r], self.lc[r], self.k
        line_of = self.line_of
        t1 = tab[a]
        la = line_of[a]
        if self.free_slots:
            return [
                b
                for t2, table in enumerate(self.rounds[r])
                if t2 != t1 and not lock[t2]
                for b in table
                if line_of[b] != la
            ]
        base1 = t1 * k
        single = lc[base1 + la] == 1
        # lines whose member may come to t1 for free: absent there, or any when a is a double
        lacking = [lb for lb in range(k) if lb != la and not lc[base1 + lb]]
        out: list[int] = []
        for t2, table in enumerate(self.rounds[r]):
            if t2 == t1 or lock[t2]:
                continue
            base2 = t2 * k
            fixed = single - (lc[base2 + la] == 0)  # the la terms of A + B
            if fixed >= 1:
                # needs lb absent at t1 and not single at t2 (then both terms are -1 and 0)
                if not lacking:
                    continue
                ok = [lb for lb in lacking if lc[base2 + lb] >= 2]
                if ok:
                    out += [b for b in table if line_of[b] in ok]
            elif fixed == 0:
                # any lb except: single at t2 while present at t1
                out += [
                    b
                    for b in table
                    if line_of[b] != la
                    and not (lc[base2 + line_of[b]] == 1 and lc[base1 + line_of[b]])
                ]
            else:
                out += [b for b in table if line_of[b] != la]
        return out

    def deltas(self, r: int, a: int, cands: list[int]) -> list[tuple[int, int]]:
        """(cost change, b) for swapping a with each candidate b, without changing anything."""
        if self.gain[r] is None:
            self._build(r)
        gain, stay = self.gain[r], self.stay[r]
        assert gain is not None
        assert stay is not None
        n = self.n
        t_count = self.t_count[r]
        tab = self.tab[r]
        t1 = tab[a]
        base_a = a * t_count
        keep_a = stay[a]
        addc = self.addc
        origin = self.origin
        out = []
        row = a * n
        for b in cands:
            t2 = tab[b]
            delta = (
                gain[base_a + t2] + gain[b * t_count + t1] - 2 * addc[row + b] - keep_a - stay[b]
            )
            if origin is not None:
                delta += MOVE * self.moved_change(a, b, t1, t2)
            out.append((delta, b))
        return out

    # --- the search -------------------------------------------------------------------------
    def slot_delta(self, r: int, a: int, b: int) -> int:
        """The change in round r's missing line slots if a and b (at different tables) swap."""
        la, lb = self.line_of[a], self.line_of[b]
        if la == lb:
            return 0
        lc, k, tab = self.lc[r], self.k, self.tab[r]
        base1, base2 = tab[a] * k, tab[b] * k
        return (
            (lc[base1 + la] == 1)
            - (lc[base1 + lb] == 0)
            + (lc[base2 + lb] == 1)
            - (lc[base2 + la] == 0)
        )

    def separate_apart(self) -> None:
        """The budget-free last step for an apart pair still at one table: swap one of the two
        with a member at another unlocked table, the swap that costs least (an apart pair costs
        HARD, so a swap that creates another one is never chosen): a member of their own line,
        or of another line where the swap keeps the missing line slots (a member kept apart
        from most of a line may need its table to hold fewer of that line: a fuzzer found E1
        apart from four of D's five at two tables of 7, effort 0.001). Deterministic; at most
        n swaps per round. A tiny budget can end the search before such an easy repair (a
        property test found one: an apart pair inside a line of 12 at 7 tables, a locked
        table, effort 0.02)."""
        if self.alone is not None or not self.apart_violations:
            return
        n, ap = self.n, self.ap
        for r, rnd in enumerate(self.rounds):
            lock = self.lock[r]
            for _attempt in range(n):
                together = [
                    a
                    for t, table in enumerate(rnd)
                    if not lock[t]
                    for a in table
                    if any(ap[a * n + b] for b in table if b != a)
                ]
                if not together:
                    break
                moves = [
                    (delta, a, b)
                    for a in together
                    for delta, b in self.deltas(r, a, self.candidates(r, a, True))
                ]
                best = min(moves, default=None)
                if best is None or best[0] >= 0:
                    break
                self.swap(r, best[1], best[2])

    def borrow_kept_round(self) -> bool:
        """The last resort after ``separate_apart``: a round without locked tables that still
        seats an apart pair together takes the tables of a round that keeps every apart pair
        (rule 1 before rule 3: the copy repeats that round's encounters). The search over all
        rounds can end with one pair together in one round where each round on its own is
        easy (a fuzzer found 14 people with 63 apart pairs at tables of 2: one round planned,
        two to four rounds gave ``no_plan_in_budget`` at effort 1, 5 and 20). Returns whether a
        round changed.
        """
        if self.alone is not None or not self.apart_violations:
            return False
        n, ap = self.n, self.ap

        def kept(r: int) -> bool:
            return not any(
                ap[a * n + b] for table in self.rounds[r] for a in table for b in table if a < b
            )

        good = next((r for r in range(len(self.rounds)) if kept(r)), None)
        if good is None:
            return False
        rounds = self.snapshot()
        changed = False
        for r in range(len(rounds)):
            if r != good and not any(self.lock[r]) and not kept(r):
                rounds[r] = [table[:] for table in rounds[good]]
                changed = True
        if changed:
            self.load(rounds)
        return changed

    def keep_apart(self, budget: float, target: int, deadline: float | None) -> float:
        """The last resort when the apart pairs cannot be kept at the least missing line slots
        (rule 1 comes before rule 2): swaps across lines may change the slots, each missing
        slot costing SLOT (below an apart pair, above a repeat and a moved member). Returns the
        work spent; the cost is recounted without the slot terms afterwards."""
        self.free_slots = True
        try:
            work = self.run(budget, target, deadline, mixed=True)
        finally:
            self.free_slots = False
        self.load(self.snapshot())
        return work

    def run(
        self,
        budget: float,
        target: int,
        deadline: float | None,
        mixed: bool,
        active: int | None = None,
    ) -> float:
        """Tabu search until repeats <= target with no apart pair together, or it stops.

        With `active`, only that round moves, searched alone (``enter_alone``) unless this is
        a repair or the slots are free (``keep_apart``). See ``_run``.
        """
        if max(self.t_count, default=0) < 2:
            # one table a round: nobody can move, and no random number is drawn for nothing
            # (at 300 people the round's arrays and re-seats took 0.25 s and ran past the limit)
            return 0.0
        if (
            active is None
            or self.origin is not None
            or self.free_slots
            or not self._conflict_in(active)  # nothing to do: no arrays to build
            or (deadline is not None and time.perf_counter() > deadline)
        ):
            return self._run(budget, target, deadline, mixed, active)
        work = self.enter_alone(active)
        try:
            return work + self._run(budget, target, deadline, mixed, active)
        finally:
            self.leave_alone(active)

    def _run(
        self,
        budget: float,
        target: int,
        deadline: float | None,
        mixed: bool,
        active: int | None = None,
    ) -> float:
        """The search loop of ``run``, on the arrays as they are (alone or not).

        The budget counts work units (evaluated swaps and members touched by applied swaps), so
        the same seed and effort give the same plan; only `deadline` depends on the clock. The
        best plan seen is kept. Returns the work spent.
        """
        rng = self.rng
        getrandbits = rng.getrandbits

        def randrange(size: int) -> int:
            # rng.randrange(size) without its argument checks: the same numbers (drawn as
            # Random._randbelow draws them) at 125 ns instead of 260 (measured); an iteration
            # draws about 25, 3 % of the time of a small school's search
            bits = size.bit_length()
            pick = getrandbits(bits)
            while pick >= size:
                pick = getrandbits(bits)
            return pick

        n = self.n
        rounds = len(self.rounds)
        which = range(rounds) if active is None else (active,)
        work = 0.0
        if active is not None:
            # only the active round moves: the others' arrays would be kept up to date for
            # nothing (they are built again from scratch when a search needs them)
            self.drop_arrays(keep=active)
        tabu = [[0] * (n * t) for t in self.t_count]
        best_cost = self.cost
        best = self.snapshot()
        it = 0
        last_gain = 0
        best_it = 0  # iteration of the last new best plan
        plateau = max(2000, PLATEAU * n * rounds)
        stall = 60 + 3 * n
        per_table = n // max(1, min(self.t_count)) + 1
        swap_work = SWAP_WORK * n + 4 * per_table * (PAIR_WORK + PAIR_VIEW_WORK * len(self.built))
        sample_size = SAMPLE
        if self.alone is not None:
            swap_work = ALONE_SWAP_WORK * n + 4 * per_table * ALONE_PAIR_WORK
            sample_size = ALONE_SAMPLE
        tabs, locks, gains, stays, sizes = self.tab, self.lock, self.gain, self.stay, self.t_count
        free = [not any(lock) for lock in locks]
        views = [(r, tabs[r], locks[r]) for r in which]
        line_of, line_members, addc = self.line_of, self.line_members, self.addc
        origin = self.origin
        slots = self.free_slots
        if self.repeats > target or self.apart_violations:
            work += self.large_moves(active, budget, deadline)
            if self.cost < best_cost:
                best_cost = self.cost
                best = self.snapshot()
        while work < budget and (self.repeats > target or self.apart_violations):
            conf = self.conf
            if not conf:
                break
            if active is not None and not self._conflict_in(active):
                break
            it += 1
            # an iteration costs tens of microseconds or more (a round's arrays, built on first
            # use, tens of milliseconds for 700 members): the clock is read every time
            if deadline is not None and time.perf_counter() > deadline:
                break
            # movers: both members of a few conflicting pairs, in a round where they meet (each
            # member once: one in several conflicts would only be scored again)
            movers = []
            seen = set()
            samples = min(sample_size, len(conf))
            for _ in range(samples):
                a0, b0 = divmod(conf[randrange(len(conf))], n)
                if active is None:
                    options = [
                        r for r, tab, lock in views if tab[a0] == tab[b0] and not lock[tab[a0]]
                    ]
                    if not options:
                        continue
                    r = options[randrange(len(options))] if len(options) > 1 else options[0]
                else:
                    r = active
                    tab = tabs[r]
                    if tab[a0] != tab[b0] or locks[r][tab[a0]]:
                        continue
                for m in (a0, b0):
                    if (r, m) not in seen:
                        seen.add((r, m))
                        movers.append((r, m))
            work += ITER_WORK + samples * (SAMPLE_WORK + (rounds if active is None else 1))
            cross = mixed and (self.free_slots or rng.random() < CROSS)
            choice_d, choice = NO_MOVE, None
            ties = 0
            cost = self.cost
            evaluated = 0
            for r, a in movers:
                if gains[r] is None:
                    self._build(r)
                    work += BUILD_WORK * n * n
                tab = tabs[r]
                gain = gains[r]
                stay = stays[r]
                t_count = sizes[r]
                tabu_r = tabu[r]
                t1 = tab[a]
                base_a = a * t_count
                row = a * n
                keep = stay[a]  # type: ignore[index]
                if origin is not None or not free[r] or slots:
                    cands = self.candidates(r, a, cross)
                    if cross:
                        work += LOOK_WORK * t_count
                elif cross:
                    cands = line_members[line_of[a]] + self.cross_candidates(r, a)
                    work += LOOK_WORK * t_count
                else:
                    cands = line_members[line_of[a]]
                evaluated += len(cands)
                if origin is None and not slots:
                    # the hot loop: a's row of gain and of add costs as short local lists, the
                    # swap's delta less a's own stay (the same for all of a's candidates)
                    to_table = gain[base_a : base_a + t_count]  # type: ignore[index]
                    meet = addc[row : row + n]
                    limit = choice_d + keep
                    for b in cands:
                        t2 = tab[b]
                        if t2 == t1:
                            continue
                        part = (
                            to_table[t2]
                            + gain[b * t_count + t1]  # type: ignore[index]
                            - 2 * meet[b]
                            - stay[b]  # type: ignore[index]
                        )
                        if part > limit:
                            continue
                        if (
                            tabu_r[base_a + t2] > it or tabu_r[b * t_count + t1] > it
                        ) and cost + part - keep >= best_cost:
                            continue
                        if part < limit:
                            limit = part
                            choice_d, choice, ties = part - keep, (r, a, b), 1
                        else:
                            ties += 1
                            if randrange(ties) == 0:
                                choice = (r, a, b)
                    continue
                for b in cands:
                    t2 = tab[b]
                    if t2 == t1:
                        continue
                    delta = (
                        gain[base_a + t2]  # type: ignore[index]
                        + gain[b * t_count + t1]  # type: ignore[index]
                        - 2 * addc[row + b]
                        - keep
                        - stay[b]  # type: ignore[index]
                    )
                    if origin is not None:
                        delta += MOVE * self.moved_change(a, b, t1, t2)
                    if slots:
                        delta += SLOT * self.slot_delta(r, a, b)
                    if delta > choice_d:
                        continue
                    if (
                        tabu_r[base_a + t2] > it or tabu_r[b * t_count + t1] > it
                    ) and cost + delta >= best_cost:
                        continue
                    if delta < choice_d:
                        choice_d, choice, ties = delta, (r, a, b), 1
                    else:
                        ties += 1
                        if randrange(ties) == 0:
                            choice = (r, a, b)
            work += EVAL_WORK * evaluated + MOVER_WORK * len(movers)
            if choice is None:
                continue
            r, a, b = choice
            tab = tabs[r]
            tabu_r = tabu[r]
            t_count = sizes[r]
            t1, t2 = tab[a], tab[b]
            self.swap(r, a, b)
            work += swap_work
            tenure = TENURE + randrange(TENURE + len(conf) // TENURE_DIV)
            tabu_r[a * t_count + t1] = it + tenure
            tabu_r[b * t_count + t2] = it + tenure
            if self.cost < best_cost:
                best_cost = self.cost
                best = self.snapshot()
                work += n
                last_gain = best_it = it
            elif it - last_gain > stall:
                # stuck: first re-seat whole lines where conflicts are, kick only if that fails
                work += self.large_moves(active, budget - work, deadline)
                last_gain = it
                if self.cost < best_cost:
                    best_cost = self.cost
                    best = self.snapshot()
                    best_it = it
                    continue
                if it - best_it > plateau and active is None:
                    break  # a plateau: more budget would most likely be spent for nothing
                self.perturb(1 + rounds // 2, active)
                work += swap_work * (1 + rounds // 2)
        if self.cost > best_cost:
            self.load(best)
            work += n * n
        return work

    # --- one round alone ----------------------------------------------------------------------
    def enter_alone(self, r: int) -> int:
        """Search round r alone: while the other rounds stay, what a pair meeting in round r
        costs is fixed (the cost of one more meeting at its count in the other rounds), so a
        swap needs no pair counts. ``addc`` becomes that fixed cost, ``gain[x, t]`` the sum of
        it over table t (x's own table included, so ``stay`` is x's own entry), ``conf`` the
        conflicting pairs of round r; cost, repeats and apart pairs change by the swaps'
        deltas. The counts, conflicts and arrays of the whole plan are kept aside and brought
        up to date by ``leave_alone``. Returns the work done.
        """
        n = self.n
        self.drop_arrays()
        tables = self.rounds[r]
        addc = self.addc
        fixed = addc[:]
        cnt, c1, s2 = self.cnt, self.c1, 2 * SPREAD
        for table in tables:
            for x in table:
                row = x * n
                for y in table:
                    if y != x:
                        i = row + y
                        # they meet in r now: the cost of that meeting, not of one more
                        # (drop_cost(i), inline: 45,000 pairs at a table of 300)
                        fixed[i] = c1[i] if cnt[i] <= 1 else addc[i] - s2
        self.alone = Alone(
            round=r,
            start=self.tab[r][:],
            tables=[t[:] for t in tables],
            lc=self.lc[r][:],
            addc=addc,
            conf=self.conf,
            conf_pos=self.conf_pos,
            cost=self.cost,
            repeats=self.repeats,
            apart=self.apart_violations,
        )
        self.addc = fixed
        # the conflicts of round r (the counts of repeats and apart pairs already hold them)
        self.conf, self.conf_pos = [], {}
        for table in tables:
            for pos, x in enumerate(table):
                self._pairs_alone(x, table[pos + 1 :], 1, -1, count=False)
        t_count = len(tables)
        gain = [0] * (n * t_count)
        for x in range(n):
            pick = fixed[x * n : (x + 1) * n].__getitem__
            gain[x * t_count : (x + 1) * t_count] = [sum(map(pick, table)) for table in tables]
        tab = self.tab[r]
        self.gain[r] = gain
        self.stay[r] = [gain[x * t_count + tab[x]] if tab[x] >= 0 else 0 for x in range(n)]
        self.built = [r]
        return BUILD_WORK * n * n

    def _pairs_alone(
        self, x: int, others: list[int], step: int, but: int, count: bool = True
    ) -> None:
        """x comes to sit (step 1) or stops sitting (-1) with each of `others` (x itself and
        `but` excepted) in the round searched alone: its conflicts and their counts."""
        n = self.n
        cnt, history, apart_pairs = self.cnt, self.hc, self.ap
        set_conflict = self._set_conflict
        assert self.alone is not None
        start = self.alone.start
        home = start[x]
        row = x * n
        repeats = apart = 0
        for y in others:
            if y in (x, but):
                continue
            i = row + y
            # a repeat if they met in history or in another round: cnt still counts the
            # meetings of round r as it was when the search alone began
            rep = 1 if history[i] or cnt[i] > (start[y] == home) else 0
            ap = apart_pairs[i]
            if rep or ap:
                repeats += rep
                apart += ap
                j = y * n + x
                set_conflict(i if i < j else j, step > 0)
        if count:
            self.repeats += step * repeats
            self.apart_violations += step * apart

    def _swap_alone(self, r: int, a: int, b: int) -> None:
        """``swap`` while round r is searched alone: three vector operations over the members
        (every view of the two tables) and the pairs of the two tables for the conflicts."""
        n, t_count = self.n, self.t_count[r]
        tab, gain, stay, fixed = self.tab[r], self.gain[r], self.stay[r], self.addc
        assert gain is not None
        assert stay is not None
        t1, t2 = tab[a], tab[b]
        first, second = self.rounds[r][t1], self.rounds[r][t2]
        self.cost += (
            gain[a * t_count + t2]
            - gain[a * t_count + t1]
            + gain[b * t_count + t1]
            - gain[b * t_count + t2]
            - 2 * fixed[a * n + b]
        )
        pairs = self._pairs_alone
        pairs(a, first, -1, -1)
        pairs(b, first, 1, a)
        pairs(b, second, -1, -1)
        pairs(a, second, 1, b)
        diff = list(map(sub, fixed[b * n : (b + 1) * n], fixed[a * n : (a + 1) * n]))
        gain[t1::t_count] = list(map(add, gain[t1::t_count], diff))
        gain[t2::t_count] = list(map(sub, gain[t2::t_count], diff))
        first[first.index(a)] = b
        second[second.index(b)] = a
        tab[a], tab[b] = t2, t1
        for y in first:
            stay[y] = gain[y * t_count + t1]
        for y in second:
            stay[y] = gain[y * t_count + t2]
        la, lb = self.line_of[a], self.line_of[b]
        if la != lb:
            lc, k = self.lc[r], self.k
            lc[t1 * k + la] -= 1
            lc[t1 * k + lb] += 1
            lc[t2 * k + lb] -= 1
            lc[t2 * k + la] += 1

    def _move_alone(self, r: int, m: int, t: int) -> None:
        """Move one member to table t while round r is searched alone (sizes may differ until
        the other moves of the same change are made)."""
        n, t_count = self.n, self.t_count[r]
        tab, gain, stay, fixed = self.tab[r], self.gain[r], self.stay[r], self.addc
        assert gain is not None
        assert stay is not None
        old = tab[m]
        self.cost += gain[m * t_count + t] - gain[m * t_count + old]
        leaving, joining = self.rounds[r][old], self.rounds[r][t]
        leaving.remove(m)
        self._pairs_alone(m, leaving, -1, -1)
        self._pairs_alone(m, joining, 1, -1)
        joining.append(m)
        row = fixed[m * n : (m + 1) * n]
        gain[old::t_count] = list(map(sub, gain[old::t_count], row))
        gain[t::t_count] = list(map(add, gain[t::t_count], row))
        tab[m] = t
        for y in leaving:
            stay[y] = gain[y * t_count + old]
        for y in joining:
            stay[y] = gain[y * t_count + t]
        lc, k, line = self.lc[r], self.k, self.line_of[m]
        lc[old * k + line] -= 1
        lc[t * k + line] += 1

    def leave_alone(self, r: int) -> None:
        """Bring the whole plan's counts, conflicts and costs up to date with round r as the
        search alone left it: the round is put back as it was and its members moved the usual
        way (pair counts and all), without arrays to keep."""
        alone = self.alone
        assert alone is not None
        final = self.tab[r][:]
        self.alone = None
        self.addc = alone.addc
        self.conf, self.conf_pos = alone.conf, alone.conf_pos
        self.cost, self.repeats = alone.cost, alone.repeats
        self.apart_violations = alone.apart
        self.rounds[r] = alone.tables
        self.tab[r] = alone.start
        self.lc[r] = alone.lc
        self.drop_arrays()
        self._move_all(r, {m: t for m, t in enumerate(final) if t >= 0})

    def reseat(self, r: int, line: int) -> int:
        """Re-seat one line of round r at least cost, the other members staying: a large move.

        The line's free members take the same seats (so sizes and line slots stay) by a
        minimum-cost assignment of member to seat, each seat costing the encounters with the
        other lines' members at that table. Applied only when the plan's cost goes down; returns
        the work done (for the budget). A line of more than RESEAT_MAX free members (a line
        far larger than the table count) re-seats RESEAT_MAX of them: those in a conflict
        first, then others at random, so the cubic assignment stays within a few milliseconds.
        """
        tab, lock, tables = self.tab[r], self.lock[r], self.rounds[r]
        line_of = self.line_of
        members = [m for m in self.line_members[line] if not lock[tab[m]]]
        if len(members) > RESEAT_MAX:
            members = self._reseat_part(r, members)
        if len(members) < 2:
            return 1
        seats = [tab[m] for m in members]
        n = self.n
        cnt, c1, c2, s2 = self.cnt, self.c1, self.c2, 2 * SPREAD
        by_table = {}
        # searched alone: the fixed cost of each meeting in this round, a row per member
        picks = (
            [self.addc[m * n : (m + 1) * n].__getitem__ for m in members]
            if self.alone is not None
            else None
        )
        for t in set(seats):
            others = [y for y in tables[t] if line_of[y] != line]
            if picks is not None:
                by_table[t] = [sum(map(pick, others)) for pick in picks]
                continue
            row = []
            for m in members:
                base = m * n
                own = tab[m] == t
                total = 0
                for y in others:
                    i = base + y
                    c = cnt[i] - own  # the meeting at m's own table is not counted yet
                    total += c1[i] if c <= 0 else c2[i] + s2 * c
                row.append(total)
            by_table[t] = row
        matrix = [[by_table[t][x] for t in seats] for x in range(len(members))]
        origin = self.origin
        if origin is not None:
            # a repair: a member seated away from its table costs MOVE here as in the plan's
            # cost, so the assignment moves as few as it can (it moved a whole line of 40 to
            # part one apart pair that two moves part)
            for x, m in enumerate(members):
                if origin[m] >= 0:
                    home = origin[m]
                    matrix[x] = [c + MOVE * (seats[j] != home) for j, c in enumerate(matrix[x])]
        now = sum(matrix[x][x] for x in range(len(members)))
        chosen = assignment(matrix)
        if sum(matrix[x][j] for x, j in enumerate(chosen)) >= now:
            return len(members) * (len(by_table) * (n // len(tables) + 1) + len(members) ** 2)
        before = self.cost
        target = {m: seats[j] for m, j in zip(members, chosen, strict=True)}
        self._move_all(r, target)
        if self.cost >= before:  # the line's own pairs (doubles) made it worse: undo
            self._move_all(r, dict(zip(members, seats, strict=True)))
        work = len(members) * (len(by_table) * (n // len(tables) + 1) + len(members) ** 2)
        return work + (PAIR_WORK + PAIR_ROUND_WORK * len(self.rounds)) * 2 * (
            n // len(tables) + 1
        ) * len(members)

    def _reseat_part(self, r: int, members: list[int]) -> list[int]:
        """RESEAT_MAX of a large line's members: those in a conflict in round r first."""
        n, tab = self.n, self.tab[r]
        involved = set()
        for key in self.conf:
            a, b = divmod(key, n)
            if tab[a] == tab[b]:
                involved.update((a, b))
        hot = [m for m in members if m in involved][:RESEAT_MAX]
        rest = [m for m in members if m not in involved]
        self.rng.shuffle(rest)
        return sorted(hot + rest[: RESEAT_MAX - len(hot)])

    def _move_all(self, r: int, target: dict[int, int]) -> None:
        """Seat the given members of round r at the given tables (sizes must come out equal)."""
        tab = self.tab[r]
        origin = self.origin
        movers = [m for m, t in target.items() if tab[m] != t]
        if self.alone is not None:
            for m in movers:
                self._move_alone(r, m, target[m])
            return
        for m in movers:
            if origin is not None and origin[m] >= 0:
                self.cost -= MOVE * (tab[m] != origin[m])
            self._leave(r, m)
        for m in movers:
            self._join(r, m, target[m])
            if origin is not None and origin[m] >= 0:
                self.cost += MOVE * (target[m] != origin[m])

    def large_moves(self, active: int | None, limit: float, deadline: float | None) -> int:
        """Re-seat every (round, line) that has a member in a conflict, until the work reaches
        `limit` or the deadline passes; returns the work."""
        if deadline is not None and time.perf_counter() > deadline:
            return 0  # listing the conflicts of 300 people at one table takes a while itself
        n = self.n
        todo = set()
        for key in self.conf:
            a, b = divmod(key, n)
            for r in range(len(self.rounds)) if active is None else (active,):
                tab = self.tab[r]
                if tab[a] == tab[b]:
                    todo.add((r, self.line_of[a]))
                    todo.add((r, self.line_of[b]))
        work = 0
        for r, line in sorted(todo):
            if work >= limit or (deadline is not None and time.perf_counter() > deadline):
                break
            work += self.reseat(r, line)
        return work

    def polish(self, budget: float, deadline: float | None) -> None:
        """Rule 4: swaps that keep the apart pairs and the repeats but lower ``spread``.

        First-improvement over the members with the most repeats, every round, until a full
        pass finds nothing or the budget (work units) or the deadline runs out.
        """
        if max(self.t_count, default=0) < 2:
            return  # one table a round: no swap
        work = 0
        improved = True
        pair_work = PAIR_WORK + PAIR_ROUND_WORK * len(self.rounds)
        swap_work = pair_work * 4 * (self.n // max(1, len(self.rounds[0])) + 1) + self.n // 2
        while improved and self.repeats and work < budget:
            improved = False
            # a swap can only lower (repeats, spread) by breaking up a repeated pair, so one of
            # its two members takes part in a repeat: trying those members covers every swap
            busiest = sorted(
                (a for a in range(self.n) if self.person_repeats[a]),
                key=lambda a: (-self.person_repeats[a], a),
            )
            for a in busiest:
                if not self.person_repeats[a]:
                    continue
                for r in range(len(self.rounds)):
                    if self.lock[r][self.tab[r][a]]:
                        continue
                    for b in self.candidates(r, a, True):
                        key = (self.apart_violations, self.repeats, self.spread)
                        work += 2 * swap_work
                        self.swap(r, a, b)
                        if (self.apart_violations, self.repeats, self.spread) < key:
                            improved = True
                            break
                        self.swap(r, a, b)  # undo: the same swap again
                    late = deadline is not None and time.perf_counter() > deadline
                    if late or work >= budget:
                        return  # a member's swaps in one round can take 0.1 s at 700 members
                    if not self.person_repeats[a]:
                        break

    def _conflict_in(self, r: int) -> bool:
        tab, lock, n = self.tab[r], self.lock[r], self.n
        for key in self.conf:
            a, b = divmod(key, n)
            if tab[a] == tab[b] and not lock[tab[a]]:
                return True
        return False

    def perturb(self, count: int, active: int | None = None) -> None:
        """A few random swaps inside lines, to leave a plateau."""
        rng = self.rng
        for _ in range(count):
            r = rng.randrange(len(self.rounds)) if active is None else active
            a = rng.randrange(self.n)
            if self.lock[r][self.tab[r][a]]:
                continue
            cands = self.candidates(r, a, False)
            if cands:
                self.swap(r, a, cands[rng.randrange(len(cands))])
