"""Order events carry what the price statistics read (CAT-4, SUP-3): each line's category,
standard product (none when the listing names none), unit, unit price and quantity; and the
statistics reader turns a checkout into samples."""

import json

from sqlalchemy import select

from core.db import db
from supervision.ledger.models import LedgerEntry
from supervision.prices import service as prices
from supervision.prices.models import PriceSample
from tests.mall.conftest import on_shelf, place


def _placed(session, order_id: int) -> dict:
    entry = session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.action == "order.placed", LedgerEntry.subject_id == str(order_id)
        )
    ).one()
    return json.loads(entry.payload)


def test_order_placed_lines_name_category_and_standard_product(shop, session, app):
    """SUP-3: a listing bound to a standard product puts its id on the order line's event."""
    product = shop.operator.post(
        "/api/catalog/standard-products",
        json={
            "code": "PC-I5-16",
            "category_id": shop.cat.desktop,
            "name_zh": "台式计算机 i5/16GB",
            "params": {"cpu": "i5", "memory_gb": 16},
        },
    ).get_json()
    bound = on_shelf(
        shop.supplier,
        shop.operator,
        shop.cat,
        model="M990",
        params={"cpu": "i5", "memory_gb": "16", "ssd_gb": "512", "ports": ["HDMI"]},
        standard_product_id=product["id"],
        price="6500.00",
    )
    (order,) = place(shop, (shop.desktop, 2), (bound, 1))
    items = _placed(session, order["id"])["items"]
    by_listing = {item["listing_id"]: item for item in items}
    assert by_listing[shop.desktop]["category_id"] == shop.cat.desktop
    assert by_listing[shop.desktop]["standard_product_id"] is None
    assert by_listing[bound]["standard_product_id"] == product["id"]
    assert (by_listing[bound]["unit_price"], by_listing[bound]["quantity"]) == ("6500.00", 1)
    assert "unit" in by_listing[bound]

    with app.app_context():
        prices.update_all(db.unit_of_work)
    samples = session.scalars(select(PriceSample).where(PriceSample.order_id == order["id"]))
    assert sorted((s.standard_product_id or 0, str(s.unit_price)) for s in samples) == [
        (0, "4999.00"),
        (product["id"], "6500.00"),
    ]
