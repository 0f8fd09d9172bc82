"""Budgets (MALL-3): creating a budget line and adjusting its amount, name or active flag."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation
from core.accounts.roles import OrgKind, Role
from core.errors import Conflict, ValidationFailed
from core.money import cny
from mall.budgets.access import (
    get_line,
    may_manage,
    refuse_manage,
)
from mall.budgets.common import record_line
from mall.budgets.models import FUND_SOURCES, BudgetLine, BudgetMovement
from mall.locks import lock

CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")


def _payload(line: BudgetLine) -> dict[str, Any]:
    return {
        "organisation_id": line.organisation_id,
        "fiscal_year": line.fiscal_year,
        "fund_source": line.fund_source,
        "code": line.code,
        "name": line.name,
        "amount": line.amount,
        "reserved": line.reserved,
        "consumed": line.consumed,
        "active": line.active,
    }


def _check_fields(data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if "fund_source" in data and data["fund_source"] not in FUND_SOURCES:
        errors["fund_source"] = [f"one of {', '.join(FUND_SOURCES)}"]
    if "code" in data and not CODE.match(data["code"].strip()):
        errors["code"] = ["1–40 letters, digits, '.', '_' or '-'"]
    if "name" in data and not data["name"].strip():
        errors["name"] = ["required"]
    if "amount" in data and cny(data["amount"]) <= 0:
        errors["amount"] = ["must be above zero"]
    if "fiscal_year" in data and not 2000 <= data["fiscal_year"] <= 2100:
        errors["fiscal_year"] = ["2000..2100"]
    if errors:
        raise ValidationFailed("Some fields are invalid.", details=errors)


def create_line(session: Session, actor: Actor, data: dict[str, Any]) -> BudgetLine:
    """A new budget line for the actor's unit, or (a finance department) for the purchaser unit of
    its region named in the data."""
    if not actor.has(Role.ORG_ADMIN) or actor.org_kind not in (
        OrgKind.PURCHASER,
        OrgKind.SUPERVISOR,
    ):
        raise refuse_manage()
    organisation_id = data.get("organisation_id") or actor.organisation_id
    org = session.get(Organisation, organisation_id)
    if org is None or org.kind != OrgKind.PURCHASER:
        raise ValidationFailed(
            "Budget lines belong to purchaser units.",
            details={"organisation_id": ["not a purchaser unit"]},
        )
    if not may_manage(session, actor, organisation_id):
        raise refuse_manage()
    _check_fields(data)
    code = data["code"].strip()
    clash = session.scalar(
        select(BudgetLine.id).where(
            BudgetLine.organisation_id == org.id,
            BudgetLine.fiscal_year == data["fiscal_year"],
            BudgetLine.code == code,
        )
    )
    if clash:
        raise Conflict(
            "The unit already has a line with this code in this fiscal year.",
            code="duplicate_budget_line",
            details={"budget_line_id": clash},
        )
    line = BudgetLine(
        organisation_id=org.id,
        fiscal_year=data["fiscal_year"],
        fund_source=data["fund_source"],
        code=code,
        name=data["name"].strip(),
        amount=cny(data["amount"]),
        reserved=Decimal("0.00"),
        consumed=Decimal("0.00"),
        active=True,
    )
    session.add(line)
    session.flush()
    record_line(session, actor, "budget.line_created", line, _payload(line))
    return line


def adjust_line(session: Session, actor: Actor, line_id: int, data: dict[str, Any]) -> BudgetLine:
    """Change a line's amount (never below what is reserved and consumed), name or active flag."""
    line = get_line(session, actor, line_id)
    if not may_manage(session, actor, line.organisation_id):
        raise refuse_manage()
    _check_fields(data)
    line = lock(session, BudgetLine, line_id)
    assert line is not None
    changes: dict[str, Any] = {}
    if "amount" in data and cny(data["amount"]) != line.amount:
        new = cny(data["amount"])
        committed = line.reserved + line.consumed
        if new < committed:
            raise Conflict(
                "The amount cannot go below the %(committed)s CNY already reserved or consumed.",
                code="below_committed",
                params={"committed": committed},
                details={"committed": str(committed)},
            )
        changes["amount"] = {"old": line.amount, "new": new}
        session.add(
            BudgetMovement(
                line_id=line.id,
                kind="adjust",
                amount=new - line.amount,
                note=data.get("reason"),
                actor_user_id=actor.user_id,
            )
        )
        line.amount = new
    if "name" in data and data["name"].strip() != line.name:
        changes["name"] = {"old": line.name, "new": data["name"].strip()}
        line.name = data["name"].strip()
    if "active" in data and data["active"] != line.active:
        changes["active"] = {"old": line.active, "new": data["active"]}
        line.active = data["active"]
    if changes:
        line.updated_at = clock.now()
        session.flush()
        record_line(
            session,
            actor,
            "budget.line_adjusted",
            line,
            {"changes": changes, "reason": data.get("reason")},
        )
    return line
