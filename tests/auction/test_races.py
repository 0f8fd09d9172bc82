"""Bids and closing under real concurrency (AUC-1, AUC-3): threads on PostgreSQL, each in its own
committed unit of work. Simultaneous bids at the same price never both become best; two closers
racing over one auction award it exactly once.

The rows these tests commit belong to organisations and categories made for the run, so no other
test sees them.
"""

import secrets
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from auction import closing
from auction import service as auctions
from auction.models import Auction, Bid
from catalog.categories import service as categories
from catalog.enrolment import service as enrolment
from core import clock
from core.accounts.auth import SYSTEM, Actor
from core.db import db
from mall.budgets import service as budgets
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
                    "enterprise_size": "small",
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
