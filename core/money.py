"""Money is Decimal CNY with two places, never float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
#: Amounts below this (12 digits before the point) are accepted from outside.
AMOUNT_LIMIT = 10**12
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,2})?", re.ASCII)


class AmountError(ValueError):
    """Not an amount as accepted from outside; ``reason`` is "invalid", "negative" or "too_large"."""

    def __init__(self, reason: str, value: object) -> None:
        super().__init__(f"{reason}: {value!r}")
        self.reason = reason


def parse_amount(value: object) -> Decimal:
    """An amount from outside the system (a request body, a socket message), read strictly: a
    string of ASCII digits with at most two decimal places ("1999", "1999.5", "1999.00") or a
    whole number (``int``), at least zero and below ``AMOUNT_LIMIT``. Exponents, NaN, Infinity,
    signs, spaces, non-ASCII digits, floats and booleans raise ``AmountError``."""
    if isinstance(value, bool):
        raise AmountError("invalid", value)
    if isinstance(value, int):
        if value < 0:
            raise AmountError("negative", value)
        if value >= AMOUNT_LIMIT:
            raise AmountError("too_large", value)
        return cny(value)
    if not isinstance(value, str):
        raise AmountError("invalid", value)
    if _PLAIN_AMOUNT.fullmatch(value):
        return cny(value)
    if value.startswith("-") and _PLAIN_AMOUNT.fullmatch(value[1:]):
        raise AmountError("negative", value)
    raise AmountError("invalid", value)


def cny(value: Decimal | int | str) -> Decimal:
    """Convert to a two-place Decimal amount. Floats are refused: they are not exact."""
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a Decimal, int or str")
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError):
        raise ValueError(f"not an amount: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_fen(amount: Decimal) -> int:
    return int(cny(amount) * 100)


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)
