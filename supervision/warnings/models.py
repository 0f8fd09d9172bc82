"""Warnings, their evidence and the steps of their case. All derived from the ledger or made by a
ledgered step; each row keeps the ledger sequence of the entry that made it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from core.db import Base, Money, UTCDateTime

LEVELS = ("red", "orange", "yellow")
#: open (raised, with a supervisor) → investigating → awaiting (an explanation was asked for) →
#: answered → investigating … → closed (销号); a closed warning may be reopened (investigating).
STATUSES = ("open", "investigating", "awaiting", "answered", "closed")
FINDINGS = ("no_violation", "rectified", "penalised")


class RiskWarning(Base):
    """One warning a rule raised about one subject (an order, an auction, a purchaser's year…).
    ``(rule, key)`` is unique: the same finding found again — by a replay, or twice — is the same
    warning."""

    __tablename__ = "warnings"
    __table_args__ = (
        UniqueConstraint("rule", "key"),
        Index("ix_warnings_region_path_status", "region_path", "status"),
        Index("ix_warnings_raised_at", "raised_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="open")
    #: the region the subject belongs to, and its materialised path
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    region_path: Mapped[str] = mapped_column(String(255))
    #: the region whose supervisors handle it (the subject's region, the one above once escalated)
    handling_region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    #: the organisation the warning is about (asked for an explanation), when there is one
    party_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: the rule's facts (amounts as strings), JSON
    facts: Mapped[str] = mapped_column(Text)
    #: the ledger entry that raised it (``warning.raised``) and the entry the rule read last
    seq: Mapped[int | None] = mapped_column(BigInteger)
    trigger_seq: Mapped[int | None] = mapped_column(BigInteger)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: the case must move by then (else it is escalated to the region above)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the party's explanation is due by then
    explanation_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finding: Mapped[str | None] = mapped_column(String(20))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    evidence: Mapped[list[WarningEvidence]] = relationship(
        order_by="WarningEvidence.id", cascade="all, delete-orphan"
    )
    steps: Mapped[list[WarningStep]] = relationship(
        order_by="WarningStep.id", cascade="all, delete-orphan"
    )


class WarningEvidence(Base):
    """What a warning rests on: a ledger entry (``seq``), or an object behind one."""

    __tablename__ = "warning_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("warnings.id"), index=True)
    seq: Mapped[int | None] = mapped_column(BigInteger)
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(200))


class WarningStep(Base):
    """One step of the case, as it was put on the ledger (``seq``)."""

    __tablename__ = "warning_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("warnings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    text: Mapped[str | None] = mapped_column(Text)
    #: the step's particulars (finding, penalty, deadline, assignee), JSON
    data: Mapped[str] = mapped_column(Text, default="{}")
    seq: Mapped[int | None] = mapped_column(BigInteger)


class WarningFact(Base):
    """A rule's running record of what it has read, to sum over a window without reading the
    ledger again (``rules.base.Context.remember`` / ``facts``): e.g. a purchaser's direct orders in
    one category. ``(rule, seq, item)`` is unique, so a replay remembers nothing twice."""

    __tablename__ = "warning_facts"
    __table_args__ = (
        UniqueConstraint("rule", "seq", "item"),
        Index("ix_warning_facts_rule_key_at", "rule", "key", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(120))
    #: the ledger entry it came from, and its place in it
    seq: Mapped[int] = mapped_column(BigInteger)
    item: Mapped[int] = mapped_column(default=0)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    amount: Mapped[Decimal] = mapped_column(Money)
    #: what else the rule keeps (a kind, a subject id)
    note: Mapped[str | None] = mapped_column(String(40))
