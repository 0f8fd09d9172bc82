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

from core import clock
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


# ---------------------------------------------------------------- sme_reserved_non_sme


def order_awarded(session, orgs, amount, at, *, sme_reserved, supplier_sme, auction_id=910001):
    """An ``order.awarded`` as an auction's award writes it (``mall.orders.awards``)."""
    buyer = orgs["purchaser"]
    order_id = next(_orders)
    return plant(
        session,
        "order.awarded",
        ("order", order_id),
        {
            "status": "confirmed",
            "number": f"DD{order_id}",
            "source": "auction",
            "source_id": auction_id,
            "purchaser_id": buyer.id,
            "supplier_id": orgs["supplier.office"].id,
            "budget_line_id": 1,
            "items": [
                {
                    "title_zh": "台式计算机",
                    "category_id": CATEGORY,
                    "standard_product_id": None,
                    "unit": "台",
                    "unit_price": amount,
                    "quantity": 1,
                    "line_total": amount,
                    "category_kind": "goods",
                    "sme_suitable": True,
                }
            ],
            "total": amount,
            "sme_reserved": sme_reserved,
            "supplier_sme": supplier_sme,
        },
        region_id=buyer.region_id,
        at=at,
    )


def test_an_sme_reserved_award_to_a_large_enterprise_raises_and_others_do_not(
    session, app_ctx, orgs, frozen
):
    """SUP-2, MALL-10: planted — an SME-only auction's order awarded to a large enterprise;
    near misses — awarded to an SME, and a large enterprise's award that was not reserved."""
    planted = order_awarded(
        session, orgs, "150000.00", later(0), sme_reserved=True, supplier_sme=False
    )
    order_awarded(session, orgs, "150000.00", later(0), sme_reserved=True, supplier_sme=True)
    order_awarded(session, orgs, "2500000.00", later(0), sme_reserved=False, supplier_sme=False)
    scan(session)
    (warning,) = of_rule(session, "sme_reserved_non_sme")
    assert warning.level == "red" and warning.subject_id == planted.subject_id
    assert warning.party_org_id == orgs["purchaser"].id
    assert facts(warning)["supplier_id"] == orgs["supplier.office"].id


def test_an_sme_only_auction_won_by_a_supplier_no_longer_an_sme_is_on_the_events_and_warned(
    floor,  # noqa: F811
    session,
    app,
):
    """MALL-10, SUP-2, driving the real award: the supplier bid as a small enterprise, then
    declared itself large before the close; the award's events say so and the rule raises."""
    from catalog.enrolment.models import SupplierProfile

    auction = published(floor, ceiling="5000.00", quantity=30, min_bidders=1)  # 150,000: reserved
    assert auction["sme_only"] is True
    open_now(auction)
    assert bid(floor.supplier, auction["id"], "4900.00").status_code == 201
    profile = session.get(SupplierProfile, floor.cat.supplier_it)
    profile.enterprise_size = "large"
    session.flush()
    clock.freeze(datetime.fromisoformat(auction["ends_at"]) + timedelta(seconds=1))
    app.test_cli_runner().invoke(args=["auction", "tick"])
    session.expire_all()
    awarded = payload_of(session, "auction.awarded", ("auction", auction["id"]))
    assert (awarded["sme_only"], awarded["winner_sme"]) == (True, False)
    order = payload_of(session, "order.awarded", ("order", awarded["order_id"]))
    assert (order["sme_reserved"], order["supplier_sme"]) == (True, False)
    assert (
        order["items"][0]["sme_suitable"] is True and order["items"][0]["category_kind"] == "goods"
    )
    with app.app_context():
        scan(session)
    (warning,) = [
        w
        for w in of_rule(session, "sme_reserved_non_sme")
        if w.subject_id == str(awarded["order_id"])
    ]
    assert warning.level == "red"


# ---------------------------------------------------------------- sme_share


def test_a_unit_buying_mostly_from_large_enterprises_in_the_fourth_quarter_is_warned(
    session, app_ctx, orgs, frozen
):
    """SUP-2, MALL-10: planted — 1,000,000 from a large enterprise, 200,000 from SMEs (16.7 %);
    near misses — 33 % to SMEs, too little bought to judge, and the same share before October."""
    order_placed(session, orgs, "1000000.00", later(-50), sme_reserved=False, supplier_sme=False)
    order_placed(session, orgs, "200000.00", later(-49))
    hospital = {"purchaser": "purchaser.hospital"}
    order_placed(
        session, orgs, "600000.00", later(-50), sme_reserved=False, supplier_sme=False, **hospital
    )
    order_placed(session, orgs, "300000.00", later(-50), **hospital)
    order_placed(
        session,
        orgs,
        "150000.00",
        later(-50),
        sme_reserved=False,
        supplier_sme=False,
        purchaser="purchaser.banner",
    )
    clock.freeze(later(-40))  # 23 September: not judged yet
    scan(session)
    assert of_rule(session, "sme_share") == []
    clock.freeze(later(0))
    scan(session)
    (warning,) = of_rule(session, "sme_share")
    assert warning.level == "yellow" and warning.party_org_id == orgs["purchaser"].id
    assert warning.key == f"{orgs['purchaser'].id}:2026:goods_services"
    found = facts(warning)
    assert (found["suitable"], found["to_sme"], found["share"]) == (
        "1200000.00",
        "200000.00",
        "16.7 %",
    )
    scan(session)
    assert count(session, "sme_share") == 1


