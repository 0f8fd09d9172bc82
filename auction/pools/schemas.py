from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from auction import eligibility
from auction.pools import eligible, service
from auction.pools.opening import MAX_WINNERS
from auction.terms import MAX_QUANTITY
from auction.terms_schemas import BiddingRulesArgs, BiddingRulesSchema, hidden_ceiling
from core.accounts.auth import current_actor
from core.accounts.roles import OrgKind
from core.api import MAX_ID, IntField, MoneyField, PageArgs, page_of
from core.db import db

_id = validate.Range(min=1, max=MAX_ID)
_phone = validate.Regexp(r"^\+?[0-9][0-9 -]{5,28}$")
STATUSES = ["open", "closed", "auctioned", "awarded", "failed", "cancelled"]


class PoolCreateSchema(BiddingRulesArgs):
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
    unit = fields.String(load_default="台", validate=validate.Length(min=1, max=10))
    opens_at = fields.AwareDateTime(
        load_default=None, allow_none=True, metadata={"description": "default: now"}
    )
    closes_at = fields.AwareDateTime(required=True, metadata={"description": "需求征集截止"})
    delivery_date = fields.Date(required=True)
    contact_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    contact_phone = fields.String(required=True, validate=_phone)
    auction_starts_at = fields.AwareDateTime(required=True)
    auction_ends_at = fields.AwareDateTime(required=True)
    max_winners = IntField(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_WINNERS),
        metadata={"description": "how many suppliers may share the award, each to its capacity"},
    )


class PoolSchema(BiddingRulesSchema):
    id = IntField()
    number = fields.String()
    status = fields.String()
    title = fields.String()
    title_en = fields.String(allow_none=True)
    organiser_id = IntField()
    region_id = IntField()
    category_id = IntField()
    standard_product_id = IntField(allow_none=True)
    required_params = fields.Dict()
    unit = fields.String()
    ceiling = hidden_ceiling(
        lambda pool: service.visible_ceiling(db.session, current_actor(), pool), "suppliers"
    )
    opens_at = fields.DateTime()
    closes_at = fields.DateTime()
    delivery_date = fields.Date()
    contact_name = fields.String()
    contact_phone = fields.String()
    auction_starts_at = fields.DateTime()
    auction_ends_at = fields.DateTime()
    max_winners = IntField()
    quantity = IntField(metadata={"description": "the pooled quantity"})
    demand_count = IntField()
    auction_id = IntField(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    failure_reason = fields.String(allow_none=True)
    why_not = fields.Method(
        "_why_not",
        allow_none=True,
        metadata={
            "description": "suppliers: why the company may not take part (code, message, "
            "message_zh), or null"
        },
    )

    def _why_not(self, pool: Any) -> dict[str, str] | None:
        actor = current_actor()
        if actor is None or actor.org_kind != OrgKind.SUPPLIER:
            return None
        code = eligible.supplier_reason(db.session, actor.organisation_id, pool)
        if code is None:
            return None
        en, zh = eligibility.message(code)
        return {"code": code, "message": en, "message_zh": zh}


PoolPage = page_of(PoolSchema, "PoolPage")


class PoolQuerySchema(PageArgs):
    status = fields.String(validate=validate.OneOf(STATUSES))
    mine = fields.Boolean(
        load_default=False,
        metadata={"description": "purchasers: only pools the unit organised or added demand to"},
    )
    all = fields.Boolean(
        load_default=False,
        metadata={
            "description": "suppliers: also the pools the company may not take part in, each "
            "with ``why_not``"
        },
    )


class PoolEligibleQuerySchema(Schema):
    """The terms that decide who may take part before a pool is opened: its category, or the
    standard product (whose category it then is)."""

    category_id = IntField(text=True, load_default=None, validate=_id)
    standard_product_id = IntField(text=True, load_default=None, validate=_id)
    min_bidders = IntField(text=True, load_default=3, validate=validate.Range(min=1, max=50))


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
