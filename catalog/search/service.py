"""Turning API arguments into a SearchQuery, and the backend's ids back into listings with labels."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalog.search.base import SearchBackend, SearchQuery
from catalog.search.common import MAX_RESULT_WINDOW, parse_range
from core.errors import ValidationFailed


def to_query(args: dict[str, Any]) -> SearchQuery:
    params: dict[str, list[str]] = {}
    for item in args.get("param", []):
        code, _, value = item.partition(":")
        try:
            parse_range(value)
        except ValueError as error:
            raise ValidationFailed(
                f"The range {value!r} of {code} is not valid: use low..high, low.. or ..high "
                "with numbers, low not above high.",
                f"参数 {code} 的范围 {value!r} 无效：请写成 最小值..最大值、最小值.. 或 ..最大值，"
                "最小值不得大于最大值。",
                code="invalid_range",
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
            "最低价高于最高价。",
            details={"price_min": ["above price_max"]},
        )
    page, per_page = args.get("page", 1), args.get("per_page", 20)
    if page * per_page > MAX_RESULT_WINDOW:
        raise ValidationFailed(
            f"Only the first {MAX_RESULT_WINDOW} results can be paged to; narrow the search.",
            f"仅可翻阅前 {MAX_RESULT_WINDOW} 条结果，请缩小检索范围。",
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
    """Result cards for on-shelf listings, in the order of ``ids``."""
    from catalog.certificates.service import green_listing_ids
    from catalog.enrolment.models import SME_SIZES, SupplierProfile
    from catalog.listings.models import Listing
    from core.accounts.models import Organisation

    rows = {
        listing.id: listing
        for listing in session.scalars(
            select(Listing)
            .where(Listing.id.in_(ids), Listing.status == "approved")
            .options(selectinload(Listing.images))  # the first image of each card, in one query
        )
    }
    ordered = [rows[i] for i in ids if i in rows]
    suppliers = {r.supplier_id for r in ordered}
    names = {
        org_id: (zh, en)
        for org_id, zh, en in session.execute(
            select(Organisation.id, Organisation.name_zh, Organisation.name_en).where(
                Organisation.id.in_(suppliers)
            )
        )
    }
    sme = set(
        session.scalars(
            select(SupplierProfile.organisation_id).where(
                SupplierProfile.organisation_id.in_(suppliers),
                SupplierProfile.enterprise_size.in_(SME_SIZES),
            )
        )
    )
    green = green_listing_ids(session, list(rows))
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
            "supplier_name": names.get(r.supplier_id, ("", ""))[0],
            "supplier_name_en": names.get(r.supplier_id, ("", ""))[1],
            "sme": r.supplier_id in sme,
            "green": r.id in green,
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
    categories = {
        str(cid): (zh, en)
        for cid, zh, en in session.execute(select(Category.id, Category.name_zh, Category.name_en))
    }
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
