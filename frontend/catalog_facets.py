"""The search page's pieces: its query string as search arguments, links that change one filter, the
category tree with counts, and price and parameter facets with labels (CAT-6).

Numeric parameters are offered as ranges: a few buckets drawn from the matching values (links, like
the price buckets) and from–to inputs named ``min.<code>`` / ``max.<code>``, which the page turns into
the API's range filter ``param=<code>:low..high``."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import request, url_for
from marshmallow import EXCLUDE, ValidationError
from werkzeug.datastructures import MultiDict

from catalog.categories import parameters
from catalog.search.base import PRICE_BUCKETS
from catalog.search.schemas import SearchArgs
from core.db import db
from frontend import catalog_display as show
from frontend.i18n import lang, pick

PER_PAGE = 20
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,19}$")


def _bound(text: str) -> Decimal | None:
    try:
        value = Decimal(unicodedata.normalize("NFKC", text).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def range_inputs(args: MultiDict) -> tuple[dict[str, tuple[str, str]], dict[str, list[str]]]:
    """The from–to inputs of numeric parameters (``min.<code>``, ``max.<code>``) as
    ``{code: (low, high)}`` (plain numbers, "" for an open end), and the inputs refused."""
    found: dict[str, list[str]] = {}
    refused: dict[str, list[str]] = {}
    for key in args:
        side, _, code = key.partition(".")
        if side not in ("min", "max") or not _CODE.match(code):
            continue
        text = args.get(key, "").strip()
        if not text:
            continue
        value = _bound(text)
        if value is None:
            refused[key] = ["not a number"]
            continue
        found.setdefault(code, ["", ""])[0 if side == "min" else 1] = _plain(value)
    return {code: (low, high) for code, (low, high) in found.items()}, refused


def search_args(args: MultiDict) -> tuple[dict[str, Any], dict[str, Any]]:
    """The page's query string as the search service's arguments (empty values dropped), and the
    fields that were refused. From–to inputs of numeric parameters become range filters."""
    schema = SearchArgs(unknown=EXCLUDE)
    raw: dict[str, Any] = {}
    for name in schema.fields:
        if name in ("brand", "param"):
            values = [v.strip() for v in args.getlist(name) if v.strip()]
            if values:
                raw[name] = values
        elif args.get(name, "").strip():
            raw[name] = args.get(name, "").strip()
    ranges, refused_ranges = range_inputs(args)
    for code, (low, high) in sorted(ranges.items()):
        raw.setdefault("param", []).append(f"{code}:{low}..{high}")
    raw["per_page"] = PER_PAGE
    try:
        return schema.load(raw), refused_ranges
    except ValidationError as error:
        refused = error.normalized_messages()
        assert isinstance(refused, dict)
        for name in refused:
            raw.pop(name, None)
        return schema.load(raw), {**refused_ranges, **refused}


def link(**changes: Any) -> str:
    """This search with some arguments changed (None removes one) and the page reset."""
    args = MultiDict(request.args)
    args.pop("page", None)
    for name, value in changes.items():
        args.pop(name, None)
        if value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            args.add(name, item)
    return url_for("catalog_ui.search", **args.to_dict(flat=False))


def category_tree(
    categories: dict[int, Any], direct: dict[int, int], selected: int | None
) -> list[dict[str, Any]]:
    """Nested nodes with match counts over each subtree; nodes without matches are left out, except
    the selected one and its ancestors."""
    totals: dict[int, int] = {}
    for category_id, count in direct.items():
        category = categories.get(category_id)
        for node_id in category.path_ids if category else ():
            totals[node_id] = totals.get(node_id, 0) + count
    keep = set(totals)
    if selected in categories:
        keep |= set(categories[selected].path_ids)
    nodes = {
        cid: {
            "category": c,
            "count": totals.get(cid, 0),
            "children": [],
            "selected": cid == selected,
        }
        for cid, c in categories.items()
        if cid in keep and c.active
    }
    roots = []
    for cid, node in nodes.items():
        parent = categories[cid].parent_id
        (nodes[parent]["children"] if parent in nodes else roots).append(node)
    return roots


def price_facets(counts: dict[str, int]) -> list[dict[str, Any]]:
    cent = Decimal("0.01")
    found = []
    for low, high in PRICE_BUCKETS:
        label = f"{format(low.normalize(), 'f')}-{format(high.normalize(), 'f') if high else ''}"
        if counts.get(label):
            found.append(
                {
                    "label": f"{show.yuan(low)} – {show.yuan(high - cent)}"
                    if high
                    else f"≥ {show.yuan(low)}",
                    "count": counts[label],
                    "href": link(price_min=str(low), price_max=str(high - cent) if high else None),
                }
            )
    return found


def _unit(definition: dict[str, Any]) -> str:
    return parameters.definition_unit(definition, lang())


def _range_label(definition: dict[str, Any], low: str, high: str) -> str:
    unit = _unit(definition)
    if low and high:
        text = low if low == high else f"{low} – {high}"
    elif low:
        text = f"≥ {low}"
    else:
        text = f"≤ {high}"
    return f"{text} {unit}".rstrip()


def _range_group(
    code: str,
    definition: dict[str, Any],
    buckets: list[dict[str, Any]],
    current: tuple[str, str] | None,
    picked: set[str],
) -> dict[str, Any]:
    """A numeric parameter: its buckets as links that fill the from–to inputs, and the inputs."""
    low, high = current or ("", "")
    cleared = {f"min.{code}": None, f"max.{code}": None}
    found = []
    for bucket in buckets:
        bucket_low, _, bucket_high = bucket["value"].partition("..")
        found.append(
            {
                "label": _range_label(definition, bucket_low, bucket_high),
                "count": bucket["count"],
                "href": link(**{f"min.{code}": bucket_low, f"max.{code}": bucket_high}),
                "selected": (bucket_low, bucket_high) == (low, high),
            }
        )
    chips = []
    if current:
        chips.append((_range_label(definition, low, high), link(**cleared)))
    for value in sorted(picked):  # range or exact values given as param=code:value
        others = [p for p in request.args.getlist("param") if p != f"{code}:{value}"]
        shown = value.partition("..")[::2] if ".." in value else (value, value)
        chips.append((_range_label(definition, *shown), link(param=others)))
    return {
        "code": code,
        "kind": "range",
        "name": pick(definition["name_zh"], definition["name_en"]),
        "unit": _unit(definition),
        "buckets": found,
        "low": low,
        "high": high,
        "chips": chips,
    }


def param_facets(
    facets: dict[str, list[dict[str, Any]]],
    category_ids: list[int],
    chosen: list[str],
    ranges: dict[str, tuple[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """Parameter facets in schema order: value checkboxes, or for numeric parameters range buckets
    and from–to inputs (``ranges``: the inputs' current values by code)."""
    ranges = ranges or {}
    definitions = show.current_definitions(db.session, category_ids)
    picked: dict[str, set[str]] = {}
    for item in chosen:
        code, _, value = item.partition(":")
        picked.setdefault(code, set()).add(value)
    groups = []
    for code, definition in definitions.items():
        if definition["type"] == "number":
            from_inputs = f"{code}:{ranges[code][0]}..{ranges[code][1]}" if code in ranges else None
            given = {v for v in picked.get(code, ()) if f"{code}:{v}" != from_inputs}
            buckets = facets.get(f"range:{code}", [])
            if buckets or code in ranges or given:
                groups.append(_range_group(code, definition, buckets, ranges.get(code), given))
            continue
        values = {f["value"]: f["count"] for f in facets.get(f"param:{code}", [])}
        for value in picked.get(code, ()):
            values.setdefault(value, 0)
        if not values:
            continue
        ordered = sorted(values.items(), key=lambda p: show.facet_sort_key(definition, *p))
        groups.append(
            {
                "code": code,
                "kind": "values",
                "name": pick(definition["name_zh"], definition["name_en"]),
                "values": [
                    {
                        "value": f"{code}:{value}",
                        "label": show.facet_value_label(definition, value),
                        "count": count,
                        "checked": value in picked.get(code, ()),
                    }
                    for value, count in ordered
                ],
            }
        )
    return groups
