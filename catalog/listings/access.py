"""Finding listings: one listing for whoever may see it, a supplier's own listing to change, the
listing queries of each audience, and a listing's price history.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.enrolment.service import require_supplier
from catalog.listings.models import Listing, PriceChange
from core.accounts.auth import Actor
from core.accounts.roles import OrgKind, Role
from core.errors import Forbidden, NotFound


def supplier_of(actor: Actor) -> int:
    return require_supplier(actor, "Only suppliers list goods.")


def get_listing(
    session: Session, actor: Actor, listing_id: int, for_update: bool = False
) -> Listing:
    """A listing the actor may see: on-shelf ones for everyone; others for their supplier and operators."""
    listing = session.get(Listing, listing_id, with_for_update=for_update)
    if listing is None:
        raise NotFound("No such listing.")
    if listing.status == "approved" and not for_update:
        return listing
    if listing.supplier_id == actor.organisation_id or actor.has(Role.OPERATOR):
        return listing
    if listing.status != "approved":
        raise NotFound("No such listing.")
    raise Forbidden("This is another supplier's listing.")


def own_listing(session: Session, actor: Actor, listing_id: int) -> Listing:
    """The actor's own listing, locked: stock and price are contested with checkouts, and the lock
    is taken before any ledger append (the order every writer follows)."""
    listing = session.get(Listing, listing_id, with_for_update=True, populate_existing=True)
    if listing is None:
        raise NotFound("No such listing.")
    if listing.supplier_id != actor.organisation_id:
        raise Forbidden("This is another supplier's listing.")
    return listing


def price_history(session: Session, actor: Actor, listing_id: int) -> list[PriceChange]:
    get_listing(session, actor, listing_id)
    return list(
        session.scalars(
            select(PriceChange).where(PriceChange.listing_id == listing_id).order_by(PriceChange.id)
        )
    )


def listings_query(actor: Actor, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Own listings for a supplier; all (review queue) for operators; on-shelf ones for others."""
    query = select(Listing).order_by(Listing.id.desc())
    if actor.has(Role.OPERATOR):
        pass
    elif actor.org_kind == OrgKind.SUPPLIER:
        query = query.where(Listing.supplier_id == actor.organisation_id)
    else:
        query = query.where(Listing.status == "approved")
    if filters.get("status"):
        query = query.where(Listing.status == filters["status"])
    if filters.get("category_id"):
        query = query.where(Listing.category_id == filters["category_id"])
    return query
