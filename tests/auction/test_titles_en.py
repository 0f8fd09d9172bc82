"""X-3: an auction or a volume purchase may carry its title in English beside the Chinese one; it is
optional, limited like the title, kept on drafts and edits, on the ledger's announcement, and handed
on from a pool to the auction its window closes into."""

from __future__ import annotations

import json

from sqlalchemy import select

from auction.models import Auction
from auction.pools.models import Pool
from supervision.ledger.models import LedgerEntry
from tests.auction.conftest import auction_body
from tests.auction.test_pools import CLOSES, _others, _tick, add, demand_body, open_pool

TITLE_EN = "30 desktop computers, reverse auction"


def test_an_auction_keeps_its_english_title_and_may_have_none(floor, session) -> None:
    created = floor.purchaser.post("/api/auctions", json=auction_body(floor, title_en=TITLE_EN))
    assert created.status_code == 201, created.get_json()
    auction = created.get_json()
    assert auction["title_en"] == TITLE_EN
    assert floor.purchaser.get(f"/api/auctions/{auction['id']}").get_json()["title_en"] == TITLE_EN
    plain = floor.purchaser.post("/api/auctions", json=auction_body(floor)).get_json()
    assert plain["title_en"] is None
    blank = floor.purchaser.post("/api/auctions", json=auction_body(floor, title_en="   "))
    assert blank.status_code == 201 and blank.get_json()["title_en"] is None

    edited = floor.purchaser.patch(
        f"/api/auctions/{plain['id']}", json={"title_en": "Desktop computers"}
    )
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["title_en"] == "Desktop computers"

    published = floor.purchaser.post(f"/api/auctions/{auction['id']}/publish")
    assert published.status_code == 200
    entry = session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.action == "auction.published", LedgerEntry.subject_id == str(auction["id"])
        )
    ).one()
    assert json.loads(entry.payload)["title_en"] == TITLE_EN


def test_a_too_long_english_title_is_refused_and_nothing_is_written(floor, session) -> None:
    before = session.scalar(select(Auction.id).order_by(Auction.id.desc()).limit(1))
    refused = floor.purchaser.post("/api/auctions", json=auction_body(floor, title_en="x" * 201))
    assert refused.status_code == 422
    assert refused.get_json()["code"] == "validation_failed"
    assert "title_en" in refused.get_json()["details"]
    assert session.scalar(select(Auction.id).order_by(Auction.id.desc()).limit(1)) == before


def test_a_pool_hands_its_english_title_to_its_auction(floor, session, app, login) -> None:
    from core import clock

    hospital, hospital_line, _, _ = _others(login, floor)
    pool = open_pool(floor, api=floor.purchaser, title_en="Desktop computers, Q4 2026")
    assert pool["title_en"] == "Desktop computers, Q4 2026"
    add(floor.purchaser, pool["id"], demand_body(floor, floor.line, 30))
    add(hospital, pool["id"], demand_body(floor, hospital_line, 50))
    clock.freeze(CLOSES)
    assert "1 to auction" in _tick(app)
    session.expire_all()
    row = session.get(Pool, pool["id"])
    assert session.get(Auction, row.auction_id).title_en == "Desktop computers, Q4 2026"
