"""The bidders: real python-socketio clients (websocket transport), one per bidder, plus one watcher
per auction, spread over several OS processes so that taking in the room updates is not the
client side's limit. Bids are sent at a fixed total rate, round-robin over the bidders; each bid's
latency is the time from sending it to the moment the auction's watcher first sees an update that
includes it (``bid_count`` ≥ the bid's sequence number). Times are ``time.monotonic()``, one clock
for every process of the machine.

    python -m bench.bidders --url http://127.0.0.1:5101 --setup setup.json --rates 20,100 --seconds 8
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import time
from decimal import Decimal
from multiprocessing.connection import Connection
from typing import Any

import socketio

NS = "/auction"


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class Watcher:
    def __init__(self, index: int, auction_id: int) -> None:
        self.index = index
        self.auction_id = auction_id
        self.client = socketio.AsyncClient(reconnection=False)
        self.seen: list[tuple[float, int]] = []  # (time, bid_count)
        self.client.on("watch", self._watch, namespace=NS)

    async def _watch(self, data: dict[str, Any]) -> None:
        self.seen.append((time.monotonic(), int(data.get("bid_count") or 0)))


def first_seen(seen: list[tuple[float, int]], seq: int) -> float | None:
    for at, count in seen:
        if count >= seq:
            return at
    return None


async def _connect(url: str, token: str, auction_id: int) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(
        url, namespaces=[NS], auth={"token": token}, transports=["websocket"], wait_timeout=30
    )
    joined = await client.call("join", {"auction_id": auction_id}, namespace=NS, timeout=30)
    assert joined.get("ok"), joined
    return client


# ---------------------------------------------------------------- one worker process


async def _worker(
    conn: Connection,
    url: str,
    setup: dict[str, Any],
    seats: list[tuple[int, int, int]],  # (global seat number, auction index, bidder index)
    watched: list[int],  # auction indexes whose watcher lives here
    n_seats: int,
) -> None:
    loop = asyncio.get_running_loop()
    auctions = setup["auctions"]
    tokens = [b["token"] for b in setup["bidders"]]
    watchers: list[Watcher] = []
    for i in watched:
        watcher = Watcher(i, auctions[i]["id"])
        await watcher.client.connect(
            url,
            namespaces=[NS],
            auth={"token": setup["watcher_token"]},
            transports=["websocket"],
            wait_timeout=30,
        )
        joined = await watcher.client.call(
            "join", {"auction_id": auctions[i]["id"]}, namespace=NS, timeout=30
        )
        assert joined["ok"], joined
        watchers.append(watcher)
    clients: dict[int, tuple[int, socketio.AsyncClient]] = {}
    for number, i, b in seats:
        clients[number] = (i, await _connect(url, tokens[b], auctions[i]["id"]))
    prices = {number: Decimal(auctions[i]["ceiling"]) for number, (i, _) in clients.items()}
    conn.send(("ready", len(clients), len(watchers)))

    while True:
        command = await loop.run_in_executor(None, conn.recv)
        if command[0] == "stop":
            break
        if command[0] == "collect":
            conn.send(("seen", {w.index: w.seen for w in watchers}))
            for w in watchers:
                w.seen = []
            continue
        _, rate, total, start = command
        acks: list[tuple[float, float, bool]] = []  # (sent, acked, accepted)
        sent: list[tuple[int, int, float]] = []  # (auction index, seq, send time)
        errors: dict[str, int] = {}

        async def one(
            i: int,
            client: socketio.AsyncClient,
            price: Decimal,
            at: float,
            acks: list[tuple[float, float, bool]] = acks,
            sent: list[tuple[int, int, float]] = sent,
            errors: dict[str, int] = errors,
        ) -> None:
            try:
                answer = await client.call(
                    "bid",
                    {"auction_id": auctions[i]["id"], "price": str(price)},
                    namespace=NS,
                    timeout=30,
                )
            except socketio.exceptions.TimeoutError:
                answer = {"ok": False, "code": "timeout"}
            done = time.monotonic()
            acks.append((at, done, bool(answer.get("ok"))))
            if answer.get("ok"):
                sent.append((i, int(answer["seq"]), at))
            else:
                code = str(answer.get("code"))
                errors[code] = errors.get(code, 0) + 1

        tasks = []
        for n in range(total):
            number = n % n_seats
            if number not in clients:
                continue
            delay = start + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            i, client = clients[number]
            prices[number] -= Decimal("0.01")
            tasks.append(asyncio.create_task(one(i, client, prices[number], time.monotonic())))
        await asyncio.gather(*tasks)
        conn.send(("acked", acks, sent, errors))

    for _, client in clients.values():
        await client.disconnect()
    for watcher in watchers:
        await watcher.client.disconnect()


def _worker_main(conn: Connection, *args: Any) -> None:
    try:
        asyncio.run(_worker(conn, *args))
    except BaseException as error:
        conn.send(("error", f"{type(error).__name__}: {error}"))
        raise


# ---------------------------------------------------------------- the coordinator


def _gather(conns: list[Connection], kind: str) -> list[tuple[Any, ...]]:
    answers = []
    for conn in conns:
        answer = conn.recv()
        if answer[0] == "error":
            raise RuntimeError(f"a bidder process failed: {answer[1]}")
        assert answer[0] == kind, answer
        answers.append(answer)
    return answers


def _step(conns: list[Connection], rate: int, seconds: float) -> dict[str, Any]:
    """Bids at ``rate`` a second for ``seconds`` over every worker; what became of them."""
    total = int(rate * seconds)
    start = time.monotonic() + 0.5
    for conn in conns:
        conn.send(("step", rate, total, start))
    acks: list[tuple[float, float, bool]] = []
    sent: dict[tuple[int, int], float] = {}
    errors: dict[str, int] = {}
    for _, part_acks, part_sent, part_errors in _gather(conns, "acked"):
        acks += part_acks
        sent.update({(i, seq): at for i, seq, at in part_sent})
        for code, n in part_errors.items():
            errors[code] = errors.get(code, 0) + n
    time.sleep(1.0)  # let the last updates arrive
    for conn in conns:
        conn.send(("collect",))
    seen: dict[int, list[tuple[float, int]]] = {}
    for _, part in _gather(conns, "seen"):
        seen.update(part)
    accepted = [a for a in acks if a[2]]
    span = max(a[1] for a in acks) - start if acks else seconds
    latencies = []
    for (i, seq), at in sent.items():
        at_seen = first_seen(seen.get(i, []), seq)
        if at_seen is not None:
            latencies.append((at_seen - at) * 1000)
    ack_ms = [(a[1] - a[0]) * 1000 for a in acks]
    return {
        "offered": rate,
        "sent": total,
        "accepted": len(accepted),
        "rejected": len(acks) - len(accepted),
        "errors": errors,
        "accepted_per_s": round(len(accepted) / span, 1),
        "seconds": round(span, 2),
        "broadcast_ms": {
            "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95),
            "p99": percentile(latencies, 99),
            "missing": len(sent) - len(latencies),
        },
        "ack_ms": {
            "p50": percentile(ack_ms, 50),
            "p99": percentile(ack_ms, 99),
            "mean": round(statistics.fmean(ack_ms), 1) if ack_ms else None,
        },
    }


def run(
    url: str,
    setup: dict[str, Any],
    rates: list[int],
    seconds: float,
    processes: int,
    warmup: float = 3.0,
) -> dict[str, Any]:
    seats = [
        (number, i, b)
        for number, (i, b) in enumerate(
            (i, b) for i, auction in enumerate(setup["auctions"]) for b in auction["bidders"]
        )
    ]
    processes = max(1, min(processes, len(seats)))
    context = multiprocessing.get_context("spawn")
    conns: list[Connection] = []
    workers = []
    for p in range(processes):
        parent, child = context.Pipe()
        worker = context.Process(
            target=_worker_main,
            args=(
                child,
                url,
                setup,
                [s for s in seats if s[0] % processes == p],
                [i for i in range(len(setup["auctions"])) if i % processes == p],
                len(seats),
            ),
            daemon=True,
        )
        worker.start()
        conns.append(parent)
        workers.append(worker)
    try:
        _gather(conns, "ready")
        if warmup > 0 and rates:
            _step(conns, rates[0], warmup)  # not counted: the server's first moments under load
        results = []
        for rate in rates:
            results.append(_step(conns, rate, seconds))
            if results[-1]["accepted_per_s"] < 0.8 * rate:
                break  # past what the server keeps up with: higher rates would only queue
        for conn in conns:
            conn.send(("stop",))
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.terminate()
    return {
        "clients": len(seats),
        "auctions": len(setup["auctions"]),
        "processes": processes,
        "steps": results,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--setup", required=True)
    parser.add_argument("--rates", default="20,100")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument(
        "--warmup", type=float, default=3.0, help="seconds of bids at the first rate, not counted"
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=int(os.environ.get("BENCH_BIDDER_PROCESSES", "4")),
        help="OS processes the clients are spread over",
    )
    args = parser.parse_args(argv)
    with open(args.setup) as f:
        setup = json.load(f)
    rates = [int(r) for r in args.rates.split(",")]
    print(json.dumps(run(args.url, setup, rates, args.seconds, args.processes, args.warmup)))


if __name__ == "__main__":
    main()
