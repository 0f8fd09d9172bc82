"""Bids and closing under real concurrency (AUC-1, AUC-3): threads on PostgreSQL, each in its own
committed unit of work. Simultaneous bids at the same price never both become best; two closers
racing over one auction award it exactly once.

The rows these tests commit belong to organisations and categories made for the run, so no other
test sees them.
"""

import json
import secrets
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from auction import closing
from auction import service as auctions
from auction.models import Auction, Bid
from auction.pools import service as pools
from auction.pools.models import Pool
from catalog.categories import service as categories
from catalog.enrolment import service as enrolment
from core import clock
from core.accounts.auth import SYSTEM, Actor
from core.db import db
from mall.budgets import service as budgets
from mall.budgets.models import BudgetLine
from mall.orders.models import Order
from supervision.ledger.models import LedgerEntry
from tests.mall.test_races import _credit_code, _org_with_user, _race
from tests.mall.test_races import pytestmark as _postgres_only

pytestmark = _postgres_only
OPERATOR = Actor(user_id=None, username="operator", roles=frozenset({"operator"}))


def _open_auction(app, bidders: int, **over):
    """A published auction open now, with ``bidders`` enrolled suppliers (their actors)."""
    run = secrets.token_hex(4)
    with app.app_context(), db.unit_of_work() as session:
        purchaser = _org_with_user(session, "purchaser", ["purchaser", "org_admin"], run)
        suppliers = [_org_with_user(session, "supplier", ["supplier"], run) for _ in range(bidders)]
        code = "Q" + run.upper()
        root = categories.create_category(
            session, SYSTEM, {"code": code, "name_zh": "竞价", "name_en": "Bids", "kind": "goods"}
        )
        for supplier in suppliers:
            application = enrolment.apply(
                session,
                supplier,
                {
                    "licence_no": _credit_code("91"),
                    # medium: an SME whose prices are ranked as offered (no deduction, MALL-7)
                    "enterprise_size": "medium",
                    "region_id": supplier.region_id,
                    "category_ids": [root.id],
                },
            )
            enrolment.decide(session, OPERATOR, application.id, True, None)
        line = budgets.create_line(
            session,
            purchaser,
            {
                "fiscal_year": budgets.fiscal_year_now(),
                "fund_source": "general",
                "code": f"JJ-{run}",
                "name": "并发竞价",
                "amount": Decimal("100000.00"),
            },
        )
        now = clock.now()
        body = {
            "title": "并发竞价",
            "category_id": root.id,
            "quantity": 10,
            "delivery_region_id": purchaser.region_id,
            "delivery_address": "呼和浩特市",
            "contact_name": "测试",
            "contact_phone": "0471-6900000",
            "delivery_date": (now + timedelta(days=30)).date(),
            "budget_line_id": line.id,
            "ceiling": Decimal("1000.00"),
            "starts_at": now,
            "ends_at": now + timedelta(minutes=30),
            "decrement_mode": "absolute",
            "decrement_value": Decimal("1.00"),
            "min_bidders": 1,
        } | over
        auction = auctions.create(session, purchaser, body)
        auctions.publish(session, purchaser, auction.id)
        return auction.id, suppliers


def test_simultaneous_bids_at_one_price_make_one_best(app):
    auction_id, suppliers = _open_auction(app, 6)
    outcomes: list = [None] * 6

    def bid(i, session):
        outcomes[i] = auctions.place_bid(session, suppliers[i], auction_id, Decimal("900.00"))

    errors = _race(app, 6, bid)
    assert errors == [None] * 6
    accepted = [o for o in outcomes if o.accepted]
    assert len(accepted) == 1
    assert sorted(o.code for o in outcomes if not o.accepted) == ["decrement"] * 5
    with app.app_context(), db.unit_of_work() as session:
        auction = session.get(Auction, auction_id)
        assert (auction.bid_count, auction.best_price) == (1, Decimal("900.00"))
        assert session.scalar(select(func.count()).where(Bid.auction_id == auction_id)) == 1
        actions = session.scalars(
            select(LedgerEntry.action).where(
                LedgerEntry.subject_type == "auction", LedgerEntry.subject_id == str(auction_id)
            )
        ).all()
        assert actions.count("auction.bid_accepted") == 1
        assert actions.count("auction.bid_rejected") == 5


