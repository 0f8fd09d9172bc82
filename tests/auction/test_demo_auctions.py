"""``flask demo load`` leaves live reverse auctions (AUC-1) run over the months of price history: the
demo purchaser's auctions for standard products, bid down by the two demo suppliers, awarded by the
clock to the lowest bid, their orders delivered and accepted — every step on the ledger when it
happened — so price monitors see what awards paid (SUP-3)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from auction import demo as auction_demo
from auction.models import Auction, AuctionBidder, Bid
from catalog import demo
from core import clock
from mall import demo_orders
from mall.orders.models import Order, OrderItem
from supervision.ledger import verify
from supervision.ledger.models import LedgerEntry


def _load(app):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["demo", "load"], catch_exceptions=False)


def test_demo_auctions_are_bid_down_awarded_and_delivered(app, session, login, monkeypatch):
    monkeypatch.setattr(demo, "LISTINGS", 30)
    monkeypatch.setattr(demo_orders, "ORDERS", 0)  # tested on their own; other budget lines
    result = _load(app)
    assert result.exit_code == 0, result.output
    assert "auctions: " in result.output
    now = clock.now()
    auctions = session.scalars(select(Auction).order_by(Auction.id)).all()
    assert len(auctions) == len(auction_demo.DAYS_BACK)
    assert min(a.starts_at for a in auctions) < now - timedelta(days=90)
    for auction in auctions:
        assert auction.status == "awarded" and auction.standard_product_id is not None
        assert auction.published_at < auction.starts_at < auction.closed_at < now
        bids = session.scalars(
            select(Bid).where(Bid.auction_id == auction.id).order_by(Bid.seq)
        ).all()
        bidders = session.scalars(
            select(AuctionBidder).where(AuctionBidder.auction_id == auction.id)
        ).all()
        assert len(bidders) >= 2 and len(bids) >= 3
        prices = [b.price for b in bids]
        assert prices == sorted(prices, reverse=True) and prices[0] < auction.ceiling
        assert all(auction.starts_at <= b.placed_at < auction.ends_at for b in bids)
        # Bid down a few per cent under the ceiling, no further than the demo lets them go.
        assert auction.ceiling * 90 / 100 <= auction.best_price < auction.ceiling
        assert auction.winner_id == bids[-1].supplier_id
        order = session.scalars(
            select(Order).where(Order.source == "auction", Order.source_id == auction.id)
        ).one()
        (item,) = session.scalars(select(OrderItem).where(OrderItem.order_id == order.id))
        assert order.status in ("accepted", "paid")  # paid since (mall.demo_warnings)
        assert order.supplier_id == auction.winner_id
        assert item.unit_price == auction.best_price and item.quantity == auction.quantity
        assert auction.closed_at <= order.placed_at < order.accepted_at < now
        actions = {
            e.action: e.at
            for e in session.scalars(
                select(LedgerEntry).where(
                    LedgerEntry.subject_type == "auction",
                    LedgerEntry.subject_id == str(auction.id),
                )
            )
        }
        assert actions["auction.published"] == auction.published_at
        assert actions["auction.awarded"] == auction.closed_at
    assert verify(session).ok

    # A monitor finds the awards on the curves of their standard products.
    monitor = login("monitor")
    auction = auctions[0]
    curve = monitor.get(
        f"/api/catalog/prices/standard-products/{auction.standard_product_id}/curve"
    ).get_json()
    awards = [p for p in curve["paid"] if p["source"] == "award"]
    assert [(p["source_id"], p["unit_price"]) for p in awards] == [
        (auction.id, f"{auction.best_price:.2f}")
    ]

    # Loading again runs none.
    again = _load(app)
    assert again.exit_code == 0 and "auctions: 4 already" in again.output
    assert session.scalar(select(func.count()).select_from(Auction)) == len(auctions)
