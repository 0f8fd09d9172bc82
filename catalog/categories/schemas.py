from __future__ import annotations

from marshmallow import Schema, fields, validate

from catalog.categories.models import KINDS
from catalog.categories.parameters import TYPES
from core.api import IntField


class CategorySchema(Schema):
    id = IntField(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=100))
    name_en = fields.String(validate=validate.Length(min=1, max=100))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    parent_id = IntField(allow_none=True, load_default=None)
    path = fields.String(dump_only=True)
    sme_suitable = fields.Boolean(load_default=False)
    energy_cert_mandatory = fields.Boolean(load_default=False)
    designated_service = fields.Boolean(load_default=False)
    retired_at = fields.DateTime(dump_only=True, allow_none=True)


class CategoryUpdateSchema(Schema):
    name_zh = fields.String(validate=validate.Length(min=1, max=100))
    name_en = fields.String(validate=validate.Length(min=1, max=100))
    parent_id = IntField(allow_none=True)
    sme_suitable = fields.Boolean()
    energy_cert_mandatory = fields.Boolean()
    designated_service = fields.Boolean()


class CategoryQuerySchema(Schema):
    include_retired = fields.Boolean(load_default=False)


class ParameterSchemaDef(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=60))
    name_en = fields.String(validate=validate.Length(max=60))
    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    unit = fields.String(load_default="", validate=validate.Length(max=20))
    unit_en = fields.String(validate=validate.Length(max=20))
    min = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=30))
    max = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=30))
    options = fields.List(fields.String(validate=validate.Length(min=1, max=60)), load_default=list)
    required = fields.Boolean(load_default=False)


class ParameterSchemaSchema(Schema):
    category_id = IntField(dump_only=True)
    version = IntField(dump_only=True)
    params = fields.List(
        fields.Nested(ParameterSchemaDef), required=True, validate=validate.Length(max=60)
    )
    created_at = fields.DateTime(dump_only=True)


class SchemaQuerySchema(Schema):
    version = IntField(text=True, validate=validate.Range(min=1))


class StandardProductSchema(Schema):
    id = IntField(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    category_id = IntField(required=True)
    schema_version = IntField(dump_only=True)
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=200))
    name_en = fields.String(validate=validate.Length(min=1, max=200))
    params = fields.Dict(keys=fields.String(), load_default=dict)
    active = fields.Boolean(dump_only=True)


class StandardProductQuerySchema(Schema):
    category_id = IntField(text=True)
