"""What an auction awarded for a standard product is on the price monitors' curve once the order is
accepted (SUP-3): the award's unit price, its order and its auction; an order still under way is
not, nor is an award of other parameters."""

from datetime import datetime, timedelta

from sqlalchemy import select

from core import clock
from mall.orders.models import Order
from tests.auction.conftest import T0, bid, open_now, published
from tests.mall.conftest import advance


def _awarded(floor, app, session, params: dict) -> Order:
    # Above the SME reservation, so that the large office supplier may bid too.
    clock.freeze(T0)

    auction = published(floor, ceiling="4000.00", quantity=600, required_params=params)
    open_now(auction)
    assert bid(floor.office, auction["id"], "3990.00").status_code == 201
    clock.advance(timedelta(minutes=1))
    assert bid(floor.supplier, auction["id"], "3950.00").status_code == 201
    clock.freeze(datetime.fromisoformat(auction["ends_at"]) + timedelta(seconds=1))
    assert "closed 1" in app.test_cli_runner().invoke(args=["auction", "tick"]).output
    session.expire_all()
    return session.scalars(select(Order).where(Order.source_id == auction["id"])).one()


def test_an_accepted_award_is_on_the_curve(floor, app, session, login):
    product = floor.operator.post(
        "/api/catalog/standard-products",
        json={
            "code": "PC-I5-16",
            "category_id": floor.cat.desktop,
            "name_zh": "台式计算机 i5/16GB",
            "params": {"cpu": "i5", "memory_gb": 16},
        },
    ).get_json()
    curve_url = f"/api/catalog/prices/standard-products/{product['id']}/curve"
    order = _awarded(floor, app, session, {"cpu": "i5", "memory_gb": 16})
    other = _awarded(floor, app, session, {"cpu": "i7", "memory_gb": 16})
    monitor = login("monitor")
    assert monitor.get(curve_url).get_json()["paid"] == []  # confirmed, not yet accepted

    shop = type("Shop", (), {"supplier": floor.supplier, "purchaser": floor.purchaser})
    advance(shop, order.id, "accepted")
    advance(shop, other.id, "accepted")
    paid = monitor.get(curve_url).get_json()["paid"]
    assert [(p["source"], p["order_id"], p["source_id"], p["unit_price"]) for p in paid] == [
        ("award", order.id, order.source_id, "3950.00")
    ]
    assert paid[0]["quantity"] == 600
    for username in ("purchaser", "supplier"):
        refused = login(username).get(curve_url)
        assert refused.status_code == 403 and refused.get_json()["code"] == "monitor_only"
