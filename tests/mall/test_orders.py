"""Order transitions (MALL-1): who may do what in which state, stock and funds given back, the lapse
job, and access control. Every transition is on the ledger with its actor."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from catalog.listings.models import Listing
from core import clock
from mall.budgets.models import BudgetLine
from supervision.ledger import verify
from supervision.ledger.models import LedgerEntry
from tests.mall.conftest import actions, advance, place, snapshot


def _order_url(order_id: int, side: str = "purchaser") -> str:
    return (
        f"/api/mall/orders/{order_id}"
        if side == "purchaser"
        else f"/api/mall/supplier/orders/{order_id}"
    )


def _holdings(session, shop) -> tuple[int, Decimal]:
    session.expire_all()
    return session.get(Listing, shop.desktop).stock, session.get(BudgetLine, shop.line).reserved


def test_the_path_from_placed_to_accepted_is_ledgered_with_its_actors(shop, session):
    (order,) = place(shop, (shop.desktop, 2))
    oid = order["id"]
    shipped = advance(shop, oid, "shipped")
    assert shipped["logistics_company"] == "顺丰速运" and shipped["tracking_no"] == "SF1234567890"
    assert shipped["contract_id"] is not None and shipped["confirmed_at"]
    accepted = advance(shop, oid, "accepted")  # delivered, then accepted
    assert accepted["accepted_total"] == "9998.00"
    entries = session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.subject_type == "order", LedgerEntry.subject_id == str(oid))
        .order_by(LedgerEntry.seq)
    ).all()
    assert [(e.action, e.actor_username) for e in entries] == [
        ("order.placed", "purchaser"),
        ("order.confirmed", "supplier"),
        ("order.shipped", "supplier"),
        ("order.delivered", "supplier"),
        ("order.accepted", "purchaser"),
    ]
    assert len({e.region_id for e in entries}) == 1
    assert verify(session).ok


def test_each_audience_sees_its_own_view(shop):
    (order,) = place(shop)
    mine = shop.purchaser.get(_order_url(order["id"])).get_json()
    assert mine["budget_line"]["id"] == shop.line and mine["supplier"]["name_zh"]
    theirs = shop.supplier.get(_order_url(order["id"], "supplier")).get_json()
    assert (
        "budget_line" not in theirs and theirs["purchaser"]["credit_code"] == "12150102MB0000005X"
    )
    assert theirs["contact_phone"] == mine["contact_phone"]
    listed = shop.supplier.get("/api/mall/supplier/orders?status=placed").get_json()
    assert [o["id"] for o in listed["items"]] == [order["id"]]
    assert shop.purchaser.get("/api/mall/orders?status=confirmed").get_json()["total"] == 0


def test_the_purchaser_may_confirm_receipt(shop):
    (order,) = place(shop)
    advance(shop, order["id"], "shipped")
    received = shop.purchaser.post(f"/api/mall/orders/{order['id']}/receipt")
    assert received.status_code == 200 and received.get_json()["status"] == "delivered"


def test_declining_needs_a_reason_and_gives_back_stock_and_funds(shop, session):
    (order,) = place(shop, (shop.desktop, 3))
    url = f"/api/mall/supplier/orders/{order['id']}/decline"
    assert _holdings(session, shop) == (17, Decimal("14997.00"))
    before = snapshot(session, [shop.desktop], [shop.line])
    no_reason = shop.supplier.post(url, json={"reason": "  "})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["details"]
    assert snapshot(session, [shop.desktop], [shop.line]) == before
    declined = shop.supplier.post(url, json={"reason": "该型号已停产"})
    assert declined.status_code == 200
    assert declined.get_json()["status"] == "declined"
    assert declined.get_json()["decline_reason"] == "该型号已停产"
    assert _holdings(session, shop) == (20, Decimal("0.00"))
    assert actions(session, "order", order["id"]) == ["order.placed", "order.declined"]
    assert actions(session, "listing", shop.desktop)[-1] == "listing.stock_released"
    assert actions(session, "budget_line", shop.line)[-1] == "budget.released"


def test_the_purchaser_cancels_a_placed_order_at_once(shop, session):
    (order,) = place(shop, (shop.desktop, 3))
    cancelled = shop.purchaser.post(f"/api/mall/orders/{order['id']}/cancel", json={})
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert _holdings(session, shop) == (20, Decimal("0.00"))
    again = shop.purchaser.post(f"/api/mall/orders/{order['id']}/cancel", json={})
    assert again.status_code == 409 and again.get_json()["code"] == "bad_status"
    assert _holdings(session, shop) == (20, Decimal("0.00"))


def test_a_supplier_declines_rather_than_cancels_a_placed_order(shop):
    (order,) = place(shop)
    refused = shop.supplier.post(
        f"/api/mall/supplier/orders/{order['id']}/cancel", json={"reason": "x"}
    )
    assert refused.status_code == 409 and refused.get_json()["code"] == "use_decline"


def test_after_confirmation_cancelling_needs_both_parties(shop, session):
    (order,) = place(shop, (shop.desktop, 2))
    oid = order["id"]
    advance(shop, oid, "confirmed")
    buyer_cancel = f"/api/mall/orders/{oid}/cancel"
    seller_cancel = f"/api/mall/supplier/orders/{oid}/cancel"
    assert shop.purchaser.post(buyer_cancel, json={}).status_code == 422  # a reason is needed
    asked = shop.purchaser.post(buyer_cancel, json={"reason": "预算调整"})
    assert asked.status_code == 200
    assert asked.get_json()["status"] == "confirmed"
    assert asked.get_json()["cancel_requested_by"] == "purchaser"
    assert _holdings(session, shop) == (18, Decimal("9998.00"))
    again = shop.purchaser.post(buyer_cancel, json={"reason": "再次"})
    assert again.status_code == 409 and again.get_json()["code"] == "cancellation_pending"
    ship = shop.supplier.post(
        f"/api/mall/supplier/orders/{oid}/ship",
        json={"logistics_company": "顺丰速运", "tracking_no": "SF1"},
    )
    assert ship.status_code == 409 and ship.get_json()["code"] == "cancellation_pending"
    # The supplier refuses; then asks itself; the purchaser agrees.
    refused = shop.supplier.post(f"/api/mall/supplier/orders/{oid}/cancellation/refuse")
    assert refused.status_code == 200 and refused.get_json()["cancel_requested_by"] is None
    assert shop.supplier.post(seller_cancel, json={"reason": "缺货"}).status_code == 200
    agreed = shop.purchaser.post(buyer_cancel, json={})
    assert agreed.status_code == 200 and agreed.get_json()["status"] == "cancelled"
    assert _holdings(session, shop) == (20, Decimal("0.00"))
    assert actions(session, "order", oid) == [
        "order.placed",
        "order.confirmed",
        "order.cancellation_requested",
        "order.cancellation_refused",
        "order.cancellation_requested",
        "order.cancelled",
    ]


def test_the_asking_party_may_withdraw_its_request(shop, session):
    (order,) = place(shop)
    advance(shop, order["id"], "confirmed")
    shop.supplier.post(f"/api/mall/supplier/orders/{order['id']}/cancel", json={"reason": "缺货"})
    withdrawn = shop.supplier.post(f"/api/mall/supplier/orders/{order['id']}/cancellation/refuse")
    assert withdrawn.status_code == 200
    assert actions(session, "order", order["id"])[-1] == "order.cancellation_withdrawn"
    none_open = shop.purchaser.post(f"/api/mall/orders/{order['id']}/cancellation/refuse")
    assert (
        none_open.status_code == 409 and none_open.get_json()["code"] == "no_cancellation_request"
    )


def test_no_cancellation_once_shipped(shop, session):
    (order,) = place(shop)
    advance(shop, order["id"], "shipped")
    refused = shop.purchaser.post(
        f"/api/mall/orders/{order['id']}/cancel", json={"reason": "不要了"}
    )
    assert refused.status_code == 409 and refused.get_json()["code"] == "bad_status"
    assert refused.get_json()["details"]["status"] == "shipped"


SHIP = {"logistics_company": "中国邮政", "tracking_no": "EMS001"}


@pytest.mark.parametrize(
    ("state", "side", "action", "body"),
    [
        ("placed", "supplier", "ship", SHIP),
        ("placed", "supplier", "delivered", None),
        ("placed", "purchaser", "acceptance", {}),
        ("placed", "supplier", "redeliver", {}),
        ("confirmed", "supplier", "confirm", None),
        ("confirmed", "supplier", "decline", {"reason": "晚了"}),
        ("confirmed", "purchaser", "receipt", None),
        ("shipped", "supplier", "ship", SHIP),
        ("shipped", "purchaser", "acceptance", {}),
        ("shipped", "purchaser", "acceptance-refusal", {"reasons": ["未到货"]}),
        ("delivered", "supplier", "redeliver", {}),
        ("accepted", "purchaser", "acceptance", {}),
        ("accepted", "purchaser", "cancel", {"reason": "x"}),
    ],
)
def test_transitions_out_of_turn_are_refused_and_write_nothing(
    shop, session, state, side, action, body
):
    (order,) = place(shop)
    if state != "placed":
        advance(shop, order["id"], state)
    api = shop.supplier if side == "supplier" else shop.purchaser
    before = snapshot(session, [shop.desktop], [shop.line])
    response = api.post(f"{_order_url(order['id'], side)}/{action}", json=body)
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["code"] == "bad_status"
    assert response.get_json()["details"]["status"] == state
    assert snapshot(session, [shop.desktop], [shop.line]) == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"logistics_company": "顺丰速运"},
        {"logistics_company": " ", "tracking_no": " "},
        {"logistics_company": "顺丰速运", "tracking_no": "x" * 61},
    ],
)
def test_shipping_needs_the_logistics_details(shop, session, body):
    (order,) = place(shop)
    advance(shop, order["id"], "confirmed")
    before = snapshot(session, [shop.desktop], [shop.line])
    response = shop.supplier.post(f"/api/mall/supplier/orders/{order['id']}/ship", json=body)
    assert response.status_code == 422, response.get_json()
    assert snapshot(session, [shop.desktop], [shop.line]) == before


def test_unconfirmed_orders_lapse_after_the_deadline(shop, session, app, login):
    clock.freeze(clock.now())
    try:
        (order,) = place(shop, (shop.desktop, 4))
        runner = app.test_cli_runner()
        clock.advance(timedelta(hours=47))
        assert "lapsed 0 orders" in runner.invoke(args=["mall", "tick"]).output
        clock.advance(timedelta(hours=1, seconds=1))
        supplier = login("supplier")  # the earlier sign-in has expired
        late = supplier.post(f"/api/mall/supplier/orders/{order['id']}/confirm")
        assert late.status_code == 409 and late.get_json()["code"] == "confirmation_overdue"
        assert "lapsed 1 orders" in runner.invoke(args=["mall", "tick"]).output
        assert "lapsed 0 orders" in runner.invoke(args=["mall", "tick"]).output
        seen = login("purchaser").get(_order_url(order["id"])).get_json()
        assert seen["status"] == "lapsed" and seen["status_zh"] == "超时未确认"
        assert _holdings(session, shop) == (20, Decimal("0.00"))
        assert actions(session, "order", order["id"]) == ["order.placed", "order.lapsed"]
        lapsed = session.scalars(
            select(LedgerEntry).where(LedgerEntry.action == "order.lapsed")
        ).one()
        assert lapsed.actor_username == "system"
    finally:
        clock.unfreeze()


def test_other_organisations_cannot_see_or_touch_an_order(shop, login, session):
    (order,) = place(shop)
    oid = order["id"]
    hospital = login("purchaser.hospital")
    office = shop.office
    before = snapshot(session, [shop.desktop], [shop.line])
    for api, method, url, body in [
        (hospital, "get", _order_url(oid), None),
        (hospital, "post", f"{_order_url(oid)}/cancel", {}),
        (hospital, "get", f"{_order_url(oid)}/payability", None),
        (office, "get", _order_url(oid, "supplier"), None),
        (office, "post", f"{_order_url(oid, 'supplier')}/confirm", None),
        (office, "post", f"{_order_url(oid, 'supplier')}/decline", {"reason": "抢单"}),
    ]:
        response = api.get(url) if method == "get" else api.post(url, json=body)
        assert response.status_code == 403, (url, response.get_json())
        assert response.get_json()["code"] == "other_organisation"
    assert hospital.get("/api/mall/orders").get_json()["total"] == 0
    assert office.get("/api/mall/supplier/orders").get_json()["total"] == 0
    assert snapshot(session, [shop.desktop], [shop.line]) == before


def test_a_party_cannot_act_for_the_other_side(shop, session):
    (order,) = place(shop)
    oid = order["id"]
    as_buyer = shop.supplier.post(f"/api/mall/orders/{oid}/cancel", json={})
    assert as_buyer.status_code == 403 and as_buyer.get_json()["code"] == "wrong_party"
    assert shop.supplier.get(_order_url(oid)).status_code == 403
    as_seller = shop.purchaser.post(f"/api/mall/supplier/orders/{oid}/confirm")
    assert as_seller.status_code == 403 and as_seller.get_json()["code"] == "wrong_party"
    advance(shop, oid, "delivered")
    accept = shop.supplier.post(f"/api/mall/orders/{oid}/acceptance", json={})
    assert accept.status_code == 403
    assert shop.supplier.get(_order_url(oid, "supplier")).get_json()["status"] == "delivered"
