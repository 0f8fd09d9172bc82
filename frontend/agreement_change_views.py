"""Changes to a framework agreement from its page (协议变更, MALL-8): the solicitor proposes a price
variation, activates (signs) or cancels the pending one and terminates an entrant (after a
confirmation); an entrant lowers its own prices. Plain forms call the same services as the JSON
API (``mall.agreements.changes``); a refusal re-renders the agreement page with the message beside
the fields it concerns and writes nothing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from core.db import db
from core.errors import DomainError, NotFound
from frontend import agreement_change_pages as cp
from frontend.calloff_views import agreement_page
from frontend.catalog_views import signed_in
from frontend.pool_forms import message
from mall.agreements import changes, queries
from mall.agreements.change_models import AgreementChange
from mall.agreements.change_schemas import ReductionArgs, TerminationArgs, VariationArgs

bp = Blueprint("agreement_change_ui", __name__)


def _done(agreement_id: int, done: str) -> Any:
    return redirect(
        url_for("agreement_ui.agreement", agreement_id=agreement_id, done=f"change_{done}")
        + "#changes"
    )


def _refused(
    agreement_id: int,
    form: str,
    errors: dict[str, str],
    error: str | None,
    refused: DomainError | None = None,
) -> Any:
    db.session.rollback()
    status = 422 if errors else (refused.status if refused is not None else 409)
    return agreement_page(
        agreement_id,
        change_form=form,
        change_values=request.form.to_dict(),
        change_errors=errors,
        change_error=error or _("Please correct the fields marked."),
    ), status


@bp.route("/agreements/<int:agreement_id>/changes", methods=["POST"])
def propose(agreement_id: int) -> Any:
    """价格调整: the solicitor's new prices, per entrant and item (blank: unchanged)."""
    actor = signed_in()
    agreement = queries.get_agreement(db.session, actor, agreement_id)
    body, names = cp.variation_body(request.form, agreement)
    try:
        data = VariationArgs().load(body)
        changes.propose_variation(db.session, actor, agreement_id, data)
    except ValidationError as refused:
        return _refused(agreement_id, "variation", cp.schema_errors(refused, "vary", names), None)
    except DomainError as refused:
        errors = cp.refusal_errors(refused, "vary", lambda e, i: f"vary.{e}.{i}")
        return _refused(agreement_id, "variation", errors, message(refused), refused)
    return _done(agreement_id, "proposed")


def _step(change_id: int, run: Any, done: str) -> Any:
    actor = signed_in()
    change = db.session.get(AgreementChange, change_id)
    if change is None:
        raise NotFound("No such change.")
    agreement_id = change.agreement_id
    try:
        run(db.session, actor, change_id)
    except DomainError as refused:
        return _refused(agreement_id, "pending", {}, message(refused), refused)
    return _done(agreement_id, done)


@bp.route("/agreements/changes/<int:change_id>/activate", methods=["POST"])
def activate(change_id: int) -> Any:
    """生效: the solicitor signs the pending change."""
    return _step(change_id, changes.activate, "activated")


@bp.route("/agreements/changes/<int:change_id>/cancel", methods=["POST"])
def cancel(change_id: int) -> Any:
    """撤销: the solicitor withdraws the pending change."""
    return _step(change_id, changes.cancel, "cancelled")


@bp.route("/agreements/<int:agreement_id>/price-reductions", methods=["POST"])
def reduce(agreement_id: int) -> Any:
    """降价: an entrant's lower prices, per item (blank: unchanged)."""
    actor = signed_in()
    agreement = queries.get_agreement(db.session, actor, agreement_id)
    body, names = cp.reduction_body(request.form, agreement)
    try:
        data = ReductionArgs().load(body)
        changes.reduce_prices(db.session, actor, agreement_id, data)
    except ValidationError as refused:
        return _refused(agreement_id, "reduction", cp.schema_errors(refused, "reduce", names), None)
    except DomainError as refused:
        errors = cp.refusal_errors(refused, "reduce", lambda e, i: f"reduce.{i}")
        return _refused(agreement_id, "reduction", errors, message(refused), refused)
    return _done(agreement_id, "reduced")


@bp.route("/agreements/<int:agreement_id>/terminate", methods=["POST"])
def terminate(agreement_id: int) -> Any:
    """终止: the solicitor ends an entrant's place, once it confirmed."""
    actor = signed_in()
    agreement = queries.get_agreement(db.session, actor, agreement_id)
    entrant = cp.entrant_of(agreement, request.form.get("end_entrant"))
    errors: dict[str, str] = {}
    if entrant is None:
        errors["end_entrant"] = _("Choose an entrant.")
    if request.form.get("end_confirm") != "yes":
        errors["end_confirm"] = _("Confirm that the entrant's place ends now; this is final.")
    body = {
        "reason": request.form.get("end_reason", ""),
        "rationale": request.form.get("end_rationale", ""),
    }
    try:
        data = TerminationArgs().load(body)
    except ValidationError as refused:
        errors |= cp.schema_errors(refused, "end", [])
        errors.pop("end_prices", None)
        data = None
    if errors or entrant is None or data is None:
        return _refused(agreement_id, "termination", errors, None)
    try:
        changes.terminate(db.session, actor, agreement_id, entrant.id, data)
    except DomainError as refused:
        errors = cp.refusal_errors(refused, "end", lambda e, i: "end_entrant")
        return _refused(agreement_id, "termination", errors, message(refused), refused)
    return _done(agreement_id, "terminated")
