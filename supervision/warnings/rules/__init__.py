"""The warning rules, one module each. ``RULES`` is the order they run in."""

from __future__ import annotations

from importlib import import_module

from supervision.warnings.rules.base import Rule

#: the rule modules; each holds ``RULE``
MODULES = (
    "split_purchase",
    "sme_reserved_non_sme",
    "sme_share",
    "price_anomaly",
    "single_bidder",
    "identical_bids",
    "shared_address",
    "cover_bidding",
    "calloff_concentration",
    "payment_overdue",
    "repeated_refusals",
    "price_raised_before_order",
)

RULES: tuple[Rule, ...] = tuple(
    import_module(f"supervision.warnings.rules.{name}").RULE for name in MODULES
)


def by_code(code: str) -> Rule:
    for rule in RULES:
        if rule.code == code:
            return rule
    raise KeyError(code)
