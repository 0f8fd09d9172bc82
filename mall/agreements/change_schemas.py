"""Changes to a framework agreement over HTTP (协议变更, MALL-8): what the solicitor and an entrant
send, and what a party that sees the agreement reads. New prices are shown only to whom
``queries.sees_prices`` allows for that entrant; the signed content, which holds every price of the
change, only to whom sees them all."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields, validate

from core.accounts.auth import current_actor
from core.api import MAX_ID, IntField, MoneyField
from core.db import db
from mall.agreements import changes, queries
from mall.agreements.change_models import CHANGE_KINDS, CHANGE_STATUSES, WITHDRAWAL_REASONS
from mall.agreements.models import Agreement, AgreementEntrant

_id = validate.Range(min=1, max=MAX_ID)
_rationale = fields.String(
    required=True,
    validate=validate.Length(min=1, max=1000),
    metadata={"description": "why the agreement changes (blank: `rationale_required`)"},
)


class VariationPriceArgs(Schema):
    item_id = IntField(required=True, validate=_id)
    entrant_id = IntField(
        load_default=None,
        allow_none=True,
        validate=_id,
        metadata={"description": "one entrant; omitted: every entrant not terminated"},
    )
    unit_price = MoneyField(
        load_default=None,
        allow_none=True,
        metadata={"description": "the new agreed unit price (CNY); or give `factor`"},
    )
    factor = fields.Decimal(
        load_default=None,
        allow_none=True,
        places=4,
        as_string=True,
        allow_nan=False,
        validate=validate.Range(min=Decimal("0.0001"), max=Decimal("100")),
        metadata={"description": "the price in force × factor (0.9–1.1 allowed); or `unit_price`"},
    )


class VariationArgs(Schema):
    rationale = _rationale
    prices = fields.List(
        fields.Nested(VariationPriceArgs),
        required=True,
        validate=validate.Length(max=1000),
        metadata={
            "description": "each new price at most the item's maximum unit price and within "
            "±10 % of the price in force"
        },
    )


class ReductionPriceArgs(Schema):
    item_id = IntField(required=True, validate=_id)
    unit_price = MoneyField(required=True, metadata={"description": "below the agreed one"})


class ReductionArgs(Schema):
    rationale = _rationale
    prices = fields.List(
        fields.Nested(ReductionPriceArgs), required=True, validate=validate.Length(max=1000)
    )


class TerminationArgs(Schema):
    reason = fields.String(
        required=True,
        validate=validate.OneOf(WITHDRAWAL_REASONS),
        metadata={"description": "breach 违约 / entrant_request 供应商申请退出 / other 其他"},
    )
    rationale = _rationale


class ChangePriceSchema(Schema):
    entrant_id = IntField()
    supplier_id = IntField()
    item_id = IntField()
    current = MoneyField(metadata={"description": "the price in force when the change was made"})
    unit_price = MoneyField()


class ChangeSchema(Schema):
    id = IntField()
    agreement_id = IntField()
    kind = fields.String(metadata={"description": " / ".join(CHANGE_KINDS)})
    status = fields.String(metadata={"description": " / ".join(CHANGE_STATUSES)})
    rationale = fields.String()
    organisation_id = IntField(metadata={"description": "who made and signs the change"})
    entrant_id = IntField(allow_none=True)
    reason = fields.Method("_reason", allow_none=True)
    created_by = IntField()
    created_at = fields.DateTime()
    activated_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    sha256 = fields.String()
    content = fields.Method(
        "_content",
        allow_none=True,
        metadata={
            "description": "canonical JSON signed; null where the caller may not see a price"
        },
    )
    key_id = IntField(allow_none=True)
    signature = fields.String(allow_none=True)
    verified = fields.Method(
        "_verified",
        metadata={"type": "boolean", "description": "the signature verifies over the content"},
    )
    prices = fields.Method(
        "_prices",
        metadata={
            "type": "array",
            "items": {"type": "object"},
            "description": "the new prices the caller may see: entrant_id, supplier_id, item_id, "
            "current, unit_price",
        },
    )

    def _rows(self, change: Any) -> list[dict[str, Any]]:
        return json.loads(change.content).get("prices", [])

    def _visible(self, change: Any, entrant_id: int) -> bool:
        agreement = db.session.get(Agreement, change.agreement_id)
        entrant = db.session.get(AgreementEntrant, entrant_id)
        return bool(
            agreement
            and entrant
            and queries.sees_prices(db.session, current_actor(), agreement, entrant)
        )

    def _reason(self, change: Any) -> str | None:
        return json.loads(change.content).get("reason")

    def _content(self, change: Any) -> str | None:
        rows = self._rows(change)
        if all(self._visible(change, r["entrant_id"]) for r in rows):
            return change.content  # type: ignore[no-any-return]
        return None

    def _verified(self, change: Any) -> bool:
        return changes.verified(db.session, change)

    def _prices(self, change: Any) -> list[dict[str, Any]]:
        return [
            ChangePriceSchema().dump(
                {k: Decimal(v) if k in ("current", "unit_price") else v for k, v in r.items()}
            )
            for r in self._rows(change)
            if self._visible(change, r["entrant_id"])
        ]
