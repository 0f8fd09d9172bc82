"""Ledger transparency-log benchmark (SUP-1): proofs at 10,000,000 entries, the tree's full
rebuild, appends, and incremental verification — each beside a baseline measured in the same run.

Part one — proofs (synthetic). A tree of N leaves (leaf i = SHA-256(0x00 ‖ i)) is built into the
mall's node table (``ledger_tree_nodes``, with its hash index) in a SQLite file, the way
``tree.build`` rebuilds it over existing entries: reported as the full rebuild. Then random
inclusion proofs (leaf in the whole tree) and consistency proofs (a random earlier size to the
whole tree) are read from it with the mall's own functions (``supervision.ledger.tree``), each
checked by the independent verifier. Baseline: one inclusion proof computed from the leaves alone
(what keeping only the leaves would cost).

Part two — appends and verification (real). A fresh mall database (migrations); M entries
appended through ``supervision.ledger.record_many`` in transactions of 100 (chain, tree and head
in each); ``verify_log`` over all of them (the baseline: a walk from the first entry); M more
entries; ``verify_log`` again from where the first stopped (incremental: the new entries only).

    .venv/bin/python -m bench.ledger_bench --entries 10000000 --appends 100000 --write
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bench.results import write_section


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _leaf(i: int) -> bytes:
    return hashlib.sha256(b"\x00" + i.to_bytes(8, "big")).digest()


def proofs(entries: int, samples: int, work: Path) -> dict[str, Any]:
    from supervision.ledger import merkle, tree
    from supervision.ledger.models import LedgerNode, node_key
    from tools import ledger_verifier as verifier

    engine = create_engine(f"sqlite:///{work / 'tree.sqlite3'}")
    LedgerNode.__table__.create(engine)
    started = time.perf_counter()
    size, edge, chunk = 0, [], 200_000
    with engine.begin() as conn:
        while size < entries:
            leaves = [_leaf(i) for i in range(size, min(entries, size + chunk))]
            made, edge = merkle.append(size, edge, leaves)
            conn.execute(
                LedgerNode.__table__.insert(),
                [{"key": node_key(lv, i), "hash": h} for lv, i, h in made],
            )
            size += len(leaves)
    build = time.perf_counter() - started
    root = merkle.fold(edge)

    rng = random.Random(20261207)
    inclusion_ms, consistency_ms = [], []
    with Session(engine) as session:
        assert tree.root(session, entries) == root
        for _ in range(samples):
            index = rng.randrange(entries)
            t = time.perf_counter()
            proof = tree.inclusion_proof(session, index, entries)
            inclusion_ms.append((time.perf_counter() - t) * 1000)
            verifier.verify_inclusion(index, entries, _leaf(index), proof, root)
        for _ in range(samples):
            older = rng.randrange(1, entries)
            t = time.perf_counter()
            proof = tree.consistency_proof(session, older, entries)
            consistency_ms.append((time.perf_counter() - t) * 1000)
            verifier.verify_consistency(older, entries, proof, tree.root(session, older), root)
        # baseline: one inclusion proof from the leaves alone
        t = time.perf_counter()
        table = LedgerNode.__table__
        leaves = [
            bytes(h)
            for h in session.scalars(
                select(table.c.hash).where(table.c.key < entries).order_by(table.c.key)
            )
        ]
        index = rng.randrange(entries)
        baseline_proof = [
            _range_from_leaves(leaves, start, end)
            for start, end in merkle.inclusion_ranges(index, entries)
        ]
        baseline = time.perf_counter() - t
        verifier.verify_inclusion(index, entries, leaves[index], baseline_proof, root)
    db_bytes = (work / "tree.sqlite3").stat().st_size
    engine.dispose()
    return {
        "entries": entries,
        "build_s": build,
        "db_mb": db_bytes / 1e6,
        "inclusion": inclusion_ms,
        "consistency": consistency_ms,
        "baseline_s": baseline,
    }


def _range_from_leaves(leaves: list[bytes], start: int, end: int) -> bytes:
    """RFC 9162 MTH over leaves[start:end], level by level."""
    from supervision.ledger.merkle import node_hash

    level = leaves[start:end]
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def appends_and_verify(appends: int, work: Path) -> dict[str, Any]:
    os.environ["MALL_INSTANCE_PATH"] = str(work)
    from core.accounts.auth import SYSTEM
    from core.cli import alembic_config
    from core.db import db
    from mall.app import create_app
    from supervision.ledger import verification
    from supervision.ledger.service import Entry, record_many

    url = f"sqlite:///{work / 'mall.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    app = create_app({"DATABASE_URL": url, "SEARCH_INDEX_PATH": None, "TESTING": True})
    batch = 100

    def append(count: int, offset: int) -> float:
        started = time.perf_counter()
        for first in range(0, count, batch):
            with db.unit_of_work() as session:
                record_many(
                    session,
                    [
                        Entry(
                            SYSTEM,
                            "bench.appended",
                            ("bench", offset + first + i),
                            {"price": f"{100 + i}.00", "quantity": i},
                        )
                        for i in range(min(batch, count - first))
                    ],
                )
        return time.perf_counter() - started

    def walk(full: bool) -> tuple[float, Any]:
        session = db.new_session(write=False)
        started = time.perf_counter()
        try:
            report = verification.verify_log(session, app.config, full=full)
        finally:
            session.close()
        took = time.perf_counter() - started
        assert report.ok, report
        with db.unit_of_work() as session:
            verification.save(session, report)
        return took, report

    with app.app_context():
        first_appends = append(appends, 0)
        full_s, full = walk(True)
        second_appends = append(appends, appends)
        incremental_s, incremental = walk(False)
        full_all_s, full_all = walk(True)
    return {
        "appends": appends,
        "append_rate": 2 * appends / (first_appends + second_appends),
        "first_s": full_s,
        "first_entries": full.entries,
        "full_s": full_all_s,
        "full_entries": full_all.entries,
        "incremental_s": incremental_s,
        "incremental_entries": incremental.entries - incremental.started_after,
    }


def report(p: dict[str, Any], a: dict[str, Any], line: str) -> str:
    def row(name: str, values: list[float]) -> str:
        return (
            f"| {name} | {percentile(values, 0.5):.2f} | {percentile(values, 0.95):.2f} | "
            f"{max(values):.2f} |"
        )

    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            f"## Ledger transparency log: proofs at {p['entries']:,} entries, appends, verification",
            "",
            f"Command: `{line}`",
            f"Machine: {platform.machine()}, CPython {platform.python_version()}, 2 cores; "
            f"run on {when}.",
            "",
            f"Proofs from the stored tree of {p['entries']:,} synthetic leaves (SQLite, "
            f"{p['db_mb']:.0f} MB), {len(p['inclusion'])} of each, every one checked by "
            "`tools/ledger_verifier.py`:",
            "",
            "| per proof, ms | p50 | p95 | max |",
            "|---|---|---|---|",
            row("inclusion (leaf in the whole tree)", p["inclusion"]),
            row("consistency (random size → whole tree)", p["consistency"]),
            "",
            f"Baseline, the same run: one inclusion proof from the leaves alone took "
            f"**{p['baseline_s']:.1f} s**. Full rebuild of the tree over {p['entries']:,} leaves "
            f"(hashing and writing every perfect subtree): **{p['build_s']:.0f} s**.",
            "",
            f"Appends through `record_many` (chain, tree and head in each transaction of 100), "
            f"SQLite: **{a['append_rate']:,.0f} entries/s**. Verification (`verify_log`: chain, "
            f"leaves, every tree node, checkpoints): over the first {a['first_entries']:,} entries "
            f"{a['first_s']:.1f} s; then, with {a['incremental_entries']:,} more, incremental over "
            f"the entries added since **{a['incremental_s']:.1f} s** (target < 10 s for 100,000) "
            f"against the baseline, a walk from the first entry over all {a['full_entries']:,}: "
            f"**{a['full_s']:.1f} s**.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--appends", type=int, default=100_000)
    parser.add_argument("--write", action="store_true", help="record the report in RESULTS.md")
    args = parser.parse_args()
    line = (
        f".venv/bin/python -m bench.ledger_bench --entries {args.entries} "
        f"--samples {args.samples} --appends {args.appends}" + (" --write" if args.write else "")
    )
    with tempfile.TemporaryDirectory(prefix="ledger-bench-") as tmp:
        work = Path(tmp)
        p = proofs(args.entries, args.samples, work)
        a = appends_and_verify(args.appends, work)
    text = report(p, a, line)
    print(text)
    if args.write:
        write_section("ledger_bench", text)


if __name__ == "__main__":
    main()
