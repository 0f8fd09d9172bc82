"""Price statistics from the ledger (CAT-4, SUP-3).

The ``prices`` ledger reader turns each order line of ``order.placed`` (a direct order) and
``order.awarded`` (an auction's or volume purchase's award, a framework agreement's call-off) into
a ``PriceSample``, then recomputes only the statistics rows the new samples touch: for a standard
product and for a category, in the transaction's region and in every region above it (the top
region is the whole area), the row of each day from the sample's day to six days later that has
samples of its own. Each row covers the 7 days ending on its day (Asia/Shanghai days).

Anomaly rule: a transaction whose unit price is above Q3 + 1.5·IQR (``quartiles.upper_fence``) of
its window — its standard product's (its category's when it names none) over the whole area, the
7 days ending on its day — when that window holds at least ``MIN_SAMPLES`` samples. The window is
taken as it stood before the transaction: the transaction itself, and samples recorded after it
on the ledger, are not in it, so one high price cannot lift the fence it is judged against, and a
replay judges every transaction the same way again. Each anomaly is stored with its evidence and
put on the ledger (``price.anomaly_detected``) in the same transaction.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Date, column, delete, insert, select, table
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import SYSTEM
from core.accounts.models import Region
from core.money import cny
from supervision import readers
from supervision.ledger import Entry, record_many
from supervision.ledger.models import LedgerEntry
from supervision.prices.models import PriceAnomaly, PriceSample, PriceStatistic
from supervision.prices.quartiles import quartiles_fen, upper_fence

READER = "prices"
ACTIONS = ("order.placed", "order.awarded")
WINDOW_DAYS = 7
MIN_SAMPLES = 5
#: key ids recomputed per statement
CHUNK = 500

Key = tuple[str, int]  # ("product" | "category", id)


class Point(NamedTuple):
    """A sample as the statistics see it: where it counts, when, at what price (fen)."""

    regions: tuple[int, ...]
    day: date
    fen: int
    seq: int
    item: int


# The statistics tables as plain columns: amounts are read and written as whole fen, without a
# Decimal for each (the rows are many; ``Money`` stores fen too).
_SAMPLES = table(
    "price_samples",
    column("standard_product_id"),
    column("category_id"),
    column("region_path"),
    column("day", Date),
    column("unit_price"),
    column("seq"),
    column("item"),
)


def _regions(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in path.strip("/").split("/") if part)


# ---------------------------------------------------------------- reading the ledger


def samples_of(entry: LedgerEntry, paths: dict[int, str]) -> list[dict[str, Any]]:
    """The sample rows of one ledger entry: its order lines that name a category and a price."""
    payload = json.loads(entry.payload)
    source = "order" if entry.action == "order.placed" else payload.get("source") or "auction"
    day = clock.local(entry.at).date()
    rows = []
    for index, item in enumerate(payload.get("items") or []):
        if item.get("category_id") is None or item.get("unit_price") is None:
            continue  # recorded before lines carried their category
        rows.append(
            {
                "seq": entry.seq,
                "item": index,
                "source": source,
                "order_id": int(entry.subject_id) if entry.subject_id else None,
                "standard_product_id": item.get("standard_product_id"),
                "category_id": item["category_id"],
                "region_id": entry.region_id,
                "region_path": paths.get(entry.region_id or 0, ""),
                "unit": item.get("unit"),
                "unit_price": cny(item["unit_price"]),
                "quantity": int(item.get("quantity") or 1),
                "at": entry.at,
                "day": day,
            }
        )
    return rows


def ingest(session: Session, entries: list[LedgerEntry]) -> None:
    """The reader's handler: store the entries' samples, refresh the statistics they touch and
    record the anomalies among them."""
    region_ids = {e.region_id for e in entries if e.region_id is not None}
    query = select(Region.id, Region.path).where(Region.id.in_(region_ids))
    paths = {region_id: path for region_id, path in session.execute(query)}
    rows = [row for entry in entries for row in samples_of(entry, paths)]
    if not rows:
        return
    session.execute(insert(PriceSample), rows)
    add_samples(session, rows)


def add_samples(session: Session, rows: list[dict[str, Any]]) -> list[PriceAnomaly]:
    """Refresh the statistics touched by newly stored sample ``rows`` and judge each of them by
    the anomaly rule. Returns the anomalies recorded."""
    touched: dict[Key, set[date]] = defaultdict(set)
    judged: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["standard_product_id"] is not None:
            touched["product", row["standard_product_id"]].add(row["day"])
            judged["product", row["standard_product_id"]].append(row)
        else:
            judged["category", row["category_id"]].append(row)
        touched["category", row["category_id"]].add(row["day"])
    known = {
        (seq, item)
        for seq, item in session.execute(
            select(PriceAnomaly.seq, PriceAnomaly.item).where(
                PriceAnomaly.seq.between(min(r["seq"] for r in rows), max(r["seq"] for r in rows))
            )
        )
    }
    found: list[PriceAnomaly] = []
    for key, points in refresh(session, touched):
        for row in judged.get(key, ()):
            if (row["seq"], row["item"]) not in known:
                anomaly = judge(key, row, points.get(key[1], []))
                if anomaly is not None:
                    found.append(anomaly)
    _record(session, found)
    return found


# ---------------------------------------------------------------- the statistics


def refresh(
    session: Session, touched: dict[Key, set[date]]
) -> Iterator[tuple[Key, dict[int, list[Point]]]]:
    """Recompute the statistics rows of ``touched`` keys from each touched day to six days
    later. Yields each key with the points loaded for its chunk (for judging anomalies); must be
    consumed to the end."""
    for kind in ("product", "category"):
        days_of = {key_id: days for (k, key_id), days in touched.items() if k == kind}
        ids = sorted(days_of)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            low = min(min(days_of[i]) for i in chunk)
            high = max(max(days_of[i]) for i in chunk) + timedelta(days=WINDOW_DAYS - 1)
            points = _load(session, kind, chunk, low - timedelta(days=WINDOW_DAYS - 1), high)
            session.execute(
                delete(PriceStatistic).where(
                    PriceStatistic.kind == kind,
                    PriceStatistic.key_id.in_(chunk),
                    PriceStatistic.day.between(low, high),
                )
            )
            rows = [
                row
                for key_id, key_points in points.items()
                for row in _rows(kind, key_id, key_points, low, high)
            ]
            _insert_statistics(session, rows)
            for key_id in chunk:
                yield (kind, key_id), points


def _load(
    session: Session, kind: str, ids: list[int], low: date, high: date
) -> dict[int, list[Point]]:
    """The points of ``ids`` from ``low`` to ``high``, by key id, in ledger order."""
    samples = _SAMPLES.c
    key = samples.standard_product_id if kind == "product" else samples.category_id
    query = (
        select(key, samples.region_path, samples.day, samples.unit_price, samples.seq, samples.item)
        .where(key.in_(ids), samples.day.between(low, high))
        .order_by(samples.seq, samples.item)
    )
    out: dict[int, list[Point]] = defaultdict(list)
    paths: dict[str, tuple[int, ...]] = {}
    for key_id, path, day, fen, seq, item in session.execute(query):
        regions = paths.get(path)
        if regions is None:
            regions = paths[path] = _regions(path)
        out[key_id].append(Point(regions, day, fen, seq, item))
    return out


def _rows(kind: str, key_id: int, points: list[Point], low: date, high: date) -> Iterator[tuple]:
    by_region: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for point in points:
        for region_id in point.regions:
            by_region[region_id].append((point.day, point.fen))
    for region_id, dated in by_region.items():
        dated.sort()
        days = [d for d, _ in dated]
        for day in sorted({d for d in days if low <= d <= high}):
            first = bisect_left(days, day - timedelta(days=WINDOW_DAYS - 1))
            last = bisect_right(days, day)
            window = sorted(fen for _, fen in dated[first:last])
            q1, median, q3 = quartiles_fen(window)
            yield (kind, key_id, region_id, day, len(window), q1, median, q3)


_INSERT_STATISTICS = {
    "sqlite": "INSERT INTO price_statistics (kind, key_id, region_id, day, n, q1, median, q3) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "postgresql": "INSERT INTO price_statistics (kind, key_id, region_id, day, n, q1, median, q3) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
}


def _insert_statistics(session: Session, rows: list[tuple]) -> None:
    """One executemany straight to the driver: the rows are many and already plain values."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "sqlite":  # dates as SQLAlchemy stores them there
        rows = [(*row[:3], row[3].isoformat(), *row[4:]) for row in rows]
    connection.exec_driver_sql(_INSERT_STATISTICS[connection.dialect.name], rows)


