"""Designations (定点资格): a supplier's right to serve a designated service category until a date."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.db import Base, UTCDateTime


class Designation(Base):
    """定点资格: one row per supplier and category (the designation covers the category's subtree),
    granted until ``valid_until`` (inclusive, in China's calendar) and revocable by the operator.
    Granting again renews the same row."""

    __tablename__ = "supplier_designations"
    __table_args__ = (UniqueConstraint("supplier_id", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    valid_until: Mapped[date] = mapped_column(Date)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    granted_by: Mapped[int | None] = mapped_column(Integer)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[int | None] = mapped_column(Integer)
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    def valid_on(self, day: date) -> bool:
        return self.revoked_at is None and day <= self.valid_until
