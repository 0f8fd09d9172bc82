"""Schemas of the search API: the query arguments (also how halls store their saved searches) and
the result."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from catalog.search.base import SORTS
from core.api import MAX_ID, IntField, MoneyField


class SearchArgs(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=50))
    category_id = IntField(text=True, validate=validate.Range(min=1, max=MAX_ID))
    price_min = MoneyField()
    price_max = MoneyField()
    # Bounded so that a whole query string fits in one request line (gunicorn: 8190 bytes).
    brand = fields.List(
        fields.String(validate=validate.Length(max=30)),
        load_default=list,
        validate=validate.Length(max=5),
    )
    param = fields.List(
        fields.String(validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,19}:.{1,20}$")),
        load_default=list,
        validate=validate.Length(max=8),
        metadata={
            "description": (
                "code:value, repeatable (e.g. cpu:i5); values of one code are alternatives (OR), "
                "codes combine with AND. For a numeric parameter the value may be an inclusive "
                "range low..high, or open-ended low.. / ..high (e.g. ppm:20..40, memory_gb:16..): "
                'the facets "range:<code>" offer such ranges. A malformed range (not numbers, '
                "or low above high) is refused with 422 and code invalid_range."
            )
        },
    )
    sme_only = fields.Boolean(load_default=False)
    green_only = fields.Boolean(load_default=False)
    region_id = IntField(text=True, validate=validate.Range(min=1, max=MAX_ID))
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS))
    page = IntField(text=True, load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = IntField(text=True, load_default=20, validate=validate.Range(min=1, max=100))


class HitSchema(Schema):
    id = IntField()
    title_zh = fields.String()
    title_en = fields.String()
    brand = fields.String()
    model = fields.String()
    category_id = IntField()
    price = MoneyField()
    sales = IntField()
    supplier_id = IntField()
    supplier_name = fields.String()
    supplier_name_en = fields.String()
    sme = fields.Boolean()
    green = fields.Boolean()
    params = fields.Dict()
    image_url = fields.String(allow_none=True)


class FacetSchema(Schema):
    value = fields.String()
    label = fields.String()
    label_en = fields.String()
    count = IntField()


class SearchResultSchema(Schema):
    items = fields.List(fields.Nested(HitSchema))
    total = IntField()
    page = IntField()
    per_page = IntField()
    facets = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(FacetSchema)))
    backend = fields.String()
