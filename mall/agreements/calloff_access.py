"""Who reads a call-off (MALL-8, 第二阶段): the purchaser unit that placed it, the agreement's
solicitor, operators and supervisors of its region. Suppliers read the offers addressed to them
(``offers_query``), never another supplier's, and learn of a direct selection by its order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from core.accounts.auth import Actor
from core.accounts.models import Region
from core.accounts.roles import OrgKind, Role
from core.errors import Forbidden, NotFound
from mall.agreements.access import is_solicitor
from mall.agreements.calloff_models import CallOff, CallOffOffer
from mall.agreements.models import Agreement


def _purchaser_of(actor: Actor, calloff: CallOff) -> bool:
    return bool(
        actor.organisation_id == calloff.purchaser_id
        and actor.org_kind == OrgKind.PURCHASER
        and actor.has(Role.PURCHASER, Role.ORG_ADMIN)
    )


def may_read(session: Session, actor: Actor, calloff: CallOff) -> bool:
    if _purchaser_of(actor, calloff) or actor.has(Role.OPERATOR):
        return True
    agreement = session.get(Agreement, calloff.agreement_id)
    if agreement is not None and is_solicitor(actor, agreement):
        return True
    if actor.has(Role.SUPERVISOR) and actor.org_kind == OrgKind.SUPERVISOR:
        region = session.get(Region, calloff.region_id)
        return region is not None and actor.sees_region(region.path)
    return False


def get_calloff(session: Session, actor: Actor, calloff_id: int) -> CallOff:
    """The call-off for those who may read it; another purchaser is refused, a supplier (or
    anyone else) told there is no such call-off."""
    calloff = session.get(CallOff, calloff_id)
    missing = NotFound("No such call-off.")
    if calloff is None:
        raise missing
    if may_read(session, actor, calloff):
        return calloff
    if actor.org_kind == OrgKind.PURCHASER:
        raise Forbidden(
            "This call-off belongs to another unit.",
            code="other_organisation",
        )
    raise missing


def calloffs_query(actor: Actor, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Purchasers: their unit's; operators: all; supervisors: their region's; solicitors: also
    those of their agreements. Newest first."""
    query = select(CallOff)
    if actor.has(Role.OPERATOR):
        pass
    elif actor.org_kind == OrgKind.PURCHASER and actor.has(Role.PURCHASER, Role.ORG_ADMIN):
        query = query.where(
            (CallOff.purchaser_id == actor.organisation_id)
            | CallOff.agreement_id.in_(
                select(Agreement.id).where(Agreement.solicitor_id == actor.organisation_id)
            )
        )
    elif actor.has(Role.SUPERVISOR) and actor.org_kind == OrgKind.SUPERVISOR:
        query = query.where(
            CallOff.region_id.in_(
                select(Region.id).where(Region.path.startswith(actor.region_path or "\x00"))
            )
        )
    else:
        query = query.where(literal(False))
    if filters.get("agreement_id"):
        query = query.where(CallOff.agreement_id == filters["agreement_id"])
    if filters.get("status"):
        query = query.where(CallOff.status == filters["status"])
    return query.order_by(CallOff.id.desc())


def offers_query(actor: Actor, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """A supplier's own rotation offers, newest first; nobody else's."""
    query = select(CallOffOffer)
    if actor.org_kind == OrgKind.SUPPLIER and actor.has(Role.SUPPLIER, Role.ORG_ADMIN):
        query = query.where(CallOffOffer.supplier_id == actor.organisation_id)
    else:
        query = query.where(literal(False))
    if filters.get("status"):
        query = query.where(CallOffOffer.status == filters["status"])
    return query.order_by(CallOffOffer.id.desc())


def get_offer(session: Session, actor: Actor, offer_id: int) -> CallOffOffer:
    """One offer, for the supplier it is addressed to; another supplier is refused."""
    offer = session.get(CallOffOffer, offer_id)
    if offer is None:
        raise NotFound("No such offer.")
    if actor.organisation_id != offer.supplier_id or actor.org_kind != OrgKind.SUPPLIER:
        raise Forbidden(
            "This offer is addressed to another supplier.",
            code="other_organisation",
        )
    return offer
