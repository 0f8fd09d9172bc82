"""Framework agreements (框架协议采购, MALL-8), stage one: a solicitation (征集公告) with a maximum
unit price (最高限制单价) per item, the sealed responses of suppliers, and the agreement whose
entrants (入围供应商) were selected, each with its agreed unit price per item for the term.

A response's prices are sealed until the deadline: the ledger holds only the SHA-256 hash of its
canonical content (with a random salt, so the hash cannot be guessed by trying prices) until the
solicitor opens the responses, when the full content goes on the ledger.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from core.db import Base, Money, UTCDateTime

SOLICITATION_STATUSES = ("draft", "published", "opened", "evaluated", "selected", "concluded")
KINDS = ("closed", "open")
EVALUATIONS = ("price_priority", "quality_priority")
CALL_OFF_METHODS = ("direct", "secondary_competition", "rotation")
RESPONSE_STATUSES = ("submitted", "selected", "eliminated")
ENTRANT_STATUSES = ("active", "suspended", "terminated")
#: ``change_pending``: a price variation awaits the solicitor's signature (``changes``); call-offs
#: wait.
AGREEMENT_STATUSES = ("active", "change_pending", "ended")
#: who signs a framework agreement: the solicitor (征集人) and each entrant (入围供应商)
SIGNING_PARTIES = ("solicitor", "entrant")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Solicitation(Base):
    """征集公告: the terms on which suppliers are invited to enter a framework agreement."""

    __tablename__ = "agreement_solicitations"
    __table_args__ = (
        CheckConstraint(_in("status", SOLICITATION_STATUSES), name="status"),
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint(_in("evaluation", EVALUATIONS), name="evaluation"),
        CheckConstraint("term_ends > term_starts", name="term_ends_after_start"),
        CheckConstraint(
            "elimination_percent >= 1 AND elimination_percent <= 50", name="elimination_percent"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the operator or lead purchaser unit (征集人)
    solicitor_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: the region the agreement serves: its purchasers call off from it, its supervisors see it
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(6))
    evaluation: Mapped[str] = mapped_column(String(16))
    #: quality priority: ``[{"name": …, "weight": …}]``, weights summing to 100
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    #: the share of responders eliminated (淘汰比例), in per cent; at least one always is
    elimination_percent: Mapped[int] = mapped_column(Integer)
    call_off_methods: Mapped[list[str]] = mapped_column(JSON)
    term_starts: Mapped[date] = mapped_column(Date)
    term_ends: Mapped[date] = mapped_column(Date)
    response_deadline: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    selected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    items: Mapped[list[SolicitationItem]] = relationship(
        order_by="SolicitationItem.position", back_populates="solicitation"
    )

    @property
    def number(self) -> str:
        """征集编号, e.g. KJ20261124000003."""
        return f"KJ{clock.local(self.created_at):%Y%m%d}{self.id:06d}"


class SolicitationItem(Base):
    """One item of a solicitation: a leaf category or a standard product, the parameters required,
    the estimated quantity over the term and the maximum unit price."""

    __tablename__ = "agreement_items"
    __table_args__ = (
        UniqueConstraint("solicitation_id", "position"),
        CheckConstraint("estimated_quantity > 0", name="estimated_quantity_positive"),
        CheckConstraint("max_unit_price > 0", name="max_unit_price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solicitation_id: Mapped[int] = mapped_column(
        ForeignKey("agreement_solicitations.id"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    standard_product_id: Mapped[int | None] = mapped_column(ForeignKey("standard_products.id"))
    required_params: Mapped[dict[str, Any]] = mapped_column(JSON)
    unit: Mapped[str] = mapped_column(String(10))
    estimated_quantity: Mapped[int] = mapped_column(Integer)
    max_unit_price: Mapped[Decimal] = mapped_column(Money)

    solicitation: Mapped[Solicitation] = relationship(back_populates="items")


class AgreementResponse(Base):
    """响应文件: one supplier's response to a solicitation; a new one replaces it before the
    deadline. ``content_hash`` is what the ledger held until the opening."""

    __tablename__ = "agreement_responses"
    __table_args__ = (
        UniqueConstraint("solicitation_id", "supplier_id"),
        CheckConstraint(_in("status", RESPONSE_STATUSES), name="status"),
        CheckConstraint("total >= 0", name="total_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solicitation_id: Mapped[int] = mapped_column(
        ForeignKey("agreement_solicitations.id"), index=True
    )
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10))
    #: 供货能力: what the supplier can supply over the term, in its words
    capacity: Mapped[str] = mapped_column(String(1000))
    #: the regions the supplier serves (服务区域)
    region_ids: Mapped[list[int]] = mapped_column(JSON)
    #: Σ unit price × estimated quantity: what price priority ranks by
    total: Mapped[Decimal] = mapped_column(Money)
    salt: Mapped[str] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(64))
    #: quality priority: the solicitor's score per criterion (0–100) and the weighted score × 100
    scores: Mapped[dict[str, int] | None] = mapped_column(JSON)
    score_x100: Mapped[int | None] = mapped_column(Integer)
    rank: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    prices: Mapped[list[ResponsePrice]] = relationship(
        order_by="ResponsePrice.item_id", cascade="all, delete-orphan"
    )

    @property
    def score(self) -> Decimal | None:
        """The weighted score, two places (e.g. 93.50)."""
        if self.score_x100 is None:
            return None
        return (Decimal(self.score_x100) / 100).quantize(Decimal("0.01"))


class ResponsePrice(Base):
    """The unit price a response offers for one item (never above the item's maximum)."""

    __tablename__ = "agreement_response_prices"
    __table_args__ = (
        UniqueConstraint("response_id", "item_id"),
        CheckConstraint("unit_price > 0", name="unit_price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("agreement_responses.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agreement_items.id"))
    unit_price: Mapped[Decimal] = mapped_column(Money)


class Agreement(Base):
    """框架协议: the published result (入围结果) of a solicitation, in force for its term."""

    __tablename__ = "agreements"
    __table_args__ = (
        UniqueConstraint("solicitation_id"),
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint("term_ends > term_starts", name="term_ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solicitation_id: Mapped[int] = mapped_column(ForeignKey("agreement_solicitations.id"))
    solicitor_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # "change_pending" is 14
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(6))
    call_off_methods: Mapped[list[str]] = mapped_column(JSON)
    term_starts: Mapped[date] = mapped_column(Date)
    term_ends: Mapped[date] = mapped_column(Date)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: 顺序轮候: the rank of the entrant the last rotation offer went to (0: none yet). Moved under
    #: the agreement's row lock, so two call-offs never take the same turn.
    rotation_rank: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: the agreement's terms as canonical JSON, written when the result is published: the exact
    #: bytes the solicitor and every entrant sign (``mall.agreements.signing``); its SHA-256 went
    #: on the ledger with the result. None only for agreements published before signing existed.
    content: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))

    solicitation: Mapped[Solicitation] = relationship()
    entrants: Mapped[list[AgreementEntrant]] = relationship(order_by="AgreementEntrant.rank")
    signatures: Mapped[list[AgreementSignature]] = relationship(
        order_by="AgreementSignature.id", cascade="all, delete-orphan"
    )

    @property
    def number(self) -> str:
        """协议编号, e.g. XY20261201000001."""
        return f"XY{clock.local(self.published_at):%Y%m%d}{self.id:06d}"


class AgreementEntrant(Base):
    """入围供应商: a supplier in the agreement, its rank and its agreed unit prices. One selected at
    the result has its ``response_id``; one that joined an open agreement later has none, and an
    ``accession`` (``mall.agreements.joining``)."""

    __tablename__ = "agreement_entrants"
    __table_args__ = (
        UniqueConstraint("agreement_id", "supplier_id"),
        CheckConstraint(_in("status", ENTRANT_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: the response that won entry; None for a supplier that joined after the result
    response_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_responses.id"))
    rank: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    region_ids: Mapped[list[int]] = mapped_column(JSON)

    prices: Mapped[list[EntrantPrice]] = relationship(order_by="EntrantPrice.item_id")
    accession: Mapped[AgreementAccession | None] = relationship(
        primaryjoin="AgreementAccession.entrant_id == AgreementEntrant.id",
        uselist=False,
        viewonly=True,
    )


class EntrantPrice(Base):
    """协议价格: an entrant's agreed unit price for one item; call-offs never go above it."""

    __tablename__ = "agreement_entrant_prices"
    __table_args__ = (
        UniqueConstraint("entrant_id", "item_id"),
        CheckConstraint("unit_price > 0", name="unit_price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entrant_id: Mapped[int] = mapped_column(ForeignKey("agreement_entrants.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agreement_items.id"))
    unit_price: Mapped[Decimal] = mapped_column(Money)


class AgreementSignature(Base):
    """One party's Ed25519 signature over the agreement's content, made with its organisation key:
    the solicitor's, or an entrant's (``entrant_id``)."""

    __tablename__ = "agreement_signatures"
    __table_args__ = (
        UniqueConstraint("agreement_id", "organisation_id"),
        CheckConstraint(_in("party", SIGNING_PARTIES), name="party"),
        CheckConstraint(
            "(party = 'entrant') = (entrant_id IS NOT NULL)", name="entrant_signs_as_entrant"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    party: Mapped[str] = mapped_column(String(10))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    entrant_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_entrants.id"))
    key_id: Mapped[int] = mapped_column(ForeignKey("organisation_keys.id"))
    #: base64 of the 64-byte signature
    value: Mapped[str] = mapped_column(String(100))
    signed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class AgreementAccession(Base):
    """加入书: a supplier's accession to an open agreement (开放式框架协议) during its term. Its
    document — canonical JSON naming the agreement's content hash, the supplier's unit prices (at
    most the joining price), the regions it serves and its capacity — is signed with the supplier's
    Ed25519 organisation key; the signature stands for the entrant's signature of the agreement."""

    __tablename__ = "agreement_accessions"
    __table_args__ = (
        UniqueConstraint("agreement_id", "supplier_id"),
        UniqueConstraint("entrant_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    entrant_id: Mapped[int] = mapped_column(ForeignKey("agreement_entrants.id"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: 供货能力, in the supplier's words
    capacity: Mapped[str] = mapped_column(String(1000))
    #: the accession document (canonical JSON; its prices and regions are the entrant's) and its hash
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    #: the agreement's content hash the document names (None for an agreement without content)
    agreement_sha256: Mapped[str | None] = mapped_column(String(64))
    key_id: Mapped[int] = mapped_column(ForeignKey("organisation_keys.id"))
    #: base64 of the supplier's 64-byte Ed25519 signature over ``content``
    signature: Mapped[str] = mapped_column(String(100))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
