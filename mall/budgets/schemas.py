from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.api import MAX_ID, IntField, MoneyField, PageArgs
from mall.budgets.models import FUND_SOURCES


class BudgetLineSchema(Schema):
    id = IntField(dump_only=True)
    organisation_id = IntField(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "Operators only: the purchaser unit; default: your own"},
    )
    fiscal_year = IntField(required=True, validate=validate.Range(min=2000, max=2100))
    fund_source = fields.String(required=True, validate=validate.OneOf(list(FUND_SOURCES)))
    fund_source_zh = fields.Function(lambda line: FUND_SOURCES[line.fund_source][0], dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    amount = MoneyField(required=True)
    reserved = MoneyField(dump_only=True)
    consumed = MoneyField(dump_only=True)
    available = MoneyField(dump_only=True)
    active = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class BudgetLineUpdateSchema(Schema):
    amount = MoneyField()
    name = fields.String(validate=validate.Length(min=1, max=200))
    active = fields.Boolean()
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class BudgetLineQuerySchema(PageArgs):
    organisation_id = IntField(text=True, validate=validate.Range(min=1, max=MAX_ID))
    fiscal_year = IntField(text=True, validate=validate.Range(min=2000, max=2100))
    active = fields.Boolean()


class MovementSchema(Schema):
    id = IntField()
    kind = fields.String(metadata={"description": "reserve | release | consume | adjust"})
    amount = fields.Function(lambda m: str(m.amount), metadata={"description": "signed for adjust"})
    ref_type = fields.String(allow_none=True)
    ref_id = IntField(allow_none=True)
    note = fields.String(allow_none=True)
    actor_user_id = IntField(allow_none=True)
    at = fields.DateTime()
