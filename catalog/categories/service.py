"""Category, parameter-schema and standard-product use cases. Operators change; everyone reads."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.categories import parameters
from catalog.categories.models import KINDS, Category, ParameterSchema, StandardProduct
from core import clock
from core.accounts.auth import Actor
from core.accounts.roles import Role
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from supervision.ledger import record

CODE = re.compile(r"^[A-Z][0-9A-Z]{0,19}$")


def require_operator(actor: Actor) -> None:
    if actor.user_id is not None and not actor.has(Role.OPERATOR):
        raise Forbidden("Only operators may do this.", code="operator_only")


def get_category(session: Session, category_id: int) -> Category:
    category = session.get(Category, category_id)
    if category is None:
        raise NotFound("No such category.")
    return category


def list_categories(session: Session, include_retired: bool = False) -> list[Category]:
    query = select(Category).order_by(Category.code)
    if not include_retired:
        query = query.where(Category.retired_at.is_(None))
    return list(session.scalars(query))


def subtree_ids(session: Session, category: Category) -> list[int]:
    return list(session.scalars(select(Category.id).where(Category.path.startswith(category.path))))


def is_leaf(session: Session, category: Category) -> bool:
    return not session.scalar(
        select(func.count())
        .select_from(Category)
        .where(Category.parent_id == category.id, Category.retired_at.is_(None))
    )


def _payload(c: Category) -> dict[str, Any]:
    return {
        "code": c.code,
        "name_zh": c.name_zh,
        "name_en": c.name_en,
        "kind": c.kind,
        "parent_id": c.parent_id,
        "sme_suitable": c.sme_suitable,
        "energy_cert_mandatory": c.energy_cert_mandatory,
        "designated_service": c.designated_service,
    }


def _parent(session: Session, parent_id: int | None, kind: str) -> Category | None:
    if parent_id is None:
        return None
    parent = session.get(Category, parent_id)
    if parent is None or not parent.active:
        raise ValidationFailed(
            "No such active parent category.",
            details={"parent_id": ["no such active category"]},
        )
    if parent.kind != kind:
        raise ValidationFailed(
            "A category must have its parent's kind (goods, works or services).",
            details={"kind": [f"parent is {parent.kind}"]},
        )
    return parent


def create_category(session: Session, actor: Actor, data: dict[str, Any]) -> Category:
    require_operator(actor)
    code = data["code"].strip().upper()
    if not CODE.match(code):
        raise ValidationFailed(
            "A category code is a capital letter and up to 19 letters or digits (e.g. A02010104).",
            details={"code": ["bad format"]},
        )
    if data["kind"] not in KINDS:
        raise ValidationFailed("Unknown kind.", details={"kind": ["unknown"]})
    if session.scalar(select(Category.id).where(Category.code == code)):
        raise Conflict("This category code exists.", code="duplicate_code")
    parent = _parent(session, data.get("parent_id"), data["kind"])
    category = Category(
        code=code,
        name_zh=data["name_zh"],
        name_en=data.get("name_en") or data["name_zh"],
        kind=data["kind"],
        parent_id=parent.id if parent else None,
        path="",
        sme_suitable=data.get("sme_suitable", False),
        energy_cert_mandatory=data.get("energy_cert_mandatory", False),
        designated_service=data.get("designated_service", False),
    )
    session.add(category)
    session.flush()
    category.path = f"{parent.path if parent else '/'}{category.id}/"
    record(session, actor, "category.created", ("category", category.id), _payload(category))
    return category


def update_category(
    session: Session, actor: Actor, category_id: int, data: dict[str, Any]
) -> Category:
    """Rename, change flags, or move under another parent (the subtree moves with it)."""
    require_operator(actor)
    category = get_category(session, category_id)
    if not category.active:
        raise Conflict("The category is retired.", code="retired")
    changes: dict[str, Any] = {}
    for name in (
        "name_zh",
        "name_en",
        "sme_suitable",
        "energy_cert_mandatory",
        "designated_service",
    ):
        if name in data and data[name] != getattr(category, name):
            changes[name] = data[name]
            setattr(category, name, data[name])
    if "parent_id" in data and data["parent_id"] != category.parent_id:
        parent = _parent(session, data["parent_id"], category.kind)
        if parent is not None and parent.path.startswith(category.path):
            raise ValidationFailed(
                "A category cannot move under itself.",
                details={"parent_id": ["inside the moved subtree"]},
            )
        old_path = category.path
        new_path = f"{parent.path if parent else '/'}{category.id}/"
        for node in session.scalars(select(Category).where(Category.path.startswith(old_path))):
            node.path = new_path + node.path[len(old_path) :]
        category.parent_id = parent.id if parent else None
        changes["parent_id"] = category.parent_id
    if changes:
        session.flush()
        record(session, actor, "category.updated", ("category", category.id), changes)
    return category


def retire_category(session: Session, actor: Actor, category_id: int) -> Category:
    """停用: refused while the category or any below it has live listings or active children."""
    from catalog.listings.models import LIVE_STATUSES, Listing

    require_operator(actor)
    category = get_category(session, category_id)
    if not category.active:
        return category
    if not is_leaf(session, category):
        raise Conflict("Retire the sub-categories first.", code="has_children")
    live = session.scalar(
        select(func.count())
        .select_from(Listing)
        .where(Listing.category_id == category.id, Listing.status.in_(LIVE_STATUSES))
    )
    if live:
        raise Conflict(
            "The category has %(live)s live listings; take them off the shelf first.",
            code="has_live_listings",
            params={"live": live},
            details={"live_listings": live},
        )
    category.retired_at = clock.now()
    record(session, actor, "category.retired", ("category", category.id), {"code": category.code})
    return category


# ---------------------------------------------------------------- parameter schemas


def current_schema(session: Session, category_id: int) -> ParameterSchema | None:
    return session.scalars(
        select(ParameterSchema)
        .where(ParameterSchema.category_id == category_id)
        .order_by(ParameterSchema.version.desc())
    ).first()


def schema_version(session: Session, category_id: int, version: int) -> ParameterSchema:
    found = session.scalars(
        select(ParameterSchema).where(
            ParameterSchema.category_id == category_id, ParameterSchema.version == version
        )
    ).first()
    if found is None:
        raise NotFound("No such schema version.")
    return found


def set_schema(
    session: Session, actor: Actor, category_id: int, params: list[dict[str, Any]]
) -> ParameterSchema:
    """Publish a new version of the category's parameters; existing listings keep theirs."""
    require_operator(actor)
    category = get_category(session, category_id)
    if not category.active:
        raise Conflict("The category is retired.", code="retired")
    definitions = parameters.check_definitions(params)
    previous = current_schema(session, category.id)
    if previous is not None and previous.params == definitions:
        return previous
    schema = ParameterSchema(
        category_id=category.id,
        version=(previous.version + 1) if previous else 1,
        params=definitions,
    )
    session.add(schema)
    session.flush()
    record(
        session,
        actor,
        "category.schema_published",
        ("category", category.id),
        {"version": schema.version, "params": definitions},
    )
    return schema


