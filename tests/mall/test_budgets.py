"""Budget lines (MALL-3, 无预算不采购): managed by the unit, reserved atomically, every change ledgered."""

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.accounts.auth import Actor
from core.accounts.models import Organisation, User
from core.errors import Conflict, Forbidden
from mall.budgets import service as budgets
from mall.budgets.models import BudgetLine
from mall.budgets.service import fiscal_year_now
from tests.mall.conftest import actions, new_line, snapshot


def _org_id(session, credit_code: str) -> int:
    return session.scalar(select(Organisation.id).where(Organisation.credit_code == credit_code))


def _actor(session, username: str) -> Actor:
    user = session.scalars(select(User).where(User.username == username)).one()
    org = user.organisation
    return Actor(
        user_id=user.id,
        username=user.username,
        organisation_id=org.id,
        org_kind=org.kind,
        region_id=org.region_id,
        region_path=org.region.path,
        roles=frozenset(user.roles),
        via="test",
    )


def test_unit_admin_creates_a_line_and_it_is_ledgered(login, session):
    purchaser = login("purchaser")
    line_id = new_line(purchaser, amount="250000.50", code="2026-IT-001")
    line = purchaser.get(f"/api/mall/budget-lines/{line_id}").get_json()
    assert line["amount"] == "250000.50" and line["available"] == "250000.50"
    assert line["reserved"] == "0.00" and line["consumed"] == "0.00"
    assert line["fund_source_zh"] == "一般公共预算"
    assert line["organisation_id"] == _org_id(session, "12150102MB0000005X")
    assert actions(session, "budget_line", line_id) == ["budget.line_created"]
    listed = purchaser.get("/api/mall/budget-lines").get_json()
    assert [x["id"] for x in listed["items"]] == [line_id]


def _lines(session) -> int:
    session.expire_all()
    return len(session.scalars(select(BudgetLine.id)).all())


def test_finance_issues_lines_for_its_regions_units_and_operators_do_not(login, session):
    """Separation of duties: budget lines are the unit's own or issued by the finance department
    of its region or above (预算批复); operators run the mall and may not create or change them."""
    operator = login("operator")
    hospital = _org_id(session, "12150203MB0000006X")  # Baotou
    school = _org_id(session, "12150102MB0000005X")  # Hohhot
    body = {
        "organisation_id": hospital,
        "fiscal_year": fiscal_year_now(),
        "fund_source": "general",
        "code": "OP-1",
        "name": "运营机构代建",
        "amount": "10.00",
    }
    before = _lines(session)
    refused = operator.post("/api/mall/budget-lines", json=body)
    assert refused.status_code == 403 and refused.get_json()["code"] == "budget_admin_only"
    own = new_line(login("purchaser"))
    changed = operator.patch(f"/api/mall/budget-lines/{own}", json={"amount": "99999999.00"})
    assert changed.status_code == 403
    assert login("purchaser").get(f"/api/mall/budget-lines/{own}").get_json()["amount"] != (
        "99999999.00"
    )
    # Hohhot's finance department issues lines to Hohhot's units, not to Baotou's.
    assert _lines(session) == before + 1  # the school's own line only
    hohhot = login("finance.admin.hohhot")
    assert hohhot.post("/api/mall/budget-lines", json=body).status_code == 403
    assert _lines(session) == before + 1
    line_id = new_line(hohhot, organisation_id=school, code="2026-CZ-001")
    assert login("purchaser").get(f"/api/mall/budget-lines/{line_id}").status_code == 200
    raised = hohhot.patch(
        f"/api/mall/budget-lines/{line_id}", json={"amount": "20000.00", "reason": "追加"}
    )
    assert raised.status_code == 200 and raised.get_json()["amount"] == "20000.00"
    assert actions(session, "budget_line", line_id) == [
        "budget.line_created",
        "budget.line_adjusted",
    ]
    # The region's finance department covers Baotou too.
    region = login("supervisor")
    line_id = new_line(region, organisation_id=hospital)
    assert login("purchaser.hospital").get(f"/api/mall/budget-lines/{line_id}").status_code == 200
    supplier_org = _org_id(session, "91150105MA0000008X")
    refused = region.post(
        "/api/mall/budget-lines",
        json={
            "organisation_id": supplier_org,
            "fiscal_year": fiscal_year_now(),
            "fund_source": "general",
            "code": "X-1",
            "name": "不应存在",
            "amount": "10.00",
        },
    )
    assert refused.status_code == 422 and "organisation_id" in refused.get_json()["details"]


def test_others_cannot_create_adjust_or_read_a_units_lines(login, session):
    purchaser = login("purchaser")
    line_id = new_line(purchaser)
    school = _org_id(session, "12150102MB0000005X")
    body = {
        "fiscal_year": fiscal_year_now(),
        "fund_source": "general",
        "code": "B-1",
        "name": "他人预算",
        "amount": "10.00",
    }
    hospital = login("purchaser.hospital")
    supplier = login("supplier")
    before = snapshot(session, line_ids=[line_id])
    assert (
        hospital.post("/api/mall/budget-lines", json=body | {"organisation_id": school}).status_code
        == 403
    )
    assert supplier.post("/api/mall/budget-lines", json=body).status_code == 403
    assert hospital.get(f"/api/mall/budget-lines/{line_id}").status_code == 403
    assert (
        hospital.patch(f"/api/mall/budget-lines/{line_id}", json={"amount": "1.00"}).status_code
        == 403
    )
    assert hospital.get("/api/mall/budget-lines").get_json()["total"] == 0
    assert snapshot(session, line_ids=[line_id]) == before
    # The region's supervisor reads it; the purchaser (unit admin) may adjust it.
    assert login("supervisor").get(f"/api/mall/budget-lines/{line_id}").status_code == 200
    assert (
        purchaser.patch(f"/api/mall/budget-lines/{line_id}", json={"name": "改名"}).status_code
        == 200
    )


