"""Turning API arguments into a SearchQuery, and the backend's ids back into listings with labels."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.categories.models import Category
from catalog.certificates.queries import green_clause
from catalog.enrolment.models import SME_SIZES, SupplierProfile
from catalog.listings.models import Listing, ListingImage
from catalog.search.base import SearchBackend, SearchQuery
from catalog.search.common import MAX_RESULT_WINDOW, parse_range
from core.accounts.models import Organisation
from core.errors import ValidationFailed


def to_query(args: dict[str, Any]) -> SearchQuery:
    params: dict[str, list[str]] = {}
    for item in args.get("param", []):
        code, _, value = item.partition(":")
        try:
            parse_range(value)
        except ValueError as error:
            raise ValidationFailed(
                "The range %(value)r of %(code)s is not valid: use low..high, low.. or ..high "
                "with numbers, low not above high.",
                code="invalid_range",
                params={"value": value, "code": code},
                details={"param": [str(error)]},
            ) from error
        params.setdefault(code, []).append(value)
    if (
        args.get("price_min") is not None
        and args.get("price_max") is not None
        and args["price_min"] > args["price_max"]
    ):
        raise ValidationFailed(
            "The lowest price is above the highest.",
            details={"price_min": ["above price_max"]},
        )
    page, per_page = args.get("page", 1), args.get("per_page", 20)
    if page * per_page > MAX_RESULT_WINDOW:
        raise ValidationFailed(
            "Only the first %(n)s results can be paged to; narrow the search.",
            params={"n": MAX_RESULT_WINDOW},
            details={"page": [f"page × per_page must not exceed {MAX_RESULT_WINDOW}"]},
        )
    return SearchQuery(
        text=args.get("q", "").strip(),
        category_id=args.get("category_id"),
        price_min=args.get("price_min"),
        price_max=args.get("price_max"),
        brands=tuple(args.get("brand", [])),
        params={code: tuple(values) for code, values in params.items()},
        sme_only=args.get("sme_only", False),
        green_only=args.get("green_only", False),
        region_id=args.get("region_id"),
        sort=args.get("sort", "relevance"),
        page=page,
        per_page=per_page,
    )


def listings_by_ids(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    """Result cards for on-shelf listings, in the order of ``ids``: one query for the listings with
    their supplier's names, SME size, green mark and first image."""
    if not ids:
        return []
    first_image = (
        select(func.min(ListingImage.id))
        .where(ListingImage.listing_id == Listing.id)
        .correlate(Listing)
        .scalar_subquery()
    )
    rows = {
        row.id: row
        for row in session.execute(
            select(
                Listing.id,
                Listing.status,
                Listing.title_zh,
                Listing.title_en,
                Listing.brand,
                Listing.model,
                Listing.category_id,
                Listing.price,
                Listing.sales,
                Listing.supplier_id,
                Listing.params,
                Organisation.name_zh.label("supplier_name"),
                Organisation.name_en.label("supplier_name_en"),
                SupplierProfile.enterprise_size,
                green_clause(Listing.id).label("green"),
                first_image.label("image_id"),
            )
            .join(Organisation, Organisation.id == Listing.supplier_id)
            .outerjoin(SupplierProfile, SupplierProfile.organisation_id == Listing.supplier_id)
            # By primary key alone: with "status = 'approved'" in the WHERE clause SQLite's planner
            # takes the status index and reads every listing on the shelf.
            .where(Listing.id.in_(ids))
        )
        if row.status == "approved"
    }
    return [
        {
            "id": r.id,
            "title_zh": r.title_zh,
            "title_en": r.title_en,
            "brand": r.brand,
            "model": r.model,
            "category_id": r.category_id,
            "price": r.price,
            "sales": r.sales,
            "supplier_id": r.supplier_id,
            "supplier_name": r.supplier_name or "",
            "supplier_name_en": r.supplier_name_en or "",
            "sme": r.enterprise_size in SME_SIZES,
            "green": bool(r.green),
            "params": r.params,
            "image_url": f"/api/catalog/listings/{r.id}/images/{r.image_id}"
            if r.image_id is not None
            else None,
        }
        for r in (rows[i] for i in ids if i in rows)
    ]


def search(session: Session, backend: SearchBackend, args: dict[str, Any]) -> dict[str, Any]:
    query = to_query(args)
    result = backend.search(query)
    items = listings_by_ids(session, result.ids)
    shown = [int(c.value) for c in result.facets.get("category", ()) if c.value.isdigit()]
    categories = (
        {
            str(cid): (zh, en)
            for cid, zh, en in session.execute(
                select(Category.id, Category.name_zh, Category.name_en).where(
                    Category.id.in_(shown)
                )
            )
        }
        if shown
        else {}
    )
    facets = {}
    for name, counts in result.facets.items():
        facets[name] = [
            {
                "value": c.value,
                "label": categories.get(c.value, (c.value,))[0] if name == "category" else c.value,
                "label_en": categories.get(c.value, (c.value, c.value))[1]
                if name == "category"
                else c.value,
                "count": c.count,
            }
            for c in counts
        ]
    return {
        "items": items,
        "total": result.total,
        "page": query.page,
        "per_page": query.per_page,
        "facets": facets,
        "backend": backend.name,
    }
