"""Search relevance over the demo catalogue (CAT-6): everyday queries scored by nDCG@10 and recall@20.

The queries and the categories a purchaser means by them are in
``tests/catalog/search/relevance_queries.tsv``. A hit is a listing in one of the expected categories or
below it (binary relevance). Per query:

- nDCG@10 = DCG of the first 10 results / DCG of an ideal first 10, with gain 1 for a hit at rank r
  discounted by log2(r + 1);
- recall@20 = hits among the first 20 / min(20, hits in the catalogue).

A query whose expected categories hold no listing in this catalogue is left out of the scores (and
named). The demo catalogue is built in a temporary SQLite database by the real ``flask demo load``
code and indexed in the embedded engine.

    .venv/bin/python -m bench.relevance               # prints the misses and the totals
    .venv/bin/python -m bench.relevance --listings 600 --show 20
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from catalog.search.base import SearchBackend

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "catalog" / "search" / "relevance_queries.tsv"
KINDS = ("zh", "en", "typo", "fullwidth", "mixed")


@dataclass(frozen=True)
class RelevanceQuery:
    text: str
    categories: tuple[str, ...]  # category codes
    kind: str
    brand: str | None = None  # a hit must also be of this brand


@dataclass(frozen=True)
class QueryScore:
    query: RelevanceQuery
    ndcg: float
    recall: float
    relevant: int  # hits in the catalogue
    found: int  # hits among the first 20
    total: int  # results of the query


@dataclass(frozen=True)
class Report:
    scores: list[QueryScore]
    unscorable: list[RelevanceQuery]

    @property
    def ndcg(self) -> float:
        return _mean([s.ndcg for s in self.scores])

    @property
    def recall(self) -> float:
        return _mean([s.recall for s in self.scores])

    def by_kind(self) -> dict[str, tuple[int, float, float]]:
        out = {}
        for kind in KINDS:
            mine = [s for s in self.scores if s.query.kind == kind]
            if mine:
                out[kind] = (
                    len(mine),
                    _mean([s.ndcg for s in mine]),
                    _mean([s.recall for s in mine]),
                )
        return out


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def load_queries(path: Path = QUERIES) -> list[RelevanceQuery]:
    """The query set: one ``query<TAB>codes<TAB>kind[<TAB>brand]`` line per query; # starts a
    comment line."""
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) not in (3, 4) or fields[2] not in KINDS or not fields[0].strip():
            raise ValueError(f"{path.name} line {number}: expected query, codes, kind: {line!r}")
        codes = tuple(c.strip() for c in fields[1].split(",") if c.strip())
        if not codes:
            raise ValueError(f"{path.name} line {number}: no expected category")
        brand = fields[3].strip() if len(fields) == 4 and fields[3].strip() else None
        queries.append(RelevanceQuery(fields[0], codes, fields[2], brand))
    return queries


def ndcg_at(hits: Sequence[bool], relevant: int, k: int = 10) -> float:
    dcg = sum(1 / math.log2(rank + 2) for rank, hit in enumerate(hits[:k]) if hit)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(k, relevant)))
    return dcg / ideal if ideal else 0.0


def recall_at(hits: Sequence[bool], relevant: int, k: int = 20) -> float:
    return sum(hits[:k]) / min(k, relevant) if relevant else 0.0


def evaluate(
    backend: SearchBackend,
    queries: Iterable[RelevanceQuery],
    category_ids: Mapping[str, int],
    listings: Mapping[int, tuple[Iterable[int], str]],
) -> Report:
    """Score ``queries`` on ``backend`` (a ``SearchBackend``). ``category_ids`` maps category codes
    to ids; ``listings`` maps each indexed listing to the ids of its category path and its brand."""
    from catalog.search.base import SearchQuery

    paths = {listing_id: set(path) for listing_id, (path, _) in listings.items()}
    brands = {listing_id: brand for listing_id, (_, brand) in listings.items()}
    scores, unscorable = [], []
    for query in queries:
        unknown = [code for code in query.categories if code not in category_ids]
        if unknown:
            raise ValueError(f"query {query.text!r}: unknown categories {', '.join(unknown)}")
        wanted = {category_ids[code] for code in query.categories}

        def hit(
            listing_id: int, wanted: set[int] = wanted, brand: str | None = query.brand
        ) -> bool:
            return bool(paths.get(listing_id, set()) & wanted) and (
                brand is None or brands.get(listing_id) == brand
            )

        relevant = sum(1 for listing_id in paths if hit(listing_id))
        if not relevant:
            unscorable.append(query)
            continue
        result = backend.search(SearchQuery(text=query.text, per_page=20))
        hits = [hit(i) for i in result.ids]
        scores.append(
            QueryScore(
                query=query,
                ndcg=ndcg_at(hits, relevant),
                recall=recall_at(hits, relevant),
                relevant=relevant,
                found=sum(hits),
                total=result.total,
            )
        )
    return Report(scores, unscorable)


def demo_catalogue(
    session: Session, backend: SearchBackend
) -> tuple[dict[str, int], dict[int, tuple[tuple[int, ...], str]]]:
    """Index every on-shelf listing of the database in ``backend``; category ids by code and the
    category path and brand of each listing."""
    from sqlalchemy import select

    from catalog.categories.models import Category
    from catalog.listings.models import Listing
    from catalog.search.indexing import iter_documents

    listings = session.scalars(select(Listing).where(Listing.status == "approved")).all()
    documents = list(iter_documents(session, listings))
    backend.rebuild(documents)
    codes = {c.code: c.id for c in session.scalars(select(Category))}
    return codes, {d.id: (tuple(d.category_path), d.brand) for d in documents}


def build_demo(
    listings: int,
) -> tuple[SearchBackend, dict[str, int], dict[int, tuple[tuple[int, ...], str]]]:
    """A temporary database with the demo catalogue of ``listings`` listings, indexed in an
    in-memory embedded backend."""
    tmp = tempfile.mkdtemp(prefix="mall-relevance-")
    os.environ.setdefault("MALL_INSTANCE_PATH", tmp)
    os.environ.setdefault("SECRET_KEY", "relevance-benchmark-only-0123456789")
    from alembic import command

    from catalog import demo as catalog_demo
    from catalog.search.embedded import EmbeddedBackend
    from core.accounts import demo as accounts_demo
    from core.cli import alembic_config
    from core.db import db
    from mall.app import create_app

    url = f"sqlite:///{tmp}/relevance.sqlite3"
    command.upgrade(alembic_config(url), "head")
    app = create_app({"DATABASE_URL": url, "SEARCH_INDEX_PATH": None, "TESTING": True})
    catalog_demo.LISTINGS = listings
    with app.app_context():
        with db.unit_of_work() as session:
            accounts_demo.load(session)
            catalog_demo.load(session)
        backend = EmbeddedBackend(None)
        session = db.new_session(write=False)
        try:
            codes, paths = demo_catalogue(session, backend)
        finally:
            session.close()
    return backend, codes, paths


def describe(report: Report, show: int = 30) -> str:
    lines = []
    misses = sorted(report.scores, key=lambda s: (s.ndcg + s.recall, s.query.text))
    weak = [s for s in misses if s.ndcg < 0.999 or s.recall < 0.999][:show]
    if weak:
        lines.append(
            "Weakest queries (nDCG@10, recall@20, hits in the first 20 / in the catalogue, total):"
        )
        for s in weak:
            lines.append(
                f"  {s.query.text!r:24} [{s.query.kind}] → {','.join(s.query.categories)}"
                f"{' ' + s.query.brand if s.query.brand else ''}: "
                f"{s.ndcg:.3f}, {s.recall:.3f}, {s.found}/{s.relevant}, {s.total}"
            )
    if report.unscorable:
        names = ", ".join(repr(q.text) for q in report.unscorable)
        lines.append(f"Not scored (no listing in their categories): {names}")
    lines.append("By kind (queries, nDCG@10, recall@20):")
    for kind, (n, ndcg, recall) in report.by_kind().items():
        lines.append(f"  {kind:10} {n:4}  {ndcg:.3f}  {recall:.3f}")
    lines.append(
        f"Queries scored: {len(report.scores)}; nDCG@10 {report.ndcg:.3f}; recall@20 {report.recall:.3f}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=600, help="demo listings to generate")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--show", type=int, default=30, help="weakest queries to list")
    options = parser.parse_args(argv)
    backend, codes, paths = build_demo(options.listings)
    report = evaluate(backend, load_queries(options.queries), codes, paths)
    print(f"Demo catalogue: {len(paths)} listings on the shelf.")
    print(describe(report, options.show))


if __name__ == "__main__":
    main()
