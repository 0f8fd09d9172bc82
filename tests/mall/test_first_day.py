"""What a new user meets on the first day: a dispute ruling previewed before it is made (MALL-9),
notices to the purchaser when its order is confirmed and its contract awaits signing (MALL-12),
a checkout refused without an address or phone (MALL-3), the sign-in page naming the demo
accounts, the site icon, the supervisor's ledger line covering the latest entry (SUP-1) and the
API document page listing every endpoint."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import responses
from sqlalchemy import select

from core import clock
from core.accounts.demo import DEMO_PASSWORD
from core.accounts.models import User
from core.notifications.models import Notification
from supervision.ledger.models import LedgerEntry
from tests.mall.conftest import DELIVERY, add, checkout, snapshot
from tests.mall.test_disputes import counts, handler_api, open_on, opened
from tests.mall.test_payments import GATEWAY, _paid_outside, outside  # noqa: F401

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)


@pytest.fixture
def frozen():
    clock.freeze(MONDAY)
    try:
        yield
    finally:
        clock.unfreeze()


# ---------------------------------------------------------------- the ruling's preview


def _effects(items) -> list[tuple]:
    return sorted(
        (e["kind"], e["target_org_id"], tuple(sorted(e["params"].items()))) for e in items
    )


def test_the_preview_of_a_ruling_is_what_the_ruling_then_does(shop, login, session, frozen):
    """MALL-9: the handler previews an upheld ruling (re-opening, credit penalty, suspension);
    nothing is written; the ruling made from the same draft does exactly what was previewed."""
    order, dispute = opened(shop, login)
    url = f"/api/disputes/{dispute['id']}"
    shop.supplier.post(f"{url}/response", data={"statement": "同意换货"})
    handler = handler_api(login, session, dispute)
    draft = {
        "outcome": "upheld",
        "reasons": "到货型号与合同不符，重新供货。",
        "reopen": True,
        "penalty_points": 3,
        "suspension_days": 10,
    }
    before = counts(session)
    previewed = handler.post(f"{url}/ruling/preview", json=draft)
    assert previewed.status_code == 200, previewed.get_json()
    preview = previewed.get_json()
    assert counts(session) == before  # a preview writes nothing
    assert preview["losing_party"] == "supplier"
    assert preview["losing_organisation"]["id"] == dispute["supplier_id"]
    assert preview["losing_organisation"]["name_zh"]
    assert preview["order_status"] == "delivered" and preview["order_status_after"] == "confirmed"
    assert preview["refund_amount"] is None
    assert preview["archive"] == "now" and preview["status_after"] == "archived"
    assert preview["suspended_until"].startswith("2026-12-03")

    ruled = handler.post(f"{url}/ruling", json=draft)
    assert ruled.status_code == 200, ruled.get_json()
    body = ruled.get_json()
    assert body["status"] == preview["status_after"]
    assert _effects(body["effects"]) == _effects(preview["effects"])
    assert (
        shop.purchaser.get(f"/api/mall/orders/{order['id']}").get_json()["status"]
        == (preview["order_status_after"])
    )
    session.expire_all()
    suspended = session.scalar(
        select(LedgerEntry.payload).where(LedgerEntry.action == "supplier.suspended")
    )
    assert re.search(r'"until":"2026-12-03T01:00:00', suspended), suspended
    # Once ruled, there is nothing left to preview.
    again = handler.post(f"{url}/ruling/preview", json=draft)
    assert again.status_code == 409


def test_a_refund_is_previewed_as_archived_once_the_gateway_completes_it(
    shop,
    login,
    session,
    app,
    outside,  # noqa: F811
):
    """MALL-9: a refund through the gateway: the preview names the amount and what is left to
    refund, and says the dispute is archived once the refund completes."""
    order = _paid_outside(shop, app, outside)
    created = open_on(shop.purchaser, order["id"])
    dispute = created.get_json()
    url = f"/api/disputes/{dispute['id']}"
    shop.supplier.post(f"{url}/response", data={"statement": "货物无误"})
    handler = handler_api(login, session, dispute)
    draft = {"outcome": "upheld", "reasons": "型号不符，退还差价。", "refund_amount": "1000.00"}
    preview = handler.post(f"{url}/ruling/preview", json=draft).get_json()
    assert preview["refund_amount"] == "1000.00" and preview["refundable"] == "9998.00"
    assert preview["archive"] == "after_refund" and preview["status_after"] == "ruled"
    assert [e["kind"] for e in preview["effects"]] == ["refund"]
    outside.add(
        responses.POST,
        f"{GATEWAY}/v1/refunds",
        json={"id": "re_ext_101", "object": "refund", "status": "succeeded", "amount": 100000},
    )
    ruled = handler.post(f"{url}/ruling", json=draft).get_json()
    assert _effects(ruled["effects"]) == _effects(preview["effects"])
    assert ruled["status"] == "archived"  # the gateway answered at once


def test_only_the_assigned_handler_previews_and_bad_drafts_are_refused_alike(
    shop, login, session, frozen
):
    """MALL-9: the parties, another handler of the office and another organisation are refused;
    a draft the ruling would refuse is refused by the preview with the same code; nothing is
    written."""
    _, dispute = opened(shop, login)
    url = f"/api/disputes/{dispute['id']}"
    shop.supplier.post(f"{url}/response", data={"statement": "货物无误"})
    handler = handler_api(login, session, dispute)
    assigned = session.get(User, dispute["handler_id"]).username
    other = "handler2" if assigned == "handler" else "handler"
    draft = {"outcome": "upheld", "reasons": "x", "penalty_points": 2}
    others = [login(name) for name in ("purchaser", "supplier", other, "purchaser.hospital")]
    others.append(login("supervisor"))  # a supervisor of the region reads the case, not rules
    before = counts(session)  # (signing in is on the ledger too)
    for api in others:
        refused = api.post(f"{url}/ruling/preview", json=draft)
        assert refused.status_code == 403, refused.get_json()
    bad = {"outcome": "rejected_no_violation", "reasons": "x", "suspension_days": 5}
    previewed = handler.post(f"{url}/ruling/preview", json=bad)
    ruled = handler.post(f"{url}/ruling", json=bad)
    assert previewed.status_code == ruled.status_code == 422
    assert previewed.get_json()["code"] == ruled.get_json()["code"] == "bad_effects"
    assert previewed.get_json()["details"] == ruled.get_json()["details"]
    unpaid_refund = {"outcome": "upheld", "reasons": "x", "refund_amount": "10.00"}
    assert handler.post(f"{url}/ruling/preview", json=unpaid_refund).get_json()["code"] == (
        "bad_refund_amount"
    )
    assert counts(session) == before


# ---------------------------------------------------------------- notices to the purchaser


def _kinds(api) -> list[str]:
    return [n["kind"] for n in api.get("/api/notifications?limit=50").get_json()["items"]]


def test_the_purchaser_is_told_of_the_confirmation_and_the_contract_to_sign(shop, login, session):
    """MALL-12: the supplier's confirmation and signature each leave a notice for the purchaser's
    organisation, written with the step; neither the supplier nor another purchaser sees them."""
    add(shop.purchaser, shop.desktop, 1)
    (order,) = checkout(shop.purchaser, shop.line).get_json()
    hospital = login("purchaser.hospital")
    seen_elsewhere = _kinds(hospital)
    supplier_before = _kinds(shop.supplier)
    confirmed = shop.supplier.post(f"/api/mall/supplier/orders/{order['id']}/confirm")
    assert confirmed.status_code == 200
    inbox = shop.purchaser.get("/api/notifications").get_json()
    latest = inbox["items"][0]
    assert latest["kind"] == "order.confirmed" and latest["link"] == f"/orders/{order['id']}"
    assert order["number"] in latest["title_zh"] and order["number"] in latest["title_en"]
    assert inbox["unread"] >= 1
    contract_id = shop.purchaser.get(f"/api/mall/orders/{order['id']}").get_json()["contract_id"]
    signed = shop.supplier.post(f"/api/mall/contracts/{contract_id}/sign")
    assert signed.status_code == 200
    latest = shop.purchaser.get("/api/notifications").get_json()["items"][0]
    assert latest["kind"] == "contract.awaiting_signature"
    assert latest["link"] == f"/contracts/{contract_id}"
    # Once the purchaser has signed, nothing more awaits it.
    assert shop.purchaser.post(f"/api/mall/contracts/{contract_id}/sign").status_code == 200
    assert _kinds(shop.purchaser).count("contract.awaiting_signature") == 1
    assert _kinds(hospital) == seen_elsewhere
    assert _kinds(shop.supplier) == supplier_before
    session.expire_all()
    rows = session.scalars(
        select(Notification).where(
            Notification.subject_id.in_([str(order["id"]), str(contract_id)])
        )
    ).all()
    school = session.scalar(select(User).where(User.username == "purchaser")).organisation_id
    assert len(rows) == 2 and {r.organisation_id for r in rows} == {school}
    # The page of notices shows them, with the body.
    page = shop.purchaser.client.get("/notifications").get_data(as_text=True)
    assert "已被供应商确认" in page and "待贵单位签署" in page and "供应商已签署" in page


def test_a_declined_order_leaves_no_confirmation_notice(shop, login, session):
    add(shop.purchaser, shop.desktop, 1)
    (order,) = checkout(shop.purchaser, shop.line).get_json()
    before = _kinds(shop.purchaser)
    shop.supplier.post(
        f"/api/mall/supplier/orders/{order['id']}/decline", json={"reason": "暂时缺货"}
    )
    assert _kinds(shop.purchaser) == before


# ---------------------------------------------------------------- checkout's delivery details


@pytest.mark.parametrize(
    ("over", "fields"),
    [
        ({"delivery_address": ""}, {"delivery_address"}),
        ({"delivery_address": "   "}, {"delivery_address"}),
        ({"contact_phone": ""}, {"contact_phone"}),
        ({"delivery_address": None, "contact_phone": " ", "contact_name": ""}, None),
        ({"delivery_address": "x"}, {"delivery_address"}),
    ],
)
def test_a_checkout_without_address_or_phone_is_refused(shop, session, over, fields):
    """MALL-3: an empty address, contact or phone is refused with ``delivery_incomplete``
    naming each empty field (in Chinese and English), and nothing is written."""
    add(shop.purchaser, shop.desktop, 1)
    before = snapshot(session, [shop.desktop], [shop.line])
    response = checkout(shop.purchaser, shop.line, **over)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()
    assert error["code"] == "delivery_incomplete"
    assert "地址" in error["message_zh"] and "address" in error["message"]
    expected = fields or {"delivery_address", "contact_phone", "contact_name"}
    assert set(error["details"]) == expected
    assert snapshot(session, [shop.desktop], [shop.line]) == before


def test_the_fields_left_out_entirely_are_named_too(shop, session):
    add(shop.purchaser, shop.desktop, 1)
    response = shop.purchaser.post("/api/mall/checkout", json={"budget_line_id": shop.line})
    assert response.status_code == 422
    assert response.get_json()["code"] == "delivery_incomplete"
    assert set(response.get_json()["details"]) == set(DELIVERY)


def test_the_checkout_page_marks_the_delivery_fields_required(shop):
    add(shop.purchaser, shop.desktop, 1)
    page = shop.purchaser.client.get("/checkout").get_data(as_text=True)
    for name in ("delivery_address", "contact_name", "contact_phone"):
        tag = re.search(rf'<input name="{name}"[^>]*>', page).group(0)
        assert 'required aria-required="true"' in tag, tag


# ---------------------------------------------------------------- the first pages


def test_the_sign_in_page_names_the_demo_accounts(client):
    page = client.get("/signin").get_data(as_text=True)
    assert "flask demo load" not in page
    for username in ("purchaser", "supplier", "operator", "supervisor", "handler"):
        assert f"<code>{username}</code>" in page
    assert DEMO_PASSWORD in page and "张" not in page.split("demo-accounts")[0][-50:]
    client.set_cookie("lang", "en")
    english = client.get("/signin").get_data(as_text=True)
    assert "Demo accounts" in english and "Purchaser" in english


def test_the_site_icon_is_served_and_linked(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype in ("image/x-icon", "image/vnd.microsoft.icon")
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO header
    page = client.get("/signin").get_data(as_text=True)
    assert 'rel="icon" href="/favicon.ico"' in page
    assert client.get("/static/favicon.svg").status_code == 200


def test_the_api_document_page_lists_every_api_path(app, client):
    """Every path the app routes under /api (but the document and the explorer themselves) is
    on the page, with each of its methods."""
    page = client.get("/api-docs").get_data(as_text=True)
    listed = set(re.findall(r'data-method="([A-Z]+)" data-path="([^"]+)"', page))
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint.startswith("api-docs."):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routed.add((method, path))
    assert len(routed) > 100
    assert routed <= listed, sorted(routed - listed)[:10]
    assert len({p for _, p in listed}) == len(client.get("/api/openapi.json").get_json()["paths"])


def test_the_ledger_line_covers_the_latest_entry(shop, login, session):
    """SUP-1: the supervisor's "verified" line names the entries it covers, up to the latest one
    at the time the page is made, even when the last whole walk was earlier."""
    supervisor = login("supervisor")

    def covered() -> int:
        page = supervisor.client.get("/").get_data(as_text=True)
        assert "账本校验通过" in page, page
        return int(re.search(r'data-testid="ledger-covers" data-seq="(\d+)"', page).group(1))

    def latest() -> int:
        session.expire_all()
        return session.scalar(select(LedgerEntry.seq).order_by(LedgerEntry.seq.desc()).limit(1))

    assert covered() == latest()
    add(shop.purchaser, shop.desktop, 1)
    assert checkout(shop.purchaser, shop.line).status_code == 201  # new entries since the walk
    assert covered() == latest()
