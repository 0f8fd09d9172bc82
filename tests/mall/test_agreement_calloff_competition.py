"""Framework agreements, stage two (第二阶段, MALL-8): call-offs by secondary competition (二次竞价).
A live reverse auction through the auction engine, open only to the agreement's active entrants;
each bidder's ceiling is Σ its own agreed unit price × the quantity called off, and a bid above it
is refused; the award becomes the order and contract through the call-off, at unit prices never
above the winner's agreed ones; a failed competition leaves the call-off unfilled and its funds
released. Every step is on the ledger."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from auction.models import Auction, AuctionInvitation
from core import clock
from mall.agreements.calloff_models import CallOff
from mall.agreements.models import Agreement, AgreementEntrant
from mall.budgets.models import BudgetLine
from mall.contracts.models import Contract
from mall.orders.models import Order
from tests.mall.agreements_floor import floor  # noqa: F401
from tests.mall.calloffs_floor import call_off, calloff_entries, counts, in_force

METHODS = ["direct", "secondary_competition", "rotation"]
#: Bidding from 11:00 to 12:00 on the agreement's second day (Hohhot time).
STARTS = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
ENDS = STARTS + timedelta(hours=1)
WINDOW = {"starts_at": STARTS.isoformat(), "ends_at": ENDS.isoformat()}


@pytest.fixture
def fa(floor, login):  # noqa: F811
    return in_force(floor, login, call_off_methods=METHODS)


def _line(session, line_id: int) -> BudgetLine:
    session.expire_all()
    return session.get(BudgetLine, line_id)


def _compete(fa, **over) -> dict:
    placed = call_off(fa, method="secondary_competition", **(WINDOW | over))
    assert placed.status_code == 201, placed.get_json()
    return placed.get_json()


def _bid(api, auction_id: int, price: str):
    return api.post(f"/api/auctions/{auction_id}/bids", json={"price": price})


def _tick(app) -> str:
    return app.test_cli_runner().invoke(args=["auction", "tick"]).output


def test_placing_a_secondary_competition(fa, session, login):
    """MALL-8 二次竞价: the call-off is competing in a published auction for the call-off as a
    whole; every active entrant is invited under its own ceiling, the engine's ceiling is the
    highest of them, and that is what the budget line holds."""
    calloff = _compete(fa)
    assert calloff["status"] == "competing"
    assert calloff["method"] == "secondary_competition"
    # North's agreed prices come to the most: 2 × 4900 + 1800.
    assert calloff["held"] == "11600.00"
    assert _line(session, fa.line).reserved == Decimal("11600.00")
    auction = session.get(Auction, calloff["auction_id"])
    assert (auction.status, auction.quantity, auction.unit, auction.calloff_id) == (
        "published",
        1,
        "批",
        calloff["id"],
    )
    assert auction.ceiling == Decimal("11600.00") and not auction.show_ceiling
    assert (auction.starts_at, auction.ends_at) == (STARTS, ENDS)
    ceilings = {
        i.supplier_id: i.ceiling
        for i in session.scalars(
            select(AuctionInvitation).where(AuctionInvitation.auction_id == auction.id)
        )
    }
    assert ceilings == {
        fa.entrants[0]["supplier_id"]: Decimal("11350.00"),
        fa.entrants[1]["supplier_id"]: Decimal("11500.00"),
        fa.entrants[2]["supplier_id"]: Decimal("11600.00"),
    }
    assert [e["_action"] for e in calloff_entries(session, calloff["id"])] == [
        "agreement.calloff_placed",
        "agreement.calloff_competing",
    ]
    # Each entrant sees its own ceiling, not the others'.
    state = fa.suppliers[0].get(f"/api/auctions/{auction.id}/state").get_json()
    assert state["ceiling"] is None
    assert state["mine"]["own_ceiling"] == "11350.00"
    # Another purchaser neither reads the call-off nor its auction, nor bids in it.
    seen = fa.hospital.get(f"/api/agreements/calloffs/{calloff['id']}")
    assert (seen.status_code, seen.get_json()["code"]) == (403, "other_organisation")
    room = fa.hospital.get(f"/api/auctions/{auction.id}")
    assert room.status_code == 403
    assert _bid(fa.hospital, auction.id, "10000.00").status_code == 403
    # The competition cannot be withdrawn as a plain auction.
    withdrawn = fa.purchaser.post(f"/api/auctions/{auction.id}/cancel", json={"reason": "不要了"})
    assert (withdrawn.status_code, withdrawn.get_json()["code"]) == (409, "calloff_auction")


def test_only_entrants_bid_each_under_its_own_ceiling(fa, session, app):
    """MALL-8: only the invited entrants bid; a bid above the bidder's own ceiling is refused
    (on the ledger like any refused bid) while the same price is within another's; a suspended
    entrant is refused at bid time. The lowest total wins; the order and its contract follow
    through the call-off at unit prices scaled from the winner's agreed ones, rounded down."""
    calloff = _compete(fa)
    auction_id = calloff["auction_id"]
    clock.freeze(STARTS + timedelta(minutes=5))
    office, it, north = fa.suppliers
    early = _bid(fa.west, auction_id, "11000.00")  # enrolled in the category, not an entrant
    assert (early.status_code, early.get_json()["code"]) == (409, "bid_not_invited")
    assert early.get_json()["message_zh"]
    over = _bid(office, auction_id, "11400.00")  # the office supplier's ceiling is 11350.00
    assert (over.status_code, over.get_json()["code"]) == (409, "bid_above_own_ceiling")
    assert over.get_json()["message"] and over.get_json()["message_zh"]
    assert _bid(north, auction_id, "11400.00").status_code == 201  # within North's 11600.00
    session.get(AgreementEntrant, fa.entrants[1]["id"]).status = "suspended"
    session.commit()
    refused = _bid(it, auction_id, "11000.00")
    assert (refused.status_code, refused.get_json()["code"]) == (409, "bid_entrant_not_active")
    won = _bid(office, auction_id, "11300.00")
    assert won.status_code == 201, won.get_json()
    clock.freeze(ENDS + timedelta(seconds=1))
    assert "closed 1" in _tick(app)

    session.expire_all()
    auction = session.get(Auction, auction_id)
    assert (auction.status, auction.winner_id) == ("awarded", fa.entrants[0]["supplier_id"])
    done = fa.purchaser.get(f"/api/agreements/calloffs/{calloff['id']}").get_json()
    assert done["status"] == "ordered"
    assert done["entrant_id"] == fa.entrants[0]["id"]
    # 11300 / 11350 of 4700.00 and 1950.00, rounded down: never above the agreed prices, and the
    # order never above the bid.
    assert [i["unit_price"] for i in done["items"]] == ["4679.29", "1941.40"]
    order = session.get(Order, done["order_id"])
    assert (order.source, order.source_id, order.total) == (
        "agreement",
        calloff["id"],
        Decimal("11299.98"),
    )
    assert order.supplier_id == fa.entrants[0]["supplier_id"]
    assert session.scalars(select(Contract).where(Contract.order_id == order.id)).one()
    assert _line(session, fa.line).reserved == Decimal("11299.98")
    assert [e["_action"] for e in calloff_entries(session, calloff["id"])] == [
        "agreement.calloff_placed",
        "agreement.calloff_competing",
        "agreement.calloff_awarded",
        "agreement.calloff_ordered",
    ]
    # The winner finds its order; the room names it as the winner.
    assert office.get(f"/api/mall/supplier/orders/{order.id}").status_code == 200


