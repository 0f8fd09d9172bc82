"""The purchase warning rules (SUP-2, MALL-10): split purchases, SME reservation and share, overdue
payments, repeated refusals and price raises before a large order. Each rule: a planted case that
raises it and a near miss that does not, planted as the ledger entries the mall writes; and for
each event the rules needed enriched, a test that drives the real service and reads the event."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from core.db import db
from supervision.ledger.models import LedgerEntry
from supervision.warnings import engine
from supervision.warnings.models import RiskWarning
from tests.auction.conftest import bid, floor, open_now, published  # noqa: F401
from tests.catalog.conftest import cat  # noqa: F401
from tests.mall.conftest import add, advance, checkout, place, shop  # noqa: F401
from tests.supervision.warnings.conftest import actor_of, later, of_rule, plant, run

CATEGORY = 15

_orders = iter(range(800000, 900000))


def order_placed(
    session,
    orgs,
    amount: str,
    at: datetime,
    *,
    purchaser: str = "purchaser",
    category_id: int = CATEGORY,
    kind: str = "goods",
    listing_id: int | None = 7001,
    unit_price: str | None = None,
    sme_reserved: bool = True,
    supplier_sme: bool = True,
    sme_suitable: bool = True,
):
    """An ``order.placed`` as checkout writes it: one line of ``amount``."""
    buyer = orgs[purchaser]
    order_id = next(_orders)
    quantity = 1
    price = Decimal(unit_price or amount)
    if unit_price:
        quantity = int(Decimal(amount) / price)
    return plant(
        session,
        "order.placed",
        ("order", order_id),
        {
            "number": f"DD{order_id}",
            "purchaser_id": buyer.id,
            "supplier_id": orgs["supplier"].id,
            "budget_line_id": 1,
            "items": [
                {
                    "listing_id": listing_id,
                    "title_zh": "台式计算机",
                    "category_id": category_id,
                    "standard_product_id": None,
                    "unit": None,
                    "unit_price": str(price),
                    "quantity": quantity,
                    "line_total": amount,
                    "category_kind": kind,
                    "sme_suitable": sme_suitable,
                }
            ],
            "total": amount,
            "confirm_by": at + timedelta(hours=48),
            "purchase_total": amount,
            "sme_reserved": sme_reserved,
            "supplier_sme": supplier_sme,
        },
        actor=actor_of(buyer),
        region_id=buyer.region_id,
        at=at,
    )


def scan(session) -> None:
    """Run the engine (its own units of work); what is planted next starts a new transaction of
    the test's session (within the test's, still rolled back), which reads the moved head."""
    session.commit()
    run(session)
    session.expire_all()


def facts(warning: RiskWarning) -> dict[str, Any]:
    return json.loads(warning.facts)


def count(session, rule: str) -> int:
    return session.scalar(select(func.count(RiskWarning.id)).where(RiskWarning.rule == rule))


def payload_of(session, action: str, subject: tuple[str, Any]) -> dict[str, Any]:
    entry = session.scalars(
        select(LedgerEntry)
        .where(
            LedgerEntry.action == action,
            LedgerEntry.subject_type == subject[0],
            LedgerEntry.subject_id == str(subject[1]),
        )
        .order_by(LedgerEntry.seq.desc())
    ).first()
    assert entry is not None, (action, subject)
    return json.loads(entry.payload)


# ---------------------------------------------------------------- split_purchase


def test_orders_under_the_threshold_summing_past_it_within_30_days_raise_one_split_warning(
    session, app_ctx, orgs, frozen
):
    """SUP-2, MALL-10 (化整为零): three orders of 700,000 within three weeks reach the 2,000,000
    threshold at the third; a fourth order adds nothing, and a replay raises nothing."""
    first = order_placed(session, orgs, "700000.00", later(0))
    second = order_placed(session, orgs, "700000.00", later(10))
    third = order_placed(session, orgs, "700000.00", later(20))
    scan(session)
    (warning,) = of_rule(session, "split_purchase")
    assert warning.level == "red" and warning.party_org_id == orgs["purchaser"].id
    found = facts(warning)
    assert (found["total"], found["threshold"], found["orders"]) == ("2100000.00", "2000000.00", 3)
    assert found["window"] == "days" and found["threshold_kind"] == "sme"
    assert warning.key == f"{orgs['purchaser'].id}:{CATEGORY}:days:sme:{first.seq}"
    assert {e.seq for e in warning.evidence} == {first.seq, second.seq, third.seq}
    order_placed(session, orgs, "300000.00", later(22))
    scan(session)
    assert count(session, "split_purchase") == 1
    assert engine.replay(db.unit_of_work, "split_purchase")[1] == 0


def test_a_split_just_under_the_threshold_or_across_fiscal_years_raises_nothing(
    session, app_ctx, orgs, frozen
):
    """SUP-2 near misses: 1,999,999.99 within a month; and 2,100,000 in orders more than 30 days
    apart across two fiscal years; and one order above the threshold is no split."""
    for n, amount in enumerate(("700000.00", "700000.00", "599999.99")):
        order_placed(session, orgs, amount, later(n * 5))
    scan(session)
    assert of_rule(session, "split_purchase") == []
    # The hospital buys 700,000 in November, December and (the next fiscal year) February.
    for n in (10, 50, 100):
        order_placed(session, orgs, "700000.00", later(n), purchaser="purchaser.hospital")
    # Another unit's single big order, then a small one: nothing was split.
    order_placed(session, orgs, "2500000.00", later(1), purchaser="purchaser.banner")
    order_placed(session, orgs, "10000.00", later(2), purchaser="purchaser.banner")
    scan(session)
    assert of_rule(session, "split_purchase") == []


def test_the_year_window_and_the_mall_limit_as_configured(session, app, app_ctx, orgs, frozen):
    """SUP-2: spread over the fiscal year, orders summing past the threshold raise (a year
    window); the threshold is the mall's configured one."""
    app.config["MALL_SME_RESERVED_BELOW"] = "1000000.00"
    try:
        for n in (0, 35):
            order_placed(session, orgs, "600000.00", later(n))
        scan(session)
    finally:
        del app.config["MALL_SME_RESERVED_BELOW"]
    (warning,) = of_rule(session, "split_purchase")
    assert facts(warning)["window"] == "year" and facts(warning)["threshold"] == "1000000.00"


def test_checkout_puts_the_sme_facts_on_order_placed(shop, session, app, monkeypatch):  # noqa: F811
    """MALL-10, SUP-2: each line's category kind and SME suitability, the purchase's total,
    whether it was reserved and whether the supplier is an SME."""
    (order,) = place(shop, (shop.desktop, 2))
    placed = payload_of(session, "order.placed", ("order", order["id"]))
    assert (placed["sme_reserved"], placed["supplier_sme"], placed["purchase_total"]) == (
        True,
        True,
        "9998.00",
    )
    assert (placed["items"][0]["category_kind"], placed["items"][0]["sme_suitable"]) == (
        "goods",
        True,
    )
    # Above a (lowered) threshold a large enterprise may sell: not reserved, not an SME.
    monkeypatch.setitem(app.config, "MALL_SME_RESERVED_BELOW", "1000.00")
    (large,) = place(shop, (shop.office_pc, 1))
    placed = payload_of(session, "order.placed", ("order", large["id"]))
    assert (placed["sme_reserved"], placed["supplier_sme"]) == (False, False)
