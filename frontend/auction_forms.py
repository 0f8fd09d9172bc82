"""The 发起竞价 form: its defaults, what it offers the purchaser (categories, products, budget lines,
regions, the last delivery details), and a draft's terms as the form's values for 修改."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import lazy_pgettext
from sqlalchemy import select

from auction import service
from auction.models import Auction
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import User
from core.accounts.roles import Role
from core.db import db
from frontend import catalog_display as show
from frontend.i18n import pick
from mall import policy
from mall.budgets import service as budgets
from mall.orders.models import Order

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
    "unit": lazy_pgettext("the default unit of a lot", "unit"),
    "delivery_days": 15,
}


def draft_values(auction: Auction) -> dict[str, Any]:
    """A draft's terms as the form shows them: the start in Beijing time, the duration in minutes."""
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
    return draft


def form_context(actor: Actor, draft: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the form offers the purchaser, with the defaults filled in from its last auction or
    order; ``draft`` is the draft being changed, if any."""
    session = db.session
    now = clock.now()
    categories, leaves, products = show.lot_choices(session)
    year = budgets.fiscal_year_now()
    lines = list(session.scalars(budgets.lines_query(actor, {"active": True, "fiscal_year": year})))
    regions = show.regions_by_id(session)
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
    return {
        "draft": draft,
        "leaves": [categories[i] for i in leaves],
        "category_path": lambda c: " › ".join(
            show.name_of(categories[p]) for p in c.path_ids if p in categories
        ),
        "products": [
            {"id": p.id, "category_id": p.category_id, "name": pick(p.name_zh, p.name_en)}
            for p in products
        ],
        "lines": lines,
        "fiscal_year": year,
        "may_manage_budget": actor.has(Role.ORG_ADMIN),
        "regions": [(r, show.region_depth(r)) for r in regions.values()],
        "home_region_id": actor.region_id,
        "purchase_limit": str(settings.purchase_limit),
        "defaults": {
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
        "server_now": now.isoformat(),
    }
