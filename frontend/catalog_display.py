"""Catalog data as the pages show it: money, parameter rows, category paths, facet labels, names."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories import parameters
from catalog.categories.models import Category, ParameterSchema, StandardProduct
from catalog.enrolment.models import SIZES
from core.accounts.models import Organisation, Region
from core.money import cny
from frontend.i18n import lang, pick, yuan_text

SIZE_NAMES: dict[str, LazyString] = {
    "large": _l("Large enterprise"),
    "medium": _l("Medium enterprise"),
    "small": _l("Small enterprise"),
    "micro": _l("Micro enterprise"),
}
assert set(SIZE_NAMES) == set(SIZES)


def yuan(value: Decimal | str | int | None) -> str:
    """¥1,234.00 — from a Decimal or the API's string amount, never through a float."""
    text = "" if value is None else str(value).strip()
    return yuan_text(cny(text)) if text else ""


def size_name(size: str | None) -> str:
    return str(SIZE_NAMES[size]) if size in SIZE_NAMES else ""


def name_of(row: Any) -> str:
    """The name of a category, region or organisation in the page's language."""
    return pick(row.name_zh, row.name_en) if row is not None else ""


def categories_by_id(session: Session) -> dict[int, Category]:
    return {c.id: c for c in session.scalars(select(Category).order_by(Category.code))}


def category_path(categories: dict[int, Category], category: Category) -> list[Category]:
    return [categories[i] for i in category.path_ids if i in categories]


def leaf_ids(categories: dict[int, Category]) -> set[int]:
    """Active categories without active children."""
    parents = {c.parent_id for c in categories.values() if c.active and c.parent_id}
    return {c.id for c in categories.values() if c.active and c.id not in parents}


def regions_by_id(session: Session) -> dict[int, Region]:
    return {r.id: r for r in session.scalars(select(Region).order_by(Region.path))}


def region_depth(region: Region) -> int:
    return max(region.path.strip("/").count("/"), 0)


def organisations(session: Session, ids: Iterable[int]) -> dict[int, Organisation]:
    ids = set(ids)
    if not ids:
        return {}
    return {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}


def value_text(definition: dict[str, Any], value: Any) -> str:
    """One parameter value as ``parameters.display`` shows it (booleans 是/否, lists joined, unit)."""
    shown = parameters.display([definition], {definition["code"]: value}, lang())
    if not shown:
        return ""
    name = definition["name_zh"] if lang() == "zh" else definition["name_en"]
    return shown[0][len(name) + 2 :]


def param_rows(definitions: list[dict[str, Any]], values: dict[str, Any]) -> list[dict[str, str]]:
    """(code, name, value) for each parameter the listing has, in schema order."""
    return [
        {
            "code": d["code"],
            "name": pick(d["name_zh"], d["name_en"]),
            "value": value_text(d, values[d["code"]]),
        }
        for d in definitions
        if d["code"] in values
    ]


def schema_params(session: Session, category_id: int, version: int) -> list[dict[str, Any]]:
    row = session.scalars(
        select(ParameterSchema).where(
            ParameterSchema.category_id == category_id, ParameterSchema.version == version
        )
    ).first()
    return row.params if row else []


def current_definitions(session: Session, category_ids: Iterable[int]) -> dict[str, dict[str, Any]]:
    """Parameter definitions by code over the current schemas of ``category_ids``; a code defined
    under different names in different categories is shown with both names."""
    ids = set(category_ids)
    if not ids:
        return {}
    latest: dict[int, ParameterSchema] = {}
    for row in session.scalars(
        select(ParameterSchema)
        .where(ParameterSchema.category_id.in_(ids))
        .order_by(ParameterSchema.version)
    ):
        latest[row.category_id] = row
    found: dict[str, dict[str, Any]] = {}
    for category_id in sorted(latest):
        for d in latest[category_id].params:
            if d["code"] not in found:
                found[d["code"]] = dict(d)
            else:
                known = found[d["code"]]
                for key in ("name_zh", "name_en"):
                    if d[key] not in known[key].split(" / "):
                        known[key] = f"{known[key]} / {d[key]}"
    return found


def facet_value_label(definition: dict[str, Any] | None, value: str) -> str:
    """A parameter facet value with its unit; "true"/"false" as 是/否."""
    if definition is None:
        return value
    if definition["type"] == "boolean":
        return _("yes") if value == "true" else _("no")
    unit = parameters.definition_unit(definition, lang())
    return f"{value} {unit}".rstrip()


def facet_sort_key(definition: dict[str, Any] | None, value: str, count: int) -> tuple:
    """Numbers in numeric order, other values by count as the engine gave them."""
    if definition is not None and definition["type"] == "number":
        try:
            return (0, Decimal(value), "")
        except ArithmeticError:
            pass
    return (1, -count, value)


def lot_choices(session: Session) -> tuple[dict[int, Category], list[int], list[StandardProduct]]:
    """What a lot's form offers: every category by id, the leaves in code order, and the active
    standard products of those leaves."""
    categories = categories_by_id(session)
    leaves = sorted(leaf_ids(categories), key=lambda i: categories[i].code)
    products = list(
        session.scalars(
            select(StandardProduct)
            .where(StandardProduct.active.is_(True), StandardProduct.category_id.in_(leaves))
            .order_by(StandardProduct.code)
        )
    )
    return categories, leaves, products
