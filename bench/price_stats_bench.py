"""Price statistics (CAT-4, SUP-3): daily 7-day windows for many standard products.

Builds a fresh database by the migrations and fills ``price_samples`` with N transactions
(default 1,000,000) over P standard products (default 100,000) in C leaf categories, spread over
D days (default 365) and the counties of a 3-level region tree; the samples are written directly
(making a million ledger entries, each hashed and chained, is another cost, measured by the
ledger's own tests and the auction benchmark). Then it measures, in one run:

- ``daily``: the incremental update the periodic job does when one more day of transactions
  (N / D of them) arrives: their statistics rows in every region above them, for their standard
  products and categories, and the anomaly rule for each (``service.add_samples``);
- ``full, incremental code``: every statistics row of the history built by the same code
  (``service.recompute_all``) — what ``flask prices replay --since 0`` costs — before the day;
- ``baseline``: a full recomputation in SQL (window functions: each key's samples of the 7 days
  ending on each day, ranked, and the same exclusive-method interpolation), checked row by row
  against what the incremental code left after the daily update.

Target: the daily windows in under 10 s. ``--write`` records the result in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from core.cli import alembic_config
from core.db import make_engine
from supervision.prices import service
from supervision.prices.models import PriceSample, PriceStatistic

FIRST_DAY = date(2026, 1, 1)

# The exclusive method of statistics.quantiles(n=4) in SQL, over samples ranked ``rn`` of ``n``:
# quartile i interpolates ranks j and j+1 with weights (4 - delta) and delta, where
# j = clamp(i·(n+1) div 4, 1, n-1) and delta = i·(n+1) - 4j; n = 1 and n = 2 as prozorro-catalog.
_J = "MIN(MAX(({i} * (n + 1)) / 4, 1), n - 1)"
_QUARTILE = (
    "CASE WHEN n = 1 THEN MIN(fen) WHEN n = 2 THEN {two} ELSE "
    "(SUM(CASE WHEN rn = {j} THEN fen * (4 - ({i} * (n + 1) - 4 * {j})) "
    "WHEN rn = {j} + 1 THEN fen * ({i} * (n + 1) - 4 * {j}) ELSE 0 END) + 2) / 4 END"
)
BASELINE_SQL = """
WITH expanded AS (
    SELECT {key} AS key_id, r.region_id, s.day, s.unit_price AS fen
    FROM price_samples s JOIN bench_region_paths r ON r.path = s.region_path
    {where}
),
days AS (SELECT DISTINCT key_id, region_id, day FROM expanded),
windows AS (
    SELECT d.key_id, d.region_id, d.day, e.fen,
           ROW_NUMBER() OVER (PARTITION BY d.key_id, d.region_id, d.day ORDER BY e.fen) AS rn,
           COUNT(*) OVER (PARTITION BY d.key_id, d.region_id, d.day) AS n
    FROM days d JOIN expanded e
      ON e.key_id = d.key_id AND e.region_id = d.region_id
     AND e.day BETWEEN date(d.day, '-6 days') AND d.day
)
SELECT key_id, region_id, day, n, {q1} AS q1, {q2} AS median, {q3} AS q3
FROM windows GROUP BY key_id, region_id, day, n
"""


def _baseline_sql(kind: str) -> str:
    quartiles = {}
    for i, two in ((1, "MIN(fen)"), (2, "MIN(fen)"), (3, "MAX(fen)")):
        quartiles[f"q{i}"] = _QUARTILE.format(i=i, j=_J.format(i=i), two=two)
    key = "s.standard_product_id" if kind == "product" else "s.category_id"
    where = "WHERE s.standard_product_id IS NOT NULL" if kind == "product" else ""
    return BASELINE_SQL.format(key=key, where=where, **quartiles)


def _regions(counties: int) -> list[str]:
    """Paths of a tree of one top region, 12 cities and ``counties`` counties."""
    paths = []
    for county in range(counties):
        city = 2 + county % 12
        paths.append(f"/1/{city}/{100 + county}/")
    return paths


def _samples(rng: random.Random, count: int, products: int, categories: int, days: int, seq0: int):
    paths = _regions(100)
    base = {p: 1000 + rng.randint(0, 500000) for p in range(1, products + 1)}
    for n in range(count):
        product = rng.randint(1, products)
        day = FIRST_DAY + timedelta(days=rng.randrange(days))
        fen = int(base[product] * rng.uniform(0.8, 1.25))
        if n % 997 == 0:
            fen *= 4  # a few planted outliers
        yield {
            "seq": seq0 + n,
            "item": 0,
            "source": "order",
            "order_id": n,
            "standard_product_id": product if n % 10 else None,
            "category_id": 1 + product % categories,
            "region_id": None,
            "region_path": rng.choice(paths),
            "unit": "台",
            "unit_price": Decimal(fen).scaleb(-2),
            "quantity": 1,
            "at": datetime(day.year, day.month, day.day, 2, tzinfo=UTC),
            "day": day,
        }


def _fill(session: Session, rows, size: int = 50_000) -> None:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            session.execute(insert(PriceSample), batch)
            batch = []
    if batch:
        session.execute(insert(PriceSample), batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--categories", type=int, default=1_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--skip-baseline", action="store_true", help="skip the SQL baseline")
    parser.add_argument(
        "--skip-full",
        action="store_true",
        help="build only the last week's statistics before the day (and no baseline)",
    )
    parser.add_argument("--write", action="store_true", help="record in bench/RESULTS.md")
    args = parser.parse_args()

    from alembic import command

    work = tempfile.mkdtemp(prefix="price-bench-")
    url = f"sqlite:///{work}/bench.sqlite3"
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    rng = random.Random(20261207)
    per_day = args.transactions // args.days
    history = args.transactions - per_day

    started = time.perf_counter()
    with Session(engine) as session:
        _fill(session, _samples(rng, history, args.products, args.categories, args.days - 1, 1))
        session.execute(
            text("CREATE TABLE bench_region_paths (path VARCHAR(255), region_id INTEGER)")
        )
        session.execute(
            text("INSERT INTO bench_region_paths VALUES (:path, :region_id)"),
            [
                {"path": path, "region_id": int(part)}
                for path in _regions(100)
                for part in path.strip("/").split("/")
            ],
        )
        session.execute(text("CREATE INDEX ix_bench_paths ON bench_region_paths (path)"))
        session.commit()
    prepared = time.perf_counter() - started
    print(f"prepared {history:,} samples in {prepared:.1f} s", flush=True)

    # The history's statistics, as the job would have left them: every row built at once by the
    # incremental code (what ``flask prices replay --since 0`` costs); with --skip-full only the
    # rows of the last week, the only ones the new day's update reads or replaces.
    last_day = FIRST_DAY + timedelta(days=args.days - 1)
    with Session(engine) as session:
        started = time.perf_counter()
        if args.skip_full:
            _recompute_since(session, last_day - timedelta(days=service.WINDOW_DAYS))
        else:
            service.recompute_all(session)
        session.commit()
        full = time.perf_counter() - started
        built = session.scalar(select(func.count(PriceStatistic.id)))
    what = "the last week's" if args.skip_full else "full"
    print(f"{what} statistics, incremental code: {built:,} rows in {full:.1f} s", flush=True)

    # One more day of transactions, as the periodic job meets them.
    new_rows = []
    for row in _samples(rng, per_day, args.products, args.categories, 1, history + 1):
        row["day"] = last_day
        new_rows.append(row)
    with Session(engine) as session:
        started = time.perf_counter()
        session.execute(insert(PriceSample), new_rows)
        found = service.add_samples(session, new_rows)
        session.flush()
        daily = time.perf_counter() - started
        touched = session.scalar(
            select(func.count(PriceStatistic.id)).where(PriceStatistic.day >= last_day)
        )
        session.commit()
    print(
        f"daily: {per_day:,} new transactions, {touched:,} rows of the day, "
        f"{len(found)} anomalies in {daily:.2f} s",
        flush=True,
    )

    baseline = None
    matches = "not compared"
    if not (args.skip_baseline or args.skip_full):
        with Session(engine) as session:
            ours = {
                (r.kind, r.key_id, r.region_id, r.day.isoformat()): (
                    r.n,
                    int(r.q1 * 100),
                    int(r.median * 100),
                    int(r.q3 * 100),
                )
                for r in session.scalars(select(PriceStatistic))
            }
        with engine.connect() as conn:
            started = time.perf_counter()
            theirs = {}
            for kind in ("product", "category"):
                for key_id, region_id, day, n, q1, q2, q3 in conn.execute(
                    text(_baseline_sql(kind))
                ):
                    theirs[kind, key_id, region_id, day] = (n, q1, q2, q3)
            baseline = time.perf_counter() - started
        # The rows after the daily update against all rows recomputed from scratch in SQL.
        matches = "all rows equal" if theirs == ours else f"{_diff(ours, theirs)} rows differ"
        print(f"baseline SQL: {len(theirs):,} rows in {baseline:.1f} s ({matches})", flush=True)

    if args.write:
        _write(args, per_day, touched, len(found), daily, (built, full), baseline, matches)
    print(f"(database kept in {work}; remove it when done)")


def _recompute_since(session: Session, since: date) -> None:
    touched: dict = {}
    query = select(PriceSample.standard_product_id, PriceSample.category_id, PriceSample.day).where(
        PriceSample.day >= since
    )
    for product_id, category_id, day in session.execute(query):
        if product_id is not None:
            touched.setdefault(("product", product_id), set()).add(day)
        touched.setdefault(("category", category_id), set()).add(day)
    for _ in service.refresh(session, touched):
        pass


def _diff(ours: dict, theirs: dict) -> int:
    return sum(1 for k in ours.keys() | theirs.keys() if ours.get(k) != theirs.get(k))


def _write(args, per_day, touched, found, daily, full, baseline, matches) -> None:
    command = "python -m bench.price_stats_bench " + " ".join(sys.argv[1:])
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"<!-- price_stats_bench:{args.transactions}:begin -->",
        f"## Price statistics: daily 7-day windows ({args.products:,} standard products, "
        f"{args.transactions:,} transactions)",
        "",
        f"Command: `.venv/bin/{command}`",
        f"Machine: {platform.machine()}, CPython {platform.python_version()}, "
        f"{os.cpu_count()} cores; SQLite; run on {now}.",
        "",
        f"{args.transactions:,} transactions over {args.days} days, {args.products:,} standard "
        f"products (one line in ten without one), {args.categories:,} categories, 100 counties "
        "under 12 cities under one region: each sample counts for its standard product and its "
        "category in its county, city and the whole area."
        + (
            " The baseline's rows are compared with the rows the incremental code left after the "
            "daily update."
            if baseline is not None
            else ""
        ),
        "",
        "| what | time |",
        "|---|---|",
        f"| daily update: {per_day:,} new transactions → {touched:,} rows, {found} anomalies "
        f"(`service.add_samples`) | **{daily:.2f} s** |",
    ]
    if args.skip_full:
        lines.append(f"| (before it: the last week's {full[0]:,} rows) | {full[1]:.1f} s |")
    else:
        lines.append(
            f"| full build of the history's {full[0]:,} rows by the incremental code "
            f"(`recompute_all`, as `flask prices replay --since 0`) | {full[1]:.1f} s |"
        )
    if baseline is not None:
        lines.append(f"| baseline: full recomputation in SQL ({matches}) | {baseline:.1f} s |")
    lines += [
        "",
        "Target: the daily windows in under 10 s.",
        f"<!-- price_stats_bench:{args.transactions}:end -->",
    ]
    block = "\n".join(lines)
    path = Path(__file__).with_name("RESULTS.md")
    current = path.read_text(encoding="utf-8")
    marker = f"price_stats_bench:{args.transactions}"
    pattern = re.compile(f"<!-- {marker}:begin -->.*?<!-- {marker}:end -->", re.S)
    if pattern.search(current):
        current = pattern.sub(block, current)
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(current, encoding="utf-8")


if __name__ == "__main__":
    main()
