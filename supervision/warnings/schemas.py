"""API schemas of warnings: the desk's filters, a warning's row and detail, the case's steps, the
rules as supervisors read them, and the bodies of the case's steps."""

from __future__ import annotations

from datetime import date

from marshmallow import Schema, fields, validate

from core.api import MAX_ID, IntField, PageArgs
from supervision.warnings.models import FINDINGS, LEVELS, STATUSES
from supervision.warnings.penalties import EFFECT_RANGES
from supervision.warnings.rules import RULES

_id = validate.Range(min=1, max=MAX_ID)
_day = validate.Range(min=date(2000, 1, 1), max=date(2999, 12, 31))
_text = validate.Length(min=1, max=4000)


class WarningFilterArgs(Schema):
    level = fields.String(validate=validate.OneOf(LEVELS))
    rule = fields.String(validate=validate.OneOf([rule.code for rule in RULES]))
    status = fields.String(
        validate=validate.OneOf([*STATUSES, "active"]),
        metadata={"description": "a status, or `active` for every status but closed"},
    )
    region_id = IntField(text=True, validate=_id, metadata={"description": "this region and below"})
    mine = fields.Boolean(metadata={"description": "only the warnings given to me"})
    overdue = fields.Boolean(metadata={"description": "only open cases past their deadline"})
    from_ = fields.Date(data_key="from", attribute="from", validate=_day)
    to = fields.Date(validate=_day)


class WarningListArgs(WarningFilterArgs, PageArgs):
    pass


class WarningRowSchema(Schema):
    id = IntField()
    number = fields.String(metadata={"description": "YJ + day raised + id"})
    rule = fields.String()
    rule_name = fields.String(metadata={"description": "in the request's language"})
    summary = fields.String(
        metadata={"description": "the warning's sentence, in the request's language"}
    )
    level = fields.String(metadata={"description": "red, orange or yellow"})
    status = fields.String()
    finding = fields.String(allow_none=True)
    region_id = IntField(allow_none=True)
    subject_type = fields.String()
    subject_id = fields.String(allow_none=True)
    party_org_id = IntField(allow_none=True)
    assignee_id = IntField(allow_none=True)
    raised_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean()


class StepSchema(Schema):
    kind = fields.String()
    at = fields.DateTime()
    seq = IntField(allow_none=True, metadata={"description": "the step's ledger entry"})
    text = fields.String(allow_none=True)
    data = fields.Dict()
    actor_name = fields.String(allow_none=True)
    by_party = fields.Boolean()


class EvidenceSchema(Schema):
    seq = IntField(allow_none=True)
    subject_type = fields.String(allow_none=True)
    subject_id = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    entry = fields.Dict(allow_none=True, metadata={"description": "the ledger entry"})


class PartySchema(Schema):
    id = IntField()
    name_zh = fields.String()
    name_en = fields.String()
    kind = fields.String()


class RegionRefSchema(Schema):
    region_id = IntField()
    name_zh = fields.String()
    name_en = fields.String()


class WarningSchema(WarningRowSchema):
    facts = fields.Dict()
    rule_basis = fields.String()
    explanation_due_at = fields.DateTime(allow_none=True)
    party = fields.Nested(PartySchema, allow_none=True)
    region = fields.Nested(RegionRefSchema, allow_none=True)
    assignee_name = fields.String(allow_none=True)
    steps = fields.List(fields.Nested(StepSchema))
    evidence = fields.List(fields.Nested(EvidenceSchema))


class CountSchema(Schema):
    level = fields.String()
    rule = fields.String()
    status = fields.String()
    count = IntField()


class RegionCountSchema(RegionRefSchema):
    count = IntField()
    own = fields.Boolean(metadata={"description": "warnings of the region itself, not below"})


class WeekSchema(Schema):
    week = fields.Date(metadata={"description": "the Monday of the week (Asia/Shanghai)"})
    red = IntField()
    orange = IntField()
    yellow = IntField()


class SummarySchema(Schema):
    total = IntField()
    region = fields.Nested(RegionRefSchema)
    by_level = fields.List(fields.Nested(CountSchema))
    by_rule = fields.List(fields.Nested(CountSchema))
    by_status = fields.List(fields.Nested(CountSchema))
    by_region = fields.List(fields.Nested(RegionCountSchema))
    trend = fields.List(fields.Nested(WeekSchema))
    overdue = IntField()


class ParamSchema(Schema):
    name = fields.String()
    config_key = fields.String()
    default = fields.Raw()
    value = fields.Raw()
    description = fields.String()


class RuleSchema(Schema):
    code = fields.String()
    name = fields.String()
    basis = fields.String()
    description = fields.String()
    level = fields.String()
    streaming = fields.Boolean()
    screening = fields.Boolean()
    actions = fields.List(fields.String())
    params = fields.List(fields.Nested(ParamSchema))


class RulesSchema(Schema):
    items = fields.List(fields.Nested(RuleSchema))


class TextBody(Schema):
    text = fields.String(required=True, validate=_text)


class ExplanationRequestBody(TextBody):
    days = IntField(
        validate=validate.Range(min=1, max=30),
        metadata={"description": "working days the party has (default WARNINGS_EXPLANATION_DAYS)"},
    )


class WarningPenaltySchema(Schema):
    credit_points = IntField(validate=validate.Range(*EFFECT_RANGES["credit_points"]))
    suspension_days = IntField(validate=validate.Range(*EFFECT_RANGES["suspension_days"]))
    restriction_days = IntField(validate=validate.Range(*EFFECT_RANGES["restriction_days"]))


class CloseBody(TextBody):
    finding = fields.String(required=True, validate=validate.OneOf(FINDINGS))
    penalty = fields.Nested(WarningPenaltySchema)


class PartyRequestsSchema(Schema):
    items = fields.List(fields.Nested(WarningSchema))