# ---------------------------------------------------------------- standard products


def create_standard_product(
    session: Session, actor: Actor, data: dict[str, Any]
) -> StandardProduct:
    require_operator(actor)
    category = get_category(session, data["category_id"])
    schema = current_schema(session, category.id)
    if schema is None or not category.active:
        raise Conflict("The category has no parameter schema.", code="no_schema")
    if session.scalar(select(StandardProduct.id).where(StandardProduct.code == data["code"])):
        raise Conflict("This product code exists.", code="duplicate_code")
    values = parameters.check_values(schema.params, data.get("params") or {})
    product = StandardProduct(
        code=data["code"],
        category_id=category.id,
        schema_version=schema.version,
        name_zh=data["name_zh"],
        name_en=data.get("name_en") or data["name_zh"],
        params=values,
        active=True,
    )
    session.add(product)
    session.flush()
    record(
        session,
        actor,
        "standard_product.created",
        ("standard_product", product.id),
        {"code": product.code, "category_id": category.id, "params": values},
    )
    return product


def get_standard_product(session: Session, product_id: int) -> StandardProduct:
    product = session.get(StandardProduct, product_id)
    if product is None:
        raise NotFound("No such standard product.")
    return product


def list_standard_products(
    session: Session, category_id: int | None = None
) -> list[StandardProduct]:
    query = select(StandardProduct).where(StandardProduct.active.is_(True))
    if category_id is not None:
        category = get_category(session, category_id)
        query = query.join(Category).where(Category.path.startswith(category.path))
    return list(session.scalars(query.order_by(StandardProduct.code)))
