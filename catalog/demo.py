"""Demo catalog: ~26 leaf categories with parameters, 30 enrolled suppliers (those in designated service
categories designated), 2,000 on-shelf listings."""

from __future__ import annotations

import os
import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.categories import service as categories
from catalog.categories.models import Category
from catalog.certificates import service as certificates
from catalog.demo_data import LEAVES, PARAMS, TREE
from catalog.designations import service as designations
from catalog.enrolment import service as enrolment
from catalog.enrolment.models import EnrolmentApplication
from catalog.halls import service as halls
from catalog.halls.models import Hall
from catalog.listings import service as listings
from catalog.listings.models import Listing
from core.accounts import service as accounts
from core.accounts.auth import SYSTEM, Actor
from core.accounts.models import Organisation, Region
from core.accounts.roles import OrgKind, Role
from core.errors import DomainError

LISTINGS = int(os.environ.get("MALL_DEMO_LISTINGS", "2000"))
SUPPLIERS = 30
SUPPLIER_NAMES = [
    ("呼和浩特", "1501"),
    ("包头", "1502"),
    ("锡林浩特", "152502"),
    ("鄂尔多斯", "15"),
    ("赤峰", "15"),
    ("通辽", "15"),
    ("乌兰察布", "15"),
    ("巴彦淖尔", "15"),
]
TRADES = [
    "科技",
    "商贸",
    "办公设备",
    "信息技术",
    "电子",
    "实业",
    "供应链",
    "家具",
    "农牧业",
    "服务",
]
SIZES = ["large", "medium", "small", "small", "micro", "micro"]
OPERATOR = Actor(user_id=None, username="demo-operator", roles=frozenset({Role.OPERATOR}))


def _supplier_actor(org: Organisation) -> Actor:
    return Actor(
        user_id=None,
        username=f"demo-supplier-{org.id}",
        organisation_id=org.id,
        org_kind=OrgKind.SUPPLIER,
        region_id=org.region_id,
        roles=frozenset({Role.SUPPLIER}),
    )


def _value(rng: random.Random, d: dict[str, Any]) -> Any:
    if d["type"] == "number":
        low, high = Decimal(d["min"]), Decimal(d["max"])
        if low == low.to_integral() and high == high.to_integral():
            if d["unit"] == "GB":  # memory and storage come in the usual sizes
                steps = [
                    v for v in (4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048) if low <= v <= high
                ]
                return rng.choice(steps)
            return rng.randint(int(low), int(high))
        return str((low + (high - low) * Decimal(rng.randint(0, 10)) / 10).quantize(Decimal("0.1")))
    if d["type"] == "enum":
        return rng.choice(d["options"])
    if d["type"] == "multi_enum":
        return rng.sample(d["options"], rng.randint(1, len(d["options"])))
    if d["type"] == "boolean":
        return rng.random() < 0.5
    return "标准"


def _build_tree(session: Session) -> dict[str, Category]:
    existing = {c.code: c for c in session.scalars(select(Category))}
    for code, zh, en, kind, parent, flags in TREE:
        if code not in existing:
            parent_id = existing[parent].id if parent else None
            existing[code] = categories.create_category(
                session,
                OPERATOR,
                {
                    "code": code,
                    "name_zh": zh,
                    "name_en": en,
                    "kind": kind,
                    "parent_id": parent_id,
                    **flags,
                },
            )
    for code, zh, en, parent, flags, params, _brands, _prices in LEAVES:
        if code not in existing:
            kind = existing[parent].kind
            existing[code] = categories.create_category(
                session,
                OPERATOR,
                {
                    "code": code,
                    "name_zh": zh,
                    "name_en": en,
                    "kind": kind,
                    "parent_id": existing[parent].id,
                    **flags,
                },
            )
            categories.set_schema(session, OPERATOR, existing[code].id, PARAMS[params])
    return existing


#: The suppliers of the demo users ``supplier`` and ``supplier.office``.
DEMO_USER_SUPPLIERS = ("91150105MA0000008X", "91150203MA0000009X")
#: The two demo supplier users' sizes: a small enterprise (whose auction prices are evaluated with
#: the SME deduction outside reserved purchases) and a medium one (an SME, ranked as offered).
DEMO_USER_SIZES = {"91150105MA0000008X": "small", "91150203MA0000009X": "medium"}
DESKTOP_CODE = "A02010104"


