"""Verifying the whole log (SUP-1): the hash chain, the Merkle tree and the signed checkpoints,
incrementally.

A walk recomputes, for each entry after its starting point, the chain hash and the leaf, rebuilds
the tree's perfect subtrees from those leaves and compares every one with the stored node, checks
each checkpoint met on the way (its root at its size, and its note's signature by this log's key),
and at the end compares the head. A successful walk saves where it stopped (the chain's hash and the
tree's right border, ``ledger_verification``); the next walk starts there and costs only the entries
added since — after checking that the stored tree still gives the saved border's root. ``full``
starts from the first entry.

A checkpoint kept outside (``kept``, a signed note) anchors the check where the database could have
been rewritten with its saved state: the ledger must have at least its entries, and the tree at its
size must have its root — recomputed from the entries by a full walk when it lies in the range an
earlier walk covered.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core import clock
from supervision.ledger import checkpoints, merkle, tree
from supervision.ledger.models import (
    GENESIS,
    LEVEL_SHIFT,
    LedgerCheckpoint,
    LedgerEntry,
    LedgerHead,
    LedgerNode,
    LedgerVerification,
    node_key,
)
from supervision.ledger.service import entry_hash
from tools.ledger_verifier import VerifierKey, VerifyError, open_note

BATCH = 5000
ENTRIES = LedgerEntry.__table__
NODES = LedgerNode.__table__


@dataclass
class _Walk:
    seq: int
    hash: str
    edge: list[bytes]


@dataclass
class LogReport:
    ok: bool
    #: entries verified in all (from the first)
    entries: int
    head_seq: int
    #: where this walk started (0: the first entry)
    started_after: int
    #: checkpoints whose root and signature were checked on this walk
    checkpoints: int = 0
    first_bad_seq: int | None = None
    reason: str | None = None
    root: str | None = None  # base64 root of the verified tree
    kept_size: int | None = None
    #: where the walk stopped, for ``save``
    walk: _Walk | None = field(default=None, repr=False)

    def fail(self, seq: int | None, reason: str) -> LogReport:
        self.ok, self.first_bad_seq, self.reason = False, seq, reason
        return self


def _start(session: Session, full: bool, report: LogReport) -> _Walk | None:
    saved = None if full else session.get(LedgerVerification, 1)
    if saved is None:
        return _Walk(0, GENESIS, [])
    walk = _Walk(saved.seq, saved.hash, tree.edge_hashes(saved.edge))
    try:
        stored = tree.root(session, saved.seq)
    except LookupError:
        stored = None
    if stored != merkle.fold(walk.edge):
        report.fail(
            saved.seq, f"the stored tree no longer gives the root verified at entry {saved.seq}"
        )
        return None
    return walk


def _stored_nodes(session: Session, made: list[tuple[int, int, bytes]]) -> dict:
    """The stored hashes of the nodes a batch made: one key range per level."""
    spans: dict[int, list[int]] = {}
    for level, index, _ in made:
        span = spans.setdefault(level, [index, index])
        span[0], span[1] = min(span[0], index), max(span[1], index)
    condition = or_(
        *(
            NODES.c.key.between(node_key(level, low), node_key(level, high))
            for level, (low, high) in spans.items()
        )
    )
    rows = session.execute(select(NODES.c.key, NODES.c.hash).where(condition))
    return {
        (row.key >> LEVEL_SHIFT, row.key & ((1 << LEVEL_SHIFT) - 1)): bytes(row.hash)
        for row in rows
    }


def verify_log(
    session: Session, config: dict[str, Any], *, full: bool = False, kept: str | None = None
) -> LogReport:
    """Walk the log from the last verified point (or the first entry) to the head."""
    signer = checkpoints.signer(config)
    key = VerifierKey.parse(signer.verifier_key)
    head = session.get(LedgerHead, 1)
    head_seq = head.seq if head else 0
    report = LogReport(True, 0, head_seq, 0)
    kept_checkpoint = None
    if kept is not None:
        try:
            kept_checkpoint = open_note(kept, key)
        except VerifyError as error:
            return report.fail(None, f"the kept checkpoint: {error}")
        report.kept_size = kept_checkpoint.size
        if kept_checkpoint.size > head_seq:
            return report.fail(
                head_seq + 1,
                f"the ledger has {head_seq} entries, fewer than the kept checkpoint's "
                f"{kept_checkpoint.size}: entries were removed",
            )
        saved = session.get(LedgerVerification, 1)
        if saved is not None and kept_checkpoint.size <= saved.seq:
            full = True  # the saved state could have been rewritten with the entries
    walk = _start(session, full, report)
    if walk is None:
        return report
    report.started_after = walk.seq
    commitment_key = tree.commitment_key(session)
    signed = {
        c.tree_size: c
        for c in session.scalars(
            select(LedgerCheckpoint).where(LedgerCheckpoint.tree_size > walk.seq)
        )
    }

    def check_at(size: int, root: bytes) -> str | None:
        kept_here = kept_checkpoint is not None and kept_checkpoint.size == size
        if kept_here and root != kept_checkpoint.root:  # type: ignore[union-attr]
            return f"the tree of {size} entries does not have the kept checkpoint's root"
        found = signed.get(size)
        if found is None:
            return None
        report.checkpoints += 1
        if found.verifier_key != signer.verifier_key:
            return f"checkpoint {size} was signed with another key ({found.verifier_key})"
        try:
            note = open_note(found.note, key)
        except VerifyError as error:
            return f"checkpoint {size}: {error}"
        if note.size != size or note.root != root or bytes(found.root) != root:
            return f"checkpoint {size} does not have the tree's root at its size"
        return None

    while True:
        rows = session.execute(
            select(ENTRIES).where(ENTRIES.c.seq > walk.seq).order_by(ENTRIES.c.seq).limit(BATCH)
        ).all()
        if not rows:
            break
        leaves = []
        for row in rows:
            if row.seq != walk.seq + 1:
                return report.fail(walk.seq + 1, f"entry {walk.seq + 1} is missing")
            if row.prev_hash != walk.hash:
                return report.fail(row.seq, "previous-hash link does not match")
            if entry_hash(row) != row.hash:  # type: ignore[arg-type]
                return report.fail(row.seq, "content does not match its hash")
            leaves.append(tree.leaf_of(row, commitment_key))
            walk.seq, walk.hash = row.seq, row.hash
        first = rows[0].seq - 1
        made: list[tuple[int, int, bytes]] = []
        roots: dict[int, bytes] = {}  # the root at each size a checkpoint names
        for offset, leaf in enumerate(leaves):
            more, walk.edge = merkle.append(first + offset, walk.edge, [leaf])
            made.extend(more)
            size = first + offset + 1
            if size in signed or (kept_checkpoint and kept_checkpoint.size == size):
                roots[size] = merkle.fold(walk.edge)
        stored = _stored_nodes(session, made)
        for level, index, value in made:
            if stored.get((level, index)) != value:
                seq = index * (1 << level) + 1
                what = "leaf" if level == 0 else f"tree node ({level}, {index})"
                return report.fail(seq, f"the stored {what} does not match the entries")
        for size, root in roots.items():
            problem = check_at(size, root)
            if problem:
                return report.fail(size, problem)
    report.entries = walk.seq
    if head is not None and (head.seq != walk.seq or head.hash != walk.hash):
        if head.seq > walk.seq:
            return report.fail(
                walk.seq + 1, f"entry {walk.seq + 1} is missing (head at {head.seq})"
            )
        return report.fail(head.seq, "head does not match the chain")
    if (
        head is not None
        and head.tree_edge is not None
        and tree.edge_hashes(head.tree_edge) != walk.edge
    ):
        return report.fail(head.seq, "the tree's border in the head does not match the entries")
    later = [size for size in signed if size > walk.seq]
    if later:
        return report.fail(min(later), f"checkpoint {min(later)} covers entries that do not exist")
    report.root = base64.b64encode(merkle.fold(walk.edge)).decode()
    report.walk = walk
    return report


def save(session: Session, report: LogReport) -> None:
    """Remember where a successful walk stopped (in ``session``'s transaction)."""
    walk = report.walk
    if not report.ok or walk is None:
        return
    row = session.get(LedgerVerification, 1)
    if row is None:
        row = LedgerVerification(id=1)
        session.add(row)
    if row.seq is not None and row.seq > walk.seq:
        return  # a walk that went further was saved meanwhile
    row.seq, row.hash, row.edge = walk.seq, walk.hash, tree.edge_text(walk.edge)
    row.verified_at = clock.now()
