"""Price monitoring (SUP-3) for price monitors, supervisors and operators: a price search over the
catalog, the spread of a standard product's or a category's current prices with a box plot and its
listings by price, a standard product's price curve over the last half year, CSV downloads, and
links to each listing's price history."""

from __future__ import annotations

from decimal import Decimal
from math import ceil
from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from catalog.categories import service as categories_service
from catalog.categories.models import Category, StandardProduct
from catalog.listings.models import Listing, PriceChange
from catalog.prices import service as prices
from catalog.search import service as search_service
from catalog.search.base import SORTS, SearchBackendError
from core import clock
from core.db import db
from core.errors import DomainError
from frontend import catalog_display as show
from frontend import catalog_facets as facets
from frontend.catalog_views import SORT_KEYS, signed_in
from frontend.i18n import label, pick

bp = Blueprint("prices_ui", __name__)

#: The price search shows at most this many pages of 20.
MAX_PAGE = 50
#: Rows of a spread's listing table shown on the page; the CSV has them all.
MAX_ROWS = 200
#: Prices drawn as dots on a box plot, in up to three rows, a dot's width (in percent) apart.
MAX_DOTS = 400
DOT_ROWS = 3
DOT_GAP = 1.2
#: The arguments each part of the page keeps in the address.
SEARCH_KEYS = ("q", "category_id", "sort", "page")
SPREAD_KEYS = ("product", "spread_category")


def link(**changes: Any) -> str:
    """This page with some arguments changed (None removes one)."""
    args = {k: v for k, v in request.args.items() if k in SEARCH_KEYS + SPREAD_KEYS}
    for name, value in changes.items():
        args.pop(name, None)
        if value is not None:
            args[name] = value
    return url_for("prices_ui.index", **args)


def _arg_id(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) < 2**31 else None


# ---------------------------------------------------------------- box plot geometry


def _at(value: Decimal, low: Decimal, span: Decimal) -> float:
    """Where ``value`` falls on the plot, in percent. Only for drawing: shown amounts never come
    from here."""
    return round(float((value - low) / span * 100), 2)


def box_plot(spread: dict[str, Any], prices_: list[Decimal]) -> dict[str, Any] | None:
    """Positions of the whiskers, box, median and each price on an axis from the lowest price to
    the highest; prices close together are stacked so that each stays visible."""
    if not spread["count"]:
        return None
    low, high = spread["min"], spread["max"]
    if high == low:
        # One price, or all equal: everything in the middle.
        low, high = low - 1, high + 1
    span = high - low
    dots: list[dict[str, Any]] = []
    rows_end: list[float] = []  # where the last dot of each row is
    for price in sorted(prices_)[:MAX_DOTS]:
        x = _at(price, low, span)
        row = next((n for n, end in enumerate(rows_end) if x - end >= DOT_GAP), None)
        if row is None and len(rows_end) < DOT_ROWS:
            rows_end.append(x)
            row = len(rows_end) - 1
        elif row is None:
            row = len(dots) % DOT_ROWS
        rows_end[row] = x
        dots.append({"x": x, "row": row})
    return {
        "min": _at(spread["min"], low, span),
        "q1": _at(spread["q1"], low, span),
        "median": _at(spread["median"], low, span),
        "q3": _at(spread["q3"], low, span),
        "max": _at(spread["max"], low, span),
        "dots": dots,
    }


def _position(price: Decimal, spread: dict[str, Any]) -> str:
    """Where a price stands: an outlier beyond 1.5 interquartile ranges, or below Q1 / above Q3."""
    q1, q3 = spread["q1"], spread["q3"]
    fence = (q3 - q1) * Decimal("1.5")
    if spread["count"] >= 4 and price > q3 + fence:
        return "outlier_high"
    if spread["count"] >= 4 and price < q1 - fence:
        return "outlier_low"
    if price > q3:
        return "high"
    if price < q1:
        return "low"
    return "middle"


def spread_view(report: dict[str, Any], title: str, csv_url: str) -> dict[str, Any]:
    """A price report from the service, ready for the page: names in the page's language, each
    row's standing against the spread, the box plot."""
    session = db.session
    rows = report["listings"]
    ids = [row["listing_id"] for row in rows[:MAX_ROWS]]
    listings = (
        {x.id: x for x in session.scalars(select(Listing).where(Listing.id.in_(ids)))}
        if ids
        else {}
    )
    orgs = show.organisations(session, {x.supplier_id for x in listings.values()})
    spread = report["spread"]
    shown = []
    for n, row in enumerate(rows[:MAX_ROWS]):
        listing = listings.get(row["listing_id"])
        shown.append(
            {
                **row,
                "rank": n + 1,
                "title": pick(listing.title_zh, listing.title_en) if listing else row["title_zh"],
                "supplier": show.name_of(orgs.get(listing.supplier_id)) if listing else "",
                "position": _position(row["price"], spread),
            }
        )
    return {
        "title": title,
        "at": report["at"],
        "spread": spread,
        "plot": box_plot(spread, [row["price"] for row in rows]),
        "rows": shown,
        "total": len(rows),
        "csv_url": csv_url,
    }