def test_a_purchaser_without_the_admin_role_cannot_create_lines(session):
    clerk = replace(_actor(session, "purchaser"), roles=frozenset({"purchaser"}))
    with pytest.raises(Forbidden):
        budgets.create_line(
            session,
            clerk,
            {
                "fiscal_year": fiscal_year_now(),
                "fund_source": "general",
                "code": "C-1",
                "name": "x",
                "amount": Decimal("1.00"),
            },
        )


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"amount": 0.1 + 0.2}, "amount"),
        ({"fund_source": "lottery"}, "fund_source"),
        ({"fiscal_year": 1999}, "fiscal_year"),
        ({"code": "有空格 的编码"}, "code"),
        ({"name": "   "}, "name"),
    ],
)
def test_bad_lines_are_refused_and_write_nothing(login, session, over, field):
    purchaser = login("purchaser")
    before = snapshot(session)
    body = {
        "fiscal_year": fiscal_year_now(),
        "fund_source": "general",
        "code": "2026-IT-002",
        "name": "设备",
        "amount": "100.00",
    } | over
    response = purchaser.post("/api/mall/budget-lines", json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["details"]
    assert snapshot(session) == before


def test_duplicate_code_in_a_year_is_refused(login):
    purchaser = login("purchaser")
    new_line(purchaser, code="DUP-1")
    again = purchaser.post(
        "/api/mall/budget-lines",
        json={
            "fiscal_year": fiscal_year_now(),
            "fund_source": "own_funds",
            "code": "DUP-1",
            "name": "重复",
            "amount": "5.00",
        },
    )
    assert again.status_code == 409 and again.get_json()["code"] == "duplicate_budget_line"


def test_reserve_release_consume_keep_the_balance_and_are_ledgered(login, session):
    line_id = new_line(login("purchaser"), amount="1000.00")
    actor = _actor(session, "purchaser")
    budgets.reserve(session, actor, line_id, Decimal("600.00"), ("order", 1))
    with pytest.raises(Conflict) as refused:
        budgets.reserve(session, actor, line_id, Decimal("400.01"), ("order", 2))
    assert refused.value.code == "insufficient_funds"
    assert refused.value.details == {"available": "400.00", "requested": "400.01"}
    budgets.reserve(session, actor, line_id, Decimal("400.00"), ("order", 2))
    budgets.release(session, actor, line_id, Decimal("100.00"), ("order", 1))
    budgets.consume(session, actor, line_id, Decimal("500.00"), ("order", 1))
    line = session.get(BudgetLine, line_id)
    assert (line.reserved, line.consumed, line.available) == (
        Decimal("400.00"),
        Decimal("500.00"),
        Decimal("100.00"),
    )
    # Funds held for one order cannot be released or consumed for another, nor twice.
    with pytest.raises(Conflict, match=r"holds 0\.00"):
        budgets.consume(session, actor, line_id, Decimal("1.00"), ("order", 1))
    with pytest.raises(Conflict):
        budgets.release(session, actor, line_id, Decimal("400.01"), ("order", 2))
    assert actions(session, "budget_line", line_id) == [
        "budget.line_created",
        "budget.reserved",
        "budget.reserved",
        "budget.released",
        "budget.consumed",
    ]
    kinds = [
        m["kind"]
        for m in login("purchaser").get(f"/api/mall/budget-lines/{line_id}/movements").get_json()
    ]
    assert kinds == ["reserve", "reserve", "release", "consume"]


def test_reserving_needs_the_units_own_open_line_of_this_year(login, session):
    purchaser = login("purchaser")
    line_id = new_line(purchaser, amount="1000.00")
    old_id = new_line(purchaser, code="OLD", fiscal_year=fiscal_year_now() - 1)
    hospital = _actor(session, "purchaser.hospital")
    with pytest.raises(Forbidden):
        budgets.reserve(session, hospital, line_id, Decimal("1.00"), ("order", 1))
    school = _actor(session, "purchaser")
    with pytest.raises(Conflict) as wrong_year:
        budgets.reserve(session, school, old_id, Decimal("1.00"), ("order", 1))
    assert wrong_year.value.code == "wrong_fiscal_year"
    assert (
        purchaser.patch(f"/api/mall/budget-lines/{line_id}", json={"active": False}).status_code
        == 200
    )
    session.expire_all()
    with pytest.raises(Conflict) as closed:
        budgets.reserve(session, school, line_id, Decimal("1.00"), ("order", 1))
    assert closed.value.code == "budget_line_closed"


def test_adjusting_never_goes_below_what_is_committed(login, session):
    purchaser = login("purchaser")
    line_id = new_line(purchaser, amount="1000.00")
    budgets.reserve(session, _actor(session, "purchaser"), line_id, Decimal("700.00"), ("order", 9))
    session.flush()
    below = purchaser.patch(f"/api/mall/budget-lines/{line_id}", json={"amount": "699.99"})
    assert below.status_code == 409 and below.get_json()["code"] == "below_committed"
    raised = purchaser.patch(
        f"/api/mall/budget-lines/{line_id}", json={"amount": "1500.00", "reason": "追加预算"}
    )
    assert raised.status_code == 200
    assert raised.get_json()["available"] == "800.00"
    assert actions(session, "budget_line", line_id)[-1] == "budget.line_adjusted"
    movements = purchaser.get(f"/api/mall/budget-lines/{line_id}/movements").get_json()
    assert movements[-1] == movements[-1] | {
        "kind": "adjust",
        "amount": "500.00",
        "note": "追加预算",
    }
