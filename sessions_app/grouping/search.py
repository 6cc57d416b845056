"""Tabu search on swaps of two members between tables of one round.

A swap keeps table sizes; it is only tried when it keeps the number of missing line slots (a
swap inside a line always does), so a start at the minimum stays there. The objective per pair
with h history meetings and m new ones, t = min(h, 1) + m, is

    HARD * m (apart pair) + BIG * max(0, t - 1) + SPREAD * max(0, t - 1) ** 2 + recency * m (h > 0)

so repeats (rule 3) dominate, a third meeting weighs more than two second ones (a first step of
rule 4), and a pair that met recently is avoided before a pair that met long ago. A repair adds
MOVE per member seated away from their table. Deltas are evaluated incrementally from a flat
pair-count list (lists, not dicts, in the inner loop).

Rule 4 proper (repeats spread over as many people as possible) is kept as ``spread``, the sum
over members of the square of the repeats they take part in; ``polish`` lowers it with swaps
that keep the apart pairs and the repeats, after the search.

The search (``run``): pick a few conflicting pairs (a repeat or an apart pair at one table),
try every swap of one of their members that keeps the line slots, take the best one that is not
tabu (a member may not return to a table it just left for a few iterations, unless that beats
the best plan so far), and kick the plan with random swaps after ``stall`` iterations without a
new best. It stops at the target (the lower bound), when the budget of pair evaluations is
spent, at the deadline, or after PLATEAU kicks in a row without a new best.
"""

from __future__ import annotations

import random
import time

from .model import Instance

HARD = 10**12
MOVE = 10**9
BIG = 10**6
SPREAD = 10**3
RECENT = 100
CROSS = 0.25  # share of iterations that also try swaps across lines when lines are uneven
TENURE = 4
TENURE_DIV = 10
SAMPLE = 2
PLATEAU = 12  # kicks in a row without a new best plan before the search gives up


