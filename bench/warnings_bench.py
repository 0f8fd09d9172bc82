"""Warnings engine benchmark (SUP-2): replay of the whole ledger through every rule, against a
baseline read of the same entries, and the lag from a live auction's entry to its warning while
bids arrive at the auction benchmark's rate.

Part one — replay. A fresh mall database (migrations, the demo accounts, 20 more suppliers); N
entries appended through ``supervision.ledger.record_many`` (1,000 per transaction) in the shapes
the mall writes: per auction its publication, 35 accepted bids from 5 suppliers (each with its own
address and device; in every 50th auction two suppliers share one address) and its award (every 20th with one
bidder), 3 direct orders and a listing price change. Then the engine reads all of it from its
cursor at 0 (``engine.update_all``, one transaction per batch of 500, warnings raised and ledgered
as they are found). Baseline: the same reader over the same entries with a handler that only
decodes each payload.

Part two — lag. While a thread appends accepted bids at ``--rate`` per second (one entry per
transaction, as a live auction does) and an award with a single bidder every second, the engine
runs as the server's clock runs it (``update_all`` every ``--interval`` seconds). Lag = the
warning's ``raised_at`` − the award entry's time.

    .venv/bin/python -m bench.warnings_bench --entries 1000000 --rate 300 --seconds 20 --write
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import func, select

from bench.results import write_section


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def _setup(work: Path) -> Any:
    os.environ["MALL_INSTANCE_PATH"] = str(work)
    from core.accounts import demo as accounts_demo
    from core.accounts.models import Organisation, Region
    from core.cli import alembic_config
    from core.db import db
    from mall.app import create_app

    url = f"sqlite:///{work / 'mall.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    app = create_app(
        {"DATABASE_URL": url, "SEARCH_INDEX_PATH": None, "TESTING": True, "WARNINGS_SECONDS": 0}
    )
    with app.app_context(), db.unit_of_work() as session:
        accounts_demo.load(session)
        region = session.scalar(select(Region).where(Region.code == "150105"))
        for n in range(20):
            session.add(
                Organisation(
                    kind="supplier",
                    name_zh=f"压测供应商{n}",
                    name_en=f"Bench supplier {n}",
                    credit_code=f"91BENCH{n:011d}",
                    region_id=region.id,
                )
            )
    return app


class Traffic:
    """Entries in the shapes the mall writes, for auctions in turn."""

    def __init__(self, session: Any) -> None:
        from core.accounts.auth import Actor
        from core.accounts.models import Organisation

        orgs = list(session.scalars(select(Organisation).order_by(Organisation.id)))
        self.purchasers = [o for o in orgs if o.kind == "purchaser"]
        self.suppliers = [o for o in orgs if o.kind == "supplier"]
        self.Actor = Actor
        self.auction = 0

    def actor(self, org: Any, ip: str | None = None, device: str | None = None) -> Any:
        return self.Actor(
            user_id=None,
            username=f"bench{org.id}",
            organisation_id=org.id,
            region_id=org.region_id,
            ip=ip,
            device_id=device,
        )

    def one_auction(self) -> list[Any]:
        from core.accounts.auth import SYSTEM
        from supervision.ledger.service import Entry

        self.auction += 1
        n = self.auction
        purchaser = self.purchasers[n % len(self.purchasers)]
        bidders = [self.suppliers[(n + k) % len(self.suppliers)] for k in range(5)]
        single = n % 20 == 0
        if single:
            bidders = bidders[:1]
        out = [
            Entry(
                self.actor(purchaser),
                "auction.published",
                ("auction", n),
                {
                    "number": f"JJ{n:012d}",
                    "category_id": 15 + n % 7,
                    "ceiling": "5000.00",
                    "must_beat": "best",
                    "sme_only": False,
                    "standard_product_id": n % 50 + 1,
                    "quantity": 8,
                    "status": "published",
                },
            )
        ]
        price = 5000
        for b in range(35):
            supplier = bidders[b % len(bidders)]
            shared = n % 50 == 0 and supplier in bidders[-2:] and len(bidders) > 1
            ip = "10.0.0.1" if shared else f"10.{supplier.id % 250}.{n % 250}.{supplier.id % 200}"
            price -= 10
            out.append(
                Entry(
                    self.actor(supplier, ip=ip, device=f"dev-{supplier.id}"),
                    "auction.bid_accepted",
                    ("auction", n),
                    {
                        "bid_id": n * 100 + b,
                        "supplier_id": supplier.id,
                        "price": f"{price}.00",
                        "best_price": f"{price}.00",
                        "ip": ip,
                        "device_id": f"dev-{supplier.id}",
                        "channel": "socket",
                        "status": "open",
                    },
                )
            )
        out.append(
            Entry(
                SYSTEM,
                "auction.awarded",
                ("auction", n),
                {
                    "bidder_count": len(bidders),
                    "bid_count": 35,
                    "price": f"{price}.00",
                    "winner_id": bidders[-1].id,
                    "status": "awarded",
                },
                region_id=purchaser.region_id,
            )
        )
        for k in range(3):
            supplier = self.suppliers[(n + k) % len(self.suppliers)]
            out.append(
                Entry(
                    self.actor(purchaser),
                    "order.placed",
                    ("order", n * 10 + k),
                    {
                        "number": f"ZC{n:010d}{k}",
                        "purchaser_id": purchaser.id,
                        "supplier_id": supplier.id,
                        "total": "3020.00",
                        "items": [
                            {
                                "category_id": 25 + k,
                                "listing_id": n % 1000,
                                "standard_product_id": None,
                                "quantity": 1,
                                "unit_price": "3020.00",
                                "line_total": "3020.00",
                            }
                        ],
                    },
                )
            )
        out.append(
            Entry(
                self.actor(self.suppliers[n % len(self.suppliers)]),
                "listing.price_changed",
                ("listing", n % 1000),
                {"old": "3000.00", "new": "3020.00", "status": "approved"},
            )
        )
        return out


def fill(app: Any, entries: int) -> tuple[int, float]:
    from core.db import db
    from supervision.ledger.service import record_many

    started = time.perf_counter()
    made = 0
    with app.app_context():
        with db.unit_of_work() as session:
            traffic = Traffic(session)
        while made < entries:
            batch: list[Any] = []
            while len(batch) < 1000 and made + len(batch) < entries:
                batch += traffic.one_auction()
            batch = batch[: entries - made]
            with db.unit_of_work() as session:
                record_many(session, batch)
            made += len(batch)
    return made, time.perf_counter() - started


def replay(app: Any) -> dict[str, Any]:
    from core.db import db
    from supervision import readers
    from supervision.warnings import engine
    from supervision.warnings.models import RiskWarning

    with app.app_context():
        started = time.perf_counter()
        decoded = readers.run(
            db.unit_of_work,
            "bench.baseline",
            lambda session, entries: [json.loads(e.payload) for e in entries],
            engine.streaming_actions(),
        )
        baseline_s = time.perf_counter() - started
        started = time.perf_counter()
        read = engine.update_all(db.unit_of_work)
        engine_s = time.perf_counter() - started
        with db.reading() as session:
            by_rule = dict(
                session.execute(
                    select(RiskWarning.rule, func.count()).group_by(RiskWarning.rule)
                ).all()
            )
    return {
        "read": read,
        "engine_s": engine_s,
        "baseline_read": decoded,
        "baseline_s": baseline_s,
        "by_rule": by_rule,
    }


def lag(app: Any, rate: int, seconds: float, interval: float) -> dict[str, Any]:
    from core.db import db
    from supervision import readers
    from supervision.ledger.models import LedgerEntry
    from supervision.ledger.service import record_many
    from supervision.warnings import engine
    from supervision.warnings.models import RiskWarning

    stop = threading.Event()
    appended = {"bids": 0, "awards": 0}
    awards: list[int] = []

    def appender() -> None:
        with app.app_context():
            with db.unit_of_work() as session:
                traffic = Traffic(session)
            traffic.auction = 10_000_019  # the next is the 20th: a single bidder
            start = time.perf_counter()
            while not stop.is_set():
                entries = traffic.one_auction()
                traffic.auction += 19 - traffic.auction % 20  # every auction a single bidder
                bids = [e for e in entries if e.action == "auction.bid_accepted"]
                head, award = entries[0], entries[1 + len(bids)]
                with db.unit_of_work() as session:
                    record_many(session, [head])
                for bid in bids[: max(1, rate)]:
                    due = start + appended["bids"] / rate
                    pause = due - time.perf_counter()
                    if pause > 0:
                        time.sleep(pause)
                    with db.unit_of_work() as session:
                        record_many(session, [bid])
                    appended["bids"] += 1
                    if stop.is_set():
                        break
                with db.unit_of_work() as session:
                    (made,) = record_many(session, [award])
                    awards.append(made.seq)
                appended["awards"] += 1

    with app.app_context():
        with db.unit_of_work() as session:
            readers.rewind(
                session, engine.READER, session.scalar(select(func.max(LedgerEntry.seq)))
            )
        thread = threading.Thread(target=appender, daemon=True)
        thread.start()
        began = time.perf_counter()
        turns: list[float] = []
        while time.perf_counter() - began < seconds:
            turn = time.perf_counter()
            engine.update_all(db.unit_of_work)
            turns.append(time.perf_counter() - turn)
            time.sleep(max(0.0, interval - (time.perf_counter() - turn)))
        stop.set()
        thread.join()
        engine.update_all(db.unit_of_work)
        with db.reading() as session:
            rows = session.execute(
                select(LedgerEntry.at, RiskWarning.raised_at)
                .join(RiskWarning, RiskWarning.trigger_seq == LedgerEntry.seq)
                .where(LedgerEntry.seq.in_(awards))
            ).all()
    lags = [(raised - at).total_seconds() for at, raised in rows]
    return {
        "rate": rate,
        "seconds": seconds,
        "interval": interval,
        "bids": appended["bids"],
        "bid_rate": appended["bids"] / seconds,
        "awards": len(awards),
        "warned": len(lags),
        "lag_p50": percentile(lags, 0.5),
        "lag_p95": percentile(lags, 0.95),
        "lag_max": max(lags) if lags else 0.0,
        "turn_p95": percentile(turns, 0.95),
    }


def report(made: int, fill_s: float, r: dict[str, Any], lagged: dict[str, Any], line: str) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rules = ", ".join(f"{rule} {count}" for rule, count in sorted(r["by_rule"].items()))
    return (
        f"## Warnings engine: replay of the ledger and lag behind live bids\n\n"
        f"Command: `{line}`\n"
        f"Machine: {platform.machine()}, CPython {platform.python_version()}, "
        f"{os.cpu_count()} cores; run on {now}. SQLite (embedded default).\n\n"
        f"| measure | engine (every rule) | baseline (read and decode only) |\n|---|---|---|\n"
        f"| replay from the first entry ({r['read']:,} of the {made:,} entries are of the "
        f"actions the rules read) | {r['engine_s']:.1f} s "
        f"({r['read'] / r['engine_s']:,.0f} entries/s) | {r['baseline_s']:.1f} s "
        f"({r['baseline_read'] / r['baseline_s']:,.0f} entries/s) |\n\n"
        f"- Ledger filled with {made:,} entries in {fill_s:.0f} s ({made / fill_s:,.0f}/s, "
        f"1,000 per transaction); warnings raised in the replay: {rules or 'none'}.\n"
        f"- Live: bids appended at {lagged['bid_rate']:.0f}/s for {lagged['seconds']:.0f} s "
        f"(one transaction each) with {lagged['awards']} single-bidder awards; the engine run "
        f"every {lagged['interval']:.1f} s (its turn p95 {lagged['turn_p95'] * 1000:.0f} ms); "
        f"{lagged['warned']} of {lagged['awards']} warned; lag entry → warning p50 "
        f"{lagged['lag_p50']:.2f} s, p95 {lagged['lag_p95']:.2f} s, max {lagged['lag_max']:.2f} s.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--rate", type=int, default=300, help="live bids per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--interval", type=float, default=1.0, help="WARNINGS_SECONDS")
    parser.add_argument("--write", action="store_true", help="record the report in RESULTS.md")
    args = parser.parse_args()
    line = (
        f".venv/bin/python -m bench.warnings_bench --entries {args.entries} --rate {args.rate} "
        f"--seconds {args.seconds:g} --interval {args.interval:g}"
        + (" --write" if args.write else "")
    )
    with tempfile.TemporaryDirectory(prefix="warnings-bench-") as tmp:
        app = _setup(Path(tmp))
        made, fill_s = fill(app, args.entries)
        r = replay(app)
        lagged = lag(app, args.rate, args.seconds, args.interval)
    text = report(made, fill_s, r, lagged, line)
    print(text)
    if args.write:
        write_section("warnings_bench", text)


if __name__ == "__main__":
    main()
