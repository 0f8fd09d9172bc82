"""The bidders: real python-socketio clients (websocket transport) in this process, one per bidder,
plus one watcher per auction. Bids are sent at a fixed total rate, round-robin over the bidders;
each bid's latency is the time from sending it to the moment the auction's watcher first sees an
update that includes it (``bid_count`` ≥ the bid's sequence number).

    python -m bench.bidders --url http://127.0.0.1:5101 --setup setup.json --rates 20,100 --seconds 8
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from decimal import Decimal
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
    def __init__(self, auction_id: int) -> None:
        self.auction_id = auction_id
        self.client = socketio.AsyncClient(reconnection=False)
        self.seen: list[tuple[float, int]] = []  # (time, bid_count)
        self.client.on("watch", self._watch, namespace=NS)

    async def _watch(self, data: dict[str, Any]) -> None:
        self.seen.append((time.perf_counter(), int(data.get("bid_count") or 0)))

    def first_seen(self, seq: int) -> float | None:
        for at, count in self.seen:
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


async def run(url: str, setup: dict[str, Any], rates: list[int], seconds: float) -> dict[str, Any]:
    tokens = [b["token"] for b in setup["bidders"]]
    seats: list[tuple[int, socketio.AsyncClient]] = []  # (auction index, client)
    watchers: list[Watcher] = []
    for index, auction in enumerate(setup["auctions"]):
        watcher = Watcher(auction["id"])
        await watcher.client.connect(
            url,
            namespaces=[NS],
            auth={"token": setup["watcher_token"]},
            transports=["websocket"],
            wait_timeout=30,
        )
        assert (await watcher.client.call("join", {"auction_id": auction["id"]}, namespace=NS))[
            "ok"
        ]
        watchers.append(watcher)
        for b in auction["bidders"]:
            seats.append((index, await _connect(url, tokens[b], auction["id"])))
    prices = {(i, id(c)): Decimal(setup["auctions"][i]["ceiling"]) for i, c in seats}
    results = []
    for rate in rates:
        sent: dict[tuple[int, int], float] = {}  # (auction index, seq) → send time
        acks: list[tuple[float, float, bool]] = []  # (sent, acked, accepted)
        tasks = []
        start = time.perf_counter()
        total = int(rate * seconds)

        async def one(
            i: int,
            client: socketio.AsyncClient,
            price: Decimal,
            at: float,
            acks: list[tuple[float, float, bool]] = acks,
            sent: dict[tuple[int, int], float] = sent,
        ) -> None:
            try:
                answer = await client.call(
                    "bid",
                    {"auction_id": setup["auctions"][i]["id"], "price": str(price)},
                    namespace=NS,
                    timeout=30,
                )
            except socketio.exceptions.TimeoutError:
                answer = {"ok": False, "code": "timeout"}
            done = time.perf_counter()
            acks.append((at, done, bool(answer.get("ok"))))
            if answer.get("ok"):
                sent[(i, int(answer["seq"]))] = at

        for n in range(total):
            due = start + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            i, client = seats[n % len(seats)]
            key = (i, id(client))
            prices[key] -= Decimal("0.01")
            tasks.append(asyncio.create_task(one(i, client, prices[key], time.perf_counter())))
        await asyncio.gather(*tasks)
        await asyncio.sleep(1.0)  # let the last updates arrive
        accepted = [a for a in acks if a[2]]
        span = max(a[1] for a in acks) - start if acks else seconds
        latencies = []
        for (i, seq), at in sent.items():
            seen = watchers[i].first_seen(seq)
            if seen is not None:
                latencies.append((seen - at) * 1000)
        ack_ms = [(a[1] - a[0]) * 1000 for a in acks]
        results.append(
            {
                "offered": rate,
                "sent": total,
                "accepted": len(accepted),
                "rejected": len(acks) - len(accepted),
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
        )
        for watcher in watchers:
            watcher.seen.clear()
        if results[-1]["accepted_per_s"] < 0.8 * rate:
            break  # past what the server keeps up with: higher rates would only queue
    for _, client in seats:
        await client.disconnect()
    for watcher in watchers:
        await watcher.client.disconnect()
    return {"clients": len(seats), "auctions": len(watchers), "steps": results}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--setup", required=True)
    parser.add_argument("--rates", default="20,100")
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args(argv)
    with open(args.setup) as f:
        setup = json.load(f)
    rates = [int(r) for r in args.rates.split(",")]
    print(json.dumps(asyncio.run(run(args.url, setup, rates, args.seconds))))


if __name__ == "__main__":
    main()
