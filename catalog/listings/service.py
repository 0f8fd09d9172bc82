"""Listing use cases. Suppliers draft, edit and submit; operators review; price changes are recorded."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories import parameters
from catalog.categories.models import Category, StandardProduct
from catalog.categories.service import current_schema, is_leaf, require_operator
from catalog.enrolment.service import check_eligible, require_supplier
from catalog.listings.models import LIVE_STATUSES, CatalogSetting, Listing, PriceChange
from catalog.search.indexing import queue_reindex
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Region
from core.accounts.roles import OrgKind, Role
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
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
DEFAULT_TERM_DAYS = 365


def _dedupe_key(brand: str, model: str) -> str:
    return re.sub(r"\s+", "", f"{brand}|{model}").lower()


def term_days(session: Session) -> int:
    row = session.get(CatalogSetting, "listing_term_days")
    return int(row.value) if row else DEFAULT_TERM_DAYS


def set_term_days(session: Session, actor: Actor, days: int) -> int:
    require_operator(actor)
    if not 1 <= days <= 3650:
        raise ValidationFailed(
            "The term is 1 to 3650 days.", "上架期限为 1–3650 天。", details={"days": ["1..3650"]}
        )
    row = session.get(CatalogSetting, "listing_term_days")
    if row is None:
        session.add(CatalogSetting(key="listing_term_days", value=str(days)))
    else:
        row.value = str(days)
    record(
        session, actor, "catalog.term_set", ("catalog_setting", "listing_term_days"), {"days": days}
    )
    return days


def _supplier(actor: Actor) -> int:
    return require_supplier(actor, "Only suppliers list goods.", "仅供应商可发布商品。")


def get_listing(
    session: Session, actor: Actor, listing_id: int, for_update: bool = False
) -> Listing:
    """A listing the actor may see: on-shelf ones for everyone; others for their supplier and operators."""
    listing = session.get(Listing, listing_id, with_for_update=for_update)
    if listing is None:
        raise NotFound("No such listing.", "没有该商品。")
    if listing.status == "approved" and not for_update:
        return listing
    if listing.supplier_id == actor.organisation_id or actor.has(Role.OPERATOR):
        return listing
    if listing.status != "approved":
        raise NotFound("No such listing.", "没有该商品。")
    raise Forbidden("This is another supplier's listing.", "无权修改其他供应商的商品。")


def _own(session: Session, actor: Actor, listing_id: int) -> Listing:
    """The actor's own listing, locked: stock and price are contested with checkouts, and the lock
    is taken before any ledger append (the order every writer follows)."""
    listing = session.get(Listing, listing_id, with_for_update=True, populate_existing=True)
    if listing is None:
        raise NotFound("No such listing.", "没有该商品。")
    if listing.supplier_id != actor.organisation_id:
        raise Forbidden("This is another supplier's listing.", "无权修改其他供应商的商品。")
    return listing


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
        raise ValidationFailed("Some fields are invalid.", "部分字段不符合要求。", details=errors)


def _resolve_spec(
    session: Session, supplier_id: int, data: dict[str, Any]
) -> tuple[Category, int, dict]:
    """Category (a live leaf the supplier may list in), schema version, and checked parameters."""
    category = session.get(Category, data["category_id"])
    if category is None or not category.active:
        raise ValidationFailed(
            "No such active category.", "品目不存在或已停用。", details={"category_id": ["unknown"]}
        )
    if not is_leaf(session, category):
        raise ValidationFailed(
            "List in a leaf category.", "请选择末级品目。", details={"category_id": ["not a leaf"]}
        )
    check_eligible(session, supplier_id, category)
    schema = current_schema(session, category.id)
    if schema is None:
        raise Conflict(
            "The category has no parameter schema yet.", "该品目尚无标准参数。", code="no_schema"
        )
    values = dict(data.get("params") or {})
    if data.get("standard_product_id") is not None:
        product = session.get(StandardProduct, data["standard_product_id"])
        if product is None or product.category_id != category.id or not product.active:
            raise ValidationFailed(
                "The standard product is not of this category.",
                "标准商品与品目不符。",
                details={"standard_product_id": ["not in this category"]},
            )
        values = {**product.params, **values}
        if any(values[k] != v for k, v in product.params.items()):
            raise ValidationFailed(
                "Parameters fixed by the standard product cannot differ.",
                "不得更改标准商品的固定参数。",
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
            "您已发布过该商品，请勿重复上架。",
            code="duplicate_listing",
            details={"listing_id": existing},
        )


def create(session: Session, actor: Actor, data: dict[str, Any]) -> Listing:
    supplier_id = _supplier(actor)
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
    supplier_id = _supplier(actor)
    listing = _own(session, actor, listing_id)
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


def _transition(
    session: Session, actor: Actor, listing: Listing, to: str, action: str, **payload: Any
) -> Listing:
    listing.status = to
    listing.updated_at = clock.now()
    session.flush()
    record(session, actor, action, ("listing", listing.id), {"status": to, **payload})
    queue_reindex(session, listing.id)
    return listing


def submit(session: Session, actor: Actor, listing_id: int) -> Listing:
    supplier_id = _supplier(actor)
    listing = _own(session, actor, listing_id)
    if listing.status not in ("draft", "rejected", "off_shelf", "lapsed"):
        raise Conflict(
            f"A listing that is {listing.status} cannot be submitted.",
            "当前状态不能提交审核。",
            code="bad_status",
        )
    check_eligible(session, supplier_id, listing.category)
    listing.submitted_at = clock.now()
    return _transition(session, actor, listing, "submitted", "listing.submitted")


def review(
    session: Session, actor: Actor, listing_id: int, approve: bool, note: str | None
) -> Listing:
    """审核: the operator approves (on shelf for the configured term) or rejects with a reason."""
    require_operator(actor)
    listing = session.get(Listing, listing_id)
    if listing is None:
        raise NotFound("No such listing.", "没有该商品。")
    if listing.status != "submitted":
        raise Conflict(
            "Only submitted listings are reviewed.", "仅待审核商品可审核。", code="bad_status"
        )
    note = (note or "").strip() or None
    if not approve:
        if not note:
            raise ValidationFailed(
                "A rejection needs a reason.", "驳回须说明理由。", details={"note": ["required"]}
            )
        listing.review_note = note
        return _transition(session, actor, listing, "rejected", "listing.rejected", reason=note)
    from catalog.certificates.service import check_mandatory_certificate

    check_mandatory_certificate(session, listing)
    now = clock.now()
    listing.review_note = note
    listing.approved_at = now
    listing.expires_at = now + timedelta(days=term_days(session))
    return _transition(
        session, actor, listing, "approved", "listing.approved", expires_at=listing.expires_at
    )


def take_off_shelf(session: Session, actor: Actor, listing_id: int, reason: str | None) -> Listing:
    listing = session.get(Listing, listing_id)
    if listing is None:
        raise NotFound("No such listing.", "没有该商品。")
    if listing.supplier_id != actor.organisation_id and not actor.has(Role.OPERATOR):
        raise Forbidden("This is another supplier's listing.", "无权下架其他供应商的商品。")
    if listing.status not in LIVE_STATUSES:
        raise Conflict("The listing is not on the shelf.", "该商品不在架上。", code="bad_status")
    return _transition(session, actor, listing, "off_shelf", "listing.off_shelf", reason=reason)


def renew(session: Session, actor: Actor, listing_id: int) -> Listing:
    """续期: extend an on-shelf listing by the configured term from today."""
    _supplier(actor)
    listing = _own(session, actor, listing_id)
    if listing.status != "approved":
        raise Conflict(
            "Only on-shelf listings are renewed.", "仅在架商品可续期。", code="bad_status"
        )
    listing.expires_at = clock.now() + timedelta(days=term_days(session))
    session.flush()
    record(
        session,
        actor,
        "listing.renewed",
        ("listing", listing.id),
        {"expires_at": listing.expires_at},
    )
    return listing


def lapse_expired(session: Session, actor: Actor) -> list[Listing]:
    """A periodic job: listings past their term leave the shelf."""
    now = clock.now()
    expired = list(
        session.scalars(
            select(Listing).where(Listing.status == "approved", Listing.expires_at <= now)
        )
    )
    for listing in expired:
        _transition(
            session, actor, listing, "lapsed", "listing.lapsed", expired_at=listing.expires_at
        )
    return expired


def price_history(session: Session, actor: Actor, listing_id: int) -> list[PriceChange]:
    get_listing(session, actor, listing_id)
    return list(
        session.scalars(
            select(PriceChange).where(PriceChange.listing_id == listing_id).order_by(PriceChange.id)
        )
    )


def listings_query(actor: Actor, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Own listings for a supplier; all (review queue) for operators; on-shelf ones for others."""
    query = select(Listing).order_by(Listing.id.desc())
    if actor.has(Role.OPERATOR):
        pass
    elif actor.org_kind == OrgKind.SUPPLIER:
        query = query.where(Listing.supplier_id == actor.organisation_id)
    else:
        query = query.where(Listing.status == "approved")
    if filters.get("status"):
        query = query.where(Listing.status == filters["status"])
    if filters.get("category_id"):
        query = query.where(Listing.category_id == filters["category_id"])
    return query
