"""The demo's everyday listings: random brands, models, parameters and prices in each supplier's
categories, some with certificates, submitted and approved.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories import service as categories
from catalog.categories.models import Category
from catalog.certificates import service as certificates
from catalog.demo_data import BRANDS_EN, LEAVES
from catalog.demo_steps.common import OPERATOR, supplier_actor
from catalog.enrolment import service as enrolment
from catalog.listings import service as listings
from core.accounts.models import Organisation, Region
from core.errors import DomainError


def title_en(brand: str, model: str, what_en: str) -> str | None:
    """An English title when the brand has an English name; else none (the Chinese one is shown)."""
    brand_en = BRANDS_EN.get(brand)
    return f"{brand_en} {model} {what_en}" if brand_en else None


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


def shelve(
    session: Session,
    rng: random.Random,
    suppliers: list[Organisation],
    leaves: list[Category],
    have: int,
    wanted: int,
) -> int:
    """Random listings in the suppliers' categories until ``wanted`` are on the shelf (``have`` are
    already); each submitted and approved, some with a certificate. Returns how many there are."""
    spec = {code: (brands, prices) for code, _zh, _en, _p, _f, _params, brands, prices in LEAVES}
    by_id = {c.id: c for c in leaves}
    regions = [
        r.id
        for r in session.scalars(select(Region).where(Region.level != "county").order_by(Region.id))
    ]
    today = certificates.today()
    allowed_by_supplier = {
        org.id: [by_id[c] for c in enrolment.status(session, org.id)["category_ids"] if c in by_id]
        for org in suppliers
    }
    made = have
    attempts = 0
    while made < wanted and attempts < wanted * 3:
        attempts += 1
        org = rng.choice(suppliers)
        actor = supplier_actor(org)
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
                    "title_en": title_en(brand, model, category.name_en),
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
    return made
