"""What the 竞价室 shows each party: the auction's phase, the terms, the prices it may chart, the
outcome with its order, and the data the room's script starts from."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import url_for
from sqlalchemy import and_, select

from auction import rules, service
from auction.models import Auction, AuctionBidder, Bid
from auction.schemas import StateSchema
from catalog.categories.models import StandardProduct
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation, Region
from core.db import db
from frontend import catalog_display as show
from frontend import pool_pages
from mall import policy
from mall.budgets.models import BudgetLine
from mall.orders.models import Order


def phase_key(auction: Auction, now: Any = None) -> str:
    """draft, upcoming, open, closing (its end passed, the clock has not closed it yet), or the
    outcome: awarded, failed, cancelled."""
    if auction.status != "published":
        return auction.status
    now = now or clock.now()
    if now < auction.starts_at:
        return "upcoming"
    return "open" if now < auction.ends_at else "closing"


def is_watcher(role: str | None) -> bool:
    """Whether the role follows the auction without bidding in it."""
    return role in ("purchaser", "supervisor", "operator")


def region_name(region: Region | None) -> str:
    """A region with the one above it, e.g. 呼和浩特市 · 新城区."""
    if region is None:
        return ""
    if region.parent is not None and region.parent.parent is not None:
        return f"{show.name_of(region.parent)} · {show.name_of(region)}"
    return show.name_of(region)


def price_history(
    session: Any, auction: Auction, role: str | None, supplier_id: int | None
) -> dict:
    """The prices the party may chart: every accepted bid for the purchaser and supervisors; for
    a bidder the best price as it fell (unless only ranks are shown) and its own bids."""
    bids = session.scalars(select(Bid).where(Bid.auction_id == auction.id).order_by(Bid.seq)).all()
    best: list[dict[str, str]] = []
    low: Decimal | None = None
    for bid in bids:
        if low is None or bid.price < low:
            low = bid.price
            best.append({"at": bid.placed_at.isoformat(), "price": str(bid.price)})
    if is_watcher(role):
        points = [{"at": b.placed_at.isoformat(), "price": str(b.price)} for b in bids]
        return {"best": best, "points": points}
    own = [
        {"at": b.placed_at.isoformat(), "price": str(b.price)}
        for b in bids
        if b.supplier_id == supplier_id
    ]
    return {"best": best if auction.visibility != "rank" else [], "points": own}


def outcome_panel(session: Any, actor: Actor, auction: Auction, role: str | None) -> dict[str, Any]:
    """What the outcome panel shows: winner, price and the party's order once awarded."""
    out: dict[str, Any] = {"status": auction.status, "winner": None, "order": None}
    if auction.status != "awarded":
        return out
    out["winner"] = session.get(Organisation, auction.winner_id)
    winning = session.get(Bid, auction.awarded_bid_id) if auction.awarded_bid_id else None
    out["price"] = winning.price if winning else None
    out["total"] = rules.lot_total(winning.price, auction.quantity) if winning else None
    if auction.pool_id is not None:  # a volume purchase: the shares' totals (AUC-2)
        out["total"] = pool_pages.awarded_total(session, auction.pool_id)
    mine = and_(Order.source == "auction", Order.source_id == auction.id)
    if auction.calloff_id is not None:  # a call-off's secondary competition orders through it
        mine = and_(Order.source == "agreement", Order.source_id == auction.calloff_id)
    if role == "purchaser":
        mine = and_(mine, Order.purchaser_id == actor.organisation_id)
    elif role == "bidder":
        mine = and_(mine, Order.supplier_id == actor.organisation_id)
    order = session.scalars(select(Order).where(mine).order_by(Order.id).limit(1)).first()
    if order is not None:
        if role == "purchaser" and order.purchaser_id == actor.organisation_id:
            out["order"] = (order, url_for("buying_ui.order_page", order_id=order.id))
        elif role == "bidder" and order.supplier_id == actor.organisation_id:
            out["order"] = (order, url_for("buying_ui.supplier_order_page", order_id=order.id))
        elif role in ("supervisor", "operator"):
            out["order"] = (order, None)
    return out


