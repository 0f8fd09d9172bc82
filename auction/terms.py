"""The bidding terms (竞价规则) an auction and a volume purchase share (AUC-1, AUC-2): their
bounds, how they are read from a request and checked, what bidders are told of them, and the
``rules.Terms`` the bid engine applies. The columns are ``auction.models.BiddingRules``."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app

from auction import rules
from auction.models import Auction, BiddingRules
from core import clock
from core.errors import Conflict, ValidationFailed
from core.messages import N_, translate
from core.money import cny
from mall import policy

#: Bounds of an auction's terms (the shortest run is ``AUCTION_MIN_MINUTES``, 5 by default).
MAX_DURATION = timedelta(days=7)
MAX_SNIPE_WINDOW = 600
MAX_EXTENSION = 1800
MAX_EXTENSIONS = 50
MAX_QUANTITY = 1_000_000

#: The columns of ``BiddingRules``, in the order a form shows them.
RULES = (
    "ceiling",
    "show_ceiling",
    "decrement_mode",
    "decrement_value",
    "must_beat",
    "snipe_window_seconds",
    "extension_seconds",
    "max_extensions",
    "visibility",
    "min_bidders",
)


def invalid(
    field: str,
    problem: str,
    en: str,
    zh: str | None = None,
    *,
    params: dict[str, object] | None = None,
) -> ValidationFailed:
    """A refusal of one field of the terms (the Chinese from the services' catalog)."""
    return ValidationFailed(en, zh, details={field: [problem]}, params=params)


def check_mall_limit(total: Decimal, settings: policy.Settings, what: tuple[str, str]) -> None:
    """A purchase that comes, at the ceiling, to the e-mall's limit or more must go to tendering;
    ``what`` names it in the refusal (("lot", "采购"), ("demand", "需求"))."""
    if total >= settings.purchase_limit:
        message = N_(
            "At the ceiling the %(what)s comes to %(total)s CNY, at or above the e-mall's limit "
            "of %(limit)s CNY: it must go to tendering."
        )
        values = {"total": total, "limit": settings.purchase_limit}
        raise Conflict(
            translate(message, "en", {**values, "what": what[0]}),
            translate(message, "zh", {**values, "what": what[1]}),
            code="over_mall_limit",
            details={"total": str(total), "limit": str(settings.purchase_limit)},
        )


def rules_from(data: dict[str, Any]) -> dict[str, Any]:
    """The ``BiddingRules`` columns from a request's terms, with the defaults of the forms."""
    return {
        "ceiling": cny(data["ceiling"]),
        "show_ceiling": data.get("show_ceiling", True),
        "decrement_mode": data["decrement_mode"],
        "decrement_value": cny(data["decrement_value"]),
        "must_beat": data.get("must_beat", "best"),
        "snipe_window_seconds": data.get("snipe_window_seconds", 120),
        "extension_seconds": data.get("extension_seconds", 180),
        "max_extensions": data.get("max_extensions", 5),
        "visibility": data.get("visibility", "best"),
        "min_bidders": data.get("min_bidders", 3),
    }


def rules_of(holder: BiddingRules) -> dict[str, Any]:
    """The ``BiddingRules`` columns of an auction or a pool, to set up another with."""
    return {name: getattr(holder, name) for name in RULES}


def announced(holder: BiddingRules) -> dict[str, Any]:
    """The bidding terms every party is told (the ceiling only if shown)."""
    return {
        "ceiling": holder.ceiling if holder.show_ceiling else None,
        **{name: getattr(holder, name) for name in RULES[2:]},
    }


def terms_of(auction: Auction) -> rules.Terms:
    return rules.Terms(
        starts_at=auction.starts_at,
        ends_at=auction.ends_at,
        ceiling=auction.ceiling,
        decrement_mode=auction.decrement_mode,
        decrement_value=auction.decrement_value,
        must_beat=auction.must_beat,
        snipe_window=timedelta(seconds=auction.snipe_window_seconds),
        extension=timedelta(seconds=auction.extension_seconds),
        max_extensions=auction.max_extensions,
        extensions_used=auction.extensions_used,
    )


def shortest_run() -> timedelta:
    """The shortest an auction may run (``AUCTION_MIN_MINUTES``, 5 by default)."""
    return timedelta(minutes=int(current_app.config.get("AUCTION_MIN_MINUTES", 5)))


def check_run_terms(
    starts: datetime,
    ends: datetime,
    delivery_date: date,
    decrement_mode: str,
    decrement_value: Decimal,
    ends_field: str = "ends_at",
) -> None:
    """The terms every auction keeps, whoever sets them (a purchaser, or a volume purchase for its
    pooled lot): it runs from ``shortest_run`` to 7 days, delivery is not before its end, and the
    minimum decrement is within bounds. ``ends_field`` names the end in the refusal."""
    minutes = int(shortest_run().total_seconds() // 60)
    if not shortest_run() <= ends - starts <= MAX_DURATION:
        raise invalid(
            ends_field,
            f"{minutes} minutes to 7 days after the start",
            "An auction runs from %(minutes)s minutes to 7 days.",
            params={"minutes": minutes},
        )
    if delivery_date < clock.local(ends).date():
        raise invalid(
            "delivery_date",
            "before the auction ends",
            "Delivery cannot be before the auction ends.",
        )
    problem = rules.check_decrement_terms(decrement_mode, decrement_value)
    if problem:
        raise invalid(
            "decrement_value",
            problem,
            "The minimum decrement is out of bounds.",
        )
