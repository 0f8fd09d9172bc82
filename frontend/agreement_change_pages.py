"""What the agreement page shows of its changes (协议变更, MALL-8): every change with its status
and the new prices the reader may see; to the solicitor the forms to propose a price variation,
activate or cancel the pending one and terminate an entrant; to an entrant the form to lower its
own prices. And how a posted form becomes the API's body, and a refusal the fields it concerns."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError

from core.accounts.auth import Actor
from core.db import db
from core.errors import DomainError
from frontend.pool_forms import message
from mall.agreements import changes, queries
from mall.agreements.access import is_solicitor, is_supplier
from mall.agreements.change_models import WITHDRAWAL_REASONS
from mall.agreements.models import Agreement, AgreementEntrant

#: the forms of the section, each with its own field names
FORMS = ("variation", "reduction", "termination")


def change_context(actor: Actor, agreement: Agreement) -> dict[str, Any]:
    session = db.session
    solicitor = is_solicitor(actor, agreement)
    own = next(
        (
            e
            for e in agreement.entrants
            if is_supplier(actor)
            and e.supplier_id == actor.organisation_id
            and e.status != "terminated"
        ),
        None,
    )
    by_id = {e.id: e for e in agreement.entrants}
    listed = []
    for change in changes.changes_of(session, agreement):
        rows = json.loads(change.content).get("prices", [])
        shown = [
            r
            for r in rows
            if r["entrant_id"] in by_id
            and queries.sees_prices(session, actor, agreement, by_id[r["entrant_id"]])
        ]
        listed.append(
            {
                "change": change,
                "prices": [
                    r | {"current": Decimal(r["current"]), "unit_price": Decimal(r["unit_price"])}
                    for r in shown
                ],
                "reason": json.loads(change.content).get("reason"),
                "verified": changes.verified(session, change),
            }
        )
    open_ = agreement.status != "ended"
    pending = changes.pending_change(session, agreement)
    return {
        "changes": listed,
        "pending_change": pending,
        "may_change": solicitor and open_,
        "may_vary": solicitor and open_ and pending is None,
        "live_entrants": [e for e in agreement.entrants if e.status != "terminated"],
        "current_prices": {
            e.id: {p.item_id: p.unit_price for p in e.prices} for e in agreement.entrants
        },
        "own_entrant": own if open_ else None,
        "withdrawal_reasons": WITHDRAWAL_REASONS,
        "supplier_of": {e.id: e.supplier_id for e in agreement.entrants},
    }


def _money(text: str) -> str | None:
    text = (text or "").strip().replace(",", "").replace("，", "")
    return text or None


def variation_body(form: Any, agreement: Agreement) -> tuple[dict[str, Any], list[str]]:
    """The posted variation: a new price per entrant and item typed (blank: unchanged); the field
    name of each row, in order."""
    prices, names = [], []
    for entrant in agreement.entrants:
        for item in agreement.solicitation.items:
            name = f"vary.{entrant.id}.{item.id}"
            value = _money(form.get(name, ""))
            if value is not None:
                prices.append({"entrant_id": entrant.id, "item_id": item.id, "unit_price": value})
                names.append(name)
    return {"rationale": form.get("vary_rationale", ""), "prices": prices}, names


def reduction_body(form: Any, agreement: Agreement) -> tuple[dict[str, Any], list[str]]:
    prices, names = [], []
    for item in agreement.solicitation.items:
        name = f"reduce.{item.id}"
        value = _money(form.get(name, ""))
        if value is not None:
            prices.append({"item_id": item.id, "unit_price": value})
            names.append(name)
    return {"rationale": form.get("reduce_rationale", ""), "prices": prices}, names


def schema_errors(refused: ValidationError, prefix: str, names: list[str]) -> dict[str, str]:
    """The schema's refusal beside the fields: a price row's by its field name."""
    out: dict[str, str] = {}
    messages = refused.messages if isinstance(refused.messages, dict) else {}
    for index in messages.get("prices") or {}:
        if isinstance(index, int) and index < len(names):
            out[names[index]] = _("Enter an amount in yuan, with at most two decimal places.")
    for key in ("rationale", "reason"):
        if key in messages:
            out[f"{prefix}_{key}"] = _("This field is required.")
    return out or {f"{prefix}_prices": _("Please correct the fields marked.")}


def refusal_errors(refused: DomainError, prefix: str, field_of: Any) -> dict[str, str]:
    """A service's refusal beside the field it concerns; ``field_of(entrant_id, item_id)``
    names a price's field."""
    text = message(refused)
    details = refused.details or {}
    if refused.code == "rationale_required":
        return {f"{prefix}_rationale": text}
    if "prices" in details:
        return {field_of(r["entrant_id"], r["item_id"]): text for r in details["prices"]}
    if refused.code in ("prices_required", "duplicate_price", "price_or_factor"):
        return {f"{prefix}_prices": text}
    if refused.code in ("not_an_entrant", "already_terminated", "entrant_not_active") and (
        prefix == "end"
    ):
        return {"end_entrant": text}
    return {}


def entrant_of(agreement: Agreement, entrant_id: Any) -> AgreementEntrant | None:
    return next((e for e in agreement.entrants if str(e.id) == str(entrant_id)), None)
