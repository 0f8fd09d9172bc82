"""The dispute desk's pages (纠纷化解, MALL-9): the list and a handler's queue sorted by deadline,
the form to open a dispute on an order, and the dispute page — the record and both parties'
evidence beside the case file (order, contract and signatures, acceptance, payments, ledger trail),
with the forms the viewer's part allows. Also the notifications page. Writes go from the page's
script to the JSON API."""

from __future__ import annotations

from datetime import datetime
from math import ceil
from typing import Any

from flask import Blueprint, render_template, request, url_for
from sqlalchemy import select

from core import clock
from core.accounts.roles import OrgKind, Role
from core.api import paginate
from core.db import db
from core.errors import Forbidden
from core.notifications import service as notifications
from frontend.catalog_views import signed_in
from frontend.i18n import both, pick
from mall.disputes import casefile
from mall.disputes import service as disputes
from mall.disputes.models import ACTIVE, OUTCOMES, REASONS, STATUS_NAMES, Dispute
from mall.orders.access import get_order
from mall.orders.models import STATUS_NAMES as ORDER_STATUS_NAMES

bp = Blueprint("dispute_ui", __name__)

PER_PAGE = 20
MAX_PAGE = 500
AWAITING = {
    "response": "dsp_awaiting_response",
    "evidence": "dsp_awaiting_evidence",
    "mediation": "dsp_awaiting_mediation",
    "handler": "dsp_awaiting_handler",
}


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return {
        "dispute_status_name": lambda s: pick(*STATUS_NAMES[s]) if s in STATUS_NAMES else s,
        "dispute_reason_name": lambda s: pick(*REASONS[s]) if s in REASONS else s,
        "dispute_outcome_name": lambda s: pick(*OUTCOMES[s]) if s in OUTCOMES else s,
    }


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    return min(max(int(raw), 1), MAX_PAGE) if raw.isdigit() else 1


def _row(summary: dict[str, Any], now: datetime) -> dict[str, Any]:
    due = summary.get("due_at")
    return {
        **summary,
        "awaiting_key": AWAITING.get(summary.get("awaiting") or ""),
        "overdue": due is not None and due <= now,
    }


@bp.route("/disputes")
def index() -> Any:
    """纠纷列表: a party's disputes; a handler's queue and the office region's cases; a
    supervisor's region."""
    actor = signed_in()
    is_handler = actor.org_kind == OrgKind.DISPUTE_OFFICE and actor.has(Role.DISPUTE_HANDLER)
    queue = is_handler and request.args.get("all") != "1"
    status = request.args.get("status")
    filters = {"queue": queue, "status": status if status in STATUS_NAMES else None}
    page = _page_arg()
    result = paginate(
        db.session, disputes.disputes_query(actor, filters), {"page": page, "per_page": PER_PAGE}
    )
    now = clock.now()
    rows = [_row(casefile.summary(db.session, d), now) for d in result["items"]]
    if actor.org_kind in (OrgKind.PURCHASER, OrgKind.SUPPLIER):
        lead = "dsp_lead_party"
    elif actor.org_kind == OrgKind.DISPUTE_OFFICE:
        lead = "dsp_lead_handler"
    else:
        lead = "dsp_lead_supervisor"
    return render_template(
        "disputes/list.html",
        rows=rows,
        total=result["total"],
        page=page,
        pages=max(1, ceil(result["total"] / PER_PAGE)),
        is_handler=is_handler,
        queue=queue,
        status=filters["status"],
        statuses=list(STATUS_NAMES),
        lead=lead,
        link=lambda n: url_for(
            "dispute_ui.index", page=n, status=filters["status"], all=None if queue else "1"
        ),
    )


@bp.route("/disputes/new")
def new() -> Any:
    """申请纠纷处理: the form, for a party of the order named by ``?order=``."""
    actor = signed_in()
    raw = request.args.get("order", "")
    if not raw.isdigit() or int(raw) > 2**31 - 1:
        raise Forbidden(*both("Open a dispute from one of your orders."))
    order = get_order(db.session, actor, int(raw))
    existing = db.session.scalars(
        select(Dispute).where(Dispute.order_id == order.id).order_by(Dispute.id.desc())
    ).all()
    return render_template(
        "disputes/new.html",
        order=order,
        reasons=list(REASONS),
        existing=existing,
        openable=order.status in disputes.OPENABLE
        and not any(d.status in ACTIVE for d in existing),
        api_url=url_for("disputes.open_dispute"),
    )


@bp.route("/disputes/<int:dispute_id>")
def page(dispute_id: int) -> Any:
    """The dispute: record, case file and the forms the viewer's part allows."""
    actor = signed_in()
    session = db.session
    dispute, role = disputes.get_dispute(session, actor, dispute_id)
    detail = casefile.detail(session, dispute)
    now = clock.now()
    return render_template(
        "disputes/dispute.html",
        d=_row(detail, now),
        role=role,
        actions=disputes.allowed_actions(session, actor, dispute, role),
        case=casefile.case_file(session, dispute),
        handlers=disputes.handlers_of(session, dispute) if role in ("handler", "office") else [],
        pending=next((p for p in dispute.proposals if p.status == "pending"), None),
        api=url_for("disputes.get_dispute", dispute_id=dispute.id),
        order_link=_order_link(role, dispute),
        ruling_names=_ruling_names(),
    )


def _ruling_names() -> dict[str, Any]:
    """The names the ruling's confirmation shows for what the preview answers in codes."""
    return {
        "outcomes": {code: pick(*names) for code, names in OUTCOMES.items()},
        "order_statuses": {code: pick(*names) for code, names in ORDER_STATUS_NAMES.items()},
    }


def _order_link(role: str, dispute: Dispute) -> str | None:
    if role == "purchaser":
        return url_for("buying_ui.order_page", order_id=dispute.order_id)
    if role == "supplier":
        return url_for("buying_ui.supplier_order_page", order_id=dispute.order_id)
    return None


@bp.route("/notifications")
def inbox() -> Any:
    """消息通知: what concerns the user's organisation, newest first."""
    actor = signed_in()
    box = notifications.inbox(db.session, actor, limit=100)
    return render_template(
        "disputes/notifications.html",
        items=box["items"],
        unread=box["unread"],
        read_url=url_for("notifications.read_all"),
    )
