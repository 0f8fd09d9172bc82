"""Setting up and bidding in a reverse auction over HTTP (AUC-1, AUC-3, MALL-3, MALL-10): funds are
reserved at publication; bids are checked against the rules and eligibility, and every accepted or
rejected bid and every extension is on the ledger with bidder, price, time, address and device."""

import json
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from auction.models import Auction, Bid
from core import clock
from mall.budgets.models import BudgetLine
from supervision.ledger.models import LedgerEntry
from tests.auction.conftest import T0, auction_body, bid, open_now, published
from tests.mall.conftest import actions


def _entries(session, auction_id, action):
    session.expire_all()
    return [
        json.loads(e.payload)
        for e in session.scalars(
            select(LedgerEntry)
            .where(
                LedgerEntry.subject_type == "auction",
                LedgerEntry.subject_id == str(auction_id),
                LedgerEntry.action == action,
            )
            .order_by(LedgerEntry.seq)
        )
    ]


def _bids(session) -> int:
    return session.scalar(select(func.count()).select_from(Bid))


def test_publishing_announces_and_reserves_the_lot_at_the_ceiling(floor, session, login):
    auction = published(floor)
    assert auction["status"] == "published" and auction["sme_only"] is True  # 150,000 < 2,000,000
    session.expire_all()
    line = session.get(BudgetLine, floor.line)
    assert line.reserved == Decimal("150000.00")
    assert actions(session, "auction", auction["id"]) == ["auction.created", "auction.published"]
    # Suppliers see it; another purchaser unit does not.
    assert floor.supplier.get(f"/api/auctions/{auction['id']}").status_code == 200
    assert login("purchaser.hospital").get(f"/api/auctions/{auction['id']}").status_code == 403
    hospital = login("purchaser.hospital")
    assert hospital.post(f"/api/auctions/{auction['id']}/publish").status_code == 403


def test_bad_terms_are_refused_and_write_nothing(floor, session):
    before = session.scalar(select(func.count()).select_from(LedgerEntry))
    cases = [
        ({"decrement_mode": "percent", "decrement_value": "5.00"}, 422),
        ({"decrement_mode": "percent", "decrement_value": "0.40"}, 422),
        ({"ends_at": (clock.now() + timedelta(minutes=12)).isoformat()}, 422),
        ({"starts_at": (clock.now() - timedelta(hours=1)).isoformat()}, 422),
        ({"ceiling": "200000.00"}, 409),  # 6,000,000 at the ceiling: over the e-mall limit
        ({"budget_line_id": 999999}, 404),
    ]
    for over, status in cases:
        response = floor.purchaser.post("/api/auctions", json=auction_body(floor, **over))
        assert response.status_code == status, (over, response.get_json())
    assert floor.supplier.post("/api/auctions", json=auction_body(floor)).status_code == 403
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == before


def test_bids_follow_the_rules_and_every_bid_is_on_the_ledger(floor, session):
    auction = published(floor)
    aid = auction["id"]
    early = bid(floor.supplier, aid, "4900.00")
    assert early.status_code == 409 and early.get_json()["code"] == "bid_not_open"
    assert "尚未开始" in early.get_json()["message_zh"]

    open_now(auction, timedelta(minutes=1))
    first = bid(floor.supplier, aid, "4900.00")
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["seq"] == 1 and body["state"]["mine"]["rank"] == 1
    assert body["state"]["mine"]["next_allowed"] == "4890.00"

    for price, code in [("4895.00", "bid_decrement"), ("5000.01", "bid_above_ceiling")]:
        refused = bid(floor.supplier, aid, price)
        assert refused.status_code == 409 and refused.get_json()["code"] == code
    assert bid(floor.supplier, aid, "4890.00").status_code == 201
    assert _bids(session) == 2

    rejected = _entries(session, aid, "auction.bid_rejected")
    assert [r["reason"] for r in rejected] == ["not_open", "decrement", "above_ceiling"]
    accepted = _entries(session, aid, "auction.bid_accepted")
    assert [a["price"] for a in accepted] == ["4900.00", "4890.00"]
    assert accepted[0]["ip"] == "127.0.0.1" and "device_id" in accepted[0]
    assert accepted[0]["at"].startswith("2026-11-24T02:11:00")

    clock.freeze(clock.now() + timedelta(hours=1))
    late = bid(floor.supplier, aid, "4000.00")
    assert late.status_code == 409 and late.get_json()["code"] == "bid_closed"


