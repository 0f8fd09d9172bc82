"""Volume purchases (带量采购, AUC-2, with AUC-1, AUC-3, MALL-3): an operator or a lead purchaser
opens a pool; purchaser units add demand on their own budget lines, which hold quantity × ceiling;
withdrawing gives the funds back; the server's clock closes the window exactly once into a reverse
auction on the unit price for the pooled quantity (or fails a pool without demand); at the auction's
close the award is split — winners in price order, each up to its declared capacity — into one
order and contract per purchaser and winner at that winner's price, and what is left of each
demand's funds is released; a failed auction releases everything. Every step is on the ledger."""

import json
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from auction.models import Auction
from auction.pools.allocation import split
from auction.pools.models import Pool, PoolAllocation, PoolDemand
from auction.rules import Offer
from catalog.categories import service as categories
from core import clock
from core.accounts.auth import SYSTEM
from mall.budgets.models import BudgetLine
from mall.contracts.models import Contract
from mall.orders.models import Order
from supervision.ledger.models import LedgerEntry
from tests.auction.conftest import T0, auction_body, bid
from tests.mall.conftest import new_line

CLOSES = T0 + timedelta(hours=2)
STARTS = CLOSES + timedelta(minutes=10)
ENDS = STARTS + timedelta(minutes=30)


def pool_body(floor, **over) -> dict:
    body = {
        "title": "台式计算机带量采购（2026 年第四季度）",
        "category_id": floor.cat.desktop,
        "unit": "台",
        "ceiling": "5000.00",
        "closes_at": CLOSES.isoformat(),
        "delivery_date": "2026-12-20",
        "contact_name": "周运营",
        "contact_phone": "0471-6900001",
        "auction_starts_at": STARTS.isoformat(),
        "auction_ends_at": ENDS.isoformat(),
        "decrement_mode": "absolute",
        "decrement_value": "10.00",
        "min_bidders": 2,
    }
    return body | over


def demand_body(floor, line: int, quantity: int, **over) -> dict:
    body = {
        "quantity": quantity,
        "budget_line_id": line,
        "delivery_region_id": floor.cat.regions["150102"],
        "delivery_address": "呼和浩特市新城区第一中学信息中心",
        "contact_name": "张老师",
        "contact_phone": "0471-6900000",
    }
    return body | over


def open_pool(floor, api=None, **over) -> dict:
    created = (api or floor.operator).post("/api/pools", json=pool_body(floor, **over))
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def add(api, pool_id: int, body: dict):
    return api.post(f"/api/pools/{pool_id}/demands", json=body)


def _tick(app) -> str:
    return app.test_cli_runner().invoke(args=["auction", "tick"]).output


def _line(session, line_id) -> BudgetLine:
    session.expire_all()
    return session.get(BudgetLine, line_id)


def _entries(session, pool_id, action) -> list[dict]:
    session.expire_all()
    return [
        json.loads(e.payload) | {"_region_id": e.region_id}
        for e in session.scalars(
            select(LedgerEntry)
            .where(
                LedgerEntry.subject_type == "pool",
                LedgerEntry.subject_id == str(pool_id),
                LedgerEntry.action == action,
            )
            .order_by(LedgerEntry.seq)
        )
    ]


def _others(login, floor, amount="2000000.00"):
    hospital, banner = login("purchaser.hospital"), login("purchaser.banner")
    return (
        hospital,
        new_line(hospital, amount=amount, code="2026-HS-001"),
        banner,
        new_line(banner, amount=amount, code="2026-QX-001"),
    )


# ---------------------------------------------------------------- the split, as a pure function


def test_the_split_fills_winners_in_price_order_up_to_their_capacity():
    """AUC-2: the best price takes what it can; the next takes the rest; a demand is split only
    where a winner's capacity runs out in it; beyond ``max_winners`` nobody is awarded."""
    a = Offer(1, 101, Decimal("4800.00"), T0)
    b = Offer(2, 102, Decimal("4900.00"), T0 + timedelta(seconds=5))
    c = Offer(3, 103, Decimal("4950.00"), T0)
    demands = [(11, 200), (12, 160), (13, 100)]
    shares = split(demands, [a, b, c], 2, {101: 300})
    assert [(s.demand_id, s.offer.supplier_id, s.quantity) for s in shares] == [
        (11, 101, 200),
        (12, 101, 100),
        (12, 102, 60),
        (13, 102, 100),
    ]
    # One winner supplies everything, whatever it declared.
    assert [(s.demand_id, s.quantity) for s in split(demands, [a, b], 1, {101: 10})] == [
        (11, 200),
        (12, 160),
        (13, 100),
    ]
    # Capacities that fall short leave the last demands (partly) unallocated.
    short = split(demands, [a, b, c], 2, {101: 150, 102: 100})
    assert [(s.demand_id, s.offer.supplier_id, s.quantity) for s in short] == [
        (11, 101, 150),
        (11, 102, 50),
        (12, 102, 50),
    ]


