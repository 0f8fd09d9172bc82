"""``flask demo load`` builds a realistic catalog and is safe to run twice (CAT, demo data)."""

from sqlalchemy import func, select

from catalog import demo
from catalog.categories.models import Category, ParameterSchema
from catalog.listings.models import Listing
from supervision.ledger import verify


def test_demo_catalog_loads_once(app, session, monkeypatch):
    monkeypatch.setattr(demo, "LISTINGS", 60)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo", "load"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "purchaser" in result.output and "Demo@2026!" in result.output
    leaves = session.scalar(
        select(func.count(func.distinct(ParameterSchema.category_id))).select_from(ParameterSchema)
    )
    assert leaves >= 20
    on_shelf = session.scalar(
        select(func.count()).select_from(Listing).where(Listing.status == "approved")
    )
    assert on_shelf == 60
    suppliers = session.scalar(select(func.count(func.distinct(Listing.supplier_id))))
    assert suppliers >= 10
    before = session.scalar(select(func.count()).select_from(Category))
    with app.app_context():
        again = app.test_cli_runner().invoke(args=["demo", "load"], catch_exceptions=False)
    assert again.exit_code == 0
    assert session.scalar(select(func.count()).select_from(Category)) == before
    assert session.scalar(select(func.count()).select_from(Listing)) == 60
    assert verify(session).ok
    hits = app.extensions["search"].search(demo_query())
    assert hits.total > 0


def demo_query():
    from catalog.search.base import SearchQuery

    return SearchQuery(text="计算机")
