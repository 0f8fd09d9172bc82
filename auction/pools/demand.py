"""Demand in a volume purchase (报送需求, AUC-2): a purchaser unit adds its quantity, delivery and
budget line while the window is open — the line holds quantity × ceiling until the award — or
withdraws it and has the funds back. Both lock the pool's row, so the pooled quantity is exact."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from auction import rules
from auction.journal import record_step
from auction.pools.access import locked
from auction.pools.models import DEMAND_REF, Pool, PoolDemand
from auction.terms import MAX_QUANTITY, check_mall_limit, invalid
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Region
from core.errors import Conflict, NotFound
from core.messages import N_, en_zh, translate
from core.money import cny
from mall import policy
from mall.budgets import service as budgets
from mall.orders.access import require_purchaser


def window_open(pool: Pool, doing: tuple[str, str]) -> None:
    now = clock.now()
    if pool.status != "open" or now >= pool.closes_at:
        message = N_("The demand window is closed: demand cannot be %(doing)s.")
        raise Conflict(
            translate(message, "en", {"doing": doing[0]}),
            translate(message, "zh", {"doing": doing[1]}),
            code="window_closed",
            details={"status": pool.status},
        )
    if now < pool.opens_at:
        raise Conflict("The demand window has not opened yet.", code="window_not_open")


def add_demand(session: Session, actor: Actor, pool_id: int, data: dict[str, Any]) -> PoolDemand:
    """报送需求: the purchaser unit's quantity, delivery and budget line; the line holds quantity ×
    ceiling until the award or the withdrawal."""
    require_purchaser(actor)
    pool = locked(session, pool_id)
    window_open(pool, en_zh("added"))
    quantity = data["quantity"]
    if not 1 <= quantity <= MAX_QUANTITY:
        raise invalid("quantity", "1 or more", "Give a quantity of 1 or more.")
    region = session.get(Region, data["delivery_region_id"])
    if region is None:
        raise invalid("delivery_region_id", "no such region", "No such region.")
    held = rules.lot_total(pool.ceiling, quantity)
    settings = policy.settings()
    check_mall_limit(held, settings, en_zh("demand"))
    line = budgets.get_line(session, actor, data["budget_line_id"])
    budgets.check_reservable(actor, line, held)
    demand = session.scalars(
        select(PoolDemand).where(
            PoolDemand.pool_id == pool.id, PoolDemand.purchaser_id == actor.organisation_id
        )
    ).first()
    if demand is not None and demand.status == "active":
        raise Conflict(
            "Your unit already has demand in this pool: withdraw it to change it.",
            code="demand_exists",
            details={"demand_id": demand.id},
        )
    now = clock.now()
    values = {
        "placed_by": actor.user_id,
        "region_id": actor.region_id,
        "status": "active",
        "quantity": quantity,
        "budget_line_id": line.id,
        "held": held,
        "delivery_region_id": region.id,
        "delivery_address": data["delivery_address"].strip(),
        "contact_name": data["contact_name"].strip(),
        "contact_phone": data["contact_phone"].strip(),
        "updated_at": now,
    }
    if demand is None:
        demand = PoolDemand(pool_id=pool.id, purchaser_id=actor.organisation_id, created_at=now)
        session.add(demand)
    for key, value in values.items():
        setattr(demand, key, value)
    session.flush()
    budgets.reserve(session, actor, line.id, held, (DEMAND_REF, demand.id))
    pool.quantity += quantity
    pool.demand_count += 1
    pool.updated_at = now
    session.flush()
    record_step(
        session,
        actor,
        "pool.demand_added",
        "pool",
        pool,
        demand_id=demand.id,
        purchaser_id=demand.purchaser_id,
        quantity=quantity,
        budget_line_id=line.id,
        held=held,
        delivery_region_id=region.id,
        pooled_quantity=pool.quantity,
        demand_count=pool.demand_count,
    )
    return demand


def withdraw_demand(session: Session, actor: Actor, pool_id: int) -> PoolDemand:
    """撤回需求: before the window closes; the funds held are released."""
    require_purchaser(actor)
    pool = locked(session, pool_id)
    window_open(pool, en_zh("withdrawn"))
    demand = session.scalars(
        select(PoolDemand).where(
            PoolDemand.pool_id == pool.id,
            PoolDemand.purchaser_id == actor.organisation_id,
            PoolDemand.status == "active",
        )
    ).first()
    if demand is None:
        raise NotFound("Your unit has no demand in this pool.")
    budgets.release(session, actor, demand.budget_line_id, demand.held, (DEMAND_REF, demand.id))
    released = demand.held
    demand.status = "withdrawn"
    demand.held = cny(0)
    demand.updated_at = pool.updated_at = clock.now()
    pool.quantity -= demand.quantity
    pool.demand_count -= 1
    session.flush()
    record_step(
        session,
        actor,
        "pool.demand_withdrawn",
        "pool",
        pool,
        demand_id=demand.id,
        purchaser_id=demand.purchaser_id,
        quantity=demand.quantity,
        released=released,
        pooled_quantity=pool.quantity,
        demand_count=pool.demand_count,
    )
    return demand
