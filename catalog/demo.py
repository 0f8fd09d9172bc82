"""Demo catalog: 25 leaf categories with parameters, 30 enrolled suppliers (those in designated service
categories designated), 2,000 on-shelf listings, and 2–3 standard products per leaf category, each
offered by several suppliers whose listings carry six months of price history."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.categories import service as categories
from catalog.categories.models import Category, StandardProduct
from catalog.certificates import service as certificates
from catalog.demo_data import (
    BRANDS_EN,
    LEAVES,
    PARAMS,
    PRICE_DRIFT,
    STANDARD_PRODUCTS,
    SUPPLIER_CITIES,
    SUPPLIER_MARKS,
    SUPPLIER_TRADES,
    TREE,
)
from catalog.designations import service as designations
from catalog.enrolment import service as enrolment
from catalog.enrolment.models import EnrolmentApplication
from catalog.halls import service as halls
from catalog.halls.models import Hall
from catalog.listings import service as listings
from catalog.listings.models import Listing, PriceChange
from catalog.search.indexing import queue_reindex
from core import clock
from core.accounts import service as accounts
from core.accounts.auth import SYSTEM, Actor
from core.accounts.models import Organisation, Region
from core.accounts.roles import OrgKind, Role
from core.errors import DomainError
from core.money import cny
from supervision.ledger import Entry, record_many

LISTINGS = int(os.environ.get("MALL_DEMO_LISTINGS", "2000"))
SUPPLIERS = 30
SIZES = ["large", "medium", "small", "small", "micro", "micro"]
OPERATOR = Actor(user_id=None, username="demo-operator", roles=frozenset({Role.OPERATOR}))


def supplier_name(n: int) -> tuple[str, str | None, str]:
    """The ``n``-th demo supplier's Chinese name, its English name (two in three registered one;
    the others have none and are shown by their Chinese name) and its region code."""
    city_zh, city_en, region = SUPPLIER_CITIES[n % len(SUPPLIER_CITIES)]
    trade_zh, trade_en = SUPPLIER_TRADES[n % len(SUPPLIER_TRADES)]
    mark_zh, mark_en = SUPPLIER_MARKS[n % len(SUPPLIER_MARKS)]
    name_zh = f"{city_zh}{mark_zh}{trade_zh}有限公司"
    name_en = None if n % 3 == 2 else f"{city_en} {mark_en} {trade_en} Co., Ltd."
    return name_zh, name_en, region


def title_en(brand: str, model: str, what_en: str) -> str | None:
    """An English title when the brand has an English name; else none (the Chinese one is shown)."""
    brand_en = BRANDS_EN.get(brand)
    return f"{brand_en} {model} {what_en}" if brand_en else None


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
        name_zh, name_en, region = supplier_name(n)
        code = f"91150{n:03d}MA{n:08d}X"[:18]
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


def _designations(
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


def _halls(session: Session, tree: dict[str, Category]) -> int:
    halls_spec = [
        (
            "green",
            "theme",
            "绿色节能产品馆",
            "Green products",
            {"green_only": True},
            "持有有效节能产品或环境标志产品认证的商品。",
            "Products holding a valid energy-saving or eco-label certificate.",
        ),
        (
            "sme",
            "theme",
            "中小企业产品馆",
            "SME goods",
            {"sme_only": True},
            "中小微企业供应的商品，落实政府采购支持中小企业政策。",
            "Goods from small, medium and micro enterprises, under the policy of reserving public "
            "purchases for them.",
        ),
        (
            "nmg-agri",
            "theme",
            "内蒙古农牧产品馆",
            "Inner Mongolia farm products",
            {"category_id": tree["A10"].id},
            "来自自治区脱贫地区和农牧区的优质农副产品。",
            "Farm and pastoral products from the region's formerly poor and rural areas.",
        ),
        (
            "it",
            "industry",
            "信息化设备馆",
            "IT equipment",
            {"category_id": tree["A0201"].id},
            "计算机、打印机、网络设备等信息化设备。",
            "Computers, printers, network equipment and other IT equipment.",
        ),
        (
            "furniture",
            "industry",
            "办公家具馆",
            "Office furniture",
            {"category_id": tree["A05"].id},
            "办公桌、办公椅、文件柜等办公家具。",
            "Office desks, chairs, filing cabinets and other office furniture.",
        ),
    ]
    made = 0
    for position, (slug, kind, zh, en, rule, description, description_en) in enumerate(halls_spec):
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
                    "description_en": description_en,
                    "position": position,
                },
            )
            made += 1
    return made


def load(session: Session) -> list[str]:
    rng = random.Random(20261123)
    # The catalog, its suppliers and their designations (for a year from today) are in place
    # before the months of price history begin.
    until = designations.today() + timedelta(days=365)
    with _backdated(clock.now() - timedelta(days=HISTORY_DAYS + 14)):
        tree = _build_tree(session)
        _halls(session, tree)
        leaves = [tree[code] for code, *_ in LEAVES]
        suppliers = _suppliers(session, rng, leaves)
        _designations(session, suppliers, leaves, until)
    products = _standard_products(session, tree)
    bound = _standard_listings(session, random.Random(20261207), products, suppliers)
    have = session.scalar(
        select(func.count()).select_from(Listing).where(Listing.standard_product_id.is_(None))
    )
    if have >= LISTINGS:
        return [
            f"Catalog: {len(leaves)} leaf categories, {len(suppliers)} suppliers, {have} listings.",
            _standard_line(products, bound),
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
    return [
        f"Catalog: {len(leaves)} leaf categories, {len(suppliers)} suppliers, {made} listings on the shelf.",
        _standard_line(products, bound),
    ]


# ---------------------------------------------------------------- standard products and price history

#: Months of price history behind the standard products' listings.
HISTORY_DAYS = 183
#: Listings of each standard product; five where one supplier's price runs away from the others,
#: so that the interquartile fences of the spread single it out.
OFFERS = 3
OFFERS_WITH_OUTLIER = 5


def _standard_line(products: list[StandardProduct], bound: int) -> str:
    return (
        f"Standard products: {len(products)}, {bound} listings bound to them "
        f"with {HISTORY_DAYS // 30} months of price history."
    )


def _standard_products(session: Session, tree: dict[str, Category]) -> list[StandardProduct]:
    """The standard products of ``STANDARD_PRODUCTS``, defined by the operator before the history
    of their listings begins."""
    existing = {p.code: p for p in session.scalars(select(StandardProduct))}
    made = []
    with _backdated(clock.now() - timedelta(days=HISTORY_DAYS + 7)):
        for leaf, items in STANDARD_PRODUCTS.items():
            for code, zh, en, params, _price in items:
                product = existing.get(code)
                if product is None:
                    product = categories.create_standard_product(
                        session,
                        OPERATOR,
                        {
                            "code": code,
                            "category_id": tree[leaf].id,
                            "name_zh": zh,
                            "name_en": en,
                            "params": params,
                        },
                    )
                made.append(product)
    return made


@contextmanager
def _backdated(at: datetime) -> Iterator[None]:
    """Run with the clock stopped at ``at`` (events of the demo's past are recorded when they
    happened); the clock is as it was afterwards."""
    before = clock._frozen
    clock.freeze(at)
    try:
        yield
    finally:
        if before is None:
            clock.unfreeze()
        else:
            clock.freeze(before)


@dataclass
class _Offer:
    """One supplier's listing of a standard product and the prices it will have had."""

    product: StandardProduct
    supplier: Organisation
    brand: str
    model: str
    listed_at: datetime
    prices: list[tuple[datetime, Decimal]] = field(default_factory=list)
    listing_id: int | None = None
    #: The price in force and since when, as the history is written.
    current: Decimal | None = None
    changed_at: datetime | None = None


