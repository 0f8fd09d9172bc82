"""Volume-purchase pages (带量采购, AUC-2): the list of pools, the form an operator or a lead purchaser
opens one with, and the pool page where purchaser units add and withdraw their demand and everyone
follows the pooled total, the status, the link to its auction and the award's shares. Plain forms
posted to these routes call the same services as the JSON API; a refusal re-renders the page with
the message and writes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from math import ceil
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from marshmallow import ValidationError
from sqlalchemy import func, select

from auction import eligibility
from auction.models import Auction
from auction.pools import eligible, service
from auction.pools.models import Pool, PoolAllocation
from auction.pools.schemas import (
    CapacitySchema,
    DemandCreateSchema,
    PoolCreateSchema,
    PoolReasonSchema,
)
from catalog.categories.models import StandardProduct
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import User
from core.api import paginate
from core.db import db
from core.errors import DomainError, NotFound
from frontend import catalog_display as show
from frontend.catalog_views import signed_in
from frontend.i18n import label, lang, pick
from mall.budgets import service as budgets
from mall.orders.models import Order

bp = Blueprint("pool_ui", __name__)

PER_PAGE = 20
MAX_PAGE = 500
DEFAULTS = {
    "window_days": 3,
    "gap_minutes": 10,
    "duration_minutes": 30,
    "decrement_mode": "absolute",
    "decrement_value": "10.00",
    "must_beat": "best",
    "visibility": "best",
    "min_bidders": 3,
    "max_winners": 2,
    "unit": lazy_pgettext("the default unit of a lot", "unit"),
    "delivery_days": 20,
}


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return {
        "pool_status_name": lambda key: label(f"pool_status_{key}"),
        "pool_reason_text": _reason_text,
        "may_open_pool": service.may_organise,
    }


def _message(error: DomainError) -> str:
    return error.message_zh if lang() == "zh" else error.message


def _reason_text(code: str) -> str:
    """The rule's plain reason (``auction.eligibility.message``) in the page's language."""
    en, zh = eligibility.message(code)
    return zh if lang() == "zh" else en


def _form_errors(error: ValidationError) -> dict[str, str]:
    messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
    return {field: "; ".join(map(str, problems)) for field, problems in messages.items()}


def _domain_errors(error: DomainError) -> dict[str, str]:
    return {
        field: "; ".join(map(str, problems)) if isinstance(problems, list) else str(problems)
        for field, problems in (error.details or {}).items()
    }


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    return min(max(int(raw), 1), MAX_PAGE) if raw.isdigit() else 1


# ---------------------------------------------------------------- the list


def _whole_numbers(form: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Form fields typed as whole numbers, as the API takes them (JSON integers): a field of ASCII
    digits becomes an int; anything else is left for the schema to refuse with its message."""
    out = dict(form)
    for key in keys:
        value = out.get(key)
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
            out[key] = int(value)
    return out


@bp.route("/pools")
def index() -> Any:
    """带量采购: every pool (a purchaser unit joins by adding demand), or the unit's own."""
    actor = signed_in()
    session = db.session
    mine = request.args.get("mine") == "1"
    supplier = actor.org_kind == "supplier"
    # A supplier sees the pools it may take part in (the auctions' one rule); ``all=1`` shows the
    # others too, each with the reason it may not.
    view = (
        eligible.supplier_pools(session, actor.organisation_id)
        if supplier and actor.organisation_id
        else None
    )
    everything = view is not None and request.args.get("all") == "1"
    query = service.pools_query(session, actor, {"mine": mine, "all": everything})
    hidden = 0
    if view is not None:
        hidden = _count(service.pools_query(session, actor, {"all": True})) - _count(
            service.pools_query(session, actor, {})
        )
    result = paginate(session, query, {"page": _page_arg(), "per_page": PER_PAGE})
    categories = show.categories_by_id(session)
    flags = eligible.sme_flags(session, result["items"]) if view is not None else {}
    rows = [
        {
            "pool": p,
            "category": categories.get(p.category_id),
            "ceiling": service.visible_ceiling(session, actor, p),
            "why_not": view.reason_for(p, flags[p.id]) if view is not None else None,
        }
        for p in result["items"]
    ]
    return render_template(
        "pools/index.html",
        rows=rows,
        supplier=supplier,
        purchaser=service.may_add_demand(actor),
        mine=mine,
        total=result["total"],
        page=result["page"],
        pages=max(min(ceil(result["total"] / PER_PAGE), MAX_PAGE), 1),
        page_link=lambda n: url_for(
            "pool_ui.index", page=n, mine="1" if mine else None, all="1" if everything else None
        ),
        everything=everything,
        hidden=hidden,
        all_link=url_for("pool_ui.index", all="1"),
        biddable_link=url_for("pool_ui.index"),
        enrolment_link=url_for("catalog_ui.enrolment_page"),
    )


