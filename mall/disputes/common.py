"""纠纷化解 (MALL-9): what every step of a dispute shares — the limits, who may act on a case
(loading it with the access check), the ledger entry and the notices each step writes, and the
deadline that is awaited next."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock, workdays
from core.accounts.auth import Actor
from core.accounts.models import Region, User, UserRole
from core.accounts.roles import OrgKind, Role
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.messages import N_, translate
from core.notifications.service import Message, notify
from mall import policy
from mall.disputes.models import (
    STATUS_NAMES,
    Dispute,
    MediationProposal,
)
from mall.locks import lock
from mall.orders.access import party_of
from mall.orders.models import Order
from supervision.ledger.service import record

#: order statuses on which a dispute may be opened: from confirmation on
OPENABLE = ("confirmed", "shipped", "delivered", "accepted", "acceptance_refused", "paid", "closed")
#: order statuses a replacement can re-open (not yet paid)
REOPENABLE = ("shipped", "delivered", "accepted", "acceptance_refused")
MAX_TEXT = 5000
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILES = 20
MAX_SUSPENSION_DAYS = 365
ROLE_NAMES = {
    "purchaser": ("采购人", "purchaser"),
    "supplier": ("供应商", "supplier"),
    "handler": ("承办人", "handler"),
}


# ---------------------------------------------------------------- helpers


def clean_text(value: str | None, field: str, required: bool = True) -> str | None:
    """A party's or the handler's text, trimmed; refused when required and empty, or too long."""
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationFailed("This field is required.", details={field: ["required"]})
        return None
    if len(text) > MAX_TEXT:
        raise ValidationFailed(
            "At most %(n)s characters.",
            params={"n": MAX_TEXT},
            details={field: [f"longer than {MAX_TEXT}"]},
        )
    return text


def record_step(
    session: Session, actor: Actor, action: str, dispute: Dispute, **payload: Any
) -> None:
    """Ledger a step of the dispute, after moving its next deadline (``due_at``) to match."""
    upcoming = next_deadline(dispute)
    dispute.due_at = upcoming[1] if upcoming else None
    dispute.updated_at = clock.now()
    record(
        session,
        actor,
        action,
        ("dispute", dispute.id),
        {"order_id": dispute.order_id, "status": dispute.status, **payload},
        region_id=dispute.region_id,
    )


def message(dispute: Dispute, kind: str, en: str, zh: str) -> Message:
    """A notice of the case: ``en`` and ``zh`` say what happened (from the services' catalog)."""
    title = "Dispute %(number)s: %(what)s"
    return Message(
        kind=f"dispute.{kind}",
        title_zh=translate(title, "zh", {"number": dispute.number, "what": zh}),
        title_en=translate(title, "en", {"number": dispute.number, "what": en}),
        link=f"/disputes/{dispute.id}",
        subject=("dispute", dispute.id),
    )


def tell_parties(session: Session, dispute: Dispute, kind: str, en: str, zh: str) -> None:
    notify(session, [dispute.purchaser_id, dispute.supplier_id], message(dispute, kind, en, zh))


def tell_handler(session: Session, dispute: Dispute, kind: str, en: str, zh: str) -> None:
    if dispute.handler_id is not None:
        notify(
            session,
            [dispute.office_id],
            message(dispute, kind, en, zh),
            user_id=dispute.handler_id,
        )


def settings() -> policy.Settings:
    return policy.settings()


def due_in(days: int, start: datetime | None = None) -> datetime:
    return workdays.calendar().add_working_days(start or clock.now(), days)


def back_to_handler(dispute: Dispute, now: datetime) -> None:
    """The case is in the handler's hands again, with a fresh deadline."""
    dispute.status = "under_review"
    dispute.evidence_from = None
    dispute.evidence_due_at = None
    dispute.handler_due_at = due_in(settings().dispute_handling_days, now)
    dispute.escalated_at = None


def to_parties(dispute: Dispute, status: str) -> None:
    """The case waits on the parties (``status``): the handler's deadline and escalation stop."""
    dispute.status = status
    dispute.handler_due_at = None
    dispute.escalated_at = None


# ---------------------------------------------------------------- access


def role_in(session: Session, actor: Actor, dispute: Dispute) -> str | None:
    """purchaser | supplier (a party), handler (the assigned one), office (another handler or the
    admin of the office, or a handler of a region above), supervisor; None for anyone else."""
    order = session.get(Order, dispute.order_id)
    assert order is not None
    party = party_of(actor, order)
    if party is not None:
        return party
    if actor.org_kind == OrgKind.DISPUTE_OFFICE:
        if actor.user_id == dispute.handler_id:
            return "handler"
        if actor.has(Role.DISPUTE_HANDLER, Role.ORG_ADMIN) and actor.sees_region(
            region_path_of(session, dispute.region_id)
        ):
            return "office"
        return None
    if actor.has(Role.SUPERVISOR) and actor.sees_region(region_path_of(session, dispute.region_id)):
        return "supervisor"
    return None


def region_path_of(session: Session, region_id: int) -> str:
    region = session.get(Region, region_id)
    assert region is not None
    return region.path


def get_dispute(
    session: Session, actor: Actor, dispute_id: int, for_update: bool = False
) -> tuple[Dispute, str]:
    dispute = lock(session, Dispute, dispute_id) if for_update else session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFound("No such dispute.")
    role = role_in(session, actor, dispute)
    if role is None:
        raise Forbidden(
            "This dispute is not one you may see.",
            code="other_organisation",
        )
    return dispute, role


def need_role(role: str, *allowed: str) -> None:
    if role not in allowed:
        names = "、".join(ROLE_NAMES[a][0] for a in allowed if a in ROLE_NAMES)
        message = N_("Only the dispute's %(roles)s may do this.")
        raise Forbidden(
            translate(message, "en", {"roles": " or ".join(ROLE_NAMES[a][1] for a in allowed)}),
            translate(message, "zh", {"roles": names}),
            code="wrong_role",
            details={"role": role, "allowed": list(allowed)},
        )


def expect_status(dispute: Dispute, *statuses: str, doing: tuple[str, str]) -> None:
    if dispute.status in statuses:
        return
    zh, en = STATUS_NAMES[dispute.status]
    code = "archived" if dispute.status == "archived" else "bad_status"
    message = N_("A dispute that is %(status)s cannot be %(doing)s.")
    raise Conflict(
        translate(message, "en", {"status": en.lower(), "doing": doing[0]}),
        translate(message, "zh", {"status": zh, "doing": doing[1]}),
        code=code,
        details={"status": dispute.status, "allowed": list(statuses)},
    )


def next_deadline(dispute: Dispute) -> tuple[str, datetime] | None:
    """What is awaited next and by when."""
    if dispute.status == "awaiting_response":
        return "response", dispute.response_due_at
    if dispute.status == "awaiting_evidence" and dispute.evidence_due_at:
        return "evidence", dispute.evidence_due_at
    if dispute.status == "mediation":
        pending = pending_proposal(dispute)
        if pending is not None:
            return "mediation", pending.due_at
    if dispute.status == "under_review" and dispute.handler_due_at:
        return "handler", dispute.handler_due_at
    return None


def pending_proposal(dispute: Dispute) -> MediationProposal | None:
    return next((p for p in dispute.proposals if p.status == "pending"), None)


def office_handlers(session: Session, office_id: int) -> list[int]:
    """The ids of the office's active handlers, in order."""
    return list(
        session.scalars(
            select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                User.organisation_id == office_id,
                User.active.is_(True),
                UserRole.role == Role.DISPUTE_HANDLER,
            )
            .order_by(User.id)
        )
    )
