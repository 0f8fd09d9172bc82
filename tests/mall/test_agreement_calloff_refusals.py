"""Framework agreements, stage two (MALL-8): what every call-off is checked against first, after
Prozorro's ``cfaselectionua`` checks. Each refusal is a 4xx with its own machine code and messages
in English and Chinese, and writes nothing: no call-off, offer, order, contract, budget movement or
ledger entry."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.accounts.models import Region
from mall.agreements.calloff_checks import PLACERS
from mall.agreements.models import Agreement, AgreementEntrant
from mall.budgets.models import BudgetLine
from tests.mall.agreements_floor import floor  # noqa: F401
from tests.mall.calloffs_floor import DAY, call_off, counts, fa  # noqa: F401
from tests.mall.conftest import new_line


def _refused(session, answer_of, status: int, code: str) -> dict:
    before = counts(session)
    answer = answer_of()
    body = answer.get_json()
    assert (answer.status_code, body.get("code")) == (status, code), body
    assert body["message"] and body["message_zh"]
    assert counts(session) == before
    return body


def _agreement(session, fa) -> Agreement:  # noqa: F811
    return session.get(Agreement, fa.agreement["id"])


@pytest.mark.parametrize("method", ["direct", "rotation"])
def test_the_agreement_must_be_in_force(fa, session, method):  # noqa: F811
    """The agreement is active: not ended, no change pending."""
    _agreement(session, fa).status = "ended"
    session.commit()
    _refused(session, lambda: call_off(fa, method=method), 409, "agreement_not_active")
    _agreement(session, fa).status = "change_pending"
    session.commit()
    _refused(session, lambda: call_off(fa, method=method), 409, "change_pending")


def test_not_before_the_term_starts(fa, session, login):  # noqa: F811
    clock.freeze(DAY - timedelta(days=2))
    early = login("purchaser")  # signing in is on the ledger too
    _refused(session, lambda: call_off(fa, early), 409, "agreement_not_active")


def test_not_within_seven_days_of_the_end(fa, session, login):  # noqa: F811
    """An agreement ending within 7 days takes no more call-offs; 8 days before it still does."""
    agreement = _agreement(session, fa)
    agreement.term_ends = (DAY + timedelta(days=7)).date()
    session.commit()
    body = _refused(session, lambda: call_off(fa), 409, "agreement_ending")
    assert "2026-12-03" in body["message"]
    agreement = _agreement(session, fa)
    agreement.term_ends = (DAY + timedelta(days=8)).date()
    session.commit()
    assert call_off(fa).status_code == 201


def test_only_purchasers_of_the_region_served(fa, session):  # noqa: F811
    _refused(session, lambda: call_off(fa, fa.suppliers[0]), 403, "purchaser_only")
    _refused(session, lambda: call_off(fa, fa.operator), 403, "purchaser_only")
    _agreement(session, fa).region_id = _baotou(session)
    session.commit()
    _refused(session, lambda: call_off(fa), 403, "outside_region")


def _baotou(session) -> int:
    return session.scalars(select(Region.id).where(Region.code == "1502")).one()


def test_the_method_must_be_offered(fa, session, monkeypatch):  # noqa: F811
    """A method the agreement does not allow is refused (this one allows direct selection and
    rotation, not 二次竞价); a method no package serves is not available."""
    _refused(
        session,
        lambda: call_off(fa, method="secondary_competition"),
        409,
        "method_not_allowed",
    )
    _agreement(session, fa).call_off_methods = ["direct", "secondary_competition"]
    session.commit()
    monkeypatch.delitem(PLACERS, "secondary_competition")
    _refused(
        session,
        lambda: call_off(fa, method="secondary_competition"),
        409,
        "method_not_available",
    )
    _agreement(session, fa).call_off_methods = ["direct"]
    session.commit()
    _refused(session, lambda: call_off(fa, method="rotation"), 409, "method_not_allowed")


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([], "items_required"),
        ([{"item_id": 999999, "quantity": 1}], "items_not_in_agreement"),
        ("duplicate", "duplicate_item"),
        ([{"quantity": 0}], "quantity_invalid"),
        ([{"quantity": -1}], "quantity_invalid"),
        ([{"quantity": 1.5}], "quantity_invalid"),
        ([{"quantity": "2"}], "quantity_invalid"),
        ([{"quantity": True}], "quantity_invalid"),
    ],
)
def test_items_and_quantities(fa, session, items, code):  # noqa: F811
    """The items are a subset of the agreement's, each once, in whole numbers ≥ 1."""
    first = fa.items[0]["id"]
    if items == "duplicate":
        items = [{"item_id": first, "quantity": 1}, {"item_id": first, "quantity": 2}]
    items = [{"item_id": first} | row for row in items]
    for method in ("direct", "rotation"):
        _refused(session, lambda m=method: call_off(fa, method=m, items=items), 422, code)


def test_delivery_details(fa, session):  # noqa: F811
    _refused(session, lambda: call_off(fa, delivery_address=""), 422, "delivery_incomplete")
    _refused(
        session,
        lambda: call_off(fa, method="rotation", delivery_date=DAY.date().isoformat()),
        422,
        "delivery_date_past",
    )


def test_direct_selection_needs_an_active_entrant_and_a_reason(fa, session):  # noqa: F811
    _refused(session, lambda: call_off(fa, entrant_id=999999), 422, "not_an_entrant")
    _refused(session, lambda: call_off(fa, reason="cheapest"), 422, "reason_required")
    _refused(session, lambda: call_off(fa, reason_note=" "), 422, "reason_required")
    first = fa.items[0]["id"]
    _refused(
        session,
        lambda: call_off(fa, items=[{"item_id": first, "quantity": 1, "unit_price": "4800.01"}]),
        422,
        "above_agreed_price",
    )
    session.get(AgreementEntrant, fa.entrants[1]["id"]).status = "suspended"
    session.commit()
    _refused(session, lambda: call_off(fa), 409, "entrant_not_active")


def test_rotation_needs_an_active_entrant(fa, session):  # noqa: F811
    for entrant in fa.entrants:
        session.get(AgreementEntrant, entrant["id"]).status = "suspended"
    session.commit()
    _refused(session, lambda: call_off(fa, method="rotation"), 409, "no_active_entrant")


@pytest.mark.parametrize("method", ["direct", "rotation"])
def test_the_budget_line_must_reserve_the_funds(fa, session, method):  # noqa: F811
    """The purchaser's own line, active, of this fiscal year, with the funds available (无预算不采购)."""
    _refused(
        session, lambda: call_off(fa, method=method, quantities=(30, 1)), 409, "insufficient_funds"
    )
    others = new_line(fa.hospital, code="2026-YY-001")
    _refused(
        session,
        lambda: call_off(fa, method=method, budget_line_id=others),
        403,
        "other_organisation",
    )
    last_year = new_line(fa.purchaser, code="2025-XX-001", fiscal_year=2025)
    _refused(
        session,
        lambda: call_off(fa, method=method, budget_line_id=last_year),
        409,
        "wrong_fiscal_year",
    )
    session.get(BudgetLine, fa.line).active = False
    session.commit()
    _refused(session, lambda: call_off(fa, method=method), 409, "budget_line_closed")
