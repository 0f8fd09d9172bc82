"""The demo suppliers: their names, their enrolment in a few leaf categories each, and 定点资格 in the
designated service categories they enrolled in.
"""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories.models import Category
from catalog.demo_data import SUPPLIER_CITIES, SUPPLIER_MARKS, SUPPLIER_TRADES
from catalog.demo_steps.common import OPERATOR, supplier_actor
from catalog.designations import service as designations
from catalog.enrolment import service as enrolment
from catalog.enrolment.models import EnrolmentApplication
from core.accounts import service as accounts
from core.accounts.auth import SYSTEM
from core.accounts.models import Organisation, Region
from core.accounts.roles import OrgKind

SUPPLIERS = 30

SIZES = ["large", "medium", "small", "small", "micro", "micro"]


def supplier_name(n: int) -> tuple[str, str | None, str]:
    """The ``n``-th demo supplier's Chinese name, its English name (two in three registered one;
    the others have none and are shown by their Chinese name) and its region code."""
    city_zh, city_en, region = SUPPLIER_CITIES[n % len(SUPPLIER_CITIES)]
    trade_zh, trade_en = SUPPLIER_TRADES[n % len(SUPPLIER_TRADES)]
    mark_zh, mark_en = SUPPLIER_MARKS[n % len(SUPPLIER_MARKS)]
    name_zh = f"{city_zh}{mark_zh}{trade_zh}有限公司"
    name_en = None if n % 3 == 2 else f"{city_en} {mark_en} {trade_en} Co., Ltd."
    return name_zh, name_en, region


#: The suppliers of the demo users ``supplier`` and ``supplier.office``.
DEMO_USER_SUPPLIERS = ("91150105MA0000008X", "91150203MA0000009X")

#: The two demo supplier users' sizes: a small enterprise (whose auction prices are evaluated with
#: the SME deduction outside reserved purchases) and a medium one (an SME, ranked as offered).
DEMO_USER_SIZES = {"91150105MA0000008X": "small", "91150203MA0000009X": "medium"}

DESKTOP_CODE = "A02010104"


def supplier_code(n: int) -> str:
    """The ``n``-th demo supplier's credit code."""
    return f"91150{n:03d}MA{n:08d}X"[:18]


#: The credit codes of every demo supplier: the demo users' two and those the demo registers. Only
#: these are the demo's: suppliers that registered themselves are left as they are.
DEMO_CODES = frozenset(DEMO_USER_SUPPLIERS) | {supplier_code(n) for n in range(SUPPLIERS)}


def enrol_suppliers(
    session: Session, rng: random.Random, leaves: list[Category]
) -> list[Organisation]:
    regions = {r.code: r for r in session.scalars(select(Region))}
    orgs = list(
        session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.SUPPLIER, Organisation.credit_code.in_(DEMO_CODES))
            .order_by(Organisation.id)
        )
    )
    n = len(orgs)
    while len(orgs) < SUPPLIERS:
        name_zh, name_en, region = supplier_name(n)
        code = supplier_code(n)
        orgs.append(
            accounts.create_organisation(
                session,
                SYSTEM,
                {
                    "kind": "supplier",
                    "name_zh": name_zh,
                    "name_en": name_en,
                    "credit_code": code,
                    "region_id": regions[region].id,
                },
            )
        )
        n += 1
    waiting = set(
        session.scalars(
            select(EnrolmentApplication.supplier_id).where(EnrolmentApplication.status == "pending")
        )
    )
    for org in orgs:
        # Enrolled already, or registered and waiting for an operator's decision: not the demo's.
        if org.id in waiting or enrolment.status(session, org.id)["enrolled"]:
            continue
        chosen = rng.sample(leaves, rng.randint(3, 8))
        # The two demo supplier users both sell desktop computers, so a demo auction in that
        # category has two bidders who can sign in.
        desktop = next((c for c in leaves if c.code == DESKTOP_CODE), None)
        if org.credit_code in DEMO_USER_SUPPLIERS and desktop and desktop not in chosen:
            chosen.append(desktop)
        application = enrolment.apply(
            session,
            supplier_actor(org),
            {
                "licence_no": org.credit_code,
                "enterprise_size": DEMO_USER_SIZES.get(org.credit_code, rng.choice(SIZES)),
                "region_id": org.region_id,
                "category_ids": [c.id for c in chosen],
            },
        )
        enrolment.decide(session, OPERATOR, application.id, True, None)
    return orgs


def grant_designations(
    session: Session, suppliers: list[Organisation], leaves: list[Category], until: date
) -> int:
    """定点资格 until ``until`` to the suppliers enrolled in designated service categories (vehicle
    repair, printing, …), so that they can list there (MALL-2)."""
    designated = [c for c in leaves if designations.is_designated(session, c)]
    granted = 0
    for org in suppliers:
        enrolled = set(enrolment.status(session, org.id)["category_ids"])
        for category in designated:
            if category.id not in enrolled:
                continue
            if designations.valid_designation(session, org.id, category) is None:
                designations.grant(session, OPERATOR, org.id, category.id, until)
                granted += 1
    return granted