def _working_time(rng: random.Random, day: datetime) -> datetime:
    """A moment in office hours (09:00–18:00 Shanghai, 01:00–10:00 UTC) of ``day``'s date."""
    start = day.replace(hour=1, minute=0, second=0, microsecond=0)
    return start + timedelta(minutes=rng.randint(0, 9 * 60 - 1), seconds=rng.randint(0, 59))


def _round_price(value: float) -> Decimal:
    """A price as suppliers set them: whole tens above a thousand, whole yuan above a hundred."""
    if value >= 1000:
        return cny(Decimal(round(value / 10) * 10))
    if value >= 100:
        return cny(Decimal(round(value)))
    return cny(Decimal(str(round(value, 1))))


def _plan(
    rng: random.Random,
    product: StandardProduct,
    reference: int,
    drift: float,
    suppliers: list[Organisation],
    brands: list[str],
    start: datetime,
    outlier: bool,
) -> list[_Offer]:
    """Who offers the product, since when, and at what prices: a common drift of the market, each
    supplier's own level, rounding as suppliers price, an occasional promotion of a few weeks,
    and for some products one supplier whose price runs away from the others."""
    now = clock.now()
    span = (now - start).total_seconds()
    wanted = OFFERS_WITH_OUTLIER if outlier else OFFERS
    chosen = rng.sample(suppliers, min(len(suppliers), wanted))
    # Where few suppliers are enrolled, a dealer offers the product of a second brand too.
    chosen += [chosen[n % len(chosen)] for n in range(wanted - len(chosen))] if chosen else []
    brands_left = {id(s): list(brands) for s in chosen}
    offers = []
    for n, supplier in enumerate(chosen):
        level = 1 + rng.uniform(-0.07, 0.09)
        brand = rng.choice(brands_left[id(supplier)])
        brands_left[id(supplier)].remove(brand)
        listed = _working_time(rng, start + timedelta(days=rng.randint(0, 20)))
        offer = _Offer(
            product=product,
            supplier=supplier,
            brand=brand,
            model=f"{rng.choice('ABCDEFGHKMNPQRSTVXZ')}{rng.randint(100, 9999)}",
            listed_at=listed,
        )

        def price_at(at: datetime, level: float = level) -> Decimal:
            done = (at - start).total_seconds() / span
            noise = 1 + rng.uniform(-0.015, 0.015)
            return _round_price(reference * level * (1 + drift * done) * noise)

        offer.prices.append((listed, price_at(listed)))
        # Price reviews every one to two months.
        at = listed + timedelta(days=rng.randint(30, 70))
        while at < now - timedelta(days=2):
            offer.prices.append((_working_time(rng, at), price_at(at)))
            at += timedelta(days=rng.randint(30, 70))
        if rng.random() < 0.35:  # a promotion: 8–15 % off for two or three weeks
            begins = listed + timedelta(days=rng.randint(30, HISTORY_DAYS - 40))
            ends = begins + timedelta(days=rng.randint(14, 21))
            if ends < now:
                cut = 1 - rng.uniform(0.08, 0.15)
                inside = [p for at, p in offer.prices if at <= begins][-1]
                offer.prices = [(at, p) for at, p in offer.prices if not begins <= at <= ends]
                offer.prices.append((_working_time(rng, begins), _round_price(float(inside) * cut)))
                offer.prices.append((_working_time(rng, ends), price_at(ends)))
        if outlier and n == 0:  # in the last two months this one asks 40–60 % above the rest
            jump = now - timedelta(days=rng.randint(10, 60))
            offer.prices = [(at, p) for at, p in offer.prices if at < jump]
            offer.prices.append(
                (
                    _working_time(rng, jump),
                    _round_price(float(price_at(jump)) * rng.uniform(1.4, 1.6)),
                )
            )
        offer.prices.sort(key=lambda item: item[0])
        offers.append(offer)
    return offers


