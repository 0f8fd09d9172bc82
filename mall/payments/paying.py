"""Paying accepted orders (MALL-5): 无合同不支付, 无验收不结项.

A payment is written first (``created``) in the purchaser's unit of work, with its ledger entry and
an idempotency key. Only after that commits is the gateway called (:func:`submit`), outside any
transaction (what it sends is read without waiting for a writer), and its answer applied in a unit
of work of its own: no write lock is held while the gateway answers. A payment the gateway reports
as succeeded makes the order paid and the budget line's reserved funds consumed — once.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation
from core.db import db
from core.errors import Conflict, NotFound
from core.messages import en_zh
from mall.budgets import service as budgets
from mall.locks import lock
from mall.orders.access import expect, get_order
from mall.orders.models import Order
from mall.orders.service import check_payable, record_order
from mall.payments import gateway
from mall.payments.common import GATEWAY, OPEN, check_not_held, record_payment, send_to_gateway
from mall.payments.models import Payment

#: The gateway's statuses, as the mall counts them.
_PAYMENT_STATUS = {
    "requires_confirmation": "processing",
    "processing": "processing",
    "succeeded": "succeeded",
    "failed": "failed",
    "canceled": "failed",
}


def payments_of(session: Session, actor: Actor, order_id: int) -> list[Payment]:
    """An order's payments, newest first, for either party."""
    get_order(session, actor, order_id)
    return list(
        session.scalars(
            select(Payment).where(Payment.order_id == order_id).order_by(Payment.id.desc())
        )
    )


def request_payment(session: Session, actor: Actor, order_id: int) -> Payment:
    """付款: the purchaser asks to pay an accepted order whose contract both sides signed. One
    payment at a time: a new one only after the previous failed."""
    order = get_order(session, actor, order_id, side="purchaser", for_update=True)
    expect(order, "accepted", doing=en_zh("paid"))
    check_not_held(order)
    amount = check_payable(order)
    open_or_paid = session.scalars(
        select(Payment).where(
            Payment.order_id == order.id, Payment.status.in_((*OPEN, "succeeded"))
        )
    ).first()
    if open_or_paid is not None:
        raise Conflict(
            "A payment of this order is already under way or done.",
            code="payment_exists",
            details={"payment_id": open_or_paid.id, "status": open_or_paid.status},
        )
    payment = Payment(
        order_id=order.id,
        amount=amount,
        status="created",
        idempotency_key=f"mall-pay-{order.id}-{uuid.uuid4().hex}",
        requested_by=actor.user_id,
    )
    session.add(payment)
    session.flush()
    record_payment(
        session, actor, "payment.requested", payment, order, idempotency_key=payment.idempotency_key
    )
    return payment


def _payment_request(session: Session, payment: Payment) -> dict[str, Any]:
    order = session.get(Order, payment.order_id)
    assert order is not None
    supplier = session.get(Organisation, order.supplier_id)
    return {
        "amount": gateway.to_fen(payment.amount),
        "currency": "CNY",
        "reference": f"{order.number}-P{payment.id}",
        "description": f"政府采购订单 {order.number} 货款",
        "payee": supplier.name_zh if supplier else "",
        "metadata": {"order_id": order.id, "payment_id": payment.id, "payer": order.purchaser_id},
        "return_url": f"/orders/{order.id}",
    }


def submit(payment_id: int) -> str:
    """Send a committed payment to the gateway and apply its answer; the payment's status after.
    If the gateway does not answer, the payment stays ``created`` and :func:`reconcile` sends it
    again with the same idempotency key."""
    with db.reading() as session:
        payment = session.get(Payment, payment_id)
        if payment is None:
            raise NotFound("No such payment.")
        status = payment.status
        if status == "created":
            data = _payment_request(session, payment)
            key = payment.idempotency_key
    if status != "created":
        return status
    return send_to_gateway(
        "payment",
        payment_id,
        status,
        lambda: gateway.client().create_payment(data, key),
        apply_payment_answer,
    )


def apply_payment_answer(
    session: Session, payment_id: int, result: gateway.GatewayResult, event_id: str | None = None
) -> Payment:
    """Apply what the gateway says of a payment: its object (status, id, checkout address) or
    its refusal (a decline: the payment fails and the order can be paid again)."""
    payment = session.get(Payment, payment_id)
    assert payment is not None
    order = lock(session, Order, payment.order_id)
    payment = lock(session, Payment, payment_id)
    assert order is not None and payment is not None
    body = result.body
    if not result.ok:
        error = result.error
        return _fail(
            session,
            payment,
            order,
            str(error.get("code") or f"http_{result.status_code}"),
            str(error.get("message") or "The gateway refused the payment."),
        )
    ref = body.get("id")
    if isinstance(ref, str) and payment.gateway_ref is None:
        payment.gateway_ref = ref
        payment.checkout_url = body.get("checkout_url") or None
        payment.updated_at = clock.now()
        if payment.status == "created":
            payment.status = "processing"
            session.flush()
            record_payment(session, GATEWAY, "payment.submitted", payment, order)
    status = _PAYMENT_STATUS.get(str(body.get("status")))
    if status == "succeeded":
        _succeed(session, payment, order, event_id)
    elif status == "failed":
        _fail(
            session,
            payment,
            order,
            str(body.get("failure_code") or "failed"),
            str(body.get("failure_message") or "The payment failed."),
            event_id,
        )
    session.flush()
    return payment


def _succeed(session: Session, payment: Payment, order: Order, event_id: str | None) -> None:
    if payment.status == "succeeded":
        return
    if order.status != "accepted" or payment.status not in OPEN:
        # Money moved for a payment the mall no longer expects (e.g. the order was already paid
        # by another one): recorded for the operators, the order is left as it is.
        record_payment(
            session,
            GATEWAY,
            "payment.unmatched",
            payment,
            order,
            event=event_id,
            order_status=order.status,
        )
        return
    now = clock.now()
    payment.status = "succeeded"
    payment.settled_at = payment.updated_at = now
    budgets.consume(session, GATEWAY, order.budget_line_id, payment.amount, ("order", order.id))
    order.status = "paid"
    order.paid_at = order.updated_at = now
    session.flush()
    record_payment(session, GATEWAY, "payment.succeeded", payment, order, event=event_id)
    record_order(session, GATEWAY, "order.paid", order, payment=payment.id, amount=payment.amount)


def _fail(
    session: Session,
    payment: Payment,
    order: Order,
    code: str,
    message: str,
    event_id: str | None = None,
) -> Payment:
    if payment.status not in OPEN:
        return payment
    payment.status = "failed"
    payment.failure_code = code[:60]
    payment.failure_message = message[:500]
    payment.settled_at = payment.updated_at = clock.now()
    session.flush()
    record_payment(
        session,
        GATEWAY,
        "payment.failed",
        payment,
        order,
        failure_code=payment.failure_code,
        event=event_id,
    )
    return payment
