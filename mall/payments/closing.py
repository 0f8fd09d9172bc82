"""Paying accepted orders (MALL-5): closing a paid order (确认收款并完结), by the supplier or by
itself when the supplier does not confirm in time, and reconciling with the gateway: ``reconcile``
asks the gateway about every payment and refund still open, so a lost callback or an unanswered
call is repaired."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.db import db
from core.messages import en_zh
from mall.locks import lock
from mall.orders.access import expect, get_order
from mall.orders.models import Order
from mall.orders.service import record_order
from mall.payments import gateway
from mall.payments.common import OPEN, check_not_held
from mall.payments.models import Payment, Refund
from mall.payments.paying import apply_payment_answer, submit
from mall.payments.refunds import (
    apply_refund_answer,
    submit_refund,
)


def close(session: Session, actor: Actor, order_id: int) -> Order:
    """确认收款并完结: the supplier confirms the funds arrived; the order closes."""
    order = get_order(session, actor, order_id, side="supplier", for_update=True)
    expect(order, "paid", doing=en_zh("closed"))
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
    _reconcile_each(
        payments, submit, client.get_payment, apply_payment_answer, counts, count_resent=True
    )
    _reconcile_each(
        refunds, submit_refund, client.get_refund, apply_refund_answer, counts, count_resent=False
    )
    return counts


def _reconcile_each(
    rows: Sequence[Row[tuple[int, str, str | None]]],
    resend: Callable[[int], str],
    fetch: Callable[[str], gateway.GatewayResult],
    apply: Callable[[Session, int, gateway.GatewayResult], Payment | Refund],
    counts: dict[str, int],
    count_resent: bool,
) -> None:
    """Reconcile open payments or refunds: one the gateway never received is sent again, one it
    knows is fetched and its answer applied; ``counts`` is added to (``resent`` only with
    ``count_resent``)."""
    for object_id, _status, ref in rows:
        try:
            if ref is None:
                if count_resent:
                    counts["resent"] += 1
                after = resend(object_id)
            else:
                result = fetch(ref)
                with db.unit_of_work() as session:
                    after = apply(session, object_id, result).status
        except gateway.GatewayUnavailable:
            counts["unreachable"] += 1
            continue
        counts["settled" if after not in OPEN else "open"] += 1
