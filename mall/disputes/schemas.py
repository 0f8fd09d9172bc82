from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.api import IntField, MoneyField
from mall.disputes.common import MAX_SUSPENSION_DAYS, MAX_TEXT
from mall.disputes.models import REASONS, STATUSES
from supervision.credit.service import MAX_PENALTY_POINTS

_money = {"description": "CNY, at most two decimal places"}


class _WithFiles(Schema):
    """A multipart form's text fields; ``files`` (evidence, PDF/PNG/JPEG, repeatable) is read from
    the request's files and is listed here only for the documentation."""

    files = fields.Raw(
        load_default=None,
        metadata={"type": "array", "items": {"type": "string", "format": "binary"}},
    )


class OpenSchema(_WithFiles):
    order_id = IntField(text=True, required=True, validate=validate.Range(min=1, max=2**31 - 1))
    reason = fields.String(
        required=True, validate=validate.OneOf(list(REASONS)), metadata={"enum": list(REASONS)}
    )
    statement = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))


class StatementSchema(_WithFiles):
    statement = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))


class EvidenceFormSchema(_WithFiles):
    note = fields.String(load_default=None, validate=validate.Length(max=MAX_TEXT))


class EvidenceRequestSchema(Schema):
    party = fields.String(required=True, validate=validate.OneOf(["purchaser", "supplier"]))
    note = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))
    days = IntField(load_default=None, validate=validate.Range(min=1, max=30))


class ProposalSchema(Schema):
    terms = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))
    refund_amount = MoneyField(load_default=None, allow_none=True, metadata=_money)
    reopen = fields.Boolean(load_default=False)


class AnswerSchema(Schema):
    accept = fields.Boolean(required=True)
    reason = fields.String(load_default=None, validate=validate.Length(max=MAX_TEXT))


class RulingSchema(Schema):
    outcome = fields.String(
        required=True,
        validate=validate.OneOf(
            ["upheld", "rejected_no_violation", "rejected_insufficient_evidence"]
        ),
    )
    reasons = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))
    refund_amount = MoneyField(load_default=None, allow_none=True, metadata=_money)
    reopen = fields.Boolean(load_default=False)
    penalty_points = IntField(
        load_default=None, validate=validate.Range(min=1, max=MAX_PENALTY_POINTS)
    )
    suspension_days = IntField(
        load_default=None, validate=validate.Range(min=1, max=MAX_SUSPENSION_DAYS)
    )


class WithdrawSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))