def test_device_id_is_recorded(floor, session):
    auction = published(floor)
    open_now(auction)
    response = floor.supplier.post(
        f"/api/auctions/{auction['id']}/bids",
        json={"price": "4999.00"},
        headers={"X-Device-Id": "ipad-7f3a"},
    )
    assert response.status_code == 201
    (entry,) = _entries(session, auction["id"], "auction.bid_accepted")
    # The device is the server-issued signed cookie's; a header the client makes up is not believed.
    device = floor.supplier.client.get_cookie("mall_device").value.rsplit(".", 1)[0]
    assert entry["device_id"] == device != "ipad-7f3a" and entry["channel"] == "http"


def test_ineligible_bidders_are_refused(floor, session, login):
    auction = published(floor)  # SME-only: the office supplier is a large enterprise
    open_now(auction)
    large = bid(floor.office, auction["id"], "4990.00")
    assert large.status_code == 409 and large.get_json()["code"] == "bid_sme_only"

    big = published(floor, ceiling="4000.00", quantity=600)  # 2,400,000: not reserved
    assert big["sme_only"] is False
    open_now(big)
    assert bid(floor.office, big["id"], "3990.00").status_code == 201

    suspended = floor.operator.post(
        f"/api/catalog/suppliers/{floor.cat.supplier_office}/suspensions",
        json={"reason": "虚假报价", "ends_at": (clock.now() + timedelta(days=30)).isoformat()},
    )
    assert suspended.status_code == 201, suspended.get_json()
    refused = bid(floor.office, big["id"], "3980.00")
    assert refused.status_code == 409 and refused.get_json()["code"] == "bid_supplier_suspended"

    printers = published(floor, category_id=floor.cat.printer, title="激光打印机竞价")
    open_now(printers)
    assert bid(floor.supplier, printers["id"], "4000.00").status_code == 201  # enrolled in A02

    purchaser_bid = bid(floor.purchaser, auction["id"], "4000.00")
    assert purchaser_bid.status_code == 403 and purchaser_bid.get_json()["code"] == "supplier_only"
    reasons = [r["reason"] for r in _entries(session, big["id"], "auction.bid_rejected")]
    assert reasons == ["supplier_suspended"]


def test_beating_the_own_bid_and_ties_go_to_the_earlier_bid(floor, session):
    """MALL-7: offers rank by evaluated price; equal evaluated prices go to the earlier bid. The
    lot (600 × 4,000) is above the SME reservation, so the small supplier's prices are evaluated
    10 % lower."""
    auction = published(floor, must_beat="own", ceiling="4000.00", quantity=600)
    open_now(auction)
    assert bid(floor.office, auction["id"], "3900.00").status_code == 201
    clock.advance(timedelta(seconds=5))
    small = bid(floor.supplier, auction["id"], "3900.00")
    assert small.status_code == 201
    state = small.get_json()["state"]
    assert state["best_price"] == "3510.00" and state["mine"]["rank"] == 1
    assert state["mine"]["evaluated_price"] == "3510.00" and state["mine"]["deduction"] == "0.1"
    clock.advance(timedelta(seconds=5))
    tie = bid(floor.office, auction["id"], "3510.00")  # the same evaluated price, later
    assert tie.status_code == 201
    assert tie.get_json()["state"]["mine"]["rank"] == 2
    assert (
        floor.supplier.get(f"/api/auctions/{auction['id']}/state").get_json()["mine"]["rank"] == 1
    )
    again = bid(floor.supplier, auction["id"], "3895.00")
    assert again.status_code == 409 and again.get_json()["code"] == "bid_decrement"