def _cny(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


# ---------------------------------------------------------------- anomalies


def judge(key: Key, row: dict[str, Any], points: list[Point]) -> PriceAnomaly | None:
    """The anomaly of sample ``row`` against ``points`` of its key, or None (see the module)."""
    regions = _regions(row["region_path"])
    if not regions:
        return None
    area = regions[0]
    day, place = row["day"], (row["seq"], row["item"])
    since = day - timedelta(days=WINDOW_DAYS - 1)
    window = sorted(
        p.fen
        for p in points
        if area in p.regions and since <= p.day <= day and (p.seq, p.item) < place
    )
    if len(window) < MIN_SAMPLES:
        return None
    q1, median, q3 = (_cny(q) for q in quartiles_fen(window))
    fence = upper_fence(q1, q3)
    if row["unit_price"] <= fence:
        return None
    return PriceAnomaly(
        seq=row["seq"],
        item=row["item"],
        source=row["source"],
        order_id=row["order_id"],
        standard_product_id=row["standard_product_id"],
        category_id=row["category_id"],
        kind=key[0],
        key_id=key[1],
        region_id=row["region_id"],
        window_region_id=area,
        day=day,
        unit_price=row["unit_price"],
        quantity=row["quantity"],
        n=len(window),
        q1=q1,
        median=median,
        q3=q3,
        fence=fence,
        detected_at=clock.now(),
    )


def _record(session: Session, found: list[PriceAnomaly]) -> None:
    if not found:
        return
    session.add_all(found)
    session.flush()
    entries = record_many(
        session,
        [
            Entry(
                SYSTEM,
                "price.anomaly_detected",
                ("price_anomaly", anomaly.id),
                evidence(anomaly),
                region_id=anomaly.region_id,
            )
            for anomaly in found
        ],
    )
    for anomaly, entry in zip(found, entries, strict=True):
        anomaly.ledger_seq = entry.seq
    session.flush()


def evidence(anomaly: PriceAnomaly) -> dict[str, Any]:
    """What the ledger entry of an anomaly carries, for the warnings engine and for auditors."""
    return {
        "rule": "above_q3_plus_1.5_iqr",
        "transaction_seq": anomaly.seq,
        "item": anomaly.item,
        "source": anomaly.source,
        "order_id": anomaly.order_id,
        "standard_product_id": anomaly.standard_product_id,
        "category_id": anomaly.category_id,
        "window_of": {"kind": anomaly.kind, "id": anomaly.key_id},
        "day": anomaly.day,
        "unit_price": anomaly.unit_price,
        "quantity": anomaly.quantity,
        "window": {
            "region_id": anomaly.window_region_id,
            "days": WINDOW_DAYS,
            "n": anomaly.n,
            "q1": anomaly.q1,
            "median": anomaly.median,
            "q3": anomaly.q3,
            "fence": anomaly.fence,
        },
    }


# ---------------------------------------------------------------- running


def update(session: Session, batch: int = readers.BATCH) -> int:
    """One batch of the reader in the caller's transaction; how many entries it read."""
    return readers.advance(session, READER, ingest, ACTIONS, batch)


def update_all(
    unit_of_work: Callable[[], AbstractContextManager[Session]], batch: int = readers.BATCH
) -> int:
    """Read the ledger up to its head, one transaction per batch."""
    return readers.run(unit_of_work, READER, ingest, ACTIONS, batch)


def rewind(session: Session, since: int) -> int:
    """Forget what was derived from entries after ``since`` and put the reader back there, in
    one transaction; the next update derives it again. Anomalies already recorded stay (they are
    on the ledger) and are not recorded twice. Returns how many samples were removed."""
    readers.rewind(session, READER, since)
    gone = list(
        session.execute(
            select(PriceSample.standard_product_id, PriceSample.category_id, PriceSample.day).where(
                PriceSample.seq > since
            )
        )
    )
    if not gone:
        return 0
    session.execute(delete(PriceSample).where(PriceSample.seq > since))
    touched: dict[Key, set[date]] = defaultdict(set)
    for product_id, category_id, day in gone:
        if product_id is not None:
            touched["product", product_id].add(day)
        touched["category", category_id].add(day)
    for _ in refresh(session, touched):
        pass
    return len(gone)


def recompute_all(session: Session) -> None:
    """Recompute every statistics row from the stored samples (a check of the incremental path,
    and the benchmark's measure of it)."""
    touched: dict[Key, set[date]] = defaultdict(set)
    query = select(PriceSample.standard_product_id, PriceSample.category_id, PriceSample.day)
    for product_id, category_id, day in session.execute(query):
        if product_id is not None:
            touched["product", product_id].add(day)
        touched["category", category_id].add(day)
    for _ in refresh(session, touched):
        pass
