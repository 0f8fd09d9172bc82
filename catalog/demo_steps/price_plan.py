"""The planned price history of the standard products' listings: who offers each product, since when,
and at what prices over the months of demo history.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from catalog.categories.models import StandardProduct
from core import clock
from core.accounts.models import Organisation
from core.money import cny

#: Months of price history behind the standard products' listings.
HISTORY_DAYS = 183

#: Listings of each standard product; five where one supplier's price runs away from the others,
#: so that the interquartile fences of the spread single it out.
OFFERS = 3

OFFERS_WITH_OUTLIER = 5


@dataclass
class Offer:
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


def working_time(rng: random.Random, day: datetime) -> datetime:
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


def plan_offers(
    rng: random.Random,
    product: StandardProduct,
    reference: int,
    drift: float,
    suppliers: list[Organisation],
    brands: list[str],
    start: datetime,
    outlier: bool,
) -> list[Offer]:
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
        listed = working_time(rng, start + timedelta(days=rng.randint(0, 20)))
        offer = Offer(
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
            offer.prices.append((working_time(rng, at), price_at(at)))
            at += timedelta(days=rng.randint(30, 70))
        if rng.random() < 0.35:  # a promotion: 8–15 % off for two or three weeks
            begins = listed + timedelta(days=rng.randint(30, HISTORY_DAYS - 40))
            ends = begins + timedelta(days=rng.randint(14, 21))
            if ends < now:
                cut = 1 - rng.uniform(0.08, 0.15)
                inside = [p for at, p in offer.prices if at <= begins][-1]
                offer.prices = [(at, p) for at, p in offer.prices if not begins <= at <= ends]
                offer.prices.append((working_time(rng, begins), _round_price(float(inside) * cut)))
                offer.prices.append((working_time(rng, ends), price_at(ends)))
        if outlier and n == 0:  # in the last two months this one asks 40–60 % above the rest
            jump = now - timedelta(days=rng.randint(10, 60))
            offer.prices = [(at, p) for at, p in offer.prices if at < jump]
            offer.prices.append(
                (
                    working_time(rng, jump),
                    _round_price(float(price_at(jump)) * rng.uniform(1.4, 1.6)),
                )
            )
        offer.prices.sort(key=lambda item: item[0])
        offers.append(offer)
    return offers
