"""Framework agreements over HTTP (MALL-8): what a solicitor sends, and what each party reads.
A response is dumped only to whom ``queries`` hands it (its supplier; after the opening the
solicitor, operators and supervisors); an entrant's prices only to whom ``queries.sees_prices``
allows."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from core.accounts.auth import current_actor
from core.api import MAX_ID, IntField, MoneyField, PageArgs, page_of
from core.db import db
from mall.agreements import joining, queries
from mall.agreements.models import (
    CALL_OFF_METHODS,
    EVALUATIONS,
    KINDS,
    SOLICITATION_STATUSES,
    Agreement,
)

_id = validate.Range(min=1, max=MAX_ID)
MAX_QUANTITY = 10_000_000


class ItemArgs(Schema):
    category_id = IntField(load_default=None, allow_none=True, validate=_id)
    standard_product_id = IntField(load_default=None, allow_none=True, validate=_id)
    required_params = fields.Dict(
        keys=fields.String(validate=validate.Length(max=60)), load_default=dict
    )
    unit = fields.String(load_default="件", validate=validate.Length(min=1, max=10))
    estimated_quantity = IntField(required=True, validate=validate.Range(min=1, max=MAX_QUANTITY))
    max_unit_price = MoneyField(required=True, metadata={"description": "最高限制单价 (CNY)"})


class CriterionArgs(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    weight = IntField(required=True, validate=validate.Range(min=1, max=100))


class SolicitationCreateSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=2, max=200))
    region_id = IntField(required=True, validate=_id, metadata={"description": "region served"})
    kind = fields.String(
        required=True,
        validate=validate.OneOf(KINDS),
        metadata={"description": "closed 封闭式 / open 开放式"},
    )
    evaluation = fields.String(
        required=True,
        validate=validate.OneOf(EVALUATIONS),
        metadata={"description": "price_priority 价格优先 / quality_priority 质量优先"},
    )
    criteria = fields.List(
        fields.Nested(CriterionArgs),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "quality priority: criteria whose weights sum to 100"},
    )
    elimination_percent = IntField(
        load_default=20,
        validate=validate.Range(min=1, max=50),
        metadata={"description": "淘汰比例 in per cent; at least one responder is eliminated"},
    )
    call_off_methods = fields.List(
        fields.String(validate=validate.OneOf(CALL_OFF_METHODS)),
        required=True,
        validate=validate.Length(min=1, max=len(CALL_OFF_METHODS)),
    )
    term_starts = fields.Date(
        load_default=None, allow_none=True, metadata={"description": "default: after the deadline"}
    )
    term_ends = fields.Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "default: goods 1 year, services 2 years; at most 4 years"},
    )
    response_deadline = fields.AwareDateTime(required=True)
    items = fields.List(
        fields.Nested(ItemArgs), required=True, validate=validate.Length(min=1, max=50)
    )


class ItemSchema(Schema):
    id = IntField()
    position = IntField()
    category_id = IntField()
    standard_product_id = IntField(allow_none=True)
    required_params = fields.Dict()
    unit = fields.String()
    estimated_quantity = IntField()
    max_unit_price = MoneyField()


class SolicitationSchema(Schema):
    """The published terms: the same for every party (maximum prices included, as announced)."""

    id = IntField()
    number = fields.String()
    status = fields.String()
    title = fields.String()
    solicitor_id = IntField()
    region_id = IntField()
    kind = fields.String()
    evaluation = fields.String()
    criteria = fields.List(fields.Dict())
    elimination_percent = IntField()
    call_off_methods = fields.List(fields.String())
    term_starts = fields.Date()
    term_ends = fields.Date()
    response_deadline = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)
    opened_at = fields.DateTime(allow_none=True)
    evaluated_at = fields.DateTime(allow_none=True)
    selected_at = fields.DateTime(allow_none=True)
    items = fields.List(fields.Nested(ItemSchema))


SolicitationPage = page_of(SolicitationSchema, "SolicitationPage")


class SolicitationQuerySchema(PageArgs):
    status = fields.String(validate=validate.OneOf(SOLICITATION_STATUSES))
    mine = fields.Boolean(load_default=False)


class PriceArgs(Schema):
    item_id = IntField(required=True, validate=_id)
    unit_price = MoneyField(required=True)


class ResponseArgs(Schema):
    prices = fields.List(
        fields.Nested(PriceArgs), required=True, validate=validate.Length(min=1, max=50)
    )
    capacity = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    region_ids = fields.List(
        IntField(validate=_id), required=True, validate=validate.Length(min=1, max=200)
    )


class PriceSchema(Schema):
    item_id = IntField()
    unit_price = MoneyField()


class ResponseSchema(Schema):
    """A response with its prices: its supplier's, or anyone's once opened (``queries``)."""

    id = IntField()
    solicitation_id = IntField()
    supplier_id = IntField()
    status = fields.String()
    capacity = fields.String()
    region_ids = fields.List(IntField())
    prices = fields.List(fields.Nested(PriceSchema))
    total = MoneyField(metadata={"description": "Σ unit price × estimated quantity"})
    content_hash = fields.String(metadata={"description": "SHA-256 on the ledger at submission"})
    scores = fields.Dict(allow_none=True)
    score = fields.Decimal(as_string=True, allow_none=True)
    rank = IntField(allow_none=True)
    submitted_at = fields.DateTime()


class ScoreArgs(Schema):
    response_id = IntField(required=True, validate=_id)
    scores = fields.Dict(
        keys=fields.String(validate=validate.Length(max=60)),
        values=IntField(validate=validate.Range(min=0, max=100)),
        required=True,
    )


class EvaluateArgs(Schema):
    scores = fields.List(
        fields.Nested(ScoreArgs),
        load_default=list,
        metadata={"description": "quality priority: each response's score per criterion, 0–100"},
    )


class EntrantSchema(Schema):
    id = IntField()
    supplier_id = IntField()
    rank = IntField()
    status = fields.String()
    region_ids = fields.List(IntField())
    prices = fields.Method(
        "_prices",
        allow_none=True,
        metadata={"description": "协议价格; null where the caller may not see them"},
    )

    def _prices(self, entrant: Any) -> list[dict[str, str]] | None:
        agreement = db.session.get(Agreement, entrant.agreement_id)
        if agreement is None or not queries.sees_prices(
            db.session, current_actor(), agreement, entrant
        ):
            return None
        return [{"item_id": p.item_id, "unit_price": str(p.unit_price)} for p in entrant.prices]


class AgreementSchema(Schema):
    id = IntField()
    number = fields.String()
    solicitation_id = IntField()
    solicitor_id = IntField()
    region_id = IntField()
    status = fields.String()
    title = fields.String()
    kind = fields.String()
    call_off_methods = fields.List(fields.String())
    term_starts = fields.Date()
    term_ends = fields.Date()
    published_at = fields.DateTime()
    items = fields.List(fields.Nested(ItemSchema), attribute="solicitation.items")
    entrants = fields.List(fields.Nested(EntrantSchema))
    sha256 = fields.String(
        allow_none=True, metadata={"description": "of the content the parties sign (/signatures)"}
    )
    joining_prices = fields.Method(
        "_joining_prices",
        allow_none=True,
        metadata={
            "description": "加入价格 joining price per item of an open agreement: the highest agreed "
            "unit price among the entrants selected at the result, at most the maximum unit "
            "price; a supplier joins at it or lower (POST /{agreement_id}/join). Null when closed."
        },
    )

    def _joining_prices(self, agreement: Agreement) -> list[dict[str, Any]] | None:
        if agreement.kind != "open":
            return None
        return [
            {"item_id": item_id, "unit_price": str(price)}
            for item_id, price in joining.joining_prices(agreement).items()
        ]


AgreementPage = page_of(AgreementSchema, "AgreementPage")


class AgreementQuerySchema(PageArgs):
    supplier_id = IntField(text=True, load_default=None, validate=_id)


class PartySignatureSchema(Schema):
    party = fields.String(metadata={"description": "solicitor | entrant"})
    organisation_id = IntField()
    entrant_id = IntField(allow_none=True)
    signed = fields.Boolean()
    verified = fields.Boolean(
        metadata={"description": "the signature verifies over the content with a key of that party"}
    )
    key_id = IntField(allow_none=True)
    signed_by = IntField(allow_none=True)
    signed_at = fields.DateTime(allow_none=True)
    accession_id = IntField(
        allow_none=True,
        metadata={
            "description": "an entrant that joined an open agreement signed its accession "
            "document (POST /{agreement_id}/join), not the content: this is that accession"
        },
    )


class SigningSchema(Schema):
    agreement_id = IntField()
    number = fields.String()
    content = fields.String(
        allow_none=True,
        metadata={"description": "canonical JSON of the terms: the exact bytes (UTF-8) signed"},
    )
    sha256 = fields.String(allow_none=True)
    content_intact = fields.Boolean(metadata={"description": "the content matches sha256"})
    hash_on_ledger = fields.Boolean(
        metadata={"description": "sha256 is the hash the ledger recorded with the result"}
    )
    parties = fields.List(
        fields.Nested(PartySignatureSchema),
        metadata={"description": "the solicitor, then the entrants in rank order"},
    )
    in_force = fields.Boolean(
        metadata={"description": "the solicitor and at least one entrant signed: call-offs open"}
    )
