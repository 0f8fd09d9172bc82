"""An auction's award carries what the price statistics read (CAT-4, SUP-3): the lot's category,
standard product and unit on each line of ``order.awarded``."""

import json
from datetime import datetime, timedelta

from sqlalchemy import select

from core import clock
from supervision.ledger.models import LedgerEntry
from tests.auction.conftest import bid, open_now, published


def test_order_awarded_lines_name_category_standard_product_and_unit(floor, session, app):
    auction = published(floor, ceiling="4000.00", quantity=600)  # above the SME reservation
    open_now(auction)
    runner = app.test_cli_runner()
    runner.invoke(args=["auction", "tick"])
    assert bid(floor.office, auction["id"], "3990.00").status_code == 201
    assert bid(floor.supplier, auction["id"], "3950.00").status_code == 201
    clock.freeze(datetime.fromisoformat(auction["ends_at"]) + timedelta(seconds=1))
    assert "closed 1" in runner.invoke(args=["auction", "tick"]).output

    session.expire_all()
    entry = session.scalars(select(LedgerEntry).where(LedgerEntry.action == "order.awarded")).one()
    (line,) = json.loads(entry.payload)["items"]
    assert line["category_id"] == floor.cat.desktop
    assert line["standard_product_id"] is None  # the lot names none
    assert (line["unit"], line["unit_price"], line["quantity"]) == ("台", "3950.00", 600)