class Search:
    """Rounds of tables (lists of member numbers) with incremental pair counts and costs."""

    def __init__(self, inst: Instance, rng: random.Random, origin: list[int] | None = None):
        n = inst.n
        size = n * n
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
        self.c1 = c1
        self.c2 = c2
        self.origin = origin
        self.rounds: list[list[list[int]]] = []
        self.tab: list[list[int]] = []
        self.lock: list[list[bool]] = []
        self.lc: list[list[int]] = []
        self.cost = 0
        self.repeats = 0
        self.apart_violations = 0
        self.conf: list[int] = []
        self.conf_pos: dict[int, int] = {}
        self.person_repeats = [0] * n
        self.spread = 0

    # --- pair bookkeeping -------------------------------------------------------------------
    def _bad(self, i: int) -> bool:
        m = self.cnt[i]
        return bool(self.ap[i] and m) or self.hc[i] + m >= 2

    def _flag(self, i: int, j: int, before: bool) -> None:
        after = self._bad(i)
        if before == after:
            return
        key = min(i, j)
        if after:
            self.conf_pos[key] = len(self.conf)
            self.conf.append(key)
        else:
            pos = self.conf_pos.pop(key)
            last = self.conf.pop()
            if last != key:
                self.conf[pos] = last
                self.conf_pos[last] = pos

    def _inc(self, a: int, b: int) -> None:
        i, j = a * self.n + b, b * self.n + a
        m = self.cnt[i]
        before = self._bad(i)
        self.cost += self.c1[i] if not m else self.c2[i] + 2 * SPREAD * m
        if self.hc[i] + m >= 1:
            self.repeats += 1
            pr = self.person_repeats
            self.spread += 2 * (pr[a] + pr[b] + 1)
            pr[a] += 1
            pr[b] += 1
        self.apart_violations += self.ap[i]
        self.cnt[i] = self.cnt[j] = m + 1
        self._flag(i, j, before)

    def _dec(self, a: int, b: int) -> None:
        i, j = a * self.n + b, b * self.n + a
        m = self.cnt[i] - 1
        before = self._bad(i)
        self.cost -= self.c1[i] if not m else self.c2[i] + 2 * SPREAD * m
        if self.hc[i] + m >= 1:
            self.repeats -= 1
            pr = self.person_repeats
            pr[a] -= 1
            pr[b] -= 1
            self.spread -= 2 * (pr[a] + pr[b] + 1)
        self.apart_violations -= self.ap[i]
        self.cnt[i] = self.cnt[j] = m
        self._flag(i, j, before)

    def join_cost(self, a: int, table: list[int]) -> int:
        """Cost added by seating a at this table (used by the greedy start)."""
        cnt, c1, c2, row = self.cnt, self.c1, self.c2, a * self.n
        total = 0
        for y in table:
            m = cnt[row + y]
            total += c1[row + y] if not m else c2[row + y] + 2 * SPREAD * m
        return total

    def add_round(self, tables: list[list[int]], locked: list[bool]) -> None:
        tab = [-1] * self.n
        lc = [0] * (len(tables) * self.k)
        for t, table in enumerate(tables):
            for x, a in enumerate(table):
                tab[a] = t
                lc[t * self.k + self.line_of[a]] += 1
                for b in table[x + 1 :]:
                    self._inc(a, b)
        self.rounds.append([list(t) for t in tables])
        self.tab.append(tab)
        self.lock.append(list(locked))
        self.lc.append(lc)
        if self.origin is not None and len(self.rounds) == 1:
            self.cost += MOVE * self.moved_count()

    def moved_count(self) -> int:
        tab = self.tab[0]
        return sum(1 for a, o in enumerate(self.origin or ()) if o >= 0 and tab[a] != o)

    def snapshot(self) -> list[list[list[int]]]:
        return [[t[:] for t in rnd] for rnd in self.rounds]

    def load(self, rounds: list[list[list[int]]]) -> None:
        """Reset the counts and seat these rounds (same table indexes and locks)."""
        locks = self.lock
        size = self.n * self.n
        self.cnt = [0] * size
        self.cost = self.repeats = self.apart_violations = self.spread = 0
        self.person_repeats = [0] * self.n
        self.conf, self.conf_pos = [], {}
        self.rounds, self.tab, self.lock, self.lc = [], [], [], []
        for rnd, lock in zip(rounds, locks, strict=True):
            self.add_round(rnd, lock)

    # --- moves ------------------------------------------------------------------------------
    def swap(self, r: int, a: int, b: int) -> None:
        tab = self.tab[r]
        t1, t2 = tab[a], tab[b]
        first, second = self.rounds[r][t1], self.rounds[r][t2]
        if self.origin is not None:
            o_a, o_b = self.origin[a], self.origin[b]
            self.cost -= MOVE * ((o_a >= 0 and t1 != o_a) + (o_b >= 0 and t2 != o_b))
            self.cost += MOVE * ((o_a >= 0 and t2 != o_a) + (o_b >= 0 and t1 != o_b))
        for x in first:
            if x != a:
                self._dec(a, x)
                self._inc(b, x)
        for y in second:
            if y != b:
                self._dec(b, y)
                self._inc(a, y)
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

    def candidates(self, r: int, a: int, cross: bool) -> list[int]:
        """Members b whose swap with a keeps sizes, locks and the missing line slots."""
        tab, lock = self.tab[r], self.lock[r]
        t1 = tab[a]
        la = self.line_of[a]
        out = [b for b in self.line_members[la] if tab[b] != t1 and not lock[tab[b]]]
        if cross:
            lc, k = self.lc[r], self.k
            for t2, table in enumerate(self.rounds[r]):
                if t2 == t1 or lock[t2]:
                    continue
                for b in table:
                    lb = self.line_of[b]
                    if lb == la:
                        continue
                    change = (
                        (lc[t1 * k + la] == 1)
                        - (lc[t1 * k + lb] == 0)
                        + (lc[t2 * k + lb] == 1)
                        - (lc[t2 * k + la] == 0)
                    )
                    if change <= 0:
                        out.append(b)
        return out

    def deltas(self, r: int, a: int, cands: list[int]) -> list[tuple[int, int]]:
        """(cost change, b) for swapping a with each candidate b, without changing anything."""
        n, cnt, c1, c2 = self.n, self.cnt, self.c1, self.c2
        s2 = 2 * SPREAD
        tab, tables = self.tab[r], self.rounds[r]
        t1 = tab[a]
        first = tables[t1]
        ra = a * n
        lose_a = 0
        for x in first:
            if x != a:
                i = ra + x
                m = cnt[i]
                lose_a += c1[i] if m == 1 else c2[i] + s2 * (m - 1)
        gain_a: dict[int, int] = {}
        origin = self.origin
        out = []
        for b in cands:
            t2 = tab[b]
            second = tables[t2]
            if t2 not in gain_a:
                total = 0
                for y in second:
                    i = ra + y
                    m = cnt[i]
                    total += c1[i] if not m else c2[i] + s2 * m
                gain_a[t2] = total
            i = ra + b
            m = cnt[i]
            delta = gain_a[t2] - (c1[i] if not m else c2[i] + s2 * m) - lose_a
            rb = b * n
            for y in second:
                if y != b:
                    i = rb + y
                    m = cnt[i]
                    delta -= c1[i] if m == 1 else c2[i] + s2 * (m - 1)
            for x in first:
                if x != a:
                    i = rb + x
                    m = cnt[i]
                    delta += c1[i] if not m else c2[i] + s2 * m
            if origin is not None:
                o_a, o_b = origin[a], origin[b]
                delta += MOVE * (
                    (o_a >= 0 and t2 != o_a)
                    - (o_a >= 0 and t1 != o_a)
                    + (o_b >= 0 and t1 != o_b)
                    - (o_b >= 0 and t2 != o_b)
                )
            out.append((delta, b))
        return out

    # --- the search -------------------------------------------------------------------------
    def run(
        self,
        budget: float,
        target: int,
        deadline: float | None,
        mixed: bool,
        active: int | None = None,
    ) -> None:
        """Tabu search until repeats <= target with no apart pair together, or the budget ends.

        The budget counts pair evaluations, so the same seed and effort give the same plan;
        only `deadline` (from time_limit) depends on the clock. The best plan seen is kept.
        """
        rng = self.rng
        rounds = len(self.rounds)
        tables = max((len(r) for r in self.rounds), default=1)
        n = self.n
        tabu = [[0] * (n * tables) for _ in range(rounds)]
        best_cost = self.cost
        best = self.snapshot()
        work = 0
        it = 0
        last_gain = 0
        kicks = 0  # kicks since the last new best plan
        stall = 60 + 3 * n
        while work < budget and (self.repeats > target or self.apart_violations):
            if not self.conf:
                break
            if active is not None and not self._conflict_in(active):
                break
            it += 1
            if deadline is not None and it % 16 == 0 and time.perf_counter() > deadline:
                break
            movers = []
            for _ in range(min(SAMPLE, len(self.conf))):
                key = self.conf[rng.randrange(len(self.conf))]
                a0, b0 = divmod(key, n)
                options = [
                    r
                    for r in (range(rounds) if active is None else (active,))
                    if self.tab[r][a0] == self.tab[r][b0] and not self.lock[r][self.tab[r][a0]]
                ]
                work += 4 + rounds
                if options:
                    r = options[rng.randrange(len(options))]
                    movers.append((r, a0))
                    movers.append((r, b0))
            cross = mixed and rng.random() < CROSS
            choice = None
            ties = 0
            for r, a in movers:
                tabu_r = tabu[r]
                tab = self.tab[r]
                cands = self.candidates(r, a, cross)
                t1 = tab[a]
                work += len(cands) * 2 * len(self.rounds[r][t1]) + 2
                for delta, b in self.deltas(r, a, cands):
                    t2 = tab[b]
                    if (
                        tabu_r[a * tables + t2] > it or tabu_r[b * tables + t1] > it
                    ) and self.cost + delta >= best_cost:
                        continue
                    if choice is None or delta < choice[0]:
                        choice, ties = (delta, r, a, b), 1
                    elif delta == choice[0]:
                        ties += 1
                        if rng.randrange(ties) == 0:
                            choice = (delta, r, a, b)
            if choice is None:
                continue
            _, r, a, b = choice
            tab = self.tab[r]
            tabu_r = tabu[r]
            t1, t2 = tab[a], tab[b]
            self.swap(r, a, b)
            tenure = TENURE + rng.randrange(TENURE + len(self.conf) // TENURE_DIV)
            tabu_r[a * tables + t1] = it + tenure
            tabu_r[b * tables + t2] = it + tenure
            if self.cost < best_cost:
                best_cost = self.cost
                best = self.snapshot()
                last_gain = it
                kicks = 0
            elif it - last_gain > stall:
                if kicks >= PLATEAU and active is None:
                    break  # a plateau: more budget would most likely be spent for nothing
                last_gain = it
                kicks += 1
                self.perturb(1 + rounds // 2, active)
        if self.cost > best_cost:
            self.load(best)

    def polish(self, budget: float, deadline: float | None) -> None:
        """Rule 4: swaps that keep the apart pairs and the repeats but lower ``spread``.

        First-improvement over the members with the most repeats, every round, until a full
        pass finds nothing or the budget (pair evaluations) or the deadline runs out.
        """
        work = 0
        improved = True
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
                        key = (self.apart_violations, self.repeats, self.spread, self.cost)
                        work += 2 * (len(self.rounds[r][self.tab[r][a]]) + 1)
                        self.swap(r, a, b)
                        after = (self.apart_violations, self.repeats, self.spread)
                        if after < key[:3]:
                            improved = True
                            break
                        self.swap(r, a, b)  # undo: the same swap again
                    if not self.person_repeats[a] or work >= budget:
                        break
                if work >= budget or (deadline is not None and time.perf_counter() > deadline):
                    return

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
