"""Turning API arguments into a SearchQuery, and the backend's ids back into listings with labels."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.search.base import SearchBackend, SearchQuery
from catalog.search.indexing import iter_documents
from core.errors import ValidationFailed


def to_query(args: dict[str, Any]) -> SearchQuery:
    params: dict[str, list[str]] = {}
    for item in args.get("param", []):
        code, _, value = item.partition(":")
        params.setdefault(code, []).append(value)
    if (
        args.get("price_min") is not None
        and args.get("price_max") is not None
        and args["price_min"] > args["price_max"]
    ):
        raise ValidationFailed(
            "The lowest price is above the highest.",
            "最低价高于最高价。",
            details={"price_min": ["above price_max"]},
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
        page=args.get("page", 1),
        per_page=args.get("per_page", 20),
    )


def listings_by_ids(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    """Result cards for on-shelf listings, in the order of ``ids``."""
    from catalog.listings.models import Listing
    from core.accounts.models import Organisation

    rows = {
        listing.id: listing
        for listing in session.scalars(
            select(Listing).where(Listing.id.in_(ids), Listing.status == "approved")
        )
    }
    ordered = [rows[i] for i in ids if i in rows]
    documents = {d.id: d for d in iter_documents(session, ordered)}
    names = dict(
        session.execute(
            select(Organisation.id, Organisation.name_zh).where(
                Organisation.id.in_({r.supplier_id for r in ordered})
            )
        ).all()
    )
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
            "supplier_name": names.get(r.supplier_id, ""),
            "sme": documents[r.id].sme,
            "green": documents[r.id].green,
            "params": r.params,
            "image_url": f"/api/catalog/listings/{r.id}/images/{r.images[0].id}"
            if r.images
            else None,
        }
        for r in ordered
    ]


def search(session: Session, backend: SearchBackend, args: dict[str, Any]) -> dict[str, Any]:
    from catalog.categories.models import Category

    query = to_query(args)
    result = backend.search(query)
    items = listings_by_ids(session, result.ids)
    categories = dict(session.execute(select(Category.id, Category.name_zh)).all())
    facets = {}
    for name, counts in result.facets.items():
        facets[name] = [
            {
                "value": c.value,
                "label": categories.get(int(c.value), c.value) if name == "category" else c.value,
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
