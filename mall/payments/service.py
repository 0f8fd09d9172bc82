"""Paying accepted orders (MALL-5): 无合同不支付, 无验收不结项.

A payment is written first (``created``) in the purchaser's unit of work, with its ledger entry and
an idempotency key. Only after that commits is the gateway called (:func:`submit`), outside any
transaction (what it sends is read without waiting for a writer), and its answer applied in a unit
of work of its own: no write lock is held while the gateway answers. The gateway's signed callback
(:func:`apply_event`) settles the payment: the order becomes paid and the budget line's reserved
funds become consumed — once, however often the callback comes. ``reconcile`` asks the gateway about
every payment and refund still open, so a lost callback or an unanswered call is repaired.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation
from core.db import db
from core.errors import Conflict, DomainError, NotFound, ValidationFailed
from mall.budgets import service as budgets
from mall.locks import lock
from mall.orders.access import expect, get_order
from mall.orders.models import Order
from mall.orders.service import check_payable, record_order
from mall.payments import gateway
from mall.payments.models import GatewayEvent, Payment, Refund
from supervision.ledger import record

log = logging.getLogger(__name__)

#: Who applies the gateway's answers on the ledger.
GATEWAY = Actor(user_id=None, username="payment-gateway")
#: The gateway's statuses, as the mall counts them.
_PAYMENT_STATUS = {
    "requires_confirmation": "processing",
    "processing": "processing",
    "succeeded": "succeeded",
    "failed": "failed",
    "canceled": "failed",
}
_REFUND_STATUS = {"pending": "processing", "succeeded": "succeeded", "failed": "failed"}
OPEN = ("created", "processing")


def _record_payment(
    session: Session, actor: Actor, action: str, payment: Payment, order: Order, **extra: Any
) -> None:
    record(
        session,
        actor,
        action,
        ("payment", payment.id),
        {
            "order": order.id,
            "amount": payment.amount,
            "status": payment.status,
            "gateway_ref": payment.gateway_ref,
            **extra,
        },
        region_id=order.region_id,
    )


# ---------------------------------------------------------------- requesting a payment


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
    expect(order, "accepted", doing=("paid", "付款"))
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
            "该订单已有进行中或已完成的付款。",
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
    _record_payment(
        session, actor, "payment.requested", payment, order, idempotency_key=payment.idempotency_key
    )
    return payment


def check_not_held(order: Order) -> None:
    """Refuse to move money on an order with a dispute open on it (MALL-9)."""
    if order.payment_held:
        raise Conflict(
            "A dispute is open on this order: its payment is held until the dispute is resolved.",
            "该订单存在未结纠纷，付款已暂停，待纠纷处理完毕后方可继续。",
            code="payment_held",
        )


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
            raise NotFound("No such payment.", "没有该付款。")
        status = payment.status
        if status == "created":
            data = _payment_request(session, payment)
            key = payment.idempotency_key
    if status != "created":
        return status
    try:
        result = gateway.client().create_payment(data, key)
    except gateway.GatewayUnavailable:
        log.warning("payment %s: the gateway did not answer; reconciliation will retry", payment_id)
        return status
    with db.unit_of_work() as session:
        return apply_payment_answer(session, payment_id, result).status


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
            _record_payment(session, GATEWAY, "payment.submitted", payment, order)
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
        _record_payment(
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
    _record_payment(session, GATEWAY, "payment.succeeded", payment, order, event=event_id)
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
    _record_payment(
        session,
        GATEWAY,
        "payment.failed",
        payment,
        order,
        failure_code=payment.failure_code,
        event=event_id,
    )
    return payment


# ---------------------------------------------------------------- the gateway's callback


def apply_event(session: Session, raw: bytes, signature: str | None, secret: str) -> dict[str, Any]:
    """Apply a signed callback. A bad signature is refused and changes nothing; an event already
    applied is acknowledged and changes nothing."""
    if not gateway.verify_signature(raw, signature, secret):
        raise DomainError(
            "The callback's signature is missing, wrong or too old.",
            "回调签名缺失、错误或已过期。",
            code="bad_signature",
        )
    try:
        event = json.loads(raw)
        event_id = str(event["id"])
        kind = str(event["type"])
        obj = event["data"]["object"]
        ref = str(obj["id"])
    except (ValueError, KeyError, TypeError):
        raise ValidationFailed(
            "The callback is not a gateway event.", "回调内容不是有效的网关事件。", code="bad_event"
        ) from None
    if kind.startswith("payment."):
        payment = _payment_for(session, obj, ref)
        refund = None
    elif kind.startswith("refund."):
        refund = session.scalars(select(Refund).where(Refund.gateway_ref == ref)).first()
        if refund is None:
            raise NotFound(
                "No refund with this gateway id.", "没有对应的退款。", code="unknown_refund"
            )
        payment = session.get(Payment, refund.payment_id)
        assert payment is not None
    else:
        return {"received": True, "ignored": kind}
    # The order's row lock serialises two deliveries of one event: the second one waits here and
    # then finds the first one's record.
    lock(session, Order, payment.order_id)
    if session.scalars(select(GatewayEvent).where(GatewayEvent.event_id == event_id)).first():
        return {"received": True, "duplicate": True}
    result = gateway.GatewayResult(True, 200, obj)
    if refund is None:
        apply_payment_answer(session, payment.id, result, event_id)
    else:
        apply_refund_answer(session, refund.id, result)
    session.add(GatewayEvent(event_id=event_id[:64], type=kind[:40], gateway_ref=ref[:64]))
    session.flush()
    return {"received": True, "duplicate": False}


def _payment_for(session: Session, obj: dict[str, Any], ref: str) -> Payment:
    payment = session.scalars(select(Payment).where(Payment.gateway_ref == ref)).first()
    if payment is None:
        # The callback may come before the answer to the create call was stored.
        metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
        candidate = metadata.get("payment_id")
        if isinstance(candidate, int):
            payment = session.get(Payment, candidate)
            if payment is not None and payment.gateway_ref not in (None, ref):
                payment = None
    if payment is None:
        raise NotFound(
            "No payment with this gateway id.", "没有对应的付款。", code="unknown_payment"
        )
    return payment


# ---------------------------------------------------------------- refunds


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
    expect(order, "paid", "closed", doing=("refunded", "退款"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Give the reason for the refund.", "请填写退款原因。", details={"reason": ["required"]}
        )
    payment = session.scalars(
        select(Payment)
        .where(Payment.order_id == order.id, Payment.status == "succeeded")
        .with_for_update()
    ).first()
    assert payment is not None, "a paid order has a succeeded payment"
    left = _left(payment)
    if amount <= 0 or amount > left:
        raise ValidationFailed(
            f"A refund must be above zero and at most {left} CNY.",
            f"退款金额须大于零且不超过 {left} 元。",
            code="bad_refund_amount",
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
    _record_payment(
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
            raise NotFound("No such refund.", "没有该退款。")
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
    try:
        result = gateway.client().create_refund(data, key)
    except gateway.GatewayUnavailable:
        log.warning("refund %s: the gateway did not answer; reconciliation will retry", refund_id)
        return status
    with db.unit_of_work() as session:
        return apply_refund_answer(session, refund_id, result).status


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
        _record_payment(
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
        _record_payment(
            session,
            GATEWAY,
            "payment.refund_failed",
            payment,
            order,
            refund=refund.id,
            failure_code=refund.failure_code,
        )
    return refund


# ---------------------------------------------------------------- closing and reconciling


def close(session: Session, actor: Actor, order_id: int) -> Order:
    """确认收款并完结: the supplier confirms the funds arrived; the order closes."""
    order = get_order(session, actor, order_id, side="supplier", for_update=True)
    expect(order, "paid", doing=("closed", "完结"))
    check_not_held(order)
    return _close(session, actor, order)


def _close(session: Session, actor: Actor, order: Order) -> Order:
    order.status = "closed"
    order.closed_at = order.updated_at = clock.now()
    session.flush()
    record_order(session, actor, "order.closed", order)
    return order


def close_overdue(session: Session, actor: Actor, days: int) -> list[Order]:
    """Paid orders whose supplier did not confirm the funds within ``days`` close by themselves."""
    cutoff = clock.now() - timedelta(days=days)
    ids = session.scalars(
        select(Order.id)
        .where(Order.status == "paid", Order.paid_at <= cutoff, Order.payment_held.is_(False))
        .order_by(Order.id)
    ).all()
    closed = []
    for order_id in ids:
        order = lock(session, Order, order_id)
        if order is not None and order.status == "paid" and not order.payment_held:
            closed.append(_close(session, actor, order))
    return closed


def reconcile() -> dict[str, int]:
    """Ask the gateway about every payment and refund still open and apply what it says: payments
    it never received are sent again with their own idempotency key."""
    counts = {"resent": 0, "settled": 0, "open": 0, "unreachable": 0}
    with db.reading() as session:
        payments = session.execute(
            select(Payment.id, Payment.status, Payment.gateway_ref).where(Payment.status.in_(OPEN))
        ).all()
        refunds = session.execute(
            select(Refund.id, Refund.status, Refund.gateway_ref).where(Refund.status.in_(OPEN))
        ).all()
    client = gateway.client()
    for payment_id, _status, ref in payments:
        try:
            if ref is None:
                counts["resent"] += 1
                after = submit(payment_id)
            else:
                result = client.get_payment(ref)
                with db.unit_of_work() as session:
                    after = apply_payment_answer(session, payment_id, result).status
        except gateway.GatewayUnavailable:
            counts["unreachable"] += 1
            continue
        counts["settled" if after not in OPEN else "open"] += 1
    for refund_id, _status, ref in refunds:
        try:
            if ref is None:
                after_refund = submit_refund(refund_id)
            else:
                result = client.get_refund(ref)
                with db.unit_of_work() as session:
                    after_refund = apply_refund_answer(session, refund_id, result).status
        except gateway.GatewayUnavailable:
            counts["unreachable"] += 1
            continue
        counts["settled" if after_refund not in OPEN else "open"] += 1
    return counts
