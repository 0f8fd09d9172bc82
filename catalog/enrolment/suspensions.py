"""Suspensions of suppliers: imposed by an operator (or a dispute ruling), lifted when they end, and
the reinstatements recorded on the ledger.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories.service import require_operator
from catalog.enrolment.models import SupplierProfile, Suspension
from core import clock
from core.accounts.auth import Actor
from core.errors import NotFound, ValidationFailed
from supervision.ledger import record


def active_suspension(
    session: Session, supplier_id: int, at: datetime | None = None
) -> Suspension | None:
    at = at or clock.now()
    return session.scalars(
        select(Suspension)
        .where(
            Suspension.supplier_id == supplier_id,
            Suspension.lifted_at.is_(None),
            Suspension.starts_at <= at,
            Suspension.ends_at > at,
        )
        .order_by(Suspension.ends_at.desc())
    ).first()


def suspend(
    session: Session, actor: Actor, supplier_id: int, reason: str, ends_at: datetime
) -> Suspension:
    require_operator(actor)
    return impose_suspension(session, actor, supplier_id, reason, ends_at)


def impose_suspension(
    session: Session, actor: Actor, supplier_id: int, reason: str, ends_at: datetime, **extra: Any
) -> Suspension:
    """Suspend an enrolled supplier until ``ends_at``, for a caller that has already decided who
    may (an operator, or a dispute ruling); ``extra`` goes on the ledger entry."""
    if session.get(SupplierProfile, supplier_id) is None:
        raise NotFound("No such enrolled supplier.")
    now = clock.now()
    if ends_at <= now:
        raise ValidationFailed(
            "The end must be in the future.",
            details={"ends_at": ["must be in the future"]},
        )
    if not reason.strip():
        raise ValidationFailed(
            "A reason for the suspension is required.", details={"reason": ["required"]}
        )
    suspension = Suspension(
        supplier_id=supplier_id,
        reason=reason.strip(),
        starts_at=now,
        ends_at=ends_at,
        created_by=actor.user_id,
    )
    session.add(suspension)
    session.flush()
    record(
        session,
        actor,
        "supplier.suspended",
        ("organisation", supplier_id),
        {"reason": suspension.reason, "until": ends_at, "suspension_id": suspension.id, **extra},
    )
    return suspension


def record_reinstatements(session: Session, actor: Actor) -> list[Suspension]:
    """Put on the ledger the suspensions that have ended by themselves (a periodic job)."""
    now = clock.now()
    ended = list(
        session.scalars(
            select(Suspension).where(
                Suspension.ends_at <= now,
                Suspension.reinstated_at.is_(None),
                Suspension.lifted_at.is_(None),
            )
        )
    )
    for suspension in ended:
        suspension.reinstated_at = now
        record(
            session,
            actor,
            "supplier.reinstated",
            ("organisation", suspension.supplier_id),
            {"suspension_id": suspension.id, "ended_at": suspension.ends_at},
        )
    return ended