def test_late_bids_extend_the_end_a_bounded_number_of_times(floor, session):
    auction = published(floor, snipe_window_seconds=60, extension_seconds=120, max_extensions=2)
    end = auction["ends_at"]
    open_now(auction, timedelta(minutes=29, seconds=30))  # 30 s before the end
    first = bid(floor.supplier, auction["id"], "4990.00").get_json()
    assert first["extended_to"] is not None and first["extended_to"] > end
    clock.advance(timedelta(minutes=1, seconds=30))  # 30 s before the new end
    second = bid(floor.supplier, auction["id"], "4980.00").get_json()
    assert second["state"]["extensions_used"] == 2
    clock.advance(timedelta(minutes=1, seconds=40))
    third = bid(floor.supplier, auction["id"], "4970.00").get_json()
    assert third["extended_to"] is None and third["state"]["extensions_used"] == 2
    extensions = _entries(session, auction["id"], "auction.extended")
    assert [e["extensions_used"] for e in extensions] == [1, 2]


def test_what_each_party_sees(floor, session):
    auction = published(
        floor, visibility="rank", show_ceiling=False, ceiling="4000.00", quantity=600
    )
    open_now(auction)
    assert bid(floor.supplier, auction["id"], "3990.00").status_code == 201
    # The small supplier's 3990.00 is evaluated at 3591.00 (MALL-7): the office must go below it.
    assert bid(floor.office, auction["id"], "3585.00").status_code == 409
    assert bid(floor.office, auction["id"], "3580.00").status_code == 201
    seen = floor.supplier.get(f"/api/auctions/{auction['id']}/state").get_json()
    assert seen["best_price"] is None and seen["ladder"] is None and seen["ceiling"] is None
    assert seen["mine"] == seen["mine"] | {"rank": 2, "label": "供应商 1", "last_price": "3990.00"}
    assert seen["bidder_count"] is None
    terms = floor.supplier.get(f"/api/auctions/{auction['id']}").get_json()
    assert terms["ceiling"] is None
    watched = floor.purchaser.get(f"/api/auctions/{auction['id']}/state").get_json()
    assert watched["bidder_count"] == 2 and watched["best_price"] == "3580.00"
    assert [(r["label"], r["supplier_id"]) for r in watched["ladder"]] == [
        ("供应商 2", None),
        ("供应商 1", None),
    ]

    ladder = published(floor, visibility="ladder", ceiling="4000.00", quantity=600)
    open_now(ladder)
    assert bid(floor.supplier, ladder["id"], "3990.00").status_code == 201
    seen = floor.office.get(f"/api/auctions/{ladder['id']}/state").get_json()
    assert seen["ladder"] == [
        {
            "rank": 1,
            "label": "供应商 1",
            "label_no": 1,
            "name": None,
            "supplier_id": None,
            "price": "3990.00",
            "deduction": "0.1",
            "evaluated_price": "3591.00",
            "at": seen["ladder"][0]["at"],
        }
    ]
    assert seen["mine"]["rank"] is None and seen["mine"]["next_allowed"] == "3581.00"


