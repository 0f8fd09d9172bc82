"""Demo budget lines for the demo purchaser units, so a new user can buy at once."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.auth import Actor
from core.accounts.models import Organisation
from core.accounts.roles import OrgKind, Role
from mall.budgets import service as budgets
from mall.budgets.models import BudgetLine

#: (code suffix, name, fund source, amount)
LINES = (
    ("ZC-001", "信息化设备购置", "general", Decimal("500000.00")),
    ("ZC-002", "办公设备及耗材", "general", Decimal("200000.00")),
    ("ZC-003", "公务用车运行维护", "own_funds", Decimal("80000.00")),
)


def issuer(unit: Organisation) -> Actor:
    """Demo lines are issued as the finance department of the unit's region would issue them
    (预算批复): an administrator of a finance department whose region covers the unit."""
    return Actor(
        user_id=None,
        username="demo",
        org_kind=OrgKind.SUPERVISOR,
        region_id=unit.region_id,
        region_path=unit.region.path,
        roles=frozenset({Role.ORG_ADMIN}),
    )


def load(session: Session) -> list[str]:
    year = budgets.fiscal_year_now()
    created = []
    units = session.scalars(
        select(Organisation).where(Organisation.kind == OrgKind.PURCHASER).order_by(Organisation.id)
    ).all()
    for unit in units:
        for suffix, name, source, amount in LINES:
            code = f"{year}-{suffix}"
            exists = session.scalar(
                select(BudgetLine.id).where(
                    BudgetLine.organisation_id == unit.id,
                    BudgetLine.fiscal_year == year,
                    BudgetLine.code == code,
                )
            )
            if exists:
                continue
            budgets.create_line(
                session,
                issuer(unit),
                {
                    "organisation_id": unit.id,
                    "fiscal_year": year,
                    "fund_source": source,
                    "code": code,
                    "name": name,
                    "amount": amount,
                },
            )
            created.append(f"{unit.name_zh} {code}")
    return [f"budget lines: {len(created)} created"]
