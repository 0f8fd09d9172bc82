"""Withdrawing a volume purchase (撤销, AUC-2): its organiser or an operator withdraws a pool while
its window is open, with a reason, and every demand's funds are released."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auction.journal import record_step
from auction.pools.access import is_organiser, locked
from auction.pools.models import DEMAND_REF, Pool, PoolDemand
from auction.terms import invalid
from core import clock
from core.accounts.auth import Actor
from core.accounts.roles import Role
from core.errors import Conflict, Forbidden
from core.money import cny
from mall.budgets import service as budgets


def _release_all(session: Session, actor: Actor, pool: Pool, status: str) -> list[int]:
    """Give back the funds of every active demand; returns their ids."""
    released = []
    for demand in session.scalars(
        select(PoolDemand)
        .where(PoolDemand.pool_id == pool.id, PoolDemand.status == "active")
        .order_by(PoolDemand.id)
    ):
        if demand.held > 0:
            budgets.release(
                session, actor, demand.budget_line_id, demand.held, (DEMAND_REF, demand.id)
            )
        demand.status = status
        demand.held = cny(0)
        demand.updated_at = clock.now()
        released.append(demand.id)
    return released


def held_by_demands(session: Session, pool_id: int) -> tuple[int, Decimal]:
    """How many active demands the pool holds funds for, and how much in all: what withdrawing
    the pool releases."""
    count, total = session.execute(
        select(func.count(PoolDemand.id), func.coalesce(func.sum(PoolDemand.held), 0)).where(
            PoolDemand.pool_id == pool_id, PoolDemand.status == "active"
        )
    ).one()
    return int(count), cny(Decimal(total))


def cancel_pool(session: Session, actor: Actor, pool_id: int, reason: str) -> Pool:
    """撤销: the organiser (or an operator) withdraws a pool while its window is open; every
    demand's funds are released."""
    pool = locked(session, pool_id)
    if not (is_organiser(actor, pool) or actor.has(Role.OPERATOR)):
        raise Forbidden(
            "Only the organiser or an operator withdraws a volume purchase.",
            code="other_organisation",
        )
    if pool.status != "open":
        raise Conflict(
            "Only a pool whose window is open can be withdrawn.",
            code="bad_status",
            details={"status": pool.status},
        )
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", "required", "Give a reason.")
    released = _release_all(session, actor, pool, "released")
    pool.status = "cancelled"
    pool.failure_reason = reason
    pool.closed_at = pool.updated_at = clock.now()
    session.flush()
    record_step(
        session, actor, "pool.cancelled", "pool", pool, reason=reason, released_demands=released
    )
    return pool
