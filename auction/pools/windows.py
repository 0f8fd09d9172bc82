"""The close of a volume purchase's demand window (AUC-2): the clock closes it once, under the
pool's row lock, and the pooled lot goes to a published reverse auction on the unit price on the
pool's bidding terms — or, with no demand, the pool fails."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from auction import announce, rules
from auction.drafting import announcement
from auction.journal import CLOCK, record_step
from auction.models import Auction
from auction.pools.models import Pool
from auction.terms import rules_of
from catalog.categories.models import Category
from core import clock
from mall import policy
from mall.locks import lock

#: Where a pool auction's lot is delivered: to each purchaser, as its demand says.
DELIVERY_EACH = "按各采购单位需求分别交货 / to each purchaser unit's own address"


def windows_due(session: Session, now: Any) -> list[int]:
    return list(
        session.scalars(
            select(Pool.id)
            .where(Pool.status == "open", Pool.closes_at <= now)
            .order_by(Pool.closes_at)
        )
    )


def close_window(session: Session, pool_id: int) -> Pool | None:
    """The clock closes the demand window, once (under the pool's row lock): the pooled lot goes to
    a published reverse auction on the unit price, or — with no demand — the pool fails. None if
    there was nothing to do."""
    pool = lock(session, Pool, pool_id)
    now = clock.now()
    if pool is None or pool.status != "open" or now < pool.closes_at:
        return None
    pool.status = "closed"
    pool.closed_at = pool.updated_at = now
    session.flush()
    record_step(
        session,
        CLOCK,
        "pool.closed",
        "pool",
        pool,
        quantity=pool.quantity,
        demand_count=pool.demand_count,
        closes_at=pool.closes_at,
    )
    if pool.demand_count == 0 or pool.quantity <= 0:
        pool.status = "failed"
        pool.failure_reason = "需求征集期内没有采购单位报送需求，流标。"
        session.flush()
        record_step(session, CLOCK, "pool.failed", "pool", pool, reason=pool.failure_reason)
        return pool
    auction = _auction_for(session, pool, now)
    pool.auction_id = auction.id
    pool.status = "auctioned"
    session.flush()
    record_step(
        session,
        CLOCK,
        "pool.auctioned",
        "pool",
        pool,
        auction_id=auction.id,
        auction_number=auction.number,
        quantity=auction.quantity,
        starts_at=auction.starts_at,
        ends_at=auction.ends_at,
    )
    return pool


def _auction_for(session: Session, pool: Pool, now: Any) -> Auction:
    """The pool's reverse auction, published at once. Its funds are already held by the demands,
    so it reserves nothing. A clock that turned late keeps the auction's length."""
    starts, ends = pool.auction_starts_at, pool.auction_ends_at
    if now > starts:
        starts, ends = now, ends + (now - starts)
    category = session.get(Category, pool.category_id)
    assert category is not None
    settings = policy.settings()
    lot = rules.lot_total(pool.ceiling, pool.quantity)
    auction = Auction(
        purchaser_id=pool.organiser_id,
        created_by=pool.opened_by,
        region_id=pool.region_id,
        status="published",
        title=pool.title,
        title_en=pool.title_en,
        category_id=pool.category_id,
        standard_product_id=pool.standard_product_id,
        required_params=dict(pool.required_params or {}),
        quantity=pool.quantity,
        unit=pool.unit,
        delivery_region_id=pool.region_id,
        delivery_address=DELIVERY_EACH,
        contact_name=pool.contact_name,
        contact_phone=pool.contact_phone,
        delivery_date=pool.delivery_date,
        budget_line_id=None,
        pool_id=pool.id,
        starts_at=starts,
        ends_at=ends,
        scheduled_end=ends,
        **rules_of(pool),
        extensions_used=0,
        sme_only=category.sme_suitable and policy.sme_reserved(category.kind, lot, settings),
        bid_count=0,
        bidder_count=0,
        published_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(auction)
    session.flush()
    record_step(
        session,
        CLOCK,
        "auction.published",
        "auction",
        auction,
        pool_id=pool.id,
        max_winners=pool.max_winners,
        **announcement(auction),
    )
    announce.auction_published(session, auction)
    return auction


def tick(session_factory: Any) -> dict[str, Any]:
    """Close every window that is due, each in its own unit of work."""
    now = clock.now()
    with session_factory() as session:
        due = windows_due(session, now)
    auctioned: list[int] = []
    failed: list[int] = []
    for pool_id in due:
        with session_factory() as session:
            pool = close_window(session, pool_id)
            if pool is not None:
                (auctioned if pool.status == "auctioned" else failed).append(pool.id)
    return {"auctioned": auctioned, "failed": failed}
