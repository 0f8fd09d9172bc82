"""``flask demo load`` leaves completed orders of standard products over the months of price history,
at the listing's price of the day, through the buying path with every step on the ledger; the price
monitors' curve of a standard product carries what was paid beside the list prices (SUP-3)."""

from bisect import bisect_right
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from auction import demo as auction_demo
from catalog import demo
from catalog.listings.models import Listing, PriceChange
from core import clock
from mall import demo_orders
from mall.orders.models import Order, OrderItem
from supervision.ledger import verify
from supervision.ledger.models import LedgerEntry


def _load(app):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["demo", "load"], catch_exceptions=False)


def _in_force(session, listing_ids):
    """Each listing's (times, prices) from its price history."""
    history = {i: ([], []) for i in listing_ids}
    for change in session.scalars(
        select(PriceChange)
        .where(PriceChange.listing_id.in_(listing_ids))
        .order_by(PriceChange.at, PriceChange.id)
    ):
        history[change.listing_id][0].append(change.at)
        history[change.listing_id][1].append(change.new_price)
    return history


def test_demo_orders_at_the_price_of_the_day(app, session, login, monkeypatch):
    monkeypatch.setattr(demo, "LISTINGS", 30)
    monkeypatch.setattr(auction_demo, "DAYS_BACK", ())  # the auctions are tested on their own
    result = _load(app)
    assert result.exit_code == 0, result.output
    assert "orders of standard products:" in result.output
    now = clock.now()
    rows = session.execute(
        select(OrderItem, Order, Listing)
        .join(Order, Order.id == OrderItem.order_id)
        .join(Listing, Listing.id == OrderItem.listing_id)
        .where(Listing.standard_product_id.is_not(None))
        .where(Order.note.is_(None))  # the warning desk's purchases are tested on their own
        .order_by(Order.id)
    ).all()
    assert demo_orders.ORDERS * 2 // 3 <= len(rows) <= demo_orders.ORDERS
    placed = [order.placed_at for _, order, _ in rows]
    assert max(placed) < now - timedelta(days=10)
    assert min(placed) < now - timedelta(days=90)  # spread over the months of history
    assert len({listing.standard_product_id for _, _, listing in rows}) >= 10

    # Every order is completed, at its listing's price in force that day, within the range the
    # product's listings asked that day.
    products = {listing.standard_product_id for _, _, listing in rows}
    siblings = session.scalars(
        select(Listing).where(Listing.standard_product_id.in_(products)).order_by(Listing.id)
    ).all()
    history = _in_force(session, [x.id for x in siblings])
    for item, order, listing in rows:
        # accepted, and most paid since (mall.demo_warnings)
        assert order.status in ("accepted", "paid") and order.source == "mall"
        assert order.confirmed_at < order.shipped_at < order.delivered_at < order.accepted_at < now
        times, prices = history[listing.id]
        assert item.unit_price == prices[bisect_right(times, order.placed_at) - 1]
        asked = [
            amounts[n - 1]
            for x in siblings
            if x.standard_product_id == listing.standard_product_id
            for times, amounts in [history[x.id]]
            if (n := bisect_right(times, order.placed_at)) > 0
        ]
        assert min(asked) <= item.unit_price <= max(asked)
        assert item.line_total == item.unit_price * item.quantity

    # Each step is on the ledger at the time it happened, and the chain holds.
    order_ids = [str(order.id) for _, order, _ in rows]
    entries = session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.subject_type == "order", LedgerEntry.subject_id.in_(order_ids)
        )
    ).all()
    actions = {(e.subject_id, e.action): e.at for e in entries}
    for _, order, _ in rows:
        assert actions[(str(order.id), "order.placed")] == order.placed_at
        assert actions[(str(order.id), "order.accepted")] == order.accepted_at
    assert verify(session).ok

    # The curve of a product bought carries what was paid, oldest first.
    _, order, listing = rows[0]
    product_id = listing.standard_product_id
    monitor = login("monitor")
    curve = monitor.get(f"/api/catalog/prices/standard-products/{product_id}/curve")
    assert curve.status_code == 200
    paid = curve.get_json()["paid"]
    bought = {(o.id, i.unit_price) for i, o, x in rows if x.standard_product_id == product_id}
    from_orders = [p for p in paid if p["source"] == "order"]  # the demo's auctions award too
    assert {(p["order_id"], Decimal(p["unit_price"])) for p in from_orders} == bought
    assert all(p["source_id"] is None for p in from_orders)
    assert [p["at"] for p in paid] == sorted(p["at"] for p in paid)
    # A product never bought has an empty series beside its list prices.
    unbought = session.scalar(
        select(Listing.standard_product_id)
        .where(Listing.standard_product_id.not_in(products))
        .order_by(Listing.id)
        .limit(1)
    )
    if unbought is not None:
        other = monitor.get(f"/api/catalog/prices/standard-products/{unbought}/curve").get_json()
        assert other["paid"] == [] and any(p["count"] for p in other["points"])
    # Purchasers and suppliers see neither.
    for username in ("purchaser", "supplier"):
        refused = login(username).get(f"/api/catalog/prices/standard-products/{product_id}/curve")
        assert refused.status_code == 403
        assert refused.get_json()["code"] == "monitor_only"

    # Loading again adds no orders.
    count = session.scalar(select(func.count()).select_from(Order))
    again = _load(app)
    assert again.exit_code == 0 and "already" in again.output
    assert session.scalar(select(func.count()).select_from(Order)) == count
