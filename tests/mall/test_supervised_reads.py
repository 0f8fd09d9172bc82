"""Supervisors read the buying of their region (SUP-6): the orders, contracts and payments of
purchaser units in their region and below, listed with filters and one by one; another region's are
refused with ``other_region``; and a supervisor changes nothing — every write refuses it."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from core import clock
from core.accounts.models import Region
from tests.mall.conftest import advance, new_line, place, sign_both, snapshot

BASE = "/api/mall/supervision"


@pytest.fixture
def two(shop, login):
    """An order of the Hohhot school (新城区, under Hohhot) and one of the Baotou hospital, both
    confirmed (so each has its contract)."""
    hospital = login("purchaser.hospital")
    hospital_line = new_line(hospital, code="2026-BT-001")
    (school_order,) = place(shop, (shop.desktop, 1))
    (hospital_order,) = place(shop, (shop.mini, 1), api=hospital, line=hospital_line)
    school = advance(shop, school_order["id"], "confirmed")
    baotou = shop.supplier.post(f"/api/mall/supplier/orders/{hospital_order['id']}/confirm")
    assert baotou.status_code == 200, baotou.get_json()
    return SimpleNamespace(
        school=school,
        hospital=baotou.get_json(),
        hohhot=login("supervisor.hohhot"),
        region=login("supervisor"),
        hospital_api=hospital,
    )


def ids(api, url: str, **query) -> set[int]:
    response = api.get(url, query_string={"per_page": 100, **query})
    assert response.status_code == 200, response.get_json()
    return {item["id"] for item in response.get_json()["items"]}


def test_a_city_supervisor_reads_its_regions_orders_and_not_anothers(two):
    """SUP-6: 呼和浩特 sees the school's order (新城区 is below it), in the list and alone, with
    both parties and the budget line; the Baotou hospital's is refused and not listed."""
    school, hospital = two.school["id"], two.hospital["id"]
    listed = ids(two.hohhot, f"{BASE}/orders")
    assert school in listed and hospital not in listed

    body = two.hohhot.get(f"{BASE}/orders/{school}").get_json()
    assert body["purchaser"]["name_zh"] == "呼和浩特市第一中学"
    assert body["supplier"]["name_zh"] == "内蒙古草原信息技术有限公司"
    assert body["budget_line"]["code"] == "2026-XX-001"
    assert body["status"] == "confirmed" and body["contract_id"]

    refused = two.hohhot.get(f"{BASE}/orders/{hospital}")
    assert refused.status_code == 403 and refused.get_json()["code"] == "other_region"
    assert two.hohhot.get(f"{BASE}/orders/{hospital}/payments").status_code == 403
    assert two.hohhot.get(f"{BASE}/orders/2147483000").status_code == 404


def test_the_region_supervisor_sees_every_city_and_narrows_by_region(two, session):
    """SUP-6: the whole area's supervisor sees both; ``region_id`` narrows to a city of its
    subtree, and a city supervisor cannot widen itself to another city."""
    school, hospital = two.school["id"], two.hospital["id"]
    assert {school, hospital} <= ids(two.region, f"{BASE}/orders")
    assert two.region.get(f"{BASE}/orders/{hospital}").status_code == 200
    baotou = session.query(Region).filter_by(code="1502").one().id
    narrowed = ids(two.region, f"{BASE}/orders", region_id=baotou)
    assert hospital in narrowed and school not in narrowed
    widened = two.hohhot.get(f"{BASE}/orders", query_string={"region_id": baotou})
    assert widened.status_code == 403 and widened.get_json()["code"] == "other_region"


def test_order_filters_status_party_number_and_local_dates(two, shop):
    """SUP-6: filters by status, supplier, order number and the placing day in Asia/Shanghai —
    today's order is in "from today", not in "to yesterday"."""
    school = two.school["id"]
    assert school in ids(two.hohhot, f"{BASE}/orders", status="confirmed")
    assert school not in ids(two.hohhot, f"{BASE}/orders", status="placed")
    supplier_id = two.hohhot.get(f"{BASE}/orders/{school}").get_json()["supplier"]["id"]
    assert school in ids(two.hohhot, f"{BASE}/orders", supplier_id=supplier_id)
    assert school not in ids(two.hohhot, f"{BASE}/orders", supplier_id=supplier_id + 1000)
    assert ids(two.hohhot, f"{BASE}/orders", number=two.school["number"]) == {school}
    assert ids(two.hohhot, f"{BASE}/orders", number="ZC20990101999999") == set()
    today = clock.local(clock.now()).date()
    assert school in ids(two.hohhot, f"{BASE}/orders", from_date=today.isoformat())
    assert school in ids(two.hohhot, f"{BASE}/orders", to_date=today.isoformat())
    yesterday = (today - timedelta(days=1)).isoformat()
    assert school not in ids(two.hohhot, f"{BASE}/orders", to_date=yesterday)
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert school not in ids(two.hohhot, f"{BASE}/orders", from_date=tomorrow)


