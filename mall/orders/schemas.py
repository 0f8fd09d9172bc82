"""Schemas for carts and orders: the purchaser's view shows the budget line; the supplier's does not."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate

from core.api import MAX_ID, IntField, MoneyField, PageArgs
from mall.budgets.models import FUND_SOURCES
from mall.orders.cart import MAX_QUANTITY
from mall.orders.checkout import ADDRESS_MAX, ADDRESS_MIN, NAME_MAX, PHONE
from mall.orders.designated import MAX_DETAILS, MAX_PLACE
from mall.orders.models import STATUSES

_id = validate.Range(min=1, max=MAX_ID)


def _phone(value: str | None) -> None:
    """A phone number's form; a blank one is left to the checkout (``delivery_incomplete``)."""
    if value is not None and value.strip() and not PHONE.fullmatch(value.strip()):
        raise ValidationError("电话号码格式不正确 / Not a phone number.")


_quantity = validate.Range(min=1, max=MAX_QUANTITY)


class OrganisationBriefSchema(Schema):
    id = IntField()
    name_zh = fields.String()
    name_en = fields.String()
    credit_code = fields.String()


# ---------------------------------------------------------------- cart


class CartAddSchema(Schema):
    listing_id = IntField(required=True, validate=_id)
    quantity = IntField(load_default=1, validate=_quantity)


class CartQuantitySchema(Schema):
    quantity = IntField(required=True, validate=_quantity)


class CartItemSchema(Schema):
    id = IntField()
    listing_id = IntField()
    title_zh = fields.String()
    title_en = fields.String()
    brand = fields.String()
    model = fields.String()
    unit_price = MoneyField(metadata={"description": "today's price; frozen only at checkout"})
    quantity = IntField()
    line_total = MoneyField()
    stock = IntField()
    problem = fields.String(
        allow_none=True,
        metadata={"description": "not_on_shelf | not_delivered_here | insufficient_stock"},
    )
    service_required = fields.Boolean(
        metadata={"description": "a designated service (定点服务): checkout needs its details"}
    )


class CartGroupSchema(Schema):
    supplier = fields.Nested(OrganisationBriefSchema)
    sme = fields.Boolean(metadata={"description": "small or medium enterprise (中小企业)"})
    items = fields.List(fields.Nested(CartItemSchema))
    subtotal = MoneyField()


class CartSchema(Schema):
    groups = fields.List(fields.Nested(CartGroupSchema))
    total = MoneyField()
    count = IntField()


class ServiceDetailsSchema(Schema):
    """定点服务: when, where and what; checked further (date not past, text not blank) at checkout."""

    service_date = fields.Date(required=True)
    service_place = fields.String(required=True, validate=validate.Length(min=1, max=MAX_PLACE))
    service_details = fields.String(required=True, validate=validate.Length(min=1, max=MAX_DETAILS))


class ListingServiceSchema(ServiceDetailsSchema):
    listing_id = IntField(required=True, validate=_id)


class CheckoutSchema(Schema):
    budget_line_id = IntField(required=True, validate=_id)
    supplier_ids = fields.List(
        IntField(validate=_id),
        load_default=None,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "check out only these suppliers' groups; default: the whole cart"},
    )
    # Left out or blank, they are refused by the checkout itself with ``delivery_incomplete``
    # naming each empty field; here only their length and the phone's form.
    delivery_address = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=ADDRESS_MAX),
        metadata={"description": f"required, {ADDRESS_MIN}..{ADDRESS_MAX} characters"},
    )
    contact_name = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=NAME_MAX),
        metadata={"description": f"required, at most {NAME_MAX} characters"},
    )
    contact_phone = fields.String(
        load_default=None,
        allow_none=True,
        validate=_phone,
        metadata={"description": "required; digits, spaces and hyphens, an optional leading +"},
    )
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))
    services = fields.List(
        fields.Nested(ListingServiceSchema),
        load_default=None,
        validate=validate.Length(max=500),
        metadata={
            "description": "service details per listing: required for designated services "
            "(定点服务), refused for goods"
        },
    )


# ---------------------------------------------------------------- orders


class OrderItemSchema(Schema):
    id = IntField()
    listing_id = IntField(allow_none=True)
    category_id = IntField()
    title_zh = fields.String()
    title_en = fields.String()
    brand = fields.String()
    model = fields.String()
    params = fields.Dict()
    unit_price = MoneyField()
    quantity = IntField()
    line_total = MoneyField()
    service = fields.Nested(ServiceDetailsSchema, allow_none=True)


