"""Disclosure tables (SUP-5): the OCDS releases derived from the ledger, and what the reader
remembers of each process between entries (which ocid an order, an auction or a call-off
belongs to, and who its parties are)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class OcdsLink(Base):
    """A thing of the mall (``kind``, ``ref_id``) and the OCDS process (``ocid``) it belongs to:
    an order and its award and contract, an auction, a pool, a solicitation, an agreement, a
    call-off. ``facts`` (JSON) holds what later releases of the process need."""

    __tablename__ = "ocds_links"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    ref_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ocid: Mapped[str] = mapped_column(String(120), index=True)
    #: the ledger entry that made the link (a replay forgets the links after its start)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    buyer_id: Mapped[int | None] = mapped_column(Integer)
    supplier_id: Mapped[int | None] = mapped_column(Integer)
    award_id: Mapped[str | None] = mapped_column(String(64))
    contract_id: Mapped[str | None] = mapped_column(String(64))
    facts: Mapped[str] = mapped_column(Text, default="{}")


class OcdsRelease(Base):
    """One OCDS release: what one ledger entry changed in one process. ``data`` is the release as
    published (JSON, amounts as numbers written from their decimal strings)."""

    __tablename__ = "ocds_releases"
    __table_args__ = (
        UniqueConstraint("seq", "ocid"),
        Index("ix_ocds_releases_released_at", "released_at"),
        Index("ix_ocds_releases_notice", "notice", "released_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[str] = mapped_column(String(160), unique=True)
    ocid: Mapped[str] = mapped_column(String(120), index=True)
    #: the ledger entry it was derived from (its inclusion proof is public)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    action: Mapped[str] = mapped_column(String(64))
    tags: Mapped[str] = mapped_column(String(120))
    released_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: its Asia/Shanghai day (the daily bulk file)
    day: Mapped[date] = mapped_column(Date, index=True)
    #: a result (成交公告): an award or a contract
    notice: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(String(300), default="")
    data: Mapped[str] = mapped_column(Text)
