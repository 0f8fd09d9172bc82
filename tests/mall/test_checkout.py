"""Cart and checkout (MALL-1, MALL-3): one order per supplier at frozen prices, stock and funds
reserved in one transaction, every step on the ledger; refused checkouts write nothing."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from catalog.listings.models import Listing
from core import clock
from mall.budgets.models import BudgetLine
from mall.orders.models import Order
from supervision.ledger.models import LedgerEntry
from tests.mall.conftest import DELIVERY, actions, add, checkout, new_line, place, snapshot


def test_cart_groups_items_by_supplier_at_todays_prices(shop):
    add(shop.purchaser, shop.desktop, 2)
    add(shop.purchaser, shop.mini, 1)
    add(shop.purchaser, shop.desktop, 1)  # adds to the quantity already there
    cart = add(shop.purchaser, shop.office_pc, 1)
    assert cart["count"] == 3 and cart["total"] == "22196.50"
    groups = {g["supplier"]["credit_code"]: g for g in cart["groups"]}
    it = groups["91150105MA0000008X"]
    assert it["sme"] is True and it["subtotal"] == "16996.50"
    assert [(i["listing_id"], i["quantity"], i["line_total"]) for i in it["items"]] == [
        (shop.desktop, 3, "14997.00"),
        (shop.mini, 1, "1999.50"),
    ]
    assert groups["91150203MA0000009X"]["sme"] is False
    item = it["items"][1]["id"]
    changed = shop.purchaser.patch(f"/api/mall/cart/items/{item}", json={"quantity": 4})
    assert changed.status_code == 200 and changed.get_json()["total"] == "28195.00"
    removed = shop.purchaser.delete(f"/api/mall/cart/items/{item}")
    assert removed.status_code == 200 and removed.get_json()["count"] == 2


def test_cart_refuses_what_cannot_be_ordered(shop, login):
    too_many = shop.purchaser.post(
        "/api/mall/cart/items", json={"listing_id": shop.mini, "quantity": 6}
    )
    assert too_many.status_code == 409 and too_many.get_json()["code"] == "insufficient_stock"
    zero = shop.purchaser.post(
        "/api/mall/cart/items", json={"listing_id": shop.mini, "quantity": 0}
    )
    assert zero.status_code == 422 and "quantity" in zero.get_json()["details"]
    missing = shop.purchaser.post("/api/mall/cart/items", json={"listing_id": 999999})
    assert missing.status_code == 404
    hohhot_only = shop.supplier.patch(
        f"/api/catalog/listings/{shop.mini}", json={"region_ids": [shop.cat.regions["1501"]]}
    )
    assert hohhot_only.status_code == 200
    baotou = login("purchaser.hospital").post(
        "/api/mall/cart/items", json={"listing_id": shop.mini}
    )
    assert baotou.status_code == 409 and baotou.get_json()["code"] == "not_delivered_here"
    others = login("purchaser.hospital").get("/api/mall/cart").get_json()
    assert others["count"] == 0
    add(shop.purchaser, shop.mini)
    item = shop.purchaser.get("/api/mall/cart").get_json()["groups"][0]["items"][0]["id"]
    assert login("purchaser.hospital").delete(f"/api/mall/cart/items/{item}").status_code == 404


def test_a_supplier_cannot_act_as_a_purchaser(shop):
    response = shop.supplier.post("/api/mall/cart/items", json={"listing_id": shop.office_pc})
    assert response.status_code == 403 and response.get_json()["code"] == "purchaser_only"
    assert shop.supplier.get("/api/mall/cart").status_code == 403
    refused = checkout(shop.supplier, shop.line)
    assert refused.status_code == 403
    assert shop.supplier.get("/api/mall/orders").status_code == 403


def test_checkout_places_one_order_per_supplier_and_reserves_stock_and_funds(shop, session):
    add(shop.purchaser, shop.desktop, 3)
    add(shop.purchaser, shop.mini, 2)
    response = checkout(shop.purchaser, shop.line, note="请工作日送货")
    assert response.status_code == 201, response.get_json()
    (order,) = response.get_json()
    assert order["status"] == "placed" and order["total"] == "18996.00"
    assert order["supplier"]["credit_code"] == "91150105MA0000008X"
    assert order["budget_line"]["id"] == shop.line and order["note"] == "请工作日送货"
    assert order["number"].startswith("ZC") and order["contract_id"] is None
    assert [
        (i["title_zh"], i["unit_price"], i["quantity"], i["line_total"]) for i in order["items"]
    ] == [
        ("联想启天台式计算机 M437", "4999.00", 3, "14997.00"),
        ("联想迷你主机 M438", "1999.50", 2, "3999.00"),
    ]
    session.expire_all()
    assert session.get(Listing, shop.desktop).stock == 17
    assert session.get(Listing, shop.mini).stock == 3
    line = session.get(BudgetLine, shop.line)
    assert line.reserved == Decimal("18996.00") and line.available == Decimal("81004.00")
    assert shop.purchaser.get("/api/mall/cart").get_json()["count"] == 0
    assert actions(session, "order", order["id"]) == ["order.placed"]
    assert actions(session, "listing", shop.desktop)[-1] == "listing.stock_reserved"
    assert actions(session, "budget_line", shop.line)[-1] == "budget.reserved"
    placed = session.scalars(select(LedgerEntry).where(LedgerEntry.action == "order.placed")).one()
    school_region = session.get(Order, order["id"]).region_id
    assert placed.region_id == school_region


def test_checkout_splits_by_supplier_and_checks_out_chosen_groups(shop, session, app, monkeypatch):
    # Above the SME threshold a large supplier may sell in an SME-suitable category.
    monkeypatch.setitem(app.config, "MALL_SME_RESERVED_BELOW", "10000.00")
    add(shop.purchaser, shop.desktop, 1)
    add(shop.purchaser, shop.office_pc, 1)
    add(shop.purchaser, shop.mini, 1)
    office = session.scalar(select(Listing.supplier_id).where(Listing.id == shop.office_pc))
    only_office = checkout(shop.purchaser, shop.line, supplier_ids=[office])
    # The chosen group alone is 5,200.00, below the (lowered) threshold: still SME-reserved.
    assert only_office.status_code == 409 and only_office.get_json()["code"] == "sme_reserved"
    both = checkout(shop.purchaser, shop.line)
    assert both.status_code == 201, both.get_json()
    orders = both.get_json()
    assert len(orders) == 2
    assert sorted(o["total"] for o in orders) == ["5200.00", "6998.50"]
    assert {o["supplier"]["credit_code"] for o in orders} == {
        "91150105MA0000008X",
        "91150203MA0000009X",
    }
    session.expire_all()
    assert session.get(BudgetLine, shop.line).reserved == Decimal("12198.50")


def test_prices_are_frozen_at_placement(shop, session):
    (order,) = place(shop, (shop.desktop, 2))
    changed = shop.supplier.patch(
        f"/api/catalog/listings/{shop.desktop}", json={"price": "3999.00"}
    )
    assert changed.status_code == 200
    seen = shop.purchaser.get(f"/api/mall/orders/{order['id']}").get_json()
    assert seen["items"][0]["unit_price"] == "4999.00" and seen["total"] == "9998.00"
    assert (
        shop.supplier.get(f"/api/mall/supplier/orders/{order['id']}").get_json()["total"]
        == "9998.00"
    )


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("empty_cart", 409, "cart_empty"),
        ("no_such_line", 422, "validation_failed"),
        ("other_units_line", 403, "other_organisation"),
        ("insufficient_funds", 409, "insufficient_funds"),
        ("insufficient_stock", 409, "insufficient_stock"),
        ("off_shelf", 409, "not_on_shelf"),
        ("bad_phone", 422, "validation_failed"),
        ("missing_address", 422, "delivery_incomplete"),
    ],
)
def test_refused_checkouts_write_nothing(shop, login, session, case, status, code):
    line = shop.line
    if case != "empty_cart":
        add(shop.purchaser, shop.desktop, 2)
    body = {}
    if case == "no_such_line":
        line = 999999
    elif case == "other_units_line":
        line = new_line(login("purchaser.hospital"))
    elif case == "insufficient_funds":
        line = new_line(shop.purchaser, amount="9997.99", code="SMALL")
    elif case == "insufficient_stock":
        shop.supplier.patch(f"/api/catalog/listings/{shop.desktop}", json={"stock": 1})
    elif case == "off_shelf":
        shop.supplier.post(f"/api/catalog/listings/{shop.desktop}/off-shelf", json={})
    elif case == "bad_phone":
        body = {"contact_phone": "call me"}
    elif case == "missing_address":
        body = {"delivery_address": None}
    before = snapshot(session, [shop.desktop], [shop.line, line] if line != 999999 else [shop.line])
    head = session.scalar(select(func.max(LedgerEntry.seq)))
    response = checkout(shop.purchaser, line, **body)
    assert response.status_code == status, response.get_json()
    error = response.get_json()
    assert error["code"] == code and error["message"] and error["message_zh"]
    after = snapshot(session, [shop.desktop], [shop.line, line] if line != 999999 else [shop.line])
    # SUP-2: a checkout refused for its budget leaves its refusal on the ledger, and nothing else.
    added = list(session.scalars(select(LedgerEntry).where(LedgerEntry.seq > head)))
    if case in ("no_such_line", "other_units_line", "insufficient_funds"):
        (refused,) = added
        assert refused.action == "order.refused"
        assert (
            json.loads(refused.payload)["code"]
            == {
                "no_such_line": "no_budget_line",
                "other_units_line": "other_organisation",
                "insufficient_funds": "insufficient_funds",
            }[case]
        )
        after["ledger"] -= 1
    else:
        assert added == []
    assert after == before


def test_insufficient_stock_names_the_listing(shop):
    add(shop.purchaser, shop.mini, 5)
    add(shop.purchaser, shop.desktop, 1)
    shop.supplier.patch(f"/api/catalog/listings/{shop.mini}", json={"stock": 4})
    refused = checkout(shop.purchaser, shop.line)
    assert refused.status_code == 409
    assert refused.get_json()["details"] == {"listings": {str(shop.mini): "insufficient_stock"}}
    cart = shop.purchaser.get("/api/mall/cart").get_json()
    problems = {i["listing_id"]: i["problem"] for g in cart["groups"] for i in g["items"]}
    assert problems == {shop.mini: "insufficient_stock", shop.desktop: None}


def test_a_suspended_supplier_cannot_be_ordered_from(shop, session):
    add(shop.purchaser, shop.desktop, 1)
    supplier_id = session.scalar(select(Listing.supplier_id).where(Listing.id == shop.desktop))
    suspended = shop.operator.post(
        f"/api/catalog/suppliers/{supplier_id}/suspensions",
        json={"reason": "虚假宣传", "ends_at": (clock.now() + timedelta(days=30)).isoformat()},
    )
    assert suspended.status_code == 201, suspended.get_json()
    refused = checkout(shop.purchaser, shop.line)
    assert refused.status_code == 403 and refused.get_json()["code"] == "supplier_suspended"


def test_checkout_body_is_validated(shop):
    add(shop.purchaser, shop.desktop, 1)
    response = shop.purchaser.post(
        "/api/mall/checkout", json={"budget_line_id": "one", **DELIVERY, "supplier_ids": []}
    )
    assert response.status_code == 422
    assert {"budget_line_id", "supplier_ids"} <= set(response.get_json()["details"])
