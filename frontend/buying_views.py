"""Buying pages: the cart, checkout against a budget line, the purchaser's and the supplier's orders
with the actions each side's state allows, the electronic contract with its signatures, payment, and
the unit's budget lines (MALL-1, MALL-3, MALL-4, MALL-5), the service details of designated services
(MALL-2, 定点服务) and the parties' ratings of a closed order (SUP-4, 信用互评). Pages are rendered
here; writes go from the page's script to the JSON API with the session's CSRF token."""

from __future__ import annotations

from datetime import datetime
from math import ceil
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from catalog.designations.service import today as service_today
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import User
from core.accounts.roles import OrgKind, Role
from core.api import paginate
from core.db import db
from core.errors import Forbidden
from frontend import catalog_display as show
from frontend.catalog_views import signed_in
from frontend.i18n import both, pick
from mall import policy
from mall.budgets import service as budgets
from mall.budgets.models import FUND_SOURCES, BudgetLine
from mall.contracts import service as contracts
from mall.contracts.models import Contract
from mall.orders import cart, service
from mall.orders import checkout as checkout_rules
from mall.orders.access import get_order, orders_query, party_of, require_purchaser
from mall.orders.designated import MAX_DETAILS, MAX_PLACE
from mall.orders.models import STATUS_NAMES, STATUSES, Order
from mall.ratings import service as ratings
from mall.ratings.models import Rating
from mall.ratings.service import MAX_COMMENT
from supervision.credit.criteria import CRITERIA, MAX_SCORE, MIN_SCORE

bp = Blueprint("buying_ui", __name__)

PER_PAGE = 20
MAX_PAGE = 500
#: Where an order's page lives for each side.
ORDER_PAGES = {"purchaser": "buying_ui.order_page", "supplier": "buying_ui.supplier_order_page"}
LIST_PAGES = {"purchaser": "buying_ui.orders", "supplier": "buying_ui.supplier_orders"}
#: Orders that ended without being fulfilled.
ENDED = ("declined", "cancelled", "lapsed")
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


def _iso_local(value: Any) -> str:
    """A time from a contract's terms (ISO text in UTC) as Asia/Shanghai wall time."""
    if not value:
        return ""
    try:
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    return clock.local(at).strftime("%Y-%m-%d %H:%M:%S")