class ReassignSchema(Schema):
    handler_id = IntField(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class ListArgs(Schema):
    queue = fields.Boolean(
        load_default=False, metadata={"description": "a handler's own open cases, by deadline"}
    )
    status = fields.String(load_default=None, validate=validate.OneOf(list(STATUSES)))
    order_id = IntField(text=True, load_default=None, validate=validate.Range(min=1, max=2**31 - 1))


class FileSchema(Schema):
    id = IntField()
    original_name = fields.String(data_key="name")
    content_type = fields.String()
    size = IntField()
    sha256 = fields.String()
    created_at = fields.DateTime()


class SubmissionSchema(Schema):
    id = IntField()
    author = fields.String()
    kind = fields.String()
    kind_zh = fields.String()
    kind_en = fields.String()
    text = fields.String(allow_none=True)
    created_at = fields.DateTime()
    files = fields.List(fields.Nested(FileSchema))


class ProposalOutSchema(Schema):
    id = IntField()
    terms = fields.String()
    refund_amount = fields.Decimal(as_string=True, places=2, allow_none=True)
    reopen = fields.Boolean()
    status = fields.String()
    due_at = fields.DateTime()
    purchaser_accepted_at = fields.DateTime(allow_none=True)
    supplier_accepted_at = fields.DateTime(allow_none=True)
    declined_by = fields.String(allow_none=True)
    decline_reason = fields.String(allow_none=True)


class EffectSchema(Schema):
    id = IntField()
    kind = fields.String()
    kind_zh = fields.String()
    kind_en = fields.String()
    target_org_id = IntField()
    params = fields.Dict()
    status = fields.String()
    ref_id = IntField(allow_none=True)
    done_at = fields.DateTime(allow_none=True)


class DisputeSchema(Schema):
    id = IntField()
    number = fields.String()
    order_id = IntField()
    order_number = fields.String()
    purchaser_id = IntField()
    purchaser_name = fields.String()
    supplier_id = IntField()
    supplier_name = fields.String()
    region_id = IntField()
    office_id = IntField()
    office_name = fields.String()
    handler_id = IntField(allow_none=True)
    handler_name = fields.String(allow_none=True)
    opened_by = fields.String()
    reason = fields.String()
    reason_zh = fields.String()
    reason_en = fields.String()
    statement = fields.String()
    status = fields.String()
    status_zh = fields.String()
    status_en = fields.String()
    opened_at = fields.DateTime()
    response_due_at = fields.DateTime()
    responded_at = fields.DateTime(allow_none=True)
    respondent_defaulted = fields.Boolean()
    evidence_from = fields.String(allow_none=True)
    evidence_due_at = fields.DateTime(allow_none=True)
    handler_due_at = fields.DateTime(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    awaiting = fields.String(allow_none=True)
    escalated_at = fields.DateTime(allow_none=True)
    outcome = fields.String(allow_none=True)
    outcome_zh = fields.String(allow_none=True)
    outcome_en = fields.String(allow_none=True)
    ruling_reasons = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    archived_at = fields.DateTime(allow_none=True)


class DisputeDetailSchema(DisputeSchema):
    role = fields.String(metadata={"description": "the viewer's part in the dispute"})
    actions = fields.List(fields.String(), metadata={"description": "what the viewer may do now"})
    submissions = fields.List(fields.Nested(SubmissionSchema))
    proposals = fields.List(fields.Nested(ProposalOutSchema))
    effects = fields.List(fields.Nested(EffectSchema))
    handlers = fields.List(fields.Dict(), metadata={"description": "for reassignment"})
    case_file = fields.Dict(
        metadata={"description": "the order, contract, acceptance, payments and ledger trail"}
    )


class DisputeListSchema(Schema):
    items = fields.List(fields.Nested(DisputeSchema))
    total = IntField()


class PreviewEffectSchema(Schema):
    kind = fields.String(
        metadata={"enum": ["refund", "reopen", "credit_penalty", "suspension"]},
    )
    target_org_id = IntField()
    params = fields.Dict()


class OrgRefSchema(Schema):
    id = IntField()
    name_zh = fields.String()
    name_en = fields.String()


class RulingPreviewSchema(Schema):
    """What a draft ruling would do; nothing is written."""

    dispute_id = IntField()
    number = fields.String()
    outcome = fields.String()
    losing_party = fields.String(metadata={"enum": ["purchaser", "supplier"]})
    losing_organisation = fields.Nested(OrgRefSchema)
    refund_amount = fields.Decimal(as_string=True, places=2, allow_none=True)
    refundable = fields.Decimal(
        as_string=True,
        places=2,
        allow_none=True,
        metadata={"description": "what is left to refund on the order (paid orders only)"},
    )
    reopen = fields.Boolean()
    order_status = fields.String()
    order_status_after = fields.String()
    penalty_points = IntField(allow_none=True)
    suspension_days = IntField(allow_none=True)
    suspended_until = fields.DateTime(allow_none=True)
    effects = fields.List(fields.Nested(PreviewEffectSchema))
    archive = fields.String(
        metadata={
            "enum": ["now", "after_refund"],
            "description": "archived with the ruling, or once the gateway completes the refund",
        }
    )
    status_after = fields.String(metadata={"enum": ["ruled", "archived"]})
    releases_payment_hold = fields.Boolean()
