"""The framework agreement forms (MALL-8): the 征集公告 form's rows and defaults, reading it and the
响应 form into the API's bodies, and a refusal's messages keyed by the field they belong to
(``items.0.max_unit_price``, ``term_ends``, ``prices.12``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError

from core import clock
from core.accounts.auth import Actor
from core.db import db
from core.errors import DomainError
from frontend import catalog_display as show
from frontend.i18n import pick
from frontend.pool_forms import local_input, whole_numbers
from mall.agreements.models import Solicitation

#: Rows of items and of quality criteria the form offers (blank rows are left out).
ITEM_ROWS = 3
CRITERION_ROWS = 3
ITEM_FIELDS = (
    "category_id",
    "standard_product_id",
    "required_params",
    "unit",
    "estimated_quantity",
    "max_unit_price",
)
DEFAULT_DEADLINE_DAYS = 7


def flat_errors(messages: Any, prefix: str = "") -> dict[str, str]:
    """Nested marshmallow messages as one line per dotted field name."""
    if isinstance(messages, dict):
        out: dict[str, str] = {}
        for key, value in messages.items():
            out.update(flat_errors(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        return {prefix or "_": "; ".join(messages)}
    if isinstance(messages, list):
        out = {}
        for m in messages:
            out.update(flat_errors(m, prefix))
        return out
    return {prefix or "_": str(messages)}


def schema_errors(error: ValidationError) -> dict[str, str]:
    return flat_errors(error.messages)


def service_errors(error: DomainError) -> dict[str, str]:
    return flat_errors(error.details or {})


def _params(text: str) -> dict[str, str] | None:
    """``cpu=i5; memory=16GB`` as a dict; None when a part has no ``=``."""
    out: dict[str, str] = {}
    for part in text.replace("；", ";").split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            return None
        key, value = part.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def solicitation_body(form: dict[str, Any], methods: list[str]) -> tuple[dict, dict[str, str]]:
    """The posted 征集公告 form as the API's body, and the fields refused on the way."""
    errors: dict[str, str] = {}
    body: dict[str, Any] = {
        k: form.get(k, "") for k in ("title", "region_id", "kind", "evaluation")
    }
    body["call_off_methods"] = methods
    body["elimination_percent"] = form.get("elimination_percent") or 20
    for key in ("term_starts", "term_ends"):
        body[key] = form.get(key) or None
    deadline = local_input(form.get("response_deadline", ""))
    if deadline is None:
        errors["response_deadline"] = _("Enter a date and time.")
    else:
        body["response_deadline"] = deadline.isoformat()
    items = []
    for row in range(ITEM_ROWS):
        values = {k: form.get(f"items.{row}.{k}", "").strip() for k in ITEM_FIELDS}
        if not any(values[k] for k in ("category_id", "standard_product_id", "max_unit_price")):
            continue
        item: dict[str, Any] = whole_numbers(
            {k: v for k, v in values.items() if v and k != "required_params"},
            ("category_id", "standard_product_id", "estimated_quantity"),
        )
        item.setdefault("estimated_quantity", None)
        item.setdefault("max_unit_price", None)
        params = _params(values["required_params"])
        if params is None:
            errors[f"items.{len(items)}.required_params"] = _(
                "Write the parameters as name=value; name=value."
            )
        else:
            item["required_params"] = params
        items.append(item)
    body["items"] = items
    criteria = []
    if body["evaluation"] == "quality_priority":
        for row in range(CRITERION_ROWS):
            name = form.get(f"criteria.{row}.name", "").strip()
            weight = form.get(f"criteria.{row}.weight", "").strip()
            if name or weight:
                criteria.append(whole_numbers({"name": name, "weight": weight}, ("weight",)))
    body["criteria"] = criteria
    return whole_numbers(body, ("region_id", "elimination_percent")), errors


def response_body(
    form: dict[str, Any], solicitation: Solicitation, regions: list[str]
) -> dict[str, Any]:
    """The posted 响应 form as the API's body: a unit price per item, capacity, regions."""
    return {
        "prices": [
            {"item_id": item.id, "unit_price": form.get(f"price.{item.id}", "").strip() or None}
            for item in solicitation.items
        ],
        "capacity": form.get("capacity", ""),
        "region_ids": [int(r) for r in regions if r.isascii() and r.isdigit() and len(r) < 12],
    }


def price_errors(errors: dict[str, str], solicitation: Solicitation) -> dict[str, str]:
    """Schema messages on ``prices.<position>.unit_price`` moved to ``price.<item id>``."""
    out = dict(errors)
    for position, item in enumerate(solicitation.items):
        for key in (f"prices.{position}.unit_price", f"prices.{position}"):
            if key in out:
                out[f"price.{item.id}"] = out.pop(key)
    return out


def form_context(actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    """What the 征集公告 form shows: leaf categories, standard products, regions and defaults,
    overlaid with what the solicitor entered."""
    session = db.session
    now = clock.now()
    categories, leaves, products = show.lot_choices(session)
    regions = show.regions_by_id(session)
    deadline = clock.local(now + timedelta(days=DEFAULT_DEADLINE_DAYS)).replace(
        hour=17, minute=0, second=0, microsecond=0
    )
    defaults = {
        "kind": "closed",
        "evaluation": "price_priority",
        "elimination_percent": "20",
        "response_deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "region_id": str(actor.region_id or ""),
        "call_off_methods": ["direct"],
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
        "region_choices": [(r, show.region_depth(r)) for r in regions.values()],
        "values": defaults | values,
        "item_rows": range(ITEM_ROWS),
        "criterion_rows": range(CRITERION_ROWS),
        "min_local": clock.local(now).strftime("%Y-%m-%dT%H:%M"),
    }
