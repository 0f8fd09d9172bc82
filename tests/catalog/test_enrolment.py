"""Supplier enrolment (MALL-6): apply any time, operator decides, suspension ends by itself."""

from datetime import timedelta

from sqlalchemy import func, select

from catalog.enrolment.models import EnrolmentApplication
from core import clock
from supervision.ledger.models import LedgerEntry
from tests.catalog.conftest import enrol


def test_apply_and_be_approved(login, cat, session):
    api = enrol(login, "supplier", [cat.it], cat.regions["150105"], size="micro")
    status = api.get(f"/api/catalog/suppliers/{cat.supplier_it}").get_json()
    assert status["enrolled"] is True and status["sme"] is True
    assert status["enterprise_size"] == "micro"
    assert status["category_ids"] == [cat.it]
    actions = session.scalars(
        select(LedgerEntry.action).where(LedgerEntry.subject_type == "enrolment")
    ).all()
    assert "enrolment.applied" in actions and "enrolment.approved" in actions


def test_rejection_needs_a_reason(login, cat):
    supplier = login("supplier")
    applied = supplier.post(
        "/api/catalog/enrolments",
        json={
            "licence_no": "91150105MA0000008X",
            "enterprise_size": "large",
            "region_id": cat.regions["15"],
            "category_ids": [cat.desktop],
        },
    ).get_json()
    operator = login("operator")
    url = f"/api/catalog/enrolments/{applied['id']}/decision"
    assert operator.post(url, json={"approve": False}).status_code == 422
    rejected = operator.post(url, json={"approve": False, "reason": "营业执照已过期"})
    assert rejected.get_json()["status"] == "rejected"
    assert rejected.get_json()["reason"] == "营业执照已过期"
    assert operator.post(url, json={"approve": True}).status_code == 409
    mine = supplier.get("/api/catalog/enrolments").get_json()["items"]
    assert mine[0]["status"] == "rejected"


def test_one_pending_application_at_a_time(login, cat):
    supplier = login("supplier")
    body = {
        "licence_no": "91150105MA0000008X",
        "enterprise_size": "small",
        "region_id": cat.regions["15"],
        "category_ids": [cat.desktop],
    }
    assert supplier.post("/api/catalog/enrolments", json=body).status_code == 201
    again = supplier.post("/api/catalog/enrolments", json=body)
    assert again.status_code == 409 and again.get_json()["code"] == "application_pending"


def test_bad_applications_write_nothing(login, cat, session):
    supplier = login("supplier")
    count = session.scalar(select(func.count()).select_from(EnrolmentApplication))
    bad = supplier.post(
        "/api/catalog/enrolments",
        json={
            "licence_no": "123",
            "enterprise_size": "huge",
            "region_id": 999999,
            "category_ids": [999999],
        },
    )
    assert bad.status_code == 422
    assert {"enterprise_size"} <= set(bad.get_json()["details"])
    bad2 = supplier.post(
        "/api/catalog/enrolments",
        json={
            "licence_no": "123",
            "enterprise_size": "small",
            "region_id": 999999,
            "category_ids": [999999],
        },
    )
    assert bad2.status_code == 422
    assert set(bad2.get_json()["details"]) == {"licence_no", "region_id", "category_ids"}
    assert session.scalar(select(func.count()).select_from(EnrolmentApplication)) == count


def test_only_suppliers_apply_and_only_operators_decide(login, cat):
    body = {
        "licence_no": "12150102MB0000005X",
        "enterprise_size": "small",
        "region_id": cat.regions["15"],
        "category_ids": [cat.desktop],
    }
    assert login("purchaser").post("/api/catalog/enrolments", json=body).status_code == 403
    supplier = login("supplier")
    applied = supplier.post(
        "/api/catalog/enrolments", json=body | {"licence_no": "91150105MA0000008X"}
    )
    url = f"/api/catalog/enrolments/{applied.get_json()['id']}/decision"
    assert supplier.post(url, json={"approve": True}).status_code == 403
    # Another supplier cannot see this application.
    other = login("supplier.office")
    assert other.get(f"/api/catalog/enrolments/{applied.get_json()['id']}").status_code == 403
    assert other.get("/api/catalog/enrolments").get_json()["total"] == 0


def test_suspension_refuses_listing_and_ends_by_itself(login, cat, app):
    supplier = enrol(login, "supplier", [cat.it], cat.regions["150105"])
    operator = login("operator")
    until = clock.now() + timedelta(hours=2)  # within the sign-in session
    suspended = operator.post(
        f"/api/catalog/suppliers/{cat.supplier_it}/suspensions",
        json={"reason": "虚假宣传", "ends_at": until.isoformat()},
    )
    assert suspended.status_code == 201, suspended.get_json()
    from tests.catalog.conftest import desktop_body

    refused = supplier.post("/api/catalog/listings", json=desktop_body(cat))
    assert refused.status_code == 403 and refused.get_json()["code"] == "supplier_suspended"
    assert "虚假宣传" in refused.get_json()["message_zh"]
    clock.freeze(until + timedelta(minutes=1))
    try:
        assert supplier.post("/api/catalog/listings", json=desktop_body(cat)).status_code == 201
        result = app.test_cli_runner().invoke(args=["catalog", "tick"])
        assert "reinstated 1" in result.output
    finally:
        clock.unfreeze()


def test_suspension_needs_a_future_end_and_an_operator(login, cat):
    enrol(login, "supplier", [cat.it], cat.regions["150105"])
    url = f"/api/catalog/suppliers/{cat.supplier_it}/suspensions"
    past = (clock.now() - timedelta(days=1)).isoformat()
    assert login("operator").post(url, json={"reason": "x", "ends_at": past}).status_code == 422
    future = (clock.now() + timedelta(days=1)).isoformat()
    assert (
        login("supplier.office").post(url, json={"reason": "x", "ends_at": future}).status_code
        == 403
    )
