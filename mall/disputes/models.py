"""纠纷化解 (MALL-9): disputes on orders, their submissions and evidence, mediation proposals, rulings
and the effects the system carries out."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from core.db import Base, Money, UTCDateTime
from mall.orders.models import Order

REASONS = {
    "goods_mismatch": ("货物与商品信息或合同不符", "Goods do not match the listing or contract"),
    "late_delivery": ("逾期交付或未交付", "Late or missing delivery"),
    "refused_sign_accept": ("拒绝签约或验收", "Refusal to sign or accept"),
    "payment_delay": ("拖延付款", "Payment delay"),
    "other": ("其他", "Other"),
}
STATUS_NAMES = {
    "awaiting_response": ("待对方答辩", "Awaiting the response"),
    "under_review": ("审查中", "Under review"),
    "awaiting_evidence": ("待补充证据", "Awaiting evidence"),
    "mediation": ("调解中", "In mediation"),
    "settled": ("调解成功", "Settled"),
    "ruled": ("已裁决", "Ruled"),
    "archived": ("已归档", "Archived"),
}
STATUSES = tuple(STATUS_NAMES)
#: statuses in which the dispute is still being handled (the order's payment is held)
ACTIVE = ("awaiting_response", "under_review", "awaiting_evidence", "mediation")
OUTCOMES = {
    "upheld": ("支持申请", "Upheld"),
    "rejected_no_violation": ("驳回（无违约）", "Rejected: no violation"),
    "rejected_insufficient_evidence": ("驳回（证据不足）", "Rejected: insufficient evidence"),
    "withdrawn": ("申请人撤回", "Withdrawn by the applicant"),
    "settled": ("调解结案", "Settled by mediation"),
}
SUBMISSION_KINDS = {
    "opening": ("申请", "Application"),
    "response": ("答辩", "Response"),
    "evidence": ("补充证据", "Evidence"),
    "evidence_request": ("要求补充证据", "Evidence requested"),
    "proposal": ("调解方案", "Mediation proposal"),
    "proposal_answer": ("对调解方案的意见", "Answer to the proposal"),
    "ruling": ("裁决", "Ruling"),
    "note": ("记录", "Note"),
}
EFFECT_KINDS = {
    "refund": ("退款", "Refund"),
    "reopen": ("订单重新履约（换货）", "Order re-opened for replacement"),
    "credit_penalty": ("信用扣分", "Credit penalty"),
    "suspension": ("暂停供应商资格", "Supplier suspended"),
}
PARTIES = ("purchaser", "supplier")


def _in(column: str, values: Any) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Dispute(Base):
    __tablename__ = "disputes"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(_in("reason", REASONS), name="reason"),
        CheckConstraint(_in("opened_by", PARTIES), name="opened_by"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', OUTCOMES)}", name="outcome"),
        CheckConstraint(
            f"evidence_from IS NULL OR {_in('evidence_from', PARTIES)}", name="evidence_from"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    purchaser_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: the order's region, which decides the office and who may see the dispute
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    opened_by: Mapped[str] = mapped_column(String(10))
    opened_by_user: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(30))
    statement: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    response_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the respondent let the response deadline pass: the handler may rule on the record
    respondent_defaulted: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence_from: Mapped[str | None] = mapped_column(String(10))
    evidence_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the handler's own deadline to move the case on (rule, mediate or ask for evidence)
    handler_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the next deadline of whatever is awaited (the desk's queue is sorted by it)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    outcome: Mapped[str | None] = mapped_column(String(40))
    ruling_reasons: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    order: Mapped[Order] = relationship()
    submissions: Mapped[list[DisputeSubmission]] = relationship(
        order_by="DisputeSubmission.id", cascade="all, delete-orphan"
    )
    proposals: Mapped[list[MediationProposal]] = relationship(
        order_by="MediationProposal.id", cascade="all, delete-orphan"
    )
    effects: Mapped[list[DisputeEffect]] = relationship(
        order_by="DisputeEffect.id", cascade="all, delete-orphan"
    )

    @property
    def number(self) -> str:
        """纠纷编号, e.g. JF20261123000007."""
        return f"JF{clock.local(self.opened_at):%Y%m%d}{self.id:06d}"

    @property
    def respondent(self) -> str:
        return "supplier" if self.opened_by == "purchaser" else "purchaser"

    def party_org(self, party: str) -> int:
        return self.purchaser_id if party == "purchaser" else self.supplier_id


class DisputeSubmission(Base):
    """One step of the record: a statement, a response, evidence, a request, a proposal, a ruling."""

    __tablename__ = "dispute_submissions"
    __table_args__ = (CheckConstraint(_in("kind", SUBMISSION_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    #: purchaser | supplier | handler
    author: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    files: Mapped[list[DisputeFile]] = relationship(
        order_by="DisputeFile.id", cascade="all, delete-orphan"
    )


class DisputeFile(Base):
    """An evidence file; stored content-addressed, its hash on the ledger."""

    __tablename__ = "dispute_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("dispute_submissions.id"))
    filename: Mapped[str] = mapped_column(String(100))
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class MediationProposal(Base):
    """调解方案: terms the handler proposes; settled when both parties accept."""

    __tablename__ = "mediation_proposals"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'declined', 'lapsed')", name="status"),
        CheckConstraint("refund_amount IS NULL OR refund_amount > 0", name="refund_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    terms: Mapped[str] = mapped_column(Text)
    refund_amount: Mapped[Decimal | None] = mapped_column(Money)
    reopen: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    purchaser_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    supplier_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declined_by: Mapped[str | None] = mapped_column(String(10))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class DisputeEffect(Base):
    """What a ruling or settlement orders, carried out by the system: ``done`` once it has happened
    (a refund when the gateway has paid it back)."""

    __tablename__ = "dispute_effects"
    __table_args__ = (
        CheckConstraint(_in("kind", EFFECT_KINDS), name="kind"),
        CheckConstraint("status IN ('pending', 'done', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: the organisation it falls on
    target_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: the row it produced: a refund, a suspension
    ref_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