def _standard_listings(
    session: Session,
    rng: random.Random,
    products: list[StandardProduct],
    suppliers: list[Organisation],
) -> int:
    """Listings bound to the standard products over the last months, each event at its time: listed
    and approved through the listing use cases, then repriced a day at a time with the price
    history rows and ledger entries a supplier's price change leaves."""
    bound = session.scalar(
        select(func.count()).select_from(Listing).where(Listing.standard_product_id.is_not(None))
    )
    if bound:
        return bound
    start = clock.now() - timedelta(days=HISTORY_DAYS)
    spec = {code: (brands, price) for code, _zh, _en, _p, _f, _params, brands, price in LEAVES}
    references = {code: price for items in STANDARD_PRODUCTS.values() for code, *_, price in items}
    enrolled: dict[int, list[Organisation]] = {}
    for org in suppliers:
        for category_id in enrolment.status(session, org.id)["category_ids"]:
            enrolled.setdefault(category_id, []).append(org)
    regions = [r.id for r in session.scalars(select(Region).where(Region.level != "county"))]
    offers: list[_Offer] = []
    for n, product in enumerate(products):
        category = product.category
        drift = next(v for k, v in PRICE_DRIFT.items() if category.code.startswith(k))
        offers += _plan(
            rng,
            product,
            references[product.code],
            drift,
            enrolled.get(category.id, []),
            spec[category.code][0],
            start,
            outlier=n % 5 == 1,
        )
    # Every event in the order it happened: listing, approval a few hours later, price changes.
    events: list[tuple[datetime, int, _Offer, Decimal | None]] = []
    for offer in offers:
        events.append((offer.listed_at, 0, offer, None))
        events.append((offer.listed_at + timedelta(hours=rng.randint(2, 5)), 1, offer, None))
        events += [(at, 2, offer, price) for at, price in offer.prices[1:]]
    events.sort(key=lambda event: (event[0], event[1]))
    made = 0
    repricing: list[tuple[_Offer, Decimal]] = []
    for n, (at, kind, offer, price) in enumerate(events):
        if kind == 2:
            repricing.append((offer, price))  # type: ignore[arg-type]
            following = events[n + 1] if n + 1 < len(events) else None
            if following is None or following[1] != 2 or following[0].date() != at.date():
                with _backdated(at):
                    _reprice(session, repricing)
                repricing = []
            continue
        with _backdated(at):
            if kind == 0:
                offer.listing_id = _list_offer(session, rng, offer, regions)
                made += offer.listing_id is not None
            elif offer.listing_id is not None:
                listings.review(session, OPERATOR, offer.listing_id, True, None)
                offer.current = offer.prices[0][1]
    for offer in offers:
        if offer.listing_id is not None and offer.changed_at is not None:
            listing = session.get(Listing, offer.listing_id)
            listing.price, listing.updated_at = offer.current, offer.changed_at
            queue_reindex(session, listing.id)
    return made


