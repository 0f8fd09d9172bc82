"""Enrolment applications: a supplier applies for categories, an operator approves or rejects. Functions
flush, never commit; every decision goes on the ledger.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories.models import Category
from catalog.categories.service import require_operator
from catalog.enrolment.models import SIZES, EnrolmentApplication, SupplierCategory, SupplierProfile
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation, Region
from core.accounts.roles import OrgKind, Role
from core.accounts.service import CREDIT_CODE
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.messages import N_
from supervision.ledger import record


def require_supplier(
    actor: Actor,
    message: str = N_("Only suppliers may do this."),
    message_zh: str | None = None,
) -> int:
    """The actor's supplier organisation id; refused unless a supplier user of a supplier."""
    if actor.org_kind != OrgKind.SUPPLIER or not actor.has(Role.SUPPLIER):
        raise Forbidden(message, message_zh, code="supplier_only")
    assert actor.organisation_id is not None
    return actor.organisation_id


def _supplier_org(session: Session, actor: Actor) -> Organisation:
    return session.get(Organisation, require_supplier(actor))


def apply(session: Session, actor: Actor, data: dict[str, Any]) -> EnrolmentApplication:
    """A supplier applies (or applies for more categories) at any time."""
    org = _supplier_org(session, actor)
    errors: dict[str, list[str]] = {}
    licence = data["licence_no"].strip().upper()
    if not CREDIT_CODE.match(licence):
        errors["licence_no"] = ["not an 18-character unified social credit code"]
    if data["enterprise_size"] not in SIZES:
        errors["enterprise_size"] = [f"one of {', '.join(SIZES)}"]
    if session.get(Region, data["region_id"]) is None:
        errors["region_id"] = ["no such region"]
    ids = sorted(set(data["category_ids"]))
    found = set(
        session.scalars(
            select(Category.id).where(Category.id.in_(ids), Category.retired_at.is_(None))
        )
    )
    if not ids or found != set(ids):
        errors["category_ids"] = [f"unknown or retired: {sorted(set(ids) - found) or 'none given'}"]
    if errors:
        raise ValidationFailed("The application is incomplete.", details=errors)
    pending = session.scalar(
        select(EnrolmentApplication.id).where(
            EnrolmentApplication.supplier_id == org.id, EnrolmentApplication.status == "pending"
        )
    )
    if pending:
        raise Conflict(
            "An application is already waiting for review.",
            code="application_pending",
            details={"application_id": pending},
        )
    application = EnrolmentApplication(
        supplier_id=org.id,
        licence_no=licence,
        enterprise_size=data["enterprise_size"],
        region_id=data["region_id"],
        category_ids=ids,
        status="pending",
    )
    session.add(application)
    session.flush()
    record(
        session,
        actor,
        "enrolment.applied",
        ("enrolment", application.id),
        {"supplier_id": org.id, "size": application.enterprise_size, "category_ids": ids},
    )
    return application


def get_application(session: Session, actor: Actor, application_id: int) -> EnrolmentApplication:
    application = session.get(EnrolmentApplication, application_id)
    if application is None:
        raise NotFound("No such application.")
    if actor.user_id is None or actor.has(Role.OPERATOR):  # the system, or an operator
        return application
    if application.supplier_id != actor.organisation_id:
        raise Forbidden("This is another supplier's application.")
    return application


def applications_query(actor: Actor, status: str | None):  # type: ignore[no-untyped-def]
    query = select(EnrolmentApplication).order_by(EnrolmentApplication.id.desc())
    if not actor.has(Role.OPERATOR):
        query = query.where(EnrolmentApplication.supplier_id == actor.organisation_id)
    if status:
        query = query.where(EnrolmentApplication.status == status)
    return query


def decide(
    session: Session, actor: Actor, application_id: int, approve: bool, reason: str | None
) -> EnrolmentApplication:
    require_operator(actor)
    application = get_application(session, actor, application_id)
    if application.status != "pending":
        raise Conflict("The application was already decided.", code="decided")
    if not approve and not (reason or "").strip():
        raise ValidationFailed("A rejection needs a reason.", details={"reason": ["required"]})
    application.status = "approved" if approve else "rejected"
    application.reason = (reason or "").strip() or None
    application.decided_by = actor.user_id
    application.decided_at = clock.now()
    if approve:
        profile = session.get(SupplierProfile, application.supplier_id)
        if profile is None:
            profile = SupplierProfile(organisation_id=application.supplier_id)
            session.add(profile)
        profile.licence_no = application.licence_no
        profile.enterprise_size = application.enterprise_size
        profile.region_id = application.region_id
        have = set(
            session.scalars(
                select(SupplierCategory.category_id).where(
                    SupplierCategory.supplier_id == application.supplier_id
                )
            )
        )
        for category_id in application.category_ids:
            if category_id not in have:
                session.add(
                    SupplierCategory(supplier_id=application.supplier_id, category_id=category_id)
                )
    session.flush()
    record(
        session,
        actor,
        "enrolment.approved" if approve else "enrolment.rejected",
        ("enrolment", application.id),
        {"supplier_id": application.supplier_id, "reason": application.reason},
    )
    return application