# ---------------------------------------------------------------- opening and demand


def test_a_pool_is_opened_and_demand_holds_funds_until_withdrawn(floor, session):
    """AUC-2, MALL-3: adding demand reserves quantity × ceiling on the unit's own line;
    withdrawing before the close releases it; each step is on the ledger with the region."""
    pool = open_pool(floor)
    assert (pool["status"], pool["quantity"], pool["demand_count"]) == ("open", 0, 0)
    assert pool["number"].startswith("DL20261124")
    opened = _entries(session, pool["id"], "pool.opened")
    assert len(opened) == 1 and opened[0]["_region_id"] is not None

    added = add(floor.purchaser, pool["id"], demand_body(floor, floor.line, 40))
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["held"] == "200000.00"
    assert _line(session, floor.line).reserved == Decimal("200000.00")
    assert floor.operator.get(f"/api/pools/{pool['id']}").get_json()["quantity"] == 40
    (entry,) = _entries(session, pool["id"], "pool.demand_added")
    assert (entry["quantity"], entry["held"], entry["pooled_quantity"]) == (40, "200000.00", 40)

    again = add(floor.purchaser, pool["id"], demand_body(floor, floor.line, 5))
    assert again.status_code == 409 and again.get_json()["code"] == "demand_exists"

    withdrawn = floor.purchaser.post(f"/api/pools/{pool['id']}/demands/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "withdrawn"
    assert _line(session, floor.line).reserved == Decimal("0.00")
    body = floor.operator.get(f"/api/pools/{pool['id']}").get_json()
    assert (body["quantity"], body["demand_count"]) == (0, 0)
    assert len(_entries(session, pool["id"], "pool.demand_withdrawn")) == 1

    # The unit may add again (its row comes back).
    assert add(floor.purchaser, pool["id"], demand_body(floor, floor.line, 10)).status_code == 201
    assert _line(session, floor.line).reserved == Decimal("50000.00")


def test_a_lead_purchaser_opens_a_pool_suppliers_do_not(floor, session):
    """AUC-2: operators and lead purchasers open pools; a supplier is refused."""
    lead = open_pool(floor, api=floor.purchaser)
    assert lead["status"] == "open"
    refused = floor.supplier.post("/api/pools", json=pool_body(floor))
    assert refused.status_code == 403 and refused.get_json()["code"] == "organiser_only"


def test_bad_input_is_refused_and_nothing_is_written(floor, session):
    """AUC-2: refusals name the field (zh + en) and leave no pool, demand, funds or ledger entry."""
    before = session.scalar(select(func.count()).select_from(LedgerEntry))
    cases = [
        ({"closes_at": (T0 + timedelta(minutes=2)).isoformat()}, 422, "closes_at"),
        ({"auction_starts_at": (CLOSES - timedelta(minutes=5)).isoformat()}, 422, None),
        ({"decrement_mode": "percent", "decrement_value": "7.00"}, 422, "decrement_value"),
        ({"delivery_date": "2026-11-23"}, 422, "delivery_date"),
        ({"category_id": 999999}, 422, "category_id"),
        ({"max_winners": 0}, 422, "max_winners"),
        ({"ceiling": "12.345"}, 422, "ceiling"),
    ]
    for change, status, field in cases:
        response = floor.operator.post("/api/pools", json=pool_body(floor, **change))
        body = response.get_json()
        assert response.status_code == status, (change, body)
        assert body["message"] and body["message_zh"]
        if field:
            assert field in json.dumps(body["details"]), (change, body)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Pool)) == 0
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == before

    pool = open_pool(floor)
    before = session.scalar(select(func.count()).select_from(LedgerEntry))
    small = new_line(floor.purchaser, amount="1000.00", code="2026-XX-SMALL")
    refusals = [
        (demand_body(floor, floor.line, 0), 422, "validation_failed"),
        (demand_body(floor, small, 2), 409, "insufficient_funds"),
        (demand_body(floor, floor.line, 900), 409, "over_mall_limit"),
        (demand_body(floor, floor.line, 2, delivery_region_id=999999), 422, "validation_failed"),
        (demand_body(floor, floor.line, 2, contact_phone="call me"), 422, "validation_failed"),
    ]
    before = session.scalar(select(func.count()).select_from(LedgerEntry))
    for body, status, code in refusals:
        response = add(floor.purchaser, pool["id"], body)
        assert (response.status_code, response.get_json()["code"]) == (status, code), body
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(PoolDemand)) == 0
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == before
    assert _line(session, floor.line).reserved == Decimal("0.00")
    assert session.get(Pool, pool["id"]).quantity == 0


