from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from auction.pools import service
from auction.pools.service import MAX_WINNERS
from auction.service import MAX_EXTENSION, MAX_EXTENSIONS, MAX_QUANTITY, MAX_SNIPE_WINDOW
from core.accounts.auth import current_actor
from core.api import MAX_ID, IntField, MoneyField, PageArgs, page_of
from core.db import db

_id = validate.Range(min=1, max=MAX_ID)
_phone = validate.Regexp(r"^\+?[0-9][0-9 -]{5,28}$")
STATUSES = ["open", "closed", "auctioned", "awarded", "failed", "cancelled"]


class PoolCreateSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=2, max=200))
    category_id = IntField(required=True, validate=_id)
    standard_product_id = IntField(load_default=None, allow_none=True, validate=_id)
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
    snipe_window_seconds = IntField(
        load_default=120, validate=validate.Range(min=0, max=MAX_SNIPE_WINDOW)
    )
    extension_seconds = IntField(
        load_default=180, validate=validate.Range(min=0, max=MAX_EXTENSION)
    )
    max_extensions = IntField(load_default=5, validate=validate.Range(min=0, max=MAX_EXTENSIONS))
    visibility = fields.String(
        load_default="best", validate=validate.OneOf(["rank", "best", "ladder"])
    )
    min_bidders = IntField(load_default=3, validate=validate.Range(min=1, max=50))
    max_winners = IntField(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_WINNERS),
        metadata={"description": "how many suppliers may share the award, each to its capacity"},
    )


def _ceiling(pool: Any) -> str | None:
    """Hidden unless the caller may see it: every view that dumps a pool goes through here."""
    amount = service.visible_ceiling(db.session, current_actor(), pool)
    return None if amount is None else str(amount)


class PoolSchema(Schema):
    id = IntField()
    number = fields.String()
    status = fields.String()
    title = fields.String()
    organiser_id = IntField()
    region_id = IntField()
    category_id = IntField()
    standard_product_id = IntField(allow_none=True)
    required_params = fields.Dict()
    unit = fields.String()
    ceiling = fields.Function(
        _ceiling,
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
    snipe_window_seconds = IntField()
    extension_seconds = IntField()
    max_extensions = IntField()
    visibility = fields.String()
    min_bidders = IntField()
    max_winners = IntField()
    quantity = IntField(metadata={"description": "the pooled quantity"})
    demand_count = IntField()
    auction_id = IntField(allow_none=True)
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
    quantity = IntField(required=True, validate=validate.Range(min=1, max=MAX_QUANTITY))
    budget_line_id = IntField(required=True, validate=_id)
    delivery_region_id = IntField(required=True, validate=_id)
    delivery_address = fields.String(required=True, validate=validate.Length(min=2, max=300))
    contact_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    contact_phone = fields.String(required=True, validate=_phone)


class DemandSchema(Schema):
    id = IntField()
    pool_id = IntField()
    purchaser_id = IntField()
    status = fields.String()
    quantity = IntField()
    budget_line_id = IntField()
    held = MoneyField(metadata={"description": "what the budget line holds for this demand now"})
    delivery_region_id = IntField()
    delivery_address = fields.String()
    contact_name = fields.String()
    contact_phone = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class CapacitySchema(Schema):
    quantity = IntField(required=True, validate=validate.Range(min=1, max=MAX_QUANTITY))


class CapacityOutSchema(Schema):
    pool_id = IntField()
    supplier_id = IntField()
    quantity = IntField()
    declared_at = fields.DateTime()


class AllocationSchema(Schema):
    id = IntField()
    demand_id = IntField()
    purchaser_id = IntField()
    supplier_id = IntField()
    rank = IntField()
    unit_price = MoneyField()
    quantity = IntField()
    total = MoneyField()
    order_id = IntField()
