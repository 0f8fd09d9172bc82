from __future__ import annotations

import json

from marshmallow import Schema, fields, validate

from core.api import PageArgs


class LedgerEntrySchema(Schema):
    seq = fields.Integer()
    at = fields.DateTime()
    actor_user_id = fields.Integer(allow_none=True)
    actor_username = fields.String()
    actor_org_id = fields.Integer(allow_none=True)
    actor_ip = fields.String(allow_none=True)
    actor_device = fields.String(allow_none=True)
    region_id = fields.Integer(allow_none=True)
    action = fields.String()
    subject_type = fields.String()
    subject_id = fields.String(allow_none=True)
    payload = fields.Function(lambda e: json.loads(e.payload), metadata={"type": "object"})
    prev_hash = fields.String()
    hash = fields.String()


class LedgerQuerySchema(PageArgs):
    subject_type = fields.String(validate=validate.Length(max=40))
    subject_id = fields.String(validate=validate.Length(max=64))
    actor = fields.String(validate=validate.Length(max=64), metadata={"description": "username"})
    actor_org_id = fields.Integer()
    action = fields.String(
        validate=validate.Length(max=64), metadata={"description": "exact, or a prefix ending in *"}
    )
    since = fields.AwareDateTime(metadata={"description": "from this time (inclusive)"})
    until = fields.AwareDateTime(metadata={"description": "to this time (exclusive)"})


class VerifySchema(Schema):
    ok = fields.Boolean()
    entries = fields.Integer()
    head_seq = fields.Integer()
    first_bad_seq = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)
