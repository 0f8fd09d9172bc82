"""Supply capacity (供货能力, AUC-2): in a pool auction with several winners, a bidder says how many
units it can supply, until the auction closes; once it has bid it may raise the figure only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from auction import eligibility
from auction.bidding import require_bidder
from auction.journal import record_step
from auction.models import Auction, AuctionBidder
from auction.pools.access import role_of
from auction.pools.models import Pool, PoolCapacity
from auction.terms import MAX_QUANTITY, invalid
from core import clock
from core.accounts.auth import Actor
from core.errors import Conflict, Forbidden, NotFound
from mall.locks import lock


def declare_capacity(session: Session, actor: Actor, pool_id: int, quantity: int) -> PoolCapacity:
    """供货能力: a bidder in a pool auction with several winners says how many units it can supply.
    Until the auction closes; once it has bid it may raise the figure but not lower it."""
    require_bidder(actor)
    pool = session.get(Pool, pool_id)
    if pool is None or role_of(session, actor, pool) != "supplier":
        raise NotFound("No such volume purchase.")
    if pool.max_winners <= 1:
        raise Conflict(
            "This volume purchase has a single winner, who supplies the whole lot.",
            code="single_winner",
        )
    if pool.auction_id is None:
        raise Conflict("The auction has not been set up yet.", code="no_auction_yet")
    auction = lock(session, Auction, pool.auction_id)
    assert auction is not None
    if auction.status != "published" or clock.now() >= auction.ends_at:
        raise Conflict("The auction is closed.", code="closed")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise invalid("quantity", "1 or more", "Give a quantity of 1 or more.")
    supplier_id = actor.organisation_id
    assert supplier_id is not None
    why = eligibility.reason(session, supplier_id, auction.category, auction.sme_only)
    if why is not None:
        en, zh = eligibility.message(why)
        raise Forbidden(en, zh, code=why, details={"category_id": auction.category_id})
    row = session.scalars(
        select(PoolCapacity).where(
            PoolCapacity.pool_id == pool.id, PoolCapacity.supplier_id == supplier_id
        )
    ).first()
    has_bid = session.scalar(
        select(AuctionBidder.id).where(
            AuctionBidder.auction_id == auction.id, AuctionBidder.supplier_id == supplier_id
        )
    )
    previous = row.quantity if row else None
    if row is not None and has_bid and quantity < row.quantity:
        raise Conflict(
            "After bidding, the capacity can only be raised (now %(quantity)s).",
            code="capacity_lowered",
            params={"quantity": row.quantity},
            details={"quantity": row.quantity},
        )
    now = clock.now()
    if row is None:
        row = PoolCapacity(pool_id=pool.id, supplier_id=supplier_id, quantity=quantity)
        session.add(row)
    row.quantity = quantity
    row.declared_at = now
    session.flush()
    record_step(
        session,
        actor,
        "pool.capacity_declared",
        "pool",
        pool,
        auction_id=auction.id,
        supplier_id=supplier_id,
        quantity=quantity,
        previous=previous,
        ip=actor.ip,
        device_id=actor.device_id,
    )
    return row


def capacity_of(session: Session, pool_id: int, supplier_id: int | None) -> int | None:
    if supplier_id is None:
        return None
    return session.scalar(
        select(PoolCapacity.quantity).where(
            PoolCapacity.pool_id == pool_id, PoolCapacity.supplier_id == supplier_id
        )
    )
