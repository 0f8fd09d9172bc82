"""The volume-purchase forms: the 发起带量采购 form's defaults and context, reading its fields into
the API's body, and turning a refusal into the messages the page shows beside each field."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_pgettext
from marshmallow import ValidationError

from core import clock
from core.accounts.auth import Actor
from core.accounts.models import User
from core.db import db
from core.errors import DomainError
from frontend import catalog_display as show
from frontend.i18n import lang, pick

#: What the form suggests (the organiser may change every one).
DEFAULTS = {
    "window_days": 3,
    "gap_minutes": 10,
    "duration_minutes": 30,
    "decrement_mode": "absolute",
    "decrement_value": "10.00",
    "must_beat": "best",
    "visibility": "best",
    "min_bidders": 3,
    "max_winners": 2,
    "unit": lazy_pgettext("the default unit of a lot", "unit"),
    "delivery_days": 20,
}
#: The form's fields the API takes as they are.
POOL_FIELDS = (
    "title",
    "title_en",
    "category_id",
    "unit",
    "ceiling",
    "delivery_date",
    "contact_name",
    "contact_phone",
    "decrement_mode",
    "decrement_value",
    "must_beat",
    "visibility",
    "min_bidders",
    "max_winners",
)


def message(error: DomainError) -> str:
    """A refusal's message in the page's language."""
    return error.message_zh if lang() == "zh" else error.message


def form_errors(error: ValidationError) -> dict[str, str]:
    """The schema's refusal as one message per field."""
    messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
    return {field: "; ".join(map(str, problems)) for field, problems in messages.items()}


def domain_errors(error: DomainError) -> dict[str, str]:
    """A service's refusal as one message per field it names."""
    return {
        field: "; ".join(map(str, problems)) if isinstance(problems, list) else str(problems)
        for field, problems in (error.details or {}).items()
    }


def whole_numbers(form: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Form fields typed as whole numbers, as the API takes them (JSON integers): a field of ASCII
    digits becomes an int; anything else is left for the schema to refuse with its message."""
    out = dict(form)
    for key in keys:
        value = out.get(key)
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
            out[key] = int(value)
    return out


def local_input(value: str) -> datetime | None:
    """A ``datetime-local`` value (Beijing time) as an aware UTC datetime."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=clock.SHANGHAI)
    except (TypeError, ValueError):
        return None


def form_context(actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    """What the 发起带量采购 form shows: the leaf categories, their standard products and the
    defaults, overlaid with the values the organiser entered."""
    session = db.session
    now = clock.now()
    categories, leaves, products = show.lot_choices(session)
    closes = clock.local(now + timedelta(days=DEFAULTS["window_days"])).replace(
        second=0, microsecond=0
    )
    user = session.get(User, actor.user_id)
    defaults = {
        **{k: str(v) for k, v in DEFAULTS.items()},
        "closes_at": closes.strftime("%Y-%m-%dT%H:%M"),
        "delivery_date": (closes.date() + timedelta(days=DEFAULTS["delivery_days"])).isoformat(),
        "contact_name": user.display_name if user else "",
        "show_ceiling": "on",
    }
    return {
        "leaves": [categories[i] for i in leaves],
        "category_path": lambda c: " › ".join(
            show.name_of(categories[p]) for p in c.path_ids if p in categories
        ),
        "products": [
            {"id": p.id, "category_id": p.category_id, "name": pick(p.name_zh, p.name_en)}
            for p in products
        ],
        "values": defaults | values,
        "min_local": clock.local(now).strftime("%Y-%m-%dT%H:%M"),
    }


def pool_body(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The posted form as the API's body, with the window's close and the auction's start and end
    worked out from the close, the gap and the duration; and the fields refused on the way."""
    errors: dict[str, str] = {}
    body: dict[str, Any] = {k: form.get(k, "") for k in POOL_FIELDS}
    if form.get("standard_product_id"):
        body["standard_product_id"] = form["standard_product_id"]
    body["show_ceiling"] = form.get("show_ceiling") == "on"
    closes = local_input(form.get("closes_at", ""))
    if closes is None:
        errors["closes_at"] = _("Please correct the fields marked.")
    else:
        try:
            gap = int(form.get("gap_minutes", ""))
            duration = int(form.get("duration_minutes", ""))
        except ValueError:
            gap, duration = -1, -1
        if gap < 0 or duration <= 0:
            errors["auction_ends_at"] = _("Please correct the fields marked.")
        else:
            starts = closes + timedelta(minutes=gap)
            body["closes_at"] = closes.isoformat()
            body["auction_starts_at"] = starts.isoformat()
            body["auction_ends_at"] = (starts + timedelta(minutes=duration)).isoformat()
    return body, errors
