"""Reverse-auction pages (电子反拍, AUC-1, AUC-3, X-2): the list of auctions by phase, the purchaser's
form to set one up (发起竞价), the draft with 发布 and 撤销, and the 竞价室 — one live page that
shows each party what the rules let it see. Pages are rendered here from the same services as the
JSON API; writes and bids go from the page's script to the API and the ``/auction`` socket."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from math import ceil
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from sqlalchemy import and_, func, select

from auction import eligibility, rules, service
from auction.models import Auction, AuctionBidder, Bid
from auction.schemas import StateSchema
from catalog.categories.models import StandardProduct
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation, Region, User
from core.accounts.roles import OrgKind, Role
from core.api import paginate
from core.db import db
from frontend import catalog_display as show
from frontend import pool_pages
from frontend.catalog_views import signed_in
from frontend.i18n import pick, t
from mall import policy
from mall.budgets import service as budgets
from mall.budgets.models import BudgetLine
from mall.orders.access import require_purchaser
from mall.orders.models import Order

bp = Blueprint("auction_ui", __name__)

PER_PAGE = 20
MAX_PAGE = 500
#: What the form suggests (the purchaser may change every one).
DEFAULTS = {
    "start_in_minutes": 10,
    "duration_minutes": 30,
    "decrement_mode": "absolute",
    "decrement_value": "10.00",
    "must_beat": "best",
    "snipe_window_seconds": 120,
    "extension_seconds": 180,
    "max_extensions": 5,
    "visibility": "best",
    "min_bidders": 3,
    "unit": "台",
    "delivery_days": 15,
}
#: The list's tabs for each side, and what each tab selects (the auction's phase).
PURCHASER_TABS = ("draft", "upcoming", "open", "awarded", "failed", "cancelled")
SUPPLIER_TABS = ("open", "upcoming", "ended")
ENDED = ("awarded", "failed", "cancelled")


def _tab_condition(tab: str, now: Any) -> Any:
    if tab == "upcoming":
        return and_(Auction.status == "published", Auction.starts_at > now)
    if tab == "open":
        return and_(Auction.status == "published", Auction.starts_at <= now)
    if tab == "ended":
        return Auction.status.in_(ENDED)
    return Auction.status == tab


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
    return role in ("purchaser", "supervisor", "operator")


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return {
        "auction_phase_name": lambda key: t(f"auc_phase_{key}"),
        "may_create_auction": may_create,
        "auc_clock": _clock_text,
    }


def _clock_text(value: Any) -> str:
    """A time of day in Asia/Shanghai from a datetime or the API's ISO text."""
    if not value:
        return ""
    at = (
        datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if isinstance(value, str)
        else value
    )
    return clock.local(at).strftime("%H:%M:%S")


def may_create(actor: Actor | None) -> bool:
    return bool(
        actor
        and actor.user_id
        and actor.org_kind == OrgKind.PURCHASER
        and actor.has(Role.PURCHASER)
    )


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    return min(max(int(raw), 1), MAX_PAGE) if raw.isdigit() else 1


def _region_name(region: Region | None) -> str:
    """A region with the one above it, e.g. 呼和浩特市 · 新城区."""
    if region is None:
        return ""
    if region.parent is not None and region.parent.parent is not None:
        return f"{show.name_of(region.parent)} · {show.name_of(region)}"
    return show.name_of(region)


# ---------------------------------------------------------------- the list


