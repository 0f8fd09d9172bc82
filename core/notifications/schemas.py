from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.api import IntField


class InboxArgs(Schema):
    unread = fields.Boolean(load_default=False)
    limit = IntField(text=True, load_default=50, validate=validate.Range(min=1, max=200))


class NotificationSchema(Schema):
    id = IntField()
    kind = fields.String()
    title_zh = fields.String()
    title_en = fields.String()
    body_zh = fields.String(allow_none=True)
    body_en = fields.String(allow_none=True)
    link = fields.String(allow_none=True)
    subject_type = fields.String(allow_none=True)
    subject_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class InboxSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema))
    unread = IntField()


class MarkedSchema(Schema):
    marked = IntField()
