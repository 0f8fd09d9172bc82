"""The close of a volume purchase's auction (AUC-2): the award split into one order and contract per
purchaser and winner, or the failure with every demand's funds released.

Called by ``auction.closing.close`` under the auction's row lock; it takes the pool's lock too, so a
pool is settled exactly once. Each share goes through ``mall.orders.awards.award_lot``, which
releases what the demand held for that quantity at the ceiling and reserves the order's total at
the winner's price on the same budget line; what no winner can supply is released.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from auction import rules
from auction.journal import record_step
from auction.models import Auction
from auction.pools.allocation import split
from auction.pools.models import DEMAND_REF, Pool, PoolAllocation, PoolCapacity, PoolDemand
from core import clock
from core.accounts.auth import Actor
from core.money import cny
from mall.budgets import service as budgets
from mall.locks import lock
from mall.orders.awards import award_lot


def settle(
    session: Session, actor: Actor, auction: Auction, ranked: list[rules.Offer]
) -> list[dict[str, Any]]:
    """Award or fail the pool auction (already locked and due). Returns the shares awarded."""
    pool = lock(session, Pool, auction.pool_id)
    assert pool is not None
    active = list(
        session.scalars(
            select(PoolDemand)
            .where(PoolDemand.pool_id == pool.id, PoolDemand.status == "active")
            .order_by(PoolDemand.id)
        )
    )
    now = clock.now()
    pool.updated_at = now
    failure = rules.too_few_bidders(ranked, auction.min_bidders)
    if failure is not None:
        auction.status = "failed"
        auction.failure_reason = failure
        for demand in active:
            _release(session, actor, demand, demand.held)
            demand.status = "released"
        pool.status = "failed"
        pool.failure_reason = auction.failure_reason
        session.flush()
        record_step(
            session,
            actor,
            "pool.failed",
            "pool",
            pool,
            auction_id=auction.id,
            reason=pool.failure_reason,
            released_demands=[d.id for d in active],
        )
        return []

    capacities = {
        row.supplier_id: row.quantity
        for row in session.scalars(select(PoolCapacity).where(PoolCapacity.pool_id == pool.id))
    }
    shares = split([(d.id, d.quantity) for d in active], ranked, pool.max_winners, capacities)
    by_demand = {d.id: d for d in active}
    out: list[dict[str, Any]] = []
    allocated: dict[int, int] = {}
    for share in shares:
        demand = by_demand[share.demand_id]
        price = share.offer.price
        order = award_lot(
            session,
            actor,
            source_id=auction.id,
            lot=pool,
            buyer=demand,
            placed_by=demand.placed_by,
            supplier_id=share.offer.supplier_id,
            unit_price=price,
            quantity=share.quantity,
            held=rules.lot_total(pool.ceiling, share.quantity),
            held_ref=(DEMAND_REF, demand.id),
            note=f"带量采购 {pool.number}（网上竞价 {auction.number}）成交",
            sme_reserved=auction.sme_only,
        )
        total = rules.lot_total(price, share.quantity)
        session.add(
            PoolAllocation(
                pool_id=pool.id,
                demand_id=demand.id,
                purchaser_id=demand.purchaser_id,
                supplier_id=share.offer.supplier_id,
                rank=share.rank,
                bid_id=share.offer.bid_id,
                unit_price=price,
                quantity=share.quantity,
                total=total,
                order_id=order.id,
            )
        )
        allocated[demand.id] = allocated.get(demand.id, 0) + share.quantity
        out.append(
            {
                "demand_id": demand.id,
                "purchaser_id": demand.purchaser_id,
                "supplier_id": share.offer.supplier_id,
                "rank": share.rank,
                "bid_id": share.offer.bid_id,
                "unit_price": price,
                "quantity": share.quantity,
                "total": total,
                "order_id": order.id,
            }
        )
    unallocated: dict[int, int] = {}
    for demand in active:
        got = allocated.get(demand.id, 0)
        short = demand.quantity - got
        if short > 0:
            unallocated[demand.id] = short
            _release(session, actor, demand, rules.lot_total(pool.ceiling, short))
        demand.held = cny(0)
        demand.status = "awarded" if got else "released"
        demand.updated_at = now
    winner = ranked[0]
    auction.status = "awarded"
    auction.winner_id = winner.supplier_id
    auction.awarded_bid_id = winner.bid_id
    pool.status = "awarded"
    session.flush()
    record_step(
        session,
        actor,
        "pool.awarded",
        "pool",
        pool,
        auction_id=auction.id,
        shares=out,
        total=cny(sum((s["total"] for s in out), Decimal(0))),
        unallocated={str(k): v for k, v in unallocated.items()},
        # what the single-bidder warning and the pool's readers need without its auction's entry
        bid_count=auction.bid_count,
        bidder_count=auction.bidder_count,
    )
    return out


def _release(session: Session, actor: Actor, demand: PoolDemand, amount: Decimal) -> None:
    if amount > 0:
        budgets.release(session, actor, demand.budget_line_id, amount, (DEMAND_REF, demand.id))
    demand.held = cny(demand.held - amount)