def curve_view(curve: dict[str, Any]) -> dict[str, Any] | None:
    """A standard product's price curve for the page: the chart's series (amounts as strings, only
    drawn), a row a week for the table beside it and a row for each purchase of the product (what
    was paid); None while it has no price at all."""
    points = [p for p in curve["points"] if p["count"]]
    if not points:
        return None
    rows = [{**p, "day": clock.local(p["at"]).strftime("%Y-%m-%d")} for p in points]
    first, last = rows[0], rows[-1]
    change = ""
    if first["median"]:
        delta = (last["median"] - first["median"]) / first["median"] * 100
        change = f"{delta.quantize(Decimal('0.1')):+}%"
    paid = [
        {
            **p,
            "day": clock.local(p["at"]).strftime("%Y-%m-%d"),
            "source_label": label(f"paid_{p['source']}"),
        }
        for p in curve.get("paid", [])
    ]
    return {
        "rows": rows,
        "first": first,
        "last": last,
        "change": change,
        "paid": paid,
        "chart": {
            "labels": [row["day"] for row in rows],
            "series": [
                {"key": key, "label": label(f"stat_{key}"), "values": [str(r[key]) for r in rows]}
                for key in ("max", "median", "min")
            ],
        },
    }


# ---------------------------------------------------------------- price search


def _search(categories: dict[int, Category]) -> dict[str, Any]:
    """The catalog search over keywords and a category, with each hit's last price change."""
    args, refused = facets.search_args(request.args)
    args["page"] = min(args["page"], MAX_PAGE)
    wanted = bool(args.get("q") or args.get("category_id"))
    found: dict[str, Any] = {"args": args, "refused": refused, "wanted": wanted, "error": None}
    found.update(items=[], total=0, pages=0)
    if not wanted:
        return found
    try:
        result = search_service.search(db.session, current_app.extensions["search"], args)
    except DomainError as failure:
        found["error"] = pick(failure.message_zh, failure.message)
        return found
    except SearchBackendError:
        found["error"] = _("Search is unavailable; try again later.")
        return found
    items = result["items"]
    last: dict[int, PriceChange] = {}
    ids = [hit["id"] for hit in items]
    if ids:
        for change in db.session.scalars(
            select(PriceChange).where(PriceChange.listing_id.in_(ids)).order_by(PriceChange.id)
        ):
            last[change.listing_id] = change
    orgs = show.organisations(db.session, {hit["supplier_id"] for hit in items})
    for hit in items:
        hit["title"] = pick(hit["title_zh"], hit["title_en"])
        hit["supplier"] = show.name_of(orgs.get(hit["supplier_id"])) or hit["supplier_name"]
        hit["category"] = show.name_of(categories.get(hit["category_id"]))
        change = last.get(hit["id"])
        hit["change"] = change
        hit["direction"] = ""
        hit["percent"] = ""
        if change is not None and change.old_price is not None and change.old_price > 0:
            delta = (change.new_price - change.old_price) / change.old_price * 100
            hit["direction"] = "up" if delta > 0 else "down" if delta < 0 else ""
            hit["percent"] = f"{delta.quantize(Decimal('0.1')):+}%"
    found.update(
        items=items,
        total=result["total"],
        pages=min(ceil(result["total"] / facets.PER_PAGE), MAX_PAGE),
    )
    return found


# ---------------------------------------------------------------- the page


@bp.route("/prices")
def index() -> Any:
    """价格监测: price search, standard products by category with their spread, category spreads."""
    actor = signed_in()
    prices.require_monitor(actor)
    session = db.session
    categories = show.categories_by_id(session)
    options = [(c, max(len(c.path_ids) - 1, 0)) for c in categories.values() if c.active]

    products = categories_service.list_standard_products(session)
    by_category: dict[int, list[StandardProduct]] = {}
    for product in products:
        by_category.setdefault(product.category_id, []).append(product)
    product_groups = [
        {
            "category": categories.get(cid),
            "path": " › ".join(
                show.name_of(c) for c in show.category_path(categories, categories[cid])
            )
            if cid in categories
            else "",
            "products": items,
        }
        for cid, items in sorted(
            by_category.items(), key=lambda p: categories[p[0]].code if p[0] in categories else ""
        )
    ]

    chosen_product, product_view, product_error = None, None, None
    product_id = _arg_id("product")
    if product_id is not None:
        try:
            report = prices.product_prices(session, actor, product_id)
            chosen_product = categories_service.get_standard_product(session, product_id)
            product_view = spread_view(
                report,
                pick(chosen_product.name_zh, chosen_product.name_en),
                url_for("prices.product_csv", product_id=product_id),
            )
            product_view["curve"] = curve_view(prices.product_curve(session, actor, product_id))
            product_view["params"] = show.param_rows(
                show.schema_params(
                    session, chosen_product.category_id, chosen_product.schema_version
                ),
                chosen_product.params,
            )
        except DomainError as failure:
            product_error = pick(failure.message_zh, failure.message)

    category_view, category_error = None, None
    spread_category = _arg_id("spread_category")
    if spread_category is not None:
        try:
            report = prices.category_prices(session, actor, spread_category)
            category = categories[spread_category]
            category_view = spread_view(
                report,
                f"{category.code} {show.name_of(category)}",
                url_for("prices.category_csv", category_id=spread_category),
            )
        except DomainError as failure:
            category_error = pick(failure.message_zh, failure.message)

    return render_template(
        "prices/index.html",
        search=_search(categories),
        category_options=options,
        sorts=[(s, label(SORT_KEYS[s])) for s in SORTS],
        product_groups=product_groups,
        product_count=len(products),
        chosen_product=chosen_product,
        product_view=product_view,
        product_error=product_error,
        spread_category=spread_category,
        category_view=category_view,
        category_error=category_error,
        link=link,
        position_name=lambda p: label(f"position_{p}"),
    )
