"""Budgets (MALL-3, 无预算不采购): moving funds on a line.

Orders reserve funds on a line when placed, release them when cancelled, declined or lapsed, and
payments consume them (and refunds give them back). Every reservation locks the line, so two
purchases can never spend the same funds.

``reserve`` checks that the actor belongs to the line's unit. ``release`` and ``consume`` only check
that the amounts balance: they are steps of an order's or a payment's transition, whose service has
checked its own actor.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.money import cny
from mall.budgets.common import fiscal_year_now, record_line
from mall.budgets.models import BudgetLine, BudgetMovement
from mall.locks import lock


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
    record_line(
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


def _net(
    session: Session, line_id: int, ref: tuple[str, int], plus: str, kinds: tuple[str, ...] = ()
) -> Decimal:
    """The line's movements for ``ref`` (of ``kinds``, or all), added up: those of kind ``plus``
    count up, the others down."""
    query = select(BudgetMovement.kind, BudgetMovement.amount).where(
        BudgetMovement.line_id == line_id,
        BudgetMovement.ref_type == ref[0],
        BudgetMovement.ref_id == ref[1],
    )
    if kinds:
        query = query.where(BudgetMovement.kind.in_(kinds))
    total = Decimal("0.00")
    for kind, amount in session.execute(query):
        total += amount if kind == plus else -amount
    return total


def held_for(session: Session, line_id: int, ref: tuple[str, int]) -> Decimal:
    """What the line still holds for ``ref``: reserved, less released and consumed."""
    return _net(session, line_id, ref, "reserve")


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


def _take_held(
    session: Session, line_id: int, amount: Decimal, ref: tuple[str, int]
) -> tuple[BudgetLine, Decimal]:
    """Lock the line and take ``amount`` out of what it holds for ``ref`` (released or spent)."""
    amount = _positive(amount)
    line = lock_line(session, line_id)
    _check_held(session, line, amount, ref)
    line.reserved -= amount
    return line, amount


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
    line, amount = _take_held(session, line_id, amount, ref)
    _move(session, actor, line, "release", amount, ref)
    return line


def consume(
    session: Session, actor: Actor, line_id: int, amount: Decimal, ref: tuple[str, int]
) -> BudgetLine:
    """Turn ``amount`` reserved for ``ref`` into spent funds (a payment made)."""
    line, amount = _take_held(session, line_id, amount, ref)
    line.consumed += amount
    _move(session, actor, line, "consume", amount, ref)
    return line


def refund(
    session: Session, actor: Actor, line_id: int, amount: Decimal, ref: tuple[str, int]
) -> BudgetLine:
    """Give back to the line ``amount`` that a payment for ``ref`` consumed (a refund received)."""
    amount = _positive(amount)
    line = lock_line(session, line_id)
    spent = _net(session, line.id, ref, "consume", ("consume", "refund"))
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
