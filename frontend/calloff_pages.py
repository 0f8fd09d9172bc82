"""What the call-off pages show (框架协议采购, MALL-8 第二阶段): the call-off forms on an agreement in
force (direct selection, rotation, secondary competition), reading a posted form into the API's
body, a refusal's messages keyed by the field they belong to, the call-off page (with the live
room of a secondary competition) and a supplier's rotation offers."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from auction.models import Auction, AuctionInvitation
from core.accounts.auth import Actor
from core.accounts.roles import OrgKind, Role
from core.db import db
from core.errors import DomainError
from frontend import catalog_display as show
from frontend.agreement_forms import flat_errors
from frontend.agreement_pages import item_names
from frontend.pool_forms import message
from mall.agreements import pages
from mall.agreements.calloff_access import get_calloff
from mall.agreements.calloff_checks import MIN_COMPETING, available, standing
from mall.agreements.calloff_models import REASONS, CallOff, CallOffOffer
from mall.agreements.models import Agreement
from mall.budgets import service as budgets
from mall.orders.models import Order

#: The form fields a service refusal belongs beside, by its code; the rest go in the banner only.
FIELD_OF = {
    "items_required": "items",
    "items_not_in_agreement": "items",
    "duplicate_item": "items",
    "quantity_invalid": "items",
    "above_agreed_price": "items",
    "delivery_date_past": "delivery_date",
    "not_an_entrant": "entrant_id",
    "entrant_not_active": "entrant_id",
    "reason_required": "reason",
    "other_organisation": "budget_line_id",
    "budget_line_closed": "budget_line_id",
    "wrong_fiscal_year": "budget_line_id",
    "insufficient_funds": "budget_line_id",
    "note_required": "note",
}
#: The fields a plain validation refusal (``details``: field → problems) may name on the form.
FORM_FIELDS = ("starts_at", "ends_at", "delivery_date")
TEXT_FIELDS = ("delivery_address", "contact_name", "contact_phone", "delivery_date")


def _quantity(value: str) -> Any:
    """A whole number typed as the API takes it (a JSON integer); anything else as typed."""
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else value


def calloff_body(form: MultiDict, agreement: Agreement) -> dict[str, Any]:
    """The posted form as the API's body: the items with a quantity typed (blank = not wanted;
    anything not a whole number is passed on for the service to refuse)."""
    items = [
        {"item_id": item.id, "quantity": _quantity(form.get(f"qty.{item.id}", ""))}
        for item in agreement.solicitation.items
        if form.get(f"qty.{item.id}", "").strip()
    ]
    body: dict[str, Any] = {
        "method": form.get("method", ""),
        "items": items,
        "budget_line_id": _quantity(form.get("budget_line_id", "")),
        **{k: form.get(k, "") for k in TEXT_FIELDS},
    }
    body["delivery_date"] = body["delivery_date"] or None
    if body["method"] == "secondary_competition":
        body |= {k: _beijing(form.get(k, "")) for k in ("starts_at", "ends_at")}
    if body["method"] == "direct":
        body |= {
            "entrant_id": _quantity(form.get("entrant_id", "")) or None,
            "reason": form.get("reason") or None,
            "reason_note": form.get("reason_note", ""),
        }
    return body


def _beijing(value: str) -> str | None:
    """A ``datetime-local`` value, typed in Beijing time, as the API reads it (blank: none)."""
    value = value.strip()
    return f"{value}+08:00" if value else None


def schema_errors(error: ValidationError) -> dict[str, str]:
    out = {}
    for key, text in flat_errors(error.messages).items():
        field = "items" if key.startswith("items") else key
        out[field] = text
    return out


def refusal_errors(error: DomainError) -> dict[str, str]:
    """A service's refusal beside the field it concerns (``delivery_incomplete``: each field
    left blank)."""
    if error.code == "delivery_incomplete":
        return {k: message(error) for k in (error.details or {})}
    field = FIELD_OF.get(error.code or "")
    if field is None and error.code == "validation_failed":
        return {k: message(error) for k in (error.details or {}) if k in FORM_FIELDS}
    return {field: message(error)} if field else {}


def _names(session: Any, ids: set[int]) -> dict[int, str]:
    return {i: show.name_of(o) for i, o in pages.org_names(session, ids).items()}


def form_context(
    actor: Actor, agreement: Agreement, values: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What an agreement in force offers its purchaser: a form per call-off method it allows and
    the stage offers (secondary competition is listed as not yet available), the budget lines
    of this fiscal year, and for direct selection the active entrants with their agreed prices."""
    session = db.session
    if not is_purchaser(actor) or agreement.status != "active":  # the service says the rest
        return {"calloff_methods": [], "not_yet": []}
    lines = list(
        session.scalars(
            budgets.lines_query(actor, {"active": True, "fiscal_year": budgets.fiscal_year_now()})
        )
    )
    active = [e for e in agreement.entrants if standing(session, e) == "active"]
    return {
        "calloff_methods": [m for m in agreement.call_off_methods if m in available()],
        "not_yet": [m for m in agreement.call_off_methods if m not in available()],
        "min_competing": MIN_COMPETING,
        "lines": lines,
        "pickable": active,
        "entrant_prices": {e.id: {p.item_id: p.unit_price for p in e.prices} for e in active},
        "reasons": REASONS,
        "values": values or {},
    }


