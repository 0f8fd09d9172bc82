"""Catalog pages: search and browse, product page, comparison, the supplier console and the operator's
review queues (CAT-1…CAT-7, MALL-6, SUP-3). Pages are rendered here; writes go from the page's script
to the JSON API with the session's CSRF token."""

from __future__ import annotations

from math import ceil
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from catalog.certificates.models import CERT_NAMES
from catalog.certificates.service import certificates_of, today
from catalog.enrolment import service as enrolment
from catalog.enrolment.models import EnrolmentApplication, SupplierProfile
from catalog.enrolment.service import require_supplier
from catalog.listings import service as listings
from catalog.listings.models import STATUS_NAMES, STATUSES, Listing
from catalog.search import service as search_service
from catalog.search.base import SORTS, SearchBackendError
from core import clock
from core.accounts.auth import Actor, current_actor, require_role
from core.accounts.models import Organisation
from core.accounts.roles import Role
from core.db import db
from core.errors import DomainError
from frontend import catalog_display as show
from frontend import catalog_facets as facets
from frontend.i18n import label, pick
from supervision.credit import service as credit

bp = Blueprint("catalog_ui", __name__)

MAX_PAGE = 500
MAX_COMPARE = 4
#: Parameter facets are offered once the matches fall in this many categories or fewer.
PARAM_FACET_CATEGORIES = 3
SORT_KEYS = {s: f"sort_{s}" for s in SORTS}
APPLICATION_STATUS = {
    "pending": _l("Pending"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
}


def signed_in() -> Actor:
    """The actor; someone not signed in is sent to the sign-in page."""
    actor = current_actor()
    if actor is None:
        abort(redirect(url_for("frontend.signin")))
    return actor


@bp.app_template_filter("yuan")
def _yuan(value: Any) -> str:
    return show.yuan(value)


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return {
        "status_name": lambda s: pick(*STATUS_NAMES[s]) if s in STATUS_NAMES else s,
        "size_name": show.size_name,
        "name_of": show.name_of,
    }


# ---------------------------------------------------------------- search and browse


@bp.route("/catalog")
def search() -> Any:
    """商品搜索: keywords, category tree, price, brand, parameters, SME, green, region; facets; sorts."""
    signed_in()
    session = db.session
    args, refused = facets.search_args(request.args)
    args["page"] = min(args["page"], MAX_PAGE)
    result: dict[str, Any] = {"items": [], "total": 0, "facets": {}}
    error = None
    try:
        result = search_service.search(session, current_app.extensions["search"], args)
    except DomainError as failure:
        error = pick(failure.message_zh, failure.message)
    except SearchBackendError:
        error = _("Search is unavailable; try again later.")
    categories = show.categories_by_id(session)
    found = result["facets"]
    direct = {int(f["value"]): f["count"] for f in found.get("category", [])}
    in_categories = sorted(direct)
    selected = args.get("category_id")
    if selected in categories and selected in show.leaf_ids(categories):
        in_categories = [selected]
    brands = {f["value"]: f["count"] for f in found.get("brand", [])}
    for brand in args["brand"]:
        brands.setdefault(brand, 0)
    orgs = show.organisations(session, {hit["supplier_id"] for hit in result["items"]})
    for hit in result["items"]:
        hit["supplier"] = show.name_of(orgs.get(hit["supplier_id"])) or hit["supplier_name"]
        hit["category"] = show.name_of(categories.get(hit["category_id"]))
        hit["title"] = pick(hit["title_zh"], hit["title_en"])
    regions = show.regions_by_id(session)
    pages = min(ceil(result["total"] / facets.PER_PAGE), MAX_PAGE)
    active = [
        args.get("category_id"),
        *args["brand"],
        *args["param"],
        args.get("price_min") is not None or args.get("price_max") is not None,
        args["sme_only"],
        args["green_only"],
        args.get("region_id"),
    ]
    return render_template(
        "catalog/search.html",
        args=args,
        refused=refused,
        error=error,
        result=result,
        tree=facets.category_tree(categories, direct, selected),
        selected_category=categories.get(selected) if selected else None,
        brands=sorted(brands.items(), key=lambda p: (-p[1], p[0])),
        prices=facets.price_facets({f["value"]: f["count"] for f in found.get("price", [])}),
        param_groups=(
            facets.param_facets(
                found, in_categories, args["param"], facets.range_inputs(request.args)[0]
            )
            if 0 < len(in_categories) <= PARAM_FACET_CATEGORIES
            else []
        ),
        regions=[(r, show.region_depth(r)) for r in regions.values()],
        selected_region=regions.get(args.get("region_id") or 0),
        chips_count=sum(1 for value in active if value),
        sorts=[(s, label(SORT_KEYS[s])) for s in SORTS],
        page=args["page"],
        pages=pages,
        link=facets.link,
    )


# ---------------------------------------------------------------- product page and comparison


def _listing_facts(listing: Listing, categories: dict[int, Any]) -> dict[str, Any]:
    session = db.session
    profile = session.get(SupplierProfile, listing.supplier_id)
    day = today()
    certificates = [
        {
            "kind": pick(*CERT_NAMES[c.kind]),
            "number": c.number,
            "issuer": c.issuer,
            "valid_from": c.valid_from.isoformat(),
            "valid_until": c.valid_until.isoformat(),
            "valid": c.valid_on(day),
        }
        for c in certificates_of(session, listing.id)
    ]
    return {
        "listing": listing,
        "title": pick(listing.title_zh, listing.title_en),
        "path": show.category_path(categories, listing.category),
        "params": show.param_rows(
            show.schema_params(session, listing.category_id, listing.schema_version), listing.params
        ),
        "supplier": session.get(Organisation, listing.supplier_id),
        "size": profile.enterprise_size if profile else None,
        "sme": bool(profile and profile.sme),
        "certificates": certificates,
        "green": any(c["valid"] for c in certificates),
    }


@bp.route("/catalog/listings/<int:listing_id>")
def listing_page(listing_id: int) -> Any:
    """商品详情: specification, price and stock, delivery regions, certificates, supplier, price history."""
    actor = signed_in()
    session = db.session
    listing = listings.get_listing(session, actor, listing_id)
    regions = show.regions_by_id(session)
    history = listings.price_history(session, actor, listing_id)
    rows = []
    for change in history:
        direction = ""
        if change.old_price is not None:
            direction = "up" if change.new_price > change.old_price else "down"
        rows.append({"change": change, "direction": direction})
    return render_template(
        "catalog/listing.html",
        **_listing_facts(listing, show.categories_by_id(session)),
        regions=[regions[r] for r in listing.region_ids if r in regions],
        history=list(reversed(rows)),
        # The last price holds until now: the stepped line runs on to a final point.
        chart=[
            *(
                {"at": clock.local(c.at).strftime("%Y-%m-%d %H:%M"), "price": str(c.new_price)}
                for c in history
            ),
            {"at": _("Now"), "price": str(listing.price)},
        ],
        owner=listing.supplier_id == actor.organisation_id or actor.has(Role.OPERATOR),
        credit=credit.summary(session, listing.supplier_id),
    )


@bp.route("/catalog/compare")
def compare() -> Any:
    """商品对比: up to four listings side by side, parameters aligned by their code."""
    actor = signed_in()
    session = db.session
    ids: list[int] = []
    for part in request.args.get("ids", "").split(","):
        if part.strip().isdigit() and int(part) not in ids:
            ids.append(int(part))
    categories = show.categories_by_id(session)
    columns, missing = [], []
    for listing_id in ids[:MAX_COMPARE]:
        try:
            listing = listings.get_listing(session, actor, listing_id)
        except DomainError:
            missing.append(listing_id)
            continue
        columns.append(_listing_facts(listing, categories))
    codes: list[str] = []
    names: dict[str, list[str]] = {}
    for column in columns:
        column["by_code"] = {row["code"]: row["value"] for row in column["params"]}
        for row in column["params"]:
            if row["code"] not in codes:
                codes.append(row["code"])
            if row["name"] not in names.setdefault(row["code"], []):
                names[row["code"]].append(row["name"])
    param_rows = [
        {
            "name": " / ".join(names[code]),
            "values": [column["by_code"].get(code, "—") for column in columns],
        }
        for code in codes
    ]
    for row in param_rows:
        row["differs"] = len(set(row["values"])) > 1
    return render_template(
        "catalog/compare.html",
        columns=columns,
        param_rows=param_rows,
        missing=missing,
        too_many=len(ids) > MAX_COMPARE,
        ids=[c["listing"].id for c in columns],
    )


# ---------------------------------------------------------------- supplier console


def _supplier_actor() -> Actor:
    actor = signed_in()
    require_supplier(actor)
    return actor


@bp.route("/supplier")
def supplier_console() -> Any:
    """供应商工作台: enrolment status and application, my listings by status, a new listing."""
    actor = _supplier_actor()
    session = db.session
    org = session.get(Organisation, actor.organisation_id)
    profile = session.get(SupplierProfile, org.id)
    status = enrolment.status(session, org.id)
    categories = show.categories_by_id(session)
    leaves = show.leaf_ids(categories)
    enrolled = set(status["category_ids"])
    # A leaf is open to the supplier when it, or a category above it, is enrolled.
    listable = [c for cid, c in categories.items() if cid in leaves and enrolled & set(c.path_ids)]
    applications = list(session.scalars(enrolment.applications_query(actor, None).limit(10)))
    own = list(session.scalars(listings.listings_query(actor, {}).limit(500)))
    groups = [
        {"status": s, "listings": [item for item in own if item.status == s]} for s in STATUSES
    ]
    regions = show.regions_by_id(session)
    return render_template(
        "catalog/supplier.html",
        org=org,
        profile=profile,
        status=status,
        categories=categories,
        leaves=[categories[cid] for cid in sorted(leaves, key=lambda i: categories[i].code)],
        enrolled=enrolled,
        listable=listable,
        applications=applications,
        pending=any(a.status == "pending" for a in applications),
        application_status=lambda s: str(APPLICATION_STATUS.get(s, s)),
        groups=groups,
        total=len(own),
        regions=[(r, show.region_depth(r)) for r in regions.values()],
        sizes=list(show.SIZE_NAMES),
    )


@bp.route("/enrolment")
def enrolment_page() -> Any:
    """Where the navigation's 供应商入驻 leads: the supplier's application or the operator's queue."""
    actor = signed_in()
    if actor.has(Role.OPERATOR):
        return redirect(url_for("catalog_ui.review_queues") + "#enrolment")
    _supplier_actor()
    return redirect(url_for("catalog_ui.supplier_console") + "#enrolment")


# ---------------------------------------------------------------- operator review queues


@bp.route("/operator/review")
def review_queues() -> Any:
    """审核: pending enrolment applications and submitted listings, oldest first."""
    signed_in()
    actor = require_role(Role.OPERATOR)
    session = db.session
    pending = enrolment.applications_query(actor, "pending").order_by(None)
    applications = list(session.scalars(pending.order_by(EnrolmentApplication.id).limit(200)))
    waiting = list(
        session.scalars(
            select(Listing)
            .where(Listing.status == "submitted")
            .order_by(Listing.submitted_at, Listing.id)
            .limit(200)
        )
    )
    categories = show.categories_by_id(session)
    supplier_ids = {a.supplier_id for a in applications} | {item.supplier_id for item in waiting}
    orgs = show.organisations(session, supplier_ids)
    profiles = {
        p.organisation_id: p
        for p in session.scalars(
            select(SupplierProfile).where(SupplierProfile.organisation_id.in_(supplier_ids))
        )
    }
    day = today()
    queue = []
    for item in waiting:
        facts = _listing_facts(item, categories)
        facts["needs_certificate"] = item.category.energy_cert_mandatory and not any(
            c.kind == "energy_saving" and c.valid_on(day) for c in certificates_of(session, item.id)
        )
        queue.append(facts)
    regions = show.regions_by_id(session)
    return render_template(
        "catalog/review.html",
        applications=applications,
        queue=queue,
        orgs=orgs,
        profiles=profiles,
        categories=categories,
        regions=regions,
    )
