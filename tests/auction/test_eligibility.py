"""Who may bid, decided by one rule (AUC-1 eligible suppliers, AUC-3, MALL-10): the refusal of a
bid, the count a purchaser sees before publishing, the supplier's list and the room's explanation.
Publishing a draft whose start has passed (start now, or a new start, in one request). The
fat-finger guard's share (rules.BID_GUARD_SHARE)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from auction import rules
from auction.models import Auction
from core import clock
from supervision.ledger.models import LedgerEntry
from tests.auction.conftest import T0, auction_body, bid, open_now, published
from tests.catalog.conftest import enrol
from tests.mall.conftest import new_line

#: 600 desktops at 4,000.00: above the SME reservation, so large enterprises may bid too.
OPEN_TO_ALL = {"quantity": 600, "ceiling": "4000.00"}


def _count(api, **query):
    return api.get("/api/auctions/eligible-suppliers", query_string=query)


def test_the_purchaser_sees_how_many_may_bid_before_publishing(floor):
    """Both suppliers are enrolled in IT equipment (desktops and printers are below it); the
    office supplier is a large enterprise, so a lot reserved for SMEs has one eligible bidder."""
    desktop = floor.cat.desktop
    seen = _count(floor.purchaser, category_id=desktop, quantity=600, ceiling="4000.00")
    assert seen.status_code == 200, seen.get_json()
    assert seen.get_json() == {
        "category_id": desktop,
        "sme_only": False,
        "count": 2,
        "min_bidders": 3,
        "enough": False,
    }
    small_lot = _count(
        floor.purchaser, category_id=desktop, quantity=30, ceiling="5000.00", min_bidders=2
    ).get_json()
    assert small_lot["sme_only"] is True and small_lot["count"] == 1
    assert small_lot["enough"] is False
    assert _count(floor.purchaser, category_id=floor.cat.printer, min_bidders=2).get_json()[
        "enough"
    ]
    # enrolled in IT equipment is not enrolled in all goods
    assert _count(floor.purchaser, category_id=floor.cat.goods).get_json()["count"] == 0
    # the delivery region narrows nothing (一地登记、全区通用), but must exist
    assert (
        _count(
            floor.purchaser, category_id=desktop, region_id=floor.cat.regions["150203"]
        ).get_json()["count"]
        == 2
    )
    bad = _count(floor.purchaser, category_id=desktop, region_id=999999)
    assert bad.status_code == 422 and "region_id" in bad.get_json()["details"]
    assert _count(floor.purchaser, category_id=999999).status_code == 422
    assert _count(floor.purchaser).status_code == 422


def test_the_count_is_for_purchasers_and_names_no_supplier(floor, login):
    """A supplier may not count its competitors; a draft's count is its purchaser unit's only."""
    refused = _count(floor.supplier, category_id=floor.cat.desktop)
    assert refused.status_code == 403
    assert _count(floor.operator, category_id=floor.cat.desktop).status_code == 403
    draft = floor.purchaser.post("/api/auctions", json=auction_body(floor)).get_json()
    url = f"/api/auctions/{draft['id']}/eligible-suppliers"
    own = floor.purchaser.get(url)
    assert own.status_code == 200
    assert own.get_json() == {
        "category_id": floor.cat.desktop,
        "sme_only": True,
        "count": 1,
        "min_bidders": 2,
        "enough": False,
    }
    other = login("purchaser.hospital").get(url)
    assert other.status_code == 403 and other.get_json()["code"] == "other_organisation"
    assert floor.supplier.get(url).status_code == 404  # a draft does not exist for suppliers
    assert floor.supplier.get("/api/auctions/999999/eligible-suppliers").status_code == 404


def test_one_rule_refuses_the_bid_lists_and_explains(floor, session):
    """The office supplier (large) may not bid in a lot reserved for SMEs: the bid is refused
    with the rule's reason, its list leaves the auction out (and says why when asked for all),
    and the room offers no bid box but the reason."""
    reserved = published(floor)  # 30 desktops: reserved for SMEs
    open_to_all = published(floor, **OPEN_TO_ALL)
    open_now(reserved)
    refused = bid(floor.office, reserved["id"], "4990.00")
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "bid_sme_only"
    assert refused.get_json()["message_zh"] == "本项目专门面向中小企业。"
    assert bid(floor.supplier, reserved["id"], "4990.00").status_code == 201

    listed = floor.office.get("/auctions").get_data(as_text=True)
    assert f'data-id="{open_to_all["id"]}"' in listed
    assert f'data-id="{reserved["id"]}"' not in listed
    assert 'data-testid="show-all"' in listed
    everything = floor.office.get("/auctions?all=1").get_data(as_text=True)
    assert f'data-id="{reserved["id"]}"' in everything
    assert 'data-reason="sme_only"' in everything
    # the small supplier sees both, with no reason against either
    mine = floor.supplier.get("/auctions").get_data(as_text=True)
    assert f'data-id="{reserved["id"]}"' in mine and "data-reason=" not in mine

    room = floor.office.get(f"/auctions/{reserved['id']}").get_data(as_text=True)
    assert 'data-testid="why-not" data-reason="sme_only"' in room
    assert 'data-testid="bid-box"' not in room
    room = floor.office.get(f"/auctions/{open_to_all['id']}").get_data(as_text=True)
    assert 'data-testid="bid-box"' in room and 'data-testid="why-not"' not in room


def test_a_supplier_not_enrolled_sees_why_and_where_to_enrol(login, cat, session):
    """Only enrolled in printers: a desktop auction is not in its list, and its room says
    贵公司未入驻该品目 with a link to enrolment — the same words the refused bid carries. The
    purchaser is told beforehand that nobody may bid."""
    clock.freeze(T0)
    try:
        supplier = enrol(login, "supplier", [cat.printer], cat.regions["150105"])
        purchaser = login("purchaser")
        line = new_line(purchaser, amount="9000000.00")
        floor = type("Floor", (), {"cat": cat, "line": line, "purchaser": purchaser})
        body = auction_body(floor, **OPEN_TO_ALL)
        draft = purchaser.post("/api/auctions", json=body).get_json()
        count = purchaser.get(f"/api/auctions/{draft['id']}/eligible-suppliers").get_json()
        assert count["count"] == 0 and count["enough"] is False
        page = purchaser.get(f"/auctions/{draft['id']}").get_data(as_text=True)
        assert 'data-testid="eligible-count" data-count="0" data-enough="0"' in page
        assert "该品目目前没有符合条件的供应商" in page
        assert purchaser.post(f"/api/auctions/{draft['id']}/publish").status_code == 200

        assert f'data-id="{draft["id"]}"' not in supplier.get("/auctions").get_data(as_text=True)
        room = supplier.get(f"/auctions/{draft['id']}").get_data(as_text=True)
        assert 'data-reason="not_enrolled"' in room and 'data-testid="why-enrol"' in room
        assert 'href="/enrolment"' in room
        open_now(draft)
        refused = bid(supplier, draft["id"], "3990.00")
        assert refused.status_code == 409 and refused.get_json()["code"] == "bid_not_enrolled"
        assert refused.get_json()["message_zh"] == "贵公司未入驻该品目。"
    finally:
        clock.unfreeze()


def test_a_suspended_supplier_is_not_counted_and_cannot_bid(floor, session):
    auction = published(floor, **OPEN_TO_ALL)
    before = floor.purchaser.get(f"/api/auctions/{auction['id']}/eligible-suppliers").get_json()
    assert before["count"] == 2
    suspended = floor.operator.post(
        f"/api/catalog/suppliers/{floor.cat.supplier_office}/suspensions",
        json={"reason": "虚假宣传", "ends_at": (T0 + timedelta(days=3)).isoformat()},
    )
    assert suspended.status_code == 201, suspended.get_json()
    after = floor.purchaser.get(f"/api/auctions/{auction['id']}/eligible-suppliers").get_json()
    assert after["count"] == 1
    assert f'data-id="{auction["id"]}"' not in floor.office.get("/auctions").get_data(as_text=True)
    room = floor.office.get(f"/auctions/{auction['id']}").get_data(as_text=True)
    assert 'data-reason="supplier_suspended"' in room
    open_now(auction)
    refused = bid(floor.office, auction["id"], "3990.00")
    assert refused.get_json()["code"] == "bid_supplier_suspended"


def test_an_auction_already_bid_in_stays_in_the_list(floor, session):
    """Suspended after bidding: the auction stays in the supplier's list (its own bid is there),
    but the room no longer offers the bid box."""
    auction = published(floor, **OPEN_TO_ALL)
    open_now(auction)
    assert bid(floor.office, auction["id"], "3990.00").status_code == 201
    floor.operator.post(
        f"/api/catalog/suppliers/{floor.cat.supplier_office}/suspensions",
        json={"reason": "虚假宣传", "ends_at": (T0 + timedelta(days=3)).isoformat()},
    )
    assert f'data-id="{auction["id"]}"' in floor.office.get("/auctions").get_data(as_text=True)
    room = floor.office.get(f"/auctions/{auction['id']}").get_data(as_text=True)
    assert 'data-reason="supplier_suspended"' in room and 'data-testid="bid-box"' not in room


# ---------------------------------------------------------------- publishing after the start


def _draft_started(floor, minutes_ago: int = 5) -> dict:
    """A draft set to start now, left unpublished for ``minutes_ago`` minutes."""
    draft = floor.purchaser.post(
        "/api/auctions",
        json=auction_body(
            floor,
            starts_at=T0.isoformat(),
            ends_at=(T0 + timedelta(minutes=30)).isoformat(),
        ),
    ).get_json()
    clock.freeze(T0 + timedelta(minutes=minutes_ago))
    return draft


def _ledger(session, auction_id: int) -> list[str]:
    return list(
        session.scalars(
            select(LedgerEntry.action)
            .where(LedgerEntry.subject_type == "auction", LedgerEntry.subject_id == str(auction_id))
            .order_by(LedgerEntry.seq)
        )
    )


def test_a_draft_whose_start_passed_asks_for_a_choice(floor, session):
    draft = _draft_started(floor)
    url = f"/api/auctions/{draft['id']}/publish"
    refused = floor.purchaser.post(url)
    assert refused.status_code == 409
    problem = refused.get_json()
    assert problem["code"] == "start_passed"
    assert problem["details"]["duration_minutes"] == 30
    assert problem["details"]["choices"] == ["start_now", "starts_at"]
    assert "立即开始" in problem["message_zh"]
    assert session.get(Auction, draft["id"]).status == "draft"
    # both at once, or a new start in the past, is bad input and changes nothing
    both = floor.purchaser.post(
        url, json={"start_now": True, "starts_at": (T0 + timedelta(hours=1)).isoformat()}
    )
    assert both.status_code == 422
    past = floor.purchaser.post(url, json={"starts_at": (T0 - timedelta(hours=1)).isoformat()})
    assert past.status_code == 422 and "starts_at" in past.get_json()["details"]
    session.expire_all()
    assert session.get(Auction, draft["id"]).starts_at == T0
    assert _ledger(session, draft["id"]) == ["auction.created"]


def test_start_now_keeps_the_duration_in_one_step(floor, session):
    draft = _draft_started(floor, minutes_ago=7)
    done = floor.purchaser.post(f"/api/auctions/{draft['id']}/publish", json={"start_now": True})
    assert done.status_code == 200, done.get_json()
    now = T0 + timedelta(minutes=7)
    body = done.get_json()
    assert body["status"] == "published"
    assert datetime.fromisoformat(body["starts_at"]) == now
    assert datetime.fromisoformat(body["ends_at"]) == now + timedelta(minutes=30)
    assert datetime.fromisoformat(body["scheduled_end"]) == now + timedelta(minutes=30)
    assert _ledger(session, draft["id"]) == [
        "auction.created",
        "auction.updated",
        "auction.published",
    ]
    open_now(body)
    assert bid(floor.supplier, draft["id"], "4990.00").status_code == 201


def test_a_new_start_keeps_the_duration(floor, session):
    draft = _draft_started(floor)
    later = T0 + timedelta(hours=2)
    done = floor.purchaser.post(
        f"/api/auctions/{draft['id']}/publish", json={"starts_at": later.isoformat()}
    )
    assert done.status_code == 200, done.get_json()
    assert datetime.fromisoformat(done.get_json()["starts_at"]) == later
    assert datetime.fromisoformat(done.get_json()["ends_at"]) == later + timedelta(minutes=30)


def test_a_start_within_the_grace_still_publishes_as_it_is(floor, session):
    draft = _draft_started(floor, minutes_ago=0)
    clock.freeze(T0 + timedelta(seconds=40))
    done = floor.purchaser.post(f"/api/auctions/{draft['id']}/publish")
    assert done.status_code == 200 and datetime.fromisoformat(done.get_json()["starts_at"]) == T0


def test_only_the_own_unit_publishes_with_a_choice(floor, login, session):
    draft = _draft_started(floor)
    url = f"/api/auctions/{draft['id']}/publish"
    other = login("purchaser.hospital").post(url, json={"start_now": True})
    assert other.status_code == 403
    assert floor.supplier.post(url, json={"start_now": True}).status_code == 403
    session.expire_all()
    assert session.get(Auction, draft["id"]).status == "draft"


# ---------------------------------------------------------------- the fat-finger guard


@pytest.mark.parametrize(
    ("price", "reference", "asks"),
    [
        ("4500.00", "5000.00", False),  # exactly 10 % below: no question
        ("4499.99", "5000.00", True),  # more than 10 % below
        ("450.00", "4500.00", True),  # a digit short
        ("4990.00", None, False),  # nothing to compare with
        ("5000.00", "4000.00", False),  # above the reference: the rules refuse it anyway
    ],
)
def test_the_guard_asks_beyond_the_documented_share(price, reference, asks):
    assert Decimal("0.10") == rules.BID_GUARD_SHARE
    ref = Decimal(reference) if reference else None
    assert rules.needs_confirmation(Decimal(price), ref) is asks


def test_the_guard_compares_with_what_the_bidder_sees():
    best, own, ceiling = Decimal("4000.00"), Decimal("4100.00"), Decimal("5000.00")
    assert rules.guard_reference(best, own, ceiling) == best
    assert rules.guard_reference(None, own, ceiling) == own  # best hidden (rank only)
    assert rules.guard_reference(None, None, ceiling) == ceiling
    assert rules.guard_reference(None, None, None) is None  # hidden ceiling, first bid


def test_the_room_hands_the_guard_its_share(floor, session):
    auction = published(floor, **OPEN_TO_ALL)
    room = floor.supplier.get(f"/auctions/{auction['id']}").get_data(as_text=True)
    assert '"guard_basis_points": 1000' in room
    assert 'data-testid="bid-guard"' in room and 'data-testid="bid-compare"' in room


# ---------------------------------------------------------------- withdrawing a volume purchase


def test_a_volume_purchase_is_withdrawn_only_once_its_effect_is_confirmed(floor, session):
    """The pool page shows what withdrawing releases; the server refuses the withdrawal unless
    the organiser ticked that it understood (and changes nothing)."""
    from auction.pools.models import Pool
    from tests.auction.test_pools import add, demand_body, open_pool

    pool = open_pool(floor)
    add(floor.purchaser, pool["id"], demand_body(floor, floor.line, 30))
    page = floor.operator.get(f"/pools/{pool['id']}").get_data(as_text=True)
    assert 'data-testid="cancel-pool-effect"' in page
    assert "1 个采购单位报送的需求全部释放，冻结的预算共 ¥150,000.00" in page
    url = f"/pools/{pool['id']}/cancel"
    refused = floor.operator.post(url, data={"reason": "需求变更"})
    assert refused.status_code == 422
    assert 'data-testid="error-confirm"' in refused.get_data(as_text=True)
    session.expire_all()
    assert session.get(Pool, pool["id"]).status == "open"
    done = floor.operator.post(url, data={"reason": "需求变更", "confirm": "1"})
    assert done.status_code == 302
    session.expire_all()
    assert session.get(Pool, pool["id"]).status == "cancelled"