def test_a_failed_competition_leaves_the_call_off_unfilled(fa, session, app):
    """MALL-8: fewer than two bidders is no competition: the call-off is unfilled and the funds
    it held go back to the line."""
    calloff = _compete(fa)
    clock.freeze(STARTS + timedelta(minutes=5))
    assert _bid(fa.suppliers[2], calloff["auction_id"], "11000.00").status_code == 201
    clock.freeze(ENDS + timedelta(seconds=1))
    assert "closed 1" in _tick(app)
    done = fa.purchaser.get(f"/api/agreements/calloffs/{calloff['id']}").get_json()
    assert (done["status"], done["order_id"]) == ("unfilled", None)
    assert session.get(Auction, calloff["auction_id"]).status == "failed"
    assert _line(session, fa.line).reserved == Decimal("0.00")
    steps = calloff_entries(session, calloff["id"])
    assert steps[-1]["_action"] == "agreement.calloff_unfilled"


def test_refusals_write_nothing(fa, session):
    """MALL-8: at least three active entrants (``too_few_entrants``), a bidding window in the
    future and funds for the highest ceiling; a refusal writes nothing."""

    def refused(status: int, code: str, **over) -> None:
        before = counts(session)
        answer = call_off(fa, method="secondary_competition", **(WINDOW | over))
        body = answer.get_json()
        assert (answer.status_code, body.get("code")) == (status, code), body
        assert body["message"] and body["message_zh"]
        assert counts(session) == before
        assert session.scalar(select(Auction.id).where(Auction.calloff_id.is_not(None))) is None

    past = (clock.now() - timedelta(hours=1)).isoformat()
    refused(422, "validation_failed", starts_at=past)
    refused(422, "validation_failed", ends_at=(STARTS + timedelta(minutes=1)).isoformat())
    refused(409, "insufficient_funds", quantities=(30, 1))
    session.get(AgreementEntrant, fa.entrants[2]["id"]).status = "suspended"
    session.commit()
    refused(409, "too_few_entrants")
    session.get(Agreement, fa.agreement["id"]).call_off_methods = ["direct"]
    session.commit()
    refused(409, "method_not_allowed")
    assert session.scalar(select(CallOff.id)) is None
