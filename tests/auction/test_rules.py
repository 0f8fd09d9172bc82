"""The reverse-auction rule matrix (AUC-1, AUC-3, MALL-7): opening and closing times, the ceiling,
the minimum decrement in both modes against the best or the bidder's own price, anti-sniping
extensions, and ranking with ties to the earlier bid."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from auction import rules
from auction.rules import Offer, Terms

START = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
END = START + timedelta(minutes=30)
D = Decimal


def _terms(**over) -> Terms:
    base = Terms(
        starts_at=START,
        ends_at=END,
        ceiling=D("5000.00"),
        decrement_mode="absolute",
        decrement_value=D("10.00"),
        must_beat="best",
        snipe_window=timedelta(minutes=2),
        extension=timedelta(minutes=3),
        max_extensions=2,
    )
    return replace(base, **over)


MID = START + timedelta(minutes=10)


@pytest.mark.parametrize(
    ("now", "code"),
    [
        (START - timedelta(seconds=1), "not_open"),
        (START, None),
        (END - timedelta(microseconds=1), None),
        (END, "closed"),
        (END + timedelta(hours=1), "closed"),
    ],
)
def test_bids_only_while_open(now, code):
    assert rules.rejection(_terms(), D("4000.00"), now, None, None) == code


@pytest.mark.parametrize(
    ("price", "code"),
    [
        ("5000.00", None),  # at the ceiling
        ("5000.01", "above_ceiling"),
        ("0.00", "bad_price"),
        ("-1.00", "bad_price"),
        ("4999.999", "bad_price"),
    ],
)
def test_first_bid_against_the_ceiling(price, code):
    assert rules.rejection(_terms(), D(price), MID, None, None) == code


@pytest.mark.parametrize(
    ("price", "code"), [("4890.00", None), ("4890.01", "decrement"), ("4900.00", "decrement")]
)
def test_absolute_decrement_below_the_best_price(price, code):
    assert rules.rejection(_terms(), D(price), MID, D("4900.00"), None) == code


def test_percentage_decrement_rounds_up_to_the_cent():
    terms = _terms(decrement_mode="percent", decrement_value=D("0.5"))
    # 0.5 % of 4321.00 is 21.605 → 21.61
    assert rules.decrement(terms, D("4321.00")) == D("21.61")
    assert rules.highest_allowed(terms, D("4321.00"), None) == D("4299.39")
    assert rules.rejection(terms, D("4299.39"), MID, D("4321.00"), None) is None
    assert rules.rejection(terms, D("4299.40"), MID, D("4321.00"), None) == "decrement"


def test_beating_only_the_own_previous_bid():
    terms = _terms(must_beat="own")
    # Another supplier's best is 4000.00; this bidder's own last bid was 4500.00.
    assert rules.rejection(terms, D("4490.00"), MID, D("4000.00"), D("4500.00")) is None
    assert rules.rejection(terms, D("4495.00"), MID, D("4000.00"), D("4500.00")) == "decrement"
    # Its first bid needs only the ceiling.
    assert rules.rejection(terms, D("5000.00"), MID, D("4000.00"), None) is None


@pytest.mark.parametrize(
    ("mode", "value", "ok"),
    [
        ("percent", "0.5", True),
        ("percent", "3", True),
        ("percent", "0.49", False),
        ("percent", "3.01", False),
        ("absolute", "0.01", True),
        ("absolute", "0", False),
        ("absolute", "0.001", False),
        ("other", "1", False),
    ],
)
def test_decrement_terms_are_bounded(mode, value, ok):
    assert (rules.check_decrement_terms(mode, D(value)) is None) is ok


def test_a_late_bid_extends_the_end_a_bounded_number_of_times():
    terms = _terms()
    early = END - timedelta(minutes=5)
    assert rules.extended_end(terms, early) is None
    late = END - timedelta(seconds=30)
    assert rules.extended_end(terms, late) == late + timedelta(minutes=3)
    used_up = replace(terms, extensions_used=2)
    assert rules.extended_end(used_up, late) is None
    # A short extension never moves the end earlier.
    short = replace(terms, extension=timedelta(seconds=10))
    assert rules.extended_end(short, late) == END


def test_ranking_takes_each_suppliers_best_and_breaks_ties_by_time():
    t = START + timedelta(minutes=1)
    offers = [
        Offer(1, supplier_id=7, price=D("4800.00"), placed_at=t),
        Offer(2, supplier_id=8, price=D("4700.00"), placed_at=t + timedelta(seconds=5)),
        Offer(3, supplier_id=9, price=D("4700.00"), placed_at=t + timedelta(seconds=4)),
        Offer(4, supplier_id=7, price=D("4750.00"), placed_at=t + timedelta(seconds=9)),
    ]
    ranked = rules.ranking(offers)
    assert [o.bid_id for o in ranked] == [3, 2, 4]
    assert rules.rank_of(ranked, 7) == 3 and rules.rank_of(ranked, 10) is None
    assert rules.lot_total(D("4700.00"), 30) == D("141000.00")
