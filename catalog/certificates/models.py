from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.db import Base, UTCDateTime

CERT_KINDS = ("energy_saving", "eco_label")
CERT_NAMES = {
    "energy_saving": ("节能产品认证", "Energy-saving"),
    "eco_label": ("环境标志产品认证", "Eco-label"),
}


class GreenCertificate(Base):
    __tablename__ = "green_certificates"
    __table_args__ = (
        UniqueConstraint("kind", "number"),
        CheckConstraint("kind IN ('energy_saving', 'eco_label')", name="kind"),
        CheckConstraint("valid_until >= valid_from", name="validity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(60))
    issuer: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until


class ListingCertificate(Base):
    __tablename__ = "listing_certificates"

    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("green_certificates.id"), primary_key=True
    )
