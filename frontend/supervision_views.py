"""The supervisor's desk (SUP-6): the ledger browser, and the orders, contracts and payments of the
purchaser units of the supervisor's region and below — read only. The filters are the API's
(``supervision.ledger.schemas``, ``mall.supervised.schemas``); the reads are the services'."""

from __future__ import annotations

from math import ceil
from typing import Any

from flask import Blueprint, render_template, request, url_for

from core.accounts.auth import Actor
from core.api import paginate
from core.db import db
from frontend.buying_pages import contract_context, supervised_order_context
from frontend.catalog_views import signed_in
from frontend.i18n import pick, subject_name
from frontend.labels import ACTIONS, SUBJECTS, label
from frontend.supervision_pages import ledger_rows, parse_filters
from mall.orders.models import STATUS_NAMES, STATUSES
from mall.payments.models import PAYMENT_STATUS_NAMES, PAYMENT_STATUSES
from mall.supervised import service as supervised
from mall.supervised.schemas import (
    SupervisedContractQuerySchema,
    SupervisedOrderQuerySchema,
    SupervisedPaymentQuerySchema,
)
from supervision.ledger.schemas import LedgerQuerySchema
from supervision.ledger.service import entries_query

bp = Blueprint("supervision_ui", __name__, url_prefix="/supervision")

PER_PAGE = 20
LEDGER_PER_PAGE = 50
MAX_PAGE = 5000


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    return min(max(int(raw), 1), MAX_PAGE) if raw.isdigit() else 1


def _supervisor() -> Actor:
    actor = signed_in()
    supervised.require_supervisor(actor)
    return actor


def _listing(endpoint: str, query: Any, per_page: int = PER_PAGE) -> dict[str, Any]:
    """A page of ``query`` with its pager: the links keep the filters."""
    result = paginate(db.session, query, {"page": _page_arg(), "per_page": per_page})
    kept = {k: v for k, v in request.args.items() if k != "page" and v.strip()}
    return {
        "rows": result["items"],
        "total": result["total"],
        "page": result["page"],
        "pages": max(min(ceil(result["total"] / per_page), MAX_PAGE), 1),
        "page_link": lambda n: url_for(endpoint, page=n, **kept),
        "args": request.args,
    }


def _choices(actor: Actor) -> dict[str, Any]:
    """What the region, purchaser and supplier filters offer, as (value, text) pairs."""
    session = db.session
    regions = supervised.regions_of(session, actor)
    top = min((r.path.count("/") for r in regions), default=0)
    return {
        "choices": {
            "regions": [
                (r.id, "— " * (r.path.count("/") - top) + pick(r.name_zh, r.name_en))
                for r in regions
            ],
            "purchasers": [
                (o.id, pick(o.name_zh, o.name_en)) for o in supervised.purchasers_of(session, actor)
            ],
            "suppliers": [
                (o.id, pick(o.name_zh, o.name_en)) for o in supervised.suppliers_of(session, actor)
            ],
        }
    }


# ---------------------------------------------------------------- the ledger


@bp.route("/ledger")
def ledger() -> Any:
    """账本浏览: the ledger of the supervisor's region, newest first, filtered."""
    actor = _supervisor()
    filters, errors = parse_filters(LedgerQuerySchema(), request.args)
    page = _listing(
        "supervision_ui.ledger", entries_query(db.session, actor, filters), LEDGER_PER_PAGE
    )
    prefixes = sorted({code.split(".")[0] + ".*" for code in ACTIONS})
    return render_template(
        "supervision/ledger.html",
        **page,
        entries=ledger_rows(page["rows"]),
        errors=errors,
        actions=sorted(ACTIONS),
        prefixes=prefixes,
        subject_options=sorted(
            ((code, subject_name(code)) for code in SUBJECTS), key=lambda pair: pair[1]
        ),
    )


# ---------------------------------------------------------------- orders, contracts, payments


@bp.route("/orders")
def orders() -> Any:
    """The orders of the region's purchaser units, newest first, filtered."""
    actor = _supervisor()
    filters, errors = parse_filters(SupervisedOrderQuerySchema(), request.args)
    query = supervised.orders_query(db.session, actor, filters)
    return render_template(
        "supervision/orders.html",
        **_listing("supervision_ui.orders", query),
        **_choices(actor),
        errors=errors,
        status_options=[(s, pick(*STATUS_NAMES[s])) for s in STATUSES],
        source_options=[(s, label(f"source_{s}")) for s in ("mall", "auction", "agreement")],
    )


@bp.route("/orders/<int:order_id>")
def order(order_id: int) -> Any:
    actor = _supervisor()
    row = supervised.get_order(db.session, actor, order_id)
    payments = supervised.payments_of_order(db.session, actor, order_id)
    return render_template("supervision/order.html", **supervised_order_context(row, payments))


@bp.route("/contracts")
def contracts() -> Any:
    actor = _supervisor()
    filters, errors = parse_filters(SupervisedContractQuerySchema(), request.args)
    query = supervised.contracts_query(db.session, actor, filters)
    return render_template(
        "supervision/contracts.html",
        **_listing("supervision_ui.contracts", query),
        **_choices(actor),
        errors=errors,
        signed_options=[(s, label(f"signed_{s}")) for s in supervised.SIGNED],
    )


@bp.route("/contracts/<int:contract_id>")
def contract(contract_id: int) -> Any:
    row = supervised.get_contract(db.session, _supervisor(), contract_id)
    order_url = url_for("supervision_ui.order", order_id=row.order_id)
    return render_template("buying/contract.html", **contract_context(row, None, order_url))


@bp.route("/payments")
def payments() -> Any:
    actor = _supervisor()
    filters, errors = parse_filters(SupervisedPaymentQuerySchema(), request.args)
    query = supervised.payments_query(db.session, actor, filters)
    page = _listing("supervision_ui.payments", query)
    return render_template(
        "supervision/payments.html",
        **page,
        **_choices(actor),
        orders={p.id: supervised.order_of(db.session, p) for p in page["rows"]},
        errors=errors,
        status_options=[(s, pick(*PAYMENT_STATUS_NAMES[s])) for s in PAYMENT_STATUSES],
    )
