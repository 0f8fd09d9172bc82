"""纠纷化解 (MALL-9): opening a dispute (申请纠纷处理) and assigning its handler.

A party opens a dispute on its order (from confirmation on); the order's payment is held. The other
party has ``MALL_DISPUTE_RESPONSE_DAYS`` working days to respond. A handler of the dispute office of
the order's region (the nearest office up the region tree) is assigned in turn; the office's admin
may reassign the case."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation, Region
from core.accounts.roles import OrgKind, Role
from core.errors import Conflict, Forbidden, ValidationFailed
from core.messages import en_zh
from core.notifications.service import notify
from mall.disputes.common import (
    OPENABLE,
    back_to_handler,
    clean_text,
    due_in,
    expect_status,
    get_dispute,
    message,
    office_handlers,
    record_step,
    region_path_of,
    settings,
    tell_handler,
)
from mall.disputes.models import (
    ACTIVE,
    REASONS,
    Dispute,
    DisputeSubmission,
)
from mall.locks import lock
from mall.orders.access import get_order, party_of
from mall.orders.service import record_order


def _office_for(session: Session, region_path: str) -> Organisation:
    """The dispute office of the nearest region up from ``region_path`` that has active handlers."""
    offices = session.execute(
        select(Organisation, Region.path)
        .join(Region, Region.id == Organisation.region_id)
        .where(Organisation.kind == OrgKind.DISPUTE_OFFICE, Organisation.active.is_(True))
    ).all()
    for office, path in sorted(offices, key=lambda row: -len(row[1])):
        if region_path.startswith(path) and office_handlers(session, office.id):
            return office
    raise Conflict(
        "No dispute office with a handler covers this order's region.",
        code="no_dispute_office",
    )


def _next_handler(session: Session, office: Organisation) -> int:
    """Round-robin: the office's handler whose latest assignment is the oldest (or who has none).
    The office row is locked so two disputes opened at once go to different handlers."""
    lock(session, Organisation, office.id)
    handlers = office_handlers(session, office.id)
    latest = dict(
        session.execute(
            select(Dispute.handler_id, func.max(Dispute.id))
            .where(Dispute.handler_id.in_(handlers))
            .group_by(Dispute.handler_id)
        ).all()
    )
    return min(handlers, key=lambda uid: (latest.get(uid, 0), uid))


def open_dispute(session: Session, actor: Actor, data: dict[str, Any]) -> Dispute:
    """申请纠纷处理: a party of the order opens a dispute with a reason and a statement."""
    order = get_order(session, actor, data["order_id"], for_update=True)
    party = party_of(actor, order)
    assert party is not None
    reason = data.get("reason")
    if reason not in REASONS:
        raise ValidationFailed(
            "Choose a reason from the list.",
            details={"reason": [f"one of {', '.join(REASONS)}"]},
        )
    statement = clean_text(data.get("statement"), "statement")
    if order.status not in OPENABLE:
        raise Conflict(
            "A dispute can be opened only on an order from its confirmation on.",
            code="bad_status",
            details={"status": order.status, "allowed": list(OPENABLE)},
        )
    active = session.scalars(
        select(Dispute.id).where(Dispute.order_id == order.id, Dispute.status.in_(ACTIVE))
    ).first()
    if active is not None:
        raise Conflict(
            "A dispute on this order is already open.",
            code="dispute_open",
            details={"dispute_id": active},
        )
    office = _office_for(session, region_path_of(session, order.region_id))
    now = clock.now()
    dispute = Dispute(
        order_id=order.id,
        purchaser_id=order.purchaser_id,
        supplier_id=order.supplier_id,
        region_id=order.region_id,
        office_id=office.id,
        handler_id=_next_handler(session, office),
        opened_by=party,
        opened_by_user=actor.user_id,
        reason=reason,
        statement=statement,
        status="awaiting_response",
        opened_at=now,
        response_due_at=due_in(settings().dispute_response_days, now),
        updated_at=now,
    )
    session.add(dispute)
    session.flush()
    dispute.submissions.append(
        DisputeSubmission(author=party, user_id=actor.user_id, kind="opening", text=statement)
    )
    order.payment_held = True
    order.updated_at = now
    session.flush()
    record_step(
        session,
        actor,
        "dispute.opened",
        dispute,
        opened_by=party,
        reason=reason,
        statement=statement,
        office_id=office.id,
        handler_id=dispute.handler_id,
        response_due_at=dispute.response_due_at,
    )
    record_order(session, actor, "order.payment_held", order, dispute_id=dispute.id)
    other = dispute.party_org(dispute.respondent)
    notify(
        session,
        [other],
        message(
            dispute,
            "opened",
            *en_zh(
                "the other party opened a dispute; respond by %(due)s",
                due=f"{clock.local(dispute.response_due_at):%Y-%m-%d}",
            ),
        ),
    )
    tell_handler(session, dispute, "assigned", *en_zh("a new case is assigned to you"))
    return dispute


def reassign(session: Session, actor: Actor, dispute_id: int, handler_id: int) -> Dispute:
    """改派: the office's admin gives the case to another of its handlers (e.g. after escalation)."""
    dispute, role = get_dispute(session, actor, dispute_id, for_update=True)
    if not (
        role in ("office", "handler")
        and actor.organisation_id == dispute.office_id
        and actor.has(Role.ORG_ADMIN)
    ):
        raise Forbidden(
            "Only the admin of the dispute's office may reassign it.",
            code="wrong_role",
        )
    expect_status(dispute, *ACTIVE, doing=en_zh("reassigned"))
    if handler_id not in office_handlers(session, dispute.office_id):
        raise ValidationFailed(
            "Choose an active handler of the office.",
            details={"handler_id": ["not a handler of the office"]},
        )
    before = dispute.handler_id
    dispute.handler_id = handler_id
    if dispute.status == "under_review":
        back_to_handler(dispute, clock.now())
    session.flush()
    record_step(session, actor, "dispute.reassigned", dispute, handler_id=handler_id, before=before)
    tell_handler(session, dispute, "assigned", *en_zh("the case is reassigned to you"))
    return dispute
