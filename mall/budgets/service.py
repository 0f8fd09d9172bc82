"""Budget use cases (MALL-3, 无预算不采购).

A purchaser unit's org admin (or an operator) creates and adjusts its lines. Orders reserve funds on a
line when placed, release them when cancelled, declined or lapsed, and payments consume them. Every
reservation locks the line, so two purchases can never spend the same funds.

``reserve`` checks that the actor belongs to the line's unit. ``release`` and ``consume`` only check
that the amounts balance: they are steps of an order's or a payment's transition, whose service has
checked its own actor.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation, Region
from core.accounts.roles import OrgKind, Role
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.money import cny
from mall.budgets.models import FUND_SOURCES, BudgetLine, BudgetMovement
from mall.locks import lock
from supervision.ledger import record

CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")


def fiscal_year_now() -> int:
    """The fiscal year is the calendar year in China's time zone."""
    return clock.local(clock.now()).year


def _may_manage(session: Session, actor: Actor, organisation_id: int | None) -> bool:
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


def _refuse_manage() -> Forbidden:
    return Forbidden(
        "Only the unit's administrator or the finance department of its region manages its "
        "budget lines.",
        "仅本单位管理员或本地区（及上级）财政部门可维护预算指标。",
        code="budget_admin_only",
    )


def _may_view(session: Session, actor: Actor, line: BudgetLine) -> bool:
    if actor.organisation_id == line.organisation_id or actor.has(Role.OPERATOR):
        return True
    finance = actor.has(Role.SUPERVISOR) or (
        actor.org_kind == OrgKind.SUPERVISOR and actor.has(Role.ORG_ADMIN)
    )
    return finance and actor.sees_region(line.organisation.region.path)


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


def _record(
    session: Session, actor: Actor, action: str, line: BudgetLine, payload: dict[str, Any]
) -> None:
    record(
        session,
        actor,
        action,
        ("budget_line", line.id),
        payload,
        region_id=line.organisation.region_id,
    )


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
        raise ValidationFailed("Some fields are invalid.", "部分字段不符合要求。", details=errors)


def create_line(session: Session, actor: Actor, data: dict[str, Any]) -> BudgetLine:
    """A new budget line for the actor's unit, or (a finance department) for the purchaser unit of
    its region named in the data."""
    if not actor.has(Role.ORG_ADMIN) or actor.org_kind not in (
        OrgKind.PURCHASER,
        OrgKind.SUPERVISOR,
    ):
        raise _refuse_manage()
    organisation_id = data.get("organisation_id") or actor.organisation_id
    org = session.get(Organisation, organisation_id)
    if org is None or org.kind != OrgKind.PURCHASER:
        raise ValidationFailed(
            "Budget lines belong to purchaser units.",
            "预算指标只属于采购单位。",
            details={"organisation_id": ["not a purchaser unit"]},
        )
    if not _may_manage(session, actor, organisation_id):
        raise _refuse_manage()
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
            "本单位该年度已有相同编码的预算指标。",
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
    _record(session, actor, "budget.line_created", line, _payload(line))
    return line


