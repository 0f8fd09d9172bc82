"""Volume-purchase pages (带量采购, AUC-2): the list of pools, the form an operator or a lead purchaser
opens one with, and the pool page where purchaser units add and withdraw their demand and everyone
follows the pooled total, the status, the link to its auction and the award's shares. Plain forms
posted to these routes call the same services as the JSON API; a refusal re-renders the page with
the message and writes nothing."""

from __future__ import annotations

from math import ceil
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from auction.pools import eligible, service
from auction.pools.models import Pool
from auction.pools.schemas import (
    CapacitySchema,
    DemandCreateSchema,
    PoolCreateSchema,
    PoolReasonSchema,
)
from core.api import paginate
from core.db import db
from core.errors import DomainError
from frontend import catalog_display as show
from frontend.catalog_views import signed_in
from frontend.i18n import label
from frontend.pool_forms import (
    domain_errors,
    form_context,
    form_errors,
    message,
    pool_body,
    whole_numbers,
)
from frontend.pool_pages import count, page_context, reason_text

bp = Blueprint("pool_ui", __name__)

PER_PAGE = 20
MAX_PAGE = 500


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return {
        "pool_status_name": lambda key: label(f"pool_status_{key}"),
        "pool_reason_text": reason_text,
        "may_open_pool": service.may_organise,
    }


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    return min(max(int(raw), 1), MAX_PAGE) if raw.isdigit() else 1


# ---------------------------------------------------------------- the list


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
        hidden = count(service.pools_query(session, actor, {"all": True})) - count(
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


# ---------------------------------------------------------------- the form


@bp.route("/pools/new", methods=["GET", "POST"])
def new() -> Any:
    """发起带量采购 (operators and lead purchasers)."""
    actor = signed_in()
    if not service.may_organise(actor):
        service.require_organiser(actor)
    if request.method == "GET":
        return render_template("pools/new.html", errors={}, error=None, **form_context(actor, {}))
    form = request.form.to_dict()
    body, errors = pool_body(form)
    error = None
    if not errors:
        try:
            data = PoolCreateSchema().load(
                whole_numbers(
                    body, ("category_id", "standard_product_id", "min_bidders", "max_winners")
                )
            )
            pool = service.open_pool(db.session, actor, data)
            return redirect(url_for("pool_ui.page", pool_id=pool.id, done="opened"))
        except ValidationError as refused:
            errors = form_errors(refused)
        except DomainError as refused:
            db.session.rollback()
            errors, error = domain_errors(refused), message(refused)
    return (
        render_template(
            "pools/new.html",
            errors=errors,
            error=error or _("Please correct the fields marked."),
            **form_context(actor, form),
        ),
        422,
    )


# ---------------------------------------------------------------- the pool page


@bp.route("/pools/<int:pool_id>")
def page(pool_id: int) -> Any:
    context = page_context(signed_in(), pool_id)
    return render_template("pools/pool.html", errors={}, error=None, **context)


def _refused(pool_id: int, errors: dict[str, str], error: str | None, form: dict) -> Any:
    db.session.rollback()
    context = page_context(signed_in(), pool_id)
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
            whole_numbers(form, ("quantity", "budget_line_id", "delivery_region_id"))
        )
        service.get_pool(db.session, actor, pool_id)
        service.add_demand(db.session, actor, pool_id, data)
    except ValidationError as refused:
        return _refused(pool_id, form_errors(refused), None, form)
    except DomainError as refused:
        return _refused(pool_id, domain_errors(refused), message(refused), form)
    return redirect(url_for("pool_ui.page", pool_id=pool_id, done="added"))


@bp.route("/pools/<int:pool_id>/withdraw", methods=["POST"])
def withdraw(pool_id: int) -> Any:
    actor = signed_in()
    try:
        service.withdraw_demand(db.session, actor, pool_id)
    except DomainError as refused:
        return _refused(pool_id, {}, message(refused), {})
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
        return _refused(pool_id, form_errors(refused), None, {})
    except DomainError as refused:
        return _refused(pool_id, {}, message(refused), {})
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
            whole_numbers({"quantity": request.form.get("quantity", "")}, ("quantity",))
        )
        service.declare_capacity(db.session, actor, pool_id, quantity["quantity"])
    except ValidationError:
        db.session.rollback()
        return redirect(f"{room}?capacity=invalid")
    except DomainError as refused:
        db.session.rollback()
        return redirect(f"{room}?capacity={refused.code}")
    return redirect(f"{room}?capacity=saved")
