"""Supplier profiles, enrolment applications, enrolled categories, suspensions, and the registrations
of suppliers that registered themselves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.db import Base, UTCDateTime

SIZES = ("large", "medium", "small", "micro")  # 大 / 中 / 小 / 微
SME_SIZES = ("medium", "small", "micro")
SIZE_NAMES = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
APPLICATION_STATUSES = ("pending", "approved", "rejected")


class SupplierProfile(Base):
    """一地登记、全区通用: enrolled once, valid in the whole region."""

    __tablename__ = "supplier_profiles"
    __table_args__ = (
        CheckConstraint("enterprise_size IN ('large', 'medium', 'small', 'micro')", name="size"),
    )

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    licence_no: Mapped[str] = mapped_column(String(18))
    enterprise_size: Mapped[str] = mapped_column(String(10))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    @property
    def sme(self) -> bool:
        return self.enterprise_size in SME_SIZES


class EnrolmentApplication(Base):
    __tablename__ = "enrolment_applications"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
        CheckConstraint("enterprise_size IN ('large', 'medium', 'small', 'micro')", name="size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    licence_no: Mapped[str] = mapped_column(String(18))
    enterprise_size: Mapped[str] = mapped_column(String(10))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    category_ids: Mapped[list[int]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class SupplierCategory(Base):
    """A category (and its subtree) the supplier may list and bid in."""

    __tablename__ = "supplier_categories"

    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), primary_key=True)
    since: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Suspension(Base):
    """暂停: the supplier may not list or bid from ``starts_at`` until ``ends_at``."""

    __tablename__ = "supplier_suspensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(Integer)
    #: set when the automatic reinstatement has been recorded on the ledger
    reinstated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SupplierRegistration(Base):
    """营业执照 and contact of a supplier that registered itself; the licence file is stored
    content-addressed under ``instance/uploads/licences/`` and only its hash goes on the ledger."""

    __tablename__ = "supplier_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("enrolment_applications.id"))
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(30))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    licence_filename: Mapped[str] = mapped_column(String(100))
    licence_original_name: Mapped[str] = mapped_column(String(200))
    licence_content_type: Mapped[str] = mapped_column(String(40))
    licence_size: Mapped[int] = mapped_column(Integer)
    licence_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
