"""Price monitoring (SUP-3): spreads per standard product and category, a standard product's price
curve, CSV exports."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from catalog.listings import service as listings
from catalog.prices import service
from core.accounts.auth import require_actor
from core.api import MoneyField
from core.db import db

blp = Blueprint(
    "prices", __name__, url_prefix="/api/catalog/prices", description="价格监测 Prices (SUP-3)"
)


class SpreadSchema(Schema):
    count = fields.Integer()
    min = MoneyField(allow_none=True)
    q1 = MoneyField(allow_none=True)
    median = MoneyField(allow_none=True)
    q3 = MoneyField(allow_none=True)
    max = MoneyField(allow_none=True)


class PriceRowSchema(Schema):
    listing_id = fields.Integer()
    title_zh = fields.String()
    brand = fields.String()
    model = fields.String()
    supplier = fields.String()
    price = MoneyField()
    updated_at = fields.DateTime()


class PriceReportSchema(Schema):
    product_id = fields.Integer()
    category_id = fields.Integer()
    name_zh = fields.String()
    at = fields.DateTime()
    spread = fields.Nested(SpreadSchema)
    listings = fields.List(fields.Nested(PriceRowSchema))


class CurvePointSchema(Schema):
    at = fields.DateTime()
    count = fields.Integer()
    min = MoneyField(allow_none=True)
    median = MoneyField(allow_none=True)
    max = MoneyField(allow_none=True)


class PaidSchema(Schema):
    at = fields.DateTime()
    unit_price = MoneyField()
    quantity = fields.Integer()
    #: ``order`` (bought on the mall) or ``award`` (awarded by an auction or volume purchase)
    source = fields.String()
    order_id = fields.Integer()
    #: the auction or volume purchase of an award
    source_id = fields.Integer(allow_none=True)


class CurveSchema(Schema):
    product_id = fields.Integer()
    name_zh = fields.String()
    at = fields.DateTime()
    points = fields.List(fields.Nested(CurvePointSchema))
    paid = fields.List(fields.Nested(PaidSchema))


def _csv(body: str, name: str) -> Response:
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blp.route("/standard-products/<int:product_id>")
@blp.response(200, PriceReportSchema)
def product(product_id: int):  # type: ignore[no-untyped-def]
    """Current prices of a standard product's listings and their spread."""
    return service.product_prices(db.session, require_actor(), product_id)


@blp.route("/standard-products/<int:product_id>/curve")
@blp.response(200, CurveSchema)
def product_curve(product_id: int):  # type: ignore[no-untyped-def]
    """The lowest, median and highest price of a standard product's listings, week by week over
    the last half year, and the unit prices paid for it in completed orders and awards."""
    return service.product_curve(db.session, require_actor(), product_id)


@blp.route("/standard-products/<int:product_id>.csv")
@blp.response(200, content_type="text/csv")
def product_csv(product_id: int):  # type: ignore[no-untyped-def]
    report = service.product_prices(db.session, require_actor(), product_id)
    return _csv(service.prices_csv(report), f"standard-product-{product_id}-prices.csv")


@blp.route("/categories/<int:category_id>")
@blp.response(200, PriceReportSchema)
def category(category_id: int):  # type: ignore[no-untyped-def]
    """Current prices in a category (and below) and their spread."""
    return service.category_prices(db.session, require_actor(), category_id)


@blp.route("/categories/<int:category_id>.csv")
@blp.response(200, content_type="text/csv")
def category_csv(category_id: int):  # type: ignore[no-untyped-def]
    report = service.category_prices(db.session, require_actor(), category_id)
    return _csv(service.prices_csv(report), f"category-{category_id}-prices.csv")


@blp.route("/listings/<int:listing_id>.csv")
@blp.response(200, content_type="text/csv")
def listing_history_csv(listing_id: int):  # type: ignore[no-untyped-def]
    """A listing's price history as CSV."""
    actor = require_actor()
    service.require_monitor(actor)
    changes = listings.price_history(db.session, actor, listing_id)
    return _csv(service.history_csv(changes), f"listing-{listing_id}-price-history.csv")
