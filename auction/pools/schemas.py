from __future__ import annotations

from marshmallow import Schema, fields, validate

from auction.pools.service import MAX_WINNERS
from auction.service import MAX_EXTENSION, MAX_EXTENSIONS, MAX_QUANTITY, MAX_SNIPE_WINDOW
from core.api import MAX_ID, MoneyField, PageArgs, page_of

_id = validate.Range(min=1, max=MAX_ID)
_phone = validate.Regexp(r"^\+?[0-9][0-9 -]{5,28}$")
STATUSES = ["open", "closed", "auctioned", "awarded", "failed", "cancelled"]


class PoolCreateSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=2, max=200))
    category_id = fields.Integer(required=True, validate=_id)
    standard_product_id = fields.Integer(load_default=None, allow_none=True, validate=_id)
    required_params = fields.Dict(
        keys=fields.String(validate=validate.Length(max=60)), load_default=dict
    )
    unit = fields.String(load_default="台", validate=validate.Length(min=1, max=10))
    ceiling = MoneyField(required=True, metadata={"description": "最高限价, a unit price"})
    show_ceiling = fields.Boolean(load_default=True)
    opens_at = fields.AwareDateTime(
        load_default=None, allow_none=True, metadata={"description": "default: now"}
    )
    closes_at = fields.AwareDateTime(required=True, metadata={"description": "需求征集截止"})
    delivery_date = fields.Date(required=True)
    contact_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    contact_phone = fields.String(required=True, validate=_phone)
    auction_starts_at = fields.AwareDateTime(required=True)
    auction_ends_at = fields.AwareDateTime(required=True)
    decrement_mode = fields.String(required=True, validate=validate.OneOf(["absolute", "percent"]))
    decrement_value = MoneyField(
        required=True,
        metadata={"description": "CNY (absolute) or percent of the price to beat, 0.5–3"},
    )
    must_beat = fields.String(load_default="best", validate=validate.OneOf(["best", "own"]))
    snipe_window_seconds = fields.Integer(
        load_default=120, validate=validate.Range(min=0, max=MAX_SNIPE_WINDOW)
    )
    extension_seconds = fields.Integer(
        load_default=180, validate=validate.Range(min=0, max=MAX_EXTENSION)
    )
    max_extensions = fields.Integer(
        load_default=5, validate=validate.Range(min=0, max=MAX_EXTENSIONS)
    )
    visibility = fields.String(
        load_default="best", validate=validate.OneOf(["rank", "best", "ladder"])
    )
    min_bidders = fields.Integer(load_default=3, validate=validate.Range(min=1, max=50))
    max_winners = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_WINNERS),
        metadata={"description": "how many suppliers may share the award, each to its capacity"},
    )


class PoolSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    status = fields.String()
    title = fields.String()
    organiser_id = fields.Integer()
    region_id = fields.Integer()
    category_id = fields.Integer()
    standard_product_id = fields.Integer(allow_none=True)
    required_params = fields.Dict()
    unit = fields.String()
    ceiling = fields.Function(
        lambda p: None if getattr(p, "hide_ceiling", False) else str(p.ceiling),
        allow_none=True,
        metadata={"description": "最高限价 (unit price); null for suppliers when it is not shown"},
    )
    show_ceiling = fields.Boolean()
    opens_at = fields.DateTime()
    closes_at = fields.DateTime()
    delivery_date = fields.Date()
    contact_name = fields.String()
    contact_phone = fields.String()
    auction_starts_at = fields.DateTime()
    auction_ends_at = fields.DateTime()
    decrement_mode = fields.String()
    decrement_value = MoneyField()
    must_beat = fields.String()
    snipe_window_seconds = fields.Integer()
    extension_seconds = fields.Integer()
    max_extensions = fields.Integer()
    visibility = fields.String()
    min_bidders = fields.Integer()
    max_winners = fields.Integer()
    quantity = fields.Integer(metadata={"description": "the pooled quantity"})
    demand_count = fields.Integer()
    auction_id = fields.Integer(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    failure_reason = fields.String(allow_none=True)


PoolPage = page_of(PoolSchema, "PoolPage")


class PoolQuerySchema(PageArgs):
    status = fields.String(validate=validate.OneOf(STATUSES))
    mine = fields.Boolean(
        load_default=False,
        metadata={"description": "purchasers: only pools the unit organised or added demand to"},
    )


class PoolReasonSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class DemandCreateSchema(Schema):
    quantity = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_QUANTITY))
    budget_line_id = fields.Integer(required=True, validate=_id)
    delivery_region_id = fields.Integer(required=True, validate=_id)
    delivery_address = fields.String(required=True, validate=validate.Length(min=2, max=300))
    contact_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    contact_phone = fields.String(required=True, validate=_phone)


class DemandSchema(Schema):
    id = fields.Integer()
    pool_id = fields.Integer()
    purchaser_id = fields.Integer()
    status = fields.String()
    quantity = fields.Integer()
    budget_line_id = fields.Integer()
    held = MoneyField(metadata={"description": "what the budget line holds for this demand now"})
    delivery_region_id = fields.Integer()
    delivery_address = fields.String()
    contact_name = fields.String()
    contact_phone = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class CapacitySchema(Schema):
    quantity = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_QUANTITY))


class CapacityOutSchema(Schema):
    pool_id = fields.Integer()
    supplier_id = fields.Integer()
    quantity = fields.Integer()
    declared_at = fields.DateTime()


class AllocationSchema(Schema):
    id = fields.Integer()
    demand_id = fields.Integer()
    purchaser_id = fields.Integer()
    supplier_id = fields.Integer()
    rank = fields.Integer()
    unit_price = MoneyField()
    quantity = fields.Integer()
    total = MoneyField()
    order_id = fields.Integer()