def _user_names(ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
    return dict(rows.all())


# ---------------------------------------------------------------- cart and checkout


def _cart_view(actor: Actor) -> dict[str, Any]:
    view = cart.view(db.session, actor)
    for group in view["groups"]:
        for item in group["items"]:
            item["title"] = pick(item["title_zh"], item["title_en"] or item["title_zh"])
            problem = item["problem"]
            item["problem_text"] = pick(*reversed(cart.PROBLEMS[problem])) if problem else ""
        group["problems"] = sum(1 for item in group["items"] if item["problem"])
    view["problems"] = sum(group["problems"] for group in view["groups"])
    return view


@bp.route("/cart")
def cart_page() -> Any:
    """购物车: the cart by supplier at today's prices, with what would stop each item's order."""
    actor = _purchaser()
    return render_template("buying/cart.html", cart=_cart_view(actor))


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
        cart=_cart_view(actor),
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


def _actions(order: Order, side: str) -> list[str]:
    """What this side may do to the order now (the transitions of ``mall.orders.service``)."""
    status, asked = order.status, order.cancel_requested_by
    if side == "supplier":
        return {
            "placed": ["confirm", "decline"],
            "confirmed": (
                ["ship", "request_cancel"]
                if asked is None
                else ["withdraw_cancel"]
                if asked == "supplier"
                else ["agree_cancel", "refuse_cancel"]
            ),
            "shipped": ["deliver"],
            "acceptance_refused": ["redeliver"],
            "paid": ["close"],
        }.get(status, [])
    return {
        "placed": ["cancel"],
        "confirmed": (
            ["request_cancel"]
            if asked is None
            else ["withdraw_cancel"]
            if asked == "purchaser"
            else ["agree_cancel", "refuse_cancel"]
        ),
        "shipped": ["receive"],
        "delivered": ["accept", "refuse_acceptance"],
    }.get(status, [])


def _timeline(order: Order, users: dict[int, str]) -> list[dict[str, Any]]:
    """The order's times, oldest first; the confirmation deadline while it is still open."""
    events: list[dict[str, Any]] = [{"key": "placed", "at": order.placed_at}]
    if order.status == "placed":
        events.append({"key": "confirm_by", "at": order.confirm_by, "due": True})
    for key in ("confirmed", "shipped"):
        at = getattr(order, f"{key}_at")
        if at:
            events.append({"key": key, "at": at})
    for acceptance in order.acceptances:
        events.append(
            {
                "key": "acceptance_" + acceptance.decision,
                "at": acceptance.recorded_at,
                "by": users.get(acceptance.recorded_by, ""),
                "reasons": acceptance.reasons or [],
                "notes": acceptance.notes,
                "amount": acceptance.accepted_total,
            }
        )
    if order.delivered_at:
        # Delivery comes before the acceptance that followed it (a redelivery after a refusal
        # comes after that refusal).
        events.append({"key": "delivered", "at": order.delivered_at})
    for key in ("paid", "closed"):
        at = getattr(order, f"{key}_at", None)
        if at:
            events.append({"key": key, "at": at})
    if order.ended_at:
        events.append(
            {
                "key": order.status,
                "at": order.ended_at,
                "notes": order.decline_reason or order.cancel_reason,
            }
        )
    events.sort(key=lambda e: e["at"])
    return events


def _contract_summary(order: Order) -> dict[str, Any] | None:
    contract: Contract | None = getattr(order, "contract", None)
    if contract is None:
        return None
    signed = {s.party: s for s in contracts.signature_status(db.session, contract)}
    return {
        "contract": contract,
        "signed": signed,
        "intact": contracts.content_intact(contract),
        "fully_signed": contracts.fully_signed(db.session, contract),
    }


def _criteria(side: str) -> list[dict[str, str]]:
    """The criteria the rater's side scores, in display order, named in the page's language."""
    return [{"code": code, "name": pick(zh, en)} for code, zh, en in CRITERIA[side]]


def _rating_view(rating: Rating) -> dict[str, Any]:
    return {
        "side": rating.side,
        "scores": [
            {**criterion, "score": rating.scores.get(criterion["code"])}
            for criterion in _criteria(rating.side)
        ],
        "overall": rating.overall,
        "comment": rating.comment,
        "at": rating.created_at,
    }


def _ratings_panel(order: Order, actor: Actor, side: str) -> dict[str, Any] | None:
    """信用互评 on a closed order: this side's form until it has rated, then the ratings given."""
    if order.status != "closed":
        return None
    given = {r.side: r for r in ratings.ratings_for_order(db.session, actor, order.id)}
    other = "supplier" if side == "purchaser" else "purchaser"
    return {
        "rated": side in given,
        "given": [_rating_view(given[s]) for s in (side, other) if s in given],
        "other_rated": other in given,
        "criteria": _criteria(side),
        "scores": range(MIN_SCORE, MAX_SCORE + 1),
        "max_score": MAX_SCORE,
        "max_comment": MAX_COMMENT,
        "other": other,
        "url": url_for("ratings.rate", order_id=order.id),
    }


def _order_page(order_id: int, side: str) -> Any:
    actor = signed_in()
    session = db.session
    order = get_order(session, actor, order_id)
    party = party_of(actor, order)
    if party != side:
        assert party is not None
        return redirect(url_for(ORDER_PAGES[party], order_id=order.id))
    latest = order.acceptances[-1] if order.acceptances else None
    accepted = (
        {i.order_item_id: i for i in latest.items}
        if latest is not None and latest.decision == "accepted"
        else {}
    )
    users = _user_names({a.recorded_by for a in order.acceptances} | {order.placed_by})
    counterpart = order.supplier if side == "purchaser" else order.purchaser
    payability = None
    if side == "purchaser" and order.status not in ENDED:
        payability = service.payability(order)
        for problem in payability["problems"]:
            problem["text"] = pick(problem["message_zh"], problem["message"])
    return render_template(
        "buying/order.html",
        order=order,
        side=side,
        counterpart=counterpart,
        items=[
            {
                "item": item,
                "title": pick(item.title_zh, item.title_en or item.title_zh),
                "accepted": accepted.get(item.id),
            }
            for item in order.items
        ],
        timeline=_timeline(order, users),
        actions=_actions(order, side),
        contract=_contract_summary(order),
        payability=payability,
        placed_by=users.get(order.placed_by, ""),
        list_endpoint=LIST_PAGES[side],
        api_base=(
            url_for("orders.purchaser_order", order_id=order.id)
            if side == "purchaser"
            else url_for("supplier_orders.supplier_order", order_id=order.id)
        ),
        # Both parties read an order's payments at the same address.
        payments_url=url_for("orders.purchaser_order", order_id=order.id) + "/payments",
        paying=order.status in ("accepted", "paid", "closed"),
        attaching=side == "purchaser"
        and order.status in ("delivered", "accepted", "acceptance_refused"),
        attachments_url=url_for("orders.purchaser_order", order_id=order.id) + "/attachments",
        ratings=_ratings_panel(order, actor, side),
    )


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
    session = db.session
    row = contracts.get_contract(session, actor, contract_id)
    view = contracts.view(session, row)
    party = party_of(actor, row.order)
    signed = {s.party: s for s in view["signatures"]}
    terms = view["terms"] or {}
    items = [
        {**item, "title": pick(item.get("title_zh", ""), item.get("title_en") or "")}
        for item in terms.get("items", [])
    ]
    return render_template(
        "buying/contract.html",
        contract=row,
        view=view,
        terms=terms,
        items=items,
        party=party,
        signed=signed,
        signers=_user_names({s.signed_by for s in view["signatures"]}),
        may_sign=(
            party is not None
            and party not in signed
            and row.order.status not in contracts.VOID_STATUSES
            and view["content_intact"]
        ),
        void=row.order.status in contracts.VOID_STATUSES,
        order_url=url_for(ORDER_PAGES[party or "purchaser"], order_id=row.order_id),
        iso_local=_iso_local,
        size_name=show.size_name,
    )


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
        users=_user_names({m.actor_user_id for m in movements}),
        movement_name=lambda k: str(MOVEMENT_NAMES.get(k, k)),
        may_manage=_may_manage_budget(actor) and line.organisation_id == actor.organisation_id,
    )
