"""Zero-repeat constructions from finite fields, and the line composition of a round.

For a commutative ring R of order n in which the chosen elements x_1..x_k differ pairwise by
units, round r puts the member of line i at position p at table p - r * x_i. Two members of
lines i != j at positions p, q meet exactly when r * (x_j - x_i) = q - p: once over the n rounds
r in R, never twice. R is GF(p^m) (k <= p^m) or a product of such fields (k <= the smallest
factor, MacNeish), with x_i = (i, i, ...). For n = 12 a stored difference matrix adds a design
for 4 lines, and the orthogonal arrays of ``mols.py`` (published squares and quasi-difference
matrices) add 10, 14, 18, 22, 26 and 30, the orders n = 2 (mod 4) no field covers, plus 12 and
15 with more lines. Each is a resolvable transversal design: k lines of n members over n rounds,
every member of one line meeting every member of another exactly once. Other n are left to the
local search; nothing here searches for squares at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from itertools import product

from .mols import orthogonal_array, stored_lines


def prime_power(q: int) -> tuple[int, int] | None:
    """(p, m) with q = p^m, or None."""
    if q < 2:
        return None
    p = 2
    while p * p <= q and q % p:
        p += 1
    if q % p:
        p = q
    m = 0
    while q % p == 0:
        q //= p
        m += 1
    return (p, m) if q == 1 else None


def prime_power_factors(n: int) -> list[int]:
    """n split into coprime prime powers, e.g. 12 -> [4, 3]."""
    factors = []
    p = 2
    while n > 1:
        if p * p > n:
            factors.append(n)
            break
        if n % p == 0:
            q = 1
            while n % p == 0:
                n //= p
                q *= p
            factors.append(q)
        p += 1
    return factors


def _poly_mod(a: list[int], mod: list[int], p: int) -> list[int]:
    a = a[:]
    m = len(mod) - 1
    while len(a) > m:
        lead = a[-1]
        if lead:
            shift = len(a) - 1 - m
            for i, c in enumerate(mod):
                a[shift + i] = (a[shift + i] - lead * c) % p
        a.pop()
    return a


def _irreducible(p: int, m: int) -> list[int]:
    """The first monic irreducible polynomial of degree m over GF(p), coefficients low to high."""
    for tail in product(range(p), repeat=m):
        poly = [*tail, 1]
        if poly[0] == 0:
            continue
        if all(
            any(_poly_mod(poly, [*low, 1], p))
            for d in range(1, m // 2 + 1)
            for low in product(range(p), repeat=d)
        ):
            return poly
    raise AssertionError("an irreducible polynomial exists for every degree")


@cache
def field(q: int) -> tuple[list[list[int]], list[list[int]]]:
    """Addition and multiplication tables of GF(q); element = base-p digits of the coefficients."""
    p, m = prime_power(q)  # type: ignore[misc]
    digits = [[(e // p**i) % p for i in range(m)] for e in range(q)]

    def encode(coeffs: list[int]) -> int:
        return sum(c * p**i for i, c in enumerate(coeffs))

    add = [
        [encode([(x + y) % p for x, y in zip(a, b, strict=True)]) for b in digits] for a in digits
    ]
    mod = _irreducible(p, m) if m > 1 else [0, 1]
    mul = []
    for a in digits:
        row = []
        for b in digits:
            prod = [0] * (2 * m - 1)
            for i, x in enumerate(a):
                for j, y in enumerate(b):
                    prod[i + j] = (prod[i + j] + x * y) % p
            row.append(encode(_poly_mod(prod, mod, p) if m > 1 else [prod[0] % p]))
        mul.append(row)
    return add, mul


def _z2z6_sub(x: int, y: int) -> int:
    """x - y in Z2 x Z6, the element 6a + b standing for (a, b)."""
    return 6 * ((x // 6 - y // 6) % 2) + (x % 6 - y % 6) % 6


# A (12, 5, 1) difference matrix over Z2 x Z6, found by a backtracking search: for any two rows,
# the differences column by column give every group element exactly once (a test checks it).
# It yields a resolvable transversal design for 4 lines of 12, which no field gives (12 = 4 * 3
# only covers 3 lines), and 48 teachers in quartets is a common school.
DIFFERENCE_MATRICES: dict[int, tuple[list[list[int]], Callable[[int, int], int]]] = {
    12: (
        [
            [0] * 12,
            [0, 1, 5, 9, 2, 7, 10, 6, 8, 3, 11, 4],
            [0, 4, 8, 10, 7, 11, 9, 1, 2, 5, 3, 6],
            [0, 6, 7, 1, 5, 4, 11, 8, 3, 2, 9, 10],
            [0, 11, 1, 8, 10, 2, 3, 9, 6, 4, 5, 7],
        ],
        _z2z6_sub,
    ),
}


def field_lines(n: int) -> int:
    """How many lines the finite-field (product) construction covers for n tables."""
    return min(prime_power_factors(n)) if n >= 2 else 0


def max_lines(n: int) -> int:
    """How many lines a construction covers for n tables (0 when n < 2)."""
    matrix = DIFFERENCE_MATRICES.get(n)
    return max(field_lines(n), len(matrix[0]) - 1 if matrix else 0, stored_lines(n))


@cache
def ring(n: int) -> tuple[list[list[int]], list[list[int]]]:
    """Subtraction and multiplication tables of the product of fields of order n."""
    factors = prime_power_factors(n)
    tables = [field(q) for q in factors]

    def split(e: int) -> list[int]:
        out = []
        for q in factors:
            out.append(e % q)
            e //= q
        return out

    def join(parts: list[int]) -> int:
        e, scale = 0, 1
        for q, v in zip(factors, parts, strict=True):
            e += v * scale
            scale *= q
        return e

    parts = [split(e) for e in range(n)]
    negs = []
    for add, _ in tables:
        negs.append([row.index(0) for row in add])
    sub = [
        [
            join([t[0][x][neg[y]] for t, neg, x, y in zip(tables, negs, a, b, strict=True)])
            for b in parts
        ]
        for a in parts
    ]
    mul = [
        [join([t[1][x][y] for t, x, y in zip(tables, a, b, strict=True)]) for b in parts]
        for a in parts
    ]
    return sub, mul


def design_tables(n: int, lines: int, rounds: list[int]) -> list[list[list[int]]] | None:
    """[round][line][position] -> table for the given design rounds, or None if not covered."""
    if lines > max_lines(n):
        return None
    if lines > field_lines(n):
        matrix = DIFFERENCE_MATRICES.get(n)
        if matrix and lines < len(matrix[0]):
            return _difference_matrix_tables(n, lines, rounds)
        return _stored_tables(n, lines, rounds)
    sub, mul = ring(n)
    xs = []
    for i in range(lines):
        e, scale = 0, 1
        for q in prime_power_factors(n):
            e += i * scale
            scale *= q
        xs.append(e)
    return [[[sub[p][mul[r][x]] for p in range(n)] for x in xs] for r in rounds]


def _difference_matrix_tables(n: int, lines: int, rounds: list[int]) -> list[list[list[int]]]:
    """Round x seats line i's member at position p at table c where D[i+1][c] + x = p.

    Two members of lines i and j (positions p, q) share a table when D[i+1][c] - D[j+1][c] =
    p - q, which holds for exactly one column c and then for exactly one round x.
    """
    matrix, sub = DIFFERENCE_MATRICES[n]
    inverse = []
    for row in matrix[1 : lines + 1]:
        column_of = [0] * n
        for c, value in enumerate(row):
            column_of[value] = c
        inverse.append(column_of)
    return [[[column_of[sub(p, x)] for p in range(n)] for column_of in inverse] for x in rounds]


def _stored_tables(n: int, lines: int, rounds: list[int]) -> list[list[list[int]]]:
    """From a stored OA: row (r, x_0, x_1, ...) seats member x_i of line i at table x_0 in round
    r. Any two columns hold every pair once: each member once per round, each table one member
    per line, two members of different lines together in exactly one round."""
    grid = [[[0] * n for _ in range(lines)] for _ in range(n)]
    for row in orthogonal_array(n):
        for i in range(lines):
            grid[row[0]][i][row[1 + i]] = row[1]
    return [grid[r] for r in rounds]
