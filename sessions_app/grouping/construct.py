"""Zero-repeat constructions from finite fields, and the line composition of a round.

For a commutative ring R of order n in which the chosen elements x_1..x_k differ pairwise by
units, round r puts the member of line i at position p at table p - r * x_i. Two members of
lines i != j at positions p, q meet exactly when r * (x_j - x_i) = q - p: once over the n rounds
r in R, never twice. R is GF(p^m) (k <= p^m) or a product of such fields (k <= the smallest
factor, MacNeish), with x_i = (i, i, ...). Stored difference matrices add designs for 4 lines
of 12, 5 lines of 21 and 7 lines of 24, and the orthogonal arrays of ``mols.py`` (published
squares and quasi-difference matrices) add 10, 14, 18, 22, 26 and 30, the orders n = 2 (mod 4)
no field covers, plus 12 and 15 with more lines. Each is a resolvable transversal design: k lines
of n members over n rounds, every member of one line meeting every member of another exactly
once. Other n are left to the local search; nothing here searches for squares at run time.
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


def _z21_sub(x: int, y: int) -> int:
    return (x - y) % 21


def _dm_21() -> list[list[int]]:
    """A (21,6,1) difference matrix over Z21: Handbook of Combinatorial Designs (2nd ed.,
    Colbourn and Dinitz), III.3.50, numbers as published in SageMath's design database
    (``src/sage/combinat/designs/database.py``, DM_21_6_1); every cyclic shift of five base
    columns, plus a zero column and a zero row. Rows here are the difference matrix's columns."""
    base = [
        [8, 17, 20, 2],
        [9, 16, 4, 15],
        [11, 5, 10, 6],
        [14, 1, 3, 13],
        [18, 19, 12, 7],
    ]
    columns = [[0] * 6]
    for five in zip(*base, strict=True):
        for shift in range(5):
            columns.append([*five[shift:], *five[:shift], 0])
    return [list(row) for row in zip(*columns, strict=True)]


def _z2z2z6(u: int, v: int, z: int) -> int:
    return (2 * u + v) * 6 + z


def _z2z2z6_sub(x: int, y: int) -> int:
    """x - y in Z2 x Z2 x Z6, the element (u, v, z) stored as (2u + v) * 6 + z."""
    (xa, xz), (ya, yz) = divmod(x, 6), divmod(y, 6)
    return (((xa >> 1) ^ (ya >> 1)) * 2 + ((xa & 1) ^ (ya & 1))) * 6 + (xz - yz) % 6


def _dm_24() -> list[list[int]]:
    """A (24,8,1) difference matrix over Z2 x Z2 x Z6: Handbook III.3.52, numbers as published
    in SageMath's design database (DM_24_8_1). A token "abcd" is the element (c, d, z) with
    z = a (mod 3) and z = b (mod 2); each base column also gives a shifted copy. Rows here are
    the difference matrix's columns."""
    text = (
        "0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 "
        "0000 0010 0100 0110 1000 1010 1100 1110 2000 2010 2100 2110 "
        "0000 0011 1001 2110 0111 2011 2111 1000 0100 1100 1101 2010 "
        "0000 1010 1011 2000 1101 2110 0001 0101 2100 2001 0111 1100 "
        "0000 0001 2010 1111 2111 2100 1101 0011 1010 2101 1000 0110 "
        "0000 1000 2001 1011 0100 1100 0110 2101 2111 0010 1111 2011 "
        "0000 1001 0111 2100 2000 0010 1110 2011 1100 1011 0101 2111 "
        "0000 1011 2101 0100 2110 1001 2000 0110 0101 1111 2011 1010"
    )
    tokens = text.split()
    z6 = {(x % 3, x % 2): x for x in range(6)}
    values = [_z2z2z6(int(c), int(d), z6[int(a), int(b)]) for a, b, c, d in tokens]
    rows = [values[i * 12 : (i + 1) * 12] for i in range(8)]
    # the shift added to column j of the copy: (j // 2 % 2, j % 2, 0 or 3)
    shifts = [_z2z2z6(j // 2 % 2, j % 2, 3 * (j // 4)) for j in range(8)]
    columns = []
    for column in zip(*rows, strict=True):
        columns.append(list(column))
        columns.append(
            [_z2z2z6_sub(x, _z2z2z6_sub(0, s)) for x, s in zip(column, shifts, strict=True)]
        )
    return [list(row) for row in zip(*columns, strict=True)]


# (21,6,1) and (24,8,1) difference matrices: 5 lines of 21 and 7 lines of 24, where the fields
# give only 3 (21 = 3 * 7, 24 = 8 * 3): quartets of 21 and 24 tables get a design too.
DIFFERENCE_MATRICES[21] = (_dm_21(), _z21_sub)
DIFFERENCE_MATRICES[24] = (_dm_24(), _z2z2z6_sub)


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
    if factors == [n] and prime_power(n) == (n, 1):
        # a prime: the integers mod n, without the digit arithmetic of the general case
        return (
            [[(a - b) % n for b in range(n)] for a in range(n)],
            [[a * b % n for b in range(n)] for a in range(n)],
        )
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
