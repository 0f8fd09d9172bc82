"""Writers in a storm on the embedded database (MALL-5 callbacks applied once, AUC-1 on time).

The mall is served the way an operator starts it on the embedded default: a SQLite file and one
gunicorn gevent worker, whose auction clock and periodic jobs run beside the requests. The gateway
delivers one signed callback twenty times at once, while the callbacks of other payments arrive too
and an auction is due to open. Every delivery is answered at once and without a server error, the
payment is applied exactly once, and the clock keeps turning: the auction opens on time.

The storm runs on SQLite only: PostgreSQL has row locks and its writers never queue on one database
lock.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import secrets
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from flask import Flask
from sqlalchemy import text

from core.accounts.demo import DEMO_PASSWORD
from core.db import Database
from tests import dbutil
from tests.frontend.conftest import ROOT, SECRET_KEY, _answers, _free_port, _python, _run_step

on_sqlite = pytest.mark.skipif(
    dbutil.is_postgres(dbutil.base_url("")),
    reason="the embedded database's single writer lock: runs on SQLite (TEST_DATABASE_URL unset)",
)

#: Deliveries of the one callback, and the other payments whose callbacks come at the same time.
DELIVERIES = 20
OTHERS = 4
#: The slowest answer allowed, and how late the auction may open.
SLOWEST_SECONDS = 2.0
OPEN_WITHIN_SECONDS = 3.0
#: How long a client waits for an answer (a stalled worker shows as a timeout).
CLIENT_TIMEOUT = 10.0
#: Some gateways send the headers and the body of a callback as separate packets.
BODY_DELAY_SECONDS = 0.05
WEBHOOK = "/api/mall/payments/webhook"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The mall on a fresh SQLite file, served by gunicorn with the project's configuration."""
    tmp = tmp_path_factory.mktemp("storm")
    log = tmp / "server.log"
    port = _free_port()
    database_url = dbutil.fresh_url(dbutil.base_url(str(tmp)), "storm", str(tmp))
    dbutil.upgrade(database_url)  # what ``flask db upgrade`` runs, without starting the app
    env = {
        **os.environ,
        "MALL_INSTANCE_PATH": str(tmp),
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "MALL_BIND": f"127.0.0.1:{port}",
        "PYTHONUNBUFFERED": "1",
        "MALL_DEMO_LISTINGS": "40",
        "MALL_TICK_SECONDS": "2",  # the periodic jobs run during the storm as well
    }
    _run_step(["flask", "--app", "wsgi", "demo", "load"], env, log)
    base = f"http://127.0.0.1:{port}"
    with log.open("a") as out:
        process = subprocess.Popen(
            [_python(), "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while not _answers(f"{base}/signin"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield base, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class Client:
    """A signed-in JSON client of the running server."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.http = requests.Session()
        signed = self.http.post(
            f"{base}/api/auth/signin", json={"username": username, "password": DEMO_PASSWORD}
        )
        assert signed.status_code == 200, signed.text
        self.http.headers["X-CSRF-Token"] = signed.json()["csrf_token"]

    def call(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        response = self.http.request(method, self.base + path, json=body, timeout=CLIENT_TIMEOUT)
        assert response.status_code == status, f"{method} {path}: {response.text}"
        return response.json()


@dataclass
class Paying:
    """An order whose payment the gateway has taken and not yet settled."""

    order_id: int
    payment_id: int
    gateway_ref: str
    amount: Decimal
    checkout_url: str


def _orderable_listing(supplier: Client, purchaser: Client) -> dict[str, Any]:
    path = purchaser.call("GET", "/api/auth/me")["region"]["path"]
    regions = {int(part) for part in path.strip("/").split("/")}
    goods = {
        c["id"] for c in purchaser.call("GET", "/api/catalog/categories") if c["kind"] == "goods"
    }
    listings = supplier.call("GET", "/api/catalog/listings?status=approved&per_page=100")["items"]
    for listing in listings:
        if (
            listing["category_id"] in goods
            and listing["stock"] >= 1 + OTHERS
            and regions & set(listing["region_ids"])
        ):
            return listing
    pytest.fail(f"the demo supplier has no listing delivering to {path}")


def _paying_orders(purchaser: Client, supplier: Client, count: int) -> tuple[int, list[Paying]]:
    """``count`` accepted orders with signed contracts and a payment each at the sandbox gateway,
    paid from a new budget line; the line's id and the payments."""
    listing = _orderable_listing(supplier, purchaser)
    line = purchaser.call(
        "POST",
        "/api/mall/budget-lines",
        {
            "fiscal_year": datetime.now(ZoneInfo("Asia/Shanghai")).year,
            "fund_source": "general",
            "code": f"STORM-{secrets.token_hex(3).upper()}",
            "name": "并发回调测试预算",
            "amount": "900000.00",
        },
        status=201,
    )["id"]
    paying = []
    for _ in range(count):
        purchaser.call(
            "POST", "/api/mall/cart/items", {"listing_id": listing["id"], "quantity": 1}, 201
        )
        (order,) = purchaser.call(
            "POST",
            "/api/mall/checkout",
            {
                "budget_line_id": line,
                "delivery_address": "呼和浩特市新城区第一中学信息中心",
                "contact_name": "张老师",
                "contact_phone": "0471-6900000",
            },
            201,
        )
        oid = order["id"]
        supplier.call("POST", f"/api/mall/supplier/orders/{oid}/confirm")
        supplier.call(
            "POST",
            f"/api/mall/supplier/orders/{oid}/ship",
            {"logistics_company": "顺丰速运", "tracking_no": "SF1234567890"},
        )
        supplier.call("POST", f"/api/mall/supplier/orders/{oid}/delivered")
        contract = purchaser.call("POST", f"/api/mall/orders/{oid}/acceptance", {})["contract_id"]
        purchaser.call("POST", f"/api/mall/contracts/{contract}/sign")
        supplier.call("POST", f"/api/mall/contracts/{contract}/sign")
        payment = purchaser.call("POST", f"/api/mall/orders/{oid}/payments", {}, 201)
        assert payment["status"] == "processing", payment
        paying.append(
            Paying(
                oid,
                payment["id"],
                payment["gateway_ref"],
                Decimal(payment["amount"]),
                payment["checkout_url"],
            )
        )
    return line, paying


def _auction_opening_at(purchaser: Client, starts: datetime) -> int:
    """A published auction of desktops that starts at ``starts``; its id."""
    categories = purchaser.call("GET", "/api/catalog/categories")
    desktop = next(c for c in categories if c["code"] == "A02010104")
    region = purchaser.call("GET", "/api/regions")[0]
    line = purchaser.call(
        "POST",
        "/api/mall/budget-lines",
        {
            "fiscal_year": datetime.now(ZoneInfo("Asia/Shanghai")).year,
            "fund_source": "general",
            "code": f"STORM-JJ-{secrets.token_hex(3).upper()}",
            "name": "竞价测试预算",
            "amount": "3000000.00",
        },
        status=201,
    )["id"]
    auction = purchaser.call(
        "POST",
        "/api/auctions",
        {
            "title": "台式计算机 500 台网上竞价",
            "category_id": desktop["id"],
            "quantity": 500,
            "delivery_region_id": region["id"],
            "delivery_address": "呼和浩特市新城区第一中学",
            "delivery_date": (starts + timedelta(days=20)).date().isoformat(),
            "contact_name": "张老师",
            "contact_phone": "0471-6900000",
            "budget_line_id": line,
            "ceiling": "5000.00",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(minutes=10)).isoformat(),
            "decrement_mode": "absolute",
            "decrement_value": "10.00",
            "min_bidders": 2,
        },
        201,
    )
    published = purchaser.call("POST", f"/api/auctions/{auction['id']}/publish")
    assert published["opened_at"] is None
    return auction["id"]


def _signed_callback(paying: Paying, event_id: str) -> tuple[bytes, str]:
    """A ``payment.succeeded`` event as the sandbox gateway sends it, and its signature header
    (HMAC-SHA256 over ``"<t>.<body>"`` with the secret the sandbox derives from SECRET_KEY)."""
    event = {
        "id": event_id,
        "type": "payment.succeeded",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": paying.gateway_ref,
                "object": "payment",
                "status": "succeeded",
                "amount": int(paying.amount * 100),
                "currency": "CNY",
                "metadata": {"order_id": paying.order_id, "payment_id": paying.payment_id},
            }
        },
    }
    raw = json.dumps(event).encode()
    secret = hmac.new(SECRET_KEY.encode(), b"sandbox-gateway-webhook", hashlib.sha256).hexdigest()
    stamp = int(time.time())
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + raw, hashlib.sha256).hexdigest()
    return raw, f"t={stamp},v1={mac}"


