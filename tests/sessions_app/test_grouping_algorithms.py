"""The engine's generic algorithms against brute-force oracles on small random inputs."""

import random
from itertools import combinations, permutations, product

import pytest

from sessions_app.grouping.algorithms import (
    FlowGraph,
    assignment,
    colourable,
    compose,
    find_clique,
    greedy_assignment,
    greedy_clique,
    max_coverage,
    min_cost_flow,
)


@pytest.mark.parametrize("seed", range(40))
def test_assignment_matches_brute_force(seed):
    rng = random.Random(seed)
    rows = rng.randint(1, 5)
    cols = rng.randint(rows, 6)
    cost = [[rng.randint(0, 20) for _ in range(cols)] for _ in range(rows)]

    chosen = assignment(cost)

    assert len(set(chosen)) == rows
    best = min(sum(cost[i][j] for i, j in enumerate(p)) for p in permutations(range(cols), rows))
    assert sum(cost[i][j] for i, j in enumerate(chosen)) == best


def test_greedy_assignment_takes_distinct_columns():
    assert greedy_assignment([[1, 0, 5], [0, 2, 9], [3, 1, 0]]) == [1, 0, 2]


def brute_coverage(supply, caps):
    """Every way to put each row's items in columns; most cells with at least one item."""
    best = -1
    columns = len(caps)
    per_row = []
    for s in supply:
        per_row.append([c for c in product(range(s + 1), repeat=columns) if sum(c) == s])
    for choice in product(*per_row):
        if all(sum(row[t] for row in choice) <= caps[t] for t in range(columns)):
            best = max(best, sum(1 for row in choice for x in row if x))
    return best


@pytest.mark.parametrize("seed", range(30))
def test_max_coverage_and_compose_match_brute_force(seed):
    rng = random.Random(seed)
    columns = rng.randint(1, 3)
    caps = [rng.randint(1, 3) for _ in range(columns)]
    total = sum(caps)
    rows = rng.randint(1, 3)
    cuts = sorted(rng.randint(0, total) for _ in range(rows - 1))
    supply = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]

    expected = brute_coverage(supply, caps)
    x = compose(supply, caps, None, list(range(columns)))

    assert max_coverage(supply, caps) == expected
    assert [sum(row) for row in x] == supply
    assert [sum(x[r][t] for r in range(rows)) for t in range(columns)] == caps
    assert sum(1 for row in x for v in row if v) == expected


def brute_flow(edges, nodes, source, sink):
    """Max flow, then min cost, by trying every integer flow on the (tiny) edge list."""
    best = None
    for flows in product(*[range(cap + 1) for _, _, cap, _ in edges]):
        balance = [0] * nodes
        for (u, v, _, _), f in zip(edges, flows, strict=True):
            balance[u] -= f
            balance[v] += f
        if any(balance[i] for i in range(nodes) if i not in (source, sink)):
            continue
        value = (balance[sink], -sum(f * c for (_, _, _, c), f in zip(edges, flows, strict=True)))
        if best is None or value > best:
            best = value
    return best[0], -best[1]


@pytest.mark.parametrize("seed", range(25))
def test_min_cost_flow_matches_brute_force(seed):
    rng = random.Random(seed)
    nodes = 4
    edges = []
    for _ in range(rng.randint(2, 6)):
        u, v = rng.sample(range(nodes), 2)
        edges.append((u, v, rng.randint(1, 2), rng.randint(0, 4)))
    graph = FlowGraph(nodes)
    for u, v, cap, cost in edges:
        graph.add(u, v, cap, cost)

    assert min_cost_flow(graph, 0, 3) == brute_flow(edges, nodes, 0, 3)


def brute_clique(adj):
    vertices = sorted(adj)
    for size in range(len(vertices), 0, -1):
        for group in combinations(vertices, size):
            if all(b in adj[a] for a, b in combinations(group, 2)):
                return size
    return 0


@pytest.mark.parametrize("seed", range(30))
def test_find_clique_matches_brute_force(seed):
    rng = random.Random(seed)
    adj = {v: set() for v in range(rng.randint(2, 9))}
    for a, b in combinations(sorted(adj), 2):
        if rng.random() < 0.5:
            adj[a].add(b)
            adj[b].add(a)
    largest = brute_clique(adj)

    assert len(greedy_clique(adj)) <= largest
    for size in range(1, len(adj) + 2):
        clique, certain = find_clique(adj, size)
        assert certain
        assert (clique is not None) == (size <= largest)
        if clique is not None:
            assert all(b in adj[a] for a, b in combinations(clique, 2))


def test_find_clique_gives_up_when_out_of_steps():
    """A dense graph, a clique size beyond the greedy one: two steps decide nothing."""
    rng = random.Random(3)
    adj = {v: set() for v in range(40)}
    for a, b in combinations(range(40), 2):
        if rng.random() < 0.6 and (a + b) % 7:
            adj[a].add(b)
            adj[b].add(a)

    assert find_clique(adj, 10, nodes=2) == (None, False)
    assert find_clique(adj, 10)[1] is True  # with enough steps it decides


def brute_colourable(adj, colours, cap) -> bool:
    vertices = sorted(adj)
    for choice in product(range(colours), repeat=len(vertices)):
        colour = dict(zip(vertices, choice, strict=True))
        if any(choice.count(c) > cap for c in range(colours)):
            continue
        if all(colour[a] != colour[b] for a in adj for b in adj[a]):
            return True
    return False


@pytest.mark.parametrize("seed", range(60))
def test_colourable_matches_brute_force(seed):
    rng = random.Random(seed)
    adj = {v: set() for v in range(rng.randint(1, 8))}
    for a, b in combinations(sorted(adj), 2):
        if rng.random() < 0.45:
            adj[a].add(b)
            adj[b].add(a)
    for colours in (1, 2, 3):
        for cap in range(1, len(adj) + 1):
            assert colourable(adj, colours, cap) == brute_colourable(adj, colours, cap)


def test_colourable_gives_up_when_out_of_steps():
    """Twelve people in a complete graph of apart pairs, eleven colours: undecided in 5 steps."""
    adj = {v: set(range(12)) - {v} for v in range(12)}
    assert colourable(adj, 11, 2, nodes=5) is None
    assert colourable(adj, 11, 2) is False
