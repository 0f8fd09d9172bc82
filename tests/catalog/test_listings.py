"""Listing management (CAT-3), price history (SUP-3) and green certificates (CAT-7)."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from catalog.listings.models import Listing
from core import clock
from supervision.ledger.models import LedgerEntry
from tests.catalog.conftest import desktop_body, enrol

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def supplier(login, cat):
    return enrol(login, "supplier", [cat.it], cat.regions["150105"])


def _count(session, model=Listing):
    return session.scalar(select(func.count()).select_from(model))


def test_draft_submit_approve(supplier, login, cat, session):
    created = supplier.post("/api/catalog/listings", json=desktop_body(cat))
    assert created.status_code == 201, created.get_json()
    listing = created.get_json()
    assert listing["status"] == "draft" and listing["price"] == "4999.00"
    assert listing["params"] == {
        "cpu": "i5",
        "memory_gb": "16",
        "ssd_gb": "512",
        "ports": ["HDMI", "USB-C"],
    }
    # Not on the shelf yet: purchasers do not see it.
    assert login("purchaser").get(f"/api/catalog/listings/{listing['id']}").status_code == 404
    assert (
        supplier.post(f"/api/catalog/listings/{listing['id']}/submit").get_json()["status"]
        == "submitted"
    )
    operator = login("operator")
    queue = operator.get("/api/catalog/listings?status=submitted").get_json()
    assert listing["id"] in [x["id"] for x in queue["items"]]
    approved = operator.post(
        f"/api/catalog/listings/{listing['id']}/review", json={"approve": True}
    )
    assert approved.status_code == 200
    assert approved.get_json()["status"] == "approved" and approved.get_json()["expires_at"]
    seen = login("purchaser").get(f"/api/catalog/listings/{listing['id']}")
    assert seen.status_code == 200
    actions = session.scalars(
        select(LedgerEntry.action)
        .where(LedgerEntry.subject_type == "listing", LedgerEntry.subject_id == str(listing["id"]))
        .order_by(LedgerEntry.seq)
    ).all()
    assert actions == ["listing.created", "listing.submitted", "listing.approved"]


def _on_shelf(supplier, login, cat, **over):
    listing = supplier.post("/api/catalog/listings", json=desktop_body(cat, **over)).get_json()
    supplier.post(f"/api/catalog/listings/{listing['id']}/submit")
    login("operator").post(f"/api/catalog/listings/{listing['id']}/review", json={"approve": True})
    return listing["id"]


def test_price_edits_take_effect_at_once_and_are_recorded(supplier, login, cat):
    listing_id = _on_shelf(supplier, login, cat)
    edited = supplier.patch(
        f"/api/catalog/listings/{listing_id}", json={"price": "4599.5", "stock": 5}
    )
    assert edited.status_code == 200
    assert edited.get_json()["status"] == "approved"
    assert edited.get_json()["price"] == "4599.50" and edited.get_json()["stock"] == 5
    history = login("monitor").get(f"/api/catalog/listings/{listing_id}/prices").get_json()
    assert [(h["old_price"], h["new_price"]) for h in history] == [
        (None, "4999.00"),
        ("4999.00", "4599.50"),
    ]


def test_spec_edits_send_the_listing_back_to_review(supplier, login, cat):
    listing_id = _on_shelf(supplier, login, cat)
    edited = supplier.patch(
        f"/api/catalog/listings/{listing_id}",
        json={"params": {"cpu": "i7", "memory_gb": 32}},
    )
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["status"] == "submitted"
    assert login("purchaser").get(f"/api/catalog/listings/{listing_id}").status_code == 404


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"params": {"cpu": "i5", "memory_gb": 16, "colour": "red"}}, "params.colour"),
        ({"params": {"cpu": "i5", "memory_gb": "sixteen"}}, "params.memory_gb"),
        ({"params": {"cpu": "i5", "memory_gb": 1024}}, "params.memory_gb"),
        ({"params": {"cpu": "i9", "memory_gb": 16}}, "params.cpu"),
        ({"params": {"memory_gb": 16}}, "params.cpu"),
        ({"params": {"cpu": "i5", "memory_gb": 16, "touch": "yes"}}, "params.touch"),
        ({"params": {"cpu": "i5", "memory_gb": 16, "ports": ["SCSI"]}}, "params.ports"),
        ({"price": "-1"}, "price"),
        ({"price": "abc"}, "price"),
        ({"price": "1.999"}, "price"),
        ({"price": "0"}, "price"),
        ({"stock": -3}, "stock"),
        ({"region_ids": [999999]}, "region_ids"),
    ],
)
def test_bad_listings_are_refused_naming_the_field_and_write_nothing(
    supplier, cat, session, over, field
):
    before = _count(session)
    response = supplier.post("/api/catalog/listings", json=desktop_body(cat, **over))
    assert response.status_code == 422
    body = response.get_json()
    assert field in body["details"], body
    assert body["message"] and body["message_zh"]
    assert _count(session) == before


def test_listing_outside_enrolled_categories_is_refused(login, cat, session):
    other = enrol(login, "supplier.office", [cat.printer], cat.regions["150203"])
    before = _count(session)
    response = other.post("/api/catalog/listings", json=desktop_body(cat))
    assert response.status_code == 403 and response.get_json()["code"] == "not_enrolled"
    assert _count(session) == before


def test_not_enrolled_supplier_cannot_list(login, cat):
    response = login("supplier").post("/api/catalog/listings", json=desktop_body(cat))
    assert response.status_code == 403 and response.get_json()["code"] == "not_enrolled"


def test_duplicates_are_refused(supplier, cat):
    assert supplier.post("/api/catalog/listings", json=desktop_body(cat)).status_code == 201
    again = supplier.post(
        "/api/catalog/listings", json=desktop_body(cat, model=" m437 ", title_zh="另一个标题")
    )
    assert again.status_code == 409 and again.get_json()["code"] == "duplicate_listing"


def test_suppliers_cannot_review_or_touch_others_listings(supplier, login, cat, session):
    listing = supplier.post("/api/catalog/listings", json=desktop_body(cat)).get_json()
    supplier.post(f"/api/catalog/listings/{listing['id']}/submit")
    review = supplier.post(f"/api/catalog/listings/{listing['id']}/review", json={"approve": True})
    assert review.status_code == 403
    other = enrol(login, "supplier.office", [cat.it], cat.regions["150203"])
    assert (
        other.patch(f"/api/catalog/listings/{listing['id']}", json={"price": "1.00"}).status_code
        == 403
    )
    assert (
        other.post(f"/api/catalog/listings/{listing['id']}/off-shelf", json={}).status_code == 403
    )
    assert other.get(f"/api/catalog/listings/{listing['id']}").status_code == 404
    assert session.get(Listing, listing["id"]).status == "submitted"
    assert login("purchaser").get("/api/catalog/listings").get_json()["total"] == 0


def test_rejection_needs_a_reason_and_resubmission_works(supplier, login, cat):
    listing = supplier.post("/api/catalog/listings", json=desktop_body(cat)).get_json()
    supplier.post(f"/api/catalog/listings/{listing['id']}/submit")
    operator = login("operator")
    url = f"/api/catalog/listings/{listing['id']}/review"
    assert operator.post(url, json={"approve": False}).status_code == 422
    rejected = operator.post(url, json={"approve": False, "note": "图片与型号不符"}).get_json()
    assert rejected["status"] == "rejected" and rejected["review_note"] == "图片与型号不符"
    assert (
        supplier.post(f"/api/catalog/listings/{listing['id']}/submit").get_json()["status"]
        == "submitted"
    )


def test_listings_lapse_after_the_term_unless_renewed(supplier, login, cat, app):
    operator = login("operator")
    assert operator.put("/api/catalog/settings/listing-term", json={"days": 30}).status_code == 200
    assert supplier.put("/api/catalog/settings/listing-term", json={"days": 3}).status_code == 403
    kept = _on_shelf(supplier, login, cat)
    lapsing = _on_shelf(supplier, login, cat, model="M438", title_zh="联想台式机 M438")
    clock.freeze(clock.now() + timedelta(days=20))
    try:
        supplier = login("supplier")  # the earlier sign-in session has expired by now
        assert supplier.post(f"/api/catalog/listings/{kept}/renew").status_code == 200
        clock.advance(timedelta(days=15))
        result = app.test_cli_runner().invoke(args=["catalog", "tick"])
        assert "lapsed 1" in result.output
        supplier = login("supplier")
        statuses = {
            x["id"]: x["status"] for x in supplier.get("/api/catalog/listings").get_json()["items"]
        }
        assert statuses == {kept: "approved", lapsing: "lapsed"}
    finally:
        clock.unfreeze()


def test_images_are_checked_by_content_and_size(supplier, cat, session):
    listing = supplier.post("/api/catalog/listings", json=desktop_body(cat)).get_json()
    url = f"/api/catalog/listings/{listing['id']}/images"
    ok = supplier.client.post(
        url,
        data={"file": (io.BytesIO(PNG), "front.png")},
        headers={"X-CSRF-Token": supplier.csrf},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 201, ok.get_json()
    assert ok.get_json()["content_type"] == "image/png"
    fetched = supplier.get(ok.get_json()["url"])
    assert fetched.status_code == 200 and fetched.data == PNG
    fake = supplier.client.post(
        url,
        data={"file": (io.BytesIO(b"MZ\x90\x00 not an image"), "virus.png")},
        headers={"X-CSRF-Token": supplier.csrf},
        content_type="multipart/form-data",
    )
    assert fake.status_code == 422 and fake.get_json()["code"] == "bad_file_type"
    big = supplier.client.post(
        url,
        data={"file": (io.BytesIO(PNG + b"\x00" * (2 * 1024 * 1024)), "big.png")},
        headers={"X-CSRF-Token": supplier.csrf},
        content_type="multipart/form-data",
    )
    assert big.status_code == 422 and big.get_json()["code"] == "file_too_large"
    assert len(supplier.get(f"/api/catalog/listings/{listing['id']}").get_json()["images"]) == 1


def test_mandatory_category_needs_a_valid_certificate(login, cat, app):
    supplier = enrol(login, "supplier", [cat.it], cat.regions["150105"])
    body = desktop_body(
        cat,
        category_id=cat.printer,
        title_zh="惠普激光打印机",
        brand="惠普",
        model="M1005",
        params={"ppm": 20},
    )
    listing = supplier.post("/api/catalog/listings", json=body).get_json()
    supplier.post(f"/api/catalog/listings/{listing['id']}/submit")
    operator = login("operator")
    url = f"/api/catalog/listings/{listing['id']}/review"
    refused = operator.post(url, json={"approve": True})
    assert refused.status_code == 409 and refused.get_json()["code"] == "certificate_required"
    today = clock.local(clock.now()).date()
    cert = supplier.post(
        "/api/catalog/certificates",
        json={
            "kind": "energy_saving",
            "number": "CQC2026-001",
            "issuer": "中国质量认证中心",
            "valid_from": (today - timedelta(days=10)).isoformat(),
            "valid_until": (today + timedelta(days=10)).isoformat(),
        },
    )
    assert cert.status_code == 201, cert.get_json()
    attached = supplier.post(
        f"/api/catalog/listings/{listing['id']}/certificates",
        json={"certificate_id": cert.get_json()["id"]},
    )
    assert attached.status_code == 200
    assert operator.post(url, json={"approve": True}).get_json()["status"] == "approved"
    clock.freeze(clock.now() + timedelta(days=12))
    try:
        result = app.test_cli_runner().invoke(args=["catalog", "tick"])
        assert "withdrawn 1" in result.output
    finally:
        clock.unfreeze()
    assert (
        supplier.get(f"/api/catalog/listings/{listing['id']}").get_json()["status"] == "off_shelf"
    )


def test_retiring_a_category_with_live_listings_is_refused(supplier, login, cat):
    _on_shelf(supplier, login, cat)
    refused = login("operator").post(f"/api/catalog/categories/{cat.desktop}/retire")
    assert refused.status_code == 409 and refused.get_json()["code"] == "has_live_listings"


def test_money_is_exact(supplier, cat):
    """Amounts are Decimal with two places, sent as digit strings; a JSON float is refused."""
    for price in (0.1 + 0.2, 4999.5, "4.9995e3"):
        refused = supplier.post("/api/catalog/listings", json=desktop_body(cat, price=price))
        assert refused.status_code == 422 and set(refused.get_json()["details"]) == {"price"}
    listing = supplier.post(
        "/api/catalog/listings", json=desktop_body(cat, price="4999.5")
    ).get_json()
    assert listing["price"] == "4999.50"
