"""Live auction sockets against the real server (AUC-1, AUC-3, X-1): real python-socketio clients
connect to gunicorn; a connection without credentials is refused, a purchaser of another unit
cannot join, and a bid from one supplier reaches the other supplier and the watching purchaser,
each with what the rules let it see."""

from __future__ import annotations

import secrets
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
import socketio

from core.accounts.demo import DEMO_PASSWORD

NS = "/auction"
WAIT = 10.0


def _session(base: str, username: str) -> tuple[requests.Session, str]:
    http = requests.Session()
    signed = http.post(
        f"{base}/api/auth/signin", json={"username": username, "password": DEMO_PASSWORD}
    )
    assert signed.status_code == 200, signed.text
    return http, signed.json()["csrf_token"]


def _token(base: str, username: str) -> str:
    http, csrf = _session(base, username)
    made = http.post(
        f"{base}/api/auth/tokens", json={"name": "live"}, headers={"X-CSRF-Token": csrf}
    )
    assert made.status_code == 201, made.text
    return made.json()["token"]


class Listener:
    """A connected client that keeps what each event brought."""

    def __init__(self, base: str, token: str) -> None:
        self.client = socketio.Client(reconnection=False)
        self.events: dict[str, list[dict]] = {"state": [], "mine": [], "watch": []}
        self.changed = threading.Condition()
        for name in self.events:
            self.client.on(name, self._keeper(name), namespace=NS)
        self.client.connect(base, namespaces=[NS], auth={"token": token}, wait_timeout=WAIT)

    def _keeper(self, name: str):
        def keep(data: dict) -> None:
            with self.changed:
                self.events[name].append(data)
                self.changed.notify_all()

        return keep

    def call(self, event: str, data: dict) -> dict:
        return self.client.call(event, data, namespace=NS, timeout=WAIT)

    def wait_for(self, name: str, test) -> dict:
        deadline = time.monotonic() + WAIT
        with self.changed:
            while True:
                for data in reversed(self.events[name]):
                    if test(data):
                        return data
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {name} event matched; got {self.events[name][-3:]}")
                self.changed.wait(left)


def create_open_auction(base: str) -> int:
    """A published auction open now (desktops, where both demo suppliers are enrolled), paid from a
    new budget line of the demo school; its id."""
    http, csrf = _session(base, "purchaser")
    headers = {"X-CSRF-Token": csrf}
    year = datetime.now(UTC).year
    line = http.post(
        f"{base}/api/mall/budget-lines",
        json={
            "fiscal_year": year,
            "fund_source": "general",
            "code": f"{year}-JJ-{secrets.token_hex(3).upper()}",
            "name": "竞价测试预算",
            "amount": "3000000.00",
        },
        headers=headers,
    )
    assert line.status_code == 201, line.text
    categories = http.get(f"{base}/api/catalog/categories").json()
    desktop = next(c for c in categories if c["code"] == "A02010104")
    region = http.get(f"{base}/api/regions").json()[0]
    now = datetime.now(UTC)
    created = http.post(
        f"{base}/api/auctions",
        json={
            "title": "台式计算机 500 台网上竞价",
            "category_id": desktop["id"],
            "quantity": 500,
            "delivery_region_id": region["id"],
            "delivery_address": "呼和浩特市新城区第一中学",
            "delivery_date": (now + timedelta(days=20)).date().isoformat(),
            "contact_name": "张老师",
            "contact_phone": "0471-6900000",
            "budget_line_id": line.json()["id"],
            "ceiling": "5000.00",
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(minutes=10)).isoformat(),
            "decrement_mode": "absolute",
            "decrement_value": "10.00",
            "visibility": "ladder",
            "min_bidders": 2,
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    auction = created.json()
    published = http.post(f"{base}/api/auctions/{auction['id']}/publish", headers=headers)
    assert published.status_code == 200, published.text
    return auction["id"]


@pytest.fixture(scope="module")
def live_auction(live_server):
    return live_server, create_open_auction(live_server)


def test_a_socket_without_credentials_is_refused(live_server):
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(live_server, namespaces=[NS], wait_timeout=WAIT)
    client.disconnect()


def test_another_unit_cannot_join(live_auction):
    base, auction_id = live_auction
    other = Listener(base, _token(base, "purchaser.hospital"))
    try:
        refused = other.call("join", {"auction_id": auction_id})
        assert refused["ok"] is False and refused["code"] == "other_organisation"
        bid = other.call("bid", {"auction_id": auction_id, "price": "4000.00"})
        assert bid["ok"] is False and bid["code"] == "not_joined"
    finally:
        other.client.disconnect()


def test_a_bid_reaches_the_other_bidder_and_the_purchaser(live_auction):
    base, auction_id = live_auction
    # The medium enterprise first (ranked as offered), then the small one, whose prices are
    # evaluated 10 % lower in this lot above the SME reservation (MALL-7).
    first = Listener(base, _token(base, "supplier.office"))
    second = Listener(base, _token(base, "supplier"))
    watcher = Listener(base, _token(base, "purchaser"))
    try:
        for client in (first, second, watcher):
            joined = client.call("join", {"auction_id": auction_id})
            assert joined["ok"] is True, joined
        assert watcher.call("join", {"auction_id": auction_id})["role"] == "purchaser"

        sent = first.call("bid", {"auction_id": auction_id, "price": "4990.00"})
        assert sent["ok"] is True, sent
        seen = second.wait_for("state", lambda s: s["best_price"] == "4990.00")
        assert seen["ladder"][0]["label"] == "供应商 1" and "supplier_id" not in seen["ladder"][0]
        watched = watcher.wait_for("watch", lambda w: w["bid_count"] == 1)
        assert watched["bidder_count"] == 1 and watched["ladder"][0]["supplier_id"] is None

        lower = second.call("bid", {"auction_id": auction_id, "price": "4950.00"})
        assert lower["ok"] is True and lower["state"]["mine"]["rank"] == 1
        mine = first.wait_for("mine", lambda m: m["rank"] == 2)
        # 4,950.00 evaluated at 4,455.00: the next allowed is a decrement below that
        assert mine["next_allowed"] == "4445.00" and mine["label"] == "供应商 1"
        assert lower["state"]["mine"]["evaluated_price"] == "4455.00"
        too_high = first.call("bid", {"auction_id": auction_id, "price": "4945.00"})
        assert too_high["ok"] is False and too_high["code"] == "bid_decrement"
    finally:
        for client in (first, second, watcher):
            client.client.disconnect()
