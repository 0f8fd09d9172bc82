"""The search page's pieces: its query string as search arguments, links that change one filter, the
category tree with counts, and price and parameter facets with labels (CAT-6)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import request, url_for
from marshmallow import EXCLUDE, ValidationError
from werkzeug.datastructures import MultiDict

from catalog.search.base import PRICE_BUCKETS
from catalog.search.schemas import SearchArgs
from core.db import db
from frontend import catalog_display as show
from frontend.i18n import pick

PER_PAGE = 20


def search_args(args: MultiDict) -> tuple[dict[str, Any], dict[str, Any]]:
    """The page's query string as the search service's arguments (empty values dropped), and the
    fields that were refused."""
    schema = SearchArgs(unknown=EXCLUDE)
    raw: dict[str, Any] = {}
    for name in schema.fields:
        if name in ("brand", "param"):
            values = [v.strip() for v in args.getlist(name) if v.strip()]
            if values:
                raw[name] = values
        elif args.get(name, "").strip():
            raw[name] = args.get(name, "").strip()
    raw["per_page"] = PER_PAGE
    try:
        return schema.load(raw), {}
    except ValidationError as error:
        refused = error.normalized_messages()
        assert isinstance(refused, dict)
        for name in refused:
            raw.pop(name, None)
        return schema.load(raw), refused


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


def param_facets(
    facets: dict[str, list[dict[str, Any]]], category_ids: list[int], chosen: list[str]
) -> list[dict[str, Any]]:
    definitions = show.current_definitions(db.session, category_ids)
    picked: dict[str, set[str]] = {}
    for item in chosen:
        code, _, value = item.partition(":")
        picked.setdefault(code, set()).add(value)
    groups = []
    for code, definition in definitions.items():
        values = {f["value"]: f["count"] for f in facets.get(f"param:{code}", [])}
        for value in picked.get(code, ()):
            values.setdefault(value, 0)
        if not values:
            continue
        ordered = sorted(values.items(), key=lambda p: show.facet_sort_key(definition, *p))
        groups.append(
            {
                "code": code,
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
