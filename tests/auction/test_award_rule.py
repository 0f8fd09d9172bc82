"""The award rule shown to bidders is the rule the auction ranks and awards by (MALL-7, MALL-10):
outside purchases reserved for SMEs, small and micro enterprises' prices are evaluated with the
price deduction of ``mall.policy``; the lowest evaluated price wins, at its offered price; each
party sees the offered price, the deduction and the evaluated price side by side."""

import json
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from auction.models import Auction
from core import clock
from mall import policy
from mall.orders.models import Order
from tests.auction.conftest import bid, open_now, published


def _close(app, auction) -> None:
    clock.freeze(datetime.fromisoformat(auction["ends_at"]) + timedelta(seconds=1))
    assert "closed 1" in app.test_cli_runner().invoke(args=["auction", "tick"]).output


def test_a_non_sme_lowest_bid_loses_to_an_sme_bid_within_the_deduction(floor, session, app):
    # 600 × 4,000 = 2,400,000: above the SME reservation, so the deduction applies.
    auction = published(floor, ceiling="4000.00", quantity=600, visibility="ladder")
    aid = auction["id"]
    open_now(auction)
    assert bid(floor.office, aid, "3600.00").status_code == 201  # large: evaluated 3,600.00
    clock.advance(timedelta(seconds=5))
    # The small supplier's higher price is evaluated at 3,510.00, a decrement below 3,600.00.
    assert bid(floor.supplier, aid, "3900.00").status_code == 201
    # The large supplier's 3,600.00 stays the lowest price, but not the lowest evaluated price;
    # the rules let it bid only a decrement below 3,510.00 evaluated.
    own = floor.office.get(f"/api/auctions/{aid}/state").get_json()
    assert own["mine"]["rank"] == 2
    assert own["best_price"] == "3510.00" and own["mine"]["next_allowed"] == "3500.00"
    assert own["ladder"][0] | {"at": None} == {
        "rank": 1,
        "label": "供应商 2",
        "label_no": 2,
        "name": None,
        "supplier_id": None,
        "price": "3900.00",
        "deduction": "0.1",
        "evaluated_price": "3510.00",
        "at": None,
    }
    assert bid(floor.office, aid, "3505.00").status_code == 409
    _close(app, auction)

    session.expire_all()
    row = session.get(Auction, aid)
    assert row.status == "awarded" and row.winner_id == floor.cat.supplier_it
    (order,) = session.scalars(select(Order).where(Order.source_id == aid)).all()
    # The award is at the offered price, not the evaluated one.
    assert order.total == Decimal("3900.00") * 600
    document = json.loads(row.audit_document)
    assert document["ranking"][0] | {"at": None} == {
        "rank": 1,
        "supplier_id": floor.cat.supplier_it,
        "price": "3900.00",
        "deduction_bp": 1000,
        "evaluated_price": "3510.00",
        "at": None,
    }


def test_a_non_sme_bid_below_the_deduction_wins(floor, session, app):
    auction = published(floor, ceiling="4000.00", quantity=600)
    aid = auction["id"]
    open_now(auction)
    assert bid(floor.supplier, aid, "3900.00").status_code == 201  # evaluated 3,510.00
    clock.advance(timedelta(seconds=5))
    assert bid(floor.office, aid, "3500.00").status_code == 201
    state = floor.purchaser.get(f"/api/auctions/{aid}/state").get_json()
    assert [(r["price"], r["deduction"], r["evaluated_price"]) for r in state["ladder"]] == [
        ("3500.00", "0", "3500.00"),
        ("3900.00", "0.1", "3510.00"),
    ]
    _close(app, auction)
    session.expire_all()
    assert session.get(Auction, aid).winner_id == floor.cat.supplier_office


def test_no_deduction_in_an_auction_reserved_for_smes(floor, session):
    # 30 × 5,000 = 150,000: reserved for SMEs (MALL-10), where prices are not deducted.
    auction = published(floor)
    assert auction["sme_only"] is True
    open_now(auction)
    placed = bid(floor.supplier, auction["id"], "4900.00").get_json()["state"]
    assert placed["best_price"] == "4900.00"
    assert placed["mine"]["deduction"] == "0" and placed["mine"]["evaluated_price"] == "4900.00"


def test_the_deduction_comes_from_the_published_rule(app, floor, session):
    """The share the auction uses is the one ``mall.policy`` describes to bidders: change the
    setting and the ranking follows it."""
    app.config["MALL_SME_PRICE_DEDUCTION"] = "0.05"
    try:
        assert policy.describe(policy.settings(app.config))["sme_price_deduction"] == "0.05"
        auction = published(floor, ceiling="4000.00", quantity=600)
        open_now(auction)
        state = bid(floor.supplier, auction["id"], "3900.00").get_json()["state"]
        assert state["mine"]["deduction"] == "0.05"
        assert state["mine"]["evaluated_price"] == "3705.00"
    finally:
        app.config.pop("MALL_SME_PRICE_DEDUCTION", None)
