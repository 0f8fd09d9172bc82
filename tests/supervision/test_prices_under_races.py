"""The price statistics' reader under real concurrency (SUP-3): every server process runs the
periodic jobs, so two may read the ledger at once. The cursor's row lock makes them take turns: each
transaction entry becomes one sample, never two, and neither reader fails.

The rows this test commits are for a standard product and a category made up for it; it removes
the samples and statistics it derived (the ledger keeps its entries, and the cursor stays past
them, so no later test reads them)."""

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from core import clock
from core.accounts.auth import SYSTEM
from core.accounts.models import Region
from core.db import db
from supervision.ledger import record
from supervision.prices import service
from supervision.prices.models import PriceAnomaly, PriceSample, PriceStatistic
from tests import dbutil

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not dbutil.is_postgres(dbutil.base_url("")),
        reason="row locks only matter where transactions run concurrently: set TEST_DATABASE_URL "
        "to a PostgreSQL database (SQLite runs one writer at a time)",
    ),
]

PRODUCT, CATEGORY = 880001, 880101


def test_two_readers_at_once_derive_each_entry_once(app):
    clock.freeze(datetime(2026, 11, 20, 2, tzinfo=UTC))
    try:
        with app.app_context():
            with db.unit_of_work() as session:
                area = session.scalars(select(Region.id).where(Region.code == "15")).one()
                for n in range(40):
                    line = {
                        "category_id": CATEGORY,
                        "standard_product_id": PRODUCT,
                        "unit_price": Decimal(100 + n % 7),
                        "quantity": 1,
                    }
                    record(
                        session,
                        SYSTEM,
                        "order.placed",
                        ("order", 990000 + n),  # no order of any other test
                        {"items": [line]},
                        region_id=area,
                    )
            barrier, errors = threading.Barrier(2), []

            def reader() -> None:
                with app.app_context():
                    barrier.wait()
                    try:
                        service.update_all(db.unit_of_work, batch=5)
                    except BaseException as error:  # reported below
                        errors.append(error)

            threads = [threading.Thread(target=reader) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert errors == []
            with db.unit_of_work() as session:
                ours = PriceSample.standard_product_id == PRODUCT
                assert session.scalar(select(func.count(PriceSample.id)).where(ours)) == 40
                (n,) = session.scalars(
                    select(PriceStatistic.n).where(
                        PriceStatistic.kind == "product",
                        PriceStatistic.key_id == PRODUCT,
                        PriceStatistic.region_id == area,
                    )
                ).all()
                assert n == 40
                session.execute(delete(PriceSample).where(ours))
                session.execute(
                    delete(PriceStatistic).where(PriceStatistic.key_id.in_([PRODUCT, CATEGORY]))
                )
                session.execute(delete(PriceAnomaly).where(PriceAnomaly.category_id == CATEGORY))
    finally:
        clock.unfreeze()
