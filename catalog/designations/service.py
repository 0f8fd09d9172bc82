"""定点服务 (MALL-2): designated service categories and the suppliers designated to serve them.

The operator marks a category ``designated_service`` (it covers the category's subtree). In such a
category only a supplier with a valid designation — granted by the operator for the category or one
above it, not revoked, and not past its ``valid_until`` date — may list or receive orders.
``check_designated`` is part of the eligibility check (``catalog.enrolment.service.check_eligible``)
that listing and checkout already make. Grants and revocations are on the ledger.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories.models import Category
from catalog.categories.service import require_operator
from catalog.designations.models import Designation
from catalog.enrolment.models import SupplierProfile
from core import clock
from core.accounts.auth import Actor
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from supervision.ledger import record


def today() -> date:
    """Designations run by China's calendar."""
    return clock.local(clock.now()).date()


def is_designated(session: Session, category: Category) -> bool:
    """Whether ``category`` is a designated service category or lies under one."""
    return (
        session.scalar(
            select(Category.id)
            .where(Category.id.in_(category.path_ids), Category.designated_service.is_(True))
            .limit(1)
        )
        is not None
    )


def valid_designation(
    session: Session, supplier_id: int, category: Category, day: date | None = None
) -> Designation | None:
    """The supplier's valid designation covering ``category`` on ``day`` (default today)."""
    day = day or today()
    return session.scalars(
        select(Designation).where(
            Designation.supplier_id == supplier_id,
            Designation.category_id.in_(category.path_ids),
            Designation.revoked_at.is_(None),
            Designation.valid_until >= day,
        )
    ).first()


def check_designated(session: Session, supplier_id: int, category: Category) -> None:
    """Refuse a supplier without a valid designation in a designated service category."""
    if not is_designated(session, category):
        return
    if valid_designation(session, supplier_id, category) is None:
        raise Forbidden(
            "This is a designated service: the supplier holds no valid designation for it.",
            code="not_designated",
            details={"category_id": category.id, "supplier_id": supplier_id},
        )


def _payload(designation: Designation, category: Category) -> dict[str, Any]:
    return {
        "designation_id": designation.id,
        "category_id": category.id,
        "category_code": category.code,
        "valid_until": designation.valid_until,
    }


def grant(
    session: Session, actor: Actor, supplier_id: int, category_id: int, valid_until: date
) -> Designation:
    """授予定点资格 (operators): a new designation, or the renewal of a lapsed or revoked one."""
    require_operator(actor)
    errors: dict[str, list[str]] = {}
    if session.get(SupplierProfile, supplier_id) is None:
        errors["supplier_id"] = ["not an enrolled supplier"]
    category = session.get(Category, category_id)
    if category is None or not category.active:
        errors["category_id"] = ["no such active category"]
    elif not is_designated(session, category):
        errors["category_id"] = ["not a designated service category (定点服务品目)"]
    if valid_until < today():
        errors["valid_until"] = ["must not be in the past"]
    if errors:
        raise ValidationFailed("The designation cannot be granted.", details=errors)
    assert category is not None
    designation = session.scalars(
        select(Designation).where(
            Designation.supplier_id == supplier_id, Designation.category_id == category_id
        )
    ).first()
    if designation is None:
        designation = Designation(supplier_id=supplier_id, category_id=category_id)
        session.add(designation)
    designation.valid_until = valid_until
    designation.granted_at = clock.now()
    designation.granted_by = actor.user_id
    designation.revoked_at = designation.revoked_by = designation.revoke_reason = None
    session.flush()
    record(
        session,
        actor,
        "designation.granted",
        ("organisation", supplier_id),
        _payload(designation, category),
    )
    return designation


def revoke(session: Session, actor: Actor, designation_id: int, reason: str) -> Designation:
    """撤销定点资格 (operators), with a reason; the supplier takes no more orders in the category."""
    require_operator(actor)
    designation = session.get(Designation, designation_id)
    if designation is None:
        raise NotFound("No such designation.")
    if designation.revoked_at is not None:
        raise Conflict("The designation is already revoked.", code="already_revoked")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("A revocation needs a reason.", details={"reason": ["required"]})
    designation.revoked_at = clock.now()
    designation.revoked_by = actor.user_id
    designation.revoke_reason = reason
    session.flush()
    category = session.get(Category, designation.category_id)
    assert category is not None
    record(
        session,
        actor,
        "designation.revoked",
        ("organisation", designation.supplier_id),
        {**_payload(designation, category), "reason": reason},
    )
    return designation


def designations_query(filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """定点供应商名单: designations are public; filtered by supplier, category and validity."""
    query = select(Designation).order_by(Designation.category_id, Designation.supplier_id)
    if filters.get("supplier_id"):
        query = query.where(Designation.supplier_id == filters["supplier_id"])
    if filters.get("category_id"):
        query = query.where(Designation.category_id == filters["category_id"])
    if filters.get("valid_only"):
        query = query.where(Designation.revoked_at.is_(None), Designation.valid_until >= today())
    return query