def test_another_partys_demand_and_budget_line_are_refused(floor, session, login):
    """AUC-2: only purchaser units add demand, on their own lines; a unit sees its own demand
    only; suppliers see pools of their categories only; a unit outside the pool cannot see its
    auction."""
    hospital, hospital_line, _banner, _ = _others(login, floor)
    pool = open_pool(floor)
    assert add(floor.purchaser, pool["id"], demand_body(floor, floor.line, 10)).status_code == 201
    theirs = add(hospital, pool["id"], demand_body(floor, floor.line, 10))
    assert theirs.status_code == 403 and theirs.get_json()["code"] == "other_organisation"
    supplier = add(floor.supplier, pool["id"], demand_body(floor, floor.line, 10))
    assert supplier.status_code == 403 and supplier.get_json()["code"] == "purchaser_only"
    assert _line(session, floor.line).reserved == Decimal("50000.00")
    # Withdrawing acts on one's own demand only.
    nothing = hospital.post(f"/api/pools/{pool['id']}/demands/withdraw")
    assert nothing.status_code == 404
    assert _line(session, floor.line).reserved == Decimal("50000.00")

    assert add(hospital, pool["id"], demand_body(floor, hospital_line, 20)).status_code == 201
    seen = hospital.get(f"/api/pools/{pool['id']}/demands").get_json()
    assert [d["quantity"] for d in seen] == [20]
    assert len(floor.operator.get(f"/api/pools/{pool['id']}/demands").get_json()) == 2
    assert floor.supplier.get(f"/api/pools/{pool['id']}/demands").get_json() == []
    assert floor.supplier.get(f"/api/pools/{pool['id']}").get_json()["quantity"] == 30

    # A supplier not enrolled in the pool's category does not see it.
    furniture = categories.create_category(
        session,
        SYSTEM,
        {"code": "A05", "name_zh": "家具", "name_en": "Furniture", "kind": "goods"},
    )
    session.commit()
    other = open_pool(floor, category_id=furniture.id)
    assert floor.supplier.get(f"/api/pools/{other['id']}").status_code == 404
    listed = [p["id"] for p in floor.supplier.get("/api/pools").get_json()["items"]]
    assert pool["id"] in listed and other["id"] not in listed


def test_the_window_closes_into_one_auction_exactly_once(floor, session, app, login):
    """AUC-2, AUC-3: at the close the clock publishes one reverse auction for the pooled quantity,
    reserving nothing more; a second turn does nothing; demand after the close is refused; a unit
    with demand follows the auction, another unit cannot see it."""
    hospital, hospital_line, banner, _ = _others(login, floor)
    pool = open_pool(floor, api=floor.purchaser)  # the school leads
    add(floor.purchaser, pool["id"], demand_body(floor, floor.line, 30))
    add(hospital, pool["id"], demand_body(floor, hospital_line, 50))
    clock.freeze(CLOSES - timedelta(seconds=1))
    assert "0 to auction" in _tick(app)
    clock.freeze(CLOSES)
    late = add(banner, pool["id"], demand_body(floor, floor.line, 5))
    assert late.status_code == 409 and late.get_json()["code"] == "window_closed"
    assert "1 to auction" in _tick(app)
    assert "0 to auction, 0 failed" in _tick(app)

    session.expire_all()
    row = session.get(Pool, pool["id"])
    assert row.status == "auctioned" and row.auction_id is not None
    auction = session.get(Auction, row.auction_id)
    assert (auction.status, auction.quantity, auction.pool_id) == ("published", 80, row.id)
    assert auction.budget_line_id is None and auction.starts_at == STARTS
    assert (auction.ceiling, auction.min_bidders) == (Decimal("5000.00"), 2)
    assert _line(session, floor.line).reserved == Decimal("150000.00")
    assert _line(session, hospital_line).reserved == Decimal("250000.00")
    assert len(_entries(session, pool["id"], "pool.closed")) == 1
    (auctioned,) = _entries(session, pool["id"], "pool.auctioned")
    assert auctioned["auction_id"] == auction.id and auctioned["quantity"] == 80
    withdraw = hospital.post(f"/api/pools/{pool['id']}/demands/withdraw")
    assert withdraw.status_code == 409

    assert hospital.get(f"/api/auctions/{auction.id}/state").status_code == 200
    assert banner.get(f"/api/auctions/{auction.id}/state").status_code == 403
    mine = [a["id"] for a in hospital.get("/api/auctions").get_json()["items"]]
    assert auction.id in mine
    cancel = floor.purchaser.post(f"/api/auctions/{auction.id}/cancel", json={"reason": "x"})
    assert cancel.status_code == 409 and cancel.get_json()["code"] == "pool_auction"


