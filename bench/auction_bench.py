"""Auction fan-out benchmark: real socket clients bidding into the mall, on SQLite and PostgreSQL,
against a bare Flask-SocketIO broadcast server measured in the same run.

For each server: 100 bidders (python-socketio, websocket transport, spread over several client
processes so that the load generator is not the limit) and a watcher join one auction; bids go at
rising total rates for a few seconds each; the report gives accepted bids/s and bid → broadcast
latency (send → the watcher's first update that includes the bid). Then 50 auctions of 20 bidders
each run at once. Afterwards every accepted bid must be on the ledger and ``flask ledger verify``
must pass.

The mall runs under its default rate limits (core/limits.py): ``RATE_LIMIT_BIDS=10/second`` per
bidding organisation. The highest step offers 300 bids/s round-robin over 100 bidders, 3 a second
each, and the many-auction run 100 bids/s over 1,000 bidders, so no bid is throttled; the tokens
are issued by ``bench.auction_setup`` directly, outside the token limit.

    .venv/bin/python -m bench.auction_bench --write
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
from sqlalchemy import create_engine, func, select, text

from bench.auction_report import report, write

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited with {server.returncode}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def _serve(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    out = log.open("a")
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def _database(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp}/bench.sqlite3"
    name = f"bench_{int(time.time())}"
    engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    engine.dispose()
    return f"{PG_URL}?options={quote(f'-csearch_path={name}')}"


def _bidders(
    url: str, setup: Path, rates: list[int], seconds: float, processes: int
) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.bidders",
            "--url",
            url,
            "--setup",
            str(setup),
            "--rates",
            ",".join(map(str, rates)),
            "--seconds",
            str(seconds),
            "--processes",
            str(processes),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the bidders failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _mall(kind: str, tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    database = _database(kind, tmp)
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "MALL_INSTANCE_PATH": str(tmp),
        "SECRET_KEY": "bench-secret-key-0123456789",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp / f"{kind}.log"
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    results: dict[str, Any] = {"database": kind}
    for label, auctions, per_auction, rates in (
        ("one", 1, args.bidders, args.rates),
        ("many", args.many_auctions, args.many_bidders, [args.many_rate]),
    ):
        if auctions == 0:
            continue
        setup = tmp / f"{kind}-{label}.json"
        with setup.open("w") as f:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.auction_setup",
                    "--database-url",
                    database,
                    "--bidders",
                    str(auctions * per_auction if label == "many" else per_auction),
                    "--auctions",
                    str(auctions),
                    "--per-auction",
                    str(per_auction),
                ],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=f,
            )
        port = _free_port()
        server = _serve(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            {**env, "MALL_BIND": f"127.0.0.1:{port}"},
            log,
        )
        spy = None
        try:
            _wait(f"http://127.0.0.1:{port}/signin", server)
            if args.profile:
                spy = _profile(server, Path(args.profile) / f"{kind}-{label}.txt")
            results[label] = _bidders(
                f"http://127.0.0.1:{port}", setup, rates, args.seconds, args.processes
            )
        finally:
            if spy is not None:
                spy.send_signal(2)
                spy.wait(timeout=60)
            _stop(server)
    results["ledger"] = _check_ledger(database, env)
    return results


def _profile(server: subprocess.Popen, out: Path) -> subprocess.Popen:
    """py-spy on the gunicorn worker (the server's only child) until interrupted."""
    out.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + 10
    children: list[str] = []
    while not children and time.monotonic() < deadline:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        time.sleep(0.1)
    spy = Path(sys.executable).parent / "py-spy"
    return subprocess.Popen(
        [
            str(spy),
            "record",
            "-p",
            children[0],
            "-o",
            str(out),
            "-r",
            "200",
            "--nonblocking",
            "-f",
            "raw",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _check_ledger(database: str, env: dict[str, str]) -> dict[str, Any]:
    """Every accepted bid is on the ledger, and the chain verifies."""
    from auction.models import Bid
    from core.config import _database_url
    from supervision.ledger.models import LedgerEntry

    engine = create_engine(_database_url(database, Path(env["MALL_INSTANCE_PATH"])))
    with engine.connect() as conn:
        bids = conn.scalar(select(func.count()).select_from(Bid))
        bid_ids = set(conn.scalars(select(Bid.id)))
        payloads = list(
            conn.scalars(
                select(LedgerEntry.payload).where(LedgerEntry.action == "auction.bid_accepted")
            )
        )
    engine.dispose()
    entries = len(payloads)
    missing = len(bid_ids - {json.loads(p)["bid_id"] for p in payloads})
    verify = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "ledger", "verify"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return {
        "bids": bids,
        "ledgered": entries,
        "missing": missing,
        "verify_ok": verify.returncode == 0,
        "verify": (verify.stdout or verify.stderr).strip().splitlines()[-1:],
    }


def _bare(tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    port = _free_port()
    setup = tmp / "bare.json"
    setup.write_text(
        json.dumps(
            {
                "watcher_token": "-",
                "bidders": [{"token": "-"} for _ in range(args.bidders)],
                "auctions": [
                    {"id": 1, "ceiling": "3000000.00", "bidders": list(range(args.bidders))}
                ],
            }
        )
    )
    server = _serve(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "/dev/null",
            "-k",
            "gevent",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "bench.bare_server:app",
        ],
        {**os.environ},
        tmp / "bare.log",
    )
    try:
        _wait(f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling", server)
        return {
            "one": _bidders(
                f"http://127.0.0.1:{port}", setup, args.rates, args.seconds, args.processes
            )
        }
    finally:
        _stop(server)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--bidders", type=int, default=100)
    parser.add_argument("--rates", default="20,50,100,150,200,300")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--many-auctions", type=int, default=50)
    parser.add_argument("--many-bidders", type=int, default=20)
    parser.add_argument("--many-rate", type=int, default=100)
    parser.add_argument(
        "--processes", type=int, default=4, help="client processes the sockets are spread over"
    )
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the bare server (for trying changes only)"
    )
    parser.add_argument(
        "--profile", metavar="DIR", help="record py-spy flame graphs of the mall's worker into DIR"
    )
    args = parser.parse_args(argv)
    args.rates = [int(r) for r in args.rates.split(",")]
    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        if args.write and args.no_baseline:
            parser.error("results are written only with the baseline measured in the same run")
        if not args.no_baseline:
            runs["bare Flask-SocketIO (baseline)"] = _bare(tmp, args)
        for kind in args.databases.split(","):
            runs[f"mall on {kind}"] = _mall(kind, tmp, args)
            print(json.dumps(runs[f"mall on {kind}"]["one"]["steps"]), file=sys.stderr)
    command = "python -m bench.auction_bench " + " ".join(argv or sys.argv[1:])
    section = report(runs, command.strip())
    print(section)
    print(json.dumps(runs, indent=1), file=sys.stderr)
    if args.write:
        write(section)


if __name__ == "__main__":
    main()
