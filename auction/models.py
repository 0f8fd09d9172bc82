"""Reverse auctions (电子反拍, AUC-1), their bidders and accepted bids.

The auction row carries the contested state — the best price, the current end, the number of bids —
and is locked by every bid, so bids on one auction are serialised and two bids can never both become
best at the same price. Rejected bids are not rows: they are on the ledger with their reason.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.categories.models import Category
from core import clock
from core.accounts.models import Organisation
from core.db import Base, Money, UTCDateTime
from mall.agreements import calloff_models  # noqa: F401  (the tables a call-off auction refers to)

STATUSES = ("draft", "published", "awarded", "failed", "cancelled")
STATUS_NAMES = {
    "draft": ("草稿", "Draft"),
    "published": ("已发布", "Published"),
    "awarded": ("已成交", "Awarded"),
    "failed": ("流标", "Failed"),
    "cancelled": ("已撤销", "Cancelled"),
}
VISIBILITY = {
    "rank": ("仅显示本方排名", "Own rank only"),
    "best": ("显示最低报价", "Best price"),
    "ladder": ("显示匿名报价阶梯", "Anonymised ladder"),
}
MUST_BEAT = {
    "best": ("须低于当前最低报价", "Below the best price"),
    "own": ("须低于本方上次报价", "Below the bidder's own last bid"),
}


class LotTerms:
    """What is bought, the same for an auction and for the volume purchase that pools its lot
    (AUC-1, AUC-2): the title, the category and standard product with the parameters every offer
    must meet, the unit, the delivery date and whom to contact."""

    title: Mapped[str] = mapped_column(String(200))
    #: the title in English, when the organiser gave one (pages fall back to ``title``)
    title_en: Mapped[str | None] = mapped_column(String(200), nullable=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    standard_product_id: Mapped[int | None] = mapped_column(ForeignKey("standard_products.id"))
    #: parameters every offer must meet, e.g. {"cpu_cores": 8}
    required_params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    unit: Mapped[str] = mapped_column(String(10))
    delivery_date: Mapped[date] = mapped_column(Date)
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_phone: Mapped[str] = mapped_column(String(30))


class BiddingRules:
    """The rules of the bidding, the same for an auction and for the volume purchase that sets up
    its auction (AUC-1, AUC-2): the ceiling, the minimum decrement and what a bid must beat,
    anti-sniping, what bidders see, and the fewest bidders for a valid result."""

    #: 最高限价, a unit price
    ceiling: Mapped[Decimal] = mapped_column(Money)
    show_ceiling: Mapped[bool] = mapped_column(Boolean, default=True)
    decrement_mode: Mapped[str] = mapped_column(String(8))
    #: CNY for ``absolute``; percent of the price to beat for ``percent``
    decrement_value: Mapped[Decimal] = mapped_column(Money)
    must_beat: Mapped[str] = mapped_column(String(4))
    snipe_window_seconds: Mapped[int] = mapped_column(Integer)
    extension_seconds: Mapped[int] = mapped_column(Integer)
    max_extensions: Mapped[int] = mapped_column(Integer)
    visibility: Mapped[str] = mapped_column(String(8))
    min_bidders: Mapped[int] = mapped_column(Integer)

    @staticmethod
    def checks() -> tuple[CheckConstraint, ...]:
        """The checks on these columns, for the ``__table_args__`` of each table that has them."""
        return (
            CheckConstraint("decrement_mode IN ('absolute', 'percent')", name="decrement_mode"),
            CheckConstraint("must_beat IN ('best', 'own')", name="must_beat"),
            CheckConstraint("visibility IN ('rank', 'best', 'ladder')", name="visibility"),
            CheckConstraint("ceiling > 0", name="ceiling_positive"),
            CheckConstraint("min_bidders >= 1", name="min_bidders_positive"),
        )


class Auction(LotTerms, BiddingRules, Base):
    """网上竞价: one purchaser's demand that eligible suppliers bid down, as a unit price."""

    __tablename__ = "auctions"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'published', 'awarded', 'failed', 'cancelled')", name="status"
        ),
        *BiddingRules.checks(),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("extensions_used <= max_extensions", name="extensions_bounded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purchaser_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: the purchaser's region: where supervisors see the auction
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    status: Mapped[str] = mapped_column(String(10), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    delivery_region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    delivery_address: Mapped[str] = mapped_column(String(300))
    #: the line the lot is reserved on; none for a volume purchase, whose demands hold their own
    budget_line_id: Mapped[int | None] = mapped_column(ForeignKey("budget_lines.id"))
    #: the volume purchase (带量采购, AUC-2) whose pooled lot this auction sells, if any
    pool_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: the framework agreement call-off whose secondary competition (二次竞价, MALL-8) this is, if
    #: any: only its invited entrants bid (``AuctionInvitation``), each under its own ceiling
    calloff_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_calloffs.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the current end, moved by extensions
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    scheduled_end: Mapped[datetime] = mapped_column(UTCDateTime)
    extensions_used: Mapped[int] = mapped_column(Integer, default=0)
    sme_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # The contested state, changed only under the row lock.
    best_price: Mapped[Decimal | None] = mapped_column(Money)
    best_bid_id: Mapped[int | None] = mapped_column(Integer)
    bid_count: Mapped[int] = mapped_column(Integer, default=0)
    bidder_count: Mapped[int] = mapped_column(Integer, default=0)
    # The outcome.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when the clock recorded the opening
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    winner_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    awarded_bid_id: Mapped[int | None] = mapped_column(Integer)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    #: SHA-256 of the audit document produced at close
    audit_sha256: Mapped[str | None] = mapped_column(String(64))
    audit_document: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    purchaser: Mapped[Organisation] = relationship(foreign_keys=[purchaser_id])
    category: Mapped[Category] = relationship()

    @property
    def number(self) -> str:
        """竞价编号, e.g. JJ20261124000007."""
        return f"JJ{clock.local(self.created_at):%Y%m%d}{self.id:06d}"


class AuctionBidder(Base):
    """A supplier that bid, with the anonymous label others see (供应商 3) until the award."""

    __tablename__ = "auction_bidders"
    __table_args__ = (
        UniqueConstraint("auction_id", "supplier_id"),
        UniqueConstraint("auction_id", "label_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    auction_id: Mapped[int] = mapped_column(ForeignKey("auctions.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    label_no: Mapped[int] = mapped_column(Integer)
    #: the supplier's last accepted bid, which is also its lowest (every bid must go lower)
    last_price: Mapped[Decimal] = mapped_column(Money)
    last_bid_id: Mapped[int | None] = mapped_column(Integer)
    last_bid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    #: the share taken off this bidder's prices when offers are ranked (价格扣除, MALL-7), in basis
    #: points (1000 = 10 %), fixed when it first bids
    deduction_bp: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Bid(Base):
    """An accepted bid: a unit price, at the server's time, from whom and from where."""

    __tablename__ = "bids"
    __table_args__ = (
        UniqueConstraint("auction_id", "seq"),
        CheckConstraint("price > 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    auction_id: Mapped[int] = mapped_column(ForeignKey("auctions.id"), index=True)
    #: 1, 2, 3 … within the auction
    seq: Mapped[int] = mapped_column(Integer)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    price: Mapped[Decimal] = mapped_column(Money)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(String(45))
    device_id: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(6))  # http | socket


class AuctionInvitation(Base):
    """An entrant invited to a call-off's secondary competition (二次竞价, MALL-8), with its own
    ceiling: Σ its agreed unit price × the quantity called off. Fixed when the call-off is placed."""

    __tablename__ = "auction_invitations"
    __table_args__ = (
        UniqueConstraint("auction_id", "supplier_id"),
        CheckConstraint("ceiling > 0", name="ceiling_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    auction_id: Mapped[int] = mapped_column(ForeignKey("auctions.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    entrant_id: Mapped[int] = mapped_column(ForeignKey("agreement_entrants.id"))
    ceiling: Mapped[Decimal] = mapped_column(Money)
