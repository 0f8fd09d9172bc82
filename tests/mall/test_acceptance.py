"""Acceptance (MALL-5, 无验收不结项) and the payment guard (MALL-4, 无合同不支付): acceptance may be
partial and settles the order; refusal needs reasons; nothing is payable without both signatures and
an acceptance."""

from decimal import Decimal

import pytest
from sqlalchemy import update

from catalog.listings.models import Listing
from core.errors import Conflict
from mall.budgets.models import BudgetLine
from mall.contracts.models import Contract
from mall.orders.models import Order
from mall.orders.service import check_payable
from tests.mall.conftest import actions, advance, place, snapshot


def _delivered(shop):
    (order,) = place(shop, (shop.desktop, 3), (shop.mini, 2))  # 14,997.00 + 3,999.00
    return advance(shop, order["id"], "delivered")


def _accept(shop, order_id, **body):
    return shop.purchaser.post(f"/api/mall/orders/{order_id}/acceptance", json=body)


def _order(session, order_id) -> Order:
    session.expire_all()
    return session.get(Order, order_id)


def test_full_acceptance_settles_the_whole_order(shop, session):
    order = _delivered(shop)
    accepted = _accept(shop, order["id"], notes="外观、配置与合同一致")
    assert accepted.status_code == 200, accepted.get_json()
    body = accepted.get_json()
    assert body["status"] == "accepted" and body["accepted_total"] == "18996.00"
    (record,) = body["acceptances"]
    assert record["decision"] == "accepted" and record["notes"] == "外观、配置与合同一致"
    assert sorted(i["quantity"] for i in record["items"]) == [2, 3]
    session.expire_all()
    # The funds stay reserved until payment consumes them; sales count what was accepted.
    assert session.get(BudgetLine, shop.line).reserved == Decimal("18996.00")
    assert session.get(Listing, shop.desktop).sales == 3
    assert actions(session, "order", order["id"])[-1] == "order.accepted"


def test_partial_acceptance_releases_the_funds_of_what_was_not_accepted(shop, session):
    order = _delivered(shop)
    desktop, mini = order["items"]
    accepted = _accept(
        shop,
        order["id"],
        items=[
            {"order_item_id": desktop["id"], "quantity": 2, "note": "一台屏幕有坏点"},
            {"order_item_id": mini["id"], "quantity": 2},
        ],
        notes="部分验收",
    )
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["accepted_total"] == "13997.00"
    notes = {i["order_item_id"]: i["note"] for i in accepted.get_json()["acceptances"][0]["items"]}
    assert notes == {desktop["id"]: "一台屏幕有坏点", mini["id"]: None}
    session.expire_all()
    assert session.get(BudgetLine, shop.line).reserved == Decimal("13997.00")
    assert actions(session, "budget_line", shop.line)[-1] == "budget.released"
    movements = shop.purchaser.get(f"/api/mall/budget-lines/{shop.line}/movements").get_json()
    assert movements[-1]["kind"] == "release" and movements[-1]["amount"] == "4999.00"


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ("other_item", "items.0.order_item_id"),
        ("missing", "items"),
        ("too_many", "items.0.quantity"),
        ("twice", "items.1.order_item_id"),
        ("nothing", "items"),
        ("negative", "items"),
    ],
)
def test_bad_acceptances_are_refused_and_write_nothing(shop, session, items, field):
    order = _delivered(shop)
    desktop, mini = (i["id"] for i in order["items"])
    body = {
        "other_item": [
            {"order_item_id": 999999, "quantity": 1},
            {"order_item_id": mini, "quantity": 2},
        ],
        "missing": [{"order_item_id": desktop, "quantity": 3}],
        "too_many": [
            {"order_item_id": desktop, "quantity": 4},
            {"order_item_id": mini, "quantity": 2},
        ],
        "twice": [
            {"order_item_id": desktop, "quantity": 1},
            {"order_item_id": desktop, "quantity": 1},
        ],
        "nothing": [
            {"order_item_id": desktop, "quantity": 0},
            {"order_item_id": mini, "quantity": 0},
        ],
        "negative": [
            {"order_item_id": desktop, "quantity": -1},
            {"order_item_id": mini, "quantity": 2},
        ],
    }[items]
    before = snapshot(session, [shop.desktop], [shop.line])
    response = _accept(shop, order["id"], items=body)
    assert response.status_code == 422, response.get_json()
    details = response.get_json()["details"]
    assert field in details or any(k.startswith(field) for k in details), details
    assert snapshot(session, [shop.desktop], [shop.line]) == before
    assert _order(session, order["id"]).status == "delivered"