def is_purchaser(actor: Actor) -> bool:
    return bool(actor.user_id and actor.org_kind == OrgKind.PURCHASER and actor.has(Role.PURCHASER))


def offer_notice(actor: Actor, agreement: Agreement) -> int:
    """How many offers of this agreement await the signed-in supplier's answer."""
    if actor.org_kind != OrgKind.SUPPLIER:
        return 0
    return pages.pending_offers(db.session, actor, agreement.id)


def _item_names(session: Any, agreement: Agreement) -> dict[int, str]:
    return item_names(session, list(agreement.solicitation.items))


def calloff_context(actor: Actor, calloff_id: int) -> dict[str, Any]:
    session = db.session
    calloff: CallOff = get_calloff(session, actor, calloff_id)
    agreement = session.get(Agreement, calloff.agreement_id)
    assert agreement is not None
    units = {i.id: i.unit for i in agreement.solicitation.items}
    entrants = {e.id: e for e in agreement.entrants}
    prices = (
        pages.entrant_prices(session, calloff.entrant_id, calloff.placed_at)
        if calloff.entrant_id
        else {}
    )
    rows = []
    for row in calloff.items:
        price = row.unit_price if row.unit_price is not None else prices.get(row.item_id)
        rows.append(
            {
                "row": row,
                "unit": units.get(row.item_id, ""),
                "price": price,
                "amount": price * row.quantity if price is not None else None,
            }
        )
    order = session.get(Order, calloff.order_id) if calloff.order_id else None
    own = actor.organisation_id == calloff.purchaser_id
    return {
        "c": calloff,
        "a": agreement,
        "rows": rows,
        "item_names": _item_names(session, agreement),
        "total": sum(r["amount"] for r in rows)
        if all(r["amount"] is not None for r in rows)
        else None,
        "entrant": entrants.get(calloff.entrant_id or 0),
        "entrants": entrants,
        "names": _names(
            session, {e.supplier_id for e in agreement.entrants} | {calloff.purchaser_id}
        ),
        "order": order,
        "order_link": url_for("buying_ui.order_page", order_id=order.id)
        if order and (own or actor.has(Role.OPERATOR))
        else None,
        "competition": competition(session, calloff),
    }


def competition(session: Any, calloff: CallOff) -> dict[str, Any] | None:
    """A secondary competition's auction: its window, status and the live room's address."""
    if calloff.auction_id is None:
        return None
    auction = session.get(Auction, calloff.auction_id)
    if auction is None:
        return None
    return {
        "auction": auction,
        "invited": session.scalar(
            select(func.count()).where(AuctionInvitation.auction_id == auction.id)
        ),
        "room": url_for("auction_ui.room", auction_id=auction.id),
    }


def calloffs_context(actor: Actor) -> dict[str, Any]:
    session = db.session
    found = pages.calloffs(session, actor)
    titles = {
        a.id: a.title
        for a in (session.get(Agreement, i) for i in {c.agreement_id for c in found})
        if a is not None
    }
    return {"calloffs": found, "titles": titles}


def offers_context(actor: Actor) -> dict[str, Any]:
    session = db.session
    found = pages.offers(session, actor)
    shown = []
    for offer in found:
        calloff = session.get(CallOff, offer.calloff_id)
        agreement = session.get(Agreement, calloff.agreement_id)  # type: ignore[union-attr]
        assert calloff is not None and agreement is not None
        prices = pages.entrant_prices(session, offer.entrant_id, calloff.placed_at)
        names = _item_names(session, agreement)
        units = {i.id: i.unit for i in agreement.solicitation.items}
        shown.append(
            {
                "o": offer,
                "c": calloff,
                "a": agreement,
                "lines": [
                    {
                        "name": names.get(r.item_id, ""),
                        "unit": units.get(r.item_id, ""),
                        "quantity": r.quantity,
                        "price": prices.get(r.item_id),
                    }
                    for r in calloff.items
                ],
                "total": pages.offer_total(session, offer),
                "order_link": order_link_of(offer),
            }
        )
    return {
        "pending": [x for x in shown if x["o"].status == "offered"],
        "answered": [x for x in shown if x["o"].status != "offered"],
    }


def order_link_of(offer: CallOffOffer) -> str | None:
    """The supplier's order page for an accepted offer."""
    if offer.status != "accepted":
        return None
    calloff = db.session.get(CallOff, offer.calloff_id)
    if calloff is None or calloff.order_id is None:
        return None
    return url_for("buying_ui.supplier_order_page", order_id=calloff.order_id)


def please_correct() -> str:
    return _("Please correct the fields marked.")
