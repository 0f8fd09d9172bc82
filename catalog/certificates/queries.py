"""Read-only questions about green certificates that other packages ask (search indexing and result
cards): they depend on the models only, so asking them imports no certificate service."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from catalog.certificates.models import GreenCertificate, ListingCertificate
from core import clock


def today() -> date:
    """The day in Asia/Shanghai: a certificate is valid for whole local days."""
    return clock.local(clock.now()).date()


def green_clause(listing_id: Any, day: date | None = None) -> Any:
    """A SQL condition: the listing ``listing_id`` (a column or a value) holds a certificate valid on
    ``day`` (today)."""
    day = day or today()
    return exists(
        select(ListingCertificate.listing_id)
        .join(GreenCertificate, GreenCertificate.id == ListingCertificate.certificate_id)
        .where(
            ListingCertificate.listing_id == listing_id,
            GreenCertificate.valid_from <= day,
            GreenCertificate.valid_until >= day,
        )
    )


def green_listing_ids(
    session: Session, listing_ids: list[int], day: date | None = None
) -> set[int]:
    """Which of ``listing_ids`` hold a certificate valid on ``day`` (today) — one query."""
    day = day or today()
    return set(
        session.scalars(
            select(ListingCertificate.listing_id)
            .join(GreenCertificate, GreenCertificate.id == ListingCertificate.certificate_id)
            .where(
                ListingCertificate.listing_id.in_(listing_ids),
                GreenCertificate.valid_from <= day,
                GreenCertificate.valid_until >= day,
            )
        )
    )
