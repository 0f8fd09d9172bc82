"""Theme and industry halls (CAT-5): the list of halls, and a hall's listings as product cards, its
hand-picked ones first. Operators create halls and pick listings into them from these pages; the
writes go from the page's script to the JSON API."""

from __future__ import annotations

from math import ceil
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select

from catalog.halls import service as halls
from catalog.halls.models import HALL_KINDS, Hall
from catalog.listings.models import Listing
from catalog.search.base import SearchBackendError
from core.accounts.roles import Role
from core.db import db
from core.errors import DomainError, NotFound
from frontend import catalog_display as show
from frontend.catalog_views import signed_in
from frontend.i18n import both, pick

bp = Blueprint("halls_ui", __name__)

PER_PAGE = 20
#: The hall API pages up to 50; the page does the same.
MAX_PAGE = 50
KIND_NAMES: dict[str, LazyString] = {
    "theme": _l("Theme halls"),
    "industry": _l("Industry halls"),
}
assert set(KIND_NAMES) == set(HALL_KINDS)


def hall_name(hall: Hall) -> str:
    return pick(hall.name_zh, hall.name_en or hall.name_zh)


def hall_description(hall: Hall) -> str:
    return pick(hall.description_zh, hall.description_en or hall.description_zh)


def rule_summary(rule: dict[str, Any] | None, categories: dict[int, Any]) -> list[str]:
    """The saved search as short phrases: 品目: 办公家具, 仅绿色产品, 关键词: 节能 …"""
    if not rule:
        return []
    parts = []
    if rule.get("q"):
        parts.append(f"{_('Keyword')}: {rule['q']}")
    if rule.get("category_id") is not None:
        category = categories.get(rule["category_id"])
        parts.append(f"{_('Category')}: {show.name_of(category) or rule['category_id']}")
    if rule.get("brand"):
        parts.append(f"{_('Brand')}: {', '.join(rule['brand'])}")
    if rule.get("price_min") is not None or rule.get("price_max") is not None:
        low, high = show.yuan(rule.get("price_min")), show.yuan(rule.get("price_max"))
        parts.append(f"{_('Price')}: {low or '…'} – {high or '…'}")
    if rule.get("param"):
        parts.append(f"{_('Standard parameters')}: {', '.join(rule['param'])}")
    if rule.get("sme_only"):
        parts.append(_("SMEs only"))
    if rule.get("green_only"):
        parts.append(_("Green products only"))
    if rule.get("region_id") is not None:
        parts.append(f"{_('Delivers to')}: #{rule['region_id']}")
    return parts


def _operator() -> bool:
    actor = signed_in()
    return actor.has(Role.OPERATOR)


@bp.route("/halls")
def index() -> Any:
    """主题馆 / 行业馆: every active hall by kind; operators also see retired ones and add new ones."""
    operator = _operator()
    session = db.session
    categories = show.categories_by_id(session)
    found = halls.list_halls(session, include_inactive=operator)
    groups = [
        {
            "kind": kind,
            "name": str(KIND_NAMES[kind]),
            "halls": [
                {
                    "hall": hall,
                    "name": hall_name(hall),
                    "description": hall_description(hall),
                    "rule": rule_summary(hall.rule, categories),
                    "picks": len(hall.picks),
                }
                for hall in found
                if hall.kind == kind
            ],
        }
        for kind in HALL_KINDS
    ]
    return render_template(
        "halls/index.html",
        groups=groups,
        operator=operator,
        kinds=[(kind, str(KIND_NAMES[kind])) for kind in HALL_KINDS],
        category_options=[(c, max(len(c.path_ids) - 1, 0)) for c in categories.values() if c.active]
        if operator
        else [],
        next_position=max((h.position for h in found), default=-1) + 1,
    )


@bp.route("/halls/<slug>")
def hall_page(slug: str) -> Any:
    """One hall: its hand-picked listings first, then its saved search's results, 20 a page."""
    operator = _operator()
    session = db.session
    hall = halls.get_hall(session, slug)
    if not hall.active and not operator:
        raise NotFound(*both("No such hall."))
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    result: dict[str, Any] = {"items": [], "total": 0}
    error = None
    try:
        result = halls.hall_listings(
            session, current_app.extensions["search"], hall, page, PER_PAGE
        )
    except DomainError as failure:
        error = pick(failure.message_zh, failure.message)
    except SearchBackendError:
        error = _("Search is unavailable; try again later.")
    except (TypeError, ValueError):
        # A saved rule with values of the wrong type (written through the API) cannot be run; the
        # hall page says so instead of failing.
        current_app.logger.exception("hall %s: its rule cannot be searched", hall.slug)
        error = _(
            "This hall's rule is invalid, so its products cannot be shown; contact the operator."
        )
    pages = min(ceil(result["total"] / PER_PAGE), MAX_PAGE)
    if not result["items"] and page > 1 and pages:
        # Past the last page (an old link, or the hall shrank): the last page instead.
        return redirect(url_for("halls_ui.hall_page", slug=hall.slug, page=min(page - 1, pages)))
    categories = show.categories_by_id(session)
    orgs = show.organisations(session, {hit["supplier_id"] for hit in result["items"]})
    picked = [p.listing_id for p in hall.picks]
    for hit in result["items"]:
        hit["supplier"] = show.name_of(orgs.get(hit["supplier_id"])) or hit["supplier_name"]
        hit["category"] = show.name_of(categories.get(hit["category_id"]))
        hit["title"] = pick(hit["title_zh"], hit["title_en"])
        hit["picked"] = hit["id"] in picked
    pick_rows = []
    if operator and picked:
        listings = {x.id: x for x in session.scalars(select(Listing).where(Listing.id.in_(picked)))}
        pick_rows = [
            {"id": i, "listing": listings.get(i), "position": n + 1} for n, i in enumerate(picked)
        ]
    return render_template(
        "halls/hall.html",
        hall=hall,
        name=hall_name(hall),
        kind_label=str(KIND_NAMES[hall.kind]),
        description=hall_description(hall),
        rule=rule_summary(hall.rule, categories),
        result=result,
        error=error,
        page=page,
        pages=pages,
        link=lambda n: url_for("halls_ui.hall_page", slug=hall.slug, page=n if n > 1 else None),
        operator=operator,
        pick_rows=pick_rows,
    )
