"""Ledger tables. There is no update or delete path in the code; on PostgreSQL and SQLite a trigger
refuses UPDATE and DELETE on ``ledger_entries`` (see the migration)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime

GENESIS = "0" * 64


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index("ix_ledger_entries_subject", "subject_type", "subject_id"),
        Index("ix_ledger_entries_action_at", "action", "at"),
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
