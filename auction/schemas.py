from __future__ import annotations

from marshmallow import Schema, fields, validate

from auction.service import MAX_EXTENSION, MAX_EXTENSIONS, MAX_QUANTITY, MAX_SNIPE_WINDOW
from core.api import MAX_ID, MoneyField, PageArgs, page_of

_id = validate.Range(min=1, max=MAX_ID)


class AuctionCreateSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=2, max=200))
    category_id = fields.Integer(required=True, validate=_id)
    standard_product_id = fields.Integer(load_default=None, allow_none=True, validate=_id)
    required_params = fields.Dict(
        keys=fields.String(validate=validate.Length(max=60)), load_default=dict
    )
    quantity = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_QUANTITY))
    unit = fields.String(load_default="台", validate=validate.Length(min=1, max=10))
    delivery_region_id = fields.Integer(required=True, validate=_id)
    delivery_address = fields.String(required=True, validate=validate.Length(min=2, max=300))
    delivery_date = fields.Date(required=True)
    contact_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    contact_phone = fields.String(
        required=True, validate=validate.Regexp(r"^\+?[0-9][0-9 -]{5,28}$")
    )
    budget_line_id = fields.Integer(required=True, validate=_id)
    ceiling = MoneyField(required=True, metadata={"description": "最高限价, a unit price"})
    show_ceiling = fields.Boolean(load_default=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
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


class AuctionEditSchema(AuctionCreateSchema):
    """The terms of a draft to change: any of those it was created with, checked again as a
    whole."""


class AuctionSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    status = fields.String()
    title = fields.String()
    purchaser_id = fields.Integer()
    category_id = fields.Integer()
    standard_product_id = fields.Integer(allow_none=True)
    required_params = fields.Dict()
    quantity = fields.Integer()
    unit = fields.String()
    delivery_region_id = fields.Integer()
    delivery_address = fields.String()
    delivery_date = fields.Date()
    contact_name = fields.String()
    contact_phone = fields.String()
    ceiling = fields.Function(
        lambda a: None if getattr(a, "hide_ceiling", False) else str(a.ceiling),
        allow_none=True,
        metadata={"description": "最高限价 (unit price); null for bidders when it is not shown"},
    )
    show_ceiling = fields.Boolean()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    scheduled_end = fields.DateTime()
    decrement_mode = fields.String()
    decrement_value = MoneyField()
    must_beat = fields.String()
    snipe_window_seconds = fields.Integer()
    extension_seconds = fields.Integer()
    max_extensions = fields.Integer()
    extensions_used = fields.Integer()
    visibility = fields.String()
    min_bidders = fields.Integer()
    sme_only = fields.Boolean()
    published_at = fields.DateTime(allow_none=True)
    opened_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    winner_id = fields.Integer(allow_none=True)
    failure_reason = fields.String(allow_none=True)
    audit_sha256 = fields.String(allow_none=True)


AuctionPage = page_of(AuctionSchema, "AuctionPage")


class AuctionQuerySchema(PageArgs):
    status = fields.String(
        validate=validate.OneOf(["draft", "published", "awarded", "failed", "cancelled"])
    )


class AuctionReasonSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class BidSchema(Schema):
    price = MoneyField(required=True, metadata={"description": "a unit price in CNY"})


class LadderRowSchema(Schema):
    rank = fields.Integer()
    label = fields.String()
    name = fields.String(
        allow_none=True, metadata={"description": "the supplier's name, only after the award"}
    )
    supplier_id = fields.Integer(allow_none=True)
    price = MoneyField()
    at = fields.DateTime()


class MineSchema(Schema):
    label = fields.String(allow_none=True)
    best_own_price = MoneyField(allow_none=True)
    last_price = MoneyField(allow_none=True)
    rank = fields.Integer(allow_none=True)
    next_allowed = MoneyField(allow_none=True)
    won = fields.Boolean()


class StateSchema(Schema):
    id = fields.Integer()
    status = fields.String()
    phase = fields.String(metadata={"description": "before | open | after"})
    now = fields.DateTime()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    seconds_left = fields.Integer()
    extensions_used = fields.Integer()
    bid_count = fields.Integer(allow_none=True)
    bidder_count = fields.Integer(allow_none=True)
    best_price = MoneyField(allow_none=True)
    ceiling = MoneyField(allow_none=True)
    ladder = fields.List(fields.Nested(LadderRowSchema), allow_none=True)
    mine = fields.Nested(MineSchema, allow_none=True)
    winner_id = fields.Integer(allow_none=True)
    failure_reason = fields.String(allow_none=True)


class BidResultSchema(Schema):
    bid_id = fields.Integer()
    seq = fields.Integer()
    price = MoneyField()
    placed_at = fields.DateTime()
    extended_to = fields.DateTime(allow_none=True)
    state = fields.Nested(StateSchema)
