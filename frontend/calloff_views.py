"""Call-off pages (框架协议采购, MALL-8 第二阶段): the purchaser calls off from an agreement in force
by direct selection or rotation through a plain form on the agreement page, then reads the
call-off page and its list of call-offs; a supplier answers its rotation offers (accept: the order
follows at once; decline with a reason: the turn passes on). Forms call the same services as the
JSON API; a refusal re-renders the form with the message and writes nothing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from core.accounts.auth import current_actor
from core.accounts.roles import OrgKind
from core.db import db
from core.errors import DomainError
from frontend import calloff_pages as cp
from frontend.agreement_change_pages import change_context
from frontend.agreement_pages import agreement_context
from frontend.catalog_views import signed_in
from frontend.pool_forms import message
from mall.agreements import placing, queries, rotation
from mall.agreements.calloff_access import get_offer
from mall.agreements.calloff_schemas import CallOffArgs, DeclineArgs

bp = Blueprint("calloff_ui", __name__)


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    def calloff_tab() -> str | None:
        """The agreement tabs' third: a purchaser's call-offs or a supplier's offers."""
        actor = current_actor()
        if actor is None:
            return None
        if actor.org_kind == OrgKind.SUPPLIER:
            return "offers"
        return "calloffs" if cp.is_purchaser(actor) else None

    return {"calloff_tab": calloff_tab}


def agreement_page(agreement_id: int, values: dict[str, Any] | None = None, **shown: Any) -> Any:
    """The agreement page with its call-off forms (``values``: a refused form's entries)."""
    actor = signed_in()
    context = agreement_context(actor, agreement_id)
    agreement = context["a"]
    context |= cp.form_context(actor, agreement, values)
    context["pending_offers"] = cp.offer_notice(actor, agreement)
    context |= change_context(actor, agreement)
    shown.setdefault("errors", {})
    shown.setdefault("error", None)
    # the changes section's forms (``agreement_change_views``): the one refused, with its entries
    shown.setdefault("change_form", None)
    shown.setdefault("change_values", {})
    shown.setdefault("change_errors", {})
    shown.setdefault("change_error", None)
    return render_template(
        "agreements/agreement.html", done=request.args.get("done"), **context, **shown
    )


@bp.route("/agreements/<int:agreement_id>/calloffs", methods=["POST"])
def place(agreement_id: int) -> Any:
    """下单 from the agreement page; success leads to the call-off page."""
    actor = signed_in()
    agreement = queries.get_agreement(db.session, actor, agreement_id)
    body = cp.calloff_body(request.form, agreement)
    values = request.form.to_dict()
    try:
        if body["budget_line_id"] == "":
            raise ValidationError({"budget_line_id": [_("Choose a budget line.")]})
        data = CallOffArgs().load(body)
        calloff = placing.place(db.session, actor, agreement_id, data)
    except ValidationError as refused:
        db.session.rollback()
        errors = cp.schema_errors(refused)
        return agreement_page(agreement_id, values, errors=errors, error=cp.please_correct()), 422
    except DomainError as refused:
        db.session.rollback()
        errors = cp.refusal_errors(refused)
        return agreement_page(agreement_id, values, errors=errors, error=message(refused)), (
            422 if errors else 409
        )
    return redirect(url_for("calloff_ui.calloff", calloff_id=calloff.id, done="placed"))


@bp.route("/agreements/calloffs")
def index() -> Any:
    """采购订单: the call-offs of the purchaser's unit (a solicitor's, an operator's, a
    supervisor's region's)."""
    actor = signed_in()
    return render_template("agreements/calloffs.html", **cp.calloffs_context(actor))


@bp.route("/agreements/calloffs/<int:calloff_id>")
def calloff(calloff_id: int) -> Any:
    context = cp.calloff_context(signed_in(), calloff_id)
    return render_template("agreements/calloff.html", done=request.args.get("done"), **context)


@bp.route("/agreements/offers")
def offers() -> Any:
    """轮候邀请: a supplier's rotation offers, those awaiting an answer first."""
    actor = signed_in()
    return render_template(
        "agreements/offers.html",
        done=request.args.get("done"),
        **cp.offers_context(actor),
    )


def _answer_page(offer_id: int, answer: str, status: int = 200, **shown: Any) -> Any:
    actor = signed_in()
    offer = get_offer(db.session, actor, offer_id)
    context = cp.offers_context(actor)
    found = next(x for x in context["pending"] + context["answered"] if x["o"].id == offer.id)
    shown.setdefault("errors", {})
    shown.setdefault("error", None)
    return render_template("agreements/offer_answer.html", x=found, answer=answer, **shown), status


@bp.route("/agreements/offers/<int:offer_id>/<any(accept, decline):answer>", methods=["GET"])
def confirm(offer_id: int, answer: str) -> Any:
    """What accepting or declining does, and the button that does it."""
    return _answer_page(offer_id, answer)


@bp.route("/agreements/offers/<int:offer_id>/accept", methods=["POST"])
def accept(offer_id: int) -> Any:
    actor = signed_in()
    try:
        rotation.accept(db.session, actor, offer_id)
    except DomainError as refused:
        db.session.rollback()
        if refused.code == "other_organisation":
            raise
        return _answer_page(offer_id, "accept", 409, error=message(refused))
    return redirect(url_for("calloff_ui.offers", done="accepted"))


@bp.route("/agreements/offers/<int:offer_id>/decline", methods=["POST"])
def decline(offer_id: int) -> Any:
    actor = signed_in()
    note = request.form.get("note", "")
    try:
        DeclineArgs().load({"note": note})
        rotation.decline(db.session, actor, offer_id, note)
    except ValidationError as refused:
        errors = {"note": "; ".join(str(m) for m in refused.messages.get("note", []))}  # type: ignore[union-attr]
        return _answer_page(offer_id, "decline", 422, errors=errors, error=cp.please_correct())
    except DomainError as refused:
        db.session.rollback()
        if refused.code == "other_organisation":
            raise
        errors = cp.refusal_errors(refused)
        return _answer_page(
            offer_id, "decline", 422 if errors else 409, errors=errors, error=message(refused)
        )
    return redirect(url_for("calloff_ui.offers", done="declined"))
