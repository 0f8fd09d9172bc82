"""Buying pages: the cart, checkout against a budget line, the purchaser's and the supplier's orders
with the actions each side's state allows, the electronic contract with its signatures, payment, and
the unit's budget lines (MALL-1, MALL-3, MALL-4, MALL-5), the service details of designated services
(MALL-2, 定点服务) and the parties' ratings of a closed order (SUP-4, 信用互评). Pages are rendered
here; writes go from the page's script to the JSON API with the session's CSRF token."""

from __future__ import annotations

from math import ceil
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from catalog.designations.service import today as service_today
from core.accounts.auth import Actor
from core.accounts.models import User
from core.accounts.roles import OrgKind, Role
from core.api import paginate
from core.db import db
from core.errors import Forbidden
from frontend.buying_pages import (
    LIST_PAGES,
    ORDER_PAGES,
    cart_view,
    contract_context,
    order_context,
    user_names,
)
from frontend.catalog_views import signed_in
from frontend.i18n import both, pick
from mall import policy
from mall.budgets import service as budgets
from mall.budgets.models import FUND_SOURCES, BudgetLine
from mall.contracts import service as contracts
from mall.orders import checkout as checkout_rules
from mall.orders.access import get_order, orders_query, party_of, require_purchaser
from mall.orders.designated import MAX_DETAILS, MAX_PLACE
from mall.orders.models import STATUS_NAMES, STATUSES, Order

bp = Blueprint("buying_ui", __name__)

PER_PAGE = 20
MAX_PAGE = 500
MOVEMENT_NAMES = {
    "reserve": _l("Reserved"),
    "release": _l("Released"),
    "consume": _l("Consumed"),
    "refund": _l("Refunded"),
    "adjust": _l("Adjusted"),
}


def may_buy(actor: Actor | None) -> bool:
    """Whether the actor shops (a purchaser of a purchaser unit)."""
    return bool(
        actor
        and actor.user_id
        and actor.org_kind == OrgKind.PURCHASER
        and actor.has(Role.PURCHASER)
    )


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return {
        "may_buy": may_buy,
        "order_status_name": lambda s: pick(*STATUS_NAMES[s]) if s in STATUS_NAMES else s,
        "fund_source_name": lambda s: pick(*FUND_SOURCES[s]) if s in FUND_SOURCES else s,
    }


def _purchaser() -> Actor:
    actor = signed_in()
    require_purchaser(actor)
    return actor


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    return min(max(int(raw), 1), MAX_PAGE) if raw.isdigit() else 1


# ---------------------------------------------------------------- cart and checkout


@bp.route("/cart")
def cart_page() -> Any:
    """购物车: the cart by supplier at today's prices, with what would stop each item's order."""
    actor = _purchaser()
    return render_template("buying/cart.html", cart=cart_view(actor))


@bp.route("/checkout")
def checkout_page() -> Any:
    """结算: choose a budget line with enough funds, the delivery address and contact; place orders."""
    actor = _purchaser()
    session = db.session
    year = budgets.fiscal_year_now()
    lines = list(session.scalars(budgets.lines_query(actor, {"active": True, "fiscal_year": year})))
    last = session.scalars(
        select(Order)
        .where(Order.purchaser_id == actor.organisation_id, Order.placed_by == actor.user_id)
        .order_by(Order.id.desc())
        .limit(1)
    ).first()
    user = session.get(User, actor.user_id)
    return render_template(
        "buying/checkout.html",
        cart=cart_view(actor),
        lines=lines,
        fiscal_year=year,
        rules=policy.describe(),
        may_manage_budget=actor.has(Role.ORG_ADMIN),
        # 定点服务: the earliest service date (China's calendar, as checkout counts it)
        service_min_date=service_today().isoformat(),
        service_limits={"place": MAX_PLACE, "details": MAX_DETAILS},
        delivery_limits={
            "address_min": checkout_rules.ADDRESS_MIN,
            "address_max": checkout_rules.ADDRESS_MAX,
            "name_max": checkout_rules.NAME_MAX,
            "phone_max": checkout_rules.PHONE_MAX,
        },
        defaults={
            "delivery_address": last.delivery_address if last else "",
            "contact_name": last.contact_name if last else user.display_name,
            "contact_phone": last.contact_phone if last else "",
        },
    )


# ---------------------------------------------------------------- order lists


