from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from core.db import Base, UTCDateTime

HALL_KINDS = ("theme", "industry")


class Hall(Base):
    __tablename__ = "halls"
    __table_args__ = (CheckConstraint("kind IN ('theme', 'industry')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    #: a saved search: the arguments of /api/catalog/search (q, category_id, green_only, …)
    rule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    picks: Mapped[list[HallPick]] = relationship(
        order_by="HallPick.position", cascade="all, delete-orphan"
    )


class HallPick(Base):
    """A listing an operator placed in the hall by hand."""

    __tablename__ = "hall_picks"

    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
