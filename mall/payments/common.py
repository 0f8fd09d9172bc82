"""Paying accepted orders (MALL-5): what paying, refunding and closing share — who applies the
gateway's answers, the open statuses, the payment's ledger entry and the hold a dispute puts on an
order's money."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from core.accounts.auth import Actor
from core.db import db
from core.errors import Conflict
from mall.orders.models import Order
from mall.payments import gateway
from mall.payments.models import Payment, Refund
from supervision.ledger import record

log = logging.getLogger(__name__)

#: Who applies the gateway's answers on the ledger.
GATEWAY = Actor(user_id=None, username="payment-gateway")
#: A payment or a refund in these statuses still awaits the gateway.
OPEN = ("created", "processing")


def record_payment(
    session: Session, actor: Actor, action: str, payment: Payment, order: Order, **extra: Any
) -> None:
    """Ledger a step of ``payment`` (with its order's region)."""
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


def check_not_held(order: Order) -> None:
    """Refuse to move money on an order with a dispute open on it (MALL-9)."""
    if order.payment_held:
        raise Conflict(
            "A dispute is open on this order: its payment is held until the dispute is resolved.",
            code="payment_held",
        )


def send_to_gateway(
    kind: str,
    object_id: int,
    status: str,
    call: Callable[[], gateway.GatewayResult],
    apply: Callable[[Session, int, gateway.GatewayResult], Payment | Refund],
) -> str:
    """Make a create ``call`` to the gateway for a committed payment or refund and ``apply`` its
    answer in a unit of work of its own; the status after. If the gateway does not answer, the
    object keeps ``status`` and reconciliation sends it again with the same idempotency key."""
    try:
        result = call()
    except gateway.GatewayUnavailable:
        log.warning("%s %s: the gateway did not answer; reconciliation will retry", kind, object_id)
        return status
    with db.unit_of_work() as session:
        return apply(session, object_id, result).status
