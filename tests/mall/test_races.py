"""Contested rows under real concurrency (MALL-3, MALL-1): threads on PostgreSQL, each in its own
committed unit of work. Concurrent reservations never overspend a budget line, and two purchasers
for the last unit of stock never both get it.

The rows these tests commit belong to organisations and categories made for the run, so no other
test sees them.
"""

import secrets
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from catalog.categories import service as categories
from catalog.enrolment import service as enrolment
from catalog.listings import service as listings
from catalog.listings.models import Listing
from core.accounts import service as accounts
from core.accounts.auth import SYSTEM, Actor, actor_for
from core.accounts.demo import DEMO_PASSWORD
from core.accounts.models import Region, User
from core.db import db
from core.errors import Conflict
from mall.budgets import service as budgets
from mall.budgets.models import BudgetLine, BudgetMovement
from mall.orders import cart
from mall.orders.checkout import checkout
from mall.orders.models import CartItem, Order
from tests import dbutil
from tests.mall.conftest import DELIVERY

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not dbutil.is_postgres(dbutil.base_url("")),
        reason="row locks only matter where transactions run concurrently: set TEST_DATABASE_URL "
        "to a PostgreSQL database (SQLite runs one writer at a time)",
    ),
]

_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _credit_code(prefix: str) -> str:
    return prefix + "150102" + "".join(secrets.choice(_CODE_CHARS) for _ in range(10))


def _org_with_user(session, kind: str, roles: list[str], run: str) -> Actor:
    region = session.scalars(select(Region).where(Region.code == "150102")).one()
    org = accounts.create_organisation(
        session,
        SYSTEM,
        {
            "kind": kind,
            "name_zh": f"并发测试{kind}{run}",
            "credit_code": _credit_code("91" if kind == "supplier" else "12"),
            "region_id": region.id,
        },
    )
    user = accounts.create_user(
        session,
        SYSTEM,
        org.id,
        {
            "username": f"race.{kind}.{run}.{secrets.token_hex(3)}",
            "display_name": "并发",
            "password": DEMO_PASSWORD,
            "roles": roles,
        },
    )
    session.flush()
    return actor_for(session.get(User, user.id), "test")


def _race(app, n: int, work) -> list[BaseException | None]:
    """Run ``work(i, session)`` in ``n`` threads at once, each in its own unit of work; the outcome
    of each (None, or the exception it raised)."""
    barrier = threading.Barrier(n)
    outcomes: list[BaseException | None] = [None] * n

    def worker(i: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                with db.unit_of_work() as session:
                    work(i, session)
            except BaseException as error:  # reported to the test
                outcomes[i] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_concurrent_reservations_never_overspend_a_line(app):
    run = secrets.token_hex(4)
    with app.app_context(), db.unit_of_work() as session:
        purchaser = _org_with_user(session, "purchaser", ["purchaser", "org_admin"], run)
        line_id = budgets.create_line(
            session,
            purchaser,
            {
                "fiscal_year": budgets.fiscal_year_now(),
                "fund_source": "general",
                "code": f"RACE-{run}",
                "name": "并发预留",
                "amount": Decimal("1000.00"),
            },
        ).id
    for round_no in range(3):
        outcomes = _race(
            app,
            8,
            lambda i, s, r=round_no: budgets.reserve(
                s, purchaser, line_id, Decimal("300.00"), ("race", r * 100 + i)
            ),
        )
        won = [o for o in outcomes if o is None]
        lost = [o for o in outcomes if o is not None]
        assert all(isinstance(o, Conflict) and o.code == "insufficient_funds" for o in lost), lost
        assert len(won) == (3 if round_no == 0 else 0)
    with db.unit_of_work() as session:
        line = session.get(BudgetLine, line_id)
        assert line.reserved == Decimal("900.00") and line.available == Decimal("100.00")
        reserved = session.scalar(
            select(func.sum(BudgetMovement.amount)).where(
                BudgetMovement.line_id == line_id, BudgetMovement.kind == "reserve"
            )
        )
        assert reserved == Decimal("900.00")


def test_two_purchasers_for_the_last_unit_one_wins(app):
    run = secrets.token_hex(4)
    with app.app_context(), db.unit_of_work() as session:
        supplier = _org_with_user(session, "supplier", ["supplier"], run)
        buyers = [
            _org_with_user(session, "purchaser", ["purchaser", "org_admin"], run) for _ in "ab"
        ]
        code = "R" + run.upper()
        root = categories.create_category(
            session, SYSTEM, {"code": code, "name_zh": "并发", "name_en": "Race", "kind": "goods"}
        )
        leaf = categories.create_category(
            session,
            SYSTEM,
            {
                "code": code + "01",
                "name_zh": "并发商品",
                "name_en": "Race goods",
                "kind": "goods",
                "parent_id": root.id,
            },
        )
        categories.set_schema(
            session,
            SYSTEM,
            leaf.id,
            [{"code": "size", "name_zh": "尺寸", "name_en": "Size", "type": "text"}],
        )
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
        operator = session.scalars(select(User).where(User.username == "operator")).one()
        enrolment.decide(session, actor_for(operator, "test"), application.id, True, None)
        listing = listings.create(
            session,
            supplier,
            {
                "category_id": leaf.id,
                "title_zh": "最后一件",
                "brand": "并发",
                "model": run,
                "params": {"size": "L"},
                "price": Decimal("800.00"),
                "stock": 1,
                "region_ids": [supplier.region_id],
            },
        )
        listings.submit(session, supplier, listing.id)
        listings.review(session, SYSTEM, listing.id, True, None)
        lines = [
            budgets.create_line(
                session,
                buyer,
                {
                    "fiscal_year": budgets.fiscal_year_now(),
                    "fund_source": "general",
                    "code": f"R-{run}",
                    "name": "并发采购",
                    "amount": Decimal("5000.00"),
                },
            ).id
            for buyer in buyers
        ]
        listing_id = listing.id
    for round_no in range(3):
        with app.app_context(), db.unit_of_work() as session:
            if round_no:
                listings.update(session, supplier, listing_id, {"stock": 1})
            for buyer in buyers:
                cart.add(session, buyer, listing_id, 1)
        outcomes = _race(
            app,
            2,
            lambda i, s: checkout(s, buyers[i], {"budget_line_id": lines[i], **DELIVERY}),
        )
        won = [o for o in outcomes if o is None]
        lost = [o for o in outcomes if o is not None]
        assert len(won) == 1, outcomes
        assert isinstance(lost[0], Conflict) and lost[0].code == "insufficient_stock", lost
        with app.app_context(), db.unit_of_work() as session:
            assert session.get(Listing, listing_id).stock == 0
            # The loser's cart item stays; clear it for the next round.
            for item in session.scalars(
                select(CartItem).where(CartItem.user_id.in_([b.user_id for b in buyers]))
            ):
                session.delete(item)
    with db.unit_of_work() as session:
        orders = session.scalars(
            select(Order).where(Order.supplier_id == supplier.organisation_id)
        ).all()
        assert len(orders) == 3 and all(o.total == Decimal("800.00") for o in orders)
        reserved = sum(session.get(BudgetLine, i).reserved for i in lines)
        assert reserved == Decimal("2400.00")
