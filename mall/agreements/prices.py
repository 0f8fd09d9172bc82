"""The agreed unit prices in force at a moment (MALL-8): a price change to an agreement applies only
to call-offs placed after it. ``AgreementEntrant.prices`` holds the prices in force now; each price
a change replaced is kept (``AgreementPriceChange``), so the prices at an earlier moment are the
current ones with every later change undone."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from mall.agreements.change_models import AgreementPriceChange
from mall.agreements.models import AgreementEntrant


def prices_at(session: Session, entrant: AgreementEntrant, at: datetime) -> dict[int, Decimal]:
    """The entrant's agreed unit price per item in force at ``at`` (a call-off's ``placed_at``)."""
    prices = {p.item_id: p.unit_price for p in entrant.prices}
    later = session.scalars(
        select(AgreementPriceChange)
        .where(
            AgreementPriceChange.entrant_id == entrant.id,
            AgreementPriceChange.effective_at > at,
        )
        .order_by(AgreementPriceChange.effective_at.desc(), AgreementPriceChange.id.desc())
    )
    # Undo the latest first, so each item ends at the price before the earliest later change.
    for row in later:
        prices[row.item_id] = row.previous
    return prices
