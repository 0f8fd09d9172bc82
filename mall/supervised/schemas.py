"""The supervisor's view (SUP-6): both parties and the budget line of an order; a payment's status,
amounts and gateway reference, never the payer's cashier page."""

from __future__ import annotations

from marshmallow import Schema, fields, validate
from sqlalchemy.orm import object_session

from core.api import MAX_ID, IntField, PageArgs
from mall.orders.models import STATUSES, Order
from mall.orders.schemas import BudgetLineBriefSchema, OrganisationBriefSchema, _OrderSchema
from mall.payments.models import PAYMENT_STATUSES, Payment
from mall.payments.schemas import PayeePaymentSchema
from mall.supervised.service import SIGNED, order_of

_id = validate.Range(min=1, max=MAX_ID)


class SupervisedOrderSchema(_OrderSchema):
    """An order as a supervisor of its region sees it."""

    purchaser = fields.Nested(OrganisationBriefSchema)
    supplier = fields.Nested(OrganisationBriefSchema)
    budget_line = fields.Nested(BudgetLineBriefSchema)
    placed_by = IntField()
    region_id = IntField()
    payment_held = fields.Boolean()


class ContractBriefSchema(Schema):
    id = IntField()
    number = fields.String()
    order_id = IntField()
    order_number = fields.Function(lambda c: c.order.number)
    purchaser = fields.Function(lambda c: OrganisationBriefSchema().dump(c.order.purchaser))
    supplier = fields.Function(lambda c: OrganisationBriefSchema().dump(c.order.supplier))
    order_status = fields.Function(lambda c: c.order.status)
    sha256 = fields.String()
    created_at = fields.DateTime()
    signed_by = fields.Function(
        lambda c: [s.party for s in c.signatures],
        metadata={
            "description": "the parties that signed (their signatures are checked on the "
            "contract itself)"
        },
    )


def _order(payment: Payment) -> Order:
    session = object_session(payment)
    assert session is not None
    return order_of(session, payment)


class SupervisedPaymentSchema(PayeePaymentSchema):
    gateway_ref = fields.String(allow_none=True)
    order_number = fields.Function(lambda p: _order(p).number)
    purchaser = fields.Function(lambda p: OrganisationBriefSchema().dump(_order(p).purchaser))
    supplier = fields.Function(lambda p: OrganisationBriefSchema().dump(_order(p).supplier))


class _RegionArgs(PageArgs):
    region_id = IntField(
        text=True, validate=_id, metadata={"description": "a region of yours (or below it)"}
    )
    purchaser_id = IntField(text=True, validate=_id)
    supplier_id = IntField(text=True, validate=_id)
    from_date = fields.Date(metadata={"description": "from this day (Asia/Shanghai, inclusive)"})
    to_date = fields.Date(metadata={"description": "to this day (Asia/Shanghai, inclusive)"})


class SupervisedOrderQuerySchema(_RegionArgs):
    status = fields.String(validate=validate.OneOf(STATUSES))
    source = fields.String(validate=validate.OneOf(("mall", "auction", "agreement")))
    number = fields.String(
        validate=validate.Length(max=30), metadata={"description": "order number or id"}
    )


class SupervisedContractQuerySchema(_RegionArgs):
    signed = fields.String(
        validate=validate.OneOf(SIGNED), metadata={"description": "how many parties signed"}
    )


class SupervisedPaymentQuerySchema(_RegionArgs):
    status = fields.String(validate=validate.OneOf(PAYMENT_STATUSES))
    order_id = IntField(text=True, validate=_id)