def test_refusing_acceptance_needs_reasons_then_the_supplier_delivers_again(shop, session):
    order = _delivered(shop)
    url = f"/api/mall/orders/{order['id']}/acceptance-refusal"
    before = snapshot(session, [shop.desktop], [shop.line])
    for bad in ({"reasons": []}, {"reasons": ["   "]}, {}):
        response = shop.purchaser.post(url, json=bad)
        assert response.status_code == 422 and "reasons" in response.get_json()["details"]
    assert snapshot(session, [shop.desktop], [shop.line]) == before
    refused = shop.purchaser.post(
        url, json={"reasons": ["型号与合同不符", "缺少保修卡"], "notes": "退回整改"}
    )
    assert refused.status_code == 200
    assert refused.get_json()["status"] == "acceptance_refused"
    assert refused.get_json()["acceptances"][0]["reasons"] == ["型号与合同不符", "缺少保修卡"]
    # Not payable, and the funds stay reserved while the supplier puts things right.
    assert _order(session, order["id"]).status == "acceptance_refused"
    assert session.get(BudgetLine, shop.line).reserved == Decimal("18996.00")
    again = shop.supplier.post(
        f"/api/mall/supplier/orders/{order['id']}/redeliver", json={"note": "已更换型号"}
    )
    assert again.status_code == 200 and again.get_json()["status"] == "delivered"
    accepted = _accept(shop, order["id"])
    assert accepted.status_code == 200
    assert [a["decision"] for a in accepted.get_json()["acceptances"]] == ["refused", "accepted"]
    assert actions(session, "order", order["id"])[-3:] == [
        "order.acceptance_refused",
        "order.redelivered",
        "order.accepted",
    ]


def test_accepting_before_delivery_is_refused(shop, session):
    (order,) = place(shop)
    advance(shop, order["id"], "shipped")
    response = _accept(shop, order["id"])
    assert response.status_code == 409 and response.get_json()["code"] == "bad_status"
    assert _order(session, order["id"]).acceptances == []


# ---------------------------------------------------------------- check_payable


def _problems(order: Order) -> list[str]:
    with pytest.raises(Conflict) as refused:
        check_payable(order)
    assert refused.value.code == "not_payable"
    return refused.value.details["problems"]


def _sign(api, contract_id):
    response = api.post(f"/api/mall/contracts/{contract_id}/sign")
    assert response.status_code == 200, response.get_json()


def test_a_placed_order_has_no_contract_to_pay_against(shop, session):
    (order,) = place(shop)
    assert _problems(_order(session, order["id"])) == [
        "not_accepted",
        "no_acceptance",
        "no_contract",
    ]


def test_an_accepted_order_without_signatures_is_not_payable(shop, session):
    order = advance(shop, place(shop)[0]["id"], "accepted")
    assert _problems(_order(session, order["id"])) == [
        "unsigned_by_purchaser",
        "unsigned_by_supplier",
    ]
    _sign(shop.purchaser, order["contract_id"])
    assert _problems(_order(session, order["id"])) == ["unsigned_by_supplier"]
    shown = shop.purchaser.get(f"/api/mall/orders/{order['id']}/payability").get_json()
    assert shown["payable"] is False and shown["amount"] is None
    assert [p["code"] for p in shown["problems"]] == ["unsigned_by_supplier"]
    assert all(p["message_zh"] for p in shown["problems"])


def test_a_signed_contract_without_acceptance_is_not_payable(shop, session):
    order = advance(shop, place(shop)[0]["id"], "delivered")
    _sign(shop.purchaser, order["contract_id"])
    _sign(shop.supplier, order["contract_id"])
    assert _problems(_order(session, order["id"])) == ["not_accepted", "no_acceptance"]


def test_signed_and_accepted_is_payable_for_the_accepted_amount(shop, session):
    order = advance(shop, place(shop, (shop.desktop, 2))[0]["id"], "confirmed")
    _sign(shop.purchaser, order["contract_id"])
    _sign(shop.supplier, order["contract_id"])
    advance(shop, order["id"], "delivered")
    item = order["items"][0]["id"]
    _accept(shop, order["id"], items=[{"order_item_id": item, "quantity": 1}])
    assert check_payable(_order(session, order["id"])) == Decimal("4999.00")
    shown = shop.supplier.get(f"/api/mall/orders/{order['id']}/payability").get_json()
    assert shown == {"payable": True, "amount": "4999.00", "problems": []}


def test_a_tampered_contract_is_not_payable(shop, session):
    order = advance(shop, place(shop)[0]["id"], "confirmed")
    _sign(shop.purchaser, order["contract_id"])
    _sign(shop.supplier, order["contract_id"])
    advance(shop, order["id"], "accepted")
    assert check_payable(_order(session, order["id"])) == Decimal("9998.00")
    content = session.get(Contract, order["contract_id"]).content.replace("9998.00", "99980.00")
    session.execute(
        update(Contract).where(Contract.id == order["contract_id"]).values(content=content)
    )
    assert _problems(_order(session, order["id"])) == [
        "contract_tampered",
        "bad_signature_purchaser",
        "bad_signature_supplier",
    ]
