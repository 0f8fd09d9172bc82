"""Changes to a framework agreement in force (协议变更, MALL-8), after Prozorro's agreement changes.

The agreement's original signed content never changes; each change is a document of its own —
canonical JSON and its SHA-256, signed on activation with the key of the party that makes it — and
the agreement's current terms are the original plus its active changes in order.
``AgreementPriceChange`` keeps each agreed unit price that a change replaced and from when, so a
call-off is priced at what was in force when it was placed (``mall.agreements.prices``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.db import Base, Money, UTCDateTime
from mall.agreements.models import _in

#: ``price_variation``: the solicitor's new prices (a market or tax-rate change), pending until it
#: signs them; ``price_reduction``: an entrant lowers its own prices, at once;
#: ``party_withdrawal``: the solicitor terminates an entrant, at once.
CHANGE_KINDS = ("price_variation", "price_reduction", "party_withdrawal")
CHANGE_STATUSES = ("pending", "active", "cancelled")
#: why an entrant is terminated
WITHDRAWAL_REASONS = ("breach", "entrant_request", "other")


class AgreementChange(Base):
    """协议变更: one change to an agreement, its content and the signature that made it active."""

    __tablename__ = "agreement_changes"
    __table_args__ = (
        CheckConstraint(_in("kind", CHANGE_KINDS), name="kind"),
        CheckConstraint(_in("status", CHANGE_STATUSES), name="status"),
        CheckConstraint(
            "(status = 'active') = (activated_at IS NOT NULL AND signature IS NOT NULL)",
            name="active_is_signed",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), index=True)
    rationale: Mapped[str] = mapped_column(String(1000))
    #: the organisation that makes the change and signs it: the solicitor, or the entrant's supplier
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: the entrant a reduction or a withdrawal is about
    entrant_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_entrants.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: canonical JSON of the change (``core.canonical``): the exact bytes signed
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[int | None] = mapped_column(ForeignKey("organisation_keys.id"))
    #: base64 of the 64-byte Ed25519 signature over ``content``
    signature: Mapped[str | None] = mapped_column(String(100))
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AgreementPriceChange(Base):
    """An agreed unit price that a change replaced: ``previous`` until ``effective_at``, ``unit_price``
    from then on. A call-off placed before ``effective_at`` keeps ``previous``."""

    __tablename__ = "agreement_price_changes"
    __table_args__ = (
        CheckConstraint("unit_price > 0", name="unit_price_positive"),
        CheckConstraint("previous > 0", name="previous_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("agreement_changes.id"), index=True)
    entrant_id: Mapped[int] = mapped_column(ForeignKey("agreement_entrants.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agreement_items.id"))
    previous: Mapped[Decimal] = mapped_column(Money)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    effective_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
