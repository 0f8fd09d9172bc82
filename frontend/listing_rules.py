"""The rules of a new listing's fields as the supplier console's form checks them while the
supplier types: read from the API's own schema (``catalog.listings.schemas.ListingSchema``), so
the page and the API cannot disagree, with the messages in the page's language."""

from __future__ import annotations

from typing import Any

from marshmallow import fields as ma_fields
from marshmallow import validate

from catalog.listings.schemas import ListingSchema
from core.api import MoneyField

#: The form's fields checked as one types (the category and regions are choices).
FORM_FIELDS = ("title_zh", "title_en", "brand", "model", "price", "stock", "sku", "barcode")

MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("必填。", "Required."),
    "min_length": ("至少 %d 个字符。", "At least %d characters."),
    "max_length": ("最多 %d 个字符。", "At most %d characters."),
    "integer": ("须为整数。", "Must be a whole number."),
    "range": ("须在 %s 到 %s 之间。", "Must be between %s and %s."),
    "money": (
        "金额须为数字，最多两位小数，例如 4999.00。",
        "An amount: digits with at most two decimals, e.g. 4999.00.",
    ),
    "barcode": ("条码须为 8–14 位数字。", "A barcode is 8 to 14 digits."),
    "pattern": ("格式不正确。", "Not in the expected form."),
    "category": ("请选择品目。", "Choose a category."),
    "regions": ("请至少选择一个配送区域。", "Pick at least one delivery region."),
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


def listing_rules(lang: str) -> dict[str, Any]:
    """The rule of each form field and the messages, for the page's data."""
    schema_fields = ListingSchema().fields
    i = 1 if lang == "en" else 0
    return {
        "fields": {name: _field_rule(name, schema_fields[name]) for name in FORM_FIELDS},
        "messages": {key: texts[i] for key, texts in MESSAGES.items()},
    }