def test_a_batch_of_bids_is_placed_in_order_each_against_the_state_before_it(app, floor, session):
    """Bids queued on one auction go into one unit of work (AUC-1, the socket path): each is judged
    after the ones before it, refusals are refused alone, a new bidder gets one label however often
    it bids in the batch, a late bid extends the end, and every bid is on the ledger in order."""
    from auction import service as auctions
    from core.accounts.auth import actor_for
    from core.accounts.models import User

    auction = published(floor, visibility="ladder", snipe_window_seconds=60, extension_seconds=120)
    aid = auction["id"]
    open_now(auction, timedelta(minutes=29, seconds=30))  # 30 s before the end
    with app.app_context():
        small, large = (
            actor_for(session.scalar(select(User).where(User.username == name)), "socket")
            for name in ("supplier", "supplier.office")
        )
        outcomes = auctions.place_bids(
            session,
            aid,
            [
                auctions.BidRequest(small, Decimal("4990.00"), "socket"),
                auctions.BidRequest(small, Decimal("4985.00"), "socket"),  # under the decrement
                auctions.BidRequest(large, Decimal("4900.00"), "socket"),  # not an SME
                auctions.BidRequest(small, Decimal("4980.00"), "socket"),
            ],
        )
        assert [(o.accepted, o.code) for o in outcomes] == [
            (True, None),
            (False, "decrement"),
            (False, "sme_only"),
            (True, None),
        ]
        first, last = outcomes[0].bid, outcomes[3].bid
        assert (first.seq, last.seq) == (1, 2) and last.id > first.id
        assert outcomes[0].extended_to is not None and outcomes[3].extended_to is None
        standing = auctions.Standing.read(session, aid)
        assert [(r.label_no, r.last_price, r.last_bid_id) for r in standing.rows] == [
            (1, Decimal("4980.00"), last.id)
        ]
    session.expire_all()
    row = session.get(Auction, aid)
    assert (row.bid_count, row.bidder_count, row.best_price, row.best_bid_id) == (
        2,
        1,
        Decimal("4980.00"),
        last.id,
    )
    assert row.extensions_used == 1
    trail = [
        (e.action, json.loads(e.payload).get("bid_id"), json.loads(e.payload).get("reason"))
        for e in session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.subject_type == "auction", LedgerEntry.subject_id == str(aid))
            .order_by(LedgerEntry.seq)
        )
    ][2:]
    assert trail == [
        ("auction.bid_accepted", first.id, None),
        ("auction.extended", first.id, None),
        ("auction.bid_rejected", None, "decrement"),
        ("auction.bid_rejected", None, "sme_only"),
        ("auction.bid_accepted", last.id, None),
    ]
    accepted = _entries(session, aid, "auction.bid_accepted")
    assert [(e["label"], e["best_price"], e["channel"]) for e in accepted] == [
        (1, "4990.00", "socket"),
        (1, "4980.00", "socket"),
    ]


def test_a_draft_is_changed_and_checked_again_before_it_is_published(floor, session, login):
    """AUC-1: a purchaser corrects its draft — here new times once the planned start has passed —
    with the same checks as at creation; refusals change nothing; only its own unit may, and only
    while it is a draft."""
    created = floor.purchaser.post("/api/auctions", json=auction_body(floor))
    assert created.status_code == 201
    draft = created.get_json()
    url = f"/api/auctions/{draft['id']}"
    clock.freeze(T0 + timedelta(hours=1))  # the draft's start has passed
    late = floor.purchaser.post(f"{url}/publish")
    assert late.status_code == 409 and late.get_json()["code"] == "start_passed"

    starts = T0 + timedelta(hours=1, minutes=10)
    times = {
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(minutes=30)).isoformat(),
    }
    hospital = login("purchaser.hospital")  # (signing in is on the ledger too)
    before = session.scalar(select(func.count()).select_from(LedgerEntry))
    for change, status, field in (
        ({"ends_at": (T0 + timedelta(hours=1, minutes=20)).isoformat()}, 422, "starts_at"),
        (times | {"decrement_mode": "percent", "decrement_value": "5.00"}, 422, "decrement_value"),
        (times | {"quantity": 0}, 422, "quantity"),
        (times | {"ceiling": "200000.00"}, 409, None),  # over the e-mall's limit
    ):
        refused = floor.purchaser.patch(url, json=change)
        assert refused.status_code == status, (change, refused.get_json())
        if field:
            assert field in refused.get_json()["details"], refused.get_json()
    assert hospital.patch(url, json=times).status_code == 403
    assert floor.supplier.patch(url, json=times).status_code == 403
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == before

    changed = floor.purchaser.patch(url, json=times | {"quantity": 20})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["quantity"] == 20 and changed.get_json()["title"] == draft["title"]
    edits = [
        json.loads(e.payload)
        for e in session.scalars(
            select(LedgerEntry).where(
                LedgerEntry.action == "auction.updated", LedgerEntry.subject_id == str(draft["id"])
            )
        )
    ]
    assert [e["changed"] for e in edits] == [["ends_at", "quantity", "scheduled_end", "starts_at"]]
    assert edits[0]["quantity"] == 20
    published = floor.purchaser.post(f"{url}/publish")
    assert published.status_code == 200, published.get_json()
    session.expire_all()
    assert session.get(BudgetLine, floor.line).reserved == Decimal("100000.00")  # 20 × 5,000
    again = floor.purchaser.patch(url, json={"quantity": 10})
    assert again.status_code == 409 and again.get_json()["code"] == "bad_status"