def test_a_pool_without_demand_fails_with_its_reason(floor, session, app):
    """AUC-2: no demand in the window — no auction, the pool fails with the reason on the ledger."""
    pool = open_pool(floor)
    clock.freeze(CLOSES)
    assert "0 to auction, 1 failed" in _tick(app)
    session.expire_all()
    row = session.get(Pool, pool["id"])
    assert row.status == "failed" and row.auction_id is None and "流标" in row.failure_reason
    (failed,) = _entries(session, pool["id"], "pool.failed")
    assert failed["reason"] == row.failure_reason


# ---------------------------------------------------------------- the award


def _run_to_auction(floor, app, session, login, **over):
    hospital, hospital_line, banner, banner_line = _others(login, floor)
    pool = open_pool(floor, max_winners=2, **over)
    # 460 × 5000.00 = 2,300,000 at the ceiling: above the SME reservation, so both may bid.
    for api, line, quantity in (
        (floor.purchaser, floor.line, 200),
        (hospital, hospital_line, 160),
        (banner, banner_line, 100),
    ):
        assert add(api, pool["id"], demand_body(floor, line, quantity)).status_code == 201
    clock.freeze(CLOSES)
    _tick(app)
    session.expire_all()
    auction_id = session.get(Pool, pool["id"]).auction_id
    clock.freeze(STARTS)
    _tick(app)
    return pool, auction_id, (hospital, hospital_line, banner, banner_line)


