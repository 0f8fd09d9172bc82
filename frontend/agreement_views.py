"""Framework agreement pages (框架协议, MALL-8), stage one: the agreements a party sees and their
price comparison; the solicitations, the 征集公告 form an operator or a lead purchaser drafts one
with, and the solicitation page where the solicitor publishes, opens, evaluates, selects and
publishes the result, and a supplier responds. Plain forms posted to these routes call the same
services as the JSON API; a refusal re-renders the page with the message and writes nothing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from core.db import db
from core.errors import DomainError
from frontend import catalog_display as show
from frontend.agreement_forms import (
    form_context,
    price_errors,
    response_body,
    schema_errors,
    service_errors,
    solicitation_body,
)
from frontend.agreement_labels import agreement_label
from frontend.agreement_pages import solicitation_context
from frontend.calloff_views import agreement_page
from frontend.catalog_views import signed_in
from frontend.pool_forms import message, whole_numbers
from mall.agreements import evaluation, pages, queries, responses, result, signing
from mall.agreements.access import (
    get_solicitation,
    is_supplier,
    may_solicit,
    require_solicitor_role,
)
from mall.agreements.models import SOLICITATION_STATUSES
from mall.agreements.schemas import EvaluateArgs, ResponseArgs, SolicitationCreateSchema
from mall.agreements.solicitation import create_solicitation
from mall.agreements.solicitation import publish as publish_solicitation

bp = Blueprint("agreement_ui", __name__)


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return {"agr_label": agreement_label}


# ---------------------------------------------------------------- the lists


@bp.route("/agreements")
def index() -> Any:
    """框架协议: the agreements the party sees (a supplier: those it entered)."""
    actor = signed_in()
    session = db.session
    found = pages.agreements(session, actor)
    names = pages.org_names(session, {a.solicitor_id for a in found})
    regions = show.regions_by_id(session)
    return render_template(
        "agreements/index.html",
        agreements=found,
        names={i: show.name_of(o) for i, o in names.items()},
        region_name=lambda rid: show.name_of(regions.get(rid)),
        supplier=is_supplier(actor),
        open_count=len(pages.open_to_supplier(session, actor)) if is_supplier(actor) else 0,
        may_solicit=may_solicit(actor),
    )


@bp.route("/agreements/solicitations")
def solicitations() -> Any:
    """征集公告: the solicitor's own by status; a supplier's those open to it; others' published."""
    actor = signed_in()
    session = db.session
    status = request.args.get("status")
    status = status if status in SOLICITATION_STATUSES else None
    supplier = is_supplier(actor)
    found = (
        pages.open_to_supplier(session, actor)
        if supplier
        else pages.solicitations(session, actor, status)
    )
    return render_template(
        "agreements/solicitations.html",
        solicitations=found,
        status=status,
        statuses=SOLICITATION_STATUSES,
        supplier=supplier,
        may_solicit=may_solicit(actor),
    )


# ---------------------------------------------------------------- the 征集公告 form


@bp.route("/agreements/solicitations/new", methods=["GET", "POST"])
def new() -> Any:
    actor = signed_in()
    require_solicitor_role(actor)
    if request.method == "GET":
        return render_template(
            "agreements/new.html", errors={}, error=None, **form_context(actor, {})
        )
    form = request.form.to_dict()
    methods = request.form.getlist("call_off_methods")
    body, errors = solicitation_body(form, methods)
    error = None
    if not errors:
        try:
            data = SolicitationCreateSchema().load(body)
            created = create_solicitation(db.session, actor, data)
            return redirect(
                url_for("agreement_ui.solicitation", solicitation_id=created.id, done="created")
            )
        except ValidationError as refused:
            errors = schema_errors(refused)
        except DomainError as refused:
            db.session.rollback()
            errors, error = service_errors(refused), message(refused)
    values = form | {"call_off_methods": methods}
    return (
        render_template(
            "agreements/new.html",
            errors=errors,
            error=error or _("Please correct the fields marked."),
            **form_context(actor, values),
        ),
        422,
    )


# ---------------------------------------------------------------- the solicitation page


@bp.route("/agreements/solicitations/<int:solicitation_id>")
def solicitation(solicitation_id: int) -> Any:
    context = solicitation_context(signed_in(), solicitation_id)
    return render_template("agreements/solicitation.html", errors={}, error=None, **context)


def _refused(solicitation_id: int, errors: dict[str, str], error: str | None) -> Any:
    db.session.rollback()
    context = solicitation_context(signed_in(), solicitation_id)
    context["values"] = request.form.to_dict() | {"regions": request.form.getlist("region_ids")}
    return (
        render_template(
            "agreements/solicitation.html",
            errors=errors,
            error=error or _("Please correct the fields marked."),
            **context,
        ),
        422 if errors else 409,
    )


