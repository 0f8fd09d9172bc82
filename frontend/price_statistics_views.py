"""Price statistics pages (SUP-3) for price monitors, supervisors and operators, in their own
region and below: a standard product's or a category's daily quartiles over time (a band from Q1
to Q3 with the median drawn through it, and the rows as a table), and the price anomalies found
among transactions with their evidence. Both download as CSV and XLSX through the API. The reads
are ``supervision.prices.queries``'."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from math import ceil
from typing import Any

from flask import Blueprint, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from catalog.categories.models import Category, StandardProduct
from catalog.categories.service import list_standard_products
from core.accounts.roles import Role
from core.api import paginate
from core.db import db
from frontend import catalog_display as show
from frontend.catalog_views import signed_in
from frontend.i18n import pick
from frontend.labels import label
from frontend.supervision_pages import parse_filters, subject_url
from supervision.prices import queries
from supervision.prices.models import PriceAnomaly
from supervision.prices.schemas import AnomalyFilterArgs, StatisticsArgs

bp = Blueprint("price_stats_ui", __name__)

PER_PAGE = 20
MAX_PAGE = 500
#: the page's arguments and the API's names for them
PAGE_KEYS = {
    "product": "standard_product_id",
    "category": "category_id",
    "region": "region_id",
    "from": "from",
    "to": "to",
}
#: what a link from an anomaly to its statistics shows around its day
BEFORE_DAYS, AFTER_DAYS = 60, 7
#: the chart's drawing area (SVG user units)
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 240, 8, 8, 12, 12
SOURCE_LABELS = {
    "order": "source_mall",
    "auction": "source_auction",
    "agreement": "source_agreement",
}


def _filters(schema: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """The filters as the API's schema loads them, the page's fields it refused, and the valid
    ones as the page names them (kept in links)."""
    given = {
        api: request.args[name].strip()
        for name, api in PAGE_KEYS.items()
        if request.args.get(name, "").strip()
    }
    args, refused = parse_filters(schema, MultiDict(given))
    errors = {name: True for name, api in PAGE_KEYS.items() if api in refused}
    kept = {
        name: given[api] for name, api in PAGE_KEYS.items() if api in given and api not in refused
    }
    return args, errors, kept


def _page() -> int:
    raw = request.args.get("page", "1")
    return min(max(int(raw), 1), MAX_PAGE) if raw.isdigit() else 1


def _choices(session: Any, actor: Any) -> dict[str, Any]:
    """The options of the product, category and region filters, as (value, text) pairs."""
    regions = queries.readable_regions(session, actor)
    top = min((r.path.count("/") for r in regions), default=0)
    categories = show.categories_by_id(session)
    return {
        "products": [
            (p.id, f"{p.code} {pick(p.name_zh, p.name_en)}")
            for p in list_standard_products(session)
        ],
        "categories": [
            (c.id, "\u3000" * max(len(c.path_ids) - 1, 0) + f"{c.code} {show.name_of(c)}")
            for c in categories.values()
            if c.active
        ],
        "regions": [
            (r.id, "— " * (r.path.count("/") - top) + pick(r.name_zh, r.name_en)) for r in regions
        ],
        "region_names": {r.id: pick(r.name_zh, r.name_en) for r in regions},
    }


def subject_name(session: Any, kind: str, key_id: int) -> str:
    """A standard product's or a category's name in the page's language (its id when unknown)."""
    if kind == "product":
        product = session.get(StandardProduct, key_id)
        return (
            f"{product.code} {pick(product.name_zh, product.name_en)}" if product else f"#{key_id}"
        )
    category = session.get(Category, key_id)
    return f"{category.code} {show.name_of(category)}" if category else f"#{key_id}"


# ---------------------------------------------------------------- the band chart


def band_chart(items: list[Any]) -> dict[str, Any] | None:
    """Where each day's Q1, median and Q3 fall on the chart: a polygon from Q1 to Q3, the median's
    line and a dot per day, on an axis from the lowest Q1 to the highest Q3. Only for drawing:
    shown amounts never come from here."""
    if not items:
        return None
    first, last = items[0].day, items[-1].day
    days = max((last - first).days, 1)
    low = min(r.q1 for r in items)
    high = max(r.q3 for r in items)
    if high == low:
        low, high = low - 1, high + 1
    span = high - low
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        if len(items) == 1:
            return LEFT + inner_w / 2
        return round(LEFT + (day - first).days / days * inner_w, 1)

    def y(value: Decimal) -> float:
        return round(TOP + float((high - value) / span) * inner_h, 1)

    upper = [f"{x(r.day)},{y(r.q3)}" for r in items]
    lower = [f"{x(r.day)},{y(r.q1)}" for r in reversed(items)]
    if len(items) == 1:  # one day: a bar of some width
        (r,) = items
        upper = [f"{x(r.day) - 6},{y(r.q3)}", f"{x(r.day) + 6},{y(r.q3)}"]
        lower = [f"{x(r.day) + 6},{y(r.q1)}", f"{x(r.day) - 6},{y(r.q1)}"]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "band": " ".join(upper + lower),
        "median": " ".join(f"{x(r.day)},{y(r.median)}" for r in items),
        "dots": [{"x": x(r.day), "y": y(r.median), "row": r} for r in items],
        "low": low if low >= 0 else Decimal("0.00"),
        "high": high,
        "first": first,
        "last": last,
    }


