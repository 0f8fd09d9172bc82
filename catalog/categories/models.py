"""Category tree, parameter schema versions and standard products."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from core.db import Base, UTCDateTime

KINDS = ("goods", "works", "services")  # 货物 / 工程 / 服务


class Category(Base):
    """A node of the procurement item catalogue (政府采购品目), e.g. A02010104 台式计算机."""

    __tablename__ = "categories"
    __table_args__ = (CheckConstraint("kind IN ('goods', 'works', 'services')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    #: ids from the root down to this node, "/1/4/9/".
    path: Mapped[str] = mapped_column(String(255), index=True)
    sme_suitable: Mapped[bool] = mapped_column(default=False)  # 适宜中小企业
    energy_cert_mandatory: Mapped[bool] = mapped_column(default=False)  # 强制节能认证
    designated_service: Mapped[bool] = mapped_column(default=False)  # 定点服务
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    parent: Mapped[Category | None] = relationship(remote_side=[id])

    @property
    def path_ids(self) -> tuple[int, ...]:
        return self.ids_in_path(self.path)

    @staticmethod
    def ids_in_path(path: str) -> tuple[int, ...]:
        """The ids of a category and its ancestors, from its ``path``."""
        return tuple(int(part) for part in path.strip("/").split("/") if part)

    @property
    def active(self) -> bool:
        return self.retired_at is None


class ParameterSchema(Base):
    """One immutable version of a category's standard parameters (标准商品参数)."""

    __tablename__ = "parameter_schemas"
    __table_args__ = (UniqueConstraint("category_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    #: [{"code", "name_zh", "name_en", "type", "unit", "min", "max", "options", "required"}, …]
    params: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class StandardProduct(Base):
    """标准商品: a category plus fixed parameter values that purchasers ask for by name."""

    __tablename__ = "standard_products"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    schema_version: Mapped[int] = mapped_column(Integer)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    category: Mapped[Category] = relationship()