# ---------------------------------------------------------------- payment_overdue


def order_accepted(session, orgs, at, *, days=30, total="9998.00"):
    """An ``order.accepted`` as acceptance writes it (``mall.orders.acceptance``)."""
    buyer = orgs["purchaser"]
    order_id = next(_orders)
    return plant(
        session,
        "order.accepted",
        ("order", order_id),
        {
            "status": "accepted",
            "acceptance_id": order_id,
            "items": [{"order_item_id": 1, "ordered": 2, "accepted": 2, "note": None}],
            "accepted_total": total,
            "partial": False,
            "notes": None,
            "attachments": [],
            "payment_days": days,
            "payment_due": at + timedelta(days=days),
        },
        actor=actor_of(buyer),
        region_id=buyer.region_id,
        at=at,
    )


def test_unpaid_accepted_orders_past_their_term_are_warned_yellow_then_orange(
    session, app_ctx, orgs, frozen
):
    """SUP-2, MALL-5: planted — 10 days late (yellow), 40 days late (orange); near misses — paid,
    and not yet due. The yellow one, later late by its term again, gets an orange of its own."""
    late = order_accepted(session, orgs, later(-40))
    very_late = order_accepted(session, orgs, later(-70))
    paid = order_accepted(session, orgs, later(-45))
    order_accepted(session, orgs, later(-20))
    plant(
        session,
        "order.paid",
        ("order", paid.subject_id),
        {"status": "paid", "payment": 1, "amount": "9998.00"},
        region_id=paid.region_id,
        at=later(-2),
    )
    clock.freeze(later(0))
    scan(session)
    found = {(w.subject_id, w.level) for w in of_rule(session, "payment_overdue")}
    assert found == {(late.subject_id, "yellow"), (very_late.subject_id, "orange")}
    clock.freeze(later(31))
    scan(session)
    assert (late.subject_id, "orange") in {
        (w.subject_id, w.level) for w in of_rule(session, "payment_overdue")
    }
    assert count(session, "payment_overdue") == 3 + 1  # the one due on day 10 is late now too


def test_acceptance_puts_the_payment_term_on_order_accepted(shop, session):  # noqa: F811
    """MALL-5, SUP-2: driving the real acceptance."""
    (order,) = place(shop, (shop.desktop, 2))
    advance(shop, order["id"], "accepted")
    accepted = payload_of(session, "order.accepted", ("order", order["id"]))
    assert accepted["payment_days"] == 30
    entry = session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.action == "order.accepted", LedgerEntry.subject_id == str(order["id"])
        )
    ).one()
    due = datetime.fromisoformat(accepted["payment_due"])
    assert abs(due - entry.at - timedelta(days=30)) < timedelta(seconds=5)


# ---------------------------------------------------------------- repeated_refusals


def test_three_refused_checkouts_leave_order_refused_only_and_raise_one_warning(
    shop,  # noqa: F811
    session,
    app,
    monkeypatch,
):
    """SUP-2, driving the real checkout: each refusal (over the lowered e-mall limit) answers the
    same 409 and leaves one ``order.refused`` and nothing else; two are no pattern, the third is;
    a fourth in the same run raises nothing new."""
    from tests.mall.conftest import snapshot

    monkeypatch.setitem(app.config, "MALL_PURCHASE_LIMIT", "5000.00")
    add(shop.purchaser, shop.desktop, 2)  # 9,998.00
    for n in range(1, 5):
        before = snapshot(session, [shop.desktop], [shop.line])
        refused = checkout(shop.purchaser, shop.line)
        assert refused.status_code == 409 and refused.get_json()["code"] == "over_mall_limit"
        after = snapshot(session, [shop.desktop], [shop.line])
        assert (
            after | {"ledger": before["ledger"]} == before
            and after["ledger"] == before["ledger"] + 1
        )
        last = session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq.desc()).limit(1)).one()
        assert last.action == "order.refused"
        payload = json.loads(last.payload)
        assert (payload["code"], payload["amount"], payload["budget_line_id"]) == (
            "over_mall_limit",
            "9998.00",
            shop.line,
        )
        assert payload["purchaser_id"] == last.actor_org_id
        with app.app_context():
            scan(session)
        assert count(session, "repeated_refusals") == (0 if n < 3 else 1)
    (warning,) = of_rule(session, "repeated_refusals")
    assert facts(warning)["kind"] == "purchase" and facts(warning)["count"] == 3