# ---------------------------------------------------------------- statistics


def _export(endpoint: str, fmt: str, args: dict[str, Any]) -> str:
    return url_for(f"{endpoint}_{fmt}", **{k: v for k, v in args.items() if v is not None})


@bp.route("/prices/statistics")
def statistics() -> Any:
    """价格统计: a standard product's or a category's daily quartiles in a region."""
    actor = signed_in()
    session = db.session
    choices = _choices(session, actor)  # refuses everyone but the readers
    args, errors, kept = _filters(StatisticsArgs())
    if "standard_product_id" in args and "category_id" in args:
        errors["category"] = True  # one at a time: the product wins
        args.pop("category_id")
        kept.pop("category")
    result, chart, title, exports = None, None, "", {}
    if "standard_product_id" in args or "category_id" in args:
        result = queries.statistics(session, actor, args)
        chart = band_chart(result["items"])
        title = subject_name(session, result["kind"], result["key_id"])
        api_args = {
            "standard_product_id": args.get("standard_product_id"),
            "category_id": args.get("category_id"),
            "region_id": result["region_id"],
            "from": result["from"].isoformat(),
            "to": result["to"].isoformat(),
        }
        exports = {
            fmt: _export("price_statistics.statistics", fmt, api_args) for fmt in ("csv", "xlsx")
        }
    return render_template(
        "prices/statistics.html",
        args=kept,
        errors=errors,
        result=result,
        chart=chart,
        title=title,
        region_name=choices["region_names"].get(result["region_id"], "") if result else "",
        exports=exports,
        **choices,
    )


# ---------------------------------------------------------------- anomalies


def statistics_link(anomaly: PriceAnomaly, readable: set[int]) -> str:
    """The statistics page of the window an anomaly was judged against, around its day (in the
    reader's own region when the window's is above it)."""
    key = "product" if anomaly.kind == "product" else "category"
    region = anomaly.window_region_id if anomaly.window_region_id in readable else None
    return url_for(
        "price_stats_ui.statistics",
        **{
            key: anomaly.key_id,
            "region": region,
            "from": (anomaly.day - timedelta(days=BEFORE_DAYS)).isoformat(),
            "to": (anomaly.day + timedelta(days=AFTER_DAYS)).isoformat(),
        },
    )


def anomaly_rows(
    session: Any, actor: Any, items: list[PriceAnomaly], regions: dict[int, str]
) -> list[dict[str, Any]]:
    """Each anomaly with its evidence for the page: the transaction (its order, and the auction
    or call-off behind an award, linked where the reader has a page for it), the price against
    the fence and the median, and where to see the window's statistics."""
    ledger = queries.transactions(session, items)
    supervisor = actor.has(Role.SUPERVISOR)
    rows = []
    for a in items:
        found = ledger.get(a.seq, {})
        source_url = None
        if a.source == "auction" and found.get("source_id"):
            source_url = subject_url("auction", found["source_id"])
        elif a.source == "agreement" and found.get("source_id"):
            source_url = subject_url("agreement_calloff", found["source_id"])
        rows.append(
            {
                "a": a,
                "subject": subject_name(session, a.kind, a.key_id),
                "source": label(SOURCE_LABELS.get(a.source, "source_mall")),
                "number": found.get("number") or (f"#{a.order_id}" if a.order_id else ""),
                "order_url": subject_url("order", a.order_id)
                if supervisor and a.order_id
                else None,
                "source_id": found.get("source_id"),
                "source_url": source_url,
                "at": found.get("at"),
                "region": regions.get(a.region_id or 0, ""),
                "statistics_url": statistics_link(a, set(regions)),
            }
        )
    return rows


@bp.route("/prices/anomalies")
def anomalies() -> Any:
    """价格异常: transactions priced above Q3 + 1.5·IQR, newest first, filtered, paged."""
    actor = signed_in()
    session = db.session
    choices = _choices(session, actor)
    args, errors, kept = _filters(AnomalyFilterArgs())
    page = paginate(
        session,
        queries.anomalies_query(session, actor, args),
        {"page": _page(), "per_page": PER_PAGE},
    )
    api_args = {api: kept[name] for name, api in PAGE_KEYS.items() if name in kept}
    return render_template(
        "prices/anomalies.html",
        args=kept,
        errors=errors,
        rows=anomaly_rows(session, actor, page["items"], choices["region_names"]),
        total=page["total"],
        page=page["page"],
        pages=max(1, min(ceil(page["total"] / PER_PAGE), MAX_PAGE)),
        page_link=lambda n: url_for("price_stats_ui.anomalies", page=n, **kept),
        exports={
            fmt: _export("price_statistics.anomalies", fmt, api_args) for fmt in ("csv", "xlsx")
        },
        **choices,
    )
