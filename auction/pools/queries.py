"""Reading volume purchases (AUC-2): a pool, the list of them, and its demands and award shares,
each as far as the reader's part in the pool allows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from auction.pools.access import role_of
from auction.pools.eligible import supplier_pools
from auction.pools.models import Pool, PoolAllocation, PoolDemand
from core.accounts.auth import Actor
from core.accounts.models import Organisation, Region
from core.accounts.roles import OrgKind, Role
from core.errors import Forbidden, NotFound


def get_pool(session: Session, actor: Actor, pool_id: int) -> Pool:
    pool = session.get(Pool, pool_id)
    if pool is None:
        raise NotFound("No such volume purchase.")
    if role_of(session, actor, pool) is None:
        if actor.org_kind == OrgKind.SUPPLIER:
            raise NotFound("No such volume purchase.")
        raise Forbidden(
            "This volume purchase is not yours to see.",
            code="other_organisation",
        )
    return pool


def pools_query(session: Session, actor: Actor, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Operators and purchaser units see every pool (a unit joins by adding demand; ``mine`` keeps
    the ones it organised or added demand to); suppliers those they may take part in by the one
    eligibility rule, or took part in (``all`` adds the others, but never cancelled ones);
    supervisors those of their region and below. Newest first."""
    query = select(Pool)
    if actor.has(Role.OPERATOR):
        pass
    elif actor.org_kind == OrgKind.PURCHASER and actor.has(Role.PURCHASER, Role.ORG_ADMIN):
        if filters.get("mine"):
            query = query.where(
                (Pool.organiser_id == actor.organisation_id)
                | Pool.id.in_(
                    select(PoolDemand.pool_id).where(
                        PoolDemand.purchaser_id == actor.organisation_id,
                        PoolDemand.status != "withdrawn",
                    )
                )
            )
    elif actor.org_kind == OrgKind.SUPPLIER and actor.has(Role.SUPPLIER):
        assert actor.organisation_id is not None
        query = query.where(Pool.status != "cancelled")
        if not filters.get("all"):
            query = query.where(supplier_pools(session, actor.organisation_id).takes_part)
    elif actor.has(Role.SUPERVISOR) and actor.region_path:
        query = query.join(Region, Region.id == Pool.region_id).where(
            Region.path.startswith(actor.region_path)
        )
    else:
        raise Forbidden("You have no volume purchases to see.")
    if filters.get("status"):
        query = query.where(Pool.status == filters["status"])
    return query.order_by(Pool.id.desc())


def demands(session: Session, actor: Actor, pool: Pool) -> list[PoolDemand]:
    """The demands the actor may see: all of them for the organiser, operators and supervisors;
    a purchaser unit its own; suppliers none (they see the pooled total)."""
    role = role_of(session, actor, pool)
    query = select(PoolDemand).where(PoolDemand.pool_id == pool.id).order_by(PoolDemand.id)
    if role in ("organiser", "operator", "supervisor"):
        return list(session.scalars(query))
    if role == "purchaser":
        return list(session.scalars(query.where(PoolDemand.purchaser_id == actor.organisation_id)))
    return []


def own_demand(session: Session, actor: Actor, pool: Pool) -> PoolDemand | None:
    if actor.org_kind != OrgKind.PURCHASER:
        return None
    return session.scalars(
        select(PoolDemand).where(
            PoolDemand.pool_id == pool.id, PoolDemand.purchaser_id == actor.organisation_id
        )
    ).first()


def allocations(session: Session, actor: Actor, pool: Pool) -> list[PoolAllocation]:
    """The award's shares the actor may see: all for the organiser, operators and supervisors; a
    purchaser's or a supplier's own."""
    role = role_of(session, actor, pool)
    query = select(PoolAllocation).where(PoolAllocation.pool_id == pool.id)
    if role == "purchaser":
        query = query.where(PoolAllocation.purchaser_id == actor.organisation_id)
    elif role == "supplier":
        query = query.where(PoolAllocation.supplier_id == actor.organisation_id)
    elif role not in ("organiser", "operator", "supervisor"):
        return []
    return list(session.scalars(query.order_by(PoolAllocation.rank, PoolAllocation.id)))


def org_names(session: Session, ids: set[int]) -> dict[int, Organisation]:
    if not ids:
        return {}
    return {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
