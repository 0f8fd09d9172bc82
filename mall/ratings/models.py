"""Ratings the parties of a closed order give each other (SUP-4, 信用互评)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.db import Base, UTCDateTime
from supervision.credit.criteria import overall


class Rating(Base):
    """One side's rating of the other on one order: scores 1–5 on its side's criteria and an
    optional comment. ``side`` is the rater's side: a purchaser's rating is about the supplier."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("order_id", "side"),
        CheckConstraint("side IN ('purchaser', 'supplier')", name="side"),
        CheckConstraint("rater_org_id <> rated_org_id", name="rater_not_rated"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    rater_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    rated_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    side: Mapped[str] = mapped_column(String(10))
    #: criterion code → score 1..5
    scores: Mapped[dict[str, int]] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    rated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    @property
    def overall(self) -> Decimal:
        """The mean of the scores, two places."""
        return overall(self.scores)
