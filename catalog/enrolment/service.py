"""Enrolment use cases: apply, decide, suspend, reinstate, and the eligibility check other modules use."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, exists, select
from sqlalchemy.orm import Session

from catalog.categories.models import Category
from catalog.categories.service import require_operator
from catalog.designations.models import Designation
from catalog.designations.service import check_designated
from catalog.designations.service import today as designations_today
from catalog.enrolment.models import (
    SIZES,
    SME_SIZES,
    EnrolmentApplication,
    SupplierCategory,
    SupplierProfile,
    Suspension,
)
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation, Region
from core.accounts.roles import OrgKind, Role
from core.accounts.service import CREDIT_CODE
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from supervision.ledger import record


def require_supplier(
    actor: Actor,
    message: str = "Only suppliers may do this.",
    message_zh: str = "仅供应商可执行此操作。",
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
        raise ValidationFailed(
            "The application is incomplete.", "入驻申请信息有误。", details=errors
        )
    pending = session.scalar(
        select(EnrolmentApplication.id).where(
            EnrolmentApplication.supplier_id == org.id, EnrolmentApplication.status == "pending"
        )
    )
    if pending:
        raise Conflict(
            "An application is already waiting for review.",
            "已有待审核的入驻申请。",
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
        raise NotFound("No such application.", "没有该入驻申请。")
    if actor.user_id is None or actor.has(Role.OPERATOR):  # the system, or an operator
        return application
    if application.supplier_id != actor.organisation_id:
        raise Forbidden("This is another supplier's application.", "无权查看其他供应商的申请。")
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
        raise Conflict("The application was already decided.", "该申请已审核。", code="decided")
    if not approve and not (reason or "").strip():
        raise ValidationFailed(
            "A rejection needs a reason.", "驳回须说明理由。", details={"reason": ["required"]}
        )
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


# ---------------------------------------------------------------- suspension


def active_suspension(
    session: Session, supplier_id: int, at: datetime | None = None
) -> Suspension | None:
    at = at or clock.now()
    return session.scalars(
        select(Suspension)
        .where(
            Suspension.supplier_id == supplier_id,
            Suspension.lifted_at.is_(None),
            Suspension.starts_at <= at,
            Suspension.ends_at > at,
        )
        .order_by(Suspension.ends_at.desc())
    ).first()


def suspend(
    session: Session, actor: Actor, supplier_id: int, reason: str, ends_at: datetime
) -> Suspension:
    require_operator(actor)
    return impose_suspension(session, actor, supplier_id, reason, ends_at)


def impose_suspension(
    session: Session, actor: Actor, supplier_id: int, reason: str, ends_at: datetime, **extra: Any
) -> Suspension:
    """Suspend an enrolled supplier until ``ends_at``, for a caller that has already decided who
    may (an operator, or a dispute ruling); ``extra`` goes on the ledger entry."""
    if session.get(SupplierProfile, supplier_id) is None:
        raise NotFound("No such enrolled supplier.", "该供应商未入驻。")
    now = clock.now()
    if ends_at <= now:
        raise ValidationFailed(
            "The end must be in the future.",
            "暂停截止时间须晚于当前时间。",
            details={"ends_at": ["must be in the future"]},
        )
    if not reason.strip():
        raise ValidationFailed(
            "A reason is required.", "须说明暂停理由。", details={"reason": ["required"]}
        )
    suspension = Suspension(
        supplier_id=supplier_id,
        reason=reason.strip(),
        starts_at=now,
        ends_at=ends_at,
        created_by=actor.user_id,
    )
    session.add(suspension)
    session.flush()
    record(
        session,
        actor,
        "supplier.suspended",
        ("organisation", supplier_id),
        {"reason": suspension.reason, "until": ends_at, "suspension_id": suspension.id, **extra},
    )
    return suspension


def record_reinstatements(session: Session, actor: Actor) -> list[Suspension]:
    """Put on the ledger the suspensions that have ended by themselves (a periodic job)."""
    now = clock.now()
    ended = list(
        session.scalars(
            select(Suspension).where(
                Suspension.ends_at <= now,
                Suspension.reinstated_at.is_(None),
                Suspension.lifted_at.is_(None),
            )
        )
    )
    for suspension in ended:
        suspension.reinstated_at = now
        record(
            session,
            actor,
            "supplier.reinstated",
            ("organisation", suspension.supplier_id),
            {"suspension_id": suspension.id, "ended_at": suspension.ends_at},
        )
    return ended


# ---------------------------------------------------------------- eligibility


def status(session: Session, supplier_id: int) -> dict[str, Any]:
    profile = session.get(SupplierProfile, supplier_id)
    suspension = active_suspension(session, supplier_id) if profile else None
    categories = list(
        session.scalars(
            select(SupplierCategory.category_id).where(SupplierCategory.supplier_id == supplier_id)
        )
    )
    return {
        "organisation_id": supplier_id,
        "enrolled": profile is not None,
        "enterprise_size": profile.enterprise_size if profile else None,
        "sme": bool(profile and profile.sme),
        "category_ids": sorted(categories),
        "suspended_until": suspension.ends_at if suspension else None,
        "suspension_reason": suspension.reason if suspension else None,
    }


def suppliers_in(session: Session, category: Category, sme_only: bool = False) -> list[int]:
    """The suppliers enrolled in the category (or one above it) and not suspended now, and only
    small and medium enterprises when ``sme_only``: who is told of a new auction or volume
    purchase in it (MALL-12; enrolment is the subscription)."""
    ids = session.scalars(
        select(SupplierCategory.supplier_id)
        .where(SupplierCategory.category_id.in_(category.path_ids))
        .distinct()
    ).all()
    now = clock.now()
    suspended = set(
        session.scalars(
            select(Suspension.supplier_id).where(
                Suspension.supplier_id.in_(ids),
                Suspension.lifted_at.is_(None),
                Suspension.starts_at <= now,
                Suspension.ends_at > now,
            )
        )
    )
    out = [i for i in sorted(ids) if i not in suspended]
    if sme_only:
        profiles = {
            p.organisation_id: p
            for p in session.scalars(
                select(SupplierProfile).where(SupplierProfile.organisation_id.in_(out))
            )
        }
        out = [i for i in out if i in profiles and profiles[i].sme]
    return out


@functools.cache
def _eligibility_query() -> Select[Any]:
    """Per supplier (``ids``): enrolled in the category path (``path``), suspended at ``now``,
    whether the path is a designated service, holding a valid designation on ``today``, and its
    enterprise size. Built once; only the parameters change."""
    org = Organisation.__table__

    def path(name: str) -> BindParameter[Any]:
        return bindparam(name, expanding=True)

    enrolled = exists().where(
        SupplierCategory.supplier_id == org.c.id,
        SupplierCategory.category_id.in_(path("path_enrolled")),
    )
    suspended = exists().where(
        Suspension.supplier_id == org.c.id,
        Suspension.lifted_at.is_(None),
        Suspension.starts_at <= bindparam("now_start"),
        Suspension.ends_at > bindparam("now_end"),
    )
    designated_category = exists().where(
        Category.id.in_(path("path_designated")), Category.designated_service.is_(True)
    )
    designated = exists().where(
        Designation.supplier_id == org.c.id,
        Designation.category_id.in_(path("path_designation")),
        Designation.revoked_at.is_(None),
        Designation.valid_until >= bindparam("today"),
    )
    size = (
        select(SupplierProfile.enterprise_size)
        .where(SupplierProfile.organisation_id == org.c.id)
        .scalar_subquery()
    )
    return select(
        org.c.id,
        enrolled.label("enrolled"),
        suspended.label("suspended"),
        designated_category.label("designated_category"),
        designated.label("designated"),
        size.label("size"),
    ).where(org.c.id.in_(bindparam("ids", expanding=True)))


def ineligible(
    session: Session, supplier_ids: set[int], path_ids: Sequence[int], sme_only: bool = False
) -> dict[int, str]:
    """The suppliers among ``supplier_ids`` that may not trade now in the category whose path is
    ``path_ids`` (its ancestors' ids and its own), each with the code ``check_eligible`` would
    refuse it with; ``sme_only`` adds the SME rule (code ``sme_only``). One query, however many
    suppliers: for a batch of bids."""
    ids = sorted(set(supplier_ids))
    if not ids:
        return {}
    now = clock.now()
    path = list(path_ids)
    rows = session.connection().execute(
        _eligibility_query(),
        {
            "ids": ids,
            "path_enrolled": path,
            "path_designated": path,
            "path_designation": path,
            "now_start": now,
            "now_end": now,
            "today": designations_today(),
        },
    )
    problems = dict.fromkeys(ids, "not_enrolled")  # unless its row says otherwise
    for row in rows:
        del problems[row.id]
        if not row.enrolled:
            problems[row.id] = "not_enrolled"
        elif row.suspended:
            problems[row.id] = "supplier_suspended"
        elif row.designated_category and not row.designated:
            problems[row.id] = "not_designated"
        elif sme_only and row.size not in SME_SIZES:
            problems[row.id] = "sme_only"
    return problems


def check_eligible(session: Session, supplier_id: int, category: Category) -> None:
    """Refuse unless the supplier is enrolled in the category (or one above it), not suspended and,
    in a designated service category (定点服务), holds a valid designation for it."""
    enrolled = session.scalar(
        select(SupplierCategory.category_id).where(
            SupplierCategory.supplier_id == supplier_id,
            SupplierCategory.category_id.in_(category.path_ids),
        )
    )
    if enrolled is None:
        raise Forbidden(
            "The supplier is not enrolled in this category.",
            "供应商未入驻该品目。",
            code="not_enrolled",
            details={"category_id": category.id},
        )
    suspension = active_suspension(session, supplier_id)
    if suspension is not None:
        raise Forbidden(
            f"The supplier is suspended until {suspension.ends_at.isoformat()}: {suspension.reason}",
            f"供应商已被暂停至 {clock.local(suspension.ends_at):%Y-%m-%d %H:%M}：{suspension.reason}",
            code="supplier_suspended",
            details={"until": suspension.ends_at.isoformat()},
        )
    check_designated(session, supplier_id, category)
