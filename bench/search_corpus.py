"""A catalogue of any size for the search benchmark, grown from the demo catalogue.

The demo data (``flask demo load``: categories with parameter schemas, suppliers, regions, 2,000
listings) goes into a fresh SQLite database; then every further listing copies a demo listing —
its category, supplier, parameters and delivery regions — with a new model number and a price and
sales of its own, and is written to the same ``listings`` table in bulk. The index documents are
made from the demo listings' documents in the same way, so the database and the index agree and a
search through the HTTP API hydrates real rows.

Queries are what purchasers type: everyday and catalogue names of the demo categories (Chinese and
English, from the relevance set when it is there), brands, and a word plus a brand, with or
without a category filter and a price range, under each sort.
"""

from __future__ import annotations

import csv
import dataclasses
import random
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from catalog.search.base import SORTS, ListingDocument

ROOT = Path(__file__).resolve().parents[1]
RELEVANCE_SET = ROOT / "tests" / "catalog" / "search" / "relevance_queries.tsv"
BATCH = 20_000


@dataclass
class Corpus:
    url: str
    documents: list[ListingDocument]
    queries: list[dict[str, Any]]
    demo_listings: int


def fresh_database(workdir: Path) -> str:
    """An empty SQLite database at the head migration."""
    from alembic import command

    from core.cli import alembic_config

    path = workdir / "search-bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    command.upgrade(alembic_config(url), "head")
    return url


def load_demo(app: Any) -> None:
    from core import demo
    from core.db import db

    with app.app_context(), db.unit_of_work() as session:
        for _, _name, loader in demo.loaders():
            for _line in loader(session):
                pass


_MODEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*\d")


def _new_model(rng: random.Random, model: str) -> str:
    letters = "".join(ch for ch in model if ch.isalpha())[:2].upper() or "M"
    return f"{letters}{rng.randint(100, 999_999)}"


def grow(app: Any, total: int, seed: int = 7) -> tuple[list[ListingDocument], int]:
    """Write listings until ``total`` are on the shelf; the documents of all of them, and how many
    came from the demo."""
    from catalog.listings.models import Listing
    from catalog.search.indexing import iter_documents
    from core.db import db

    rng = random.Random(seed)
    columns = [c.key for c in Listing.__table__.columns if c.key != "id"]
    with app.app_context():
        session = db.new_session(write=False)
        try:
            listings = session.scalars(
                select(Listing).where(Listing.status == "approved").order_by(Listing.id)
            ).all()
            templates = list(zip(listings, iter_documents(session, listings), strict=True))
            rows = [{c: getattr(listing, c) for c in columns} for listing, _ in templates]
            next_id = max(listing.id for listing, _ in templates) + 1
        finally:
            session.close()
        documents = [doc for _, doc in templates]
        demo = len(documents)
        batch: list[dict[str, Any]] = []
        for n in range(max(total - demo, 0)):
            index = rng.randrange(demo)
            template, row = templates[index][1], rows[index]
            model = _new_model(rng, template.model)
            price = (template.price * Decimal(rng.randint(80, 120)) / 100).quantize(Decimal("0.01"))
            sales = rng.randint(0, 5000)
            title_zh = template.title_zh.replace(template.model, model)
            title_en = template.title_en.replace(template.model, model)
            listing_id = next_id + n
            batch.append(
                row
                | {
                    "id": listing_id,
                    "title_zh": title_zh,
                    "title_en": title_en,
                    "model": model,
                    "price": price,
                    "sales": sales,
                    "sku": None,
                    "barcode": None,
                    "dedupe_key": f"{template.brand}|{model}".lower()[:210],
                }
            )
            documents.append(
                dataclasses.replace(
                    template,
                    id=listing_id,
                    title_zh=title_zh,
                    title_en=title_en,
                    model=model,
                    price=price,
                    sales=sales,
                )
            )
            if len(batch) >= BATCH:
                _write(app, batch)
                batch = []
        if batch:
            _write(app, batch)
    return documents, demo


def _write(app: Any, rows: list[dict[str, Any]]) -> None:
    from catalog.listings.models import Listing
    from core.db import db

    with db.unit_of_work() as session:
        session.execute(insert(Listing), rows)


def _everyday_words() -> list[str]:
    """Queries of the relevance set (everyday names, typos, full-width), when it is there."""
    if not RELEVANCE_SET.exists():
        return []
    words = []
    with RELEVANCE_SET.open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if row and not row[0].startswith("#") and row[0].strip():
                words.append(row[0].strip())
    return words


def make_queries(
    app: Any, documents: list[ListingDocument], count: int, seed: int = 11
) -> list[dict[str, Any]]:
    """``count`` search arguments (the API's query parameters) drawn from the catalogue's words."""
    from catalog.categories.models import Category
    from core.db import db

    rng = random.Random(seed)
    with app.app_context():
        session = db.new_session(write=False)
        try:
            categories = session.scalars(select(Category)).all()
            leaves = {c.id: c for c in categories}
        finally:
            session.close()
    used = sorted({d.category_id for d in documents[:5000]})
    brands = sorted({d.brand for d in documents[:5000] if d.brand})
    everyday = _everyday_words()
    queries = []
    for _ in range(count):
        category = leaves[rng.choice(used)]
        kind = rng.random()
        if kind < 0.35 and everyday:
            text = rng.choice(everyday)
        elif kind < 0.6:
            text = category.name_zh
        elif kind < 0.75:
            text = category.name_en.lower()
        elif kind < 0.9:
            text = f"{category.name_zh} {rng.choice(brands)}"
        else:
            text = rng.choice(brands)
        args: dict[str, Any] = {"q": text, "sort": rng.choice(SORTS)}
        if rng.random() < 0.4:
            args["category_id"] = rng.choice(category.path_ids)
        if rng.random() < 0.4:
            low = rng.choice([0, 500, 1000, 2000, 5000])
            args["price_min"] = Decimal(low)
            args["price_max"] = Decimal(low + rng.choice([1000, 5000, 20000, 100000]))
        queries.append(args)
    return queries