@bp.route("/auctions")
def index() -> Any:
    """电子反拍: a purchaser unit's own auctions; for suppliers the published ones, by phase."""
    actor = signed_in()
    session = db.session
    now = clock.now()
    base = service.auctions_query(actor, {})
    supplier = actor.org_kind == OrgKind.SUPPLIER
    # A supplier sees the auctions it may bid in (or has bid in); ``all=1`` shows the others too,
    # each with the reason it may not bid.
    view = (
        eligibility.supplier_view(session, actor.organisation_id)
        if supplier and actor.organisation_id
        else None
    )
    everything = view is not None and request.args.get("all") == "1"
    hidden = 0
    if view is not None:
        biddable = base.where(view.biddable)
        hidden = (
            session.scalar(select(func.count()).select_from(base.order_by(None).subquery())) or 0
        ) - (
            session.scalar(select(func.count()).select_from(biddable.order_by(None).subquery()))
            or 0
        )
        if not everything:
            base = biddable
    tabs = SUPPLIER_TABS if supplier else PURCHASER_TABS
    tab = request.args.get("show") or None
    if tab not in tabs:
        tab = None
    counts = {
        key: session.scalar(
            select(func.count()).select_from(
                base.where(_tab_condition(key, now)).order_by(None).subquery()
            )
        )
        or 0
        for key in tabs
    }
    all_count = session.scalar(select(func.count()).select_from(base.order_by(None).subquery()))
    query = base.where(_tab_condition(tab, now)) if tab else base
    result = paginate(session, query, {"page": _page_arg(), "per_page": PER_PAGE})
    auctions: list[Auction] = list(result["items"])
    ids = [a.id for a in auctions]
    mine: dict[int, AuctionBidder] = {}
    if supplier and ids:
        mine = {
            b.auction_id: b
            for b in session.scalars(
                select(AuctionBidder).where(
                    AuctionBidder.auction_id.in_(ids),
                    AuctionBidder.supplier_id == actor.organisation_id,
                )
            )
        }
    categories = show.categories_by_id(session)
    rows = [
        {
            "auction": a,
            "phase": phase_key(a, now),
            "category": categories.get(a.category_id),
            "ceiling": service.visible_ceiling(actor, a),
            "mine": mine.get(a.id),
            "won": supplier and a.status == "awarded" and a.winner_id == actor.organisation_id,
            "why_not": view.reason_for(a) if view is not None and a.id not in mine else None,
        }
        for a in auctions
    ]
    return render_template(
        "auction/index.html",
        rows=rows,
        supplier=supplier,
        tabs=[(key, counts[key]) for key in tabs],
        tab=tab,
        all_count=all_count or 0,
        total=result["total"],
        page=result["page"],
        pages=max(min(ceil(result["total"] / PER_PAGE), MAX_PAGE), 1),
        page_link=lambda n: url_for(
            "auction_ui.index", show=tab, page=n, all="1" if everything else None
        ),
        tab_link=lambda key: url_for("auction_ui.index", show=key, all="1" if everything else None),
        everything=everything,
        hidden=hidden,
        all_link=url_for("auction_ui.index", show=tab, all="1"),
        biddable_link=url_for("auction_ui.index", show=tab),
        enrolment_link=url_for("catalog_ui.enrolment_page"),
    )


# ---------------------------------------------------------------- 发起竞价


@bp.route("/auctions/new")
def new() -> Any:
    """发起竞价: the demand, the ceiling and the rules, with defaults a purchaser rarely changes."""
    actor = signed_in()
    require_purchaser(actor)
    return _form(actor)


