from __future__ import annotations

from marshmallow import Schema, fields, validate

from auction import service
from auction.terms import MAX_QUANTITY
from auction.terms_schemas import BiddingRulesArgs, BiddingRulesSchema, hidden_ceiling
from core.accounts.auth import current_actor
from core.api import MAX_ID, IntField, MoneyField, PageArgs, page_of

_id = validate.Range(min=1, max=MAX_ID)


class AuctionCreateSchema(BiddingRulesArgs):
    title = fields.String(required=True, validate=validate.Length(min=2, max=200))
    title_en = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "The title in English (optional); pages fall back to title."},
    )
    category_id = IntField(required=True, validate=_id)
    standard_product_id = IntField(load_default=None, allow_none=True, validate=_id)
    required_params = fields.Dict(
        keys=fields.String(validate=validate.Length(max=60)), load_default=dict
    )
    quantity = IntField(required=True, validate=validate.Range(min=1, max=MAX_QUANTITY))
    unit = fields.String(load_default="台", validate=validate.Length(min=1, max=10))
    delivery_region_id = IntField(required=True, validate=_id)
    delivery_address = fields.String(required=True, validate=validate.Length(min=2, max=300))
    delivery_date = fields.Date(required=True)
    contact_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    contact_phone = fields.String(
        required=True, validate=validate.Regexp(r"^\+?[0-9][0-9 -]{5,28}$")
    )
    budget_line_id = IntField(required=True, validate=_id)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)


class AuctionEditSchema(AuctionCreateSchema):
    """The terms of a draft to change: any of those it was created with, checked again as a
    whole."""


class AuctionSchema(BiddingRulesSchema):
    id = IntField()
    number = fields.String()
    status = fields.String()
    title = fields.String()
    title_en = fields.String(allow_none=True)
    purchaser_id = IntField()
    category_id = IntField()
    standard_product_id = IntField(allow_none=True)
    required_params = fields.Dict()
    quantity = IntField()
    unit = fields.String()
    delivery_region_id = IntField()
    delivery_address = fields.String()
    delivery_date = fields.Date()
    contact_name = fields.String()
    contact_phone = fields.String()
    ceiling = hidden_ceiling(
        lambda auction: service.visible_ceiling(current_actor(), auction), "bidders"
    )
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    scheduled_end = fields.DateTime()
    extensions_used = IntField()
    sme_only = fields.Boolean()
    published_at = fields.DateTime(allow_none=True)
    opened_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    winner_id = IntField(allow_none=True)
    failure_reason = fields.String(allow_none=True)
    audit_sha256 = fields.String(allow_none=True)
    calloff_id = IntField(
        allow_none=True,
        metadata={
            "description": "二次竞价: the framework agreement call-off competed for; only its "
            "invited entrants bid, each under its own ceiling"
        },
    )


AuctionPage = page_of(AuctionSchema, "AuctionPage")


class AuctionQuerySchema(PageArgs):
    status = fields.String(
        validate=validate.OneOf(["draft", "published", "awarded", "failed", "cancelled"])
    )


class AuctionReasonSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class PublishSchema(Schema):
    """What to do when the draft's start has passed: open now (same duration), or a new start."""

    start_now = fields.Boolean(
        load_default=False,
        metadata={"description": "open now; the end moves so that the duration stays"},
    )
    starts_at = fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        metadata={"description": "a new start; the end moves so that the duration stays"},
    )


class EligibleQuerySchema(Schema):
    """The terms that decide who may bid: the category, and whether the lot is reserved for SMEs
    (given, or worked out from ``quantity`` × ``ceiling`` as the SME rule does)."""

    category_id = IntField(text=True, required=True, validate=_id)
    region_id = IntField(text=True, load_default=None, validate=_id)
    sme_only = fields.Boolean(load_default=None, allow_none=True)
    quantity = IntField(
        text=True, load_default=None, validate=validate.Range(min=1, max=MAX_QUANTITY)
    )
    ceiling = MoneyField(load_default=None)
    min_bidders = IntField(text=True, load_default=3, validate=validate.Range(min=1, max=50))


class EligibilitySchema(Schema):
    category_id = IntField()
    sme_only = fields.Boolean()
    count = IntField(metadata={"description": "how many suppliers may bid now (never who)"})
    min_bidders = IntField()
    enough = fields.Boolean(metadata={"description": "count ≥ min_bidders"})


class BidSchema(Schema):
    price = MoneyField(required=True, metadata={"description": "a unit price in CNY"})


class LadderRowSchema(Schema):
    rank = IntField()
    label = fields.String(metadata={"description": "供应商 N: the anonymised label, in Chinese"})
    label_no = IntField(metadata={"description": "the N of the label, for any language"})
    name = fields.String(
        allow_none=True, metadata={"description": "the supplier's name, only after the award"}
    )
    supplier_id = IntField(allow_none=True)
    price = MoneyField(metadata={"description": "the offered unit price (the award is at it)"})
    deduction = fields.Decimal(
        as_string=True, metadata={"description": "价格扣除: the share taken off for ranking"}
    )
    evaluated_price = MoneyField(metadata={"description": "评审价格: what the offer ranks by"})
    at = fields.DateTime()


class MineSchema(Schema):
    label = fields.String(allow_none=True)
    label_no = IntField(allow_none=True)
    best_own_price = MoneyField(allow_none=True)
    last_price = MoneyField(allow_none=True)
    deduction = fields.Decimal(as_string=True, allow_none=True)
    evaluated_price = MoneyField(allow_none=True)
    rank = IntField(allow_none=True)
    next_allowed = MoneyField(allow_none=True)
    own_ceiling = MoneyField(
        allow_none=True,
        metadata={
            "description": "a framework agreement call-off's secondary competition: the bidder's "
            "own ceiling, Σ its agreed unit price × quantity"
        },
    )
    won = fields.Boolean()


class StateSchema(Schema):
    id = IntField()
    status = fields.String()
    phase = fields.String(metadata={"description": "before | open | after"})
    now = fields.DateTime()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    seconds_left = IntField()
    extensions_used = IntField()
    bid_count = IntField(allow_none=True)
    bidder_count = IntField(allow_none=True)
    best_price = MoneyField(
        allow_none=True, metadata={"description": "the lowest evaluated price (MALL-7)"}
    )
    ceiling = MoneyField(allow_none=True)
    ladder = fields.List(fields.Nested(LadderRowSchema), allow_none=True)
    mine = fields.Nested(MineSchema, allow_none=True)
    winner_id = IntField(allow_none=True)
    failure_reason = fields.String(allow_none=True)


class BidResultSchema(Schema):
    bid_id = IntField()
    seq = IntField()
    price = MoneyField()
    placed_at = fields.DateTime()
    extended_to = fields.DateTime(allow_none=True)
    state = fields.Nested(StateSchema)
