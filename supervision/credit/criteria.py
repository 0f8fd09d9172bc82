"""信用互评的评价指标 (SUP-4): what each side of a closed order rates the other on, scored 1–5.

They belong to the credit evaluation: the mall validates ratings against them, and the credit record
names them. Keyed by the side of the *rater*.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

MIN_SCORE, MAX_SCORE = 1, 5
HUNDREDTH = Decimal("0.01")

#: rater's side → (criterion code, 中文, English), in display order
CRITERIA: dict[str, tuple[tuple[str, str, str], ...]] = {
    # the purchaser rates the supplier
    "purchaser": (
        ("quality", "商品质量", "Quality"),
        ("delivery", "交付及时", "Delivery on time"),
        ("service", "服务态度", "Service"),
        ("integrity", "履约诚信", "Contract integrity"),
    ),
    # the supplier rates the purchaser
    "supplier": (
        ("acceptance", "验收及时", "Timely acceptance"),
        ("payment", "付款及时", "Timely payment"),
        ("cooperation", "配合程度", "Cooperation"),
    ),
}
SIDES = tuple(CRITERIA)
#: criterion code → (中文, English), for every side
CRITERION_NAMES: dict[str, tuple[str, str]] = {
    code: (zh, en) for criteria in CRITERIA.values() for code, zh, en in criteria
}
#: the kind of organisation that rates from each side, as the public record names it
RATER_KINDS: dict[str, tuple[str, str]] = {
    "purchaser": ("采购单位", "Purchaser unit"),
    "supplier": ("供应商", "Supplier"),
}


def codes(side: str) -> tuple[str, ...]:
    return tuple(code for code, _, _ in CRITERIA[side])


def mean(values: list[Fraction]) -> Decimal | None:
    """The exact mean, rounded half up to two places (never through a float); None when empty."""
    if not values:
        return None
    exact = sum(values, Fraction(0)) / len(values)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        HUNDREDTH, rounding=ROUND_HALF_UP
    )


def overall(scores: dict[str, int]) -> Decimal:
    """A rating's overall score: the mean of its criteria."""
    result = mean([Fraction(score) for score in scores.values()])
    assert result is not None, "a rating has at least one criterion"
    return result
