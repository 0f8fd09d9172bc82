"""Payment (MALL-5): pay an accepted order through the gateway, its signed callback, refunds and
the supplier's confirmation that closes the order."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from flask_smorest import Blueprint

from core.accounts.auth import require_actor
from core.db import db
from core.limits import unlimited
from mall.orders.access import party_of
from mall.orders.models import Order
from mall.orders.schemas import SupplierOrderSchema
from mall.payments import gateway, service
from mall.payments.models import Payment, Refund
from mall.payments.schemas import (
    PayeePaymentListSchema,
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
@blp.response(
    200,
    PaymentListSchema,
    description="The purchaser gets each payment with its cashier page (``checkout_url``); the "
    "supplier gets status and amounts only (PayeePaymentSchema).",
)
def list_payments(order_id: int):  # type: ignore[no-untyped-def]
    """An order's payments and their refunds, newest first (either party, each its own view)."""
    actor = require_actor()
    payments = service.payments_of(db.session, actor, order_id)
    order = db.session.get(Order, order_id)
    assert order is not None
    schema = (
        PaymentListSchema() if party_of(actor, order) == "purchaser" else PayeePaymentListSchema()
    )
    return jsonify(schema.dump({"items": payments}))


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
@unlimited
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
