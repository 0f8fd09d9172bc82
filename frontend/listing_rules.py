"""The rules of a new listing's fields as the supplier console's form checks them while the
supplier types: read from the API's own schema (``catalog.listings.schemas.ListingSchema``), so
the page and the API cannot disagree, with the messages in the page's language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from marshmallow import fields as ma_fields
from marshmallow import validate

from catalog.listings.schemas import ListingSchema
from core.api import MoneyField

#: The form's fields checked as one types (the category and regions are choices).
FORM_FIELDS = ("title_zh", "title_en", "brand", "model", "price", "stock", "sku", "barcode")

MESSAGES: dict[str, LazyString] = {
    "required": _l("Required."),
    "min_length": _l("At least %d characters."),
    "max_length": _l("At most %d characters."),
    "integer": _l("Must be a whole number."),
    "range": _l("Must be between %s and %s."),
    "money": _l("An amount: digits with at most two decimals, e.g. 4999.00."),
    "barcode": _l("A barcode is 8 to 14 digits."),
    "pattern": _l("Not in the expected form."),
    "category": _l("Choose a category."),
    "regions": _l("Pick at least one delivery region."),
}


def _field_rule(name: str, field: ma_fields.Field) -> dict[str, Any]:
    rule: dict[str, Any] = {"required": bool(field.required)}
    if isinstance(field, MoneyField):
        rule["kind"] = "money"
        rule["pattern"] = MoneyField.PATTERN
    elif isinstance(field, ma_fields.Integer) or type(field).__name__ == "IntField":
        rule["kind"] = "integer"
    else:
        rule["kind"] = "text"
    validators = list(field.validators)
    for validator in validators:
        if isinstance(validator, (validate.Length, validate.Range)):
            rule["min"], rule["max"] = validator.min, validator.max
        elif isinstance(validator, validate.Regexp):
            rule["pattern"] = validator.regex.pattern
            rule["kind"] = "barcode" if name == "barcode" else "pattern"
    return rule


def listing_rules() -> dict[str, Any]:
    """The rule of each form field and the messages, for the page's data."""
    schema_fields = ListingSchema().fields
    return {
        "fields": {name: _field_rule(name, schema_fields[name]) for name in FORM_FIELDS},
        "messages": {key: str(text) for key, text in MESSAGES.items()},
    }
