"""The e-mall's purchase limit and award principle (MALL-7) and the SME reservation (MALL-10)."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.config import ConfigError
from core.errors import Conflict
from mall import policy
from mall.policy import Offer, PurchaseLine, check_purchase, rank_offers, settings
from supervision.ledger.models import LedgerEntry
from tests.mall.conftest import add, checkout, snapshot

DEFAULTS = settings({})


def _line(amount: str, sme: bool, suitable: bool = True, kind: str = "goods", listing: int = 1):
    return PurchaseLine(
        listing_id=listing,
        supplier_id=listing * 10,
        supplier_sme=sme,
        category_kind=kind,
        sme_suitable=suitable,
        amount=Decimal(amount),
    )


def test_defaults_follow_the_policy_documents():
    assert DEFAULTS.sme_reserved_below == Decimal("2000000.00")
    assert DEFAULTS.sme_reserved_below_works == Decimal("4000000.00")
    assert DEFAULTS.purchase_limit == Decimal("4000000.00")
    assert DEFAULTS.confirm_hours == 48


def test_a_purchase_at_or_above_the_limit_must_go_to_tendering():
    assert check_purchase([_line("3999999.99", sme=True)], DEFAULTS) == Decimal("3999999.99")
    with pytest.raises(Conflict) as refused:
        check_purchase([_line("2000000.00", True), _line("2000000.00", True, listing=2)], DEFAULTS)
    assert refused.value.code == "over_mall_limit"
    assert "tendering" in refused.value.message and "公开招标" in refused.value.message_zh
    assert refused.value.details == {"total": "4000000.00", "limit": "4000000.00"}


@pytest.mark.parametrize(
    ("amount", "sme", "suitable", "kind", "allowed"),
    [
        ("1999999.99", False, True, "goods", False),  # reserved for SMEs
        ("1999999.99", False, True, "services", False),
        ("1999999.99", True, True, "goods", True),
        ("2000000.00", False, True, "goods", True),  # at the threshold it is no longer reserved
        ("1999999.99", False, False, "goods", True),  # category not suitable for SMEs
        ("3999999.99", False, True, "works", False),  # works: 4,000,000
    ],
)
def test_sme_reservation(amount, sme, suitable, kind, allowed):
    s = policy.Settings(**{**DEFAULTS.__dict__, "purchase_limit": Decimal("5000000.00")})
    lines = [_line(amount, sme, suitable, kind)]
    if allowed:
        assert check_purchase(lines, s) == Decimal(amount)
    else:
        with pytest.raises(Conflict) as refused:
            check_purchase(lines, s)
        assert refused.value.code == "sme_reserved"
        assert refused.value.details["listing_ids"] == [1]


def test_the_purchase_total_decides_not_each_line():
    """Two lines of one checkout together pass the threshold, so neither is reserved."""
    lines = [_line("1500000.00", sme=False), _line("600000.00", sme=True, listing=2)]
    assert check_purchase(lines, DEFAULTS) == Decimal("2100000.00")


def test_thresholds_are_configuration():
    s = settings(
        {"MALL_PURCHASE_LIMIT": "5000", "MALL_SME_RESERVED_BELOW": 100, "MALL_CONFIRM_HOURS": "2"}
    )
    assert s.purchase_limit == Decimal("5000.00") and s.sme_reserved_below == Decimal("100.00")
    assert s.confirm_hours == 2
    with pytest.raises(Conflict):
        check_purchase([_line("5000.00", sme=True)], s)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("MALL_PURCHASE_LIMIT", "lots"),
        ("MALL_PURCHASE_LIMIT", 4000000.5),
        ("MALL_PURCHASE_LIMIT", "0"),
        ("MALL_SME_RESERVED_BELOW", "1.001"),
        ("MALL_SME_PRICE_DEDUCTION", "0.9"),
        ("MALL_CONFIRM_HOURS", "1.5"),
        ("MALL_CONFIRM_HOURS", "0"),
    ],
)
def test_bad_settings_stop_the_app_naming_the_key(key, value):
    with pytest.raises(ConfigError, match=key):
        settings({key: value})


def test_bad_settings_stop_the_app_at_start(monkeypatch):
    from flask import Flask

    from mall.orders.api import blp

    monkeypatch.setenv("MALL_CONFIRM_HOURS", "soon")
    with pytest.raises(ConfigError, match="MALL_CONFIRM_HOURS"):
        Flask("check").register_blueprint(blp)


T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_award_goes_to_the_lowest_compliant_price_ties_to_the_earliest():
    offers = [
        Offer("late", Decimal("100.00"), T0 + timedelta(seconds=5), "large"),
        Offer("early", Decimal("100.00"), T0, "large"),
        Offer("cheap-but-noncompliant", Decimal("50.00"), T0, "large", compliant=False),
        Offer("dear", Decimal("120.00"), T0, "large"),
    ]
    assert [o.key for o in rank_offers(offers, s=DEFAULTS)] == ["early", "late", "dear"]


def test_small_and_micro_enterprises_get_a_price_deduction_outside_reserved_purchases():
    offers = [
        Offer("large", Decimal("95.00"), T0, "large"),
        Offer("micro", Decimal("100.00"), T0 + timedelta(seconds=1), "micro"),  # evaluated 90.00
        Offer("medium", Decimal("99.00"), T0, "medium"),  # medium: no deduction
    ]
    assert [o.key for o in rank_offers(offers, s=DEFAULTS)] == ["micro", "large", "medium"]
    assert policy.evaluated_price(offers[1], reserved=False, s=DEFAULTS) == Decimal("90.00")
    # In a purchase reserved for SMEs there is no deduction.
    assert [o.key for o in rank_offers(offers, reserved=True, s=DEFAULTS)] == [
        "large",
        "medium",
        "micro",
    ]


def test_green_preference_is_configurable():
    offers = [
        Offer("plain", Decimal("98.00"), T0, "large"),
        Offer("green", Decimal("100.00"), T0 + timedelta(seconds=1), "large", green=True),
    ]
    assert [o.key for o in rank_offers(offers, s=DEFAULTS)] == ["plain", "green"]
    greener = settings({"MALL_GREEN_PRICE_DEDUCTION": "0.05"})
    assert [o.key for o in rank_offers(offers, s=greener)] == ["green", "plain"]


def test_the_rules_are_shown_to_users(login):
    rules = login("purchaser").get("/api/mall/policy").get_json()
    assert rules["purchase_limit"] == "4000000.00" and rules["sme_reserved_below"] == "2000000.00"
    assert "成交原则" in rules["award_rule_zh"] and "lowest" in rules["award_rule_en"]
    assert "中小企业" in rules["sme_rule_zh"]


# ---------------------------------------------------------------- enforced at checkout


def test_checkout_over_the_limit_is_refused_and_writes_nothing(shop, session, app, monkeypatch):
    monkeypatch.setitem(app.config, "MALL_PURCHASE_LIMIT", "9998.00")
    add(shop.purchaser, shop.desktop, 2)  # 9,998.00
    before = snapshot(session, [shop.desktop], [shop.line])
    refused = checkout(shop.purchaser, shop.line)
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["code"] == "over_mall_limit" and "公开招标" in body["message_zh"]
    assert _but_its_refusal(session, before, "over_mall_limit", [shop.desktop], [shop.line])
    monkeypatch.setitem(app.config, "MALL_PURCHASE_LIMIT", "9998.01")
    assert checkout(shop.purchaser, shop.line).status_code == 201


def test_a_large_supplier_cannot_receive_an_sme_reserved_order(shop, session):
    add(shop.purchaser, shop.desktop, 1)
    add(shop.purchaser, shop.office_pc, 1)
    before = snapshot(session, [shop.desktop, shop.office_pc], [shop.line])
    refused = checkout(shop.purchaser, shop.line)
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["code"] == "sme_reserved" and body["details"]["listing_ids"] == [shop.office_pc]
    assert _but_its_refusal(
        session, before, "sme_reserved", [shop.desktop, shop.office_pc], [shop.line]
    )


def _but_its_refusal(session, before, code, listing_ids, line_ids) -> bool:
    """SUP-2: the refused checkout wrote nothing but one ``order.refused`` with its code."""
    after = snapshot(session, listing_ids, line_ids)
    last = session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq.desc()).limit(1)).one()
    assert last.action == "order.refused" and json.loads(last.payload)["code"] == code
    assert after["ledger"] == before["ledger"] + 1
    return after | {"ledger": before["ledger"]} == before


def test_a_large_supplier_may_sell_where_the_category_is_not_sme_suitable(shop, login, session):
    from catalog.categories.models import Category

    category = session.get(Category, shop.cat.desktop)
    category.sme_suitable = False
    session.flush()
    add(shop.purchaser, shop.office_pc, 1)
    placed = checkout(shop.purchaser, shop.line)
    assert placed.status_code == 201, placed.get_json()
