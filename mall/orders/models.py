"""Carts, orders with their frozen items, and acceptance records (MALL-1, MALL-5)."""

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
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.listings.models import Listing
from core import clock
from core.accounts.models import Organisation
from core.db import Base, Money, UTCDateTime
from mall.budgets.models import BudgetLine

STATUSES = (
    "placed",
    "confirmed",
    "declined",
    "shipped",
    "delivered",
    "accepted",
    "acceptance_refused",
    "paid",
    "closed",
    "cancelled",
    "lapsed",
)
STATUS_NAMES = {
    "placed": ("待确认", "Waiting for the supplier"),
    "confirmed": ("已确认", "Confirmed"),
    "declined": ("已拒单", "Declined"),
    "shipped": ("已发货", "Shipped"),
    "delivered": ("已送达", "Delivered"),
    "accepted": ("已验收", "Accepted"),
    "acceptance_refused": ("验收不通过", "Acceptance refused"),
    "paid": ("已支付", "Paid"),
    "closed": ("已完结", "Closed"),
    "cancelled": ("已取消", "Cancelled"),
    "lapsed": ("超时未确认", "Lapsed unconfirmed"),
}
#: Statuses that hold stock and funds.
OPEN_STATUSES = ("placed", "confirmed")
PARTIES = ("purchaser", "supplier")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class CartItem(Base):
    """购物车: a listing and a quantity, per user. Prices are the listing's until checkout."""

    __tablename__ = "cart_items"
    __table_args__ = (
        UniqueConstraint("user_id", "listing_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    listing: Mapped[Listing] = relationship()


class Order(Base):
    """网上直购订单: one purchaser unit buying from one supplier, paid from one budget line."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint("total > 0", name="total_positive"),
        CheckConstraint("source IN ('mall', 'auction', 'agreement')", name="source"),
        CheckConstraint(
            "cancel_requested_by IS NULL OR cancel_requested_by IN ('purchaser', 'supplier')",
            name="cancel_requested_by",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purchaser_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    placed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    budget_line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id"), index=True)
    #: the purchaser's region: where supervisors see the order
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    status: Mapped[str] = mapped_column(String(20), index=True)
    #: how the order came about: ``mall`` (cart and checkout), ``auction`` (an award) or
    #: ``agreement`` (a framework agreement's call-off)
    source: Mapped[str] = mapped_column(String(10), default="mall")
    #: the auction whose award made the order, or the call-off
    source_id: Mapped[int | None] = mapped_column(Integer, index=True)
    total: Mapped[Decimal] = mapped_column(Money)
    #: what acceptance found delivered as ordered; the amount to pay
    accepted_total: Mapped[Decimal | None] = mapped_column(Money)
    delivery_address: Mapped[str] = mapped_column(String(300))
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_phone: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    # Terms frozen at placement; they go into the contract.
    delivery_days: Mapped[int] = mapped_column(Integer)
    acceptance_days: Mapped[int] = mapped_column(Integer)
    payment_days: Mapped[int] = mapped_column(Integer)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    confirm_by: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when the order was declined, cancelled or lapsed
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancel_requested_by: Mapped[str | None] = mapped_column(String(10))
    logistics_company: Mapped[str | None] = mapped_column(String(100))
    tracking_no: Mapped[str | None] = mapped_column(String(60))
    #: a dispute is open on the order: no payment can be made until it is resolved (MALL-9)
    payment_held: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    purchaser: Mapped[Organisation] = relationship(foreign_keys=[purchaser_id])
    supplier: Mapped[Organisation] = relationship(foreign_keys=[supplier_id])
    budget_line: Mapped[BudgetLine] = relationship()
    items: Mapped[list[OrderItem]] = relationship(
        order_by="OrderItem.id", cascade="all, delete-orphan"
    )
    acceptances: Mapped[list[Acceptance]] = relationship(
        order_by="Acceptance.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[OrderAttachment]] = relationship(
        order_by="OrderAttachment.id", cascade="all, delete-orphan"
    )

    @property
    def number(self) -> str:
        """订单编号, e.g. ZC20261123000042."""
        return f"ZC{clock.local(self.placed_at):%Y%m%d}{self.id:06d}"

    @property
    def status_zh(self) -> str:
        return STATUS_NAMES[self.status][0]

    @property
    def status_en(self) -> str:
        return STATUS_NAMES[self.status][1]


class OrderItem(Base):
    """A line of an order with everything copied from the listing at placement (prices frozen)."""

    __tablename__ = "order_items"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    #: the listing bought; none for a line awarded by an auction or volume purchase
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(100))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    quantity: Mapped[int] = mapped_column(Integer)
    line_total: Mapped[Decimal] = mapped_column(Money)
    # 定点服务 (MALL-2): when and where the service is performed, and what it is; only on lines of
    # service categories, and required on designated ones.
    service_date: Mapped[date | None] = mapped_column(Date)
    service_place: Mapped[str | None] = mapped_column(String(200))
    service_details: Mapped[str | None] = mapped_column(Text)

    @property
    def service(self) -> dict[str, Any] | None:
        if self.service_date is None:
            return None
        return {
            "service_date": self.service_date,
            "service_place": self.service_place,
            "service_details": self.service_details,
        }


class Acceptance(Base):
    """履约验收: the purchaser's record of what was delivered as ordered, or why it was refused."""

    __tablename__ = "acceptances"
    __table_args__ = (CheckConstraint("decision IN ('accepted', 'refused')", name="decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    decision: Mapped[str] = mapped_column(String(10))
    notes: Mapped[str | None] = mapped_column(Text)
    #: reasons for a refusal
    reasons: Mapped[list[str] | None] = mapped_column(JSON)
    accepted_total: Mapped[Decimal | None] = mapped_column(Money)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    items: Mapped[list[AcceptanceItem]] = relationship(
        order_by="AcceptanceItem.id", cascade="all, delete-orphan"
    )


class AcceptanceItem(Base):
    __tablename__ = "acceptance_items"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    acceptance_id: Mapped[int] = mapped_column(ForeignKey("acceptances.id"), index=True)
    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_items.id"))
    #: quantity accepted
    quantity: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(500))


class OrderAttachment(Base):
    """验收附件: a file the purchaser adds as evidence of acceptance (a signed acceptance report, photos),
    stored content-addressed under ``instance/uploads/orders/``; its hash goes on the ledger."""

    __tablename__ = "order_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    filename: Mapped[str] = mapped_column(String(100))
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
