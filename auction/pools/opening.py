"""Opening a volume purchase (发起带量采购, AUC-2): an operator or a lead purchaser unit opens a
window for demand, on the bidding terms its auction will keep."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from auction import announce
from auction.journal import record_step
from auction.pools.access import require_organiser
from auction.pools.models import Pool
from auction.terms import announced, check_run_terms, invalid, rules_from, shortest_run
from catalog.categories.models import Category, StandardProduct
from core import clock
from core.accounts.auth import Actor
from core.money import cny

#: The longest demand window, and the most suppliers that may share one award.
MAX_WINDOW = timedelta(days=60)
MAX_WINNERS = 10


def announcement(pool: Pool) -> dict[str, Any]:
    """The terms every party sees (the ceiling only if shown)."""
    return {
        "number": pool.number,
        "title": pool.title,
        "title_en": pool.title_en,
        "category_id": pool.category_id,
        "standard_product_id": pool.standard_product_id,
        "required_params": pool.required_params,
        "unit": pool.unit,
        "opens_at": pool.opens_at,
        "closes_at": pool.closes_at,
        "delivery_date": pool.delivery_date.isoformat(),
        "auction_starts_at": pool.auction_starts_at,
        "auction_ends_at": pool.auction_ends_at,
        **announced(pool),
        "max_winners": pool.max_winners,
    }


def open_pool(session: Session, actor: Actor, data: dict[str, Any]) -> Pool:
    """发起带量采购: an operator or a lead purchaser opens a window for demand."""
    require_organiser(actor)
    category = session.get(Category, data["category_id"])
    if category is None or not category.active:
        raise invalid("category_id", "no such category", "No such category.")
    product_id = data.get("standard_product_id")
    required = data.get("required_params") or {}
    if product_id is not None:
        product = session.get(StandardProduct, product_id)
        if product is None or not product.active or product.category_id != category.id:
            raise invalid(
                "standard_product_id",
                "not a standard product of the category",
                "The standard product is not in the category.",
            )
        required = {**product.params, **required}
    now = clock.now()
    opens = data.get("opens_at") or now
    closes = data["closes_at"]
    if opens < now - timedelta(minutes=1):
        raise invalid("opens_at", "in the past", "The window opens in the past.")
    shortest = shortest_run()
    minutes = int(shortest.total_seconds() // 60)
    if not shortest <= closes - opens <= MAX_WINDOW:
        raise invalid(
            "closes_at",
            f"{minutes} minutes to 60 days after the opening",
            "The demand window runs from %(minutes)s minutes to 60 days.",
            params={"minutes": minutes},
        )
    starts, ends = data["auction_starts_at"], data["auction_ends_at"]
    if starts < closes:
        raise invalid(
            "auction_starts_at",
            "before the window closes",
            "The auction cannot start before the demand window closes.",
        )
    check_run_terms(
        starts,
        ends,
        data["delivery_date"],
        data["decrement_mode"],
        data["decrement_value"],
        ends_field="auction_ends_at",
    )
    if cny(data["ceiling"]) <= 0:
        raise invalid("ceiling", "above zero", "The ceiling must be above zero.")
    pool = Pool(
        organiser_id=actor.organisation_id,
        opened_by=actor.user_id,
        region_id=actor.region_id,
        status="open",
        title=data["title"].strip(),
        title_en=(data.get("title_en") or "").strip() or None,
        category_id=category.id,
        standard_product_id=product_id,
        required_params=required,
        unit=(data.get("unit") or "台").strip(),
        opens_at=opens,
        closes_at=closes,
        delivery_date=data["delivery_date"],
        contact_name=data["contact_name"].strip(),
        contact_phone=data["contact_phone"].strip(),
        auction_starts_at=starts,
        auction_ends_at=ends,
        **rules_from(data),
        max_winners=data.get("max_winners", 1),
        quantity=0,
        demand_count=0,
        created_at=now,
        updated_at=now,
    )
    session.add(pool)
    session.flush()
    record_step(
        session,
        actor,
        "pool.opened",
        "pool",
        pool,
        organiser_id=pool.organiser_id,
        **announcement(pool),
    )
    announce.pool_opened(session, pool)
    return pool
