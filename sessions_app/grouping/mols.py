"""Stored orthogonal designs from published constructions (data only, verified by the tests).

Each entry gives an orthogonal array OA(m, n): n * n rows of m symbols 0..n-1 in which every
two columns hold every ordered pair of symbols exactly once. Column 0 serves as the round and
the other m - 1 columns as lines, so one OA(m, n) seats m - 1 lines of n members over n rounds
without a repeated encounter (the resolvable transversal design of the engine docs).

Sources (all as published in SageMath, ``src/sage/combinat/designs/database.py``, GPL; only the
numbers are used here, the expansion code is our own):

- order 10: two MOLS (Parker's order-10 pair as given by C. Lam, POLS10, via SageMath);
- order 12: five MOLS found by Brendan McKay;
- order 14: four MOLS shared by Ian Wanless (first proof of existence: D. T. Todorov, Four
  mutually orthogonal Latin squares of order 14, J. Combin. Des. 20 (2012) 363-367);
- order 15: four MOLS shared by Ian Wanless;
- order 18: three MOLS shared by Ian Wanless;
- orders 22, 26, 30: quasi-difference matrices of the Handbook of Combinatorial Designs (2nd ed.,
  Colbourn and Dinitz, 2007), III.3.51 (a (21,5;1,1;1)-QDM over Z21, OA(5,22)), III.3.53 (a
  (21,6;1,1;5)-QDM over Z21, OA(6,26)) and III.3.55 (a (25,6;1,1;5)-QDM over Z5 x Z5, OA(6,30)).
"""

from __future__ import annotations

from functools import cache

# Squares as strings: row i of square s is token i * count + s, symbols 'a'.. or digits.
_MOLS_10 = """
1890246357 1765098234
7289035461 8217609345
6138904572 9832170456
5724890613 0984321567
0613589724 2098543671
9072468135 4309865712
8901357246 6540987123
2345671890 3456712809
3456712089 5671234098
4567123908 7123456980
"""

_MOLS_12 = """
abcdefghijkl abcdefghijkl abcdefghijkl abcdefghijkl abcdefghijkl
badcfehgjilk ghefklijcdab dcbahgfelkji jilkbadcfehg klijcdabghef
cdabghefklij efghijklabcd lkjidcbahgfe ijklabcdefgh fehgjilkbadc
dcbahgfelkji cdabghefklij ghefklijcdab badcfehgjilk hgfelkjidcba
ijklabcdefgh klijcdabghef efghijklabcd fehgjilkbadc jilkbadcfehg
jilkbadcfehg fehgjilkbadc hgfelkjidcba dcbahgfelkji lkjidcbahgfe
klijcdabghef hgfelkjidcba jilkbadcfehg cdabghefklij dcbahgfelkji
lkjidcbahgfe ijklabcdefgh badcfehgjilk efghijklabcd ghefklijcdab
efghijklabcd jilkbadcfehg fehgjilkbadc lkjidcbahgfe cdabghefklij
fehgjilkbadc dcbahgfelkji cdabghefklij ghefklijcdab badcfehgjilk
ghefklijcdab badcfehgjilk klijcdabghef hgfelkjidcba ijklabcdefgh
hgfelkjidcba lkjidcbahgfe ijklabcdefgh klijcdabghef efghijklabcd
"""

_MOLS_14 = """
bjihgkecalnfmd  bfmcenidgjhalk  bcdefghijklmna  bcdefghijklmna
fckjbhledimagn  jcgndfalehkbim  gnkjdmiclbhaef  jflhnkaecmgdib
mgdlkcbafejnih  ikdhaegnmfblcj  lifhbjemkangcd  emkdjbgfnliahc
cnhemldbigfkaj  hjlebifkangcmd  dalmgnbjehcfik  anighmflkbdcej
edabfnmkcjhgli  gbkmfcjeliahdn  njcaeifhbdgkml  kebcajimdgfhln
nfeicgajldkbhm  khclngdafmjibe  mfbkcdlagnjihe  cgnflembihakjd
iagfjdhnkmelcb  elbdmahfignkjc  aemnhkjdcifblg  ilabkdnhfcjegm
dlnkeafimhcjbg  ceabkjnihdmgfl  hdnikbagmcelfj  ljgnihecbamfdk
gemalfihjnbdkc  adficlkmjbenhg  cgjflhnbiekdam  ndmabcjglfeikh
jhfnimgdbkacel  liegjdmhnkcfab  fkibmagenldhjc  mbhiefljadkncg
hkbgajnmeclidf  nmjfhkecbaldgi  imhlneckdfajgb  difjcnkamehgbl
ablchikgnfdmje  fankgbljdcimeh  klegafdnhjmcbi  ghckmlbdeinjaf
licmdbjfhagenk  mgialhcbkedjnf  jhadicmlfgbekn  fajlgidkhncbme
kmjdneclgbihfa  dnhjimbgclfeka  ebgcjlkfamindh  hkemdacngjblfi
"""

