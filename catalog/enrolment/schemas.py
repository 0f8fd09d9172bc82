from __future__ import annotations

from marshmallow import Schema, fields, validate

from catalog.enrolment.models import APPLICATION_STATUSES, SIZES
from core.api import PageArgs


class ApplicationSchema(Schema):
    id = fields.Integer(dump_only=True)
    supplier_id = fields.Integer(dump_only=True)
    licence_no = fields.String(required=True, validate=validate.Length(min=1, max=18))
    enterprise_size = fields.String(required=True, validate=validate.OneOf(SIZES))
    region_id = fields.Integer(required=True)
    category_ids = fields.List(
        fields.Integer(), required=True, validate=validate.Length(min=1, max=200)
    )
    status = fields.String(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    decided_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class ApplicationQuerySchema(PageArgs):
    status = fields.String(validate=validate.OneOf(APPLICATION_STATUSES))


class DecisionSchema(Schema):
    approve = fields.Boolean(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class SuspensionSchema(Schema):
    id = fields.Integer(dump_only=True)
    supplier_id = fields.Integer(dump_only=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    starts_at = fields.DateTime(dump_only=True)
    ends_at = fields.AwareDateTime(required=True)


class SupplierStatusSchema(Schema):
    organisation_id = fields.Integer()
    enrolled = fields.Boolean()
    enterprise_size = fields.String(allow_none=True)
    sme = fields.Boolean()
    category_ids = fields.List(fields.Integer())
    suspended_until = fields.DateTime(allow_none=True)
    suspension_reason = fields.String(allow_none=True)
