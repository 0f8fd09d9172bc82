"""Halls (CAT-5) and price monitoring (SUP-3): spreads, history and CSV exports."""

from datetime import UTC, datetime, timedelta

from core import clock
from tests.catalog.conftest import desktop_body, enrol
from tests.catalog.test_search_api import _shelve


def _three_listings(login, cat):
    supplier = enrol(login, "supplier", [cat.it], cat.regions["150105"], size="small")
    operator = login("operator")
    ids = [
        _shelve(
            supplier,
            operator,
            desktop_body(
                cat,
                model=f"M{n}",
                title_zh=f"联想台式计算机 M{n}",
                price=price,
                params={"cpu": cpu, "memory_gb": 16},
            ),
        )
        for n, (price, cpu) in enumerate([("3000.00", "i5"), ("4000.00", "i5"), ("9000.00", "i7")])
    ]
    return supplier, operator, ids


def test_operator_defines_a_hall_by_rule_and_picks(login, cat):
    _supplier, operator, ids = _three_listings(login, cat)
    created = operator.post(
        "/api/catalog/halls",
        json={
            "slug": "i7-hall",
            "kind": "theme",
            "name_zh": "高性能计算机馆",
            "rule": {"param": ["cpu:i7"]},
        },
    )
    assert created.status_code == 201, created.get_json()
    hall_id = created.get_json()["id"]
    assert (
        operator.post(
            f"/api/catalog/halls/{hall_id}/picks", json={"listing_id": ids[0]}
        ).status_code
        == 200
    )
    page = login("purchaser").get(f"/api/catalog/halls/{hall_id}/listings").get_json()
    # The hand-picked listing leads, then the rule's results.
    assert [item["id"] for item in page["items"]] == [ids[0], ids[2]]
    assert page["total"] == 2
    removed = operator.delete(f"/api/catalog/halls/{hall_id}/picks/{ids[0]}")
    assert removed.get_json()["picks"] == []
    halls = login("purchaser").get("/api/catalog/halls").get_json()
    assert [h["slug"] for h in halls] == ["i7-hall"]


def test_bad_halls_are_refused(login, cat):
    operator = login("operator")
    bad = operator.post(
        "/api/catalog/halls",
        json={"slug": "Bad Slug!", "kind": "theme", "name_zh": "x", "rule": {"colour": "red"}},
    )
    assert bad.status_code == 422
    no_rule_key = operator.post(
        "/api/catalog/halls",
        json={"slug": "ok-slug", "kind": "theme", "name_zh": "x", "rule": {"colour": "red"}},
    )
    assert no_rule_key.status_code == 422 and "rule" in no_rule_key.get_json()["details"]
    purchaser = login("purchaser")
    assert (
        purchaser.post(
            "/api/catalog/halls", json={"slug": "mine", "kind": "theme", "name_zh": "x"}
        ).status_code
        == 403
    )


