"""纠纷化解 (MALL-9): carrying out what a ruling or a settlement orders — a refund through the
payment gateway, the order re-opened for a replacement, a credit penalty, a supplier's suspension —
each ledgered with the dispute; once all are carried out the dispute is archived and the hold on the
order's payment is lifted."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from catalog.enrolment.service import impose_suspension
from core import clock
from core.accounts.auth import SYSTEM, Actor
from core.db import db
from core.errors import ValidationFailed
from core.money import cny
from mall.disputes.common import (
    REOPENABLE,
    record_step,
)
from mall.disputes.models import (
    OUTCOMES,
    Dispute,
    DisputeEffect,
)
from mall.locks import lock
from mall.orders.models import Order
from mall.orders.service import record_order
from mall.payments import refunds
from mall.payments.models import Refund
from supervision.credit.service import record_penalty


def check_effect_terms(
    session: Session, order: Order, refund: Decimal | None, reopen: bool
) -> None:
    if refund is not None:
        refund = cny(refund)
        left = refunds.refundable(session, order) if order.status in ("paid", "closed") else None
        if left is None or refund <= 0 or refund > left:
            raise ValidationFailed(
                "A refund needs a paid order and an amount above zero, at most what is left to "
                "refund.",
                code="bad_refund_amount",
                details={"refund_amount": [f"0 < amount <= {left or 0}"]},
            )
    if reopen and order.status not in REOPENABLE:
        raise ValidationFailed(
            "Only an order shipped but not yet paid can be re-opened for a replacement.",
            code="cannot_reopen",
            details={"reopen": [f"order status {order.status}"]},
        )


def order_effects(
    session: Session,
    actor: Actor,
    dispute: Dispute,
    order: Order,
    effects: list[tuple[str, int, dict[str, Any]]],
    source: str,
) -> None:
    """Carry out the effects now — all but refunds, which the gateway completes after the commit —
    then archive the dispute if nothing is left pending."""
    now = clock.now()
    link = {"dispute_id": dispute.id, "decision": source, "outcome": dispute.outcome}
    for kind, target, params in effects:
        effect = DisputeEffect(kind=kind, target_org_id=target, params=params, status="pending")
        dispute.effects.append(effect)
        session.flush()
        link_effect = {**link, "effect_id": effect.id}
        if kind == "refund":
            refund = refunds.new_refund(
                session,
                actor,
                order,
                Decimal(params["amount"]),
                f"纠纷 {dispute.number} 处理结果退款 / refund ordered by dispute {dispute.number}",
                **link_effect,
            )
            effect.ref_id = refund.id
        elif kind == "reopen":
            before = order.status
            order.status = "confirmed"
            order.shipped_at = order.delivered_at = order.accepted_at = None
            order.accepted_total = None
            order.updated_at = now
            session.flush()
            record_order(session, actor, "order.reopened", order, before=before, **link_effect)
            effect.status, effect.done_at = "done", now
        elif kind == "credit_penalty":
            record_penalty(
                session,
                actor,
                target,
                params["points"],
                f"纠纷 {dispute.number}：{OUTCOMES[dispute.outcome][0]}",
                **link_effect,
            )
            effect.status, effect.done_at = "done", now
        elif kind == "suspension":
            suspension = impose_suspension(
                session,
                actor,
                target,
                f"纠纷 {dispute.number} 裁决暂停 / suspended by the ruling on dispute {dispute.number}",
                now + timedelta(days=params["days"]),
                **link_effect,
            )
            effect.ref_id = suspension.id
            effect.status, effect.done_at = "done", now
        session.flush()
        record_step(
            session,
            actor,
            "dispute.effect",
            dispute,
            effect_id=effect.id,
            kind=kind,
            target_org_id=target,
            params=params,
            effect_status=effect.status,
        )
    archive_if_done(session, actor, dispute)


def pending_refunds(dispute: Dispute) -> list[int]:
    return [e.ref_id for e in dispute.effects if e.kind == "refund" and e.status == "pending"]


def archive_if_done(session: Session, actor: Actor, dispute: Dispute) -> bool:
    if dispute.status not in ("ruled", "settled"):
        return False
    if any(e.status == "pending" for e in dispute.effects):
        return False
    now = clock.now()
    dispute.status = "archived"
    dispute.archived_at = dispute.updated_at = now
    order = lock(session, Order, dispute.order_id)
    assert order is not None
    order.payment_held = False
    order.updated_at = now
    session.flush()
    failed = [e.id for e in dispute.effects if e.status == "failed"]
    record_step(
        session, actor, "dispute.archived", dispute, outcome=dispute.outcome, failed_effects=failed
    )
    record_order(session, actor, "order.payment_released", order, dispute_id=dispute.id)
    return True


def settle_effects(session: Session, dispute_id: int, actor: Actor = SYSTEM) -> Dispute | None:
    """Mark refunds the gateway has finished as done (or failed) and archive when all are."""
    dispute = lock(session, Dispute, dispute_id)
    if dispute is None or dispute.status not in ("ruled", "settled"):
        return dispute
    now = clock.now()
    for effect in dispute.effects:
        if effect.kind != "refund" or effect.status != "pending" or effect.ref_id is None:
            continue
        refund = session.get(Refund, effect.ref_id)
        if refund is None or refund.status not in ("succeeded", "failed"):
            continue
        effect.status = "done" if refund.status == "succeeded" else "failed"
        effect.done_at = now
        session.flush()
        record_step(
            session,
            actor,
            "dispute.effect_settled",
            dispute,
            effect_id=effect.id,
            kind="refund",
            refund_id=refund.id,
            effect_status=effect.status,
        )
    archive_if_done(session, actor, dispute)
    return dispute


def carry_out_refunds(dispute_id: int) -> None:
    """After the decision has committed: send its refunds to the gateway, then settle what the
    gateway answered (a refund still processing is settled later by ``tick``)."""
    with db.unit_of_work() as session:
        dispute = session.get(Dispute, dispute_id)
        refund_ids = pending_refunds(dispute) if dispute else []
    for refund_id in refund_ids:
        refunds.submit_refund(refund_id)
    if refund_ids:
        with db.unit_of_work() as session:
            settle_effects(session, dispute_id)
