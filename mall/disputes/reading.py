"""纠纷化解 (MALL-9): reading disputes — the lists and the queue, evidence files, and what the
actor may do now."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Region, User
from core.accounts.roles import OrgKind, Role
from core.errors import Forbidden, NotFound
from mall.disputes.common import (
    get_dispute,
    office_handlers,
    pending_proposal,
)
from mall.disputes.filing import upload_dir
from mall.disputes.models import (
    ACTIVE,
    Dispute,
    DisputeFile,
)


def disputes_query(actor: Actor, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The disputes the actor may see: a party's own; the handlers' of their office's region; a
    supervisor's region. ``queue`` (handlers) keeps the actor's open cases, soonest deadline first."""
    query = select(Dispute)
    if actor.org_kind == OrgKind.PURCHASER and actor.has(Role.PURCHASER, Role.ORG_ADMIN):
        query = query.where(Dispute.purchaser_id == actor.organisation_id)
    elif actor.org_kind == OrgKind.SUPPLIER and actor.has(Role.SUPPLIER, Role.ORG_ADMIN):
        query = query.where(Dispute.supplier_id == actor.organisation_id)
    elif (
        actor.org_kind == OrgKind.DISPUTE_OFFICE and actor.has(Role.DISPUTE_HANDLER, Role.ORG_ADMIN)
    ) or actor.has(Role.SUPERVISOR):
        query = query.join(Region, Region.id == Dispute.region_id).where(
            Region.path.startswith(actor.region_path or "\x00")
        )
    else:
        raise Forbidden("You have no disputes to see.")
    if filters.get("queue"):
        query = query.where(Dispute.handler_id == actor.user_id, Dispute.status.in_(ACTIVE))
    if filters.get("status"):
        query = query.where(Dispute.status == filters["status"])
    if filters.get("order_id"):
        query = query.where(Dispute.order_id == filters["order_id"])
    if filters.get("queue"):
        return query.order_by(
            Dispute.escalated_at.is_(None), Dispute.due_at.is_(None), Dispute.due_at, Dispute.id
        )
    return query.order_by(
        Dispute.status.in_(ACTIVE).desc(),
        Dispute.due_at.is_(None),
        Dispute.due_at,
        Dispute.id.desc(),
    )


def evidence_file(
    session: Session, actor: Actor, dispute_id: int, file_id: int
) -> tuple[DisputeFile, Path]:
    dispute, _ = get_dispute(session, actor, dispute_id)
    row = session.get(DisputeFile, file_id)
    if row is None or row.dispute_id != dispute.id:
        raise NotFound("No such file.")
    return row, upload_dir() / row.filename


def allowed_actions(session: Session, actor: Actor, dispute: Dispute, role: str) -> list[str]:
    """What the actor may do now (the page shows these forms)."""
    now = clock.now()
    acts: list[str] = []
    if role in ("purchaser", "supplier"):
        if (
            dispute.status == "awaiting_response"
            and role == dispute.respondent
            and now < dispute.response_due_at
        ):
            acts.append("respond")
        if dispute.status in ACTIVE:
            acts.append("evidence")
            if role == dispute.opened_by:
                acts.append("withdraw")
        if dispute.status == "mediation":
            proposal = pending_proposal(dispute)
            if (
                proposal
                and getattr(proposal, f"{role}_accepted_at") is None
                and now < proposal.due_at
            ):
                acts.append("answer_proposal")
    if role == "handler" and dispute.status == "under_review":
        acts += ["request_evidence", "propose", "rule"]
    if (
        role in ("handler", "office")
        and actor.organisation_id == dispute.office_id
        and actor.has(Role.ORG_ADMIN)
        and dispute.status in ACTIVE
    ):
        acts.append("reassign")
    return acts


def handlers_of(session: Session, dispute: Dispute) -> list[dict[str, Any]]:
    users = session.scalars(
        select(User)
        .where(User.id.in_(office_handlers(session, dispute.office_id)))
        .order_by(User.id)
    )
    return [{"id": u.id, "display_name": u.display_name} for u in users]
