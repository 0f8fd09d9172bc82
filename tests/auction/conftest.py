"""An auction floor for the tests: the school's purchaser with a budget line, the IT supplier (small)
and the office supplier (large) enrolled in IT equipment, and a clock the tests move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from core import clock
from tests.catalog.conftest import cat, enrol  # noqa: F401
from tests.mall.conftest import new_line

#: A Tuesday morning in Hohhot (02:00 UTC is 10:00 Asia/Shanghai).
T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


@pytest.fixture
def floor(login, cat):  # noqa: F811
    clock.freeze(T0)
    try:
        supplier = enrol(login, "supplier", [cat.it], cat.regions["150105"], size="small")
        office = enrol(login, "supplier.office", [cat.it], cat.regions["150203"], size="large")
        purchaser = login("purchaser")
        line = new_line(purchaser, amount="9000000.00")
        yield SimpleNamespace(
            cat=cat,
            supplier=supplier,
            office=office,
            purchaser=purchaser,
            operator=login("operator"),
            line=line,
        )
    finally:
        clock.unfreeze()


def auction_body(floor, **over) -> dict:
    starts = T0 + timedelta(minutes=10)
    body = {
        "title": "台式计算机 30 台网上竞价",
        "category_id": floor.cat.desktop,
        "quantity": 30,
        "unit": "台",
        "delivery_region_id": floor.cat.regions["150102"],
        "delivery_address": "呼和浩特市新城区第一中学",
        "delivery_date": "2026-12-10",
        "contact_name": "张老师",
        "contact_phone": "0471-6900000",
        "budget_line_id": floor.line,
        "ceiling": "5000.00",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(minutes=30)).isoformat(),
        "decrement_mode": "absolute",
        "decrement_value": "10.00",
        "min_bidders": 2,
    }
    return body | over


def published(floor, **over) -> dict:
    created = floor.purchaser.post("/api/auctions", json=auction_body(floor, **over))
    assert created.status_code == 201, created.get_json()
    auction = created.get_json()
    done = floor.purchaser.post(f"/api/auctions/{auction['id']}/publish")
    assert done.status_code == 200, done.get_json()
    return done.get_json()


def open_now(auction: dict, after: timedelta = timedelta(0)) -> None:
    """Move the clock to the auction's start (plus ``after``)."""
    clock.freeze(datetime.fromisoformat(auction["starts_at"]) + after)


def bid(api, auction_id: int, price: str):
    return api.post(f"/api/auctions/{auction_id}/bids", json={"price": price})
