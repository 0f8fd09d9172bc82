"""A small shop for the buying tests: two suppliers with desktops on the shelf and a budget line."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from catalog.listings.models import Listing
from mall.budgets.models import BudgetLine, BudgetMovement
from mall.budgets.service import fiscal_year_now
from mall.orders.models import CartItem, Order, OrderItem
from supervision.ledger.models import LedgerEntry
from tests.catalog.conftest import cat, desktop_body, enrol  # noqa: F401

DELIVERY = {
    "delivery_address": "呼和浩特市新城区第一中学信息中心",
    "contact_name": "张老师",
    "contact_phone": "0471-6900000",
}


def on_shelf(supplier, operator, cat, **over) -> int:  # noqa: F811
    over.setdefault("region_ids", [cat.regions["15"]])
    created = supplier.post("/api/catalog/listings", json=desktop_body(cat, **over))
    assert created.status_code == 201, created.get_json()
    listing_id = created.get_json()["id"]
    assert supplier.post(f"/api/catalog/listings/{listing_id}/submit").status_code == 200
    approved = operator.post(f"/api/catalog/listings/{listing_id}/review", json={"approve": True})
    assert approved.status_code == 200, approved.get_json()
    return listing_id


def new_line(api, amount="100000.00", code="2026-XX-001", **over):
    body = {
        "fiscal_year": fiscal_year_now(),
        "fund_source": "general",
        "code": code,
        "name": "信息化设备购置",
        "amount": amount,
    } | over
    response = api.post("/api/mall/budget-lines", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


@pytest.fixture
def shop(login, cat):  # noqa: F811
    """The IT supplier (a small enterprise) lists two desktops, the office-supplies supplier (a
    large enterprise) one; all in the SME-suitable desktop category, delivered region-wide. The
    school's purchaser has a budget line of 100,000.00 CNY."""
    supplier = enrol(login, "supplier", [cat.it], cat.regions["150105"], size="small")
    office = enrol(login, "supplier.office", [cat.it], cat.regions["150203"], size="large")
    operator = login("operator")
    desktop = on_shelf(supplier, operator, cat)  # 4999.00, stock 20
    mini = on_shelf(
        supplier,
        operator,
        cat,
        model="M438",
        title_zh="联想迷你主机 M438",
        price="1999.50",
        stock=5,
    )
    office_pc = on_shelf(
        office,
        operator,
        cat,
        brand="华为",
        model="W515",
        title_zh="华为台式机 W515",
        price="5200.00",
    )
    purchaser = login("purchaser")
    line = new_line(purchaser)
    return SimpleNamespace(
        cat=cat,
        supplier=supplier,
        office=office,
        operator=operator,
        purchaser=purchaser,
        desktop=desktop,
        mini=mini,
        office_pc=office_pc,
        line=line,
    )


def add(api, listing_id: int, quantity: int = 1):
    response = api.post(
        "/api/mall/cart/items", json={"listing_id": listing_id, "quantity": quantity}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def checkout(api, line_id: int, **over):
    return api.post("/api/mall/checkout", json={"budget_line_id": line_id, **DELIVERY, **over})


def place(shop, *items, api=None, line=None) -> list[dict]:
    """Put ``(listing_id, quantity)`` pairs in the cart and check out; the orders placed."""
    api = api or shop.purchaser
    for listing_id, quantity in items or [(shop.desktop, 2)]:
        add(api, listing_id, quantity)
    response = checkout(api, line or shop.line)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def sign_both(shop, order_id: int) -> int:
    """Both parties sign the order's contract; its id."""
    contract_id = shop.purchaser.get(f"/api/mall/orders/{order_id}").get_json()["contract_id"]
    for api in (shop.purchaser, shop.supplier):
        contract = api.get(f"/api/mall/contracts/{contract_id}").get_json()
        mine = "purchaser" if api is shop.purchaser else "supplier"
        if any(s["party"] == mine for s in contract["signatures"]):
            continue
        response = api.post(f"/api/mall/contracts/{contract_id}/sign")
        assert response.status_code == 200, response.get_json()
    return contract_id


def pay_in_sandbox(shop, order_id: int, decision: str = "pay") -> dict:
    """Request a payment and answer on the sandbox gateway's cashier page as the payer; the
    payment as the mall then sees it."""
    created = shop.purchaser.post(f"/api/mall/orders/{order_id}/payments", json={})
    assert created.status_code == 201, created.get_json()
    payment = created.get_json()
    assert payment["status"] == "processing" and payment["checkout_url"], payment
    url, _, query = payment["checkout_url"].partition("?")
    secret = query.removeprefix("secret=")
    assert shop.purchaser.get(payment["checkout_url"]).status_code == 200
    answered = shop.purchaser.client.post(
        url,
        data={"secret": secret, "decision": decision},
        headers={"X-CSRF-Token": shop.purchaser.csrf},
    )
    assert answered.status_code == 302, answered.get_data(as_text=True)
    (latest, *_) = shop.purchaser.get(f"/api/mall/orders/{order_id}/payments").get_json()["items"]
    return latest


def advance(shop, order_id: int, to: str) -> dict:
    """Take an order on from where it is to ``to`` (confirmed, shipped, delivered, accepted, paid
    through the sandbox gateway, or closed)."""
    steps = [
        ("confirmed", shop.supplier, f"/api/mall/supplier/orders/{order_id}/confirm", None),
        (
            "shipped",
            shop.supplier,
            f"/api/mall/supplier/orders/{order_id}/ship",
            {"logistics_company": "顺丰速运", "tracking_no": "SF1234567890"},
        ),
        ("delivered", shop.supplier, f"/api/mall/supplier/orders/{order_id}/delivered", None),
        ("accepted", shop.purchaser, f"/api/mall/orders/{order_id}/acceptance", {}),
        ("paid", shop.purchaser, None, None),
        ("closed", shop.supplier, f"/api/mall/supplier/orders/{order_id}/close", None),
    ]
    current = shop.purchaser.get(f"/api/mall/orders/{order_id}").get_json()["status"]
    done = ["placed"] + [status for status, *_ in steps]
    body = None
    for status, api, url, payload in steps[done.index(current) :]:
        if status == "paid":
            sign_both(shop, order_id)
            assert pay_in_sandbox(shop, order_id)["status"] == "succeeded"
            body = shop.purchaser.get(f"/api/mall/orders/{order_id}").get_json()
        else:
            response = api.post(url, json=payload)
            assert response.status_code == 200, (status, response.get_json())
            body = response.get_json()
        assert body["status"] == status
        if status == to:
            return body
    raise AssertionError(f"unknown state {to}")


def snapshot(session, listing_ids=(), line_ids=()) -> dict:
    """Counts and balances a refused request must leave as they were."""
    session.expire_all()
    count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
    return {
        "orders": count(Order),
        "order_items": count(OrderItem),
        "cart": count(CartItem),
        "movements": count(BudgetMovement),
        "ledger": count(LedgerEntry),
        "stock": {i: session.get(Listing, i).stock for i in listing_ids},
        "lines": {
            i: (session.get(BudgetLine, i).reserved, session.get(BudgetLine, i).consumed)
            for i in line_ids
        },
    }


def actions(session, subject_type: str, subject_id) -> list[str]:
    return list(
        session.scalars(
            select(LedgerEntry.action)
            .where(
                LedgerEntry.subject_type == subject_type,
                LedgerEntry.subject_id == str(subject_id),
            )
            .order_by(LedgerEntry.seq)
        )
    )
