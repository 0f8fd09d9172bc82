"""Price samples, daily statistics and anomalies. All three are derived from the ledger; the
ledger sequence of the transaction is kept on each row, so a replay can find what it derived."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.db import Base, Money, UTCDateTime

#: What a statistics row is about.
KINDS = ("product", "category")


class PriceSample(Base):
    """成交价格样本: one order line at its unit price, as the ledger recorded it (a direct order,
    an auction's or a volume purchase's award, a framework agreement's call-off)."""

    __tablename__ = "price_samples"
    __table_args__ = (
        UniqueConstraint("seq", "item"),
        Index("ix_price_samples_product_day", "standard_product_id", "day"),
        Index("ix_price_samples_category_day", "category_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the ledger entry of the transaction, and the line's place in it
    seq: Mapped[int] = mapped_column(BigInteger)
    item: Mapped[int] = mapped_column(Integer)
    #: ``order`` (bought from a listing), ``auction`` (an auction's or a pool's award) or
    #: ``agreement`` (a framework agreement's call-off)
    source: Mapped[str] = mapped_column(String(10))
    order_id: Mapped[int | None] = mapped_column(Integer)
    standard_product_id: Mapped[int | None] = mapped_column(Integer)
    category_id: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int | None] = mapped_column(Integer)
    #: the region's materialised path ("/1/4/9/"): the sample counts in each of these regions
    region_path: Mapped[str] = mapped_column(String(255))
    unit: Mapped[str | None] = mapped_column(String(10))
    unit_price: Mapped[Decimal] = mapped_column(Money)
    quantity: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the day of ``at`` in Asia/Shanghai
    day: Mapped[date] = mapped_column(Date)


class PriceStatistic(Base):
    """One day's statistics of a standard product or a category in a region, over the 7 days
    ending that day (the day and the six before it). A row exists for each day with at least one
    sample of its own, and is kept as history."""

    __tablename__ = "price_statistics"
    __table_args__ = (
        UniqueConstraint("kind", "key_id", "region_id", "day"),
        CheckConstraint("kind IN ('product', 'category')", name="kind"),
        CheckConstraint("n >= 1", name="n_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    #: the standard product's or the category's id
    key_id: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    n: Mapped[int] = mapped_column(Integer)
    q1: Mapped[Decimal] = mapped_column(Money)
    median: Mapped[Decimal] = mapped_column(Money)
    q3: Mapped[Decimal] = mapped_column(Money)


class PriceAnomaly(Base):
    """价格异常: a transaction priced above Q3 + 1.5·IQR of the window it fell in, with the
    evidence. One per order line: a replay does not find it twice."""

    __tablename__ = "price_anomalies"
    __table_args__ = (
        UniqueConstraint("seq", "item"),
        Index("ix_price_anomalies_product", "standard_product_id", "day"),
        Index("ix_price_anomalies_category", "category_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    item: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(10))
    order_id: Mapped[int | None] = mapped_column(Integer)
    standard_product_id: Mapped[int | None] = mapped_column(Integer)
    category_id: Mapped[int] = mapped_column(Integer)
    #: the window it was judged against: its standard product's, or its category's
    kind: Mapped[str] = mapped_column(String(10))
    key_id: Mapped[int] = mapped_column(Integer)
    #: the transaction's region (the window is the whole area's: ``window_region_id``)
    region_id: Mapped[int | None] = mapped_column(Integer, index=True)
    window_region_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    quantity: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)
    q1: Mapped[Decimal] = mapped_column(Money)
    median: Mapped[Decimal] = mapped_column(Money)
    q3: Mapped[Decimal] = mapped_column(Money)
    fence: Mapped[Decimal] = mapped_column(Money)
    #: the ``price.anomaly_detected`` entry
    ledger_seq: Mapped[int | None] = mapped_column(BigInteger)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
