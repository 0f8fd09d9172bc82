"""What the auction package puts on the ledger: each step on an auction or a volume purchase,
with the subject's status and region, and the clock that opens, closes and awards in its own name."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.orm import Session

from core.accounts.auth import Actor
from supervision.ledger import record

#: Who opens, closes and awards on the ledger.
CLOCK = Actor(user_id=None, username="auction-clock")


class Subject(Protocol):
    """An auction or a pool, as the ledger names it."""

    id: int
    status: str
    region_id: int


def record_step(
    session: Session, actor: Actor, action: str, kind: str, subject: Subject, **payload: Any
) -> None:
    """Put ``action`` on ``(kind, subject.id)`` with the subject's status and ``payload``."""
    record(
        session,
        actor,
        action,
        (kind, subject.id),
        {"status": subject.status, **payload},
        region_id=subject.region_id,
    )
