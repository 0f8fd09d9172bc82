"""Paying accepted orders (MALL-5): refunds (退款) of a paid order — by the supplier or ordered by
a dispute — sent to the gateway after the commit, the funds given back to the budget line."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.db import db
from core.errors import NotFound, ValidationFailed
from core.messages import en_zh
from mall.budgets import service as budgets
from mall.locks import lock
from mall.orders.access import expect, get_order
from mall.orders.models import Order
from mall.payments import gateway
from mall.payments.common import GATEWAY, OPEN, record_payment, send_to_gateway
from mall.payments.models import Payment, Refund

#: The gateway's refund statuses, as the mall counts them.
_REFUND_STATUS = {"pending": "processing", "succeeded": "succeeded", "failed": "failed"}


def request_refund(
    session: Session, actor: Actor, order_id: int, amount: Decimal, reason: str
) -> Refund:
    """退款: the supplier sends back part or all of what a paid order's payment brought it."""
    order = get_order(session, actor, order_id, side="supplier", for_update=True)
    return new_refund(session, actor, order, amount, reason)


def refundable(session: Session, order: Order) -> Decimal:
    """What can still be refunded of a paid order: paid, less refunded and refunds under way."""
    payment = session.scalars(
        select(Payment).where(Payment.order_id == order.id, Payment.status == "succeeded")
    ).first()
    return Decimal("0.00") if payment is None else _left(payment)


def _left(payment: Payment) -> Decimal:
    pending = sum(
        (r.amount for r in payment.refunds if r.status in ("created", "processing")), Decimal(0)
    )
    return payment.amount - payment.refunded - pending


def new_refund(
    session: Session, actor: Actor, order: Order, amount: Decimal, reason: str, **extra: Any
) -> Refund:
    """A refund of a paid order (locked by the caller), written and ledgered; the caller sends it
    to the gateway with ``submit_refund`` after the commit. ``extra`` goes on the ledger entry
    (e.g. the dispute ruling that ordered it)."""
    expect(order, "paid", "closed", doing=en_zh("refunded"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Give the reason for the refund.", details={"reason": ["required"]})
    payment = session.scalars(
        select(Payment)
        .where(Payment.order_id == order.id, Payment.status == "succeeded")
        .with_for_update()
    ).first()
    assert payment is not None, "a paid order has a succeeded payment"
    left = _left(payment)
    if amount <= 0 or amount > left:
        raise ValidationFailed(
            "A refund must be above zero and at most %(left)s CNY.",
            code="bad_refund_amount",
            params={"left": left},
            details={"amount": [f"0 < amount <= {left}"]},
        )
    refund = Refund(
        payment_id=payment.id,
        amount=amount,
        status="created",
        reason=reason[:1000],
        idempotency_key=f"mall-refund-{payment.id}-{uuid.uuid4().hex}",
        requested_by=actor.user_id,
    )
    session.add(refund)
    session.flush()
    record_payment(
        session,
        actor,
        "payment.refund_requested",
        payment,
        order,
        refund=refund.id,
        refund_amount=amount,
        reason=refund.reason,
        **extra,
    )
    return refund


def submit_refund(refund_id: int) -> str:
    """Send a committed refund to the gateway and apply its answer; the refund's status after."""
    with db.reading() as session:
        refund = session.get(Refund, refund_id)
        if refund is None:
            raise NotFound("No such refund.")
        status = refund.status
        payment = session.get(Payment, refund.payment_id)
        assert payment is not None and payment.gateway_ref is not None
        data = {
            "payment": payment.gateway_ref,
            "amount": gateway.to_fen(refund.amount),
            "reason": refund.reason[:300],
            "metadata": {"refund_id": refund.id},
        }
        key = refund.idempotency_key
    if status != "created":
        return status
    return send_to_gateway(
        "refund",
        refund_id,
        status,
        lambda: gateway.client().create_refund(data, key),
        apply_refund_answer,
    )


def apply_refund_answer(session: Session, refund_id: int, result: gateway.GatewayResult) -> Refund:
    refund = session.get(Refund, refund_id)
    assert refund is not None
    payment = session.get(Payment, refund.payment_id)
    assert payment is not None
    order = lock(session, Order, payment.order_id)
    payment = lock(session, Payment, payment.id)
    refund = lock(session, Refund, refund_id)
    assert order is not None and payment is not None and refund is not None
    if refund.status not in OPEN:
        return refund
    body = result.body
    if not result.ok:
        status, code = "failed", str(result.error.get("code") or f"http_{result.status_code}")
    else:
        if isinstance(body.get("id"), str) and refund.gateway_ref is None:
            refund.gateway_ref = body["id"]
        status = _REFUND_STATUS.get(str(body.get("status")), "processing")
        code = str(body.get("failure_code") or "failed")
    if status == "processing":
        refund.status = "processing"
        session.flush()
        return refund
    refund.status = status
    refund.settled_at = clock.now()
    if status == "succeeded":
        payment.refunded += refund.amount
        payment.updated_at = refund.settled_at
        budgets.refund(session, GATEWAY, order.budget_line_id, refund.amount, ("order", order.id))
        session.flush()
        record_payment(
            session,
            GATEWAY,
            "payment.refunded",
            payment,
            order,
            refund=refund.id,
            refund_amount=refund.amount,
            refunded=payment.refunded,
        )
    else:
        refund.failure_code = code[:60]
        session.flush()
        record_payment(
            session,
            GATEWAY,
            "payment.refund_failed",
            payment,
            order,
            refund=refund.id,
            failure_code=refund.failure_code,
        )
    return refund
