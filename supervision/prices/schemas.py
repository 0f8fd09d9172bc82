"""API schemas of the price statistics: query arguments and the rows monitors chart."""

from __future__ import annotations

from datetime import date

from marshmallow import Schema, fields, validate

from core.api import MAX_ID, IntField, MoneyField, PageArgs

_id = validate.Range(min=1, max=MAX_ID)
_day = validate.Range(min=date(2000, 1, 1), max=date(2999, 12, 31))


class KeyArgs(Schema):
    standard_product_id = IntField(text=True, validate=_id)
    category_id = IntField(text=True, validate=_id)
    region_id = IntField(
        text=True, validate=_id, metadata={"description": "default: your own region"}
    )
    from_ = fields.Date(
        data_key="from",
        attribute="from",
        validate=_day,
        metadata={"description": "first day (inclusive)"},
    )
    to = fields.Date(validate=_day, metadata={"description": "last day (inclusive)"})


class StatisticsArgs(KeyArgs):
    """Exactly one of ``standard_product_id`` and ``category_id``."""


class AnomalyFilterArgs(KeyArgs):
    """The anomalies' filters, without paging (the exports)."""


class AnomalyArgs(KeyArgs, PageArgs):
    pass


class StatisticRowSchema(Schema):
    day = fields.Date(metadata={"description": "the last day of the 7-day window"})
    n = IntField(metadata={"description": "samples in the window"})
    q1 = MoneyField()
    median = MoneyField()
    q3 = MoneyField()


class StatisticsSchema(Schema):
    kind = fields.String(metadata={"description": "product or category"})
    key_id = IntField()
    region_id = IntField()
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    items = fields.List(fields.Nested(StatisticRowSchema))


class AnomalySchema(Schema):
    id = IntField()
    seq = IntField(metadata={"description": "the ledger entry of the transaction"})
    item = IntField(metadata={"description": "the order line's place in that entry"})
    source = fields.String(metadata={"description": "order, auction or agreement"})
    order_id = IntField(allow_none=True)
    standard_product_id = IntField(allow_none=True)
    category_id = IntField()
    kind = fields.String(metadata={"description": "whose window: product or category"})
    key_id = IntField()
    region_id = IntField(allow_none=True)
    window_region_id = IntField()
    day = fields.Date()
    unit_price = MoneyField()
    quantity = IntField()
    n = IntField()
    q1 = MoneyField()
    median = MoneyField()
    q3 = MoneyField()
    fence = MoneyField(metadata={"description": "Q3 + 1.5·IQR, to the fen"})
    ledger_seq = IntField(allow_none=True, metadata={"description": "price.anomaly_detected"})
    detected_at = fields.DateTime()
