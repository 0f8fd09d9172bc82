"""Ledger tables. There is no update or delete path in the code; on PostgreSQL and SQLite a trigger
refuses UPDATE and DELETE on ``ledger_entries``, ``ledger_tree_nodes`` and ``ledger_checkpoints``
(see the migrations)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime

GENESIS = "0" * 64


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index("ix_ledger_entries_subject", "subject_type", "subject_id"),
        Index("ix_ledger_entries_action_at", "action", "at"),
        # readers (supervision.readers) take the entries of some actions in a range of sequences
        Index("ix_ledger_entries_action_seq", "action", "seq"),
        Index("ix_ledger_entries_at", "at"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_username: Mapped[str] = mapped_column(String(64))
    actor_org_id: Mapped[int | None] = mapped_column(Integer)
    actor_ip: Mapped[str | None] = mapped_column(String(45))
    actor_device: Mapped[str | None] = mapped_column(String(128))
    region_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON, hashed byte for byte
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class LedgerHead(Base):
    """One row naming the last entry. Appends lock it, which serialises them into one gap-free chain,
    and ``verify`` compares it with the chain so that a removed tail is noticed too."""

    __tablename__ = "ledger_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    #: the Merkle tree's right border after entry ``seq`` (hex hashes of its perfect subtrees,
    #: largest first, concatenated); None until the tree is built over the existing entries
    tree_edge: Mapped[str | None] = mapped_column(Text)
    #: the key of the commitments that stand for an entry's personal data (its actor's username,
    #: address and device) in the tree's leaves; made by the migration, never shown
    commitment_key: Mapped[str | None] = mapped_column(String(64))


class LedgerNode(Base):
    """A perfect subtree of the ledger's Merkle tree (RFC 9162): level 0 holds the leaves (leaf
    index = seq − 1), level L index i the root over leaves [i·2^L, (i+1)·2^L). Its key is
    ``L·2^40 + i`` (``node_key``), so that a proof's nodes are read by one primary-key IN. Written
    once, when its last leaf is appended, in the same transaction; never changed (a trigger
    refuses it)."""

    __tablename__ = "ledger_tree_nodes"
    __table_args__ = (Index("ix_ledger_tree_nodes_hash", "hash"),)

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


#: a tree holds fewer than 2^40 leaves
LEVEL_SHIFT = 40


def node_key(level: int, index: int) -> int:
    return (level << LEVEL_SHIFT) | index


class LedgerCheckpoint(Base):
    """A signed checkpoint (C2SP tlog-checkpoint, an Ed25519 signed note), kept forever."""

    __tablename__ = "ledger_checkpoints"

    tree_size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    #: the note verifier key it was signed with (``<origin>+<key id>+<base64 key>``)
    verifier_key: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LedgerVerification(Base):
    """Where the last successful ``verify`` stopped: the chain's hash and the tree's right border
    at that entry, so that the next walk starts there (one row)."""

    __tablename__ = "ledger_verification"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    #: the tree's right border at ``seq``: the hex hashes of its perfect subtrees, largest first
    edge: Mapped[str] = mapped_column(Text)
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime)
