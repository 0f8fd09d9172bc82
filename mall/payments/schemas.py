from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.api import IntField, MoneyField


class RefundSchema(Schema):
    id = IntField()
    amount = MoneyField()
    status = fields.String(metadata={"description": "created | processing | succeeded | failed"})
    reason = fields.String()
    failure_code = fields.String(allow_none=True)
    created_at = fields.DateTime()
    settled_at = fields.DateTime(allow_none=True)


class PayeePaymentSchema(Schema):
    """A payment as its payee (the order's supplier) sees it: status and amounts, nothing that
    lets anyone act on the payer's side at the gateway."""

    id = fields.Integer()
    order_id = fields.Integer()
    amount = MoneyField()
    refunded = MoneyField()
    status = fields.String(metadata={"description": "created | processing | succeeded | failed"})
    status_zh = fields.String()
    status_en = fields.String()
    failure_code = fields.String(allow_none=True)
    failure_message = fields.String(allow_none=True)
    created_at = fields.DateTime()
    settled_at = fields.DateTime(allow_none=True)
    refunds = fields.List(fields.Nested(RefundSchema))


class PaymentSchema(PayeePaymentSchema):
    """A payment as its payer (the order's purchaser) sees it, with the gateway's cashier page."""

    gateway_ref = fields.String(allow_none=True)
    checkout_url = fields.String(
        allow_none=True,
        metadata={"description": "the gateway's cashier page, where the payer confirms"},
    )


class PaymentListSchema(Schema):
    items = fields.List(fields.Nested(PaymentSchema))


class PayeePaymentListSchema(Schema):
    items = fields.List(fields.Nested(PayeePaymentSchema))


class RefundRequestSchema(Schema):
    amount = MoneyField(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class WebhookAnswerSchema(Schema):
    received = fields.Boolean()
    duplicate = fields.Boolean()
    ignored = fields.String()