def test_two_closers_award_exactly_once(app):
    auction_id, suppliers = _open_auction(app, 2, must_beat="own")
    with app.app_context():
        for i, price in enumerate(("990.00", "980.00")):
            with db.unit_of_work() as session:
                assert auctions.place_bid(
                    session, suppliers[i], auction_id, Decimal(price)
                ).accepted
    clock.freeze(clock.now() + timedelta(minutes=31))
    try:
        results: list = [None] * 2
        errors = _race(
            app, 2, lambda i, s: results.__setitem__(i, closing.close(s, auction_id) is not None)
        )
    finally:
        clock.unfreeze()
    assert errors == [None, None]
    assert sorted(results) == [False, True]
    with app.app_context(), db.unit_of_work() as session:
        auction = session.get(Auction, auction_id)
        assert auction.status == "awarded" and auction.winner_id == suppliers[1].organisation_id
        orders = session.scalars(select(Order).where(Order.source_id == auction_id)).all()
        assert len(orders) == 1 and orders[0].total == Decimal("9800.00")
        awarded = session.scalar(
            select(func.count()).where(
                LedgerEntry.subject_type == "auction",
                LedgerEntry.subject_id == str(auction_id),
                LedgerEntry.action == "auction.awarded",
            )
        )
        assert awarded == 1


