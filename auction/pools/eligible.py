"""Who may take part in a volume purchase (带量采购, AUC-1 "eligible suppliers", AUC-2, MALL-10).

A pool's bidders are its auction's, so the rule is the auctions' one (``auction.eligibility``):
enrolled in the category or one above it, not suspended, a valid designation in a designated
service category, and a small or medium enterprise when the lot is reserved for SMEs. Whether the
pooled lot is reserved is only known when the window closes into the auction (the pooled quantity
sets it), so until then a pool is judged on the plain rule and afterwards on its auction's terms.

This module gives the three things built on that rule: the supplier's list of pools it may take
part in (and why not, for the others), the reason one supplier may not take part in one pool, and
the count an organiser sees before opening a pool — a count, never names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from auction import eligibility
from auction.models import Auction, AuctionBidder
from auction.pools.access import require_organiser, role_of
from auction.pools.models import Pool, PoolCapacity
from auction.terms import invalid
from catalog.categories.models import Category, StandardProduct
from core.accounts.auth import Actor
from core.errors import Forbidden


def sme_flags(session: Session, pools: Iterable[Pool]) -> dict[int, bool]:
    """For each pool, whether its lot is reserved for SMEs: its auction's terms once the window
    closed into one, otherwise not (yet)."""
    pools = list(pools)
    auction_ids = {p.auction_id for p in pools if p.auction_id is not None}
    reserved = (
        {
            auction_id: sme_only
            for auction_id, sme_only in session.execute(
                select(Auction.id, Auction.sme_only).where(Auction.id.in_(auction_ids))
            )
        }
        if auction_ids
        else {}
    )
    return {p.id: bool(reserved.get(p.auction_id, False)) for p in pools}


def supplier_reason(session: Session, supplier_id: int | None, pool: Pool) -> str | None:
    """Why the supplier may not take part in the pool's auction (a code of
    ``eligibility.REASONS``), or None."""
    if supplier_id is None:
        return "not_enrolled"
    category = session.get(Category, pool.category_id)
    if category is None:
        return "not_enrolled"
    return eligibility.reason(session, supplier_id, category, sme_flags(session, [pool])[pool.id])


@dataclass(frozen=True)
class SupplierPools:
    """What a supplier's list of pools is filtered and labelled by."""

    #: the pools it may take part in (or already took part in): a condition on ``Pool``
    takes_part: ColumnElement[bool]
    #: why not, for each (category id, SME-only) of the pools
    reasons: dict[tuple[int, bool], str | None]

    def reason_for(self, pool: Pool, sme_only: bool) -> str | None:
        return self.reasons.get((pool.category_id, sme_only))


def _sme_condition(sme_only: bool) -> ColumnElement[bool]:
    """The pools judged with ``sme_only``: those whose auction has it; unreserved also those
    without an auction yet."""
    reserved = Pool.auction_id.in_(select(Auction.id).where(Auction.sme_only.is_(sme_only)))
    return reserved if sme_only else or_(Pool.auction_id.is_(None), reserved)


def supplier_pools(session: Session, supplier_id: int) -> SupplierPools:
    """The supplier's list: the pools it may take part in by the rule, and those whose auction it
    has bid in or declared capacity for."""
    terms = {
        (category_id, bool(sme_only))
        for category_id, sme_only in session.execute(
            select(Pool.category_id, func.coalesce(Auction.sme_only, false()))
            .outerjoin(Auction, Auction.id == Pool.auction_id)
            .where(Pool.status != "cancelled")
            .distinct()
        )
    }
    reasons = eligibility.supplier_reasons(session, supplier_id, terms)
    allowed = [
        and_(Pool.category_id == category_id, _sme_condition(sme_only))
        for (category_id, sme_only), why in sorted(reasons.items())
        if why is None
    ]
    took_part = or_(
        Pool.auction_id.in_(
            select(AuctionBidder.auction_id).where(AuctionBidder.supplier_id == supplier_id)
        ),
        Pool.id.in_(select(PoolCapacity.pool_id).where(PoolCapacity.supplier_id == supplier_id)),
    )
    return SupplierPools(takes_part=or_(took_part, *allowed), reasons=reasons)


def eligible_suppliers(
    session: Session,
    actor: Actor,
    category_id: int | None,
    standard_product_id: int | None = None,
    min_bidders: int = 3,
) -> eligibility.Eligibility:
    """符合条件的供应商 before opening a pool: how many suppliers may take part in a pool of the
    category (or of the standard product's category) now — a count, never names. Operators and
    lead purchasers only. The pooled lot is not known yet, so no SME reservation is assumed."""
    require_organiser(actor)
    if standard_product_id is not None:
        product = session.get(StandardProduct, standard_product_id)
        if product is None or not product.active:
            raise invalid(
                "standard_product_id",
                "no such standard product",
                "No such standard product.",
            )
        if category_id is not None and product.category_id != category_id:
            raise invalid(
                "standard_product_id",
                "not a standard product of the category",
                "The standard product is not in the category.",
            )
        category_id = product.category_id
    category = session.get(Category, category_id) if category_id is not None else None
    if category is None or not category.active:
        raise invalid("category_id", "no such category", "No such category.")
    return eligibility.Eligibility(
        category_id=category.id,
        sme_only=False,
        count=eligibility.eligible_count(session, category, False),
        min_bidders=min_bidders,
    )


def pool_eligibility(session: Session, actor: Actor, pool: Pool) -> eligibility.Eligibility:
    """How many suppliers may take part in the pool now, against its minimum: for its organiser
    and operators (another unit, a supplier or a supervisor is refused)."""
    if role_of(session, actor, pool) not in ("organiser", "operator"):
        raise Forbidden(
            "This is another unit's volume purchase.",
            code="other_organisation",
        )
    category = session.get(Category, pool.category_id)
    assert category is not None
    sme_only = sme_flags(session, [pool])[pool.id]
    return eligibility.Eligibility(
        category_id=category.id,
        sme_only=sme_only,
        count=eligibility.eligible_count(session, category, sme_only),
        min_bidders=pool.min_bidders,
    )
