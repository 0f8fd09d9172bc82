from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from catalog.enrolment.models import APPLICATION_STATUSES, SIZES
from core.api import IntField, PageArgs


class ApplicationSchema(Schema):
    id = IntField(dump_only=True)
    supplier_id = IntField(dump_only=True)
    licence_no = fields.String(required=True, validate=validate.Length(min=1, max=18))
    enterprise_size = fields.String(required=True, validate=validate.OneOf(SIZES))
    region_id = IntField(required=True)
    category_ids = fields.List(IntField(), required=True, validate=validate.Length(min=1, max=200))
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
    id = IntField(dump_only=True)
    supplier_id = IntField(dump_only=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    starts_at = fields.DateTime(dump_only=True)
    ends_at = fields.AwareDateTime(required=True)


class SupplierStatusSchema(Schema):
    organisation_id = IntField()
    enrolled = fields.Boolean()
    enterprise_size = fields.String(allow_none=True)
    sme = fields.Boolean()
    category_ids = fields.List(IntField())
    suspended_until = fields.DateTime(allow_none=True)
    suspension_reason = fields.String(allow_none=True)


# ---------------------------------------------------------------- self-registration (multipart form)


class RegistrationFormSchema(Schema):
    """供应商注册: the text fields of the multipart form; ``licence`` (the business licence: PDF,
    PNG or JPEG, at most 5 MB) is read from the request's files and listed here for the
    documentation. The service checks every field (the credit code with its GB 32100-2015 check
    character) and answers all problems at once."""

    class Meta:
        unknown = EXCLUDE  # csrf_token, a browser's submit button

    name_zh = fields.String(required=True, validate=validate.Length(max=200))
    name_en = fields.String(load_default="", validate=validate.Length(max=200))
    credit_code = fields.String(
        required=True,
        validate=validate.Length(max=40),
        metadata={"description": "统一社会信用代码, 18 characters; lower case is accepted"},
    )
    enterprise_size = fields.String(
        required=True, validate=validate.OneOf(SIZES), metadata={"enum": list(SIZES)}
    )
    region_id = IntField(text=True, required=True)
    category_ids = fields.List(
        IntField(text=True),
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "leaf categories (repeat the field)"},
    )
    contact_name = fields.String(required=True, validate=validate.Length(max=100))
    contact_phone = fields.String(required=True, validate=validate.Length(max=30))
    contact_email = fields.String(load_default="", validate=validate.Length(max=200))
    username = fields.String(required=True, validate=validate.Length(max=64))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200))
    licence = fields.Raw(
        load_default=None, metadata={"type": "string", "format": "binary"}, load_only=True
    )


class RegisteredOrgSchema(Schema):
    id = IntField()
    kind = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    credit_code = fields.String()
    region_id = IntField()


class RegisteredUserSchema(Schema):
    id = IntField()
    username = fields.String()
    display_name = fields.String()
    roles = fields.List(fields.String())


class RegistrationResultSchema(Schema):
    organisation = fields.Nested(RegisteredOrgSchema)
    user = fields.Nested(RegisteredUserSchema)
    application = fields.Nested(ApplicationSchema)
    licence_sha256 = fields.String()
    csrf_token = fields.String(metadata={"description": "for the session's writes"})