class AcceptanceItemSchema(Schema):
    order_item_id = IntField(required=True, validate=_id)
    quantity = IntField(required=True, validate=validate.Range(min=0, max=MAX_QUANTITY))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class AcceptanceSchema(Schema):
    id = IntField()
    decision = fields.String()
    notes = fields.String(allow_none=True)
    reasons = fields.List(fields.String(), allow_none=True)
    accepted_total = MoneyField(allow_none=True)
    items = fields.List(fields.Nested(AcceptanceItemSchema))
    recorded_by = IntField()
    recorded_at = fields.DateTime()


class AttachmentSchema(Schema):
    id = IntField()
    original_name = fields.String()
    content_type = fields.String()
    size = IntField()
    sha256 = fields.String()
    created_at = fields.DateTime()


class AttachmentUploadSchema(Schema):
    file = Upload(required=True)


class _OrderSchema(Schema):
    id = IntField()
    number = fields.String()
    source = fields.String(
        metadata={"description": "mall (checkout) | auction (an award) | agreement (a call-off)"}
    )
    source_id = IntField(
        allow_none=True, metadata={"description": "the auction's or call-off's id"}
    )
    status = fields.String()
    status_zh = fields.String()
    status_en = fields.String()
    items = fields.List(fields.Nested(OrderItemSchema))
    total = MoneyField()
    accepted_total = MoneyField(allow_none=True)
    delivery_address = fields.String()
    contact_name = fields.String()
    contact_phone = fields.String()
    note = fields.String(allow_none=True)
    delivery_days = IntField()
    acceptance_days = IntField()
    payment_days = IntField()
    placed_at = fields.DateTime()
    confirm_by = fields.DateTime()
    confirmed_at = fields.DateTime(allow_none=True)
    shipped_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    accepted_at = fields.DateTime(allow_none=True)
    paid_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)
    decline_reason = fields.String(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    cancel_requested_by = fields.String(allow_none=True)
    logistics_company = fields.String(allow_none=True)
    tracking_no = fields.String(allow_none=True)
    contract_id = fields.Function(
        lambda order: order.contract.id if order.contract else None, allow_none=True
    )
    acceptances = fields.List(fields.Nested(AcceptanceSchema))
    attachments = fields.List(fields.Nested(AttachmentSchema))


class BudgetLineBriefSchema(Schema):
    id = IntField()
    fiscal_year = IntField()
    fund_source = fields.String()
    fund_source_zh = fields.Function(lambda line: FUND_SOURCES[line.fund_source][0])
    code = fields.String()
    name = fields.String()


class PurchaserOrderSchema(_OrderSchema):
    """The purchaser unit's view."""

    supplier = fields.Nested(OrganisationBriefSchema)
    budget_line = fields.Nested(BudgetLineBriefSchema)
    placed_by = IntField()


class SupplierOrderSchema(_OrderSchema):
    """The supplier's view: no budget details."""

    purchaser = fields.Nested(OrganisationBriefSchema)


class OrderQuerySchema(PageArgs):
    status = fields.String(validate=validate.OneOf(STATUSES))


class OrderReasonSchema(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class ShipSchema(Schema):
    logistics_company = fields.String(required=True, validate=validate.Length(min=1, max=100))
    tracking_no = fields.String(required=True, validate=validate.Length(min=1, max=60))


class NoteSchema(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class AcceptSchema(Schema):
    items = fields.List(
        fields.Nested(AcceptanceItemSchema),
        load_default=None,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "accepted quantity of every item; omit to accept everything"},
    )
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class RefuseAcceptanceSchema(Schema):
    reasons = fields.List(
        fields.String(validate=validate.Length(min=1, max=500)),
        required=True,
        validate=validate.Length(min=1, max=20),
    )
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class PayabilitySchema(Schema):
    payable = fields.Boolean()
    amount = MoneyField(allow_none=True)
    problems = fields.List(fields.Dict())


class PolicySchema(Schema):
    purchase_limit = MoneyField()
    sme_reserved_below = MoneyField()
    sme_reserved_below_works = MoneyField()
    sme_price_deduction = fields.String()
    green_price_deduction = fields.String()
    confirm_hours = IntField()
    delivery_days = IntField()
    acceptance_days = IntField()
    payment_days = IntField()
    award_rule_zh = fields.String()
    award_rule_en = fields.String()
    limit_rule_zh = fields.String()
    limit_rule_en = fields.String()
    sme_rule_zh = fields.String()
    sme_rule_en = fields.String()
