"""Payment (MALL-5): pay an accepted order through the gateway, its signed callback, refunds and
the supplier's confirmation that closes the order."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_smorest import Blueprint

from core.accounts.auth import require_actor
from core.db import db
from mall.orders.schemas import SupplierOrderSchema
from mall.payments import gateway, service
from mall.payments.models import Payment, Refund
from mall.payments.schemas import (
    PaymentListSchema,
    PaymentSchema,
    RefundRequestSchema,
    RefundSchema,
    WebhookAnswerSchema,
)

blp = Blueprint("payments", __name__, url_prefix="/api/mall", description="支付 Payment (MALL-5)")


def commit_request() -> None:
    """End the request's unit of work now, so the gateway is called only for what is committed."""
    db.finish_unit()


@blp.route("/orders/<int:order_id>/payments", methods=["GET"])
@blp.response(200, PaymentListSchema)
def list_payments(order_id: int):  # type: ignore[no-untyped-def]
    """An order's payments and their refunds, newest first (either party)."""
    return {"items": service.payments_of(db.session, require_actor(), order_id)}


@blp.route("/orders/<int:order_id>/payments", methods=["POST"])
@blp.response(201, PaymentSchema)
def request_payment(order_id: int):  # type: ignore[no-untyped-def]
    """付款: pay an accepted order whose contract both sides signed. The answer carries the
    gateway's cashier page (``checkout_url``), where the payer confirms. If the gateway does not
    answer, the payment stays ``created`` and is sent again by reconciliation."""
    payment_id = service.request_payment(db.session, require_actor(), order_id).id
    commit_request()
    service.submit(payment_id)
    return db.session.get(Payment, payment_id)


@blp.route("/supplier/orders/<int:order_id>/refunds", methods=["POST"])
@blp.arguments(RefundRequestSchema)
@blp.response(201, RefundSchema)
def request_refund(args: dict[str, Any], order_id: int):  # type: ignore[no-untyped-def]
    """退款: send back part or all of a paid order's payment, with a reason."""
    refund_id = service.request_refund(
        db.session, require_actor(), order_id, args["amount"], args["reason"]
    ).id
    commit_request()
    service.submit_refund(refund_id)
    return db.session.get(Refund, refund_id)


@blp.route("/supplier/orders/<int:order_id>/close", methods=["POST"])
@blp.response(200, SupplierOrderSchema)
def close(order_id: int):  # type: ignore[no-untyped-def]
    """确认收款并完结: the supplier confirms the funds arrived; the order closes."""
    return service.close(db.session, require_actor(), order_id)


@blp.route("/payments/webhook", methods=["POST"])
@blp.response(200, WebhookAnswerSchema)
def webhook():  # type: ignore[no-untyped-def]
    """The gateway's callback. Signed (``Gateway-Signature``); a bad signature is refused and
    changes nothing; an event delivered again is acknowledged and applied once."""
    return service.apply_event(
        db.session,
        request.get_data(cache=True),
        request.headers.get(gateway.SIGNATURE_HEADER),
        gateway.webhook_secret(current_app),
    )
