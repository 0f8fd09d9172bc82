"""Demo auctions over the months of price history (AUC-1, SUP-3): the demo purchaser runs a few live
reverse auctions for standard products; the two demo suppliers bid them down from a ceiling near
the day's listed price; the clock awards the lowest bid, and the award's order is shipped,
delivered and accepted — each step through the services, at the time it happened (``backdated``).
So a new user finds awarded auctions with their bid history, and price monitors find what awards
paid beside what listings asked.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auction import bidding, closing, drafting, eligibility
from auction.models import Auction
from catalog.categories.models import Category, StandardProduct
from catalog.demo_steps.common import backdated, supplier_actor
from catalog.demo_steps.price_plan import HISTORY_DAYS, working_time
from catalog.listings.models import Listing
from catalog.prices.service import price_history
from core import clock
from core.accounts.auth import Actor, actor_for
from core.accounts.models import Organisation, User
from core.accounts.roles import OrgKind, Role
from core.money import cny
from mall.demo import LINES
from mall.demo_orders import line_for, ship_deliver_accept
from mall.orders.models import Order

#: Days back of each demo auction (spread over the history, the last a month ago).
DAYS_BACK = (150, 115, 75, 35)
#: The lot: at most this much at the ceiling, between these quantities; paid from the demo line
#: 办公设备及耗材 (``mall.demo.LINES``), which the demo's other purchases leave alone.
LOT_LIMIT = Decimal("45000")
QUANTITIES = (5, 40)


def _users(session: Session, kind: str, role: str) -> list[Actor]:
    users = session.scalars(
        select(User)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(Organisation.kind == kind)
        .order_by(User.id)
    ).all()
    return [actor_for(user, "system") for user in users if role in user.roles]


def _ceiling(price: Decimal) -> Decimal:
    """A ceiling as purchasers set them: the listed price rounded up to whole tens."""
    return (price / 10).quantize(Decimal(1), rounding=ROUND_CEILING) * 10


def load(session: Session) -> list[str]:
    done = session.scalar(select(func.count()).select_from(Auction))
    if done:
        return [f"auctions: {done} already"]
    buyers = _users(session, OrgKind.PURCHASER, Role.PURCHASER)
    bidders = _users(session, OrgKind.SUPPLIER, Role.SUPPLIER)
    if not buyers or len(bidders) < 2:
        return ["auctions: none (no purchaser or fewer than two supplier users)"]
    buyer = buyers[0]
    rng = random.Random(20261207)
    candidates = _products(session, bidders)
    if not candidates:
        return ["auctions: none (no standard product both demo suppliers may bid for)"]
    now = clock.now()
    awarded = 0
    for number, back in enumerate(d for d in DAYS_BACK if d < HISTORY_DAYS):
        product, listings = candidates[number % len(candidates)]
        at = working_time(rng, now - timedelta(days=back))
        awarded += _run(session, rng, buyer, bidders, product, listings, at)
    return [f"auctions: {awarded} awarded over {HISTORY_DAYS // 30} months"]


def _products(
    session: Session, bidders: list[Actor]
) -> list[tuple[StandardProduct, list[Listing]]]:
    """Standard products of goods with listings bound to them that every demo bidder may bid for."""
    found = []
    products = session.scalars(
        select(StandardProduct)
        .join(Category, Category.id == StandardProduct.category_id)
        .where(Category.kind == "goods")
        .order_by(StandardProduct.id)
    ).all()
    for product in products:
        listings = session.scalars(
            select(Listing)
            .where(Listing.standard_product_id == product.id, Listing.status == "approved")
            .order_by(Listing.id)
        ).all()
        category = session.get(Category, product.category_id)
        if len(listings) < 2 or category is None:
            continue
        if all(
            eligibility.reason(session, b.organisation_id, category, False) is None  # type: ignore[arg-type]
            for b in bidders
        ):
            found.append((product, list(listings)))
    return found


def _run(
    session: Session,
    rng: random.Random,
    buyer: Actor,
    bidders: list[Actor],
    product: StandardProduct,
    listings: list[Listing],
    at: datetime,
) -> bool:
    """One auction for ``product`` published at ``at``, bid down the next day and awarded; its
    order delivered and accepted. False when the day's prices or the rules leave nothing to run."""
    history = price_history(session, [x.id for x in listings])
    prices = [
        history[x.id][1][bisect_right(history[x.id][0], at) - 1]
        for x in listings
        if history[x.id][0] and history[x.id][0][0] <= at
    ]
    if not prices:
        return False
    listed = cny(Decimal(median(prices)))
    ceiling = _ceiling(listed)
    quantity = max(QUANTITIES[0], min(QUANTITIES[1], int(LOT_LIMIT / ceiling)))
    category = session.get(Category, product.category_id)
    assert category is not None
    sme_only = eligibility.sme_reserved(category, ceiling * quantity)
    able = [
        b
        for b in bidders
        if eligibility.reason(session, b.organisation_id, category, sme_only) is None  # type: ignore[arg-type]
    ][:2]
    if len(able) < 2:
        return False
    unit = session.get(Organisation, buyer.organisation_id)
    assert unit is not None
    starts = (at + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    ends = starts + timedelta(minutes=30)
    with backdated(at):
        line = line_for(session, unit, LINES[1])
        auction = drafting.create(
            session,
            buyer,
            {
                "title": f"{product.name_zh} {quantity} {_unit(category)}网上竞价",
                "title_en": f"Reverse auction: {product.name_en or product.code} × {quantity}",
                "category_id": category.id,
                "standard_product_id": product.id,
                "required_params": dict(product.params or {}),
                "quantity": quantity,
                "unit": _unit(category),
                "delivery_region_id": unit.region_id,
                "delivery_address": f"{unit.name_zh} 办公室",
                "delivery_date": clock.local(at + timedelta(days=14)).date(),
                "contact_name": "张采购",
                "contact_phone": "0471-6612345",
                "budget_line_id": line.id,
                "ceiling": ceiling,
                "show_ceiling": True,
                "decrement_mode": "absolute",
                "decrement_value": Decimal("10.00"),
                "must_beat": "best",
                "snipe_window_seconds": 60,
                "extension_seconds": 120,
                "max_extensions": 5,
                "visibility": "best",
                "min_bidders": 2,
                "starts_at": starts,
                "ends_at": ends,
            },
        )
        drafting.publish(session, buyer, auction.id)
    with backdated(starts):
        closing.open_auction(session, auction.id)
    _bid_down(session, rng, able, auction.id, ceiling, starts)
    with backdated(ends + timedelta(seconds=1)):
        closed = closing.close(session, auction.id)
    if closed is None or closed.status != "awarded":
        return False
    return _deliver(session, rng, buyer, closed, ends)


def _unit(category: Category) -> str:
    return "台" if category.kind == "goods" else "项"


def _bid_down(
    session: Session,
    rng: random.Random,
    bidders: list[Actor],
    auction_id: int,
    ceiling: Decimal,
    starts: datetime,
) -> None:
    """The two bidders take turns, each 0.5–2 % under the best price, down to 6–10 % under the
    ceiling; one bid every minute or two."""
    floor = cny(ceiling * Decimal(1 - rng.uniform(0.06, 0.10)))
    best = ceiling
    at = starts + timedelta(minutes=rng.randint(1, 3))
    turn = rng.randrange(2)
    while True:
        price = cny(best * Decimal(1 - rng.uniform(0.005, 0.02)))
        price = min(price, best - Decimal("10.00"))
        if price < floor:
            return
        with backdated(at):
            outcome = bidding.place_bid(session, bidders[turn], auction_id, price)
        if not outcome.accepted:
            return
        best = price
        turn = 1 - turn
        at += timedelta(seconds=rng.randint(50, 130))


def _deliver(
    session: Session, rng: random.Random, buyer: Actor, auction: Auction, ends: datetime
) -> bool:
    """The award's order (confirmed with its contract at the close) shipped, delivered, accepted."""
    order = session.scalars(
        select(Order).where(Order.source == "auction", Order.source_id == auction.id)
    ).one()
    supplier = supplier_actor(session.get(Organisation, order.supplier_id))  # type: ignore[arg-type]
    ship_deliver_accept(
        session, rng, supplier, buyer, order.id, ends, (3, 6), "货物与竞价成交结果一致，验收合格。"
    )
    return True
