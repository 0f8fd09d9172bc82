"""Reading framework agreements (MALL-8): solicitations, responses and agreements, each as far as
the reader's part allows. Responses stay sealed until they are opened after the deadline: before
that only the supplier that sent one reads it, and nobody lists them — not the solicitor, not an
operator. An agreement's prices are shown to the purchasers of the region it serves, the solicitor,
operators and supervisors; an entrant sees its own."""

from __future__ import annotations

from typing import Any

from sqlalchemy import literal, or_, select
from sqlalchemy.orm import Session

from core.accounts.auth import Actor
from core.accounts.models import Region
from core.accounts.roles import OrgKind, Role
from core.errors import Conflict, Forbidden, NotFound
from mall.agreements.access import in_region, is_solicitor, role_of
from mall.agreements.evaluation import responses_of
from mall.agreements.models import (
    Agreement,
    AgreementEntrant,
    AgreementResponse,
    Solicitation,
)

SEALED = ("draft", "published")


def _region_scope(actor: Actor, region_column: Any) -> Any:
    """Rows whose region is the supervisor's or below it."""
    return region_column.in_(
        select(Region.id).where(Region.path.startswith(actor.region_path or "\x00"))
    )


def _served(actor: Actor, region_column: Any) -> Any:
    """Rows whose region served contains the actor's organisation."""
    return region_column.in_(
        select(Region.id).where(literal(actor.region_path or "\x00").startswith(Region.path))
    )


def solicitations_query(actor: Actor, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The solicitor's own (drafts too); every published one for operators, purchasers and
    suppliers; those of their region for supervisors. Newest first."""
    own = Solicitation.solicitor_id == actor.organisation_id
    public = Solicitation.status != "draft"
    if actor.has(Role.SUPERVISOR) and actor.org_kind == OrgKind.SUPERVISOR:
        public = public & _region_scope(actor, Solicitation.region_id)
    elif not (
        actor.has(Role.OPERATOR)
        or (actor.org_kind == OrgKind.PURCHASER and actor.has(Role.PURCHASER, Role.ORG_ADMIN))
        or (actor.org_kind == OrgKind.SUPPLIER and actor.has(Role.SUPPLIER, Role.ORG_ADMIN))
    ):
        public = literal(False)
    query = select(Solicitation).where(or_(own, public) if actor.organisation_id else public)
    if filters.get("status"):
        query = query.where(Solicitation.status == filters["status"])
    if filters.get("mine"):
        query = query.where(own)
    return query.order_by(Solicitation.id.desc())


def responses(
    session: Session, actor: Actor, solicitation: Solicitation
) -> list[AgreementResponse]:
    """All responses, once opened: for the solicitor, operators and supervisors of the region."""
    if solicitation.status in SEALED:
        raise Conflict(
            "Responses are sealed until they are opened after the deadline.",
            code="responses_sealed",
        )
    if role_of(session, actor, solicitation) not in ("solicitor", "operator", "supervisor"):
        raise Forbidden(
            "Only the solicitor, operators and supervisors read the responses.",
            code="other_organisation",
        )
    return sorted(responses_of(session, solicitation), key=lambda r: (r.rank or 0, r.id))


def get_response(session: Session, actor: Actor, response_id: int) -> AgreementResponse:
    """One response: the supplier's own at any time; others' only once opened, for the solicitor,
    operators and supervisors. Anyone else is told there is no such response."""
    response = session.get(AgreementResponse, response_id)
    missing = NotFound("No such response.")
    if response is None:
        raise missing
    if actor.org_kind == OrgKind.SUPPLIER and actor.organisation_id == response.supplier_id:
        return response
    solicitation = session.get(Solicitation, response.solicitation_id)
    assert solicitation is not None
    if solicitation.status in SEALED or role_of(session, actor, solicitation) not in (
        "solicitor",
        "operator",
        "supervisor",
    ):
        raise missing
    return response


def get_agreement(session: Session, actor: Actor, agreement_id: int) -> Agreement:
    agreement = session.get(Agreement, agreement_id)
    if agreement is None:
        raise NotFound("No such framework agreement.")
    if role_of(session, actor, agreement) is None:
        raise Forbidden(
            "This framework agreement is not yours to see.",
            code="other_organisation",
        )
    return agreement


def agreements_query(actor: Actor, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Operators and suppliers see every agreement; purchasers those serving their region (and
    their own); supervisors those of their region. Newest first."""
    query = select(Agreement)
    if actor.has(Role.OPERATOR) or (
        actor.org_kind == OrgKind.SUPPLIER and actor.has(Role.SUPPLIER, Role.ORG_ADMIN)
    ):
        pass
    elif actor.org_kind == OrgKind.PURCHASER:
        query = query.where(
            or_(
                Agreement.solicitor_id == actor.organisation_id, _served(actor, Agreement.region_id)
            )
        )
    elif actor.has(Role.SUPERVISOR):
        query = query.where(_region_scope(actor, Agreement.region_id))
    else:
        query = query.where(literal(False))
    if filters.get("supplier_id"):
        query = query.where(
            Agreement.id.in_(
                select(AgreementEntrant.agreement_id).where(
                    AgreementEntrant.supplier_id == filters["supplier_id"]
                )
            )
        )
    return query.order_by(Agreement.id.desc())


def sees_prices(
    session: Session, actor: Actor | None, agreement: Agreement, entrant: AgreementEntrant
) -> bool:
    """Agreed prices: for the purchasers of the region served, the solicitor, operators and
    supervisors of the region; an entrant sees its own."""
    if actor is None:
        return False
    if is_solicitor(actor, agreement) or actor.has(Role.OPERATOR):
        return True
    if actor.org_kind == OrgKind.SUPPLIER:
        return actor.organisation_id == entrant.supplier_id
    if actor.org_kind == OrgKind.PURCHASER:
        return in_region(session, actor, agreement.region_id)
    return role_of(session, actor, agreement) == "supervisor"