def _suppliers(session: Session, rng: random.Random, leaves: list[Category]) -> list[Organisation]:
    regions = {r.code: r for r in session.scalars(select(Region))}
    orgs = list(session.scalars(select(Organisation).where(Organisation.kind == OrgKind.SUPPLIER)))
    n = len(orgs)
    while len(orgs) < SUPPLIERS:
        city, region = SUPPLIER_NAMES[n % len(SUPPLIER_NAMES)]
        trade = TRADES[n % len(TRADES)]
        code = f"91150{n:03d}MA{n:08d}X"[:18]
        orgs.append(
            accounts.create_organisation(
                session,
                SYSTEM,
                {
                    "kind": "supplier",
                    "name_zh": f"{city}市{trade}有限公司（{n + 1:02d}）",
                    "name_en": f"{trade} Co. No. {n + 1}",
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
            _supplier_actor(org),
            {
                "licence_no": org.credit_code,
                "enterprise_size": DEMO_USER_SIZES.get(org.credit_code, rng.choice(SIZES)),
                "region_id": org.region_id,
                "category_ids": [c.id for c in chosen],
            },
        )
        enrolment.decide(session, OPERATOR, application.id, True, None)
    return orgs


def _designations(session: Session, suppliers: list[Organisation], leaves: list[Category]) -> int:
    """定点资格 for a year to the suppliers enrolled in designated service categories (vehicle
    repair, printing, …), so that they can list there (MALL-2)."""
    designated = [c for c in leaves if designations.is_designated(session, c)]
    until = designations.today() + timedelta(days=365)
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


def _halls(session: Session, tree: dict[str, Category]) -> int:
    halls_spec = [
        (
            "green",
            "theme",
            "绿色节能产品馆",
            "Green products",
            {"green_only": True},
            "持有有效节能产品或环境标志产品认证的商品。",
        ),
        (
            "sme",
            "theme",
            "中小企业产品馆",
            "SME goods",
            {"sme_only": True},
            "中小微企业供应的商品，落实政府采购支持中小企业政策。",
        ),
        (
            "nmg-agri",
            "theme",
            "内蒙古农牧产品馆",
            "Inner Mongolia farm products",
            {"category_id": tree["A10"].id},
            "来自自治区脱贫地区和农牧区的优质农副产品。",
        ),
        (
            "it",
            "industry",
            "信息化设备馆",
            "IT equipment",
            {"category_id": tree["A0201"].id},
            "计算机、打印机、网络设备等信息化设备。",
        ),
        (
            "furniture",
            "industry",
            "办公家具馆",
            "Office furniture",
            {"category_id": tree["A05"].id},
            "办公桌、办公椅、文件柜等办公家具。",
        ),
    ]
    made = 0
    for position, (slug, kind, zh, en, rule, description) in enumerate(halls_spec):
        if session.scalar(select(Hall.id).where(Hall.slug == slug)) is None:
            halls.create_hall(
                session,
                OPERATOR,
                {
                    "slug": slug,
                    "kind": kind,
                    "name_zh": zh,
                    "name_en": en,
                    "rule": rule,
                    "description_zh": description,
                    "position": position,
                },
            )
            made += 1
    return made


def load(session: Session) -> list[str]:
    rng = random.Random(20261123)
    tree = _build_tree(session)
    _halls(session, tree)
    leaves = [tree[code] for code, *_ in LEAVES]
    suppliers = _suppliers(session, rng, leaves)
    _designations(session, suppliers, leaves)
    have = session.scalar(select(func.count()).select_from(Listing))
    if have >= LISTINGS:
        return [
            f"Catalog: {len(leaves)} leaf categories, {len(suppliers)} suppliers, {have} listings."
        ]
    spec = {code: (brands, prices) for code, _zh, _en, _p, _f, _params, brands, prices in LEAVES}
    by_id = {c.id: c for c in leaves}
    regions = [r.id for r in session.scalars(select(Region).where(Region.level != "county"))]
    today = certificates.today()
    allowed_by_supplier = {
        org.id: [by_id[c] for c in enrolment.status(session, org.id)["category_ids"] if c in by_id]
        for org in suppliers
    }
    made = have
    attempts = 0
    while made < LISTINGS and attempts < LISTINGS * 3:
        attempts += 1
        org = rng.choice(suppliers)
        actor = _supplier_actor(org)
        allowed = allowed_by_supplier[org.id]
        if not allowed:
            continue
        category = rng.choice(allowed)
        brands, (low, high) = spec[category.code]
        brand = rng.choice(brands)
        model = f"{rng.choice('ABCDEFGHKMNPQRSTVXZ')}{rng.randint(100, 9999)}"
        schema = categories.current_schema(session, category.id)
        values = {
            d["code"]: _value(rng, d) for d in schema.params if d["required"] or rng.random() < 0.6
        }
        shown = " ".join(
            str(v) + d["unit"]
            for d in schema.params[:2]
            if (v := values.get(d["code"])) is not None and not isinstance(v, (bool, list))
        )
        price = Decimal(rng.randint(low * 100, high * 100)) / 100
        try:
            listing = listings.create(
                session,
                actor,
                {
                    "category_id": category.id,
                    "title_zh": f"{brand} {model} {category.name_zh} {shown}".strip(),
                    "title_en": f"{brand} {model} {category.name_en}",
                    "brand": brand,
                    "model": model,
                    "params": values,
                    "price": price,
                    "stock": rng.randint(0, 500),
                    "region_ids": rng.sample(regions, rng.randint(1, 3)),
                },
            )
        except DomainError:  # a random duplicate of one the supplier lists already: draw again
            continue
        if category.energy_cert_mandatory or rng.random() < 0.2:
            cert = certificates.register(
                session,
                actor,
                {
                    "kind": "energy_saving" if category.energy_cert_mandatory else "eco_label",
                    "number": f"CQC{listing.id:06d}",
                    "issuer": "中国质量认证中心",
                    "valid_from": today - timedelta(days=rng.randint(30, 700)),
                    "valid_until": today + timedelta(days=rng.randint(60, 1000)),
                },
            )
            certificates.attach(session, actor, listing.id, cert.id)
        listing.sales = rng.randint(0, 300)
        listings.submit(session, actor, listing.id)
        listings.review(session, OPERATOR, listing.id, True, None)
        made += 1
    return [
        f"Catalog: {len(leaves)} leaf categories, {len(suppliers)} suppliers, {made} listings on the shelf."
    ]
