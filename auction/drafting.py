"""Setting up a reverse auction (发起竞价, AUC-1): the purchaser's draft, checked against the rules
as a whole whenever it is made or changed, and its publication, which reserves the lot's funds at
the ceiling and tells the category's suppliers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from auction import announce, eligibility, rules
from auction.access import expect_status, own_auction
from auction.journal import record_step
from auction.models import Auction
from auction.terms import RULES, announced, check_mall_limit, check_run_terms, invalid, rules_from
from catalog.categories.models import Category, StandardProduct
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Region
from core.errors import Conflict
from core.messages import en_zh
from mall import policy
from mall.budgets import service as budgets
from mall.orders.access import require_purchaser


def _record(session: Session, actor: Actor, action: str, auction: Auction, **payload: Any) -> None:
    record_step(session, actor, action, "auction", auction, **payload)


#: The terms a purchaser sets, as the create form and ``edit_draft`` name them.
TERMS = (
    "title",
    "title_en",
    "category_id",
    "standard_product_id",
    "required_params",
    "quantity",
    "unit",
    "delivery_region_id",
    "delivery_address",
    "delivery_date",
    "contact_name",
    "contact_phone",
    "budget_line_id",
    "starts_at",
    "ends_at",
    *RULES,
)


def _checked_terms(session: Session, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """The auction's columns from a purchaser's terms, once they are checked against the rules:
    the category and product, the times, the decrement, the e-mall's limit and the budget."""
    category = session.get(Category, data["category_id"])
    if category is None or not category.active:
        raise invalid("category_id", "no such category", "No such category.")
    product_id = data.get("standard_product_id")
    if product_id is not None:
        product = session.get(StandardProduct, product_id)
        if product is None or product.category_id != category.id:
            raise invalid(
                "standard_product_id",
                "not a standard product of the category",
                "The standard product is not in the category.",
            )
    region = session.get(Region, data["delivery_region_id"])
    if region is None:
        raise invalid("delivery_region_id", "no such region", "No such region.")
    now = clock.now()
    starts, ends = data["starts_at"], data["ends_at"]
    if starts < now - timedelta(minutes=1):
        raise invalid("starts_at", "in the past", "The start is in the past.")
    check_run_terms(
        starts, ends, data["delivery_date"], data["decrement_mode"], data["decrement_value"]
    )
    settings = policy.settings()
    lot = rules.lot_total(data["ceiling"], data["quantity"])
    check_mall_limit(lot, settings, en_zh("lot"))
    line = budgets.get_line(session, actor, data["budget_line_id"])
    budgets.check_reservable(actor, line, lot)
    return {
        "title": data["title"].strip(),
        "title_en": (data.get("title_en") or "").strip() or None,
        "category_id": category.id,
        "standard_product_id": product_id,
        "required_params": data.get("required_params") or {},
        "quantity": data["quantity"],
        "unit": data.get("unit") or "台",
        "delivery_region_id": region.id,
        "delivery_address": data["delivery_address"].strip(),
        "contact_name": data["contact_name"].strip(),
        "contact_phone": data["contact_phone"].strip(),
        "delivery_date": data["delivery_date"],
        "budget_line_id": line.id,
        "starts_at": starts,
        "ends_at": ends,
        "scheduled_end": ends,
        **rules_from(data),
        # The SME rule (MALL-10) applies by itself: small lots in SME-suitable categories.
        "sme_only": eligibility.sme_reserved(category, lot, settings),
    }


def create(session: Session, actor: Actor, data: dict[str, Any]) -> Auction:
    """发起竞价: a purchaser's draft auction, checked against the rules before anyone sees it."""
    require_purchaser(actor)
    auction = Auction(
        purchaser_id=actor.organisation_id,
        created_by=actor.user_id,
        region_id=actor.region_id,
        status="draft",
        bid_count=0,
        bidder_count=0,
        extensions_used=0,
        **_checked_terms(session, actor, data),
    )
    session.add(auction)
    session.flush()
    _record(session, actor, "auction.created", auction, **announcement(auction))
    return auction


