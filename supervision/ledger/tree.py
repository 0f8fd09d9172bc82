"""The ledger's Merkle tree in the database (SUP-1): leaves appended with their entries, proofs
read from the stored perfect subtrees (``supervision.ledger.merkle``).

A leaf is SHA-256(0x00 ‖ the entry's public bytes): the entry as RFC 8785 canonical JSON, except
that its actor's username, address and device — personal data — are replaced by a keyed commitment
(HMAC-SHA-256 over them and the entry's number, with a key kept in ``ledger_head`` that is never
shown). Anyone given an entry's public form recomputes its leaf; nobody recovers an address from a
leaf or a proof. The hash chain (``prev``/``hash``) stays out of the public form: it covers the
personal data in clear.

The tree grows in the same transaction as the entries, under the ledger's append lock: the right
border of the tree is kept in ``ledger_head.tree_edge`` (read and written with the head anyway), so
an append writes its leaves and the perfect subtrees they complete and reads nothing more.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from typing import Any

import rfc8785
from sqlalchemy import Connection, bindparam, insert, select
from sqlalchemy.orm import Session

from supervision.ledger import merkle
from supervision.ledger.models import LedgerEntry, LedgerHead, LedgerNode, node_key

NODES = LedgerNode.__table__
ENTRIES = LedgerEntry.__table__
BATCH = 5000


def _at(value: Any) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def public_entry(entry: Any, commitment_key: bytes) -> dict[str, Any]:
    """What a disclosed entry shows: everything but its actor's personal data, which a commitment
    stands for."""
    private = rfc8785.dumps(
        {
            "seq": entry.seq,
            "username": entry.actor_username,
            "ip": entry.actor_ip,
            "device": entry.actor_device,
        }
    )
    return {
        "seq": entry.seq,
        "at": _at(entry.at),
        "actor": {
            "user_id": entry.actor_user_id,
            "org_id": entry.actor_org_id,
            "commitment": hmac.new(commitment_key, private, hashlib.sha256).hexdigest(),
        },
        "region_id": entry.region_id,
        "action": entry.action,
        "subject": [entry.subject_type, entry.subject_id],
        "payload": entry.payload,
    }


def entry_bytes(entry: Any, commitment_key: bytes) -> bytes:
    """The bytes a leaf covers: the public entry as RFC 8785 canonical JSON."""
    return rfc8785.dumps(public_entry(entry, commitment_key))


def leaf_of(entry: Any, commitment_key: bytes) -> bytes:
    return merkle.leaf_hash(entry_bytes(entry, commitment_key))


def edge_hashes(text: str) -> list[bytes]:
    return [bytes.fromhex(text[i : i + 64]) for i in range(0, len(text), 64)]


def edge_text(hashes: Sequence[bytes]) -> str:
    return "".join(h.hex() for h in hashes)


def grow(conn: Connection, size: int, edge: str, leaves: Sequence[bytes]) -> str:
    """Append leaves to the tree of ``size`` with right border ``edge``; return the new border."""
    made, new_edge = merkle.append(size, edge_hashes(edge), leaves)
    conn.execute(insert(NODES), [{"key": node_key(lv, i), "hash": h} for lv, i, h in made])
    return edge_text(new_edge)


def build(conn: Connection, upto: int, commitment_key: bytes) -> str:
    """Build the tree over entries 1..``upto`` (a ledger written before the tree existed)."""
    size, edge = 0, ""
    while size < upto:
        rows = conn.execute(
            select(ENTRIES)
            .where(ENTRIES.c.seq > size, ENTRIES.c.seq <= upto)
            .order_by(ENTRIES.c.seq)
            .limit(BATCH)
        ).all()
        if not rows or rows[0].seq != size + 1:
            raise RuntimeError(f"ledger entry {size + 1} is missing; the tree cannot be built")
        edge = grow(conn, size, edge, [leaf_of(row, commitment_key) for row in rows])
        size += len(rows)
    return edge


def commitment_key(session: Session) -> bytes:
    head = session.get(LedgerHead, 1)
    if head is None or not head.commitment_key:
        raise RuntimeError("the ledger has no commitment key (run the migrations)")
    return bytes.fromhex(head.commitment_key)


def size(session: Session) -> int:
    """The number of leaves in the committed tree."""
    head = session.execute(select(LedgerHead.seq, LedgerHead.tree_edge)).first()
    return 0 if head is None or head.tree_edge is None else head.seq


_NODES_QUERY = select(NODES.c.key, NODES.c.hash).where(
    NODES.c.key.in_(bindparam("keys", expanding=True))
)


def nodes(session: Session, wanted: Iterable[merkle.Node]) -> dict[merkle.Node, bytes]:
    """The stored hashes of the given perfect subtrees, in one query per few hundred."""
    keys = {node_key(level, index): (level, index) for level, index in wanted}
    ordered = sorted(keys)
    found: dict[merkle.Node, bytes] = {}
    for start in range(0, len(ordered), 500):
        for row in session.execute(_NODES_QUERY, {"keys": ordered[start : start + 500]}):
            found[keys[row.key]] = bytes(row.hash)
    missing = [keys[key] for key in ordered if keys[key] not in found]
    if missing:
        raise LookupError(f"the tree lacks the nodes {missing[:5]}")
    return found


def _hashes(session: Session, ranges: list[tuple[int, int]]) -> list[bytes]:
    stored = nodes(session, merkle.nodes_of(ranges))
    return [merkle.range_hash(start, end, stored) for start, end in ranges]


def root(session: Session, tree_size: int) -> bytes:
    if tree_size == 0:
        return merkle.EMPTY_ROOT
    return _hashes(session, [(0, tree_size)])[0]


def inclusion_proof(session: Session, index: int, tree_size: int) -> list[bytes]:
    return _hashes(session, merkle.inclusion_ranges(index, tree_size))


def consistency_proof(session: Session, size1: int, size2: int) -> list[bytes]:
    if size1 == size2:
        return []
    return _hashes(session, merkle.consistency_ranges(size1, size2))


def leaf_index(session: Session, leaf: bytes, tree_size: int) -> int | None:
    """The index of the first leaf with this hash inside the tree of ``tree_size``."""
    return session.scalar(
        select(NODES.c.key)
        .where(NODES.c.hash == leaf, NODES.c.key < tree_size)  # level 0: key = index
        .order_by(NODES.c.key)
        .limit(1)
    )
