"""Budgets (MALL-3): who may see a budget line and who may manage it — the unit's administrator,
or the finance department (财政部门) of its region or above."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.auth import Actor
from core.accounts.models import Organisation, Region
from core.accounts.roles import OrgKind, Role
from core.errors import Forbidden, NotFound
from mall.budgets.models import BudgetLine, BudgetMovement


def may_manage(session: Session, actor: Actor, organisation_id: int | None) -> bool:
    """Budget lines are the unit's own (its administrator) or issued by the finance department
    (财政部门) of its region or above (its administrator). Operators run the mall; they neither
    create budget lines nor change their amounts."""
    if not actor.has(Role.ORG_ADMIN) or organisation_id is None:
        return False
    if actor.org_kind == OrgKind.PURCHASER:
        return actor.organisation_id == organisation_id
    if actor.org_kind == OrgKind.SUPERVISOR:
        org = session.get(Organisation, organisation_id)
        return (
            org is not None and org.kind == OrgKind.PURCHASER and actor.sees_region(org.region.path)
        )
    return False


def refuse_manage() -> Forbidden:
    return Forbidden(
        "Only the unit's administrator or the finance department of its region manages its "
        "budget lines.",
        code="budget_admin_only",
    )


def may_view(session: Session, actor: Actor, line: BudgetLine) -> bool:
    if actor.organisation_id == line.organisation_id or actor.has(Role.OPERATOR):
        return True
    finance = actor.has(Role.SUPERVISOR) or (
        actor.org_kind == OrgKind.SUPERVISOR and actor.has(Role.ORG_ADMIN)
    )
    return finance and actor.sees_region(line.organisation.region.path)


def get_line(session: Session, actor: Actor, line_id: int) -> BudgetLine:
    line = session.get(BudgetLine, line_id)
    if line is None:
        raise NotFound("No such budget line.")
    if not may_view(session, actor, line):
        raise Forbidden(
            "This is another unit's budget line.",
            code="other_organisation",
        )
    return line


def lines_query(actor: Actor, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The actor's unit's lines; any unit's for operators; their region's for supervisors."""
    query = select(BudgetLine).order_by(BudgetLine.fiscal_year.desc(), BudgetLine.code)
    if actor.has(Role.OPERATOR):
        pass
    elif actor.region_path and (
        actor.has(Role.SUPERVISOR)
        or (actor.org_kind == OrgKind.SUPERVISOR and actor.has(Role.ORG_ADMIN))
    ):
        query = query.where(
            BudgetLine.organisation_id.in_(
                select(Organisation.id)
                .join(Region)
                .where(Region.path.startswith(actor.region_path))
            )
        )
    else:
        query = query.where(BudgetLine.organisation_id == actor.organisation_id)
    if filters.get("organisation_id"):
        query = query.where(BudgetLine.organisation_id == filters["organisation_id"])
    if filters.get("fiscal_year"):
        query = query.where(BudgetLine.fiscal_year == filters["fiscal_year"])
    if filters.get("active") is not None:
        query = query.where(BudgetLine.active.is_(filters["active"]))
    return query


def movements(session: Session, actor: Actor, line_id: int) -> list[BudgetMovement]:
    get_line(session, actor, line_id)
    return list(
        session.scalars(
            select(BudgetMovement)
            .where(BudgetMovement.line_id == line_id)
            .order_by(BudgetMovement.id)
        )
    )