def room_context(actor: Actor, auction_id: int) -> dict[str, Any]:
    """Everything the room's page and its outcome panel show the party."""
    session = db.session
    auction = service.get_auction(session, actor, auction_id)
    role = service.role_of(actor, auction)
    now = clock.now()
    state = StateSchema().dump(service.state(session, actor, auction))
    bidder = role == "bidder"
    # A supplier that may not bid is told why, instead of being offered a bid box it cannot use.
    why_not = (
        service.bidder_reason(session, actor, auction)
        if bidder and auction.status == "published"
        else None
    )
    eligible = (
        service.draft_eligibility(session, actor, auction.id)
        if role == "purchaser"
        and auction.purchaser_id == actor.organisation_id
        and auction.status in ("draft", "published")
        else None
    )
    mine_row = None
    if bidder:
        mine_row = session.scalars(
            select(AuctionBidder).where(
                AuctionBidder.auction_id == auction.id,
                AuctionBidder.supplier_id == actor.organisation_id,
            )
        ).first()
    categories = show.categories_by_id(session)
    category = categories.get(auction.category_id)
    product = (
        session.get(StandardProduct, auction.standard_product_id)
        if auction.standard_product_id
        else None
    )
    line = (
        session.get(BudgetLine, auction.budget_line_id)
        if role == "purchaser" and auction.budget_line_id
        else None
    )
    show_ceiling = service.visible_ceiling(actor, auction) is not None
    phase = phase_key(auction, now)
    withdrawable = (
        role == "purchaser"
        and auction.pool_id is None
        and auction.calloff_id is None
        and (
            auction.status == "draft" or (auction.status == "published" and now < auction.starts_at)
        )
    )
    # The SME price deduction the ranking applies (MALL-7), shown with the ladder; none in an
    # auction reserved for SMEs.
    history = price_history(session, auction, role, actor.organisation_id)
    share = policy.deduction_share("small", False, auction.sme_only)
    deduction = percent(str(share)) if share > 0 and auction.calloff_id is None else None
    return {
        "auction": auction,
        "role": role,
        "bidder": bidder,
        "watcher": is_watcher(role),
        "phase": phase,
        "state": state,
        "category": category,
        "category_path": " › ".join(
            show.name_of(categories[p])
            for p in (category.path_ids if category else [])
            if p in categories
        ),
        "product": product,
        "delivery_region": region_name(session.get(Region, auction.delivery_region_id)),
        "budget_line": line,
        "show_ceiling": show_ceiling,
        "lot_ceiling": rules.lot_total(auction.ceiling, auction.quantity) if show_ceiling else None,
        "deduction": deduction,
        "percent": percent,
        "purchaser_name": show.name_of(auction.purchaser),
        "outcome": outcome_panel(session, actor, auction, role),
        "participated": mine_row is not None,
        "pool_panel": pool_pages.room_panel(session, actor, auction, role),
        "calloff_link": url_for("calloff_ui.calloff", calloff_id=auction.calloff_id)
        if auction.calloff_id is not None and is_watcher(role)
        else None,
        "publishable": role == "purchaser" and auction.status == "draft",
        "start_passed": auction.starts_at < now - service.START_GRACE,
        "duration_minutes": int((auction.ends_at - auction.starts_at).total_seconds() // 60),
        "lot_ceiling_total": rules.lot_total(auction.ceiling, auction.quantity),
        "withdrawable": withdrawable,
        "why_not": why_not,
        "has_history": bool(history["best"] or history["points"]),
        "enrolment_link": url_for("catalog_ui.enrolment_page"),
        "eligible": eligible,
        "live": auction.status == "published",
        "room_data": {
            "id": auction.id,
            "role": role,
            "status": auction.status,
            "quantity": auction.quantity,
            "unit": auction.unit,
            "visibility": auction.visibility,
            "deductions": deduction is not None,
            "starts_at": auction.starts_at.isoformat(),
            "duration_minutes": int((auction.ends_at - auction.starts_at).total_seconds() // 60),
            "start_grace_seconds": int(service.START_GRACE.total_seconds()),
            "guard_basis_points": int(rules.BID_GUARD_SHARE * 10000),
            "ceiling": str(auction.ceiling) if show_ceiling else None,
            "state": state,
            "history": history,
            "urls": {
                "state": url_for("auctions.live_state", auction_id=auction.id),
                "publish": url_for("auctions.publish", auction_id=auction.id),
                "cancel": url_for("auctions.cancel", auction_id=auction.id),
                "outcome": url_for("auction_ui.outcome", auction_id=auction.id),
                "socket_path": "/socket.io",
            },
        },
    }


def percent(share: str | None) -> str:
    """A share as the ladder shows it ("0.1" → "10%"; none → "—")."""
    if share is None or Decimal(share) == 0:
        return "—"
    return f"{(Decimal(share) * 100).normalize():f}%"
