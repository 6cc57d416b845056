"""How figures are shown: one rule for every percentage beside its counts."""

from __future__ import annotations


def whole_percent(part: int, whole: int) -> int | None:
    """`part` of `whole` in whole percent, rounded half up, as the figures beside it read.

    Never 0 % when some did, never 100 % when not all did: "1 of 663 pairs (0 %)" or "199 of
    200 (100 %)" would contradict the numbers next to them. None when there is no whole.
    """
    if not whole:
        return None
    percent = (200 * part + whole) // (2 * whole)
    if 0 < part < whole:
        return min(max(percent, 1), 99)
    return percent