def test_contracts_are_read_with_their_signature_state(two, shop):
    """SUP-6: the supervisor reads a contract of its region with hash and signature checks; the
    list filters by how many parties signed; another region's contract is refused."""
    contract_id = two.school["contract_id"]
    assert contract_id in ids(two.hohhot, f"{BASE}/contracts", signed="none")
    sign_both(shop, two.school["id"])
    assert contract_id not in ids(two.hohhot, f"{BASE}/contracts", signed="none")
    assert contract_id in ids(two.hohhot, f"{BASE}/contracts", signed="both")
    body = two.hohhot.get(f"{BASE}/contracts/{contract_id}").get_json()
    assert body["fully_signed"] and body["content_intact"] and body["hash_on_ledger"]
    document = two.hohhot.get(f"{BASE}/contracts/{contract_id}/document")
    assert document.status_code == 200 and document.get_data(as_text=True) == body["content"]

    other = two.hospital["contract_id"]
    assert other not in ids(two.hohhot, f"{BASE}/contracts")
    refused = two.hohhot.get(f"{BASE}/contracts/{other}")
    assert refused.status_code == 403 and refused.get_json()["code"] == "other_region"
    assert two.region.get(f"{BASE}/contracts/{other}").status_code == 200


def test_payments_are_read_without_the_payers_cashier_page(two, shop):
    """SUP-6: a paid order's payment is listed and read by the supervisor with status, amounts
    and the gateway's reference, never the payer's cashier page; another region's is refused."""
    advance(shop, two.school["id"], "paid")
    listed = two.hohhot.get(f"{BASE}/payments", query_string={"order_id": two.school["id"]})
    (payment,) = listed.get_json()["items"]
    assert payment["status"] == "succeeded" and payment["gateway_ref"]
    assert "checkout_url" not in payment
    assert payment["purchaser"]["name_zh"] == "呼和浩特市第一中学"
    assert payment["id"] not in ids(two.hohhot, f"{BASE}/payments", status="failed")
    alone = two.hohhot.get(f"{BASE}/payments/{payment['id']}").get_json()
    assert alone["amount"] == payment["amount"] and "checkout_url" not in alone
    (on_order,) = two.hohhot.get(f"{BASE}/orders/{two.school['id']}/payments").get_json()["items"]
    assert on_order["id"] == payment["id"]

    # The hospital's payment (Baotou) is refused to Hohhot and read by the area's supervisor.
    as_hospital = SimpleNamespace(**(vars(shop) | {"purchaser": two.hospital_api}))
    advance(as_hospital, two.hospital["id"], "paid")
    (other,) = two.region.get(
        f"{BASE}/payments", query_string={"order_id": two.hospital["id"]}
    ).get_json()["items"]
    assert other["id"] not in ids(two.hohhot, f"{BASE}/payments")
    refused = two.hohhot.get(f"{BASE}/payments/{other['id']}")
    assert refused.status_code == 403 and refused.get_json()["code"] == "other_region"
    assert two.region.get(f"{BASE}/payments/{other['id']}").status_code == 200


@pytest.mark.parametrize("username", ["purchaser", "supplier", "operator", "handler"])
def test_only_supervisors_use_these_reads(login, username):
    """SUP-6: the parties have their own views; here anyone but a supervisor is refused."""
    for path in ("orders", "contracts", "payments"):
        response = login(username).get(f"{BASE}/{path}")
        assert response.status_code == 403, path
        assert response.get_json()["code"] == "supervisor_only"


def test_a_supervisor_changes_nothing(two, shop, session):
    """SUP-6: reading is all — confirming, declining, shipping, cancelling, signing and paying an
    order of its own region are refused to the supervisor and leave nothing written."""
    (placed,) = place(shop, (shop.desktop, 1))
    confirmed = two.school
    before = snapshot(session, [shop.desktop], [shop.line])
    reason = {"reason": "监管要求"}
    writes = [
        (f"/api/mall/supplier/orders/{placed['id']}/confirm", {}),
        (f"/api/mall/supplier/orders/{placed['id']}/decline", reason),
        (f"/api/mall/orders/{placed['id']}/cancel", reason),
        (
            f"/api/mall/supplier/orders/{confirmed['id']}/ship",
            {"logistics_company": "顺丰速运", "tracking_no": "SF1"},
        ),
        (f"/api/mall/contracts/{confirmed['contract_id']}/sign", {}),
        (f"/api/mall/orders/{confirmed['id']}/payments", {}),
    ]
    for supervisor in (two.hohhot, two.region):
        for url, body in writes:
            response = supervisor.post(url, json=body)
            assert response.status_code == 403, (url, response.get_json())
            assert response.get_json()["code"] == "other_organisation", url
    assert snapshot(session, [shop.desktop], [shop.line]) == before
    # Near miss: the supplier itself confirms the same order.
    assert (
        shop.supplier.post(f"/api/mall/supplier/orders/{placed['id']}/confirm").status_code == 200
    )
    # The read side offers no writes at all.
    assert two.hohhot.post(f"{BASE}/orders/{placed['id']}", json={}).status_code == 405
