"""Volume purchases (带量采购, AUC-2): the pool, each purchaser unit's demand, the capacity each
bidder declares, and how the award was split.

The pool row carries the contested state — the pooled quantity and the number of demands — and is
locked by every demand added or withdrawn and by the clock that closes its window, so a demand can
never slip in after the close. A demand's funds are held on its budget line under
``("pool_demand", demand id)`` until the award moves them onto the orders or the pool fails.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auction.models import BiddingRules, LotTerms
from catalog.categories.models import Category
from core import clock
from core.accounts.models import Organisation
from core.db import Base, Money, UTCDateTime

POOL_STATUSES = ("open", "closed", "auctioned", "awarded", "failed", "cancelled")
DEMAND_STATUSES = ("active", "withdrawn", "awarded", "released")
#: The budget reference a demand's funds are held under.
DEMAND_REF = "pool_demand"


class Pool(LotTerms, BiddingRules, Base):
    """带量采购: a window in which purchaser units add demand for one standard product; at its
    close the pooled quantity goes to a reverse auction on the unit price."""

    __tablename__ = "pools"
    __table_args__ = (
        CheckConstraint(
            "status IN ('open', 'closed', 'auctioned', 'awarded', 'failed', 'cancelled')",
            name="status",
        ),
        *BiddingRules.checks(),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("closes_at > opens_at", name="closes_after_open"),
        CheckConstraint("auction_starts_at >= closes_at", name="auction_after_window"),
        CheckConstraint("auction_ends_at > auction_starts_at", name="auction_ends_after_start"),
        CheckConstraint("max_winners >= 1", name="max_winners_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the operator or lead purchaser unit that opened the pool
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: the organiser's region: where supervisors see the pool
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    status: Mapped[str] = mapped_column(String(10), index=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The times of the auction the pool goes to (its rules: ``BiddingRules``; each demand holds
    # its quantity times the ceiling).
    auction_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    auction_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: how many suppliers may share the award, each up to the capacity it declared
    max_winners: Mapped[int] = mapped_column(Integer, default=1)
    # The contested state, changed only under the row lock.
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    demand_count: Mapped[int] = mapped_column(Integer, default=0)
    # The outcome.
    auction_id: Mapped[int | None] = mapped_column(ForeignKey("auctions.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    organiser: Mapped[Organisation] = relationship(foreign_keys=[organiser_id])
    category: Mapped[Category] = relationship()

    @property
    def number(self) -> str:
        """带量采购编号, e.g. DL20261124000003."""
        return f"DL{clock.local(self.created_at):%Y%m%d}{self.id:06d}"


class PoolDemand(Base):
    """One purchaser unit's demand in a pool: how many, delivered where, paid from which line.
    One row per unit and pool; a unit that withdrew and adds again reuses its row."""

    __tablename__ = "pool_demands"
    __table_args__ = (
        UniqueConstraint("pool_id", "purchaser_id"),
        CheckConstraint("status IN ('active', 'withdrawn', 'awarded', 'released')", name="status"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("held >= 0", name="held_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id"), index=True)
    purchaser_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    placed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    status: Mapped[str] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column(Integer)
    budget_line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id"))
    #: what the line holds for this demand now (quantity × ceiling while active)
    held: Mapped[Decimal] = mapped_column(Money)
    delivery_region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    delivery_address: Mapped[str] = mapped_column(String(300))
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_phone: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    purchaser: Mapped[Organisation] = relationship(foreign_keys=[purchaser_id])


class PoolCapacity(Base):
    """供货能力: how many units a bidder in the pool's auction can supply (several winners)."""

    __tablename__ = "pool_capacities"
    __table_args__ = (
        UniqueConstraint("pool_id", "supplier_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class PoolAllocation(Base):
    """One share of the award: a purchaser's demand (or part of it) to one winner at its price,
    and the order that carries it."""

    __tablename__ = "pool_allocations"
    __table_args__ = (
        UniqueConstraint("demand_id", "supplier_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id"), index=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("pool_demands.id"))
    purchaser_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    rank: Mapped[int] = mapped_column(Integer)
    bid_id: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    quantity: Mapped[int] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(Money)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
