"""Who may do what in a framework agreement (MALL-8), and as whom each party sees a solicitation:
solicitor (征集人), operator, purchaser unit, supplier, supervisor of the region it serves."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.accounts.auth import Actor
from core.accounts.models import Region
from core.accounts.roles import OrgKind, Role
from core.errors import Forbidden, NotFound
from mall.agreements.models import Agreement, Solicitation
from mall.locks import lock
from supervision.ledger import record


def may_solicit(actor: Actor | None) -> bool:
    """Operators, and purchasers of a purchaser unit as lead purchaser (牵头采购人)."""
    if actor is None or not actor.user_id:
        return False
    if actor.has(Role.OPERATOR):
        return True
    return actor.org_kind == OrgKind.PURCHASER and actor.has(Role.PURCHASER)


def require_solicitor_role(actor: Actor) -> None:
    if not may_solicit(actor):
        raise Forbidden(
            "Only operators and lead purchasers solicit framework agreements.",
            code="solicitor_only",
        )


def is_solicitor(actor: Actor, solicitation: Solicitation | Agreement) -> bool:
    return bool(
        actor.user_id
        and actor.organisation_id == solicitation.solicitor_id
        and actor.has(Role.PURCHASER, Role.OPERATOR)
    )


def require_solicitor(actor: Actor, solicitation: Solicitation) -> None:
    """Only the solicitor acts on its solicitation after it is created."""
    if not is_solicitor(actor, solicitation):
        raise Forbidden(
            "Only the solicitor may do this.",
            code="solicitor_only",
        )


def is_supplier(actor: Actor) -> bool:
    return bool(actor.user_id and actor.org_kind == OrgKind.SUPPLIER and actor.has(Role.SUPPLIER))


def in_region(session: Session, actor: Actor, region_id: int) -> bool:
    """Whether the actor's organisation lies in the region (or below it)."""
    region = session.get(Region, region_id)
    return bool(region and actor.region_path and actor.region_path.startswith(region.path))


def role_of(session: Session, actor: Actor, solicitation: Solicitation | Agreement) -> str | None:
    """How the actor sees a solicitation or an agreement. A draft is the solicitor's alone."""
    if is_solicitor(actor, solicitation):
        return "solicitor"
    if isinstance(solicitation, Solicitation) and solicitation.status == "draft":
        return None
    if actor.has(Role.OPERATOR):
        return "operator"
    if actor.org_kind == OrgKind.PURCHASER and actor.has(Role.PURCHASER, Role.ORG_ADMIN):
        return "purchaser"
    if actor.org_kind == OrgKind.SUPPLIER and actor.has(Role.SUPPLIER, Role.ORG_ADMIN):
        return "supplier"
    if actor.has(Role.SUPERVISOR):
        region = session.get(Region, solicitation.region_id)
        if region is not None and actor.sees_region(region.path):
            return "supervisor"
    return None


def not_found() -> NotFound:
    return NotFound("No such framework agreement solicitation.")


def get_solicitation(session: Session, actor: Actor, solicitation_id: int) -> Solicitation:
    """The solicitation as the actor may see it: another organisation's draft is not found; a
    published one the actor has no part in is refused."""
    solicitation = session.get(Solicitation, solicitation_id)
    if solicitation is None:
        raise not_found()
    if role_of(session, actor, solicitation) is None:
        if solicitation.status == "draft" or actor.org_kind == OrgKind.SUPPLIER:
            raise not_found()
        raise Forbidden(
            "This framework agreement is not yours to see.",
            code="other_organisation",
        )
    return solicitation


def locked(session: Session, actor: Actor, solicitation_id: int) -> Solicitation:
    """The solicitation under its row lock, once the actor may see it."""
    get_solicitation(session, actor, solicitation_id)
    solicitation = lock(session, Solicitation, solicitation_id)
    if solicitation is None:
        raise not_found()
    return solicitation


def record_step(
    session: Session,
    actor: Actor,
    action: str,
    solicitation: Solicitation,
    **payload: Any,
) -> None:
    """Put ``action`` on the solicitation, with its status, in the caller's transaction."""
    record(
        session,
        actor,
        action,
        ("agreement_solicitation", solicitation.id),
        {"status": solicitation.status, **payload},
        region_id=solicitation.region_id,
    )