def _count(query: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


# ---------------------------------------------------------------- the form


def _local_input(value: str) -> datetime | None:
    """A ``datetime-local`` value (Beijing time) as an aware UTC datetime."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=clock.SHANGHAI)
    except (TypeError, ValueError):
        return None


def _form_context(actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    session = db.session
    now = clock.now()
    categories = show.categories_by_id(session)
    leaves = sorted(show.leaf_ids(categories), key=lambda i: categories[i].code)
    products = session.scalars(
        select(StandardProduct)
        .where(StandardProduct.active.is_(True), StandardProduct.category_id.in_(leaves))
        .order_by(StandardProduct.code)
    ).all()
    closes = clock.local(now + timedelta(days=DEFAULTS["window_days"])).replace(
        second=0, microsecond=0
    )
    user = session.get(User, actor.user_id)
    defaults = {
        **{k: str(v) for k, v in DEFAULTS.items()},
        "closes_at": closes.strftime("%Y-%m-%dT%H:%M"),
        "delivery_date": (closes.date() + timedelta(days=DEFAULTS["delivery_days"])).isoformat(),
        "contact_name": user.display_name if user else "",
        "show_ceiling": "on",
    }
    return {
        "leaves": [categories[i] for i in leaves],
        "category_path": lambda c: " › ".join(
            show.name_of(categories[p]) for p in c.path_ids if p in categories
        ),
        "products": [
            {"id": p.id, "category_id": p.category_id, "name": pick(p.name_zh, p.name_en)}
            for p in products
        ],
        "values": defaults | values,
        "min_local": clock.local(now).strftime("%Y-%m-%dT%H:%M"),
    }


@bp.route("/pools/new", methods=["GET", "POST"])
def new() -> Any:
    """发起带量采购 (operators and lead purchasers)."""
    actor = signed_in()
    if not service.may_organise(actor):
        service.require_organiser(actor)
    if request.method == "GET":
        return render_template("pools/new.html", errors={}, error=None, **_form_context(actor, {}))
    form = request.form.to_dict()
    errors: dict[str, str] = {}
    body: dict[str, Any] = {
        k: form.get(k, "")
        for k in (
            "title",
            "category_id",
            "unit",
            "ceiling",
            "delivery_date",
            "contact_name",
            "contact_phone",
            "decrement_mode",
            "decrement_value",
            "must_beat",
            "visibility",
            "min_bidders",
            "max_winners",
        )
    }
    if form.get("standard_product_id"):
        body["standard_product_id"] = form["standard_product_id"]
    body["show_ceiling"] = form.get("show_ceiling") == "on"
    closes = _local_input(form.get("closes_at", ""))
    if closes is None:
        errors["closes_at"] = _("Please correct the fields marked.")
    else:
        try:
            gap = int(form.get("gap_minutes", ""))
            duration = int(form.get("duration_minutes", ""))
        except ValueError:
            gap, duration = -1, -1
        if gap < 0 or duration <= 0:
            errors["auction_ends_at"] = _("Please correct the fields marked.")
        else:
            starts = closes + timedelta(minutes=gap)
            body["closes_at"] = closes.isoformat()
            body["auction_starts_at"] = starts.isoformat()
            body["auction_ends_at"] = (starts + timedelta(minutes=duration)).isoformat()
    error = None
    if not errors:
        try:
            data = PoolCreateSchema().load(
                _whole_numbers(
                    body, ("category_id", "standard_product_id", "min_bidders", "max_winners")
                )
            )
            pool = service.open_pool(db.session, actor, data)
            return redirect(url_for("pool_ui.page", pool_id=pool.id, done="opened"))
        except ValidationError as refused:
            errors = _form_errors(refused)
        except DomainError as refused:
            db.session.rollback()
            errors, error = _domain_errors(refused), _message(refused)
    return (
        render_template(
            "pools/new.html",
            errors=errors,
            error=error or _("Please correct the fields marked."),
            **_form_context(actor, form),
        ),
        422,
    )


# ---------------------------------------------------------------- the pool page


def _pool_for(session: Any, actor: Actor, pool_id: int) -> Pool:
    """The pool, as the API shows it; and to a supplier outside its category a pool that is not
    cancelled too, so that the page can say why the company may not take part."""
    try:
        return service.get_pool(session, actor, pool_id)
    except NotFound:
        pool = session.get(Pool, pool_id)
        if actor.org_kind != "supplier" or pool is None or pool.status == "cancelled":
            raise
        return pool


def _page_context(pool_id: int) -> dict[str, Any]:
    actor = signed_in()
    session = db.session
    pool = _pool_for(session, actor, pool_id)
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
        "why_text": _reason_text(why_not) if why_not else None,
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


@bp.route("/pools/<int:pool_id>")
def page(pool_id: int) -> Any:
    return render_template("pools/pool.html", errors={}, error=None, **_page_context(pool_id))


def _refused(pool_id: int, errors: dict[str, str], error: str | None, form: dict) -> Any:
    db.session.rollback()
    context = _page_context(pool_id)
    context["demand_defaults"] = context["demand_defaults"] | form
    return (
        render_template(
            "pools/pool.html",
            errors=errors,
            error=error or _("Please correct the fields marked."),
            **context,
        ),
        422 if errors else 409,
    )


@bp.route("/pools/<int:pool_id>/demand", methods=["POST"])
def add_demand(pool_id: int) -> Any:
    """报送需求 from the pool page."""
    actor = signed_in()
    form = {
        k: request.form.get(k, "")
        for k in (
            "quantity",
            "budget_line_id",
            "delivery_region_id",
            "delivery_address",
            "contact_name",
            "contact_phone",
        )
    }
    try:
        data = DemandCreateSchema().load(
            _whole_numbers(form, ("quantity", "budget_line_id", "delivery_region_id"))
        )
        service.get_pool(db.session, actor, pool_id)
        service.add_demand(db.session, actor, pool_id, data)
    except ValidationError as refused:
        return _refused(pool_id, _form_errors(refused), None, form)
    except DomainError as refused:
        return _refused(pool_id, _domain_errors(refused), _message(refused), form)
    return redirect(url_for("pool_ui.page", pool_id=pool_id, done="added"))


@bp.route("/pools/<int:pool_id>/withdraw", methods=["POST"])
def withdraw(pool_id: int) -> Any:
    actor = signed_in()
    try:
        service.withdraw_demand(db.session, actor, pool_id)
    except DomainError as refused:
        return _refused(pool_id, {}, _message(refused), {})
    return redirect(url_for("pool_ui.page", pool_id=pool_id, done="withdrawn"))


@bp.route("/pools/<int:pool_id>/cancel", methods=["POST"])
def cancel(pool_id: int) -> Any:
    actor = signed_in()
    try:
        reason = PoolReasonSchema().load({"reason": request.form.get("reason", "")})["reason"]
        if request.form.get("confirm") != "1":
            # Withdrawing releases every unit's funds and cannot be undone: read, then confirm.
            return _refused(
                pool_id, {"confirm": _("Confirm that you understand the effect first.")}, None, {}
            )
        service.cancel_pool(db.session, actor, pool_id, reason)
    except ValidationError as refused:
        return _refused(pool_id, _form_errors(refused), None, {})
    except DomainError as refused:
        return _refused(pool_id, {}, _message(refused), {})
    return redirect(url_for("pool_ui.page", pool_id=pool_id, done="cancelled"))


@bp.route("/pools/<int:pool_id>/capacity", methods=["POST"])
def capacity(pool_id: int) -> Any:
    """供货能力, declared from the auction room's bid box; back to the room with the outcome."""
    actor = signed_in()
    pool = db.session.get(Pool, pool_id)
    room = (
        url_for("auction_ui.room", auction_id=pool.auction_id)
        if pool is not None and pool.auction_id
        else url_for("pool_ui.page", pool_id=pool_id)
    )
    try:
        quantity = CapacitySchema().load(
            _whole_numbers({"quantity": request.form.get("quantity", "")}, ("quantity",))
        )
        service.declare_capacity(db.session, actor, pool_id, quantity["quantity"])
    except ValidationError:
        db.session.rollback()
        return redirect(f"{room}?capacity=invalid")
    except DomainError as refused:
        db.session.rollback()
        return redirect(f"{room}?capacity={refused.code}")
    return redirect(f"{room}?capacity=saved")


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
    return session.scalar(
        select(func.coalesce(func.sum(PoolAllocation.total), 0)).where(
            PoolAllocation.pool_id == pool_id
        )
    )


_CAPACITY_MESSAGES = {
    "capacity_lowered": _l("After bidding, the capacity can only be raised."),
    "closed": _l("The auction is closed."),
    "invalid": _l("Enter a whole number of 1 or more."),
}


def _capacity_message(code: str) -> str:
    return str(_CAPACITY_MESSAGES.get(code) or _("The declaration was refused."))