def bid_rejected(session, orgs, at, reason, auction_id=920001):
    supplier = orgs["supplier"]
    return plant(
        session,
        "auction.bid_rejected",
        ("auction", auction_id),
        {
            "status": "awarded",
            "supplier_id": supplier.id,
            "price": "4800.00",
            "reason": reason,
            "at": at,
            "ip": "10.0.0.1",
            "device_id": None,
            "channel": "http",
        },
        actor=actor_of(supplier),
        region_id=supplier.region_id,
        at=at,
    )


def test_bids_after_close_repeated_raise_and_other_rejections_or_spread_ones_do_not(
    session, app_ctx, orgs, frozen
):
    """SUP-2, AUC-3: planted — three bids after close within 30 days; near misses — three bids
    rejected for another reason, and bids after close 40 days apart."""
    for day in (0, 1, 2):
        bid_rejected(session, orgs, later(day), "below_decrement")
    for day in (-100, -60, -20):
        bid_rejected(session, orgs, later(day), "closed")
    scan(session)
    assert of_rule(session, "repeated_refusals") == []
    bid_rejected(session, orgs, later(3), "closed")
    bid_rejected(session, orgs, later(4), "closed")
    scan(session)
    (warning,) = of_rule(session, "repeated_refusals")
    assert warning.party_org_id == orgs["supplier"].id and facts(warning)["kind"] == "bid"
    assert facts(warning)["codes"] == "closed"


# ---------------------------------------------------------------- price_raised_before_order


def price_changed(session, orgs, listing_id, old, new, at):
    """A ``listing.price_changed`` as the listing's edit writes it."""
    return plant(
        session,
        "listing.price_changed",
        ("listing", listing_id),
        {"old": old, "new": new, "status": "approved"},
        actor=actor_of(orgs["supplier"]),
        at=at,
    )


def test_a_price_raised_days_before_a_large_order_at_that_price_raises(
    session, app_ctx, orgs, frozen
):
    """SUP-2, SUP-3: planted — 1,000 → 1,200 three days before a 60,000 line at 1,200; near
    misses — a 5 % raise, a raise 20 days before, and a small order after a raise."""
    change = price_changed(session, orgs, 7101, "1000.00", "1200.00", later(-3))
    planted = order_placed(
        session, orgs, "60000.00", later(0), listing_id=7101, unit_price="1200.00"
    )
    price_changed(session, orgs, 7102, "1000.00", "1050.00", later(-3))
    order_placed(session, orgs, "63000.00", later(0), listing_id=7102, unit_price="1050.00")
    price_changed(session, orgs, 7103, "1000.00", "1200.00", later(-20))
    order_placed(session, orgs, "60000.00", later(0), listing_id=7103, unit_price="1200.00")
    price_changed(session, orgs, 7104, "1000.00", "1200.00", later(-3))
    order_placed(session, orgs, "12000.00", later(0), listing_id=7104, unit_price="1200.00")
    scan(session)
    (warning,) = of_rule(session, "price_raised_before_order")
    assert warning.level == "orange" and warning.subject_id == planted.subject_id
    assert warning.party_org_id == orgs["supplier"].id
    assert facts(warning)["raise"] == "20.0 %"
    assert {e.seq for e in warning.evidence} == {change.seq, planted.seq}
    assert engine.replay(db.unit_of_work, "price_raised_before_order")[1] == 0


def test_order_placed_carries_what_the_price_raise_rule_reads(shop, session):  # noqa: F811
    """SUP-2, SUP-3, driving the real edit and checkout: the raise is on the ledger with old and
    new, and the order line with its listing and unit price."""
    assert (
        shop.supplier.patch(
            f"/api/catalog/listings/{shop.desktop}", json={"price": "5999.00"}
        ).status_code
        == 200
    )
    changed = payload_of(session, "listing.price_changed", ("listing", shop.desktop))
    assert (changed["old"], changed["new"]) == ("4999.00", "5999.00")
    (order,) = place(shop, (shop.desktop, 1))
    (item,) = payload_of(session, "order.placed", ("order", order["id"]))["items"]
    assert (item["listing_id"], item["unit_price"], item["line_total"]) == (
        shop.desktop,
        "5999.00",
        "5999.00",
    )
