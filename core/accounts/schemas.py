"""Marshmallow schemas for accounts, one per audience where fields differ."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.accounts.roles import OrgKind, Role
from core.api import IntField, PageArgs

_kinds = [k.value for k in OrgKind]
_roles = [r.value for r in Role]


class SignInSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )


class RegionSchema(Schema):
    id = IntField(dump_only=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^\d{2,12}$"))
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=100))
    name_en = fields.String(required=True, validate=validate.Length(min=1, max=100))
    level = fields.String(dump_only=True)
    parent_id = IntField(allow_none=True, load_default=None)
    path = fields.String(dump_only=True)


class OrganisationSchema(Schema):
    id = IntField(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(_kinds))
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=200))
    name_en = fields.String(validate=validate.Length(min=1, max=200))
    credit_code = fields.String(required=True, validate=validate.Length(equal=18))
    region_id = IntField(required=True)
    active = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class OrganisationUpdateSchema(Schema):
    name_zh = fields.String(validate=validate.Length(min=1, max=200))
    name_en = fields.String(validate=validate.Length(min=1, max=200))
    region_id = IntField()
    active = fields.Boolean()


class OrganisationQuerySchema(PageArgs):
    kind = fields.String(validate=validate.OneOf(_kinds))
    region_id = IntField(text=True)
    q = fields.String(validate=validate.Length(max=100))


class PublicKeySchema(Schema):
    organisation_id = IntField()
    key_id = IntField()
    public_key = fields.String(metadata={"description": "Ed25519 public key, hex"})


class UserSchema(Schema):
    id = IntField(dump_only=True)
    organisation_id = IntField(dump_only=True)
    username = fields.String(required=True, validate=validate.Length(min=3, max=64))
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    roles = fields.List(
        fields.String(validate=validate.OneOf(_roles)),
        required=True,
        validate=validate.Length(min=1),
    )
    active = fields.Boolean(dump_only=True)
    password = fields.String(
        load_only=True,
        validate=validate.Length(max=256),
        metadata={"description": "Omit it to get a one-time link for the user to set one."},
    )
    created_at = fields.DateTime(dump_only=True)


class ResetLinkSchema(Schema):
    user_id = fields.Integer()
    token = fields.String(metadata={"description": "Shown once; pass it on to the user."})
    path = fields.String(
        metadata={"description": "POST the new password here: /api/auth/password-reset/<token>"}
    )
    expires_at = fields.DateTime()


class NewUserSchema(UserSchema):
    setup_link = fields.Nested(ResetLinkSchema, dump_only=True, allow_none=True)


class PasswordSchema(Schema):
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )


class UserUpdateSchema(Schema):
    display_name = fields.String(validate=validate.Length(min=1, max=100))
    roles = fields.List(
        fields.String(validate=validate.OneOf(_roles)), validate=validate.Length(min=1)
    )
    active = fields.Boolean()
    password = fields.String(load_only=True, validate=validate.Length(max=256))


class MeSchema(Schema):
    user = fields.Nested(UserSchema)
    organisation = fields.Nested(OrganisationSchema)
    region = fields.Nested(RegionSchema)
    csrf_token = fields.String(allow_none=True)


class TokenCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    expires_in_days = IntField(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=3650)
    )


class TokenSchema(Schema):
    id = IntField()
    name = fields.String()
    prefix = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(metadata={"description": "Shown once; send as 'Authorization: Bearer …'"})
