"""The auction benchmark's report: the table and notes written into bench/RESULTS.md from the runs
of ``bench.auction_bench``."""

from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def _max_sustained(steps: list[dict[str, Any]]) -> float:
    """The highest accepted rate among the steps the server kept up with (≥ 95 % of the offered
    rate, and broadcast p99 under a second)."""
    best = 0.0
    for step in steps:
        p99 = step["broadcast_ms"]["p99"]
        if step["accepted_per_s"] >= 0.95 * step["offered"] and p99 is not None and p99 < 1000:
            best = max(best, step["accepted_per_s"])
    return best


def args_processes(runs: dict[str, dict[str, Any]]) -> int:
    """How many client processes the sockets were spread over (the same for every run)."""
    return max(run["one"].get("processes", 1) for run in runs.values())


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def report(runs: dict[str, dict[str, Any]], command: str) -> str:
    lines = [
        "## Live auctions: bid → broadcast over websockets",
        "",
        f"Command: `{command}`",
        f"Machine: {platform.machine()}, CPython {platform.python_version()}, "
        f"{os.cpu_count()} cores; run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"One auction, 100 bidders (python-socketio, websocket transport, spread over "
        f"{args_processes(runs)} client processes) and a watcher; bids at a fixed total rate for a "
        "few seconds per step, after 3 s of bids at the first rate that are not counted. Latency: send → "
        "the watcher's first room update that includes the bid. The bare baseline is a "
        "Flask-SocketIO server under gevent that acknowledges and broadcasts each bid with no "
        "database, rules or ledger.",
        "",
        "| server | max sustained accepted bids/s | at 20/s p50 / p95 / p99 ms | "
        "at 100/s p50 / p95 / p99 ms |",
        "|---|---|---|---|",
    ]
    for name, run in runs.items():
        steps = {s["offered"]: s for s in run["one"]["steps"]}

        def cell(rate: int, steps: dict[int, dict[str, Any]] = steps) -> str:
            s = steps.get(rate)
            if s is None:
                return "—"
            b = s["broadcast_ms"]
            return f"{_fmt(b['p50'])} / {_fmt(b['p95'])} / {_fmt(b['p99'])}"

        lines.append(
            f"| {name} | {_max_sustained(run['one']['steps']):.0f} | {cell(20)} | {cell(100)} |"
        )
    lines += ["", "Every step (offered → accepted/s, broadcast p99, ack p99):", ""]
    for name, run in runs.items():
        steps = ", ".join(
            f"{s['offered']}→{s['accepted_per_s']} ({_fmt(s['broadcast_ms']['p99'])} ms, "
            f"ack {_fmt(s['ack_ms']['p99'])} ms)"
            for s in run["one"]["steps"]
        )
        lines.append(f"- {name}: {steps}")
    lines.append("")
    for name, run in runs.items():
        many = run.get("many")
        if many:
            (s,) = many["steps"]
            b = s["broadcast_ms"]
            lines.append(
                f"- {name}, {many['auctions']} auctions × {many['clients'] // many['auctions']} "
                f"bidders at once, {s['offered']} bids/s in all: {s['accepted_per_s']} accepted/s, "
                f"broadcast p50 / p95 / p99 {_fmt(b['p50'])} / {_fmt(b['p95'])} / "
                f"{_fmt(b['p99'])} ms."
            )
        ledger = run.get("ledger")
        if ledger:
            lines.append(
                f"- {name} ledger: {ledger['bids']} accepted bids, {ledger['ledgered']} "
                f"`auction.bid_accepted` entries, {ledger.get('missing', '?')} accepted bids "
                f"missing from the ledger; `flask ledger verify`: "
                f"{'passed' if ledger['verify_ok'] else 'FAILED'} ({' '.join(ledger['verify'])})."
            )
    return "\n".join(lines) + "\n"


def write(section: str) -> None:
    text_ = RESULTS.read_text()
    begin, end = "<!-- auction_bench:begin -->", "<!-- auction_bench:end -->"
    block = f"{begin}\n{section}{end}"
    if begin in text_:
        text_ = re.sub(re.escape(begin) + ".*?" + re.escape(end), block, text_, flags=re.S)
    else:
        text_ = text_.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text_)
