"""Electronic contracts (MALL-4): written at confirmation with every term, hash on the ledger, signed
by both organisations; tampering and signatures by anyone else are caught."""

import hashlib
import json

from sqlalchemy import select, update

from core.accounts.auth import SYSTEM
from core.accounts.models import Organisation
from core.accounts.service import rotate_key
from mall.contracts.models import Contract
from supervision.ledger.models import LedgerEntry
from tests.mall.conftest import actions, advance, place, snapshot


def _confirmed(shop, *items):
    (order,) = place(shop, *(items or [(shop.desktop, 2), (shop.mini, 1)]))
    return advance(shop, order["id"], "confirmed")


def _contract(api, contract_id):
    response = api.get(f"/api/mall/contracts/{contract_id}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _sign(api, contract_id):
    return api.post(f"/api/mall/contracts/{contract_id}/sign")


def test_confirmation_writes_a_contract_with_every_term_and_ledgers_its_hash(shop, session):
    order = _confirmed(shop)
    contract = _contract(shop.purchaser, order["contract_id"])
    terms = contract["terms"]
    assert contract["number"] == "HT" + order["number"][2:]
    assert terms["purchaser"]["credit_code"] == "12150102MB0000005X"
    assert terms["supplier"]["credit_code"] == "91150105MA0000008X"
    assert terms["supplier"]["enterprise_size"] == "small"
    assert [
        (i["title_zh"], i["unit_price"], i["quantity"], i["line_total"]) for i in terms["items"]
    ] == [
        ("联想启天台式计算机 M437", "4999.00", 2, "9998.00"),
        ("联想迷你主机 M438", "1999.50", 1, "1999.50"),
    ]
    assert terms["items"][0]["params"]["cpu"] == "i5"
    assert terms["total"] == "11997.50" and terms["currency"] == "CNY"
    assert terms["delivery"]["address"] == order["delivery_address"]
    assert terms["delivery"]["within_days_of_confirmation"] == 7
    assert terms["acceptance"]["within_days_of_delivery"] == 7
    assert terms["payment"]["within_days_of_acceptance"] == 30
    assert "无合同不支付" in terms["payment"]["terms_zh"]
    assert terms["funding"]["fund_source"] == "general"
    # The hash is over the exact bytes served, and the ledger recorded it.
    document = shop.supplier.get(f"/api/mall/contracts/{order['contract_id']}/document")
    assert document.status_code == 200
    assert hashlib.sha256(document.data).hexdigest() == contract["sha256"]
    assert json.loads(document.data) == terms
    assert contract["content_intact"] and contract["hash_on_ledger"]
    assert contract["signatures"] == [] and contract["fully_signed"] is False
    created = session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.action == "contract.created",
            LedgerEntry.subject_type == "contract",
            LedgerEntry.subject_id == str(order["contract_id"]),
        )
    ).one()
    assert json.loads(created.payload)["sha256"] == contract["sha256"]
    assert created.actor_username == "supplier"


def test_prices_in_the_contract_are_the_frozen_ones(shop):
    (order,) = place(shop, (shop.desktop, 1))
    shop.supplier.patch(f"/api/catalog/listings/{shop.desktop}", json={"price": "100.00"})
    confirmed = advance(shop, order["id"], "confirmed")
    terms = _contract(shop.supplier, confirmed["contract_id"])["terms"]
    assert terms["items"][0]["unit_price"] == "4999.00" and terms["total"] == "4999.00"


def test_both_parties_sign_and_each_signature_verifies(shop, session, app):
    order = _confirmed(shop)
    cid = order["contract_id"]
    signed = _sign(shop.purchaser, cid)
    assert signed.status_code == 200, signed.get_json()
    (one,) = signed.get_json()["signatures"]
    school = session.scalar(
        select(Organisation.id).where(Organisation.credit_code == "12150102MB0000005X")
    )
    assert one["party"] == "purchaser" and one["verified"] and one["organisation_id"] == school
    assert signed.get_json()["fully_signed"] is False
    both = _sign(shop.supplier, cid).get_json()
    assert [(s["party"], s["verified"]) for s in both["signatures"]] == [
        ("purchaser", True),
        ("supplier", True),
    ]
    assert both["fully_signed"] is True
    assert actions(session, "contract", cid) == [
        "contract.created",
        "contract.signed",
        "contract.signed",
    ]
    twice = _sign(shop.supplier, cid)
    assert twice.status_code == 409 and twice.get_json()["code"] == "already_signed"
    # A later key rotation does not undo a signature made with the old key.
    with app.app_context():
        rotate_key(session, SYSTEM, school)
        session.flush()
    assert _contract(shop.supplier, cid)["fully_signed"] is True


def test_only_users_of_the_parties_may_read_or_sign(shop, login, session):
    order = _confirmed(shop)
    cid = order["contract_id"]
    outsiders = [login(u) for u in ("purchaser.hospital", "operator", "supervisor")] + [shop.office]
    before = snapshot(session)
    for api in outsiders:
        assert api.get(f"/api/mall/contracts/{cid}").status_code == 403
        refused = _sign(api, cid)
        assert refused.status_code == 403 and refused.get_json()["code"] == "other_organisation"
    assert snapshot(session) == before
    assert _contract(shop.purchaser, cid)["signatures"] == []
    assert login("purchaser").get("/api/mall/contracts/999999").status_code == 404


def _tamper(session, cid, also_hash=False):
    row = session.get(Contract, cid)
    content = row.content.replace('"quantity":2', '"quantity":20')
    assert content != row.content
    values = {"content": content}
    if also_hash:
        values["sha256"] = hashlib.sha256(content.encode()).hexdigest()
    session.execute(update(Contract).where(Contract.id == cid).values(**values))
    session.flush()
    session.expire_all()


def test_tampered_content_fails_verification(shop, session):
    order = _confirmed(shop)
    cid = order["contract_id"]
    _sign(shop.purchaser, cid)
    _sign(shop.supplier, cid)
    _tamper(session, cid)
    seen = _contract(shop.purchaser, cid)
    assert seen["content_intact"] is False
    assert [s["verified"] for s in seen["signatures"]] == [False, False]
    assert seen["fully_signed"] is False


def test_tampering_with_content_and_hash_is_still_caught(shop, session):
    order = _confirmed(shop)
    cid = order["contract_id"]
    _sign(shop.purchaser, cid)
    _sign(shop.supplier, cid)
    _tamper(session, cid, also_hash=True)
    seen = _contract(shop.supplier, cid)
    assert seen["content_intact"] is True  # the stored hash was forged to match…
    assert seen["hash_on_ledger"] is False  # …but not the one on the ledger
    assert [s["verified"] for s in seen["signatures"]] == [False, False]
    assert seen["fully_signed"] is False


def test_a_tampered_contract_cannot_be_signed(shop, session):
    order = _confirmed(shop)
    _tamper(session, order["contract_id"])
    refused = _sign(shop.purchaser, order["contract_id"])
    assert refused.status_code == 409 and refused.get_json()["code"] == "contract_tampered"


def test_the_contract_of_a_cancelled_order_is_void(shop):
    order = _confirmed(shop)
    oid, cid = order["id"], order["contract_id"]
    shop.purchaser.post(f"/api/mall/orders/{oid}/cancel", json={"reason": "预算调整"})
    shop.supplier.post(f"/api/mall/supplier/orders/{oid}/cancel", json={})
    refused = _sign(shop.supplier, cid)
    assert refused.status_code == 409 and refused.get_json()["code"] == "contract_void"
