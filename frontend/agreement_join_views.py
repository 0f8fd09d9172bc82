"""加入开放式框架协议 pages (MALL-8): on an open agreement in force, a supplier enrolled in its
categories joins through a plain form — the joining prices filled in (it may lower them), the
regions it serves, its capacity and a confirmation that its key signs the accession. A supplier that
may not join is told why on the agreement page (not enrolled: a link to enrolment). The form calls
the same service as the JSON API (``joining.join``); a refusal re-renders it with the message next
to its field and writes nothing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from core.accounts.auth import current_actor
from core.db import db
from core.errors import DomainError
from frontend import catalog_display as show
from frontend.agreement_forms import schema_errors
from frontend.agreement_pages import item_names
from frontend.calloff_views import agreement_page
from frontend.catalog_views import signed_in
from frontend.pool_forms import message
from mall.agreements import joining, queries
from mall.agreements.access import is_supplier
from mall.agreements.join_api import JoinArgs
from mall.agreements.models import Agreement

bp = Blueprint("agreement_join_ui", __name__)

#: Refusals that name the supplier's enrolment: the reason links to the enrolment page.
ENROLMENT_CODES = ("not_enrolled", "not_designated")
PRICE_CODES = ("above_joining_price", "price_invalid", "prices_incomplete")
REGION_CODES = ("no_such_region", "region_not_served")


def join_panel(agreement: Agreement) -> dict[str, Any] | None:
    """What the agreement page shows about joining an open agreement: the joining prices, and to
    a supplier not in it whether it may join or why not. None for a closed agreement."""
    actor = current_actor()
    if agreement.kind != "open" or actor is None:
        return None
    session = db.session
    supplier = is_supplier(actor)
    refused = joining.why_not(session, actor, agreement) if supplier else None
    entrant = any(e.supplier_id == actor.organisation_id for e in agreement.entrants)
    return {
        "prices": joining.joining_prices(agreement),
        "may_join": supplier and refused is None,
        "why_not": message(refused) if refused is not None and not entrant else None,
        "enrol": refused is not None and refused.code in ENROLMENT_CODES,
    }


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return {"join_panel": join_panel}


def _form_page(agreement: Agreement, values: dict[str, Any], errors: dict[str, str], error: Any):
    session = db.session
    regions = show.regions_by_id(session)
    prices = joining.joining_prices(agreement)
    return render_template(
        "agreements/join.html",
        a=agreement,
        items=list(agreement.solicitation.items),
        names=item_names(session, list(agreement.solicitation.items)),
        joining_prices=prices,
        region_choices=[(r, show.region_depth(r)) for r in regions.values()],
        region_name=lambda rid: show.name_of(regions.get(rid)),
        values=values,
        errors=errors,
        error=error,
    )


@bp.route("/agreements/<int:agreement_id>/join", methods=["GET"])
def form(agreement_id: int) -> Any:
    """申请加入: the form, the joining prices filled in and the agreement's region ticked."""
    actor = signed_in()
    agreement = queries.get_agreement(db.session, actor, agreement_id)
    refused = joining.why_not(db.session, actor, agreement)
    if refused is not None:
        return agreement_page(agreement_id, error=message(refused)), 409
    values = {f"prices.{i}": str(p) for i, p in joining.joining_prices(agreement).items()}
    values["regions"] = [str(agreement.region_id)]
    return _form_page(agreement, values, {}, None)


def _body(agreement: Agreement) -> dict[str, Any]:
    regions = request.form.getlist("region_ids")
    return {
        "prices": [
            {
                "item_id": item.id,
                "unit_price": request.form.get(f"prices.{item.id}", "").strip() or None,
            }
            for item in agreement.solicitation.items
        ],
        "capacity": request.form.get("capacity", ""),
        "region_ids": [int(r) for r in regions if r.isascii() and r.isdigit() and len(r) < 12],
    }


def _field_errors(agreement: Agreement, refused: DomainError) -> dict[str, str]:
    """A service's refusal next to the fields it names."""
    text = message(refused)
    if refused.code in PRICE_CODES:
        ids = refused.details.get("prices") or []
        return {f"prices.{i}": text for i in ids} if ids else {"prices": text}
    if refused.code in REGION_CODES:
        return {"region_ids": text}
    if refused.code == "capacity_required":
        return {"capacity": text}
    return {}


def _schema_field_errors(agreement: Agreement, refused: ValidationError) -> dict[str, str]:
    """The schema's messages on ``prices.<position>.unit_price`` moved to ``prices.<item id>``."""
    errors = schema_errors(refused)
    for position, item in enumerate(agreement.solicitation.items):
        for key in (f"prices.{position}.unit_price", f"prices.{position}"):
            if key in errors:
                errors[f"prices.{item.id}"] = errors.pop(key)
    return errors


@bp.route("/agreements/<int:agreement_id>/join", methods=["POST"])
def join(agreement_id: int) -> Any:
    """加入 from the form; success leads back to the agreement page, now as one of its entrants."""
    actor = signed_in()
    agreement = queries.get_agreement(db.session, actor, agreement_id)
    values = request.form.to_dict() | {"regions": request.form.getlist("region_ids")}
    errors: dict[str, str] = {}
    error = None
    try:
        data = JoinArgs().load(_body(agreement))
        if request.form.get("confirm") != "yes":
            errors["confirm"] = _("Confirm that your company's key signs the accession.")
        else:
            joining.join(
                db.session, actor, agreement, data["prices"], data["region_ids"], data["capacity"]
            )
            return redirect(
                url_for("agreement_ui.agreement", agreement_id=agreement_id, done="joined")
            )
    except ValidationError as refused:
        errors = _schema_field_errors(agreement, refused)
    except DomainError as refused:
        db.session.rollback()
        errors, error = _field_errors(agreement, refused), message(refused)
        if not errors:
            return agreement_page(agreement_id, error=error), 409
    db.session.rollback()
    agreement = queries.get_agreement(db.session, actor, agreement_id)
    return _form_page(
        agreement, values, errors, error or _("Please correct the fields marked.")
    ), 422
