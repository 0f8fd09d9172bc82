"""Money is Decimal with two places; canonical JSON; the movable clock."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core import canonical, clock
from core.money import AmountError, cny, from_fen, parse_amount, to_fen


def test_money_is_two_place_decimal_and_refuses_float():
    assert cny("12.345") == Decimal("12.35")
    assert cny(3) == Decimal("3.00")
    assert to_fen(Decimal("1999.99")) == 199999
    assert from_fen(199999) == Decimal("1999.99")
    with pytest.raises(TypeError):
        cny(0.1)
    with pytest.raises(ValueError):
        cny("abc")
    with pytest.raises(ValueError):
        cny("NaN")


def test_amounts_from_outside_are_plain_digits_with_two_places_at_most():
    """Requests and socket messages: no exponent, sign, padding, non-ASCII digit or float."""
    assert parse_amount("1999.5") == Decimal("1999.50")
    assert parse_amount("0") == Decimal("0.00")
    assert parse_amount(42) == Decimal("42.00")
    for bad in ("１２３", " 5.00", "1e3", "1E-2", "NaN", "Infinity", "5.", "1.005", "", 9.99, True):
        with pytest.raises(AmountError) as refused:
            parse_amount(bad)
        assert refused.value.reason == "invalid"
    for bad in ("-5.00", -1):
        with pytest.raises(AmountError) as refused:
            parse_amount(bad)
        assert refused.value.reason == "negative"
    with pytest.raises(AmountError) as refused:
        parse_amount(10**12)
    assert refused.value.reason == "too_large"
    assert parse_amount("999999999999.99") == Decimal("999999999999.99")
    with pytest.raises(AmountError):
        parse_amount("1000000000000")


def test_canonical_json_is_stable():
    at = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    a = canonical.dumps({"b": Decimal("1.50"), "a": at, "c": ["采购", 1]})
    b = canonical.dumps({"c": ["采购", 1], "a": at, "b": Decimal("1.50")})
    assert a == b == '{"a":"2026-11-23T08:00:00.000000Z","b":"1.50","c":["采购",1]}'


def test_clock_can_be_frozen_and_moved():
    at = datetime(2026, 1, 1, tzinfo=UTC)
    clock.freeze(at)
    try:
        assert clock.now() == at
        clock.advance(timedelta(minutes=5))
        assert clock.now() == at + timedelta(minutes=5)
        assert clock.local(clock.now()).hour == 8  # shown in Asia/Shanghai
    finally:
        clock.unfreeze()
    assert clock.now() > at