def test_price_spread_for_a_standard_product_and_csv(login, cat):
    _supplier, operator, ids = _three_listings(login, cat)
    product = operator.post(
        "/api/catalog/standard-products",
        json={
            "code": "PC-I5-16",
            "category_id": cat.desktop,
            "name_zh": "台式计算机 i5/16GB",
            "params": {"cpu": "i5", "memory_gb": 16},
        },
    ).get_json()
    monitor = login("monitor")
    report = monitor.get(f"/api/catalog/prices/standard-products/{product['id']}").get_json()
    assert report["spread"] == {
        "count": 2,
        "min": "3000.00",
        "q1": "3250.00",
        "median": "3500.00",
        "q3": "3750.00",
        "max": "4000.00",
    }
    assert [row["listing_id"] for row in report["listings"]] == ids[:2]
    csv = monitor.get(f"/api/catalog/prices/standard-products/{product['id']}.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert "联想台式计算机 M0" in text and "3000.00" in text
    category = monitor.get(f"/api/catalog/prices/categories/{cat.it}").get_json()
    assert category["spread"]["count"] == 3 and category["spread"]["median"] == "4000.00"


def test_price_history_csv_and_who_may_monitor(login, cat):
    supplier, _operator, ids = _three_listings(login, cat)
    supplier.patch(f"/api/catalog/listings/{ids[0]}", json={"price": "2800.00"})
    monitor = login("monitor")
    history = monitor.get(f"/api/catalog/prices/listings/{ids[0]}.csv").get_data(as_text=True)
    lines = history.strip().splitlines()
    assert lines[0].lstrip("\ufeff") == "changed_at_shanghai,old_price_cny,new_price_cny"
    assert lines[-1].endswith(",3000.00,2800.00")
    for username in ("purchaser", "supplier"):
        refused = login(username).get(f"/api/catalog/prices/categories/{cat.it}")
        assert refused.status_code == 403 and refused.get_json()["code"] == "monitor_only"


def test_standard_product_curve_week_by_week(login, cat):
    """SUP-3: a standard product's price over the weeks is the spread of the prices then in force
    of its listings on the shelf, from their price history; a listing counts from its first price."""
    start = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
    clock.freeze(start)
    try:
        _supplier, operator, ids = _three_listings(login, cat)
        product = operator.post(
            "/api/catalog/standard-products",
            json={
                "code": "PC-I5-16-CURVE",
                "category_id": cat.desktop,
                "name_zh": "台式计算机 i5/16GB",
                "params": {"cpu": "i5", "memory_gb": 16},
            },
        ).get_json()
        for weeks, listing_id, price in ((2, ids[0], "2800.00"), (3, ids[1], "4400.00")):
            clock.freeze(start + timedelta(weeks=weeks, hours=1))
            changed = login("supplier").patch(
                f"/api/catalog/listings/{listing_id}", json={"price": price}
            )
            assert changed.status_code == 200, changed.get_json()
        clock.freeze(start + timedelta(weeks=4, minutes=30))
        monitor = login("monitor")
        body = monitor.get(f"/api/catalog/prices/standard-products/{product['id']}/curve")
        assert body.status_code == 200
        points = body.get_json()["points"]
        refused = login("supplier").get(
            f"/api/catalog/prices/standard-products/{product['id']}/curve"
        )
        assert refused.status_code == 403 and refused.get_json()["code"] == "monitor_only"
    finally:
        clock.unfreeze()
    assert len(points) == 27
    assert all(p["count"] == 0 and p["median"] is None for p in points[:22])
    assert [(p["count"], p["min"], p["median"], p["max"]) for p in points[22:]] == [
        (2, "3000.00", "3500.00", "4000.00"),  # week 0: the first prices
        (2, "3000.00", "3500.00", "4000.00"),
        (2, "3000.00", "3500.00", "4000.00"),
        (2, "2800.00", "3400.00", "4000.00"),  # week 3: the first listing was cut to 2800
        (2, "2800.00", "3600.00", "4400.00"),  # week 4: the second raised to 4400
    ]
    assert points[-1]["at"].startswith("2026-06-29T02:30")


def test_hall_rules_are_read_like_search_arguments(login, cat):
    operator = login("operator")
    for bad in ({"category_id": "abc"}, {"price_min": "1.999"}, {"param": ["size"]}, {"sort": "x"}):
        response = operator.post(
            "/api/catalog/halls",
            json={"slug": "bad-rule", "kind": "theme", "name_zh": "x", "rule": bad},
        )
        assert response.status_code == 422, bad
        assert "rule" in response.get_json()["details"]
    ok = operator.post(
        "/api/catalog/halls",
        json={
            "slug": "cheap",
            "kind": "theme",
            "name_zh": "实惠馆",
            "rule": {"price_max": "5000", "param": ["cpu:i5"]},
        },
    )
    assert ok.status_code == 201, ok.get_json()
    page = operator.get(f"/api/catalog/halls/{ok.get_json()['id']}/listings")
    assert page.status_code == 200
