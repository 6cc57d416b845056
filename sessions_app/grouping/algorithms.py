"""Generic algorithms of the engine, free of any grouping vocabulary.

Each one is checked against a brute-force oracle on small random inputs in the tests:

- ``assignment``: minimum-cost assignment (Hungarian method);
- ``min_cost_flow``: successive shortest paths on an edge list;
- ``max_coverage`` and ``compose``: the most (row, column) cells covered when rows supply items
  and columns hold capacities, at most one item of a row per column first (a max-flow on a
  complete bipartite graph, in closed form);
- ``greedy_clique`` and ``find_clique``: a large clique quickly, and a bounded exact search.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence


def assignment(cost: list[list[int]]) -> list[int]:
    """Minimum-cost assignment of rows to distinct columns (Hungarian method, rows <= columns).

    Returns the column of each row.
    """
    rows, cols = len(cost), len(cost[0])
    u = [0] * (rows + 1)
    v = [0] * (cols + 1)
    match = [0] * (cols + 1)  # column -> row (1-based), 0 = free
    way = [0] * (cols + 1)
    inf = float("inf")
    for i in range(1, rows + 1):
        match[0] = i
        j0 = 0
        low = [inf] * (cols + 1)
        used = [False] * (cols + 1)
        while True:
            used[j0] = True
            i0 = match[j0]
            delta = inf
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


def greedy_assignment(cost: list[list[int]]) -> list[int]:
    """Rows in order, each to its cheapest free column: the fallback when time is up."""
    taken: set[int] = set()
    result = []
    for row in cost:
        j = min((j for j in range(len(row)) if j not in taken), key=row.__getitem__)
        taken.add(j)
        result.append(j)
    return result


class FlowGraph:
    """A directed graph for ``min_cost_flow``: parallel edges allowed, residual edges implicit."""

    def __init__(self, nodes: int):
        self.nodes = nodes
        # edge i: to, capacity, cost, from; edge i ^ 1 is its residual twin
        self.to: list[int] = []
        self.cap: list[int] = []
        self.cost: list[int] = []
        self.tail: list[int] = []

    def add(self, u: int, v: int, cap: int, cost: int) -> int:
        """Add u -> v; returns the edge index (its flow is ``flow(index)``)."""
        index = len(self.to)
        self.to += [v, u]
        self.cap += [cap, 0]
        self.cost += [cost, -cost]
        self.tail += [u, v]
        return index

    def flow(self, index: int) -> int:
        return self.cap[index ^ 1]


def min_cost_flow(graph: FlowGraph, source: int, sink: int) -> tuple[int, int]:
    """Maximum flow of minimum cost (successive shortest paths, Bellman-Ford queue).

    Returns (flow, cost); edge flows are read with ``graph.flow``.
    """
    out: list[list[int]] = [[] for _ in range(graph.nodes)]
    for i, u in enumerate(graph.tail):
        out[u].append(i)
    to, cap, cost = graph.to, graph.cap, graph.cost
    total_flow = total_cost = 0
    while True:
        dist: list[int | None] = [None] * graph.nodes
        via = [-1] * graph.nodes
        dist[source] = 0
        queue = deque([source])
        inside = [False] * graph.nodes
        inside[source] = True
        while queue:
            u = queue.popleft()
            inside[u] = False
            du = dist[u]
            assert du is not None
            for i in out[u]:
                v = to[i]
                if cap[i] > 0:
                    dv = dist[v]
                    if dv is None or du + cost[i] < dv:
                        dist[v] = du + cost[i]
                        via[v] = i
                        if not inside[v]:
                            inside[v] = True
                            queue.append(v)
        if dist[sink] is None:
            return total_flow, total_cost
        push = None
        v = sink
        while v != source:
            i = via[v]
            push = cap[i] if push is None else min(push, cap[i])
            v = graph.tail[i]
        assert push is not None
        v = sink
        while v != source:
            i = via[v]
            cap[i] -= push
            cap[i ^ 1] += push
            v = graph.tail[i]
        total_flow += push
        total_cost += push * dist[sink]  # type: ignore[operator]


def max_coverage(supply: list[int], caps: list[int]) -> int:
    """Max-flow source -> rows (supply) -> columns (1 per row and column) -> sink (caps).

    The graph is complete bipartite, so a minimum cut takes the x rows with the largest supply
    and the y columns with the smallest capacity: min over x, y of
    sum(other supplies) + sum(y smallest caps) + x * (columns - y).
    """
    columns = len(caps)
    a = sorted(min(s, columns) for s in supply)
    c = sorted(caps)
    pa = [0]
    for value in a:
        pa.append(pa[-1] + value)
    pc = [0]
    for value in c:
        pc.append(pc[-1] + value)
    k = len(a)
    return min(
        pa[k - x] + pc[y] + x * (columns - y) for x in range(k + 1) for y in range(columns + 1)
    )


def compose(
    supply: list[int], caps: list[int], prefer: list[list[int]] | None, order: list[int]
) -> list[list[int]]:
    """Items per (row, column), x[row][column], covering ``max_coverage`` cells.

    Rows with more items choose first, each takes the columns with the most room left (the
    Gale-Ryser greedy), preferring columns where `prefer` wants it; `order` breaks ties. If the
    greedy is short of the max-flow optimum, augmenting paths close the gap. The remaining items
    then fill the room left, preferred columns first. Needs sum(supply) == sum(caps).
    """
    k, count = len(supply), len(caps)
    target = max_coverage(supply, caps)
    if prefer is not None:
        # The preferred composition, when it already fills every column to its size and reaches
        # the maximal coverage, is kept as it is.
        fits = all(sum(prefer[row][t] for row in range(k)) == caps[t] for t in range(count))
        covered = sum(1 for row in range(k) for t in range(count) if prefer[row][t])
        if fits and covered == target:
            return [line[:] for line in prefer]
    room = caps[:]
    x = [[0] * count for _ in range(k)]
    rank = {t: i for i, t in enumerate(order)}
    for row in sorted(range(k), key=lambda r: (-supply[r], r)):
        want = prefer[row] if prefer else None
        need = min(supply[row], count)
        pick = sorted(
            (t for t in range(count) if room[t] > 0),
            key=lambda t: (-room[t], -(want[t] > 0) if want else 0, rank[t]),
        )[:need]
        for t in pick:
            x[row][t] = 1
            room[t] -= 1
    while sum(map(sum, x)) < target:
        _augment(x, supply, room)
    for row in range(k):
        want = prefer[row] if prefer else None
        for _ in range(supply[row] - sum(x[row])):
            t = max(
                (t for t in range(count) if room[t] > 0),
                key=lambda t: ((want[t] - x[row][t]) if want else 0, room[t], -rank[t]),
            )
            x[row][t] += 1
            room[t] -= 1
    return x


def _augment(x: list[list[int]], supply: list[int], room: list[int]) -> None:
    """One augmenting path in the coverage flow (row -> column edges hold 0 or 1)."""
    k, count = len(x), len(room)
    parent: dict[tuple[str, int], tuple[str, int] | None] = {}
    queue: deque[tuple[str, int]] = deque()
    for row in range(k):
        if sum(x[row]) < min(supply[row], count):
            parent[("l", row)] = None
            queue.append(("l", row))
    while queue:
        kind, node = queue.popleft()
        if kind == "l":
            for t in range(count):
                if not x[node][t] and ("t", t) not in parent:
                    parent[("t", t)] = ("l", node)
                    if room[t] > 0:
                        room[t] -= 1
                        step: tuple[str, int] | None = ("t", t)
                        while step is not None:
                            prev = parent[step]
                            if step[0] == "t" and prev is not None:
                                x[prev[1]][step[1]] = 1
                            elif step[0] == "l" and prev is not None:
                                x[step[1]][prev[1]] = 0
                            step = prev
                        return
                    queue.append(("t", t))
        else:
            for row in range(k):
                if x[row][node] and ("l", row) not in parent:
                    parent[("l", row)] = ("t", node)
                    queue.append(("l", row))
    raise AssertionError("coverage below the max-flow value must have an augmenting path")


def greedy_clique(adj: dict[int, set[int]]) -> list[int]:
    """A clique found greedily from every start vertex (most neighbours first); a lower bound."""
    best: list[int] = []
    for start in sorted(adj, key=lambda v: (-len(adj[v]), v)):
        if len(adj[start]) + 1 <= len(best):
            break
        clique = [start]
        cand = set(adj[start])
        while cand:
            v = max(sorted(cand), key=lambda w: len(adj[w] & cand))
            clique.append(v)
            cand &= adj[v]
        if len(clique) > len(best):
            best = clique
    return sorted(best)


def find_clique(
    adj: dict[int, set[int]], size: int, *, nodes: int = 20_000, deadline: float | None = None
) -> tuple[list[int] | None, bool]:
    """A clique of `size` vertices if one is found, and whether the answer is certain.

    (clique, True): found; (None, True): none exists; (None, False): the exact search
    (Bron-Kerbosch with pivoting, after peeling vertices of too small degree) ran out of `nodes`
    or of time before deciding. The greedy clique is tried first, so easy cases cost nothing.
    """
    if size <= 0:
        return [], True
    greedy = greedy_clique(adj)
    if len(greedy) >= size:
        return greedy[:size], True
    if size == 1:
        return None, True  # no vertex at all
    alive = {v for v in adj if len(adj[v]) >= size - 1}
    changed = True
    while changed:
        changed = False
        for v in sorted(alive):
            if len(adj[v] & alive) < size - 1:
                alive.discard(v)
                changed = True
    if len(alive) < size:
        return None, True
    left = [nodes]
    found: list[int] = []

    def grow(chosen: list[int], cand: set[int], excl: set[int]) -> bool | None:
        if len(chosen) >= size:
            found.extend(chosen)
            return True
        if len(chosen) + len(cand) < size:
            return False
        left[0] -= 1
        if left[0] < 0 or (deadline is not None and time.perf_counter() > deadline):
            return None
        pivot = max(cand | excl, key=lambda v: (len(adj[v] & cand), -v))
        unknown = False
        for v in sorted(cand - adj[pivot]):
            result = grow([*chosen, v], cand & adj[v] & alive, excl & adj[v])
            if result:
                return True
            unknown = unknown or result is None
            cand = cand - {v}
            excl = excl | {v}
        return None if unknown else False

    result = grow([], set(alive), set())
    return (sorted(found), True) if result else (None, result is not None)


class _Undecided(Exception):
    """The colouring search ran out of steps or time."""


def colourable(
    adj: dict[int, set[int]],
    colours: int,
    cap: int | Sequence[int],
    *,
    nodes: int = 20_000,
    deadline: float | None = None,
) -> bool | None:
    """Whether the vertices of `adj` can take `colours` colours so that no edge joins two of one
    colour and no colour has more than `cap` vertices (people kept apart at `colours` tables of
    at most `cap`): True or False when decided, None when `nodes` steps or the deadline ran out.
    `cap` may also list one cap per colour (tables of different sizes).

    Backtracking that colours the most constrained vertex first (most colours among its
    neighbours, then most neighbours); colours nobody has yet are alike when their caps are, so
    only the first of them per cap is tried. Exact on the small graphs of apart pairs; bounded
    on any other.
    """
    vertices = sorted(adj)
    caps = [cap] * colours if isinstance(cap, int) else list(cap)
    if len(caps) != colours:
        raise ValueError("one cap per colour")
    if len(vertices) > sum(caps):
        return False
    colour: dict[int, int] = {}
    counts = [0] * colours
    steps = 0

    def pick() -> int | None:
        best, best_key = None, None
        for v in vertices:
            if v in colour:
                continue
            key = (len({colour[u] for u in adj[v] if u in colour}), len(adj[v]), -v)
            if best_key is None or key > best_key:
                best, best_key = v, key
        return best

    def extend() -> bool:
        nonlocal steps
        steps += 1
        if steps > nodes or (deadline is not None and time.perf_counter() > deadline):
            raise _Undecided
        v = pick()
        if v is None:
            return True
        used = {colour[u] for u in adj[v] if u in colour}
        tried_fresh: set[int] = set()  # the caps of the empty colours tried
        for c in range(colours):
            if c in used or counts[c] >= caps[c]:
                continue
            if counts[c] == 0:
                if caps[c] in tried_fresh:
                    continue
                tried_fresh.add(caps[c])
            colour[v] = c
            counts[c] += 1
            if extend():
                return True
            del colour[v]
            counts[c] -= 1
        return False

    if len(vertices) > 500:  # deeper than a plain recursion should go: not decided here
        return None
    try:
        return extend()
    except _Undecided:
        return None
