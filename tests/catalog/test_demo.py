"""``flask demo load`` builds a realistic catalog and is safe to run twice (CAT, demo data): standard
products in every leaf category with listings of several suppliers bound to them and half a year of
price history (CAT-2, SUP-3), and names in English only where there is a real English name (X-3)."""

import re
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

from sqlalchemy import func, select

from catalog import demo
from catalog.categories.models import Category, ParameterSchema, StandardProduct
from catalog.demo_data import LEAVES, STANDARD_PRODUCTS
from catalog.demo_steps.suppliers import DEMO_CODES
from catalog.enrolment.models import EnrolmentApplication
from catalog.listings.models import Listing, PriceChange
from core import clock
from core.accounts.models import Organisation
from core.accounts.roles import OrgKind
from supervision.ledger import verify
from supervision.ledger.models import LedgerEntry

CJK = re.compile(r"[\u3400-\u9fff\uff08\uff09]")


def _load(app):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["demo", "load"], catch_exceptions=False)


def test_demo_catalog_loads_once(app, session, monkeypatch):
    monkeypatch.setattr(demo, "LISTINGS", 60)
    result = _load(app)
    assert result.exit_code == 0, result.output
    assert "purchaser" in result.output and "Demo@2026!" in result.output
    leaves = session.scalar(
        select(func.count(func.distinct(ParameterSchema.category_id))).select_from(ParameterSchema)
    )
    assert leaves >= 20
    unbound = select(func.count()).select_from(Listing).where(Listing.standard_product_id.is_(None))
    on_shelf = session.scalar(unbound.where(Listing.status == "approved"))
    assert on_shelf == 60
    suppliers = session.scalar(select(func.count(func.distinct(Listing.supplier_id))))
    assert suppliers >= 10
    before = {
        "categories": session.scalar(select(func.count()).select_from(Category)),
        "listings": session.scalar(select(func.count()).select_from(Listing)),
        "products": session.scalar(select(func.count()).select_from(StandardProduct)),
        "changes": session.scalar(select(func.count()).select_from(PriceChange)),
    }
    again = _load(app)
    assert again.exit_code == 0
    assert {
        "categories": session.scalar(select(func.count()).select_from(Category)),
        "listings": session.scalar(select(func.count()).select_from(Listing)),
        "products": session.scalar(select(func.count()).select_from(StandardProduct)),
        "changes": session.scalar(select(func.count()).select_from(PriceChange)),
    } == before
    assert session.scalar(unbound) == 60
    assert verify(session).ok
    hits = app.extensions["search"].search(demo_query())
    assert hits.total > 0


