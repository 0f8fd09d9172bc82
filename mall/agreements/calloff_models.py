"""Framework agreements (MALL-8), stage two: call-offs (第二阶段 / 采购订单). A purchaser calls off
items of an agreement by direct selection (直接选定), rotation (顺序轮候) or secondary competition
(二次竞价); a rotation call-off is offered to one entrant at a time (``CallOffOffer``) until one
accepts; a secondary competition is a reverse auction among the entrants (``auction.calloffs``),
whose id the call-off keeps in ``auction_id``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from core.db import Base, Money, UTCDateTime
from mall.agreements.models import CALL_OFF_METHODS, _in

#: ``placed``: checked and funded, not yet ordered or offered; ``offered``: waiting for the
#: entrant whose turn it is; ``ordered``: the order exists;
#: ``competing``: its secondary competition (a reverse auction among the entrants) is under way;
#: ``unfilled``: every active entrant declined or let its turn pass, or the competition failed;
#: the funds went back.
CALL_OFF_STATUSES = ("placed", "offered", "competing", "ordered", "unfilled")
#: 直接选定的理由: why the purchaser chose this entrant
REASONS = ("price", "quality", "service", "delivery")
OFFER_STATUSES = ("offered", "accepted", "declined", "timed_out")


class CallOff(Base):
    """One call-off: what the purchaser needs from the agreement, paid from one budget line."""

    __tablename__ = "agreement_calloffs"
    __table_args__ = (
        CheckConstraint(_in("status", CALL_OFF_STATUSES), name="status"),
        CheckConstraint(_in("method", CALL_OFF_METHODS), name="method"),
        CheckConstraint(f"reason IS NULL OR {_in('reason', REASONS)}", name="reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    purchaser_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    placed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    budget_line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id"))
    #: the purchaser's region: where supervisors see the call-off
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    method: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(10), index=True)
    #: the entrant chosen (direct), or the one whose turn it is / who accepted (rotation)
    entrant_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_entrants.id"))
    reason: Mapped[str | None] = mapped_column(String(10))
    reason_note: Mapped[str | None] = mapped_column(String(500))
    #: what the budget line holds for the call-off until its order takes the funds over
    held: Mapped[Decimal] = mapped_column(Money)
    delivery_address: Mapped[str] = mapped_column(String(300))
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_phone: Mapped[str] = mapped_column(String(30))
    delivery_date: Mapped[date] = mapped_column(Date)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    #: the reverse auction of a secondary competition (``auctions.id``; a plain number, as mall
    #: sits below the auction package)
    auction_id: Mapped[int | None] = mapped_column(Integer, index=True)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    items: Mapped[list[CallOffItem]] = relationship(
        order_by="CallOffItem.item_id", cascade="all, delete-orphan"
    )
    offers: Mapped[list[CallOffOffer]] = relationship(order_by="CallOffOffer.id")

    @property
    def number(self) -> str:
        """采购订单编号, e.g. CO20261201000001."""
        return f"CO{clock.local(self.placed_at):%Y%m%d}{self.id:06d}"


class CallOffItem(Base):
    """An item of the agreement and the quantity called off."""

    __tablename__ = "agreement_calloff_items"
    __table_args__ = (
        UniqueConstraint("calloff_id", "item_id"),
        CheckConstraint("quantity >= 1", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    calloff_id: Mapped[int] = mapped_column(ForeignKey("agreement_calloffs.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agreement_items.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    #: the unit price of the order, once there is one: never above the entrant's agreed price
    unit_price: Mapped[Decimal | None] = mapped_column(Money)


class CallOffOffer(Base):
    """A rotation turn: the call-off offered to one entrant, answered by ``expires_at``."""

    __tablename__ = "agreement_calloff_offers"
    __table_args__ = (
        UniqueConstraint("calloff_id", "entrant_id"),
        CheckConstraint(_in("status", OFFER_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    calloff_id: Mapped[int] = mapped_column(ForeignKey("agreement_calloffs.id"), index=True)
    entrant_id: Mapped[int] = mapped_column(ForeignKey("agreement_entrants.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(500))
