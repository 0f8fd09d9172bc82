"""The disclosure reader (SUP-5): OCDS releases derived from the ledger.

The ``ocds`` ledger reader (``supervision.readers``) hands each batch of the entries that change a
procurement process (``releases.ACTIONS``) to ``ingest``, which stores one release per entry and
process (``ocds_releases``, the release id unique) and moves the cursor in the same transaction. A
replay (``rewind``) forgets the releases and links derived after an entry and derives them again:
the same releases, none twice.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date

from flask import current_app, has_app_context
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core import clock
from supervision import readers
from supervision.disclosure import jsontext
from supervision.disclosure.models import OcdsLink, OcdsRelease
from supervision.disclosure.releases import ACTIONS, Builder
from supervision.ledger.models import LedgerEntry

READER = "ocds"
DEFAULT_PREFIX = "ocds-xxxxxx"
#: tags that make a release a result notice (成交公告)
NOTICE_TAGS = {"award", "contract"}


def prefix() -> str:
    if has_app_context():
        return current_app.config.get("OCDS_PREFIX") or DEFAULT_PREFIX
    return DEFAULT_PREFIX


def ingest(session: Session, entries: list[LedgerEntry]) -> None:
    """The reader's handler: the releases of ``entries``, in ledger order."""
    builder = Builder(session, prefix())
    for entry in entries:
        for change in builder.changes(entry):
            ocid, tags, _, title = change
            release = builder.release(entry, change)
            known = session.scalar(
                select(OcdsRelease.id).where(OcdsRelease.release_id == release["id"])
            )
            if known is not None:
                continue
            session.add(
                OcdsRelease(
                    release_id=release["id"],
                    ocid=ocid,
                    seq=entry.seq,
                    action=entry.action,
                    tags=",".join(tags),
                    released_at=entry.at,
                    day=clock.local(entry.at).date(),
                    notice=bool(NOTICE_TAGS & set(tags)),
                    title=(title or "")[:300],
                    data=jsontext.dumps(release),
                )
            )
        session.flush()


def update(session: Session, batch: int = readers.BATCH) -> int:
    """One batch of the reader in the caller's transaction; how many entries it read."""
    return readers.advance(session, READER, ingest, ACTIONS, batch)


def update_all(
    unit_of_work: Callable[[], AbstractContextManager[Session]], batch: int = readers.BATCH
) -> int:
    """Read the ledger up to its head, one transaction per batch."""
    return readers.run(unit_of_work, READER, ingest, ACTIONS, batch)


def rewind(session: Session, since: int) -> int:
    """Forget the releases and links derived from entries after ``since`` and put the reader back
    there, in one transaction; the next update derives them again. Returns how many releases were
    removed."""
    readers.rewind(session, READER, since)
    gone = session.execute(delete(OcdsRelease).where(OcdsRelease.seq > since)).rowcount
    session.execute(delete(OcdsLink).where(OcdsLink.seq > since))
    session.flush()
    return gone or 0


def day_releases(session: Session, day: date) -> list[OcdsRelease]:
    return list(
        session.scalars(
            select(OcdsRelease)
            .where(OcdsRelease.day == day)
            .order_by(OcdsRelease.seq, OcdsRelease.id)
        )
    )
