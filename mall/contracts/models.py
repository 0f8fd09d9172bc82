"""Electronic contracts (电子合同, MALL-4) and their signatures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from core import clock
from core.db import Base, UTCDateTime
from mall.orders.models import Order


class Contract(Base):
    """The terms of a confirmed order as canonical JSON (``content``) and the SHA-256 of those
    bytes. The bytes are what both parties sign; they never change after creation."""

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    order: Mapped[Order] = relationship(backref=backref("contract", uselist=False))
    signatures: Mapped[list[ContractSignature]] = relationship(
        order_by="ContractSignature.id", cascade="all, delete-orphan"
    )


class ContractSignature(Base):
    """One party's Ed25519 signature over the contract's content, made with its organisation key."""

    __tablename__ = "contract_signatures"
    __table_args__ = (
        UniqueConstraint("contract_id", "party"),
        CheckConstraint("party IN ('purchaser', 'supplier')", name="party"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    party: Mapped[str] = mapped_column(String(10))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    key_id: Mapped[int] = mapped_column(ForeignKey("organisation_keys.id"))
    #: base64 of the 64-byte signature
    value: Mapped[str] = mapped_column(String(100))
    signed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
