"""Reverse-auction pages (电子反拍, AUC-1, AUC-3, X-2): the list of auctions by phase, the purchaser's
form to set one up (发起竞价), the draft with 发布 and 撤销, and the 竞价室 — one live page that
shows each party what the rules let it see. Pages are rendered here from the same services as the
JSON API; writes and bids go from the page's script to the API and the ``/auction`` socket."""

from __future__ import annotations

from datetime import datetime
from math import ceil
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from sqlalchemy import and_, func, select

from auction import eligibility, service
from auction.models import Auction, AuctionBidder
from core import clock
from core.accounts.auth import Actor
from core.accounts.roles import OrgKind, Role
from core.api import paginate
from core.db import db
from frontend import catalog_display as show
from frontend.auction_forms import draft_values, form_context
from frontend.auction_room import phase_key, room_context
from frontend.catalog_views import signed_in
from frontend.i18n import label
from mall.orders.access import require_purchaser

bp = Blueprint("auction_ui", __name__)

PER_PAGE = 20
MAX_PAGE = 500
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


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return {
        "auction_phase_name": lambda key: label(f"auc_phase_{key}"),
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
    """Whether the actor may set up an auction (a purchaser of a purchaser unit)."""
    return bool(
        actor
        and actor.user_id
        and actor.org_kind == OrgKind.PURCHASER
        and actor.has(Role.PURCHASER)
    )


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    return min(max(int(raw), 1), MAX_PAGE) if raw.isdigit() else 1


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
    return _form(actor, draft_values(auction))


def _form(actor: Actor, draft: dict[str, Any] | None = None) -> Any:
    return render_template("auction/new.html", **form_context(actor, draft))


# ---------------------------------------------------------------- the room


@bp.route("/auctions/<int:auction_id>")
def room(auction_id: int) -> Any:
    """竞价室: the terms, the countdown, the live prices and — for a bidder — the bid box; for the
    purchaser the draft with 发布 / 撤销, then the live view; the outcome after the close."""
    return render_template("auction/room.html", **room_context(signed_in(), auction_id))


@bp.route("/auctions/<int:auction_id>/outcome")
def outcome(auction_id: int) -> Any:
    """The outcome panel alone: the room's script swaps it in when the clock closes the auction."""
    context = room_context(signed_in(), auction_id)
    if context["auction"].status == "published":
        abort(409)
    return render_template("auction/_outcome.html", **context)
