"""What the volume-purchase pages show: the pool page's context for each party, and the pool panel
of the auction room behind a pool auction with its awarded total."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from auction import eligibility
from auction.models import Auction
from auction.pools import eligible, service
from auction.pools.models import Pool, PoolAllocation
from catalog.categories.models import StandardProduct
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import User
from core.db import db
from core.errors import NotFound
from frontend import catalog_display as show
from frontend.i18n import lang
from mall.budgets import service as budgets
from mall.orders.models import Order

_CAPACITY_MESSAGES = {
    "capacity_lowered": _l("After bidding, the capacity can only be raised."),
    "closed": _l("The auction is closed."),
    "invalid": _l("Enter a whole number of 1 or more."),
}


def reason_text(code: str) -> str:
    """The rule's plain reason (``auction.eligibility.message``) in the page's language."""
    en, zh = eligibility.message(code)
    return zh if lang() == "zh" else en


def count(query: Any) -> int:
    """How many rows the query selects."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def pool_for(session: Any, actor: Actor, pool_id: int) -> Pool:
    """The pool, as the API shows it; and to a supplier outside its category a pool that is not
    cancelled too, so that the page can say why the company may not take part."""
    try:
        return service.get_pool(session, actor, pool_id)
    except NotFound:
        pool = session.get(Pool, pool_id)
        if actor.org_kind != "supplier" or pool is None or pool.status == "cancelled":
            raise
        return pool


def page_context(actor: Actor, pool_id: int) -> dict[str, Any]:
    """What the pool page shows the party: the terms, the demands, the shares, and the forms its
    role and the pool's status allow."""
    session = db.session
    pool = pool_for(session, actor, pool_id)
    role = service.role_of(session, actor, pool)
    now = clock.now()
    categories = show.categories_by_id(session)
    category = categories.get(pool.category_id)
    product = (
        session.get(StandardProduct, pool.standard_product_id) if pool.standard_product_id else None
    )
    demands = service.demands(session, actor, pool)
    mine = service.own_demand(session, actor, pool)
    shares = service.allocations(session, actor, pool)
    orgs = service.org_names(
        session,
        {d.purchaser_id for d in demands}
        | {s.purchaser_id for s in shares}
        | {s.supplier_id for s in shares}
        | {pool.organiser_id},
    )
    orders = (
        {
            o.id: o
            for o in session.scalars(
                select(Order).where(Order.id.in_([s.order_id for s in shares]))
            )
        }
        if shares
        else {}
    )
    regions = show.regions_by_id(session)
    window_open = pool.status == "open" and pool.opens_at <= now < pool.closes_at
    can_add = (
        service.may_add_demand(actor)
        and window_open
        and (mine is None or mine.status == "withdrawn")
    )
    lines = []
    if can_add:
        year = budgets.fiscal_year_now()
        lines = list(
            session.scalars(budgets.lines_query(actor, {"active": True, "fiscal_year": year}))
        )
    auction = session.get(Auction, pool.auction_id) if pool.auction_id else None
    can_cancel = pool.status == "open" and (service.is_organiser(actor, pool) or role == "operator")
    user = session.get(User, actor.user_id) if actor.user_id else None
    last = mine or (demands[0] if demands and role == "purchaser" else None)

    def order_link(order: Order) -> str | None:
        if order.purchaser_id == actor.organisation_id:
            return url_for("buying_ui.order_page", order_id=order.id)
        if order.supplier_id == actor.organisation_id:
            return url_for("buying_ui.supplier_order_page", order_id=order.id)
        return None

    why_not = (
        eligible.supplier_reason(session, actor.organisation_id, pool)
        if actor.org_kind == "supplier"
        else None
    )
    return {
        "pool": pool,
        "role": role,
        "why_not": why_not,
        "eligible": (
            eligible.pool_eligibility(session, actor, pool)
            if role in ("organiser", "operator") and pool.status in ("open", "closed")
            else None
        ),
        "why_text": reason_text(why_not) if why_not else None,
        "enrolment_link": url_for("catalog_ui.enrolment_page"),
        "category": category,
        "category_path": " › ".join(
            show.name_of(categories[p])
            for p in (category.path_ids if category else [])
            if p in categories
        ),
        "product": product,
        "show_ceiling": service.visible_ceiling(session, actor, pool) is not None,
        "demands": demands,
        "mine": mine,
        "shares": shares,
        "orgs": orgs,
        "orders": orders,
        "order_link": order_link,
        "regions": regions,
        "region_choices": [(r, show.region_depth(r)) for r in regions.values()],
        "region_name": lambda rid: show.name_of(regions.get(rid)) if regions.get(rid) else "",
        "window_open": window_open,
        "before_window": now < pool.opens_at,
        "can_add": can_add,
        "lines": lines,
        "fiscal_year": budgets.fiscal_year_now(),
        "purchaser": service.may_add_demand(actor),
        "can_cancel": can_cancel,
        "cancel_preview": service.held_by_demands(session, pool.id) if can_cancel else None,
        "auction": auction,
        "auction_phase": (
            auction.status
            if auction is not None and auction.status != "published"
            else ("upcoming" if auction is not None and now < auction.starts_at else "open")
        ),
        "demand_defaults": {
            "delivery_region_id": (last.delivery_region_id if last else actor.region_id),
            "delivery_address": last.delivery_address if last else "",
            "contact_name": last.contact_name if last else (user.display_name if user else ""),
            "contact_phone": last.contact_phone if last else "",
            "quantity": "",
        },
        "done": request.args.get("done"),
    }


def room_panel(session: Any, actor: Actor, auction: Auction, role: str | None) -> dict | None:
    """What the auction room shows of the pool behind a pool auction: its number and page, and
    for a bidder in a pool with several winners the capacity it declared."""
    if auction.pool_id is None:
        return None
    pool = session.get(Pool, auction.pool_id)
    if pool is None:
        return None
    outcome = request.args.get("capacity")
    return {
        "pool": pool,
        "url": url_for("pool_ui.page", pool_id=pool.id),
        "capacity_url": url_for("pool_ui.capacity", pool_id=pool.id),
        "asks_capacity": role == "bidder" and pool.max_winners > 1,
        "capacity": service.capacity_of(session, pool.id, actor.organisation_id)
        if role == "bidder"
        else None,
        "capacity_outcome": outcome,
        "capacity_error": None if outcome in (None, "saved") else _capacity_message(outcome),
    }


def awarded_total(session: Any, pool_id: int) -> Any:
    """The sum of the pool's awarded shares (0 before the award)."""
    return session.scalar(
        select(func.coalesce(func.sum(PoolAllocation.total), 0)).where(
            PoolAllocation.pool_id == pool_id
        )
    )


def _capacity_message(code: str) -> str:
    return str(_CAPACITY_MESSAGES.get(code) or _("The declaration was refused."))