def get_line(session: Session, actor: Actor, line_id: int) -> BudgetLine:
    line = session.get(BudgetLine, line_id)
    if line is None:
        raise NotFound("No such budget line.", "没有该预算指标。")
    if not _may_view(session, actor, line):
        raise Forbidden(
            "This is another unit's budget line.",
            "这是其他单位的预算指标。",
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


def adjust_line(session: Session, actor: Actor, line_id: int, data: dict[str, Any]) -> BudgetLine:
    """Change a line's amount (never below what is reserved and consumed), name or active flag."""
    line = get_line(session, actor, line_id)
    if not _may_manage(session, actor, line.organisation_id):
        raise _refuse_manage()
    _check_fields(data)
    line = lock(session, BudgetLine, line_id)
    assert line is not None
    changes: dict[str, Any] = {}
    if "amount" in data and cny(data["amount"]) != line.amount:
        new = cny(data["amount"])
        committed = line.reserved + line.consumed
        if new < committed:
            raise Conflict(
                f"The amount cannot go below the {committed} CNY already reserved or consumed.",
                f"预算金额不能低于已占用和已支付的 {committed} 元。",
                code="below_committed",
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
        _record(
            session,
            actor,
            "budget.line_adjusted",
            line,
            {"changes": changes, "reason": data.get("reason")},
        )
    return line


def movements(session: Session, actor: Actor, line_id: int) -> list[BudgetMovement]:
    get_line(session, actor, line_id)
    return list(
        session.scalars(
            select(BudgetMovement)
            .where(BudgetMovement.line_id == line_id)
            .order_by(BudgetMovement.id)
        )
    )


# ---------------------------------------------------------------- reserve, release, consume


def lock_line(session: Session, line_id: int) -> BudgetLine:
    line = lock(session, BudgetLine, line_id)
    if line is None:
        raise NotFound(
            "No such budget line.", "没有该预算指标。", details={"budget_line_id": [line_id]}
        )
    return line


def _check_available(line: BudgetLine, amount: Decimal) -> None:
    if amount > line.available:
        raise Conflict(
            f"The budget line has {line.available} CNY available; {amount} CNY are needed.",
            f"预算指标可用余额 {line.available} 元，不足 {amount} 元。",
            code="insufficient_funds",
            details={"available": str(line.available), "requested": str(amount)},
        )


def check_reservable(actor: Actor, line: BudgetLine, amount: Decimal) -> None:
    """Refuse unless the actor's unit may spend ``amount`` from ``line`` now (无预算不采购)."""
    if line.organisation_id != actor.organisation_id:
        raise Forbidden(
            "This budget line belongs to another unit.",
            "该预算指标属于其他单位，不能使用。",
            code="other_organisation",
        )
    if not line.active:
        raise Conflict(
            "The budget line is closed.", "该预算指标已停用。", code="budget_line_closed"
        )
    if line.fiscal_year != fiscal_year_now():
        raise Conflict(
            f"The budget line is for fiscal year {line.fiscal_year}.",
            f"该预算指标属于 {line.fiscal_year} 年度，不能用于本年度采购。",
            code="wrong_fiscal_year",
        )
    _check_available(line, amount)


def _move(
    session: Session,
    actor: Actor,
    line: BudgetLine,
    kind: str,
    amount: Decimal,
    ref: tuple[str, int],
) -> None:
    session.add(
        BudgetMovement(
            line_id=line.id,
            kind=kind,
            amount=amount,
            ref_type=ref[0],
            ref_id=ref[1],
            actor_user_id=actor.user_id,
        )
    )
    line.updated_at = clock.now()
    session.flush()
    action = {
        "reserve": "budget.reserved",
        "release": "budget.released",
        "refund": "budget.refunded",
    }.get(kind, "budget.consumed")
    _record(
        session,
        actor,
        action,
        line,
        {
            "amount": amount,
            "ref": list(ref),
            "reserved": line.reserved,
            "consumed": line.consumed,
            "available": line.available,
        },
    )


def held_for(session: Session, line_id: int, ref: tuple[str, int]) -> Decimal:
    """What the line still holds for ``ref``: reserved, less released and consumed."""
    total = Decimal("0.00")
    for kind, amount in session.execute(
        select(BudgetMovement.kind, BudgetMovement.amount).where(
            BudgetMovement.line_id == line_id,
            BudgetMovement.ref_type == ref[0],
            BudgetMovement.ref_id == ref[1],
        )
    ):
        total += amount if kind == "reserve" else -amount
    return total


def _check_held(session: Session, line: BudgetLine, amount: Decimal, ref: tuple[str, int]) -> None:
    held = held_for(session, line.id, ref)
    if amount > held:
        raise Conflict(
            f"The line holds {held} CNY for {ref[0]} {ref[1]}; {amount} CNY cannot be taken.",
            f"该预算指标为此业务仅占用 {held} 元，不能处理 {amount} 元。",
            code="not_reserved",
            details={"held": str(held), "requested": str(amount)},
        )


def _positive(amount: Decimal) -> Decimal:
    amount = cny(amount)
    if amount <= 0:
        raise ValidationFailed(
            "The amount must be above zero.", "金额须大于零。", details={"amount": ["> 0"]}
        )
    return amount


def reserve(
    session: Session, actor: Actor, line_id: int, amount: Decimal, ref: tuple[str, int]
) -> BudgetLine:
    """Hold ``amount`` on the line for ``ref``; refused when less is available. Atomic: the line
    is locked until the unit of work ends."""
    amount = _positive(amount)
    line = lock_line(session, line_id)
    check_reservable(actor, line, amount)
    line.reserved += amount
    _move(session, actor, line, "reserve", amount, ref)
    return line


def release(
    session: Session, actor: Actor, line_id: int, amount: Decimal, ref: tuple[str, int]
) -> BudgetLine:
    """Give back ``amount`` held for ``ref`` (an order cancelled, declined, lapsed or partly
    accepted)."""
    amount = _positive(amount)
    line = lock_line(session, line_id)
    _check_held(session, line, amount, ref)
    line.reserved -= amount
    _move(session, actor, line, "release", amount, ref)
    return line


def consume(
    session: Session, actor: Actor, line_id: int, amount: Decimal, ref: tuple[str, int]
) -> BudgetLine:
    """Turn ``amount`` reserved for ``ref`` into spent funds (a payment made)."""
    amount = _positive(amount)
    line = lock_line(session, line_id)
    _check_held(session, line, amount, ref)
    line.reserved -= amount
    line.consumed += amount
    _move(session, actor, line, "consume", amount, ref)
    return line


def refund(
    session: Session, actor: Actor, line_id: int, amount: Decimal, ref: tuple[str, int]
) -> BudgetLine:
    """Give back to the line ``amount`` that a payment for ``ref`` consumed (a refund received)."""
    amount = _positive(amount)
    line = lock_line(session, line_id)
    spent = Decimal("0.00")
    for kind, moved in session.execute(
        select(BudgetMovement.kind, BudgetMovement.amount).where(
            BudgetMovement.line_id == line.id,
            BudgetMovement.ref_type == ref[0],
            BudgetMovement.ref_id == ref[1],
            BudgetMovement.kind.in_(("consume", "refund")),
        )
    ):
        spent += moved if kind == "consume" else -moved
    if amount > spent:
        raise Conflict(
            f"The line paid {spent} CNY for {ref[0]} {ref[1]}; {amount} CNY cannot come back.",
            f"该预算指标为此业务仅支付 {spent} 元，不能退回 {amount} 元。",
            code="not_consumed",
            details={"consumed": str(spent), "requested": str(amount)},
        )
    line.consumed -= amount
    _move(session, actor, line, "refund", amount, ref)
    return line


def reserve_for(
    session: Session, actor: Actor, line_id: int, amount: Decimal, ref: tuple[str, int]
) -> BudgetLine:
    """Hold ``amount`` for ``ref`` on the unit's behalf, when a job carries out what the unit
    decided earlier (an award moving the funds its auction held onto its order). The funds must be
    available; whose line it is was checked when the unit decided."""
    amount = _positive(amount)
    line = lock_line(session, line_id)
    _check_available(line, amount)
    line.reserved += amount
    _move(session, actor, line, "reserve", amount, ref)
    return line
