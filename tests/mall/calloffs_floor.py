"""A floor for the call-off tests (MALL-8, 第二阶段): an agreement in force, made through stage one
(four responses, one eliminated; entrants by rank: the office supplier, the IT supplier, North),
allowing direct selection and rotation; the clock on a Thursday in its term; the school's
purchaser with a budget line of 100,000.00 CNY."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from core import clock
from mall.agreements.calloff_models import CallOff, CallOffOffer
from mall.budgets.models import BudgetMovement
from mall.contracts.models import Contract
from mall.orders.models import Order
from supervision.ledger.models import LedgerEntry
from tests.mall.agreements_floor import DEADLINE, published, respond
from tests.mall.conftest import DELIVERY, new_line

PRICES = [
    ["4800.00", "1900.00"],  # the IT supplier: rank 2
    ["4700.00", "1950.00"],  # the office supplier: rank 1
    ["4900.00", "1800.00"],  # North: rank 3
    ["4990.00", "2000.00"],  # West: eliminated
]
USERNAMES = ["supplier", "supplier.office", "agree.north", "agree.west"]
#: Thursday 26 November 2026, 10:00 in Hohhot: the agreement's second day.
DAY = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def in_force(floor, login, signed: bool = True, **over) -> SimpleNamespace:
    """Run stage one through the API, have the solicitor and every entrant sign the agreement
    (unless ``signed`` is false) and move the clock into the term; fresh sign-ins."""
    over.setdefault("call_off_methods", ["direct", "rotation"])
    solicitation = published(floor, **over)
    for api, prices in zip(floor.suppliers, PRICES, strict=True):
        assert respond(api, solicitation, prices).status_code == 200
    clock.freeze(DEADLINE + timedelta(minutes=1))
    path = f"/api/agreements/solicitations/{solicitation['id']}"
    for step, body in (("/open", None), ("/evaluate", {}), ("/select", None)):
        done = floor.operator.post(path + step, json=body)
        assert done.status_code == 200, done.get_json()
    result = floor.operator.post(path + "/result")
    assert result.status_code == 201, result.get_json()
    clock.freeze(DAY)
    purchaser = login("purchaser")
    agreement = result.get_json()
    by_rank = {e["rank"]: e for e in agreement["entrants"]}
    suppliers = [login("supplier.office"), login("supplier"), login("agree.north")]
    if signed:
        # 签订框架协议: the solicitor and every entrant sign before call-offs
        for api in [login("operator"), *suppliers]:
            done = api.post(f"/api/agreements/{agreement['id']}/sign")
            assert done.status_code == 200, done.get_json()
    return SimpleNamespace(
        agreement=agreement,
        items=solicitation["items"],
        entrants=[by_rank[1], by_rank[2], by_rank[3]],
        # the entrants' sign-ins, in rank order
        suppliers=suppliers,
        west=login("agree.west"),
        purchaser=purchaser,
        hospital=login("purchaser.hospital"),
        operator=login("operator"),
        supervisor=login("supervisor.hohhot"),
        line=new_line(purchaser),
    )


@pytest.fixture
def fa(floor, login):
    return in_force(floor, login)


def body(fa, method: str = "direct", quantities=(2, 1), **over) -> dict:
    rows = [
        {"item_id": item["id"], "quantity": q}
        for item, q in zip(fa.items, quantities, strict=False)
        if q is not None
    ]
    data = {"method": method, "items": rows, "budget_line_id": fa.line, **DELIVERY}
    if method == "direct":
        data |= {
            "entrant_id": fa.entrants[1]["id"],
            "reason": "delivery",
            "reason_note": "本地库存，24 小时内送达",
        }
    return data | over


def call_off(fa, api=None, **over):
    api = api or fa.purchaser
    return api.post(f"/api/agreements/{fa.agreement['id']}/calloffs", json=body(fa, **over))


def counts(session) -> tuple[int, ...]:
    """Rows that a refused call-off must leave as they were."""
    session.expire_all()
    return tuple(
        session.scalar(select(func.count()).select_from(table))
        for table in (LedgerEntry, CallOff, CallOffOffer, Order, Contract, BudgetMovement)
    )


def calloff_entries(session, calloff_id: int) -> list[dict]:
    session.expire_all()
    rows = session.scalars(
        select(LedgerEntry)
        .where(
            LedgerEntry.subject_type == "agreement_calloff",
            LedgerEntry.subject_id == str(calloff_id),
        )
        .order_by(LedgerEntry.seq)
    )
    return [json.loads(e.payload) | {"_action": e.action} for e in rows]
