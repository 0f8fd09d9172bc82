"""Ledger readers: supervision derives its own tables (price statistics, later warnings) from ledger
entries, never from the domain packages' tables.

A reader has a name and a cursor (``ledger_cursors``: the last sequence number it has read). One
batch — ``advance`` — locks the cursor, reads the entries after it, lets the reader derive what it
derives, and moves the cursor, all in the caller's transaction: so what was derived and the cursor
commit together or not at all, and two processes never read the same batch (the second waits for
the cursor's lock and then sees it moved). ``rewind`` puts a cursor back to replay from a sequence.

The ledger's sequence has no gaps and entries commit in its order (appends take the head's lock),
so an entry below the head a transaction sees is already committed: a cursor never skips one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import AbstractContextManager
from datetime import datetime

from sqlalchemy import BigInteger, String, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core import clock
from core.db import Base, UTCDateTime
from supervision.ledger.models import LedgerEntry, LedgerHead

#: Entries read per batch (one transaction each).
BATCH = 500
#: A batch looks at most this many batches' worth of sequences past the cursor.
WINDOW = 10

Handler = Callable[[Session, list[LedgerEntry]], None]


class LedgerCursor(Base):
    """How far a ledger reader has read."""

    __tablename__ = "ledger_cursors"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


def lock_cursor(session: Session, name: str) -> LedgerCursor:
    """The reader's cursor, locked for this transaction (made at 0 the first time)."""
    query = select(LedgerCursor).where(LedgerCursor.name == name).with_for_update()
    cursor = session.scalars(query).first()
    if cursor is None:
        session.execute(insert(LedgerCursor).values(name=name, seq=0, updated_at=clock.now()))
        cursor = session.scalars(query).one()
    return cursor


def position(session: Session, name: str) -> int:
    """The last sequence the reader has read (0 before its first batch)."""
    seq = session.scalar(select(LedgerCursor.seq).where(LedgerCursor.name == name))
    return seq or 0


def advance(
    session: Session,
    name: str,
    handle: Handler,
    actions: Collection[str] | None = None,
    batch: int = BATCH,
) -> int:
    """Read one batch after the cursor (only ``actions``, when given), pass it to ``handle`` and
    move the cursor past it, in the caller's transaction. Returns how many entries were handed
    over; 0 when the reader is at the head (or the batch's span held none of ``actions``).

    A batch looks at most ``WINDOW`` × ``batch`` sequences past the cursor (through the index on
    action and sequence), so each batch costs the same however long the ledger is: a reader far
    behind the head reads it span by span."""
    cursor = lock_cursor(session, name)
    head = session.scalar(select(LedgerHead.seq).where(LedgerHead.id == 1)) or 0
    if head <= cursor.seq:
        return 0
    upto = min(head, cursor.seq + WINDOW * batch)
    query = (
        select(LedgerEntry)
        .where(LedgerEntry.seq > cursor.seq, LedgerEntry.seq <= upto)
        .order_by(LedgerEntry.seq)
        .limit(batch)
    )
    if actions is not None:
        query = query.where(LedgerEntry.action.in_(list(actions)))
    entries = list(session.scalars(query))
    if entries:
        handle(session, entries)
    # Fewer than a batch: everything up to the span's end was seen (entries of other actions too).
    cursor.seq = entries[-1].seq if len(entries) == batch else upto
    cursor.updated_at = clock.now()
    session.flush()
    return len(entries)


def run(
    unit_of_work: Callable[[], AbstractContextManager[Session]],
    name: str,
    handle: Handler,
    actions: Collection[str] | None = None,
    batch: int = BATCH,
) -> int:
    """Read up to the head, one transaction per batch (a failing batch rolls back with its
    cursor, and the batches before it stay done). Returns how many entries were handed over."""
    total = 0
    for read in _batches(unit_of_work, name, handle, actions, batch):
        total += read
    return total


def _batches(
    unit_of_work: Callable[[], AbstractContextManager[Session]],
    name: str,
    handle: Handler,
    actions: Collection[str] | None,
    batch: int,
) -> Iterator[int]:
    while True:
        with unit_of_work() as session:
            before = position(session, name)
            read = advance(session, name, handle, actions, batch)
            moved = position(session, name) != before
        if not moved:
            return
        yield read


def rewind(session: Session, name: str, seq: int) -> int:
    """Put the reader's cursor back to ``seq`` (it reads the entries after it again); returns
    where it was."""
    cursor = lock_cursor(session, name)
    was = cursor.seq
    cursor.seq = max(0, min(seq, was))
    cursor.updated_at = clock.now()
    session.flush()
    return was
