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
        raise NotFound("No such budget line.", details={"budget_line_id": [line_id]})
    return line


def _check_available(line: BudgetLine, amount: Decimal) -> None:
    if amount > line.available:
        raise Conflict(
            "The budget line has %(available)s CNY available; %(amount)s CNY are needed.",
            code="insufficient_funds",
            params={"available": line.available, "amount": amount},
            details={"available": str(line.available), "requested": str(amount)},
        )


def check_reservable(actor: Actor, line: BudgetLine, amount: Decimal) -> None:
    """Refuse unless the actor's unit may spend ``amount`` from ``line`` now (无预算不采购)."""
    if line.organisation_id != actor.organisation_id:
        raise Forbidden(
            "This budget line belongs to another unit.",
            code="other_organisation",
        )
    if not line.active:
        raise Conflict("The budget line is closed.", code="budget_line_closed")
    if line.fiscal_year != fiscal_year_now():
        raise Conflict(
            "The budget line is for fiscal year %(year)s.",
            code="wrong_fiscal_year",
            params={"year": line.fiscal_year},
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
            "The line holds %(held)s CNY for %(kind)s %(ref)s; %(amount)s CNY cannot be taken.",
            code="not_reserved",
            params={"held": held, "kind": ref[0], "ref": ref[1], "amount": amount},
            details={"held": str(held), "requested": str(amount)},
        )


def _positive(amount: Decimal) -> Decimal:
    amount = cny(amount)
    if amount <= 0:
        raise ValidationFailed("The amount must be above zero.", details={"amount": ["> 0"]})
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
            "The line paid %(spent)s CNY for %(kind)s %(ref)s; %(amount)s CNY cannot come back.",
            code="not_consumed",
            params={"spent": spent, "kind": ref[0], "ref": ref[1], "amount": amount},
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
