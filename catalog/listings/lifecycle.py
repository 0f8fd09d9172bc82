"""A listing's life: submitted by its supplier, reviewed by an operator, taken off the shelf, renewed,
and lapsed when its term ends (the term in days is a catalog setting).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories.service import require_operator
from catalog.enrolment.service import check_eligible
from catalog.listings.access import own_listing, supplier_of
from catalog.listings.models import LIVE_STATUSES, CatalogSetting, Listing
from catalog.search.indexing import queue_reindex
from core import clock
from core.accounts.auth import Actor
from core.accounts.roles import Role
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from supervision.ledger import record

DEFAULT_TERM_DAYS = 365


def term_days(session: Session) -> int:
    row = session.get(CatalogSetting, "listing_term_days")
    return int(row.value) if row else DEFAULT_TERM_DAYS


def set_term_days(session: Session, actor: Actor, days: int) -> int:
    require_operator(actor)
    if not 1 <= days <= 3650:
        raise ValidationFailed("The term is 1 to 3650 days.", details={"days": ["1..3650"]})
    row = session.get(CatalogSetting, "listing_term_days")
    if row is None:
        session.add(CatalogSetting(key="listing_term_days", value=str(days)))
    else:
        row.value = str(days)
    record(
        session, actor, "catalog.term_set", ("catalog_setting", "listing_term_days"), {"days": days}
    )
    return days


def _transition(
    session: Session, actor: Actor, listing: Listing, to: str, action: str, **payload: Any
) -> Listing:
    listing.status = to
    listing.updated_at = clock.now()
    session.flush()
    record(session, actor, action, ("listing", listing.id), {"status": to, **payload})
    queue_reindex(session, listing.id)
    return listing


def submit(session: Session, actor: Actor, listing_id: int) -> Listing:
    supplier_id = supplier_of(actor)
    listing = own_listing(session, actor, listing_id)
    if listing.status not in ("draft", "rejected", "off_shelf", "lapsed"):
        raise Conflict(
            "A listing that is %(status)s cannot be submitted.",
            code="bad_status",
            params={"status": listing.status},
        )
    check_eligible(session, supplier_id, listing.category)
    listing.submitted_at = clock.now()
    return _transition(session, actor, listing, "submitted", "listing.submitted")


def review(
    session: Session, actor: Actor, listing_id: int, approve: bool, note: str | None
) -> Listing:
    """审核: the operator approves (on shelf for the configured term) or rejects with a reason."""
    require_operator(actor)
    listing = session.get(Listing, listing_id)
    if listing is None:
        raise NotFound("No such listing.")
    if listing.status != "submitted":
        raise Conflict("Only submitted listings are reviewed.", code="bad_status")
    note = (note or "").strip() or None
    if not approve:
        if not note:
            raise ValidationFailed("A rejection needs a reason.", details={"note": ["required"]})
        listing.review_note = note
        return _transition(session, actor, listing, "rejected", "listing.rejected", reason=note)
    from catalog.certificates.service import check_mandatory_certificate

    check_mandatory_certificate(session, listing)
    now = clock.now()
    listing.review_note = note
    listing.approved_at = now
    listing.expires_at = now + timedelta(days=term_days(session))
    return _transition(
        session, actor, listing, "approved", "listing.approved", expires_at=listing.expires_at
    )


def take_off_shelf(session: Session, actor: Actor, listing_id: int, reason: str | None) -> Listing:
    listing = session.get(Listing, listing_id)
    if listing is None:
        raise NotFound("No such listing.")
    if listing.supplier_id != actor.organisation_id and not actor.has(Role.OPERATOR):
        raise Forbidden("You cannot withdraw another supplier's listing.")
    if listing.status not in LIVE_STATUSES:
        raise Conflict("The listing is not on the shelf.", code="bad_status")
    return _transition(session, actor, listing, "off_shelf", "listing.off_shelf", reason=reason)


def renew(session: Session, actor: Actor, listing_id: int) -> Listing:
    """续期: extend an on-shelf listing by the configured term from today."""
    supplier_of(actor)
    listing = own_listing(session, actor, listing_id)
    if listing.status != "approved":
        raise Conflict("Only on-shelf listings are renewed.", code="bad_status")
    listing.expires_at = clock.now() + timedelta(days=term_days(session))
    session.flush()
    record(
        session,
        actor,
        "listing.renewed",
        ("listing", listing.id),
        {"expires_at": listing.expires_at},
    )
    return listing


def lapse_expired(session: Session, actor: Actor) -> list[Listing]:
    """A periodic job: listings past their term leave the shelf."""
    now = clock.now()
    expired = list(
        session.scalars(
            select(Listing).where(Listing.status == "approved", Listing.expires_at <= now)
        )
    )
    for listing in expired:
        _transition(
            session, actor, listing, "lapsed", "listing.lapsed", expired_at=listing.expires_at
        )
    return expired