@bp.route("/auctions/<int:auction_id>/edit")
def edit(auction_id: int) -> Any:
    """修改: the same form, filled in with the draft's terms; saving checks them all again."""
    actor = signed_in()
    require_purchaser(actor)
    auction = service.get_auction(db.session, actor, auction_id)
    if service.role_of(actor, auction) != "purchaser" or auction.pool_id is not None:
        abort(403)
    if auction.status != "draft":
        abort(409)
    starts = clock.local(auction.starts_at)
    draft = {name: getattr(auction, name) for name in service.TERMS}
    draft |= {
        "id": auction.id,
        "number": auction.number,
        "ceiling": str(auction.ceiling),
        "decrement_value": str(auction.decrement_value),
        "delivery_date": auction.delivery_date.isoformat(),
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "duration": int((auction.ends_at - auction.starts_at).total_seconds() // 60),
    }
    del draft["ends_at"], draft["required_params"]
    return _form(actor, draft)


def _form(actor: Actor, draft: dict[str, Any] | None = None) -> Any:
    session = db.session
    now = clock.now()
    categories = show.categories_by_id(session)
    leaves = sorted(show.leaf_ids(categories), key=lambda i: categories[i].code)
    year = budgets.fiscal_year_now()
    lines = list(session.scalars(budgets.lines_query(actor, {"active": True, "fiscal_year": year})))
    regions = show.regions_by_id(session)
    products = session.scalars(
        select(StandardProduct)
        .where(StandardProduct.active.is_(True), StandardProduct.category_id.in_(leaves))
        .order_by(StandardProduct.code)
    ).all()
    user = session.get(User, actor.user_id)
    last = session.scalars(
        select(Auction)
        .where(Auction.purchaser_id == actor.organisation_id, Auction.created_by == actor.user_id)
        .order_by(Auction.id.desc())
        .limit(1)
    ).first()
    last_order = session.scalars(
        select(Order)
        .where(Order.purchaser_id == actor.organisation_id, Order.placed_by == actor.user_id)
        .order_by(Order.id.desc())
        .limit(1)
    ).first()
    previous = last or last_order
    start = (now + timedelta(minutes=DEFAULTS["start_in_minutes"])).replace(second=0, microsecond=0)
    start_local = clock.local(start)
    settings = policy.settings()
    return render_template(
        "auction/new.html",
        draft=draft,
        leaves=[categories[i] for i in leaves],
        category_path=lambda c: " › ".join(
            show.name_of(categories[p]) for p in c.path_ids if p in categories
        ),
        products=[
            {"id": p.id, "category_id": p.category_id, "name": pick(p.name_zh, p.name_en)}
            for p in products
        ],
        lines=lines,
        fiscal_year=year,
        may_manage_budget=actor.has(Role.ORG_ADMIN),
        regions=[(r, show.region_depth(r)) for r in regions.values()],
        home_region_id=actor.region_id,
        purchase_limit=str(settings.purchase_limit),
        defaults={
            **DEFAULTS,
            "starts_at_local": start_local.strftime("%Y-%m-%dT%H:%M"),
            "min_start_local": clock.local(now).strftime("%Y-%m-%dT%H:%M"),
            "delivery_date": (start_local.date() + timedelta(days=DEFAULTS["delivery_days"])),
            "today": clock.local(now).date(),
            "delivery_region_id": last.delivery_region_id if last else actor.region_id,
            "delivery_address": previous.delivery_address if previous else "",
            "contact_name": previous.contact_name if previous else user.display_name,
            "contact_phone": previous.contact_phone if previous else "",
        },
        server_now=now.isoformat(),
    )


# ---------------------------------------------------------------- the room


def _history(session: Any, auction: Auction, role: str | None, supplier_id: int | None) -> dict:
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


def _outcome(session: Any, actor: Actor, auction: Auction, role: str | None) -> dict[str, Any]:
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
    mine = Order.source_id == auction.id
    if role == "purchaser":
        mine = and_(mine, Order.purchaser_id == actor.organisation_id)
    elif role == "bidder":
        mine = and_(mine, Order.supplier_id == actor.organisation_id)
    order = session.scalars(
        select(Order).where(Order.source == "auction", mine).order_by(Order.id).limit(1)
    ).first()
    if order is not None:
        if role == "purchaser" and order.purchaser_id == actor.organisation_id:
            out["order"] = (order, url_for("buying_ui.order_page", order_id=order.id))
        elif role == "bidder" and order.supplier_id == actor.organisation_id:
            out["order"] = (order, url_for("buying_ui.supplier_order_page", order_id=order.id))
        elif role in ("supervisor", "operator"):
            out["order"] = (order, None)
    return out


def _room_context(auction_id: int) -> dict[str, Any]:
    actor = signed_in()
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
        and (
            auction.status == "draft" or (auction.status == "published" and now < auction.starts_at)
        )
    )
    # The SME price deduction the ranking applies (MALL-7), shown with the ladder; none in an
    # auction reserved for SMEs.
    history = _history(session, auction, role, actor.organisation_id)
    share = policy.deduction_share("small", False, auction.sme_only)
    deduction = _percent(str(share)) if share > 0 else None
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
        "delivery_region": _region_name(session.get(Region, auction.delivery_region_id)),
        "budget_line": line,
        "show_ceiling": show_ceiling,
        "lot_ceiling": rules.lot_total(auction.ceiling, auction.quantity) if show_ceiling else None,
        "deduction": deduction,
        "percent": _percent,
        "purchaser_name": show.name_of(auction.purchaser),
        "outcome": _outcome(session, actor, auction, role),
        "participated": mine_row is not None,
        "pool_panel": pool_pages.room_panel(session, actor, auction, role),
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


def _percent(share: str | None) -> str:
    """A share as the ladder shows it ("0.1" → "10%"; none → "—")."""
    if share is None or Decimal(share) == 0:
        return "—"
    return f"{(Decimal(share) * 100).normalize():f}%"


@bp.route("/auctions/<int:auction_id>")
def room(auction_id: int) -> Any:
    """竞价室: the terms, the countdown, the live prices and — for a bidder — the bid box; for the
    purchaser the draft with 发布 / 撤销, then the live view; the outcome after the close."""
    return render_template("auction/room.html", **_room_context(auction_id))


@bp.route("/auctions/<int:auction_id>/outcome")
def outcome(auction_id: int) -> Any:
    """The outcome panel alone: the room's script swaps it in when the clock closes the auction."""
    context = _room_context(auction_id)
    if context["auction"].status == "published":
        abort(409)
    return render_template("auction/_outcome.html", **context)
