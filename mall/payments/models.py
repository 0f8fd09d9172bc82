"""Payments of accepted orders through a payment gateway, their refunds and the gateway's
callbacks already applied (MALL-5, 无验收不结项 / 无合同不支付)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from core.db import Base, Money, UTCDateTime

#: created: written here, not yet known to the gateway; processing: the gateway has it and waits
#: for the payer; succeeded / failed: settled by a signed callback or by reconciliation.
PAYMENT_STATUSES = ("created", "processing", "succeeded", "failed")
PAYMENT_STATUS_NAMES = {
    "created": ("待提交", "Not yet sent to the gateway"),
    "processing": ("待付款", "Waiting for the payer"),
    "succeeded": ("已支付", "Paid"),
    "failed": ("支付失败", "Failed"),
}
REFUND_STATUSES = ("created", "processing", "succeeded", "failed")


class Payment(Base):
    """支付: one request to pay an accepted order's amount to its supplier from its budget line."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint(
            "status IN ('created', 'processing', 'succeeded', 'failed')", name="status"
        ),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("refunded >= 0 AND refunded <= amount", name="refunded_within_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(12), index=True)
    refunded: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    #: sent with every create call for this payment, so a retry never pays twice
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    #: the gateway's id of the payment
    gateway_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: where the payer confirms the payment on the gateway
    checkout_url: Mapped[str | None] = mapped_column(String(500))
    failure_code: Mapped[str | None] = mapped_column(String(60))
    failure_message: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    refunds: Mapped[list[Refund]] = relationship(order_by="Refund.id", cascade="all, delete-orphan")

    @property
    def status_zh(self) -> str:
        return PAYMENT_STATUS_NAMES[self.status][0]

    @property
    def status_en(self) -> str:
        return PAYMENT_STATUS_NAMES[self.status][1]


class Refund(Base):
    """退款: money of a succeeded payment sent back to the purchaser's budget line."""

    __tablename__ = "payment_refunds"
    __table_args__ = (
        CheckConstraint(
            "status IN ('created', 'processing', 'succeeded', 'failed')", name="status"
        ),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    gateway_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    failure_code: Mapped[str | None] = mapped_column(String(60))
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class GatewayEvent(Base):
    """A gateway callback already applied: a repeated delivery of the same event changes nothing."""

    __tablename__ = "payment_gateway_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    gateway_ref: Mapped[str] = mapped_column(String(64), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
