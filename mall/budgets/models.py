"""Budget lines of purchaser units and every movement of their funds (MALL-3, 无预算不采购)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from core.accounts.models import Organisation
from core.db import Base, Money, UTCDateTime

#: 资金来源
FUND_SOURCES = {
    "general": ("一般公共预算", "General public budget"),
    "government_fund": ("政府性基金预算", "Government fund budget"),
    "state_capital": ("国有资本经营预算", "State capital operations budget"),
    "special_account": ("财政专户管理资金", "Funds in fiscal special accounts"),
    "own_funds": ("单位资金", "The unit's own funds"),
}
MOVEMENTS = ("reserve", "release", "consume", "refund", "adjust")


class BudgetLine(Base):
    """预算指标: an amount a purchaser unit may spend in a fiscal year from one fund source.

    ``reserved`` is held by placed orders; ``consumed`` has been paid. The database refuses a line
    whose reserved and consumed funds exceed its amount, as a last guard behind the row lock.
    """

    __tablename__ = "budget_lines"
    __table_args__ = (
        UniqueConstraint("organisation_id", "fiscal_year", "code"),
        CheckConstraint(
            "fund_source IN ('general', 'government_fund', 'state_capital', 'special_account', "
            "'own_funds')",
            name="fund_source",
        ),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("consumed >= 0", name="consumed_not_negative"),
        CheckConstraint("reserved + consumed <= amount", name="within_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    fund_source: Mapped[str] = mapped_column(String(20))
    #: the unit's budget item code (预算项目编码)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Money)
    reserved: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    consumed: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    organisation: Mapped[Organisation] = relationship()

    @property
    def available(self) -> Decimal:
        return self.amount - self.reserved - self.consumed


class BudgetMovement(Base):
    """One change of a line's funds: reserved for, released from or consumed by a reference
    (``order`` 12), or the amount adjusted (signed change)."""

    __tablename__ = "budget_movements"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('reserve', 'release', 'consume', 'refund', 'adjust')", name="kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Money)
    ref_type: Mapped[str | None] = mapped_column(String(20))
    ref_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
