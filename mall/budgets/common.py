"""Budgets (MALL-3, 无预算不采购): the fiscal year and the budget line's ledger entry, which
managing lines and moving funds on them share."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from mall.budgets.models import BudgetLine
from supervision.ledger import record


def fiscal_year_now() -> int:
    """The fiscal year is the calendar year in China's time zone."""
    return clock.local(clock.now()).year


def record_line(
    session: Session, actor: Actor, action: str, line: BudgetLine, payload: dict[str, Any]
) -> None:
    """Ledger a change of ``line`` (with its unit's region)."""
    record(
        session,
        actor,
        action,
        ("budget_line", line.id),
        payload,
        region_id=line.organisation.region_id,
    )