_MOLS_15 = """
bcdefghijklmnoa  bdgiknfcamehjlo  bhealiofmdjgcnk  blhcmdinejofakg
abcdefghijklmno  acehjlogdbnfikm  lcifbmjagnekhdo  hcmidnejofkagbl
oabcdefghijklmn  nbdfikmahecogjl  amdjgcnkbhoflie  midnjeofkaglbhc
noabcdefghijklm  mocegjlnbifdahk  fbnekhdolciagmj  dnjeokfaglbhmci
mnoabcdefghijkl  lnadfhkmocjgebi  kgcoflieamdjbhn  jeokfalgbhmcind
lmnoabcdefghijk  jmobegilnadkhfc  olhdagmjfbnekci  ekfalgbmhcindjo
klmnoabcdefghij  dknacfhjmobelig  jamiebhnkgcofld  aflgbmhcnidjoek
jklmnoabcdefghi  helobdgiknacfmj  ekbnjfciolhdagm  lbgmhcnidojekaf
ijklmnoabcdefgh  kifmacehjlobdgn  nflcokgdjamiebh  gmchnidojeakflb
hijklmnoabcdefg  oljgnbdfikmaceh  iogmdalhekbnjfc  chndiojeakfblgm
ghijklmnoabcdef  iamkhocegjlnbdf  djahnebmiflcokg  ndioejakfblgcmh
fghijklmnoabcde  gjbnliadfhkmoce  hekbiofcnjgmdal  ioejafkblgcmhdn
efghijklmnoabcd  fhkcomjbegilnad  miflcjagdokhneb  ojafkbglcmhdnie
defghijklmnoabc  egildankcfhjmob  cnjgmdkbhealiof  fakbglchmdnieoj
cdefghijklmnoab  cfhjmeboldgikna  gdokhnelcifbmja  kgblchmdineojfa
"""

_MOLS_18 = """
bgejhkmodcnarilpfq  beqpodgcflkrjahnim  bcdefghijklmnopqra
echfbilnprdokajmqg  gcfrqpehdnmlabkioj  rbkamfgdehqjinopcl
qfdigcjmohaeplkbnr  ehdgarqfibonmkcljp  mlbqhifgajdcrenopk
prgejhdbnaikfqmlco  jfiehkargqcponldmb  hijbcdefgqraklmnop
oqahfbiecpkjlgrnmd  hbgjfilkacrdqpomen  gderbkamfpclhqjino
dprkigcjfeqlbmhaon  kichbgjmlodaerqpnf  fgamlbqhiopkjdcren
geqaljhdbofrmcnikp  mljdichbngpekfarqo  efghijbcdnopqraklm
chfrkmbieqpgandojl  onmbejdicphqflgkar  amfgderbkinopclhqj
fdigalncjmrqhkoepb  dponcfbejaqirgmhlk  qhifgamlbrenopkjdc
lnbqcogpakmhdrifej  crhapeoqmkbgidnjfl  leqjponacbkidfgmhr
kmocrdphqblnieajgf  ndaikqfprmlchjeobg  kjmcrponhlbqeafgid
rlnpdaeqigcmojfkbh  aoekjlrgqhnmdibfpc  dqriklponajbcmhfge
jamoqekfrihdnpbglc  rkpflbmahdionejcgq  nacleqjpomhrbkidfg
abknprflgdjieoqchm  ialqgmcnkrejpofbdh  onhkjmcrpgidlbqeaf
hkcloqagmnebjfprdi  ljkmrhndoiafbqpgce  pondqriklfgeajbcmh
nildmprkhjofcbgqae  pmblnaioefjkgcrqhd  jponacleqdfgmhrbki
iojmenqalfbpgdchrk  fqncmokjpegblhdari  crponhkjmeafgidlbq
mjpbnforklgcqhedia  qgrodnplbjfhcmieka  iklpondqrcmhfgeajb
"""

SQUARES = {10: (2, _MOLS_10), 12: (5, _MOLS_12), 14: (4, _MOLS_14), 15: (4, _MOLS_15)}
SQUARES[18] = (3, _MOLS_18)


