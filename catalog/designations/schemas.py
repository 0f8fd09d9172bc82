from __future__ import annotations

from marshmallow import Schema, fields, validate

from catalog.designations.service import today
from core.api import MAX_ID, IntField, PageArgs

_id = validate.Range(min=1, max=MAX_ID)


class DesignationSchema(Schema):
    id = IntField(dump_only=True)
    supplier_id = IntField(required=True, validate=_id)
    category_id = IntField(required=True, validate=_id)
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
    supplier_id = IntField(text=True, validate=_id)
    category_id = IntField(text=True, validate=_id)
    valid_only = fields.Boolean(load_default=False)
