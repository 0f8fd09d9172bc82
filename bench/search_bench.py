"""Catalog search benchmark (CAT-6): the embedded engine against a plain SQL LIKE baseline, same run.

Generates N synthetic listings (Chinese and English titles, a 3-level category tree, brands, prices,
parameters), builds the embedded index (tantivy + rjieba) and a SQLite table of the same rows, then
times the same random 1–3 word queries with a category filter, a price range, facets (brand and
category counts over all matches) and a sort on both. Prints a report and, with ``--write``, puts it
into bench/RESULTS.md.

    .venv/bin/python -m bench.search_bench --listings 1000000 --queries 200 --write
"""

from __future__ import annotations

import argparse
import platform
import random
import shutil
import sqlite3
import statistics
import time
from decimal import Decimal
from pathlib import Path

from catalog.search import analysis
from catalog.search.base import ListingDocument, SearchQuery
from catalog.search.embedded import EmbeddedBackend

ROOT = Path(__file__).resolve().parent
PRODUCTS = [
    ("台式计算机", "desktop computer"),
    ("便携式计算机", "laptop"),
    ("平板电脑", "tablet"),
    ("激光打印机", "laser printer"),
    ("喷墨打印机", "inkjet printer"),
    ("复印纸", "copy paper"),
    ("投影仪", "projector"),
    ("扫描仪", "scanner"),
    ("交换机", "network switch"),
    ("路由器", "router"),
    ("空调机", "air conditioner"),
    ("电冰箱", "refrigerator"),
    ("办公椅", "office chair"),
    ("办公桌", "office desk"),
    ("文件柜", "filing cabinet"),
    ("硒鼓", "toner cartridge"),
    ("签字笔", "gel pen"),
    ("服务器", "server"),
    ("显示器", "monitor"),
    ("碎纸机", "shredder"),
]
BRANDS = [
    ("联想", "Lenovo"),
    ("华为", "Huawei"),
    ("惠普", "HP"),
    ("戴尔", "Dell"),
    ("得力", "Deli"),
    ("格力", "Gree"),
    ("美的", "Midea"),
    ("海尔", "Haier"),
    ("晨光", "M&G"),
    ("奔图", "Pantum"),
    ("佳能", "Canon"),
    ("爱普生", "Epson"),
    ("浪潮", "Inspur"),
    ("新华三", "H3C"),
    ("震旦", "Aurora"),
]
ADJECTIVES = [
    ("商用", "business"),
    ("高性能", "performance"),
    ("国产", "domestic"),
    ("轻薄", "slim"),
    ("静音", "quiet"),
    ("节能", "energy-saving"),
    ("大容量", "large"),
    ("经济型", "economy"),
]
# Category tree: 1 (goods) → 2..5 (four groups) → leaves 10..29 (one per product word).
GROUPS = 4


def category_path(product_index: int) -> tuple[int, ...]:
    return (1, 2 + product_index % GROUPS, 10 + product_index)


def make_documents(n: int, seed: int = 7):
    rng = random.Random(seed)
    for i in range(1, n + 1):
        p = rng.randrange(len(PRODUCTS))
        zh, en = PRODUCTS[p]
        bzh, ben = rng.choice(BRANDS)
        azh, aen = rng.choice(ADJECTIVES)
        model = f"{ben[:2].upper()}{rng.randint(100, 99999)}"
        path = category_path(p)
        yield ListingDocument(
            id=i,
            title_zh=f"{bzh}{azh}{zh} {model}",
            title_en=f"{ben} {aen} {en} {model}",
            brand=bzh,
            model=model,
            category_id=path[-1],
            category_path=path,
            price=Decimal(rng.randint(1_000, 5_000_000)) / 100,
            sales=rng.randint(0, 5000),
            supplier_id=rng.randint(1, 3000),
            region_ids=(1, rng.randint(2, 13)),
            sme=rng.random() < 0.6,
            green=rng.random() < 0.3,
            params={"grade": rng.choice(["A", "B", "C"])},
            extra_text="",
        )


def make_queries(count: int, seed: int = 11) -> list[dict]:
    """Queries a purchaser would type: a product word (or a two-character part of one), maybe a
    brand and an adjective, in Chinese or English, within the product's category subtree."""
    rng = random.Random(seed)
    short = {
        "台式计算机": "台式",
        "激光打印机": "打印",
        "喷墨打印机": "打印",
        "便携式计算机": "计算机",
    }
    queries = []
    for _ in range(count):
        p = rng.randrange(len(PRODUCTS))
        zh, en = PRODUCTS[p]
        chinese = rng.random() < 0.6
        words = (
            [short.get(zh, zh) if chinese and rng.random() < 0.3 else zh]
            if chinese
            else [en.split()[-1]]
        )
        if rng.random() < 0.5:
            bzh, ben = rng.choice(BRANDS)
            words.append(bzh if chinese else ben.lower())
        if rng.random() < 0.25:
            azh, aen = rng.choice(ADJECTIVES)
            words.append(azh if chinese else aen)
        low = rng.choice([0, 100, 500, 1000, 2000])
        queries.append(
            {
                "words": words,
                "category": rng.choice(category_path(p)),
                "price_min": Decimal(low),
                "price_max": Decimal(low + rng.choice([1000, 5000, 20000, 50000])),
                "sort": rng.choice(["relevance", "price_asc", "price_desc", "sales"]),
            }
        )
    return queries


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def build_sqlite(path: Path, documents: list[ListingDocument]) -> sqlite3.Connection:
    if path.exists():
        path.unlink()
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE listings (id INTEGER PRIMARY KEY, title TEXT, category_id INTEGER,"
        " category_path TEXT, brand TEXT, price_fen INTEGER, sales INTEGER)"
    )
    conn.executemany(
        "INSERT INTO listings VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (
                d.id,
                f"{d.title_zh} {d.title_en}".lower(),
                d.category_id,
                "/" + "/".join(map(str, d.category_path)) + "/",
                d.brand,
                int(d.price * 100),
                d.sales,
            )
            for d in documents
        ),
    )
    conn.execute("CREATE INDEX ix_price ON listings (price_fen)")
    conn.commit()
    return conn


