"""Credit that restricts (SUP-4, 一处失信，处处受约): an organisation under a restriction may not bid
in auctions or volume purchases, nor respond to or join framework agreements, until it ends.

A restriction comes from a warning closed with a penalty (``supervision.warnings.cases``) or from
the credit score: when a rating leaves an organisation's overall score below
``CREDIT_RESTRICT_BELOW`` (default 2.50 of 5) over at least ``CREDIT_RESTRICT_MIN_RATINGS`` ratings
(default 3), it is restricted (``service.restrict_if_low``) for ``CREDIT_RESTRICT_DAYS`` days
(default 90) — once; a later rating that leaves it low while that restriction runs adds none.
Each restriction is on the ledger (``credit.restricted``) and on the organisation's credit record
with its reason and end. The catalog's eligibility rule
(``catalog.enrolment.eligibility.ineligible``) refuses a restricted supplier with
``credit_restricted``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core import clock
from core.accounts.auth import Actor
from core.db import Base, UTCDateTime
from core.messages import N_
from supervision.ledger import record

RESTRICTED = "credit.restricted"
#: defaults of the score rule (overridden by the app's config keys of the same names)
DEFAULTS = {
    "CREDIT_RESTRICT_BELOW": Decimal("2.50"),
    "CREDIT_RESTRICT_MIN_RATINGS": 3,
    "CREDIT_RESTRICT_DAYS": 90,
}
SOURCES = ("warning", "score")
SCORE_REASON = N_("Credit score %(score)s is below %(line)s over %(count)s ratings.")


class CreditRestriction(Base):
    """One restriction of an organisation, from ``starts_at`` until ``ends_at``."""

    __tablename__ = "credit_restrictions"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    source: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("warnings.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seq: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


def setting(name: str) -> Any:
    from flask import current_app, has_app_context

    default = DEFAULTS[name]
    raw = current_app.config.get(name) if has_app_context() else None
    if raw is None:
        return default
    return type(default)(str(raw))


def impose(
    session: Session,
    actor: Actor,
    org_id: int,
    days: int,
    reason: str,
    *,
    source: str,
    warning_id: int | None = None,
) -> CreditRestriction:
    """Restrict the organisation from now for ``days`` days, on the ledger."""
    now = clock.now()
    row = CreditRestriction(
        org_id=org_id,
        source=source,
        reason=reason,
        warning_id=warning_id,
        starts_at=now,
        ends_at=now + timedelta(days=days),
        created_at=now,
    )
    session.add(row)
    session.flush()
    entry = record(
        session,
        actor,
        RESTRICTED,
        ("organisation", org_id),
        {
            "restriction_id": row.id,
            "source": source,
            "reason": reason,
            "until": row.ends_at,
            "days": days,
            "warning_id": warning_id,
        },
    )
    row.seq = entry.seq
    return row


def active(session: Session, org_id: int, at: datetime | None = None) -> CreditRestriction | None:
    """The restriction in force that ends last, if any."""
    return restricted(session, [org_id], at).get(org_id)


def restricted(
    session: Session, org_ids: Iterable[int], at: datetime | None = None
) -> dict[int, CreditRestriction]:
    """The organisations among ``org_ids`` under a restriction at ``at`` (now), each with the one
    that ends last. One query."""
    ids = sorted(set(org_ids))
    if not ids:
        return {}
    at = at or clock.now()
    out: dict[int, CreditRestriction] = {}
    for row in session.scalars(
        select(CreditRestriction)
        .where(
            CreditRestriction.org_id.in_(ids),
            CreditRestriction.starts_at <= at,
            CreditRestriction.ends_at > at,
        )
        .order_by(CreditRestriction.ends_at)
    ):
        out[row.org_id] = row
    return out


def history(session: Session, org_id: int) -> list[CreditRestriction]:
    """Every restriction of the organisation, newest first."""
    return list(
        session.scalars(
            select(CreditRestriction)
            .where(CreditRestriction.org_id == org_id)
            .order_by(CreditRestriction.starts_at.desc(), CreditRestriction.id.desc())
        )
    )