@dataclass
class Answer:
    status: int | None
    seconds: float
    body: Any = None
    error: str | None = None


def _deliver(base: str, raw: bytes, signature: str, slow: bool) -> Answer:
    """POST one callback; a slow sender's body follows its headers a moment later."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=CLIENT_TIMEOUT)
    started = time.monotonic()
    try:
        connection.putrequest("POST", WEBHOOK)
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(len(raw)))
        connection.putheader("Gateway-Signature", signature)
        connection.endheaders()
        if slow:
            time.sleep(BODY_DELAY_SECONDS)
        connection.send(raw)
        response = connection.getresponse()
        text = response.read()
        body = json.loads(text) if text else None
        return Answer(response.status, time.monotonic() - started, body)
    except OSError as error:  # a timeout or a dropped connection: the worker stalled or died
        return Answer(None, time.monotonic() - started, error=f"{type(error).__name__}: {error}")
    finally:
        connection.close()


def _storm(base: str, deliveries: list[tuple[bytes, str, bool]]) -> list[Answer]:
    answers: list[Answer | None] = [None] * len(deliveries)
    start = threading.Barrier(len(deliveries))

    def send(i: int) -> None:
        raw, signature, slow = deliveries[i]
        start.wait()
        answers[i] = _deliver(base, raw, signature, slow)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(deliveries))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(CLIENT_TIMEOUT + 5)
    assert all(a is not None for a in answers), "a delivery never returned"
    return answers  # type: ignore[return-value]


@on_sqlite
def test_a_callback_storm_is_answered_at_once_and_applied_once(server):
    """MALL-5: twenty concurrent deliveries of one signed callback, with the callbacks of other
    payments among them, are all answered without a server error and within two seconds; the
    payment is applied once, every other payment once, and the auction clock still opens an
    auction due during the storm (AUC-1)."""
    base, log = server
    purchaser, supplier = Client(base, "purchaser"), Client(base, "supplier")
    line, paying = _paying_orders(purchaser, supplier, 1 + OTHERS)
    consumed_before = Decimal(purchaser.call("GET", f"/api/mall/budget-lines/{line}")["consumed"])

    starts = datetime.now(UTC) + timedelta(seconds=1.5)
    auction_id = _auction_opening_at(purchaser, starts)

    target, others = paying[0], paying[1:]
    deliveries = []
    raw, signature = _signed_callback(target, "evt_storm_" + secrets.token_hex(8))
    deliveries += [(raw, signature, i % 2 == 1) for i in range(DELIVERIES)]
    for n, other in enumerate(others):
        raw, signature = _signed_callback(other, "evt_other_" + secrets.token_hex(8))
        deliveries.append((raw, signature, n % 2 == 0))
    wait = (starts - datetime.now(UTC)).total_seconds() - 0.5
    if wait > 0:
        time.sleep(wait)  # the auction falls due while the storm is on
    answers = _storm(base, deliveries)

    report = [(a.status, round(a.seconds, 2), a.error) for a in answers]
    slowest = max(a.seconds for a in answers)
    counts = Counter("none" if a.status is None else f"{a.status // 100}xx" for a in answers)
    print(f"storm: {len(answers)} deliveries, {dict(counts)}, slowest {slowest:.2f} s ({log})")
    assert all(a.status is not None and a.status < 500 for a in answers), report
    assert slowest < SLOWEST_SECONDS, report
    mine = answers[:DELIVERIES]
    assert all(a.status == 200 for a in mine), report
    assert [a.body["duplicate"] for a in mine].count(False) == 1, [a.body for a in mine]

    # Applied exactly once: each order paid, its payment succeeded, the funds consumed once.
    for p in paying:
        order = purchaser.call("GET", f"/api/mall/orders/{p.order_id}")
        assert order["status"] == "paid", order
        (payment,) = purchaser.call("GET", f"/api/mall/orders/{p.order_id}/payments")["items"]
        assert payment["status"] == "succeeded", payment
    budget = purchaser.call("GET", f"/api/mall/budget-lines/{line}")
    consumed = Decimal(budget["consumed"]) - consumed_before
    assert consumed == sum((p.amount for p in paying), Decimal(0)), budget

    # The clock kept turning: the auction due during the storm opened on time.
    deadline = starts + timedelta(seconds=OPEN_WITHIN_SECONDS)
    while True:
        auction = purchaser.call("GET", f"/api/auctions/{auction_id}")
        if auction["opened_at"] is not None or datetime.now(UTC) > deadline:
            break
        time.sleep(0.1)
    assert auction["opened_at"] is not None, f"not opened {OPEN_WITHIN_SECONDS} s after its start"
    opened = datetime.fromisoformat(auction["opened_at"])
    assert opened - starts < timedelta(seconds=OPEN_WITHIN_SECONDS), (opened, starts)
    assert "database is locked" not in log.read_text(errors="replace")


@on_sqlite
def test_the_cashier_page_pays_through_its_callback(server):
    """MALL-5 on the running server: the payer confirms on the sandbox cashier page, whose callback
    reaches the mall in the same request once the page's own write is committed; the payment is
    settled at once."""
    base, _log = server
    purchaser, supplier = Client(base, "purchaser"), Client(base, "supplier")
    _line, (paying,) = _paying_orders(purchaser, supplier, 1)
    path, _, query = paying.checkout_url.partition("?")
    answered = purchaser.http.post(
        base + path,
        data={"secret": query.removeprefix("secret="), "decision": "pay"},
        allow_redirects=False,
        timeout=CLIENT_TIMEOUT,
    )
    assert answered.status_code == 302, answered.text
    (payment,) = purchaser.call("GET", f"/api/mall/orders/{paying.order_id}/payments")["items"]
    assert payment["status"] == "succeeded", payment
    assert purchaser.call("GET", f"/api/mall/orders/{paying.order_id}")["status"] == "paid"


def test_a_second_writer_in_one_thread_is_refused_at_once(tmp_path: Path) -> None:
    """A thread that opened a write unit of work and opens another would wait for itself: it is
    refused at once instead of holding every other writer of the process while it waits."""
    app = Flask(__name__)
    app.config["DATABASE_URL"] = f"sqlite:///{tmp_path}/writers.sqlite3"
    own = Database()
    own.init_app(app)
    try:
        started = time.monotonic()
        with (
            own.unit_of_work(),
            pytest.raises(RuntimeError, match="already open"),
            own.unit_of_work(),
        ):
            pass
        assert time.monotonic() - started < SLOWEST_SECONDS
        with own.unit_of_work() as session:  # the turn was given back
            assert session.scalar(text("SELECT 1")) == 1
    finally:
        assert own.engine is not None
        own.engine.dispose()