def _reprice(session: Session, changes: list[tuple[_Offer, Decimal]]) -> None:
    """A day's price changes, recorded as ``listings.update`` records one — a price history row and
    a ledger entry — here appended together at the day's time. The listings take their last
    price once the history is written."""
    now = clock.now()
    entries = []
    for offer, price in changes:
        if offer.listing_id is None or offer.current == price:
            continue
        session.add(
            PriceChange(
                listing_id=offer.listing_id, old_price=offer.current, new_price=price, at=now
            )
        )
        entries.append(
            Entry(
                _supplier_actor(offer.supplier),
                "listing.price_changed",
                ("listing", offer.listing_id),
                {"old": offer.current, "new": price, "status": "approved"},
            )
        )
        offer.current, offer.changed_at = price, now
    record_many(session, entries)


def _list_offer(
    session: Session, rng: random.Random, offer: _Offer, regions: list[int]
) -> int | None:
    actor = _supplier_actor(offer.supplier)
    product = offer.product
    category = product.category
    try:
        listing = listings.create(
            session,
            actor,
            {
                "category_id": category.id,
                "standard_product_id": product.id,
                "title_zh": f"{offer.brand} {offer.model} {product.name_zh}",
                "title_en": title_en(offer.brand, offer.model, product.name_en),
                "brand": offer.brand,
                "model": offer.model,
                "params": {},
                "price": offer.prices[0][1],
                "stock": rng.randint(20, 500),
                "region_ids": rng.sample(regions, rng.randint(1, 3)),
            },
        )
    except DomainError:  # the supplier lists this brand and model already
        return None
    if category.energy_cert_mandatory:
        today = certificates.today()
        cert = certificates.register(
            session,
            actor,
            {
                "kind": "energy_saving",
                "number": f"CQC{listing.id:06d}",
                "issuer": "中国质量认证中心",
                "valid_from": today - timedelta(days=rng.randint(30, 400)),
                "valid_until": today + timedelta(days=HISTORY_DAYS + rng.randint(200, 900)),
            },
        )
        certificates.attach(session, actor, listing.id, cert.id)
    listing.sales = rng.randint(0, 300)
    listings.submit(session, actor, listing.id)
    return listing.id
