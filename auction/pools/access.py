"""Who may do what in a volume purchase (带量采购, AUC-2), and as whom each party sees a pool:
organiser, operator, purchaser unit, supplier enrolled in its category, supervisor of its region."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from auction.pools.models import Pool, PoolDemand
from catalog.categories.models import Category
from catalog.enrolment.models import SupplierCategory
from core.accounts.auth import Actor
from core.accounts.models import Region
from core.accounts.roles import OrgKind, Role
from core.errors import Forbidden, NotFound
from mall.locks import lock


def may_organise(actor: Actor | None) -> bool:
    """Operators, and purchasers of a purchaser unit as lead purchaser (牵头采购人)."""
    if actor is None or not actor.user_id:
        return False
    if actor.has(Role.OPERATOR):
        return True
    return actor.org_kind == OrgKind.PURCHASER and actor.has(Role.PURCHASER)


def may_add_demand(actor: Actor | None) -> bool:
    return bool(
        actor
        and actor.user_id
        and actor.org_kind == OrgKind.PURCHASER
        and actor.has(Role.PURCHASER)
    )


def require_organiser(actor: Actor) -> None:
    if not may_organise(actor):
        raise Forbidden(
            "Only operators and lead purchasers open volume purchases.",
            code="organiser_only",
        )


def is_organiser(actor: Actor, pool: Pool) -> bool:
    return actor.organisation_id == pool.organiser_id and actor.has(
        Role.PURCHASER, Role.ORG_ADMIN, Role.OPERATOR
    )


def enrolled_category_ids(session: Session, supplier_id: int) -> set[int]:
    """The categories a supplier may bid in: those it enrolled in and everything below them."""
    roots = set(
        session.scalars(
            select(SupplierCategory.category_id).where(SupplierCategory.supplier_id == supplier_id)
        )
    )
    if not roots:
        return set()
    return {
        category.id
        for category in session.scalars(select(Category))
        if roots.intersection(category.path_ids)
    }


def role_of(session: Session, actor: Actor, pool: Pool) -> str | None:
    """How the actor sees the pool: organiser, operator, purchaser (any unit may join), supplier
    (enrolled in its category), supervisor (of its region) — or not at all."""
    if is_organiser(actor, pool):
        return "organiser"
    if actor.has(Role.OPERATOR):
        return "operator"
    if actor.org_kind == OrgKind.PURCHASER and actor.has(Role.PURCHASER, Role.ORG_ADMIN):
        return "purchaser"
    if actor.org_kind == OrgKind.SUPPLIER and actor.has(Role.SUPPLIER):
        assert actor.organisation_id is not None
        if pool.category_id in enrolled_category_ids(session, actor.organisation_id):
            return "supplier"
        return None
    if actor.has(Role.SUPERVISOR):
        region = session.get(Region, pool.region_id)
        if region is not None and actor.sees_region(region.path):
            return "supervisor"
    return None


def visible_ceiling(session: Session, actor: Actor | None, pool: Pool) -> Decimal | None:
    """The ceiling as ``actor`` may see it: when it is shown, or to the organiser, the purchaser
    units, supervisors and operators; hidden from suppliers and from anyone the pool is not for."""
    if pool.show_ceiling:
        return pool.ceiling
    if actor is not None and role_of(session, actor, pool) in (
        "organiser",
        "operator",
        "purchaser",
        "supervisor",
    ):
        return pool.ceiling
    return None


def has_demand(session: Session, pool_id: int, purchaser_id: int | None) -> bool:
    """Whether the unit has (or had, until the award) demand in the pool: it then follows the
    pool's auction as one of its purchasers."""
    return (
        purchaser_id is not None
        and session.scalar(
            select(PoolDemand.id).where(
                PoolDemand.pool_id == pool_id,
                PoolDemand.purchaser_id == purchaser_id,
                PoolDemand.status.in_(("active", "awarded", "released")),
            )
        )
        is not None
    )


def locked(session: Session, pool_id: int) -> Pool:
    """The pool under its row lock."""
    pool = lock(session, Pool, pool_id)
    if pool is None:
        raise NotFound("No such volume purchase.")
    return pool
