"""Listings, their images and their price history."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.categories.models import Category
from core import clock
from core.db import Base, Money, UTCDateTime

STATUSES = ("draft", "submitted", "approved", "rejected", "off_shelf", "lapsed")
#: Statuses in which a listing occupies its category (on shelf or waiting for review).
LIVE_STATUSES = ("submitted", "approved")
STATUS_NAMES = {
    "draft": ("草稿", "Draft"),
    "submitted": ("待审核", "Waiting for review"),
    "approved": ("已上架", "On shelf"),
    "rejected": ("已驳回", "Rejected"),
    "off_shelf": ("已下架", "Off shelf"),
    "lapsed": ("已过期", "Lapsed"),
}


class Listing(Base):
    __tablename__ = "listings"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'submitted', 'approved', 'rejected', 'off_shelf', 'lapsed')",
            name="status",
        ),
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        Index("ix_listings_supplier_dedupe", "supplier_id", "dedupe_key"),
        Index("ix_listings_status_category", "status", "category_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    schema_version: Mapped[int] = mapped_column(Integer)
    standard_product_id: Mapped[int | None] = mapped_column(ForeignKey("standard_products.id"))
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(100))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    price: Mapped[Decimal] = mapped_column(Money)
    stock: Mapped[int] = mapped_column(Integer)
    region_ids: Mapped[list[int]] = mapped_column(JSON)
    sku: Mapped[str | None] = mapped_column(String(64))
    barcode: Mapped[str | None] = mapped_column(String(32))
    #: normalised brand + model, to refuse a supplier listing the same product twice
    dedupe_key: Mapped[str] = mapped_column(String(210))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    review_note: Mapped[str | None] = mapped_column(Text)
    sales: Mapped[int] = mapped_column(Integer, default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    category: Mapped[Category] = relationship()
    images: Mapped[list[ListingImage]] = relationship(
        order_by="ListingImage.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ListingImage(Base):
    __tablename__ = "listing_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    filename: Mapped[str] = mapped_column(String(100))  # content-addressed name under instance/
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class PriceChange(Base):
    """价格变动: every price a listing has had, with who changed it and when (SUP-3)."""

    __tablename__ = "listing_price_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    old_price: Mapped[Decimal | None] = mapped_column(Money)
    new_price: Mapped[Decimal] = mapped_column(Money)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    actor_user_id: Mapped[int | None] = mapped_column(Integer)


class CatalogSetting(Base):
    """Operator-set values, e.g. the listing term in days."""

    __tablename__ = "catalog_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