def like_query(conn: sqlite3.Connection, q: dict) -> tuple[list[int], int]:
    """The plain SQL way: LIKE per word, a path prefix, a price range; page, total and facets."""
    where = ["category_path LIKE ?", "price_fen BETWEEN ? AND ?"]
    params: list = [f"%/{q['category']}/%", int(q["price_min"] * 100), int(q["price_max"] * 100)]
    for word in q["words"]:
        where.append("title LIKE ?")
        params.append(f"%{word.lower()}%")
    clause = " AND ".join(where)
    order = {
        "relevance": "id",
        "price_asc": "price_fen, id",
        "price_desc": "price_fen DESC, id",
        "sales": "sales DESC, id",
    }[q["sort"]]
    ids = [
        r[0]
        for r in conn.execute(
            f"SELECT id FROM listings WHERE {clause} ORDER BY {order} LIMIT 20", params
        )
    ]
    total = conn.execute(f"SELECT count(*) FROM listings WHERE {clause}", params).fetchone()[0]
    conn.execute(
        f"SELECT brand, count(*) FROM listings WHERE {clause} GROUP BY brand", params
    ).fetchall()
    conn.execute(
        f"SELECT category_id, count(*) FROM listings WHERE {clause} GROUP BY category_id", params
    ).fetchall()
    return ids, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, default=ROOT / "out")
    parser.add_argument(
        "--write", action="store_true", help="record the report in bench/RESULTS.md"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    documents = list(make_documents(args.listings))
    generated = time.perf_counter() - started

    index_dir = args.out / "search-index"
    shutil.rmtree(index_dir, ignore_errors=True)
    backend = EmbeddedBackend(str(index_dir))
    started = time.perf_counter()
    backend.rebuild(documents)
    build_seconds = time.perf_counter() - started
    index_bytes = dir_size(index_dir)

    started = time.perf_counter()
    conn = build_sqlite(args.out / "like-baseline.sqlite3", documents)
    sqlite_seconds = time.perf_counter() - started
    del documents

    queries = make_queries(args.queries)
    for q in queries[:10]:  # warm both
        backend.search(SearchQuery(text=" ".join(q["words"]), category_id=q["category"]))
    embedded_ms, like_ms, matched = [], [], []
    for q in queries:
        query = SearchQuery(
            text=" ".join(q["words"]),
            category_id=q["category"],
            price_min=q["price_min"],
            price_max=q["price_max"],
            sort=q["sort"],
            per_page=20,
        )
        t0 = time.perf_counter()
        result = backend.search(query)
        embedded_ms.append((time.perf_counter() - t0) * 1000)
        matched.append(result.total)
        t0 = time.perf_counter()
        like_query(conn, q)
        like_ms.append((time.perf_counter() - t0) * 1000)

    e50, e95 = percentile(embedded_ms, 0.5), percentile(embedded_ms, 0.95)
    l50, l95 = percentile(like_ms, 0.5), percentile(like_ms, 0.95)
    report = "\n".join(
        [
            f"## Catalog search: embedded engine vs SQL LIKE ({args.listings:,} listings)",
            "",
            "Command: `.venv/bin/python -m bench.search_bench "
            f"--listings {args.listings} --queries {args.queries} --write`",
            f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
            f"2 cores; run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
            "",
            "Each query: 1–3 random words (Chinese or English), a category subtree, a price range, the first",
            "page of 20 with a sort, the total, and brand and category facet counts over all matches",
            "(the embedded engine also returns price and parameter facets).",
            "",
            "| | embedded (tantivy + rjieba) | SQLite `LIKE` baseline |",
            "|---|---|---|",
            f"| build | {build_seconds:.1f} s, index {index_bytes / 1e6:.0f} MB | {sqlite_seconds:.1f} s |",
            f"| query p50 | {e50:.2f} ms | {l50:.1f} ms |",
            f"| query p95 | {e95:.2f} ms | {l95:.1f} ms |",
            f"| max | {max(embedded_ms):.2f} ms | {max(like_ms):.1f} ms |",
            "",
            f"Speed-up at p95: **{l95 / e95:.0f}×**; at p50: {l50 / e50:.0f}×. Median matches per query: "
            f"{statistics.median(matched):,.0f}. Generating the listings took {generated:.1f} s.",
            "",
        ]
    )
    print(report)
    if args.write:
        write_section(report)


def write_section(report: str) -> None:
    path = ROOT / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    begin, end = "<!-- search_bench:begin -->", "<!-- search_bench:end -->"
    block = f"{begin}\n{report}{end}"
    if begin in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    analysis.segmenter()
    main()