def edit_draft(session: Session, actor: Actor, auction_id: int, changes: dict[str, Any]) -> Auction:
    """修改: the purchaser changes its draft before publishing it (new times after the start has
    passed, a corrected quantity). The terms are checked again as a whole, as at creation; the
    change is on the ledger with the fields it touched."""
    require_purchaser(actor)
    auction = own_auction(session, actor, auction_id)
    expect_status(auction, "draft", doing=en_zh("changed"))
    _change_terms(session, actor, auction, changes)
    return auction


def _change_terms(
    session: Session, actor: Actor, auction: Auction, changes: dict[str, Any]
) -> list[str]:
    """Apply ``changes`` to the draft once its terms pass as a whole; on the ledger with the
    fields they touched. Returns those fields."""
    data = {name: getattr(auction, name) for name in TERMS} | changes
    values = _checked_terms(session, actor, data)
    changed = sorted(name for name, value in values.items() if getattr(auction, name) != value)
    if not changed:
        return []
    for name in changed:
        setattr(auction, name, values[name])
    auction.updated_at = clock.now()
    session.flush()
    _record(session, actor, "auction.updated", auction, changed=changed, **announcement(auction))
    return changed


def announcement(auction: Auction) -> dict[str, Any]:
    """The terms every bidder sees (the ceiling only if shown)."""
    return {
        "number": auction.number,
        "title": auction.title,
        "title_en": auction.title_en,
        "category_id": auction.category_id,
        "standard_product_id": auction.standard_product_id,
        "required_params": auction.required_params,
        "quantity": auction.quantity,
        "unit": auction.unit,
        "delivery_region_id": auction.delivery_region_id,
        "delivery_date": auction.delivery_date.isoformat(),
        "starts_at": auction.starts_at,
        "ends_at": auction.scheduled_end,
        **announced(auction),
        "sme_only": auction.sme_only,
    }


#: A start that passed less than this long ago still counts as "now" (the time a purchaser takes
#: to save a draft and press 发布); an older one needs the purchaser's choice.
START_GRACE = timedelta(minutes=1)


def publish(
    session: Session,
    actor: Actor,
    auction_id: int,
    start_now: bool = False,
    starts_at: datetime | None = None,
) -> Auction:
    """发布公告: the auction is announced and the funds for the lot at the ceiling are reserved.

    A draft whose start has passed (by more than ``START_GRACE``) is refused with the code
    ``start_passed`` unless the purchaser chooses, in the same request, ``start_now`` (it opens
    now and runs as long as the draft said) or a new ``starts_at`` (same duration). Either way
    the terms are checked again as at creation and the change is on the ledger before the
    publication."""
    require_purchaser(actor)
    auction = own_auction(session, actor, auction_id)
    expect_status(auction, "draft", doing=en_zh("published"))
    if start_now and starts_at is not None:
        raise invalid(
            "starts_at",
            "either start_now or starts_at",
            "Choose either to start now or a new start, not both.",
        )
    now = clock.now()
    duration = auction.ends_at - auction.starts_at
    if start_now or starts_at is not None:
        start = now if start_now else starts_at
        assert start is not None
        _change_terms(session, actor, auction, {"starts_at": start, "ends_at": start + duration})
    elif auction.starts_at < now - START_GRACE:
        raise Conflict(
            "The start has passed: start now, or choose a new start.",
            code="start_passed",
            details={
                "starts_at": auction.starts_at.isoformat(),
                "duration_minutes": int(duration.total_seconds() // 60),
                "choices": ["start_now", "starts_at"],
            },
        )
    budgets.reserve(
        session,
        actor,
        auction.budget_line_id,
        rules.lot_total(auction.ceiling, auction.quantity),
        ("auction", auction.id),
    )
    auction.status = "published"
    auction.published_at = auction.updated_at = clock.now()
    session.flush()
    _record(session, actor, "auction.published", auction, **announcement(auction))
    announce.auction_published(session, auction)
    return auction
