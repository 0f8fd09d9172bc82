"""Appending to and verifying the ledger."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from blinker import Namespace
from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from core import canonical, clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation, Region
from core.accounts.roles import Role
from core.db import after_commit
from core.errors import Forbidden
from supervision.ledger import tree
from supervision.ledger.models import GENESIS, LedgerEntry, LedgerHead

_signals = Namespace()
#: Sent after the commit of every entry, with ``entry=`` — for warnings, credit, disclosure.
entry_recorded = _signals.signal("ledger-entry-recorded")


def entry_content(entry: LedgerEntry) -> bytes:
    """The exact bytes an entry's hash covers: all its fields and the previous entry's hash."""
    return canonical.dumps_bytes(
        {
            "seq": entry.seq,
            "at": entry.at,
            "actor": {
                "user_id": entry.actor_user_id,
                "username": entry.actor_username,
                "org_id": entry.actor_org_id,
                "ip": entry.actor_ip,
                "device": entry.actor_device,
            },
            "region_id": entry.region_id,
            "action": entry.action,
            "subject": [entry.subject_type, entry.subject_id],
            "payload": entry.payload,
            "prev": entry.prev_hash,
        }
    )


def entry_hash(entry: LedgerEntry) -> str:
    return hashlib.sha256(entry_content(entry)).hexdigest()


_HEAD = "ledger_head"


def _transaction(session: Session) -> Any:
    """The innermost transaction the session is in (a savepoint's, if one is open)."""
    return session.get_nested_transaction() or session.get_transaction()


_HEAD_TABLE = LedgerHead.__table__


@dataclass
class _Head:
    """The head under the append lock: the last entry, the tree's right border (None until the
    tree is built) and the commitment key of the tree's leaves."""

    seq: int
    hash: str
    edge: str | None
    key: bytes


def _lock_head(session: Session) -> _Head:
    """Take the ledger's append lock and return the head.

    Once this transaction holds the lock nobody else can move the head, so it is read once per
    transaction: later appends in the same transaction (or savepoint) use the head the previous
    append left. A savepoint opened or ended since then makes it read again, so a savepoint rolled
    back (and the head with it) is never trusted."""
    held = session.info.get(_HEAD)
    if held is not None and held[0] is _transaction(session):
        return held[1]
    conn = session.connection()
    table = _HEAD_TABLE.c
    head = select(table.seq, table.hash, table.tree_edge, table.commitment_key).where(table.id == 1)
    if conn.dialect.name == "sqlite":
        # Writing first takes SQLite's write lock before we read the head.
        conn.execute(update(_HEAD_TABLE).where(table.id == 1).values(seq=table.seq))
    else:
        head = head.with_for_update()
    row = conn.execute(head).first()
    if row is None:  # the migration creates the row; this covers a database built otherwise
        key = secrets.token_hex(32)
        conn.execute(
            insert(_HEAD_TABLE).values(id=1, seq=0, hash=GENESIS, tree_edge="", commitment_key=key)
        )
        return _Head(0, GENESIS, "", bytes.fromhex(key))
    if not row.commitment_key:
        raise RuntimeError("the ledger has no commitment key: run the migrations")
    return _Head(row.seq, row.hash, row.tree_edge, bytes.fromhex(row.commitment_key))


@dataclass(frozen=True)
class Entry:
    """One entry to append with ``record_many``: the same arguments as ``record``."""

    actor: Actor
    action: str
    subject: tuple[str, Any]
    payload: dict[str, Any]
    region_id: int | None = None


def record(
    session: Session,
    actor: Actor,
    action: str,
    subject: tuple[str, Any],
    payload: dict[str, Any],
    region_id: int | None = None,
) -> LedgerEntry:
    """Append one entry in the caller's transaction; it commits or rolls back with the change."""
    (entry,) = record_many(session, [Entry(actor, action, subject, payload, region_id)])
    return entry


def record_many(session: Session, entries: Sequence[Entry]) -> list[LedgerEntry]:
    """Append several entries, in order, in the caller's transaction: one chain, one INSERT of all
    the rows and one move of the head, however many there are."""
    if not entries:
        return []
    # The caller's pending changes first: their row locks are taken before the ledger's.
    session.flush()
    head = _lock_head(session)
    head_seq, head_hash = head.seq, head.hash
    made: list[LedgerEntry] = []
    for item in entries:
        subject_type, subject_id = item.subject
        actor = item.actor
        entry = LedgerEntry(
            seq=head_seq + 1,
            at=clock.now(),
            actor_user_id=actor.user_id,
            actor_username=actor.username,
            actor_org_id=actor.organisation_id,
            actor_ip=actor.ip,
            actor_device=actor.device_id,
            region_id=item.region_id if item.region_id is not None else actor.region_id,
            action=item.action,
            subject_type=subject_type,
            subject_id=None if subject_id is None else str(subject_id),
            payload=canonical.dumps(item.payload),
            prev_hash=head_hash,
        )
        entry.hash = entry_hash(entry)
        head_seq, head_hash = entry.seq, entry.hash
        made.append(entry)
    # Plain INSERTs (an entry is never changed, so it needs no tracking by the session).
    conn = session.connection()
    conn.execute(
        insert(LedgerEntry.__table__),
        [{key: getattr(entry, key) for key in _COLUMNS} for entry in made],
    )
    # The Merkle tree grows with the entries (built first over a ledger older than the tree).
    edge = head.edge if head.edge is not None else tree.build(conn, head.seq, head.key)
    edge = tree.grow(conn, head.seq, edge, [tree.leaf_of(entry, head.key) for entry in made])
    conn.execute(
        update(_HEAD_TABLE)
        .where(_HEAD_TABLE.c.id == 1)
        .values(seq=head_seq, hash=head_hash, tree_edge=edge)
    )
    session.info[_HEAD] = (_transaction(session), _Head(head_seq, head_hash, edge, head.key))
    after_commit(session, lambda: _announce(made))
    return made


_COLUMNS = [column.key for column in LedgerEntry.__table__.columns]


def _announce(entries: list[LedgerEntry]) -> None:
    for entry in entries:
        entry_recorded.send(entry, entry=entry)


@dataclass
class VerifyResult:
    ok: bool
    entries: int
    head_seq: int
    first_bad_seq: int | None = None
    reason: str | None = None
    #: the hash of the last entry walked (with ``entries``, where a later walk may go on from)
    last_hash: str = GENESIS


def verify(
    session: Session, batch: int = 2000, after: tuple[int, str] | None = None
) -> VerifyResult:
    """Walk the whole chain — or, with ``after`` = (seq, hash) of a prefix an earlier walk found
    intact, only the entries after it. Report the first entry that is missing, altered or out of
    chain."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    if after is not None:
        count, prev_hash = after
        expected_seq = count + 1
    head = session.get(LedgerHead, 1)
    head_seq = head.seq if head else 0
    last_seq = count
    table = LedgerEntry.__table__
    while True:
        # Plain rows rather than ORM objects: the walk is over every entry.
        rows = session.execute(
            select(table).where(table.c.seq > last_seq).order_by(table.c.seq).limit(batch)
        ).all()
        if not rows:
            break
        for entry in rows:
            if entry.seq != expected_seq:
                return VerifyResult(
                    False, count, head_seq, expected_seq, f"entry {expected_seq} is missing"
                )
            if entry.prev_hash != prev_hash:
                return VerifyResult(
                    False, count, head_seq, entry.seq, "previous-hash link does not match"
                )
            if entry_hash(entry) != entry.hash:  # type: ignore[arg-type]
                return VerifyResult(
                    False, count, head_seq, entry.seq, "content does not match its hash"
                )
            prev_hash, expected_seq, count = entry.hash, entry.seq + 1, count + 1
            last_seq = entry.seq
    if head is not None and (head.seq != count or head.hash != prev_hash):
        if head.seq > count:
            return VerifyResult(
                False,
                count,
                head_seq,
                count + 1,
                f"entry {count + 1} is missing (head at {head.seq})",
            )
        return VerifyResult(False, count, head_seq, head.seq, "head does not match the chain")
    return VerifyResult(True, count, head_seq, last_hash=prev_hash)


# ---------------------------------------------------------------- reading, for supervisors


def entries_query(session: Session, actor: Actor, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Entries a supervisor may read (own region and below), newest first, filtered."""
    if not actor.has(Role.SUPERVISOR):
        raise Forbidden("Only supervisors read the ledger.")
    query = select(LedgerEntry).order_by(LedgerEntry.seq.desc())
    region = session.get(Region, actor.region_id) if actor.region_id else None
    if region is None:
        raise Forbidden("Only supervisors read the ledger.")
    if region.parent_id is not None:
        subtree = select(Region.id).where(Region.path.startswith(region.path))
        query = query.where(LedgerEntry.region_id.in_(subtree))
    if filters.get("subject_type"):
        query = query.where(LedgerEntry.subject_type == filters["subject_type"])
    if filters.get("subject_id"):
        query = query.where(LedgerEntry.subject_id == str(filters["subject_id"]))
    if filters.get("actor"):
        query = query.where(LedgerEntry.actor_username == filters["actor"])
    if filters.get("actor_org_id"):
        query = query.where(LedgerEntry.actor_org_id == filters["actor_org_id"])
    if filters.get("actor_org"):
        query = query.where(LedgerEntry.actor_org_id.in_(organisations_named(filters["actor_org"])))
    if filters.get("action"):
        action = filters["action"]
        if action.endswith("*"):
            query = query.where(LedgerEntry.action.startswith(action[:-1]))
        else:
            query = query.where(LedgerEntry.action == action)
    if filters.get("since"):
        query = query.where(LedgerEntry.at >= filters["since"])
    if filters.get("until"):
        query = query.where(LedgerEntry.at < filters["until"])
    if filters.get("from_date"):
        query = query.where(LedgerEntry.at >= clock.day_start(filters["from_date"]))
    if filters.get("to_date"):
        query = query.where(
            LedgerEntry.at < clock.day_start(filters["to_date"] + timedelta(days=1))
        )
    return query


def organisations_named(text: str):  # type: ignore[no-untyped-def]
    """The ids of the organisations whose unified credit code is ``text`` or whose Chinese or
    English name contains it (case ignored): the ledger's "actor organisation" filter."""
    text = text.strip()
    return select(Organisation.id).where(
        or_(
            Organisation.credit_code == text.upper(),
            Organisation.name_zh.icontains(text, autoescape=True),
            Organisation.name_en.icontains(text, autoescape=True),
        )
    )


def payload_of(entry: LedgerEntry) -> Any:
    return json.loads(entry.payload)


def build_tree(session: Session) -> int:
    """Build the Merkle tree over a ledger written before the tree existed (otherwise the next
    append does it). Returns the number of leaves built (0 when the tree was there)."""
    head = _lock_head(session)
    if head.edge is not None:
        return 0
    conn = session.connection()
    edge = tree.build(conn, head.seq, head.key)
    conn.execute(update(_HEAD_TABLE).where(_HEAD_TABLE.c.id == 1).values(tree_edge=edge))
    session.info[_HEAD] = (_transaction(session), _Head(head.seq, head.hash, edge, head.key))
    return head.seq
