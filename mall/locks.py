"""Row locks for contested rows: a budget line's balance, a listing's stock, an order's state.

``SELECT … FOR UPDATE`` on PostgreSQL. SQLite has no row locks and ignores the clause, but there every
write unit of work opens with ``BEGIN IMMEDIATE`` and so already runs alone.

To stay free of deadlocks, a unit of work takes its locks in one order — orders, then listings (by
id), then budget lines — and before it records anything on the ledger, whose head is locked by every
append until commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

T = TypeVar("T")


def lock(session: Session, model: type[T], row_id: Any) -> T | None:
    """The row with ``row_id``, locked until the end of the transaction and re-read from the
    database (so a value loaded earlier in the session is not trusted)."""
    statement = (
        select(model)
        .where(model.id == row_id)  # type: ignore[attr-defined]
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(statement).first()


def lock_many(session: Session, model: type[T], row_ids: Iterable[Any]) -> dict[Any, T]:
    """Several rows of one table, locked in ascending id order."""
    ids = sorted(set(row_ids))
    if not ids:
        return {}
    statement = (
        select(model)
        .where(model.id.in_(ids))  # type: ignore[attr-defined]
        .order_by(model.id)  # type: ignore[attr-defined]
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.id: row for row in session.scalars(statement)}  # type: ignore[attr-defined]