def _order_list(actor: Actor, side: str) -> Any:
    session = db.session
    status = request.args.get("status") or None
    if status not in STATUSES:
        status = None
    query = orders_query(actor, side, {"status": status})
    result = paginate(session, query, {"page": _page_arg(), "per_page": PER_PAGE})
    counts = dict(
        session.execute(
            select(Order.status, func.count())
            .where(
                (Order.purchaser_id if side == "purchaser" else Order.supplier_id)
                == actor.organisation_id
            )
            .group_by(Order.status)
        ).all()
    )
    return render_template(
        "buying/orders.html",
        side=side,
        orders=result["items"],
        total=result["total"],
        page=result["page"],
        pages=max(min(ceil(result["total"] / PER_PAGE), MAX_PAGE), 1),
        status=status,
        statuses=[(s, counts.get(s, 0)) for s in STATUSES],
        all_count=sum(counts.values()),
        list_endpoint=LIST_PAGES[side],
        order_endpoint=ORDER_PAGES[side],
        page_link=lambda n: url_for(LIST_PAGES[side], status=status, page=n),
    )


@bp.route("/orders")
def orders() -> Any:
    """我的订单: the unit's orders, newest first, by status."""
    actor = signed_in()
    if actor.org_kind == OrgKind.SUPPLIER:
        return redirect(url_for("buying_ui.supplier_orders"))
    return _order_list(actor, "purchaser")


@bp.route("/supplier/orders")
def supplier_orders() -> Any:
    """销售订单: orders to the supplier, newest first, by status."""
    return _order_list(signed_in(), "supplier")


# ---------------------------------------------------------------- an order


def _order_page(order_id: int, side: str) -> Any:
    actor = signed_in()
    session = db.session
    order = get_order(session, actor, order_id)
    party = party_of(actor, order)
    if party != side:
        assert party is not None
        return redirect(url_for(ORDER_PAGES[party], order_id=order.id))
    return render_template("buying/order.html", **order_context(actor, order, side))


@bp.route("/orders/<int:order_id>")
def order_page(order_id: int) -> Any:
    """订单详情 (采购人): items, totals, times, logistics, contract, acceptance and payment."""
    return _order_page(order_id, "purchaser")


@bp.route("/supplier/orders/<int:order_id>")
def supplier_order_page(order_id: int) -> Any:
    """订单详情 (供应商): items, totals, times, logistics, contract; confirm, ship, deliver, close."""
    return _order_page(order_id, "supplier")


# ---------------------------------------------------------------- contract


@bp.route("/contracts/<int:contract_id>")
def contract_page(contract_id: int) -> Any:
    """电子合同: the terms for reading and printing, the content hash, each party's signature."""
    actor = signed_in()
    row = contracts.get_contract(db.session, actor, contract_id)
    party = party_of(actor, row.order)
    order_url = url_for(ORDER_PAGES[party or "purchaser"], order_id=row.order_id)
    return render_template("buying/contract.html", **contract_context(row, party, order_url))


# ---------------------------------------------------------------- budget lines


def _budget_actor() -> Actor:
    actor = signed_in()
    if actor.org_kind != OrgKind.PURCHASER and not actor.has(Role.OPERATOR, Role.SUPERVISOR):
        raise Forbidden(*both("Budget lines belong to purchaser units."), code="purchaser_only")
    return actor


def _may_manage_budget(actor: Actor) -> bool:
    return actor.org_kind == OrgKind.PURCHASER and actor.has(Role.ORG_ADMIN)


@bp.route("/budgets")
def budgets_page() -> Any:
    """预算指标: the unit's lines with amount, reserved, consumed and available funds."""
    actor = _budget_actor()
    session = db.session
    query = budgets.lines_query(actor, {})
    result = paginate(session, query, {"page": _page_arg(), "per_page": 50})
    return render_template(
        "buying/budgets.html",
        lines=result["items"],
        page=result["page"],
        pages=max(ceil(result["total"] / 50), 1),
        may_manage=_may_manage_budget(actor),
        fiscal_year=budgets.fiscal_year_now(),
        fund_sources=list(FUND_SOURCES),
        back=request.args.get("back") == "checkout",
        page_link=lambda n: url_for("buying_ui.budgets_page", page=n),
    )


@bp.route("/budgets/<int:line_id>")
def budget_line_page(line_id: int) -> Any:
    """A budget line and every movement of its funds."""
    actor = _budget_actor()
    session = db.session
    line: BudgetLine = budgets.get_line(session, actor, line_id)
    movements = budgets.movements(session, actor, line_id)
    order_ids = {m.ref_id for m in movements if m.ref_type == "order" and m.ref_id}
    numbers = {
        o.id: o.number
        for o in session.scalars(select(Order).where(Order.id.in_(order_ids)))
        if o.purchaser_id == actor.organisation_id
    }
    return render_template(
        "buying/budget_line.html",
        line=line,
        movements=list(reversed(movements)),
        numbers=numbers,
        users=user_names({m.actor_user_id for m in movements}),
        movement_name=lambda k: str(MOVEMENT_NAMES.get(k, k)),
        may_manage=_may_manage_budget(actor) and line.organisation_id == actor.organisation_id,
    )
