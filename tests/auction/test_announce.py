"""Suppliers subscribed to a category (enrolled in it) are notified of a new auction in it (AUC-1,
MALL-12): only SMEs when the auction is reserved for them, and not a suspended supplier."""

from datetime import timedelta

from core import clock
from tests.auction.conftest import published


def _told(api, auction_id: int) -> bool:
    inbox = api.get("/api/notifications").get_json()
    return any(
        n["kind"] == "auction.published" and n["link"] == f"/auctions/{auction_id}"
        for n in inbox["items"]
    )


def test_enrolled_suppliers_are_told_of_a_published_auction(floor, login):
    reserved = published(floor)  # 150,000 CNY: reserved for SMEs
    assert reserved["sme_only"] is True
    assert _told(floor.supplier, reserved["id"])  # a small enterprise
    assert not _told(floor.office, reserved["id"])  # a large one may not bid, so is not told
    open_to_all = published(floor, ceiling="4000.00", quantity=600)
    assert _told(floor.supplier, open_to_all["id"]) and _told(floor.office, open_to_all["id"])
    # Other kinds of organisation are not told.
    assert not _told(login("purchaser.hospital"), open_to_all["id"])


def test_a_suspended_supplier_is_not_told(floor, login):
    suspended = floor.operator.post(
        f"/api/catalog/suppliers/{floor.cat.supplier_office}/suspensions",
        json={"reason": "虚假材料", "ends_at": (clock.now() + timedelta(days=30)).isoformat()},
    )
    assert suspended.status_code == 201, suspended.get_json()
    auction = published(floor, ceiling="4000.00", quantity=600)
    assert _told(floor.supplier, auction["id"]) and not _told(floor.office, auction["id"])
