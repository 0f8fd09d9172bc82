"""The supervisor's desk (预警工作台, SUP-2, SUP-6): counts by level, rule and region below, a weekly
trend, the list with filters and CSV export, and each warning's page — its sentence, the rule's
basis, the evidence (the ledger entries and the objects behind them) and the case's steps with the
forms for the next one. The rules' page shows every rule's text and parameters. A party (purchaser
or supplier) sees the explanations asked of it and answers on its own page. Writes go from the
page's script to the JSON API."""

from __future__ import annotations

from math import ceil
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import lazy_pgettext
from sqlalchemy import select

from core.accounts.models import Region
from core.accounts.roles import Role
from core.api import paginate
from core.db import db
from core.errors import DomainError
from core.messages import translate
from frontend.catalog_views import signed_in
from frontend.i18n import lang
from frontend.supervision_pages import parse_filters, subject_url
from supervision.warnings import access, engine, queries
from supervision.warnings.models import FINDINGS, LEVELS, STATUSES, RiskWarning
from supervision.warnings.rules import RULES
from supervision.warnings.schemas import WarningFilterArgs

bp = Blueprint("warnings_ui", __name__)

PER_PAGE = 20
#: open cases shown by deadline at the top of the desk
DUE_SHOWN = 8
MAX_PAGE = 500
#: the filters the desk keeps in its address
FILTERS = ("level", "rule", "status", "region_id", "mine", "overdue", "from", "to")


LEVEL_NAMES = {
    "red": lazy_pgettext("warning level", "Red"),
    "orange": lazy_pgettext("warning level", "Orange"),
    "yellow": lazy_pgettext("warning level", "Yellow"),
}
STATUS_NAMES = {
    "open": lazy_pgettext("warning status", "Open"),
    "investigating": lazy_pgettext("warning status", "Investigating"),
    "awaiting": lazy_pgettext("warning status", "Awaiting explanation"),
    "answered": lazy_pgettext("warning status", "Explanation received"),
    "closed": lazy_pgettext("warning status", "Closed"),
}
FINDING_NAMES = {
    "no_violation": lazy_pgettext("warning finding", "No violation"),
    "rectified": lazy_pgettext("warning finding", "Rectified"),
    "penalised": lazy_pgettext("warning finding", "Penalised"),
}
STEP_NAMES = {
    "assigned": lazy_pgettext("warning step", "Given to a supervisor"),
    "noted": lazy_pgettext("warning step", "Note"),
    "explanation_requested": lazy_pgettext("warning step", "Explanation requested"),
    "answered": lazy_pgettext("warning step", "Explanation given"),
    "explanation_missed": lazy_pgettext("warning step", "Explanation not given in time"),
    "escalated": lazy_pgettext("warning step", "Escalated to the region above"),
    "overdue": lazy_pgettext("warning step", "Overdue"),
    "closed": lazy_pgettext("warning step", "Closed"),
    "reopened": lazy_pgettext("warning step", "Reopened"),
}


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return {
        "warning_level_name": lambda v: str(LEVEL_NAMES.get(v, v)),
        "warning_status_name": lambda v: str(STATUS_NAMES.get(v, v)),
        "warning_finding_name": lambda v: str(FINDING_NAMES.get(v, v)),
        "warning_step_name": lambda v: str(STEP_NAMES.get(v, v)),
    }


def _page() -> int:
    raw = request.args.get("page", "1")
    return min(max(int(raw), 1), MAX_PAGE) if raw.isdigit() else 1


@bp.route("/warnings")
def desk() -> Any:
    """Supervisors: the desk. Others: the explanations asked of their organisation."""
    actor = signed_in()
    if not actor.has(Role.SUPERVISOR):
        return requests_page()
    session = db.session
    filters, _refused = parse_filters(WarningFilterArgs(), request.args)
    summary = queries.summary(session, actor, filters)
    page = paginate(
        session,
        queries.filtered(session, actor, filters),
        {"page": _page(), "per_page": PER_PAGE},
    )
    rows = [queries.listed(w, lang(), session) for w in page["items"]]
    pages = max(1, ceil(page["total"] / PER_PAGE))
    kept = {k: request.args[k] for k in FILTERS if request.args.get(k)}
    region = session.get(Region, actor.region_id)
    regions = list(
        session.scalars(
            select(Region)
            .where(Region.path.startswith(region.path if region else "/none/"))
            .order_by(Region.path)
        )
    )
    peak = max([1] + [w["red"] + w["orange"] + w["yellow"] for w in summary["trend"]])
    due_first = (
        queries.filtered(session, actor, {**filters, "status": "active"})
        .where(RiskWarning.due_at.is_not(None))
        .order_by(None)
        .order_by(RiskWarning.due_at, RiskWarning.id)
        .limit(DUE_SHOWN)
    )
    open_cases = [queries.listed(w, lang(), session) for w in session.scalars(due_first)]
    return render_template(
        "warnings/desk.html",
        summary=summary,
        rows=rows,
        total=page["total"],
        page=page["page"],
        pages=pages,
        link=lambda n: url_for("warnings_ui.desk", page=n, **kept),
        filters=kept,
        export_url=url_for("warnings.export", **kept),
        feed_url=url_for("warnings.list_warnings", per_page=5, **kept),
        regions=regions,
        rules=[(rule.code, translate(rule.name, lang())) for rule in RULES],
        levels=LEVELS,
        statuses=STATUSES,
        peak=peak,
        open_cases=open_cases,
    )


@bp.route("/warnings/rules")
def rules_page() -> Any:
    """Every rule: name, level, basis, what it looks for, parameters and their values."""
    actor = signed_in()
    access.require_supervisor(actor)
    items = [engine.rule_text(rule, lang()) for rule in RULES]
    return render_template("warnings/rules.html", items=items)


@bp.route("/warnings/<int:warning_id>")
def page(warning_id: int) -> Any:
    """A supervisor's view of a warning with the case's forms, or the party's view of an
    explanation asked of it."""
    actor = signed_in()
    session = db.session
    if actor.has(Role.SUPERVISOR):
        warning = access.get_for_supervisor(session, actor, warning_id)
        detail = queries.detail(session, warning, lang())
        return render_template(
            "warnings/warning.html",
            w=detail,
            party_view=False,
            api=url_for("warnings.get_warning", warning_id=warning_id),
            findings=FINDINGS,
            subject_link=subject_url,
        )
    try:
        warning = access.get_for_party(session, actor, warning_id)
    except DomainError:
        abort(404)
    detail = queries.detail(session, warning, lang(), for_party=True)
    return render_template(
        "warnings/warning.html",
        w=detail,
        party_view=True,
        api=url_for("warnings.party_request", warning_id=warning_id),
        findings=FINDINGS,
        subject_link=subject_url,
    )


def requests_page() -> Any:
    actor = signed_in()
    session = db.session
    rows = [
        queries.detail(session, w, lang(), for_party=True)
        for w in queries.party_requests(session, actor)
    ]
    return render_template("warnings/requests.html", rows=rows)
