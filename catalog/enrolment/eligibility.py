"""Eligibility: whether a supplier may list, bid or be told of an auction in a category — enrolled in it
(or one above), not suspended, designated where the category is a designated service, and an SME
where only SMEs may take part.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, exists, select
from sqlalchemy.orm import Session

from catalog.categories.models import Category
from catalog.designations.models import Designation
from catalog.designations.service import check_designated
from catalog.designations.service import today as designations_today
from catalog.enrolment.models import SME_SIZES, SupplierCategory, SupplierProfile, Suspension
from catalog.enrolment.suspensions import active_suspension
from core import clock
from core.accounts.models import Organisation
from core.errors import Forbidden
from supervision.credit import restrictions


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
    refuse it with; ``sme_only`` adds the SME rule (code ``sme_only``); a credit restriction
    (``supervision.credit.restrictions``) is ``credit_restricted``. Two queries, however many
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
    # 一处失信，处处受约 (SUP-4): a credit restriction keeps an otherwise eligible supplier out.
    for org_id in restrictions.restricted(session, set(ids) - set(problems), now):
        problems[org_id] = "credit_restricted"
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
            code="not_enrolled",
            details={"category_id": category.id},
        )
    suspension = active_suspension(session, supplier_id)
    if suspension is not None:
        raise Forbidden(
            "The supplier is suspended until %(until)s: %(reason)s",
            code="supplier_suspended",
            params={
                "until": f"{clock.local(suspension.ends_at):%Y-%m-%d %H:%M}",
                "reason": suspension.reason,
            },
            details={"until": suspension.ends_at.isoformat()},
        )
    check_designated(session, supplier_id, category)
