"""Catalog search benchmark (CAT-6): the mall's search against the engine's own floor and a plain SQL
``LIKE``, on the same catalogue and the same queries, in one run.

The catalogue is grown from the demo data to N listings in a SQLite database (``bench.search_corpus``).
Each query (what purchasers type: everyday and catalogue names, brands, with or without a category
and a price range, under every sort) is answered four ways:

- **floor** — tantivy over rjieba tokens with nothing of the mall around it (``bench.search_floor``):
  top 20, the total, brand and category counts over all matches;
- **backend** — the mall's embedded backend (``EmbeddedBackend.search``): the same plus synonyms and
  word parts, ties broken by id, parameter and price facets;
- **HTTP** — a whole ``GET /api/catalog/search`` through the application (signed in, arguments
  checked, the 20 listings hydrated from the database with supplier, SME and green marks, facets
  labelled, JSON written) with Werkzeug's test client, i.e. everything but the socket;
- **LIKE** — ``title LIKE %word%`` per word with the same filters and counts in SQLite (on fewer
  queries: each takes seconds at a million listings).

Prints a report and, with ``--write``, puts it into bench/RESULTS.md.

    .venv/bin/python -m bench.search_bench --listings 1000000 --queries 300 --write
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from bench import search_corpus, search_floor
from bench.results import write_section
from catalog.search import analysis
from catalog.search.embedded import EmbeddedBackend
from catalog.search.service import to_query

ROOT = Path(__file__).resolve().parent


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _timed(fn: Any, *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn(*args)
    return (time.perf_counter() - started) * 1000, result


def like_query(
    conn: sqlite3.Connection, args: dict[str, Any], subtree: dict[int, list[int]]
) -> int:
    """The plain SQL way: LIKE per word over both titles, brand and model, the category subtree, the
    price range; the page, the total and the brand and category counts."""
    where = ["status = 'approved'"]
    params: list[Any] = []
    for word in analysis.normalize(args["q"]).lower().split():
        where.append("lower(title_zh || ' ' || title_en || ' ' || brand || ' ' || model) LIKE ?")
        params.append(f"%{word}%")
    if args.get("category_id") is not None:
        ids = subtree[args["category_id"]]
        where.append(f"category_id IN ({','.join('?' * len(ids))})")
        params += ids
    if args.get("price_min") is not None:
        where.append("CAST(price AS REAL) BETWEEN ? AND ?")
        params += [float(args["price_min"]), float(args["price_max"])]
    clause = " AND ".join(where)
    order = {
        "relevance": "id",
        "price_asc": "CAST(price AS REAL), id",
        "price_desc": "CAST(price AS REAL) DESC, id",
        "sales": "sales DESC, id",
    }[args["sort"]]
    conn.execute(
        f"SELECT id FROM listings WHERE {clause} ORDER BY {order} LIMIT 20", params
    ).fetchall()
    total = conn.execute(f"SELECT count(*) FROM listings WHERE {clause}", params).fetchone()[0]
    conn.execute(
        f"SELECT brand, count(*) FROM listings WHERE {clause} GROUP BY brand", params
    ).fetchall()
    conn.execute(
        f"SELECT category_id, count(*) FROM listings WHERE {clause} GROUP BY category_id", params
    ).fetchall()
    return total


def _subtrees(conn: sqlite3.Connection) -> dict[int, list[int]]:
    rows = conn.execute("SELECT id, path FROM categories").fetchall()
    return {cid: [other for other, p in rows if p.startswith(path)] for cid, path in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--like-queries", type=int, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "out")
    parser.add_argument(
        "--write", action="store_true", help="record the report in bench/RESULTS.md"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    from core.accounts.demo import DEMO_PASSWORD
    from mall.app import create_app

    started = time.perf_counter()
    url = search_corpus.fresh_database(args.out)
    app = create_app({"DATABASE_URL": url, "SEARCH_INDEX_PATH": None, "RATE_LIMITS_ENABLED": False})
    search_corpus.load_demo(app)
    documents, demo = search_corpus.grow(app, args.listings)
    queries = search_corpus.make_queries(app, documents, args.queries)
    prepared = time.perf_counter() - started

    index_dir = args.out / "search-index"
    shutil.rmtree(index_dir, ignore_errors=True)
    backend = EmbeddedBackend(str(index_dir))
    started = time.perf_counter()
    backend.rebuild(documents)
    build_seconds = time.perf_counter() - started
    index_bytes = dir_size(index_dir)
    app.extensions["search"] = backend

    started = time.perf_counter()
    floor_index = search_floor.build(documents)
    floor_build = time.perf_counter() - started
    count = len(documents)
    del documents

    client = app.test_client()
    signed_in = client.post(
        "/api/auth/signin", json={"username": "purchaser", "password": DEMO_PASSWORD}
    )
    assert signed_in.status_code == 200, signed_in.get_json()

    def http(query: dict[str, Any]) -> int:
        answer = client.get(
            "/api/catalog/search",
            query_string={k: str(v) for k, v in query.items()} | {"per_page": "20"},
        )
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()["total"]

    def through_backend(query: dict[str, Any]) -> int:
        return backend.search(to_query({**query, "page": 1, "per_page": 20})).total

    for query in queries[:20]:  # warm every path
        search_floor.search(floor_index, query)
        through_backend(query)
        http(query)
    floor_ms, backend_ms, http_ms, matched = [], [], [], []
    for query in queries:
        ms, _ = _timed(search_floor.search, floor_index, query)
        floor_ms.append(ms)
        ms, total = _timed(through_backend, query)
        backend_ms.append(ms)
        matched.append(total)
        ms, _ = _timed(http, query)
        http_ms.append(ms)

    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    subtree = _subtrees(conn)
    like_ms = [_timed(like_query, conn, q, subtree)[0] for q in queries[: args.like_queries]]

    def row(name: str, values: list[float]) -> str:
        return (
            f"| {name} | {percentile(values, 0.5):.2f} | {percentile(values, 0.95):.2f} | "
            f"{max(values):.2f} |"
        )

    f95, b95, h95 = (percentile(v, 0.95) for v in (floor_ms, backend_ms, http_ms))
    report = "\n".join(
        [
            f"## Catalog search: the mall against the engine's floor ({count:,} listings)",
            "",
            "Command: `.venv/bin/python -m bench.search_bench "
            f"--listings {args.listings} --queries {args.queries} --write`",
            f"Machine: {platform.machine()}, {platform.python_implementation()} "
            f"{platform.python_version()}, 2 cores; run on "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
            "",
            f"The demo catalogue ({demo:,} listings) grown to {count:,} in SQLite; {len(queries)} "
            "queries (everyday and catalogue words, brands; category and price filters in some; every "
            f"sort), {statistics.median(matched):,.0f} matches at the median. See the module docstring "
            "for what each column does.",
            "",
            "| per query, ms | p50 | p95 | max |",
            "|---|---|---|---|",
            row("floor: tantivy + rjieba alone", floor_ms),
            row("backend: `EmbeddedBackend.search`", backend_ms),
            row("HTTP: `GET /api/catalog/search`", http_ms),
            row(f"SQLite `LIKE` ({len(like_ms)} queries)", like_ms),
            "",
            f"Backend p95 / floor p95: **{b95 / f95:.1f}×** (target ≤ 3×). HTTP p95: **{h95:.1f} ms** "
            f"(target ≤ 15 ms). LIKE p95 / HTTP p95: {percentile(like_ms, 0.95) / h95:.0f}×.",
            "",
            f"Index build: backend **{build_seconds:.1f} s** (target < 30 s; index "
            f"{index_bytes / 1e6:.0f} MB), floor {floor_build:.1f} s. Preparing the catalogue took "
            f"{prepared:.0f} s.",
            "",
        ]
    )
    print(report)
    if args.write:
        write_section("search_bench", report)


if __name__ == "__main__":
    analysis.segmenter()
    main()
