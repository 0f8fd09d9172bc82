"""Paying accepted orders (MALL-5): the gateway's signed callback. It settles a payment or a
refund once, however often it comes."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import DomainError, NotFound, ValidationFailed
from mall.locks import lock
from mall.orders.models import Order
from mall.payments import gateway
from mall.payments.models import GatewayEvent, Payment, Refund
from mall.payments.paying import apply_payment_answer
from mall.payments.refunds import (
    apply_refund_answer,
)


def apply_event(session: Session, raw: bytes, signature: str | None, secret: str) -> dict[str, Any]:
    """Apply a signed callback. A bad signature is refused and changes nothing; an event already
    applied is acknowledged and changes nothing."""
    if not gateway.verify_signature(raw, signature, secret):
        raise DomainError(
            "The callback's signature is missing, wrong or too old.",
            code="bad_signature",
        )
    try:
        event = json.loads(raw)
        event_id = str(event["id"])
        kind = str(event["type"])
        obj = event["data"]["object"]
        ref = str(obj["id"])
    except (ValueError, KeyError, TypeError):
        raise ValidationFailed("The callback is not a gateway event.", code="bad_event") from None
    if kind.startswith("payment."):
        payment = _payment_for(session, obj, ref)
        refund = None
    elif kind.startswith("refund."):
        refund = session.scalars(select(Refund).where(Refund.gateway_ref == ref)).first()
        if refund is None:
            raise NotFound("No refund with this gateway id.", code="unknown_refund")
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
        raise NotFound("No payment with this gateway id.", code="unknown_payment")
    return payment
