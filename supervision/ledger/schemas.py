from __future__ import annotations

import json

from marshmallow import Schema, fields, validate

from core.api import IntField, PageArgs


class LedgerEntrySchema(Schema):
    seq = IntField()
    at = fields.DateTime()
    actor_user_id = IntField(allow_none=True)
    actor_username = fields.String()
    actor_org_id = IntField(allow_none=True)
    actor_ip = fields.String(allow_none=True)
    actor_device = fields.String(allow_none=True)
    region_id = IntField(allow_none=True)
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
    actor_org_id = IntField(text=True)
    actor_org = fields.String(
        validate=validate.Length(max=100),
        metadata={
            "description": "the actor's organisation: its unified credit code, or part of its name"
        },
    )
    action = fields.String(
        validate=validate.Length(max=64), metadata={"description": "exact, or a prefix ending in *"}
    )
    since = fields.AwareDateTime(metadata={"description": "from this time (inclusive)"})
    until = fields.AwareDateTime(metadata={"description": "to this time (exclusive)"})
    from_date = fields.Date(
        metadata={"description": "from this day (Asia/Shanghai, inclusive), e.g. 2026-05-01"}
    )
    to_date = fields.Date(metadata={"description": "to this day (Asia/Shanghai, inclusive)"})


class VerifySchema(Schema):
    ok = fields.Boolean()
    entries = IntField()
    head_seq = IntField()
    first_bad_seq = IntField(allow_none=True)
    reason = fields.String(allow_none=True)
    started_after = IntField(
        metadata={"description": "the entry this walk started after (where the last one stopped)"}
    )
    checkpoints = IntField(metadata={"description": "signed checkpoints checked on this walk"})
    root = fields.String(allow_none=True, metadata={"description": "base64 root of the tree"})