def _done(solicitation_id: int, done: str) -> Any:
    return redirect(
        url_for("agreement_ui.solicitation", solicitation_id=solicitation_id, done=done)
    )


@bp.route("/agreements/solicitations/<int:solicitation_id>/respond", methods=["POST"])
def respond(solicitation_id: int) -> Any:
    """提交响应 from the solicitation page."""
    actor = signed_in()
    found = get_solicitation(db.session, actor, solicitation_id)
    body = response_body(request.form, found, request.form.getlist("region_ids"))
    try:
        data = ResponseArgs().load(body)
        responses.respond(db.session, actor, solicitation_id, data)
    except ValidationError as refused:
        return _refused(solicitation_id, price_errors(schema_errors(refused), found), None)
    except DomainError as refused:
        fields = {
            k: v
            for k, v in service_errors(refused).items()
            if k.startswith(("prices", "capacity", "region_ids"))
        }
        return _refused(solicitation_id, fields, message(refused))
    return _done(solicitation_id, "responded")


def _step(solicitation_id: int, run: Any, done: str) -> Any:
    actor = signed_in()
    try:
        run(db.session, actor, solicitation_id)
    except DomainError as refused:
        # These forms have no fields: the message says it all.
        return _refused(solicitation_id, {}, message(refused))
    return _done(solicitation_id, done)


@bp.route("/agreements/solicitations/<int:solicitation_id>/publish", methods=["POST"])
def publish(solicitation_id: int) -> Any:
    return _step(solicitation_id, publish_solicitation, "published")


@bp.route("/agreements/solicitations/<int:solicitation_id>/open", methods=["POST"])
def open_responses(solicitation_id: int) -> Any:
    return _step(solicitation_id, evaluation.open_responses, "opened")


@bp.route("/agreements/solicitations/<int:solicitation_id>/evaluate", methods=["POST"])
def evaluate(solicitation_id: int) -> Any:
    """评审: price priority ranks at once; quality priority takes the scores typed per criterion."""
    actor = signed_in()
    found = get_solicitation(db.session, actor, solicitation_id)
    scores: dict[str, dict[str, Any]] = {}
    for key, value in request.form.items():
        parts = key.split(".", 2)
        if parts[0] == "score" and len(parts) == 3:
            scores.setdefault(parts[1], {})[parts[2]] = value.strip()
    body = {
        "scores": [
            whole_numbers(
                {"response_id": rid, "scores": whole_numbers(given, tuple(given))}, ("response_id",)
            )
            for rid, given in scores.items()
            if found.evaluation == "quality_priority"
        ]
    }
    try:
        data = EvaluateArgs().load(body)
        evaluation.evaluate(db.session, actor, solicitation_id, data)
    except ValidationError:
        return _refused(solicitation_id, {"scores": _("Enter a whole number from 0 to 100.")}, None)
    except DomainError as refused:
        fields = {k: v for k, v in service_errors(refused).items() if k == "scores"}
        return _refused(solicitation_id, fields, message(refused))
    return _done(solicitation_id, "evaluated")


@bp.route("/agreements/solicitations/<int:solicitation_id>/select", methods=["POST"])
def select(solicitation_id: int) -> Any:
    return _step(solicitation_id, evaluation.select_entrants, "selected")


@bp.route("/agreements/solicitations/<int:solicitation_id>/result", methods=["POST"])
def result_page(solicitation_id: int) -> Any:
    actor = signed_in()
    try:
        agreement = result.publish_result(db.session, actor, solicitation_id)
    except DomainError as refused:
        return _refused(solicitation_id, {}, message(refused))
    return redirect(url_for("agreement_ui.agreement", agreement_id=agreement.id, done="1"))


# ---------------------------------------------------------------- the agreement page


@bp.route("/agreements/<int:agreement_id>")
def agreement(agreement_id: int) -> Any:
    """The entrants and their prices; to a purchaser the call-off forms (``calloff_views``)."""
    return agreement_page(agreement_id)


@bp.route("/agreements/<int:agreement_id>/sign", methods=["POST"])
def sign(agreement_id: int) -> Any:
    """签署 from the agreement page, for the solicitor or an entrant that has not signed."""
    actor = signed_in()
    found = queries.get_agreement(db.session, actor, agreement_id)
    try:
        signing.sign(db.session, actor, found)
    except DomainError as refused:
        db.session.rollback()
        return agreement_page(agreement_id, error=message(refused)), 409
    return redirect(url_for("agreement_ui.agreement", agreement_id=agreement_id, done="signed"))
