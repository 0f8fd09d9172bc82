"""The rules of buying, in one place: the e-mall's purchase limit, the award principle (成交原则,
MALL-7) and the reservation of small purchases for small and medium enterprises (MALL-10).

Settings are read from the Flask config, else from the environment variable of the same name, else
the default; a bad value raises ``ConfigError`` naming the key (checked when the app starts):

=============================  ============  ===================================================
key                            default       meaning
=============================  ============  ===================================================
MALL_PURCHASE_LIMIT            4000000.00    the e-mall takes a purchase only below this amount
                                             (CNY); at or above it, the purchase must go to
                                             tendering (公开招标) or another procurement method
MALL_SME_RESERVED_BELOW        2000000.00    goods and services purchases below this in SME-
                                             suitable categories go only to SMEs (专门面向中小企业)
MALL_SME_RESERVED_BELOW_WORKS  4000000.00    the same for works
MALL_SME_PRICE_DEDUCTION       0.10          share taken off small and micro enterprises' prices
                                             when offers are ranked (价格扣除), outside reserved
                                             purchases
MALL_GREEN_PRICE_DEDUCTION     0.00          share taken off offers with a valid energy-saving or
                                             eco-label certificate when offers are ranked
MALL_CONFIRM_HOURS             48            a supplier confirms or declines a placed order within
                                             this many hours, else the order lapses
MALL_DELIVERY_DAYS             7             contract term: delivery within N days of confirmation
MALL_ACCEPTANCE_DAYS           7             contract term: acceptance within N days of delivery
MALL_PAYMENT_DAYS              30            contract term: payment within N days of acceptance
MALL_AUTO_CLOSE_DAYS           15            a paid order whose supplier has not confirmed the
                                             receipt of funds closes by itself after N days
MALL_DISPUTE_RESPONSE_DAYS     3             working days the other party of a dispute has to
                                             respond (see core.workdays for the calendar)
MALL_DISPUTE_HANDLING_DAYS     10            working days the handler has to move a dispute on
                                             once it is in the handler's hands; then escalated
MALL_DISPUTE_MEDIATION_DAYS    3             working days the parties have to answer a mediation
                                             proposal (and the default for evidence requests)
=============================  ============  ===================================================

A *purchase* is everything a purchaser checks out together: one or more orders (one per supplier)
paid from one budget line. Its total decides both the limit and the SME reservation, so splitting a
purchase across suppliers in one checkout changes neither.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from flask import Flask, current_app, has_app_context

from core.config import ConfigError
from core.errors import Conflict
from core.money import CENT, cny

#: key: (kind, default, minimum, maximum)
_SPEC: dict[str, tuple[str, str, str, str]] = {
    "MALL_PURCHASE_LIMIT": ("money", "4000000.00", "0.01", "999999999999.99"),
    "MALL_SME_RESERVED_BELOW": ("money", "2000000.00", "0.00", "999999999999.99"),
    "MALL_SME_RESERVED_BELOW_WORKS": ("money", "4000000.00", "0.00", "999999999999.99"),
    "MALL_SME_PRICE_DEDUCTION": ("share", "0.10", "0", "0.5"),
    "MALL_GREEN_PRICE_DEDUCTION": ("share", "0.00", "0", "0.5"),
    "MALL_CONFIRM_HOURS": ("int", "48", "1", "8760"),
    "MALL_DELIVERY_DAYS": ("int", "7", "1", "365"),
    "MALL_ACCEPTANCE_DAYS": ("int", "7", "1", "365"),
    "MALL_PAYMENT_DAYS": ("int", "30", "1", "365"),
    "MALL_AUTO_CLOSE_DAYS": ("int", "15", "1", "365"),
    "MALL_DISPUTE_RESPONSE_DAYS": ("int", "3", "1", "60"),
    "MALL_DISPUTE_HANDLING_DAYS": ("int", "10", "1", "120"),
    "MALL_DISPUTE_MEDIATION_DAYS": ("int", "3", "1", "60"),
}


@dataclass(frozen=True)
class Settings:
    purchase_limit: Decimal
    sme_reserved_below: Decimal
    sme_reserved_below_works: Decimal
    sme_price_deduction: Decimal
    green_price_deduction: Decimal
    confirm_hours: int
    delivery_days: int
    acceptance_days: int
    payment_days: int
    auto_close_days: int
    dispute_response_days: int
    dispute_handling_days: int
    dispute_mediation_days: int


def _parse(key: str, raw: Any) -> Decimal | int:
    kind, default, low, high = _SPEC[key]
    if raw is None or raw == "":
        raw = default
    if isinstance(raw, (float, bool)):
        raise ConfigError(f"{key}={raw!r}: give a string, int or Decimal, not a float")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ConfigError(f"{key}={raw!r} is not a number") from None
    if not value.is_finite() or not Decimal(low) <= value <= Decimal(high):
        raise ConfigError(f"{key}={raw!r} must be between {low} and {high}")
    if kind == "int":
        if value != value.to_integral_value():
            raise ConfigError(f"{key}={raw!r} must be a whole number")
        return int(value)
    if kind == "money" and value != cny(value):
        raise ConfigError(f"{key}={raw!r} has more than two decimal places")
    return cny(value) if kind == "money" else value


def settings(config: Mapping[str, Any] | None = None) -> Settings:
    """The current settings (from ``config``, by default the app's)."""
    if config is None:
        config = current_app.config if has_app_context() else {}
    values = {}
    for key in _SPEC:
        raw = config.get(key)
        values[key.removeprefix("MALL_").lower()] = _parse(
            key, raw if raw is not None else os.environ.get(key)
        )
    return Settings(**values)  # type: ignore[arg-type]


def check_config(app: Flask) -> None:
    """Refuse to start with a bad setting."""
    settings(app.config)


# ---------------------------------------------------------------- limit and SME reservation


@dataclass(frozen=True)
class PurchaseLine:
    """One line of a purchase, as the rules see it."""

    listing_id: int
    supplier_id: int
    supplier_sme: bool
    category_kind: str  # goods / works / services
    sme_suitable: bool
    amount: Decimal


def sme_reserved(kind: str, total: Decimal, s: Settings) -> bool:
    """Whether a purchase of ``total`` in an SME-suitable category of ``kind`` is reserved for SMEs."""
    threshold = s.sme_reserved_below_works if kind == "works" else s.sme_reserved_below
    return total < threshold


def check_purchase(lines: Sequence[PurchaseLine], s: Settings | None = None) -> Decimal:
    """Refuse a purchase the e-mall may not take; return its total.

    - at or above the purchase limit: it must go to tendering;
    - below the SME threshold, lines in SME-suitable categories must come from SMEs.
    """
    s = s or settings()
    total = cny(sum((line.amount for line in lines), Decimal(0)))
    if total >= s.purchase_limit:
        raise Conflict(
            "This purchase totals %(total)s CNY. The e-mall only takes purchases below "
            "%(limit)s CNY; a purchase of this size must go to tendering "
            "(public tender or another statutory procurement method).",
            code="over_mall_limit",
            params={"total": total, "limit": s.purchase_limit},
            details={"total": str(total), "limit": str(s.purchase_limit)},
        )
    refused = [
        line
        for line in lines
        if line.sme_suitable
        and not line.supplier_sme
        and sme_reserved(line.category_kind, total, s)
    ]
    if refused:
        threshold = (
            s.sme_reserved_below_works
            if any(line.category_kind == "works" for line in refused)
            else s.sme_reserved_below
        )
        raise Conflict(
            "Purchases below %(threshold)s CNY in categories suitable for small and medium "
            "enterprises are reserved for them; some items come from a large enterprise.",
            code="sme_reserved",
            params={"threshold": threshold},
            details={
                "listing_ids": sorted({line.listing_id for line in refused}),
                "supplier_ids": sorted({line.supplier_id for line in refused}),
                "threshold": str(threshold),
                "total": str(total),
            },
        )
    return total


# ---------------------------------------------------------------- award principle (成交原则)

AWARD_RULE_ZH = (
    "成交原则：在实质性响应采购需求的报价中，评审价格最低者成交；评审价格相同的，报价在先者成交。"
    "非专门面向中小企业的采购，小型、微型企业的报价按规定比例扣除后参与评审（价格扣除）；"
    "专门面向中小企业的采购不再扣除。持有有效节能产品、环境标志产品认证的报价，"
    "按规定比例扣除后参与评审（比例为零时不扣除）。价格扣除仅用于排序，成交价格为原报价。"
)
AWARD_RULE_EN = (
    "Award principle: among compliant offers, the lowest evaluated price wins; equal evaluated "
    "prices go to the earlier offer. Outside purchases reserved for SMEs, small and micro "
    "enterprises' prices are reduced by the configured share for evaluation (price deduction); in "
    "reserved purchases there is no deduction. Offers with a valid energy-saving or eco-label "
    "certificate are reduced by the configured green share (none when it is zero). Deductions only "
    "rank offers: the award is at the offered price."
)
SMALL_SIZES = ("small", "micro")


@dataclass(frozen=True)
class Offer:
    key: Any  # whatever identifies the offer to the caller (a bid id, a listing id)
    price: Decimal
    at: datetime
    enterprise_size: str | None  # large / medium / small / micro
    green: bool = False
    compliant: bool = True


def deduction_share(
    enterprise_size: str | None, green: bool, reserved: bool, s: Settings | None = None
) -> Decimal:
    """The share taken off an offer's price for ranking: the SME share for small and micro
    enterprises outside reserved purchases, plus the green share for a certified offer."""
    s = s or settings()
    share = Decimal(0)
    if not reserved and enterprise_size in SMALL_SIZES:
        share += s.sme_price_deduction
    if green:
        share += s.green_price_deduction
    return share


def apply_deduction(price: Decimal, share: Decimal) -> Decimal:
    """The evaluated price (评审价格) of ``price`` after taking off ``share``."""
    return cny(price * (1 - share))


def highest_price_for(evaluated: Decimal, share: Decimal) -> Decimal:
    """The highest price, in cents, whose evaluated price is at most ``evaluated``: what an offer
    with ``share`` taken off may ask to rank at or below that evaluated price."""
    if share <= 0:
        return cny(evaluated)
    price = (evaluated / (1 - share)).quantize(CENT, rounding=ROUND_FLOOR) + CENT
    while price > 0 and apply_deduction(price, share) > evaluated:
        price -= CENT
    return price


def to_basis_points(share: Decimal) -> int:
    return int((share * 10000).to_integral_value())


def from_basis_points(points: int) -> Decimal:
    return Decimal(points) / 10000


def evaluated_price(offer: Offer, reserved: bool, s: Settings | None = None) -> Decimal:
    """The price an offer is ranked by (评审价格)."""
    return apply_deduction(
        offer.price, deduction_share(offer.enterprise_size, offer.green, reserved, s)
    )


def rank_offers(
    offers: Iterable[Offer], reserved: bool = False, s: Settings | None = None
) -> list[Offer]:
    """Compliant offers, best first: lowest evaluated price, then earliest. Non-compliant ones drop."""
    s = s or settings()
    return sorted(
        (offer for offer in offers if offer.compliant),
        key=lambda offer: (evaluated_price(offer, reserved, s), offer.at),
    )


def describe(s: Settings | None = None) -> dict[str, Any]:
    """The rules as shown to users."""
    s = s or settings()
    return {
        "purchase_limit": s.purchase_limit,
        "sme_reserved_below": s.sme_reserved_below,
        "sme_reserved_below_works": s.sme_reserved_below_works,
        "sme_price_deduction": str(s.sme_price_deduction),
        "green_price_deduction": str(s.green_price_deduction),
        "confirm_hours": s.confirm_hours,
        "delivery_days": s.delivery_days,
        "acceptance_days": s.acceptance_days,
        "payment_days": s.payment_days,
        "award_rule_zh": AWARD_RULE_ZH,
        "award_rule_en": AWARD_RULE_EN,
        "limit_rule_zh": f"电子卖场受理 {s.purchase_limit} 元以下的采购；达到该金额须采用公开招标等方式。",
        "limit_rule_en": f"The e-mall takes purchases below {s.purchase_limit} CNY; larger ones go "
        "to tendering.",
        "sme_rule_zh": f"适宜由中小企业提供的品目，货物和服务 {s.sme_reserved_below} 元以下、工程 "
        f"{s.sme_reserved_below_works} 元以下的采购专门面向中小企业。",
        "sme_rule_en": "In categories suitable for SMEs, goods and services purchases below "
        f"{s.sme_reserved_below} CNY (works below {s.sme_reserved_below_works} CNY) are reserved "
        "for small and medium enterprises.",
    }
