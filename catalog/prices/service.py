"""Price spreads (min, quartiles, max, count) over on-shelf listings, a standard product's price
curve over the last months with what was paid for it, and CSV exports."""

from __future__ import annotations

import csv
import io
from bisect import bisect_right
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories.models import Category, StandardProduct
from catalog.categories.service import get_category, get_standard_product
from catalog.listings.models import Listing, PriceChange
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation
from core.accounts.roles import Role
from core.errors import Forbidden
from core.money import cny

MONITOR_ROLES = (Role.PRICE_MONITOR, Role.SUPERVISOR, Role.OPERATOR)


def require_monitor(actor: Actor) -> None:
    if not actor.has(*MONITOR_ROLES):
        raise Forbidden(
            "Only price monitors, supervisors and operators.",
            code="monitor_only",
        )


def _quantile(ordered: list[Decimal], fraction: Decimal) -> Decimal:
    """Inclusive linear interpolation between closest ranks."""
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def spread(prices: Iterable[Decimal]) -> dict[str, Any]:
    ordered = sorted(prices)
    if not ordered:
        return {"count": 0, "min": None, "q1": None, "median": None, "q3": None, "max": None}
    return {
        "count": len(ordered),
        "min": ordered[0],
        "q1": cny(_quantile(ordered, Decimal("0.25"))),
        "median": cny(_quantile(ordered, Decimal("0.5"))),
        "q3": cny(_quantile(ordered, Decimal("0.75"))),
        "max": ordered[-1],
    }


def matching_listings(session: Session, product: StandardProduct) -> list[Listing]:
    """On-shelf listings of the standard product: linked to it, or in its category with all of its
    fixed parameter values."""
    candidates = session.scalars(
        select(Listing).where(
            Listing.category_id == product.category_id, Listing.status == "approved"
        )
    )
    return [
        listing
        for listing in candidates
        if listing.standard_product_id == product.id
        or all(listing.params.get(code) == value for code, value in product.params.items())
    ]


def product_prices(session: Session, actor: Actor, product_id: int) -> dict[str, Any]:
    require_monitor(actor)
    product = get_standard_product(session, product_id)
    listings = matching_listings(session, product)
    return {
        "product_id": product.id,
        "name_zh": product.name_zh,
        "at": clock.now(),
        "spread": spread(x.price for x in listings),
        "listings": _rows(session, listings),
    }


#: Weeks a standard product's price curve looks back, one point a week.
CURVE_WEEKS = 26

#: What was paid for a standard product since a time: the unit prices of completed purchases, each
#: ``{"at", "unit_price", "quantity", "source", "order_id", "source_id"}``. Orders and awards are
#: kept above the catalog, so the packages that keep them register their source here.
PaidSource = Callable[[Session, StandardProduct, datetime], list[dict[str, Any]]]
_paid_sources: list[PaidSource] = []


def register_paid_source(source: PaidSource) -> None:
    if source not in _paid_sources:
        _paid_sources.append(source)


def paid_prices(
    session: Session, product: StandardProduct, since: datetime
) -> list[dict[str, Any]]:
    """Every registered source's purchases of ``product`` since ``since``, oldest first."""
    rows = [row for source in _paid_sources for row in source(session, product, since)]
    return sorted(rows, key=lambda row: (row["at"], row["order_id"]))


def price_history(
    session: Session, ids: list[int]
) -> dict[int, tuple[list[datetime], list[Decimal]]]:
    """Each listing's price history as (times, prices), oldest first: the price in force at ``at``
    is ``prices[bisect_right(times, at) - 1]`` once ``times[0] <= at``."""
    history: dict[int, tuple[list[datetime], list[Decimal]]] = {i: ([], []) for i in ids}
    if ids:
        for change in session.scalars(
            select(PriceChange)
            .where(PriceChange.listing_id.in_(ids))
            .order_by(PriceChange.at, PriceChange.id)
        ):
            times, amounts = history[change.listing_id]
            times.append(change.at)
            amounts.append(change.new_price)
    return history


def product_curve(
    session: Session, actor: Actor, product_id: int, weeks: int = CURVE_WEEKS
) -> dict[str, Any]:
    """The standard product's price over the last ``weeks`` weeks: at the same time of each week
    up to now, the spread of the prices then in force of the listings on the shelf now (a listing
    counts from its first price on), from their price history; and beside it what was paid for
    the product over those weeks (``paid``: orders and awards at their unit prices)."""
    require_monitor(actor)
    product = get_standard_product(session, product_id)
    history = price_history(session, [x.id for x in matching_listings(session, product)])
    now = clock.now()
    points = []
    for back in range(weeks, -1, -1):
        at = now - timedelta(weeks=back)
        in_force = [
            amounts[n - 1]
            for times, amounts in history.values()
            if (n := bisect_right(times, at)) > 0
        ]
        stats = spread(in_force)
        points.append({"at": at, **{k: stats[k] for k in ("count", "min", "median", "max")}})
    return {
        "product_id": product.id,
        "name_zh": product.name_zh,
        "at": now,
        "points": points,
        "paid": paid_prices(session, product, now - timedelta(weeks=weeks)),
    }


def category_prices(session: Session, actor: Actor, category_id: int) -> dict[str, Any]:
    require_monitor(actor)
    category = get_category(session, category_id)
    subtree = select(Category.id).where(Category.path.startswith(category.path))
    listings = list(
        session.scalars(
            select(Listing).where(Listing.category_id.in_(subtree), Listing.status == "approved")
        )
    )
    return {
        "category_id": category.id,
        "name_zh": category.name_zh,
        "at": clock.now(),
        "spread": spread(x.price for x in listings),
        "listings": _rows(session, listings),
    }


def _rows(session: Session, listings: list[Listing]) -> list[dict[str, Any]]:
    names = dict(
        session.execute(
            select(Organisation.id, Organisation.name_zh).where(
                Organisation.id.in_({x.supplier_id for x in listings})
            )
        ).all()
    )
    return [
        {
            "listing_id": x.id,
            "title_zh": x.title_zh,
            "brand": x.brand,
            "model": x.model,
            "supplier": names.get(x.supplier_id, ""),
            "price": x.price,
            "updated_at": x.updated_at,
        }
        for x in sorted(listings, key=lambda x: (x.price, x.id))
    ]


def prices_csv(report: dict[str, Any]) -> str:
    """The report's listings as CSV (UTF-8 with BOM so spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        ["listing_id", "title", "brand", "model", "supplier", "price_cny", "updated_at_shanghai"]
    )
    for row in report["listings"]:
        writer.writerow(
            [
                row["listing_id"],
                row["title_zh"],
                row["brand"],
                row["model"],
                row["supplier"],
                str(row["price"]),
                clock.local(row["updated_at"]).strftime("%Y-%m-%d %H:%M:%S"),
            ]
        )
    writer.writerow([])
    s = report["spread"]
    writer.writerow(["count", "min", "q1", "median", "q3", "max"])
    writer.writerow(
        [
            s["count"],
            *(str(s[k]) if s[k] is not None else "" for k in ("min", "q1", "median", "q3", "max")),
        ]
    )
    return out.getvalue()


def history_csv(changes: list[PriceChange]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["changed_at_shanghai", "old_price_cny", "new_price_cny"])
    for c in changes:
        writer.writerow(
            [
                clock.local(c.at).strftime("%Y-%m-%d %H:%M:%S"),
                "" if c.old_price is None else str(c.old_price),
                str(c.new_price),
            ]
        )
    return out.getvalue()
