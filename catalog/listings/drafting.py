"""Suppliers draft and edit listings: the specification (category, standard product, parameters),
the commercial terms (price, stock) and where it is sold. Price changes are recorded; functions
flush, never commit.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories import parameters
from catalog.categories.models import Category, StandardProduct
from catalog.categories.service import current_schema, is_leaf
from catalog.enrolment.service import check_eligible
from catalog.listings.access import own_listing, supplier_of
from catalog.listings.models import Listing, PriceChange
from catalog.search.indexing import queue_reindex
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Region
from core.errors import Conflict, ValidationFailed
from core.money import cny
from supervision.ledger import record

SPEC_FIELDS = (
    "title_zh",
    "title_en",
    "brand",
    "model",
    "params",
    "category_id",
    "standard_product_id",
)


COMMERCIAL_FIELDS = ("price", "stock")

OTHER_FIELDS = ("region_ids", "sku", "barcode")


def _dedupe_key(brand: str, model: str) -> str:
    return re.sub(r"\s+", "", f"{brand}|{model}").lower()


def _check_common(session: Session, data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if "price" in data and data["price"] <= 0:
        errors["price"] = ["must be above zero (价格须大于零)"]
    if "stock" in data and data["stock"] < 0:
        errors["stock"] = ["must not be negative"]
    if "region_ids" in data:
        ids = set(data["region_ids"])
        found = set(session.scalars(select(Region.id).where(Region.id.in_(ids))))
        if not ids or found != ids:
            errors["region_ids"] = [f"unknown regions: {sorted(ids - found) or 'none given'}"]
    if errors:
        raise ValidationFailed("Some fields are invalid.", details=errors)


def _resolve_spec(
    session: Session, supplier_id: int, data: dict[str, Any]
) -> tuple[Category, int, dict]:
    """Category (a live leaf the supplier may list in), schema version, and checked parameters."""
    category = session.get(Category, data["category_id"])
    if category is None or not category.active:
        raise ValidationFailed("No such active category.", details={"category_id": ["unknown"]})
    if not is_leaf(session, category):
        raise ValidationFailed("List in a leaf category.", details={"category_id": ["not a leaf"]})
    check_eligible(session, supplier_id, category)
    schema = current_schema(session, category.id)
    if schema is None:
        raise Conflict("The category has no parameter schema yet.", code="no_schema")
    values = dict(data.get("params") or {})
    if data.get("standard_product_id") is not None:
        product = session.get(StandardProduct, data["standard_product_id"])
        if product is None or product.category_id != category.id or not product.active:
            raise ValidationFailed(
                "The standard product is not of this category.",
                details={"standard_product_id": ["not in this category"]},
            )
        values = {**product.params, **values}
        if any(values[k] != v for k, v in product.params.items()):
            raise ValidationFailed(
                "Parameters fixed by the standard product cannot differ.",
                details={"params": ["differs from the standard product"]},
            )
    return category, schema.version, parameters.check_values(schema.params, values)


def _refuse_duplicate(
    session: Session, supplier_id: int, key: str, barcode: str | None, own_id: int | None
) -> None:
    query = select(Listing.id).where(
        Listing.supplier_id == supplier_id,
        Listing.status.in_(("draft", "submitted", "approved", "rejected")),
    )
    clash = select(Listing.id).where(Listing.dedupe_key == key)
    if barcode:
        clash = select(Listing.id).where((Listing.dedupe_key == key) | (Listing.barcode == barcode))
    query = query.where(Listing.id.in_(clash))
    if own_id is not None:
        query = query.where(Listing.id != own_id)
    existing = session.scalar(query)
    if existing:
        raise Conflict(
            "You already list this product.",
            code="duplicate_listing",
            details={"listing_id": existing},
        )


def create(session: Session, actor: Actor, data: dict[str, Any]) -> Listing:
    supplier_id = supplier_of(actor)
    _check_common(session, data)
    category, version, values = _resolve_spec(session, supplier_id, data)
    key = _dedupe_key(data["brand"], data["model"])
    _refuse_duplicate(session, supplier_id, key, data.get("barcode"), None)
    listing = Listing(
        supplier_id=supplier_id,
        category_id=category.id,
        schema_version=version,
        standard_product_id=data.get("standard_product_id"),
        title_zh=data["title_zh"].strip(),
        title_en=(data.get("title_en") or data["title_zh"]).strip(),
        brand=data["brand"].strip(),
        model=data["model"].strip(),
        params=values,
        price=cny(data["price"]),
        stock=data["stock"],
        region_ids=sorted(set(data["region_ids"])),
        sku=data.get("sku"),
        barcode=data.get("barcode"),
        dedupe_key=key,
        status="draft",
    )
    session.add(listing)
    session.flush()
    session.add(
        PriceChange(
            listing_id=listing.id,
            old_price=None,
            new_price=listing.price,
            actor_user_id=actor.user_id,
        )
    )
    record(session, actor, "listing.created", ("listing", listing.id), _payload(listing))
    return listing


def _payload(listing: Listing) -> dict[str, Any]:
    return {
        "supplier_id": listing.supplier_id,
        "category_id": listing.category_id,
        "schema_version": listing.schema_version,
        "title_zh": listing.title_zh,
        "brand": listing.brand,
        "model": listing.model,
        "params": listing.params,
        "price": listing.price,
        "stock": listing.stock,
        "status": listing.status,
    }


def update(session: Session, actor: Actor, listing_id: int, data: dict[str, Any]) -> Listing:
    """Edit a listing. On shelf, price and stock change at once (and are recorded); a change of
    specification sends the listing back to review."""
    supplier_id = supplier_of(actor)
    listing = own_listing(session, actor, listing_id)
    _check_common(session, data)
    changes: dict[str, Any] = {}
    spec_changed = False
    if set(data) & set(SPEC_FIELDS):
        merged = {
            "category_id": data.get("category_id", listing.category_id),
            "standard_product_id": data.get("standard_product_id", listing.standard_product_id),
            "params": data.get("params", listing.params),
        }
        category, version, values = _resolve_spec(session, supplier_id, merged)
        for name, value in (
            ("category_id", category.id),
            ("schema_version", version),
            ("standard_product_id", merged["standard_product_id"]),
            ("params", values),
            ("title_zh", data.get("title_zh", listing.title_zh)),
            ("title_en", data.get("title_en", listing.title_en)),
            ("brand", data.get("brand", listing.brand)),
            ("model", data.get("model", listing.model)),
        ):
            if getattr(listing, name) != value:
                changes[name] = value
                setattr(listing, name, value)
                spec_changed = spec_changed or name != "schema_version"
        listing.dedupe_key = _dedupe_key(listing.brand, listing.model)
    for name in OTHER_FIELDS:
        if name in data and getattr(listing, name) != data[name]:
            value = sorted(set(data[name])) if name == "region_ids" else data[name]
            changes[name] = value
            setattr(listing, name, value)
    _refuse_duplicate(session, supplier_id, listing.dedupe_key, listing.barcode, listing.id)
    if "price" in data and cny(data["price"]) != listing.price:
        old, new = listing.price, cny(data["price"])
        listing.price = new
        session.add(
            PriceChange(
                listing_id=listing.id, old_price=old, new_price=new, actor_user_id=actor.user_id
            )
        )
        record(
            session,
            actor,
            "listing.price_changed",
            ("listing", listing.id),
            {"old": old, "new": new, "status": listing.status},
        )
    if "stock" in data and data["stock"] != listing.stock:
        record(
            session,
            actor,
            "listing.stock_changed",
            ("listing", listing.id),
            {"old": listing.stock, "new": data["stock"]},
        )
        listing.stock = data["stock"]
    if changes:
        if spec_changed and listing.status == "approved":
            listing.status = "submitted"
            listing.submitted_at = clock.now()
            changes["status"] = "submitted"
        record(session, actor, "listing.updated", ("listing", listing.id), changes)
    listing.updated_at = clock.now()
    session.flush()
    queue_reindex(session, listing.id)
    return listing