def test_several_purchasers_and_winners_split_the_award_by_capacity(floor, session, app, login):
    """AUC-2: the best price (capacity 300) supplies the school's 200 and 100 of the hospital's
    160; the next price supplies the hospital's other 60 and the banner office's 100 — four
    orders with contracts, each at its winner's price; each line keeps the orders' totals and the
    rest of the ceiling is free again."""
    pool, aid, (hospital, hospital_line, banner, banner_line) = _run_to_auction(
        floor, app, session, login
    )
    declare = f"/api/pools/{pool['id']}/capacity"
    assert floor.supplier.put(declare, json={"quantity": 400}).status_code == 200
    assert floor.supplier.put(declare, json={"quantity": 300}).status_code == 200  # before bidding
    assert floor.purchaser.put(declare, json={"quantity": 5}).status_code == 403
    assert bid(floor.office, aid, "4900.00").status_code == 201
    clock.advance(timedelta(minutes=1))
    assert bid(floor.supplier, aid, "4800.00").status_code == 201
    lowered = floor.supplier.put(declare, json={"quantity": 250})
    assert lowered.status_code == 409 and lowered.get_json()["code"] == "capacity_lowered"
    clock.freeze(ENDS + timedelta(seconds=1))
    assert "closed 1" in _tick(app)
    assert "closed 0" in _tick(app)

    session.expire_all()
    auction = session.get(Auction, aid)
    assert auction.status == "awarded" and auction.winner_id == floor.cat.supplier_it
    it, office = floor.cat.supplier_it, floor.cat.supplier_office
    school_org = session.get(BudgetLine, floor.line).organisation_id
    hospital_org = session.get(BudgetLine, hospital_line).organisation_id
    banner_org = session.get(BudgetLine, banner_line).organisation_id
    orders = session.scalars(
        select(Order).where(Order.source == "auction", Order.source_id == aid).order_by(Order.id)
    ).all()
    assert [(o.purchaser_id, o.supplier_id, o.items[0].quantity, o.total) for o in orders] == [
        (school_org, it, 200, Decimal("960000.00")),
        (hospital_org, it, 100, Decimal("480000.00")),
        (hospital_org, office, 60, Decimal("294000.00")),
        (banner_org, office, 100, Decimal("490000.00")),
    ]
    assert all(o.status == "confirmed" for o in orders)
    assert {o.items[0].unit_price for o in orders if o.supplier_id == office} == {
        Decimal("4900.00")
    }
    contracts = session.scalars(
        select(Contract).where(Contract.order_id.in_([o.id for o in orders]))
    )
    assert len(contracts.all()) == 4
    assert _line(session, floor.line).reserved == Decimal("960000.00")
    assert _line(session, hospital_line).reserved == Decimal("774000.00")
    assert _line(session, banner_line).reserved == Decimal("490000.00")

    row = session.get(Pool, pool["id"])
    assert row.status == "awarded"
    demands = session.scalars(select(PoolDemand).where(PoolDemand.pool_id == row.id)).all()
    assert {(d.status, d.held) for d in demands} == {("awarded", Decimal("0.00"))}
    (awarded,) = _entries(session, pool["id"], "pool.awarded")
    assert awarded["total"] == "2224000.00" and len(awarded["shares"]) == 4
    # AUC-3, SUP-2: the pool's award says how many suppliers bid (the single-bidder warning).
    assert (awarded["bidder_count"], awarded["bid_count"]) == (2, auction.bid_count)
    document = json.loads(auction.audit_document)
    assert document["result"]["total"] == "2224000.00"
    assert [s["quantity"] for s in document["result"]["shares"]] == [200, 100, 60, 100]

    # Each party sees its own shares; the organiser sees all.
    assert len(floor.operator.get(f"/api/pools/{pool['id']}/allocations").get_json()) == 4
    theirs = hospital.get(f"/api/pools/{pool['id']}/allocations").get_json()
    assert [(a["supplier_id"], a["quantity"]) for a in theirs] == [(it, 100), (office, 60)]
    assert len(floor.office.get(f"/api/pools/{pool['id']}/allocations").get_json()) == 2
    # The orders are the parties' own, like any other.
    assert banner.get(f"/api/mall/orders/{orders[3].id}").status_code == 200
    assert banner.get(f"/api/mall/orders/{orders[0].id}").status_code in (403, 404)


def test_quantity_no_winner_can_supply_is_released(floor, session, app, login):
    """AUC-2: when the winners' capacities fall short, the last demands are served in part or
    not at all, and their funds come back."""
    pool, aid, (_hospital, hospital_line, _banner, banner_line) = _run_to_auction(
        floor, app, session, login
    )
    declare = f"/api/pools/{pool['id']}/capacity"
    assert floor.supplier.put(declare, json={"quantity": 150}).status_code == 200
    assert floor.office.put(declare, json={"quantity": 100}).status_code == 200
    # The small IT supplier's 4800.00 ranks at 4320.00 (MALL-7: the pooled lot is above the SME
    # reservation), so the large office supplier must offer less than that to rank first.
    assert bid(floor.supplier, aid, "4800.00").status_code == 201
    assert bid(floor.office, aid, "4300.00").status_code == 201
    clock.freeze(ENDS + timedelta(seconds=1))
    _tick(app)
    session.expire_all()
    shares = session.scalars(
        select(PoolAllocation)
        .where(PoolAllocation.pool_id == pool["id"])
        .order_by(PoolAllocation.id)
    ).all()
    # office (4300.00) first, 100; then the IT supplier, 150, at its offered 4800.00.
    assert [(s.rank, s.quantity, s.total) for s in shares] == [
        (1, 100, Decimal("430000.00")),
        (2, 100, Decimal("480000.00")),
        (2, 50, Decimal("240000.00")),
    ]
    assert _line(session, floor.line).reserved == Decimal("910000.00")
    assert _line(session, hospital_line).reserved == Decimal("240000.00")
    assert _line(session, banner_line).reserved == Decimal("0.00")
    statuses = {
        d.budget_line_id: d.status
        for d in session.scalars(select(PoolDemand).where(PoolDemand.pool_id == pool["id"]))
    }
    assert statuses[banner_line] == "released" and statuses[hospital_line] == "awarded"


