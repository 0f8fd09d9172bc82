"""Standard products and their listings: defined by the operator, then listed, approved and repriced
over the last months, each event recorded at its time.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.categories import service as categories
from catalog.categories.models import Category, StandardProduct
from catalog.certificates import service as certificates
from catalog.demo_data import LEAVES, PRICE_DRIFT, STANDARD_PRODUCTS
from catalog.demo_steps.common import OPERATOR, backdated, supplier_actor
from catalog.demo_steps.price_plan import HISTORY_DAYS, Offer, plan_offers
from catalog.demo_steps.shelf import title_en
from catalog.enrolment import service as enrolment
from catalog.listings import service as listings
from catalog.listings.models import Listing, PriceChange
from catalog.search.indexing import queue_reindex
from core import clock
from core.accounts.models import Organisation, Region
from core.errors import DomainError
from supervision.ledger import Entry, record_many


def standard_line(products: list[StandardProduct], bound: int) -> str:
    return (
        f"Standard products: {len(products)}, {bound} listings bound to them "
        f"with {HISTORY_DAYS // 30} months of price history."
    )


def standard_products(session: Session, tree: dict[str, Category]) -> list[StandardProduct]:
    """The standard products of ``STANDARD_PRODUCTS``, defined by the operator before the history
    of their listings begins."""
    existing = {p.code: p for p in session.scalars(select(StandardProduct))}
    made = []
    with backdated(clock.now() - timedelta(days=HISTORY_DAYS + 7)):
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


def standard_listings(
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
    regions = [
        r.id
        for r in session.scalars(select(Region).where(Region.level != "county").order_by(Region.id))
    ]
    offers: list[Offer] = []
    for n, product in enumerate(products):
        category = product.category
        drift = next(v for k, v in PRICE_DRIFT.items() if category.code.startswith(k))
        offers += plan_offers(
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
    events: list[tuple[datetime, int, Offer, Decimal | None]] = []
    for offer in offers:
        events.append((offer.listed_at, 0, offer, None))
        events.append((offer.listed_at + timedelta(hours=rng.randint(2, 5)), 1, offer, None))
        events += [(at, 2, offer, price) for at, price in offer.prices[1:]]
    events.sort(key=lambda event: (event[0], event[1]))
    made = 0
    repricing: list[tuple[Offer, Decimal]] = []
    for n, (at, kind, offer, price) in enumerate(events):
        if kind == 2:
            repricing.append((offer, price))  # type: ignore[arg-type]
            following = events[n + 1] if n + 1 < len(events) else None
            if following is None or following[1] != 2 or following[0].date() != at.date():
                with backdated(at):
                    _reprice(session, repricing)
                repricing = []
            continue
        with backdated(at):
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


def _reprice(session: Session, changes: list[tuple[Offer, Decimal]]) -> None:
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
                supplier_actor(offer.supplier),
                "listing.price_changed",
                ("listing", offer.listing_id),
                {"old": offer.current, "new": price, "status": "approved"},
            )
        )
        offer.current, offer.changed_at = price, now
    record_many(session, entries)


def _list_offer(
    session: Session, rng: random.Random, offer: Offer, regions: list[int]
) -> int | None:
    actor = supplier_actor(offer.supplier)
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
