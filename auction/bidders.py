"""Who may bid (AUC-1, MALL-10): how many suppliers may bid in an auction with given terms — a
count, never names, since bidders stay anonymous until the award — and why one supplier may not."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from auction import eligibility, invitations
from auction.access import get_auction, role_of
from auction.models import Auction
from auction.terms import invalid
from catalog.categories.models import Category
from core.accounts.auth import Actor
from core.accounts.models import Region
from core.errors import Forbidden
from mall.orders.access import require_purchaser


def eligible_suppliers(
    session: Session,
    actor: Actor,
    category_id: int,
    sme_only: bool | None = None,
    lot: Decimal | None = None,
    region_id: int | None = None,
    min_bidders: int = 3,
) -> eligibility.Eligibility:
    """符合条件的供应商: how many suppliers may bid in an auction with these terms — a count, never
    names (bidders stay anonymous until the award). Purchasers only. ``sme_only`` as given, or as
    the SME rule sets it for a lot of ``lot`` CNY, or not reserved."""
    require_purchaser(actor)
    category = session.get(Category, category_id)
    if category is None or not category.active:
        raise invalid("category_id", "no such category", "No such category.")
    if region_id is not None and session.get(Region, region_id) is None:
        raise invalid("region_id", "no such region", "No such region.")
    if sme_only is None:
        sme_only = lot is not None and eligibility.sme_reserved(category, lot)
    return eligibility.Eligibility(
        category_id=category.id,
        sme_only=sme_only,
        count=eligibility.eligible_count(session, category, sme_only),
        min_bidders=min_bidders,
    )


def draft_eligibility(session: Session, actor: Actor, auction_id: int) -> eligibility.Eligibility:
    """The eligible suppliers of the purchaser's own auction, on its terms."""
    auction = get_auction(session, actor, auction_id)
    if role_of(actor, auction) != "purchaser" or auction.purchaser_id != actor.organisation_id:
        raise Forbidden("This is another unit's auction.", code="other_organisation")
    return eligibility.Eligibility(
        category_id=auction.category_id,
        sme_only=auction.sme_only,
        count=eligibility.eligible_count(session, auction.category, auction.sme_only),
        min_bidders=auction.min_bidders,
    )


def bidder_reason(session: Session, actor: Actor, auction: Auction) -> str | None:
    """Why the supplier may not bid in the auction (a code of ``eligibility.REASONS``), or None."""
    if auction.calloff_id is not None:
        return invitations.reason(session, auction.id, actor.organisation_id)
    if actor.organisation_id is None:
        return "not_enrolled"
    return eligibility.reason(session, actor.organisation_id, auction.category, auction.sme_only)
