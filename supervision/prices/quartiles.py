"""The quartile rules of the price statistics, as prozorro-catalog computes its price statistics
(``src/catalog/prices.py``): three samples or more take ``statistics.quantiles(data, n=4)`` with
its default method, ``exclusive`` (positions (n + 1)·p, linear interpolation between the closest
ranks, clamped to the first and last sample); one sample is all three quartiles; two samples give
the lower one as both the lower quartile and the median and the higher one as the upper quartile.

Prices are whole fen here, so the interpolation is done in integers — the same arithmetic as
``statistics.quantiles`` — and each quartile is rounded half up to the fen.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from core.money import cny

#: The upper fence of the anomaly rule: Q3 + 1.5 · IQR.
FENCE_FACTOR = Decimal("1.5")


def quartiles_fen(ordered: Sequence[int]) -> tuple[int, int, int]:
    """(Q1, median, Q3) in fen of ``ordered`` (sorted ascending, at least one price in fen)."""
    size = len(ordered)
    if size == 1:
        return ordered[0], ordered[0], ordered[0]
    if size == 2:
        return ordered[0], ordered[0], ordered[1]
    m = size + 1
    out = []
    for i in (1, 2, 3):
        j = min(max(i * m // 4, 1), size - 1)
        delta = i * m - j * 4
        numerator = ordered[j - 1] * (4 - delta) + ordered[j] * delta
        out.append((numerator + 2) // 4)  # numerator / 4, half up (prices are never negative)
    return out[0], out[1], out[2]


def quartiles(prices: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """(Q1, median, Q3) of CNY ``prices`` (any order), each to two places."""
    fen = sorted(int(cny(p) * 100) for p in prices)
    return tuple(Decimal(q).scaleb(-2) for q in quartiles_fen(fen))  # type: ignore[return-value]


def upper_fence(q1: Decimal, q3: Decimal) -> Decimal:
    """Q3 + 1.5 · (Q3 − Q1) of the published (two-place) quartiles, rounded half up to the fen;
    a price above it is an anomaly."""
    return cny(q3 + FENCE_FACTOR * (q3 - q1))