def test_batches_placed_at_once_on_one_auction_keep_one_sequence(app):
    """Two server processes each placing a batch of socket bids on one auction at the same moment
    (AUC-1): the row lock orders the batches, so the sequence has no gap or repeat, each bidder's
    row holds its last accepted bid, the best price is the lowest, and every bid is on the
    ledger."""
    auction_id, suppliers = _open_auction(app, 6, must_beat="own")
    prices = [Decimal("990.00"), Decimal("980.00")]
    outcomes: list = [None] * 2

    def batch(i, session):
        mine = suppliers[i * 3 : i * 3 + 3]
        outcomes[i] = auctions.place_bids(
            session,
            auction_id,
            [auctions.BidRequest(mine[k % 3], prices[k // 3] - i * 5, "socket") for k in range(6)],
        )

    assert _race(app, 2, batch) == [None, None]
    placed = [o for part in outcomes for o in part]
    assert all(o.accepted for o in placed)
    with app.app_context(), db.unit_of_work() as session:
        auction = session.get(Auction, auction_id)
        assert (auction.bid_count, auction.bidder_count) == (12, 6)
        assert auction.best_price == Decimal("975.00")
        seqs = sorted(session.scalars(select(Bid.seq).where(Bid.auction_id == auction_id)))
        assert seqs == list(range(1, 13))
        rows = {row.supplier_id: row for row in auctions.bidder_rows(session, auction_id)}
        last = {o.bid.supplier_id: o.bid for o in placed}  # each batch in its own order
        assert {s: (r.last_price, r.last_bid_id) for s, r in rows.items()} == {
            s: (b.price, b.id) for s, b in last.items()
        }
        assert sorted(r.label_no for r in rows.values()) == list(range(1, 7))
        ledgered = session.scalars(
            select(LedgerEntry.payload).where(
                LedgerEntry.action == "auction.bid_accepted",
                LedgerEntry.subject_id == str(auction_id),
            )
        ).all()
        assert sorted(json.loads(p)["seq"] for p in ledgered) == list(range(1, 13))


def _open_pool(app, units: int):
    """A volume purchase open now, led by the first of ``units`` purchaser units, each with a
    budget line (their actors and line ids)."""
    run = secrets.token_hex(4)
    with app.app_context(), db.unit_of_work() as session:
        purchasers = [
            _org_with_user(session, "purchaser", ["purchaser", "org_admin"], run)
            for _ in range(units)
        ]
        root = categories.create_category(
            session,
            SYSTEM,
            {"code": "V" + run.upper(), "name_zh": "带量", "name_en": "Pool", "kind": "goods"},
        )
        lines = [
            budgets.create_line(
                session,
                unit,
                {
                    "fiscal_year": budgets.fiscal_year_now(),
                    "fund_source": "general",
                    "code": f"DL-{run}-{n}",
                    "name": "并发带量采购",
                    "amount": Decimal("100000.00"),
                },
            ).id
            for n, unit in enumerate(purchasers)
        ]
        now = clock.now()
        pool = pools.open_pool(
            session,
            purchasers[0],
            {
                "title": "并发带量采购",
                "category_id": root.id,
                "unit": "台",
                "ceiling": Decimal("1000.00"),
                "closes_at": now + timedelta(minutes=30),
                "delivery_date": (now + timedelta(days=30)).date(),
                "contact_name": "测试",
                "contact_phone": "0471-6900000",
                "auction_starts_at": now + timedelta(minutes=40),
                "auction_ends_at": now + timedelta(minutes=70),
                "decrement_mode": "absolute",
                "decrement_value": Decimal("1.00"),
                "min_bidders": 1,
            },
        )
        return pool.id, purchasers, lines


def _demand(line_id: int, quantity: int) -> dict:
    return {
        "quantity": quantity,
        "budget_line_id": line_id,
        "delivery_region_id": None,
        "delivery_address": "呼和浩特市",
        "contact_name": "测试",
        "contact_phone": "0471-6900000",
    }


def test_demands_added_at_once_are_all_pooled(app):
    """AUC-2: five units add demand to one pool at the same moment; the pool's row lock keeps the
    pooled quantity and count whole, and each unit's line holds its own quantity × ceiling."""
    pool_id, purchasers, lines = _open_pool(app, 5)

    def add(i, session):
        pools.add_demand(
            session,
            purchasers[i],
            pool_id,
            _demand(lines[i], i + 1) | {"delivery_region_id": purchasers[i].region_id},
        )

    assert _race(app, 5, add) == [None] * 5
    with app.app_context(), db.unit_of_work() as session:
        pool = session.get(Pool, pool_id)
        assert (pool.quantity, pool.demand_count) == (15, 5)
        for i, line_id in enumerate(lines):
            assert session.get(BudgetLine, line_id).reserved == Decimal("1000.00") * (i + 1)
        added = session.scalars(
            select(LedgerEntry.payload).where(
                LedgerEntry.action == "pool.demand_added", LedgerEntry.subject_id == str(pool_id)
            )
        ).all()
        assert sorted(json.loads(p)["demand_count"] for p in added) == [1, 2, 3, 4, 5]


def test_one_unit_adding_demand_twice_at_once_gets_one_demand(app):
    """AUC-2: two clicks (or two users) of one unit at once: one demand, one reservation; the
    other is refused as a demand that exists."""
    pool_id, purchasers, lines = _open_pool(app, 1)
    unit = purchasers[0]
    body = _demand(lines[0], 3) | {"delivery_region_id": unit.region_id}
    errors = _race(app, 2, lambda i, s: pools.add_demand(s, unit, pool_id, body))
    assert sorted(type(e).__name__ for e in errors if e is not None) == ["Conflict"]
    assert [e.code for e in errors if e is not None] == ["demand_exists"]
    with app.app_context(), db.unit_of_work() as session:
        pool = session.get(Pool, pool_id)
        assert (pool.quantity, pool.demand_count) == (3, 1)
        assert session.get(BudgetLine, lines[0]).reserved == Decimal("3000.00")


def test_two_clocks_close_a_window_into_one_auction(app):
    """AUC-2: two server processes' clocks close the same window at once; one auction comes of
    it."""
    pool_id, purchasers, lines = _open_pool(app, 2)
    with app.app_context():
        for i, unit in enumerate(purchasers):
            with db.unit_of_work() as session:
                pools.add_demand(
                    session,
                    unit,
                    pool_id,
                    _demand(lines[i], 2) | {"delivery_region_id": unit.region_id},
                )
    clock.freeze(clock.now() + timedelta(minutes=31))
    try:
        closed: list = [None] * 2
        errors = _race(app, 2, lambda i, s: closed.__setitem__(i, pools.close_window(s, pool_id)))
    finally:
        clock.unfreeze()
    assert errors == [None, None]
    assert sum(c is not None for c in closed) == 1
    with app.app_context(), db.unit_of_work() as session:
        pool = session.get(Pool, pool_id)
        made = session.scalars(select(Auction).where(Auction.pool_id == pool_id)).all()
        assert pool.status == "auctioned" and [a.id for a in made] == [pool.auction_id]
        assert made[0].quantity == 4
