"""Demo catalog: 25 leaf categories with parameters, 30 enrolled suppliers (those in designated service
categories designated), 2,000 on-shelf listings, and 2–3 standard products per leaf category, each
offered by several suppliers whose listings carry six months of price history."""

from __future__ import annotations

import os
import random
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.demo_data import LEAVES
from catalog.demo_steps.common import OPERATOR, backdated
from catalog.demo_steps.price_plan import HISTORY_DAYS, OFFERS, OFFERS_WITH_OUTLIER
from catalog.demo_steps.shelf import shelve, title_en
from catalog.demo_steps.standard import standard_line, standard_listings, standard_products
from catalog.demo_steps.suppliers import (
    DEMO_USER_SIZES,
    DEMO_USER_SUPPLIERS,
    DESKTOP_CODE,
    SIZES,
    SUPPLIERS,
    enrol_suppliers,
    grant_designations,
    supplier_name,
)
from catalog.demo_steps.tree import add_halls, build_tree
from catalog.designations import service as designations
from catalog.listings.models import Listing
from core import clock

__all__ = [
    "DEMO_USER_SIZES",
    "DEMO_USER_SUPPLIERS",
    "DESKTOP_CODE",
    "HISTORY_DAYS",
    "LISTINGS",
    "OFFERS",
    "OFFERS_WITH_OUTLIER",
    "OPERATOR",
    "SIZES",
    "SUPPLIERS",
    "load",
    "supplier_name",
    "title_en",
]

#: Listings on the shelf besides the standard products' (``MALL_DEMO_LISTINGS``; tests set fewer).
LISTINGS = int(os.environ.get("MALL_DEMO_LISTINGS", "2000"))


def load(session: Session) -> list[str]:
    rng = random.Random(20261123)
    # The catalog, its suppliers and their designations (for a year from today) are in place
    # before the months of price history begin.
    until = designations.today() + timedelta(days=365)
    with backdated(clock.now() - timedelta(days=HISTORY_DAYS + 14)):
        tree = build_tree(session)
        add_halls(session, tree)
        leaves = [tree[code] for code, *_ in LEAVES]
        suppliers = enrol_suppliers(session, rng, leaves)
        grant_designations(session, suppliers, leaves, until)
    products = standard_products(session, tree)
    bound = standard_listings(session, random.Random(20261207), products, suppliers)
    have = session.scalar(
        select(func.count()).select_from(Listing).where(Listing.standard_product_id.is_(None))
    )
    if have >= LISTINGS:
        return [
            f"Catalog: {len(leaves)} leaf categories, {len(suppliers)} suppliers, {have} listings.",
            standard_line(products, bound),
        ]
    made = shelve(session, rng, suppliers, leaves, have, LISTINGS)
    return [
        f"Catalog: {len(leaves)} leaf categories, {len(suppliers)} suppliers, {made} listings on the shelf.",
        standard_line(products, bound),
    ]