def test_standard_products_with_listings_and_months_of_history(app, session, login, monkeypatch):
    """Every leaf category with a parameter schema has 2–4 standard products with their parameters
    filled; at least three listings of different suppliers or brands are bound to each, with prices
    that moved over about six months, backdated on the ledger without breaking its chain (SUP-3)."""
    monkeypatch.setattr(demo, "LISTINGS", 30)
    assert _load(app).exit_code == 0
    now = clock.now()
    products = session.scalars(select(StandardProduct)).all()
    by_category: dict[int, list[StandardProduct]] = {}
    for product in products:
        by_category.setdefault(product.category_id, []).append(product)
    schemas = {
        s.category_id: s
        for s in session.scalars(select(ParameterSchema).order_by(ParameterSchema.version))
    }
    assert set(by_category) == set(schemas)
    assert len(schemas) == len(LEAVES)
    for category_id, items in by_category.items():
        assert 2 <= len(items) <= 4
        required = {d["code"] for d in schemas[category_id].params if d.get("required", True)}
        for product in items:
            assert required <= set(product.params), product.code

    moved = 0
    for product in products:
        bound = session.scalars(
            select(Listing).where(Listing.standard_product_id == product.id)
        ).all()
        assert len(bound) >= 3, product.code
        assert all(x.status == "approved" for x in bound)
        assert len({(x.supplier_id, x.brand) for x in bound}) == len(bound)
        assert all(x.params | product.params == x.params for x in bound)
        for listing in bound:
            changes = session.scalars(
                select(PriceChange)
                .where(PriceChange.listing_id == listing.id)
                .order_by(PriceChange.at, PriceChange.id)
            ).all()
            assert changes[0].old_price is None
            assert changes[-1].new_price == listing.price
            assert all(c.at < now for c in changes)
            assert all(a.new_price == b.old_price for a, b in pairwise(changes))
            assert listing.created_at < now - timedelta(days=150)
            moved += len(changes) > 1
    assert moved >= len(products) * 2  # most listings were repriced at least once

    first = session.scalar(select(func.min(PriceChange.at)))
    assert now - first > timedelta(days=170)
    # The suppliers were enrolled and the products defined before the first of those prices.
    demo_suppliers = select(Organisation.id).where(Organisation.credit_code.in_(DEMO_CODES))
    enrolled = session.scalar(
        select(func.max(EnrolmentApplication.decided_at)).where(
            EnrolmentApplication.supplier_id.in_(demo_suppliers)
        )
    )
    assert enrolled < first
    assert max(p.created_at for p in products) < first
    # Backdated entries keep the chain whole, and each price change is on the ledger at its time.
    assert verify(session).ok
    changed = session.scalars(
        select(LedgerEntry).where(LedgerEntry.action == "listing.price_changed")
    ).all()
    repriced = session.scalar(
        select(func.count())
        .select_from(PriceChange)
        .join(Listing, Listing.id == PriceChange.listing_id)
        .where(Listing.standard_product_id.is_not(None), PriceChange.old_price.is_not(None))
    )
    assert len(changed) == repriced
    assert min(e.at for e in changed) < now - timedelta(days=90)

    # The price monitor's spread of a standard product and its curve over the months.
    monitor = login("monitor")
    spreads, outliers = 0, 0
    for product in products:
        report = monitor.get(f"/api/catalog/prices/standard-products/{product.id}").get_json()
        spread = report["spread"]
        assert spread["count"] >= 3
        assert Decimal(spread["min"]) <= Decimal(spread["median"]) <= Decimal(spread["max"])
        spreads += Decimal(spread["min"]) < Decimal(spread["max"])
        q1, q3 = Decimal(spread["q1"]), Decimal(spread["q3"])
        outliers += Decimal(spread["max"]) > q3 + (q3 - q1) * Decimal("1.5")
    assert spreads == len(products)
    assert outliers >= 3  # a few suppliers ask far more than the others: monitors should see it
    sample = products[0]
    curve = monitor.get(f"/api/catalog/prices/standard-products/{sample.id}/curve")
    assert curve.status_code == 200
    points = curve.get_json()["points"]
    assert len(points) == 27
    priced = [p for p in points if p["count"]]
    assert len(priced) >= 22  # from the first weeks of the history to now
    assert len({p["median"] for p in priced}) > 1  # the curve moves
    assert (
        priced[-1]["median"]
        == monitor.get(f"/api/catalog/prices/standard-products/{sample.id}").get_json()["spread"][
            "median"
        ]
    )
    # Purchasers and suppliers do not monitor prices.
    for username in ("purchaser", "supplier"):
        refused = login(username).get(f"/api/catalog/prices/standard-products/{sample.id}/curve")
        assert refused.status_code == 403
        assert refused.get_json()["code"] == "monitor_only"


def test_english_names_are_real_or_absent(app, session, monkeypatch):
    """Supplier and listing names in English are either a real English name or the Chinese one
    (shown as entered): never Chinese words with English ones stuck around them (X-3)."""
    monkeypatch.setattr(demo, "LISTINGS", 80)
    assert _load(app).exit_code == 0
    suppliers = session.scalars(
        select(Organisation).where(
            Organisation.kind == OrgKind.SUPPLIER, Organisation.credit_code.in_(DEMO_CODES)
        )
    ).all()
    english = [o for o in suppliers if o.name_en != o.name_zh]
    assert len(english) >= len(suppliers) // 2
    assert len(suppliers) - len(english) >= 5  # some registered no English name
    for org in english:
        assert not CJK.search(org.name_en), org.name_en
        assert org.name_en.endswith("Co., Ltd.")
    for org in suppliers:
        assert "Co. No." not in org.name_en
        assert not re.search(r"（\d+）", org.name_zh)
    titles = session.execute(select(Listing.title_zh, Listing.title_en)).all()
    translated = [en for zh, en in titles if en != zh]
    assert translated and len(translated) < len(titles)
    for en in translated:
        assert not CJK.search(en), en
    product_names = [p for items in STANDARD_PRODUCTS.values() for p in items]
    assert all(not CJK.search(en) for _code, _zh, en, _params, _price in product_names)


def test_supplier_names_and_titles():
    assert demo.supplier_name(0) == (
        "呼和浩特市瑞信科技有限公司",
        "Hohhot Ruixin Technology Co., Ltd.",
        "1501",
    )
    assert demo.supplier_name(2)[1] is None
    assert len({demo.supplier_name(n)[0] for n in range(demo.SUPPLIERS)}) == demo.SUPPLIERS
    assert demo.title_en("联想", "M437", "Desktop computer") == "Lenovo M437 Desktop computer"
    assert demo.title_en("兴安盟大米", "R10", "Rice") is None


def demo_query():
    from catalog.search.base import SearchQuery

    return SearchQuery(text="计算机")
