from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from catalog.listings.models import STATUSES
from core.api import IntField, MoneyField, PageArgs


class ImageSchema(Schema):
    id = IntField()
    original_name = fields.String()
    content_type = fields.String()
    size = IntField()
    url = fields.Function(lambda i: f"/api/catalog/listings/{i.listing_id}/images/{i.id}")


class ListingSchema(Schema):
    id = IntField(dump_only=True)
    supplier_id = IntField(dump_only=True)
    category_id = IntField(required=True)
    schema_version = IntField(dump_only=True)
    standard_product_id = IntField(allow_none=True, load_default=None)
    title_zh = fields.String(required=True, validate=validate.Length(min=2, max=200))
    title_en = fields.String(validate=validate.Length(min=1, max=200))
    brand = fields.String(required=True, validate=validate.Length(min=1, max=100))
    model = fields.String(required=True, validate=validate.Length(min=1, max=100))
    params = fields.Dict(keys=fields.String(), load_default=dict)
    price = MoneyField(required=True)
    stock = IntField(required=True, validate=validate.Range(min=0, max=10_000_000))
    region_ids = fields.List(IntField(), required=True, validate=validate.Length(min=1, max=200))
    sku = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=64))
    barcode = fields.String(
        allow_none=True, load_default=None, validate=validate.Regexp(r"^\d{8,14}$")
    )
    status = fields.String(dump_only=True)
    review_note = fields.String(dump_only=True, allow_none=True)
    sales = IntField(dump_only=True)
    submitted_at = fields.DateTime(dump_only=True, allow_none=True)
    approved_at = fields.DateTime(dump_only=True, allow_none=True)
    expires_at = fields.DateTime(dump_only=True, allow_none=True)
    updated_at = fields.DateTime(dump_only=True)
    images = fields.List(fields.Nested(ImageSchema), dump_only=True)


class ListingUpdateSchema(Schema):
    category_id = IntField()
    standard_product_id = IntField(allow_none=True)
    title_zh = fields.String(validate=validate.Length(min=2, max=200))
    title_en = fields.String(validate=validate.Length(min=1, max=200))
    brand = fields.String(validate=validate.Length(min=1, max=100))
    model = fields.String(validate=validate.Length(min=1, max=100))
    params = fields.Dict(keys=fields.String())
    price = MoneyField()
    stock = IntField(validate=validate.Range(min=0, max=10_000_000))
    region_ids = fields.List(IntField(), validate=validate.Length(min=1, max=200))
    sku = fields.String(allow_none=True, validate=validate.Length(max=64))
    barcode = fields.String(allow_none=True, validate=validate.Regexp(r"^\d{8,14}$"))


class ListingQuerySchema(PageArgs):
    status = fields.String(validate=validate.OneOf(STATUSES))
    category_id = IntField(text=True)


class ReviewSchema(Schema):
    approve = fields.Boolean(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ReasonSchema(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class PriceChangeSchema(Schema):
    old_price = MoneyField(allow_none=True)
    new_price = MoneyField()
    at = fields.DateTime()
    actor_user_id = IntField(allow_none=True)


class UploadSchema(Schema):
    file = Upload(required=True)


class TermSchema(Schema):
    days = IntField(required=True, validate=validate.Range(min=1, max=3650))


class CertificateSchema(Schema):
    id = IntField(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(("energy_saving", "eco_label")))
    number = fields.String(required=True, validate=validate.Length(min=1, max=60))
    issuer = fields.String(required=True, validate=validate.Length(min=1, max=200))
    valid_from = fields.Date(required=True)
    valid_until = fields.Date(required=True)


class AttachSchema(Schema):
    certificate_id = IntField(required=True)