def _symbol(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("a")


def squares(n: int) -> list[list[list[int]]]:
    """The stored mutually orthogonal Latin squares of order n, as [square][row][column]."""
    count, text = SQUARES[n]
    out: list[list[list[int]]] = [[] for _ in range(count)]
    for i, token in enumerate(text.split()):
        out[i % count].append([_symbol(c) for c in token])
    return out


# Quasi-difference matrices: (group order, u, the rows of the QDM as group elements or None).
# A (g, m; 1, 1; u)-QDM has g - 1 + 2u + 1 rows of m entries; developed over the group (each
# row plus every group element, None standing for one of u fixed points) and completed with an
# OA(m, u) on those points it is an OA(m, g + u).


def _qdm_22() -> list[list[int | None]]:
    """Handbook III.3.51: a (21,5;1,1;1)-QDM over Z21 (multipliers 16 and 4 of order 3)."""
    base = [
        [1, 13, 18, 3, 16, 19, None],
        [16, 19, 1, 13, 18, 3, 0],
        [18, 3, 16, 19, 1, 13, 0],
        [6, 15, 6, 15, 6, 15, 0],
        [12, 9, 19, 16, 5, 2, 0],
    ]
    rows: list[list[int | None]] = [[0, 7, 14, None, 0], [0, 14, 7, 0, None]]
    for a, b, c, d, e in zip(*base, strict=True):
        assert b is not None
        assert c is not None
        assert d is not None
        assert e is not None
        rows.append([a, b, c, d, e])
        rows.append(
            [
                16 * c % 21,
                None if a is None else 16 * a % 21,
                16 * b % 21,
                (16 * d + 7) % 21,
                (16 * e + 14) % 21,
            ]
        )
        rows.append(
            [
                4 * b % 21,
                4 * c % 21,
                None if a is None else 4 * a % 21,
                (4 * d + 14) % 21,
                (4 * e + 7) % 21,
            ]
        )
    return rows


def _qdm_26() -> list[list[int | None]]:
    """Handbook III.3.53: a (21,6;1,1;5)-QDM over Z21 (every cyclic shift of five columns)."""
    base: list[list[int | None]] = [
        [None, None, None, None, None],
        [0, 0, 0, 0, 0],
        [1, 6, 7, 8, 14],
        [3, 11, 20, 18, 10],
        [6, 10, 14, 1, 5],
        [4, 19, 5, 12, 2],
    ]
    rows: list[list[int | None]] = [[0] * 6]
    for column in zip(*base, strict=True):
        for shift in range(6):
            rows.append(list(column[shift:] + column[:shift]))
    return rows


def _qdm_30() -> list[list[int | None]]:
    """Handbook III.3.55: a (25,6;1,1;5)-QDM over Z5 x Z5, element (x, y) stored as 5x + y."""
    base = [
        [(0, 0), None, (0, 0), (0, 0), (0, 0), (0, 0), (0, 0)],
        [(0, 0), (0, 0), None, (0, 4), (0, 2), (0, 3), (0, 1)],
        [(0, 0), (3, 1), (3, 0), None, (4, 0), (1, 0), (2, 0)],
        [(0, 0), (3, 0), (0, 2), (1, 2), None, (0, 1), (0, 3)],
        [(0, 0), (3, 3), (1, 2), (4, 2), (2, 0), None, (0, 4)],
        [(0, 0), (4, 2), (2, 4), (0, 3), (2, 3), (3, 2), None],
    ]
    shifts = [(1, 1), (2, 1), (1, 0), (4, 0), (3, 4), (4, 4)]  # per column, times i
    rows: list[list[int | None]] = []
    for column in zip(*base, strict=True):
        for i in range(5):
            row: list[int | None] = []
            for value, (sx, sy) in zip(column, shifts, strict=True):
                if value is None:
                    row.append(None)
                else:
                    row.append(5 * ((value[0] + i * sx) % 5) + (value[1] + i * sy) % 5)
            rows.append(row)
    return rows


def _z21(x: int, y: int) -> int:
    return (x + y) % 21


def _z5z5(x: int, y: int) -> int:
    return 5 * ((x // 5 + y // 5) % 5) + (x + y) % 5


QDMS = {22: (21, _z21, _qdm_22), 26: (21, _z21, _qdm_26), 30: (25, _z5z5, _qdm_30)}


def _field_oa(m: int, q: int) -> list[list[int]]:
    """OA(m, q) for a prime q and m <= q + 1: rows (a, b, a + b, a + 2b, ...)."""
    rows = []
    for a in range(q):
        for b in range(q):
            rows.append(([a, b] + [(a + s * b) % q for s in range(1, q)])[:m])
    return rows


def _oa_from_qdm(n: int) -> list[list[int]]:
    order, add, build = QDMS[n]
    qdm = build()
    m = len(qdm[0])
    u = n - order
    # None entries of each column become the fixed points order, order + 1, ... in turn
    nth = [0] * m
    rows = []
    for row in qdm:
        fixed = []
        for c, value in enumerate(row):
            if value is None:
                fixed.append(order + nth[c])
                nth[c] += 1
            else:
                fixed.append(-1)
        for g in range(order):
            rows.append(
                [fixed[c] if value is None else add(value, g) for c, value in enumerate(row)]
            )
    hole = [[0] * m] if u == 1 else _field_oa(m, u)
    rows += [[order + x for x in row] for row in hole]
    return rows


def stored_orders() -> list[int]:
    return sorted(set(SQUARES) | set(QDMS))


def stored_lines(n: int) -> int:
    """How many lines the stored design of order n seats (0 when none is stored)."""
    if n in SQUARES:
        return SQUARES[n][0] + 1
    if n in QDMS:
        return len(QDMS[n][2]()[0]) - 1
    return 0


@cache
def orthogonal_array(n: int) -> tuple[tuple[int, ...], ...]:
    """The stored OA(m, n) (m = stored_lines(n) + 1), rows sorted."""
    if n in SQUARES:
        sq = squares(n)
        rows = [[i, j] + [s[i][j] for s in sq] for i in range(n) for j in range(n)]
    else:
        rows = _oa_from_qdm(n)
    return tuple(sorted(tuple(r) for r in rows))
