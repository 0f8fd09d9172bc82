"""The server's clock closes auctions (AUC-1, AUC-3, MALL-3, MALL-4): on time, exactly once, with the
lowest compliant bid awarded (ties to the earlier bid) or the auction failed with its reason; an
award becomes a confirmed order with its contract through the buying path, the unused funds are
released, and the audit document's hash is on the ledger."""

import hashlib
import json
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from auction.models import Auction
from core import clock
from mall.budgets.models import BudgetLine
from mall.orders.models import Order
from supervision.ledger.models import LedgerEntry
from tests.auction.conftest import bid, open_now, published
from tests.mall.conftest import advance


def _tick(app) -> str:
    return app.test_cli_runner().invoke(args=["auction", "tick"]).output


def _after_end(auction, extra=timedelta(seconds=1)):
    """Move the clock past the auction's scheduled end."""
    clock.freeze(datetime.fromisoformat(auction["ends_at"]) + extra)


def _line(session, line_id) -> BudgetLine:
    session.expire_all()
    return session.get(BudgetLine, line_id)


def _last(session, auction_id, action):
    session.expire_all()
    entry = session.scalars(
        select(LedgerEntry)
        .where(
            LedgerEntry.subject_type == "auction",
            LedgerEntry.subject_id == str(auction_id),
            LedgerEntry.action == action,
        )
        .order_by(LedgerEntry.seq.desc())
    ).first()
    return json.loads(entry.payload) if entry else None


def test_the_clock_opens_and_awards_the_lowest_bid(floor, session, app):
    auction = published(floor, ceiling="4000.00", quantity=600)  # 2,400,000 held
    aid = auction["id"]
    open_now(auction)
    assert "opened 1, closed 0" in _tick(app)
    assert "opened 0, closed 0" in _tick(app)
    assert bid(floor.office, aid, "3990.00").status_code == 201
    clock.advance(timedelta(minutes=1))
    assert bid(floor.supplier, aid, "3950.00").status_code == 201
    clock.advance(timedelta(minutes=27))
    assert "closed 0" in _tick(app)  # not yet

    _after_end(auction)
    assert "opened 0, closed 1" in _tick(app)
    assert "closed 0" in _tick(app)  # exactly once

    session.expire_all()
    row = session.get(Auction, aid)
    assert row.status == "awarded" and row.winner_id == floor.cat.supplier_it
    assert hashlib.sha256(row.audit_document.encode()).hexdigest() == row.audit_sha256
    document = json.loads(row.audit_document)
    assert [b["price"] for b in document["bids"]] == ["3990.00", "3950.00"]
    assert document["result"]["total"] == "2370000.00"
    awarded = _last(session, aid, "auction.awarded")
    assert awarded["audit_sha256"] == row.audit_sha256

    (order,) = session.scalars(select(Order).where(Order.source_id == aid)).all()
    assert (order.source, order.status, order.total) == (
        "auction",
        "confirmed",
        Decimal("2370000.00"),
    )
    assert order.supplier_id == floor.cat.supplier_it and order.items[0].listing_id is None
    line = _line(session, floor.line)
    assert line.reserved == Decimal("2370000.00")  # the rest of the 2,400,000 is free again

    # Names are revealed after the award.
    state = floor.office.get(f"/api/auctions/{aid}/state").get_json()
    assert state["status"] == "awarded" and state["ladder"] is None
    watched = floor.purchaser.get(f"/api/auctions/{aid}/state").get_json()
    assert watched["ladder"][0]["supplier_id"] == floor.cat.supplier_it
    assert [row["name"] for row in watched["ladder"]] == [
        "内蒙古草原信息技术有限公司",
        "包头市办公用品有限公司",
    ]
    assert floor.supplier.get(f"/api/auctions/{aid}/state").get_json()["mine"]["won"] is True

    # From here it is an order like any other: contract, acceptance, payment, closing.
    body = floor.purchaser.get(f"/api/mall/orders/{order.id}").get_json()
    assert body["contract_id"] is not None and body["source"] == "auction"
    contract = floor.purchaser.get(f"/api/mall/contracts/{body['contract_id']}").get_json()
    assert contract["terms"]["title_zh"] == "政府采购合同（电子卖场网上竞价）"
    advance(floor, order.id, "closed")
    line = _line(session, floor.line)
    assert (line.reserved, line.consumed) == (Decimal("0.00"), Decimal("2370000.00"))


def test_too_few_bidders_fail_the_auction_and_release_the_funds(floor, session, app):
    auction = published(floor, min_bidders=2)
    open_now(auction)
    assert bid(floor.supplier, auction["id"], "4990.00").status_code == 201
    _after_end(auction)
    assert "closed 1" in _tick(app)
    session.expire_all()
    row = session.get(Auction, auction["id"])
    assert row.status == "failed" and "流标" in row.failure_reason
    assert row.failure_reason == "有效报价供应商 1 家，少于最低要求的 2 家，流标。"
    assert _line(session, floor.line).reserved == Decimal("0.00")
    assert _last(session, auction["id"], "auction.failed")["reason"] == row.failure_reason
    assert session.scalars(select(Order).where(Order.source_id == auction["id"])).all() == []
    late = bid(floor.supplier, auction["id"], "4000.00")
    assert late.status_code == 409 and late.get_json()["code"] == "bid_closed"


def test_a_tie_goes_to_the_earlier_bid(floor, session, app):
    """MALL-7: equal evaluated prices go to the earlier bid (the small supplier's 4,000.00 is
    evaluated at 3,600.00 in this lot above the SME reservation)."""
    auction = published(floor, must_beat="own", ceiling="4000.00", quantity=600)
    open_now(auction)
    assert bid(floor.office, auction["id"], "3600.00").status_code == 201
    clock.advance(timedelta(seconds=3))
    assert bid(floor.supplier, auction["id"], "4000.00").status_code == 201
    _after_end(auction)
    _tick(app)
    session.expire_all()
    assert session.get(Auction, auction["id"]).winner_id == floor.cat.supplier_office


def test_an_extended_auction_closes_at_its_new_end(floor, session, app):
    auction = published(floor, snipe_window_seconds=60, extension_seconds=120)
    open_now(auction, timedelta(minutes=29, seconds=50))
    assert bid(floor.supplier, auction["id"], "4990.00").status_code == 201
    _after_end(auction)
    assert "closed 0" in _tick(app)
    clock.advance(timedelta(minutes=2))
    assert "closed 1" in _tick(app)


def test_withdrawing_before_the_start_releases_the_funds(floor, session, login):
    auction = published(floor)
    other = login("purchaser.hospital")
    refused = other.post(f"/api/auctions/{auction['id']}/cancel", json={"reason": "误操作"})
    assert refused.status_code == 403
    done = floor.purchaser.post(
        f"/api/auctions/{auction['id']}/cancel", json={"reason": "需求变更"}
    )
    assert done.status_code == 200 and done.get_json()["status"] == "cancelled"
    assert _line(session, floor.line).reserved == Decimal("0.00")
    started = published(floor)
    open_now(started)
    late = floor.purchaser.post(
        f"/api/auctions/{started['id']}/cancel", json={"reason": "需求变更"}
    )
    assert late.status_code == 409 and late.get_json()["code"] == "already_open"
