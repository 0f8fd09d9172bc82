from __future__ import annotations

from marshmallow import Schema, fields, validate

from catalog.designations.service import today
from core.api import MAX_ID, PageArgs

_id = validate.Range(min=1, max=MAX_ID)


class DesignationSchema(Schema):
    id = fields.Integer(dump_only=True)
    supplier_id = fields.Integer(required=True, validate=_id)
    category_id = fields.Integer(required=True, validate=_id)
    valid_until = fields.Date(
        required=True, metadata={"description": "last day of the designation (inclusive)"}
    )
    valid = fields.Function(lambda d: d.valid_on(today()), dump_only=True)
    granted_at = fields.DateTime(dump_only=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)
    revoke_reason = fields.String(dump_only=True, allow_none=True)


class RevocationSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class DesignationQuerySchema(PageArgs):
    supplier_id = fields.Integer(validate=_id)
    category_id = fields.Integer(validate=_id)
    valid_only = fields.Boolean(load_default=False)
