"""Call-offs over HTTP (MALL-8, 第二阶段): what a purchaser sends, what the purchaser side reads
(purchaser, solicitor, operators, supervisors: ``CallOffSchema``) and what a supplier reads of an
offer addressed to it (``OfferSchema``: the call-off without the budget line, the reason or other
suppliers' turns, and the total at its own agreed prices)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from core.api import MAX_ID, IntField, MoneyField, PageArgs, page_of
from core.db import db
from mall.agreements.calloff_models import CALL_OFF_STATUSES, OFFER_STATUSES, REASONS, CallOff
from mall.agreements.models import CALL_OFF_METHODS, AgreementEntrant
from mall.agreements.prices import prices_at

_id = validate.Range(min=1, max=MAX_ID)


class CallOffItemArgs(Schema):
    item_id = IntField(required=True, validate=_id)
    #: checked by the service (``quantity_invalid``): a whole number ≥ 1
    quantity = fields.Raw(required=True, metadata={"description": "whole number ≥ 1"})
    unit_price = MoneyField(
        load_default=None,
        allow_none=True,
        metadata={"description": "direct selection: at or below the agreed unit price"},
    )


class CallOffArgs(Schema):
    method = fields.String(
        required=True,
        validate=validate.OneOf(CALL_OFF_METHODS),
        metadata={
            "description": "direct 直接选定 / rotation 顺序轮候 / secondary_competition 二次竞价"
        },
    )
    items = fields.List(fields.Nested(CallOffItemArgs), required=True)
    budget_line_id = IntField(required=True, validate=_id)
    delivery_address = fields.String(load_default="", validate=validate.Length(max=300))
    contact_name = fields.String(load_default="", validate=validate.Length(max=50))
    contact_phone = fields.String(load_default="", validate=validate.Length(max=30))
    delivery_date = fields.Date(load_default=None, allow_none=True)
    entrant_id = IntField(load_default=None, allow_none=True, validate=_id)
    reason = fields.String(
        load_default=None, allow_none=True, metadata={"description": " / ".join(REASONS)}
    )
    reason_note = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=500)
    )
    starts_at = fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "secondary competition: when bidding opens (default: 30 minutes after "
            "placing, rounded up to five minutes)"
        },
    )
    ends_at = fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        metadata={"description": "secondary competition: when bidding ends (default: 1 hour on)"},
    )


class DeclineArgs(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class CallOffItemSchema(Schema):
    item_id = IntField()
    quantity = IntField()
    unit_price = MoneyField(allow_none=True)


class OfferStepSchema(Schema):
    id = IntField()
    entrant_id = IntField()
    supplier_id = IntField()
    status = fields.String()
    offered_at = fields.DateTime()
    expires_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)
    note = fields.String(allow_none=True)


class CallOffSchema(Schema):
    """The purchaser side's view: everything, every turn of a rotation."""

    id = IntField()
    number = fields.String()
    agreement_id = IntField()
    purchaser_id = IntField()
    budget_line_id = IntField()
    method = fields.String()
    status = fields.String()
    entrant_id = IntField(allow_none=True)
    reason = fields.String(allow_none=True)
    reason_note = fields.String(allow_none=True)
    held = MoneyField(metadata={"description": "funds the budget line holds for the call-off"})
    delivery_address = fields.String()
    contact_name = fields.String()
    contact_phone = fields.String()
    delivery_date = fields.Date()
    order_id = IntField(allow_none=True)
    auction_id = IntField(
        allow_none=True, metadata={"description": "secondary competition: its reverse auction"}
    )
    placed_at = fields.DateTime()
    items = fields.List(fields.Nested(CallOffItemSchema))
    offers = fields.List(fields.Nested(OfferStepSchema))


class SupplierCallOffSchema(Schema):
    id = IntField()
    number = fields.String()
    agreement_id = IntField()
    method = fields.String()
    delivery_address = fields.String()
    contact_name = fields.String()
    contact_phone = fields.String()
    delivery_date = fields.Date()
    placed_at = fields.DateTime()
    items = fields.List(fields.Nested(CallOffItemSchema(only=("item_id", "quantity"))))


class OfferSchema(OfferStepSchema):
    """A rotation offer as its supplier reads it."""

    calloff = fields.Method("_calloff")
    total = fields.Method(
        "_total", metadata={"description": "Σ the supplier's agreed unit price × quantity"}
    )
    order_id = fields.Method("_order_id", allow_none=True)

    def _calloff(self, offer: Any) -> dict[str, Any]:
        return SupplierCallOffSchema().dump(db.session.get(CallOff, offer.calloff_id))

    def _total(self, offer: Any) -> str:
        calloff = db.session.get(CallOff, offer.calloff_id)
        entrant = db.session.get(AgreementEntrant, offer.entrant_id)
        prices = prices_at(db.session, entrant, calloff.placed_at)  # type: ignore[arg-type,union-attr]
        return str(sum(prices[i.item_id] * i.quantity for i in calloff.items))  # type: ignore[union-attr]

    def _order_id(self, offer: Any) -> int | None:
        if offer.status != "accepted":
            return None
        return db.session.get(CallOff, offer.calloff_id).order_id  # type: ignore[union-attr]


CallOffPage = page_of(CallOffSchema, "CallOffPage")
OfferPage = page_of(OfferSchema, "OfferPage")


class CallOffQuerySchema(PageArgs):
    agreement_id = IntField(text=True, load_default=None, validate=_id)
    status = fields.String(load_default=None, validate=validate.OneOf(CALL_OFF_STATUSES))


class OfferQuerySchema(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(OFFER_STATUSES))