def test_a_failed_pool_auction_releases_every_demand(floor, session, app, login):
    """AUC-2: too few bidders — the auction and the pool fail and every line is free again."""
    pool, aid, (_hospital, hospital_line, _banner, banner_line) = _run_to_auction(
        floor, app, session, login
    )
    assert bid(floor.supplier, aid, "4900.00").status_code == 201
    clock.freeze(ENDS + timedelta(seconds=1))
    assert "closed 1" in _tick(app)
    session.expire_all()
    assert session.get(Auction, aid).status == "failed"
    row = session.get(Pool, pool["id"])
    assert (
        row.status == "failed"
        and row.failure_reason == "有效报价供应商 1 家，少于最低要求的 2 家，流标。"
    )
    for line in (floor.line, hospital_line, banner_line):
        assert _line(session, line).reserved == Decimal("0.00")
    assert session.scalars(select(Order).where(Order.source_id == aid)).all() == []
    assert len(_entries(session, pool["id"], "pool.failed")) == 1


def test_a_single_winner_pool_takes_no_capacity(floor, session, app, login):
    """AUC-2: with one winner, the winner supplies the whole pool; capacity is not asked."""
    pool = open_pool(floor)
    add(floor.purchaser, pool["id"], demand_body(floor, floor.line, 500))
    clock.freeze(CLOSES)
    _tick(app)
    refused = floor.supplier.put(f"/api/pools/{pool['id']}/capacity", json={"quantity": 5})
    assert refused.status_code == 409 and refused.get_json()["code"] == "single_winner"


def test_the_organiser_withdraws_an_open_pool_and_the_funds_come_back(floor, session, login):
    """AUC-2: a pool withdrawn during its window releases every demand; others cannot withdraw it."""
    pool = open_pool(floor)
    add(floor.purchaser, pool["id"], demand_body(floor, floor.line, 10))
    refused = floor.purchaser.post(f"/api/pools/{pool['id']}/cancel", json={"reason": "x"})
    assert refused.status_code == 403
    done = floor.operator.post(f"/api/pools/{pool['id']}/cancel", json={"reason": "需求调整"})
    assert done.status_code == 200 and done.get_json()["status"] == "cancelled"
    assert _line(session, floor.line).reserved == Decimal("0.00")
    assert datetime.fromisoformat(done.get_json()["closed_at"]) == T0


def test_supervisors_watch_the_pools_and_auctions_of_their_region(floor, session, app, login):
    """SUP-1 with AUC-2: a supervisor follows the volume purchases and auctions of its region and
    below — in the API and on the pages its navigation links to — and is refused those above it."""
    local = open_pool(floor, api=floor.purchaser)  # led by a Hohhot school
    regional = open_pool(floor, title="全区台式计算机带量采购")  # opened by the operator
    auction = floor.purchaser.post("/api/auctions", json=auction_body(floor)).get_json()
    floor.purchaser.post(f"/api/auctions/{auction['id']}/publish")
    hohhot, region = login("supervisor.hohhot"), login("supervisor")

    seen = [p["id"] for p in hohhot.get("/api/pools").get_json()["items"]]
    assert local["id"] in seen and regional["id"] not in seen
    assert hohhot.get(f"/api/pools/{local['id']}").status_code == 200
    refused = hohhot.get(f"/api/pools/{regional['id']}")
    assert refused.status_code == 403 and refused.get_json()["code"] == "other_organisation"
    assert region.get(f"/api/pools/{regional['id']}").status_code == 200
    watched = hohhot.get(f"/api/auctions/{auction['id']}/state").get_json()
    assert watched["bidder_count"] == 0 and watched["ladder"] == []

    home = hohhot.get("/").get_data(as_text=True)
    assert 'href="/auctions#auctions"' in home and 'href="/pools#volume"' in home
    listing = hohhot.get("/pools")
    assert listing.status_code == 200 and local["number"] in listing.get_data(as_text=True)
    page = hohhot.get(f"/pools/{local['id']}")
    assert page.status_code == 200 and local["title"] in page.get_data(as_text=True)
    assert hohhot.get(f"/pools/{regional['id']}").status_code == 403
    room = hohhot.get(f"/auctions/{auction['id']}")
    assert room.status_code == 200 and auction["number"] in room.get_data(as_text=True)
