"""Each role's navigation: the menu items it offers and where each leads."""

from __future__ import annotations

from typing import Any

from flask import url_for

from core.accounts.roles import Role
from frontend.i18n import label

# What each role's navigation offers: (text key, endpoint or None while the capability is not built).
NAV: dict[str, list[str]] = {
    Role.PURCHASER: [
        "catalog",
        "halls",
        "cart",
        "orders",
        "auctions",
        "volume",
        "agreements",
        "budget",
        "disputes",
        "explanations",
        "credit",
        "notices",
    ],
    Role.SUPPLIER: [
        "listings",
        "enrolment",
        "auctions",
        "volume",
        "agreements",
        "orders",
        "disputes",
        "explanations",
        "credit",
        "notices",
    ],
    Role.OPERATOR: [
        "review",
        "enrolment",
        "halls",
        "volume",
        "agreements",
        "prices",
        "organisations",
    ],
    Role.SUPERVISOR: [
        "ledger",
        "supervised_orders",
        "supervised_contracts",
        "supervised_payments",
        "warnings",
        "auctions",
        "volume",
        "agreements",
        "prices",
        "disputes",
    ],
    Role.PRICE_MONITOR: ["prices", "catalog"],
    Role.DISPUTE_HANDLER: ["disputes", "notices"],
    Role.BANKER: ["financing"],
    Role.ORG_ADMIN: ["organisations"],
}
LINKS = {
    "ledger": "supervision_ui.ledger",
    "supervised_orders": "supervision_ui.orders",
    "supervised_contracts": "supervision_ui.contracts",
    "supervised_payments": "supervision_ui.payments",
    "organisations": "frontend.home",
    "catalog": "catalog_ui.search",
    "listings": "catalog_ui.supplier_console",
    "enrolment": "catalog_ui.enrolment_page",
    "review": "catalog_ui.review_queues",
    "halls": "halls_ui.index",
    "prices": "prices_ui.index",
    "cart": "buying_ui.cart_page",
    "orders": "buying_ui.orders",
    "budget": "buying_ui.budgets_page",
    "auctions": "auction_ui.index",
    "disputes": "dispute_ui.index",
    "notices": "dispute_ui.inbox",
    "volume": "pool_ui.index",
    "agreements": "agreement_ui.index",
    "warnings": "warnings_ui.desk",
    "explanations": "warnings_ui.desk",
    "credit": "credit_ui.mine",
}


def nav_for(roles: frozenset[str]) -> list[dict[str, Any]]:
    seen: list[str] = []
    for role in Role:
        if role in roles:
            seen += [key for key in NAV[role] if key not in seen]
    return [
        {
            "key": key,
            "text": label(key),
            "href": url_for(LINKS[key]) + f"#{key}" if key in LINKS else None,
        }
        for key in seen
    ]
