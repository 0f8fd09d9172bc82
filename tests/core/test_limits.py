"""Rate limits (core.limits): bids per bidder over HTTP and the socket together, API writes per user
or address, API tokens per user; refused with 429, ``Retry-After`` and the error shape; a burst of
throttled bids leaves one ledger entry, not one per bid (AUC-1 fair bidding, SUP-1 the ledger)."""

from __future__ import annotations

import json
import os
import time
import uuid

import pytest
import redis
from flask import Flask
from sqlalchemy import func, select

from auction.models import Bid
from core import limits
from core.accounts.auth import Actor
from core.accounts.demo import DEMO_PASSWORD
from core.config import ConfigError, load_config
from core.errors import RateLimited
from core.limits import BIDS_THROTTLED
from supervision.ledger.models import LedgerEntry
from tests.auction.conftest import bid, floor, open_now, published  # noqa: F401
from tests.catalog.conftest import cat  # noqa: F401

SETTINGS = ("RATE_LIMITS_ENABLED", "RATE_LIMIT_WRITES", "RATE_LIMIT_TOKENS", "RATE_LIMIT_BIDS")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture
def limited(app):
    """The limits on (the rest of the suite runs without them), with empty counts; yields the
    configuration, which a test may change."""
    saved = {name: app.config[name] for name in SETTINGS}
    app.config["RATE_LIMITS_ENABLED"] = True
    limits.reset(app)
    try:
        yield app.config
    finally:
        app.config.update(saved)
        limits.reset(app)


def throttled_entries(session, auction_id: int) -> list[dict]:
    session.expire_all()
    return [
        json.loads(e.payload) | {"org": e.actor_org_id}
        for e in session.scalars(
            select(LedgerEntry).where(
                LedgerEntry.action == BIDS_THROTTLED, LedgerEntry.subject_id == str(auction_id)
            )
        )
    ]


def test_the_defaults(limited):
    assert limited["RATE_LIMIT_BIDS"] == "10/second"
    assert limited["RATE_LIMIT_WRITES"] == "60/minute"
    assert limited["RATE_LIMIT_TOKENS"] == "10/hour"


def test_the_eleventh_bid_in_a_second_is_refused(floor, app, limited):  # noqa: F811
    """AUC-1: ten bids a second per bidder (the default); the eleventh is answered 429 with
    Retry-After and the error shape. Nine of the ten are counted directly, so that the two sent
    over HTTP surely fall in the same second as them."""
    auction = published(floor, ceiling="4000.00", quantity=600)  # open to large suppliers too
    open_now(auction)
    aid = auction["id"]
    me = floor.supplier.get("/api/auth/me").get_json()
    bidder = Actor(
        user_id=me["user"]["id"], username="supplier", organisation_id=me["organisation"]["id"]
    )
    started = time.monotonic()
    with app.app_context():
        for _ in range(9):
            limits.check_bid(bidder, aid, "http")
    assert bid(floor.supplier, aid, "3990.00").status_code == 201
    refused = bid(floor.supplier, aid, "3970.00")
    if time.monotonic() - started >= 1:  # the window ended before the eleventh: nothing to see
        pytest.skip("the bids took longer than the one-second window")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    body = refused.get_json()
    assert body["code"] == "rate_limited" and body["details"] == {"retry_after_seconds": 1}
    assert body["message"] and "请求过于频繁" in body["message_zh"]
    # Another bidder is not affected.
    assert bid(floor.office, aid, "3400.00").status_code == 201


def test_a_burst_past_the_limit_is_ledgered_once(floor, limited, session):  # noqa: F811
    """SUP-1: however many bids follow in the window, the ledger gets one throttle entry, not one
    per refused bid, and the refused bids never reach the bid service. (A window of a minute, so
    that a slow machine does not end it before the burst.)"""
    limited["RATE_LIMIT_BIDS"] = "10/minute"
    auction = published(floor, ceiling="4000.00", quantity=600)
    open_now(auction)
    aid = auction["id"]
    for n in range(10):
        assert bid(floor.supplier, aid, f"{3990 - 20 * n}.00").status_code == 201
    for _ in range(6):
        refused = bid(floor.supplier, aid, "3700.00")
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert bid(floor.office, aid, "3400.00").status_code == 201

    entries = throttled_entries(session, aid)
    assert len(entries) == 1
    (entry,) = entries
    assert entry["limit"] == "10/minute" and entry["channel"] == "http"
    assert entry["window_seconds"] == 60 and entry["bidder"] == f"org:{entry['org']}"
    rejected = session.scalar(
        select(func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.action == "auction.bid_rejected", LedgerEntry.subject_id == str(aid))
    )
    assert rejected == 0
    assert session.scalar(select(func.count()).select_from(Bid).where(Bid.auction_id == aid)) == 11


def test_a_new_window_lets_the_bidder_bid_again(floor, app, limited, session):  # noqa: F811
    """Each window refuses past the limit and puts one entry on the ledger; the next one starts
    afresh. (The first bid is counted directly, so that the HTTP one falls inside its window.)"""
    limited["RATE_LIMIT_BIDS"] = "1/second"
    auction = published(floor)
    open_now(auction)
    aid = auction["id"]
    me = floor.supplier.get("/api/auth/me").get_json()
    bidder = Actor(
        user_id=me["user"]["id"], username="supplier", organisation_id=me["organisation"]["id"]
    )
    with app.app_context():
        limits.check_bid(bidder, aid, "http")
    if bid(floor.supplier, aid, "4990.00").status_code != 429:
        pytest.skip("the bid took longer than the one-second window")
    time.sleep(1.05)
    assert bid(floor.supplier, aid, "4990.00").status_code == 201
    if bid(floor.supplier, aid, "4980.00").status_code != 429:
        pytest.skip("the bid took longer than the one-second window")
    assert len(throttled_entries(session, aid)) == 2


def test_refused_bids_count_too_so_they_cannot_flood_the_ledger(floor, limited, session):  # noqa: F811
    """SUP-1: each refused bid is a ledger entry; past the limit a flood of them adds one."""
    limited["RATE_LIMIT_BIDS"] = "3/minute"
    auction = published(floor)  # not open yet: every bid is refused, and ledgered
    for _ in range(3):
        assert bid(floor.supplier, auction["id"], "4000.00").status_code == 409
    for _ in range(30):
        assert bid(floor.supplier, auction["id"], "4000.00").status_code == 429
    session.expire_all()
    actions = session.scalars(
        select(LedgerEntry.action).where(
            LedgerEntry.subject_id == str(auction["id"]),
            LedgerEntry.action.in_(["auction.bid_rejected", BIDS_THROTTLED]),
        )
    ).all()
    assert sorted(actions) == ["auction.bid_rejected"] * 3 + [BIDS_THROTTLED]


def test_api_writes_over_the_limit_are_refused_per_user(limited, login, client):
    """X-1: API writes per signed-in user (per address when anonymous); reads are not counted."""
    limited["RATE_LIMIT_WRITES"] = "3/minute"
    purchaser = login("purchaser")
    for _ in range(3):
        assert purchaser.post("/api/auctions", json={}).status_code == 422
    for _ in range(5):
        assert purchaser.get("/api/auctions").status_code == 200
    refused = purchaser.post("/api/auctions", json={})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    body = refused.get_json()
    assert body["code"] == "rate_limited" and body["message_zh"]
    assert body["details"]["retry_after_seconds"] == int(refused.headers["Retry-After"])
    assert purchaser.patch("/api/users/1", json={}).status_code == 429

    # Someone else, signed in or from another address, is not affected.
    assert login("purchaser.hospital").post("/api/auctions", json={}).status_code == 422
    for n in range(3):
        answer = client.post("/api/auctions", json={}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert answer.status_code == 422, n
    crowded = client.post("/api/auctions", json={}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert crowded.status_code == 429
    elsewhere = client.post("/api/auctions", json={}, environ_base={"REMOTE_ADDR": "10.0.0.8"})
    assert elsewhere.status_code == 422


def test_sign_ins_do_not_use_up_their_address_allowance(limited, app):
    """An office behind one address signs in all morning: sign-ins have their own throttle (per
    account and address, see test_auth) and do not count as the address's API writes."""
    limited["RATE_LIMIT_WRITES"] = "2/minute"
    office = {"REMOTE_ADDR": "10.0.0.6"}
    for n, username in enumerate(["purchaser", "purchaser.hospital", "supplier", "monitor"]):
        answer = app.test_client().post(
            "/api/auth/signin",
            json={"username": username, "password": DEMO_PASSWORD},
            environ_base=office,
        )
        assert answer.status_code == 200, (n, answer.get_json())
    anonymous = app.test_client().post("/api/suppliers/registrations", json={}, environ_base=office)
    assert anonymous.status_code != 429


def test_the_gateways_callbacks_are_not_limited(limited, client):
    """A burst of the payment gateway's callbacks from one address is never refused as too many:
    each is judged by its signature (here: none, so 400), however many arrive."""
    limited["RATE_LIMIT_WRITES"] = "2/minute"
    for n in range(6):
        answer = client.post(
            "/api/mall/payments/webhook",
            data=b'{"id": "evt_1"}',
            content_type="application/json",
            environ_base={"REMOTE_ADDR": "10.0.0.7"},
        )
        assert answer.status_code == 400, (n, answer.get_json())
    other = client.post("/api/auctions", json={}, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert other.status_code != 429  # the callbacks did not use up the address's allowance


def test_bids_over_http_have_their_own_limit_not_the_writes_one(floor, limited):  # noqa: F811
    limited["RATE_LIMIT_WRITES"] = "2/minute"
    auction = published(floor)
    open_now(auction)
    for price in ("4990.00", "4970.00", "4950.00", "4930.00"):
        assert bid(floor.supplier, auction["id"], price).status_code == 201
    assert floor.supplier.post("/api/auth/tokens", json={"name": "a"}).status_code == 201
    assert floor.supplier.post("/api/auth/tokens", json={"name": "b"}).status_code == 201
    assert floor.supplier.post("/api/auth/tokens", json={"name": "c"}).status_code == 429


def test_token_creation_is_limited_per_user(limited, login):
    limited["RATE_LIMIT_TOKENS"] = "2/hour"
    supplier = login("supplier")
    for n in range(2):
        made = supplier.post("/api/auth/tokens", json={"name": f"t{n}"})
        assert made.status_code == 201
    refused = supplier.post("/api/auth/tokens", json={"name": "t3"})
    assert refused.status_code == 429
    assert 3000 < int(refused.headers["Retry-After"]) <= 3600
    assert len(supplier.get("/api/auth/tokens").get_json()) == 2
    assert login("supplier.office").post("/api/auth/tokens", json={"name": "x"}).status_code == 201


def test_with_limits_off_nothing_is_refused(limited, login):
    limited["RATE_LIMIT_TOKENS"] = "1/hour"
    limited["RATE_LIMITS_ENABLED"] = False
    supplier = login("supplier")
    for n in range(3):
        assert supplier.post("/api/auth/tokens", json={"name": f"t{n}"}).status_code == 201


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def _process(database_url: str) -> Flask:
    """What another server process of the same mall holds: its own limiter, on the same Redis."""
    other = Flask("other_process")
    other.config.update(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        RATE_LIMITS_ENABLED=True,
        RATE_LIMIT_WRITES="2/minute",
        RATE_LIMIT_TOKENS="10/hour",
        RATE_LIMIT_BIDS="3/minute",
    )
    limits.init_app(other)

    @other.post("/api/ping")
    def ping():  # type: ignore[no-untyped-def]
        return {"ok": True}

    from core.db import db

    other.extensions["db"] = db
    other.teardown_request(db._teardown_request)
    return other


@pytest.mark.skipif(not _redis_up(), reason=f"Redis is not reachable at {REDIS_URL}")
def test_with_redis_the_counts_are_shared_between_processes(app, session):
    database_url = f"sqlite:////tmp/{uuid.uuid4().hex}.sqlite3"  # a mall of its own: fresh keys
    first, second = _process(database_url), _process(database_url)
    bidder = Actor(user_id=1, username="bidder", organisation_id=987654)
    with first.app_context():
        for _ in range(3):
            limits.check_bid(bidder, 1, "socket", session)
    with second.app_context(), pytest.raises(RateLimited):
        limits.check_bid(bidder, 1, "socket", session)
    with second.app_context():
        limits.check_bid(Actor(user_id=2, username="other", organisation_id=987655), 1, "http")

    one, two = first.test_client(), second.test_client()
    assert one.post("/api/ping", json={}).status_code == 200
    assert two.post("/api/ping", json={}).status_code == 200
    assert one.post("/api/ping", json={}).status_code == 429
    assert two.post("/api/ping", json={}).status_code == 429
    # A mall with another database shares the Redis but not the counts.
    third = _process(database_url + "-elsewhere")
    assert third.test_client().post("/api/ping", json={}).status_code == 200
    for each in (first, second, third):
        limits.reset(each)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RATE_LIMIT_BIDS", "ten a second"),
        ("RATE_LIMIT_WRITES", "0/minute"),
        ("RATE_LIMIT_TOKENS", "1/hour;2/day"),
        ("RATE_LIMITS_ENABLED", "maybe"),
    ],
)
def test_a_bad_limit_setting_stops_the_app_naming_it(tmp_path, name, value):
    with pytest.raises(ConfigError, match=name):
        load_config({"MALL_INSTANCE_PATH": str(tmp_path), name: value})


def test_limits_can_be_set_and_turned_off(tmp_path):
    config = load_config(
        {
            "MALL_INSTANCE_PATH": str(tmp_path),
            "RATE_LIMIT_BIDS": "20 per second",
            "RATE_LIMITS_ENABLED": "0",
        }
    )
    assert config["RATE_LIMIT_BIDS"] == "20 per second" and config["RATE_LIMITS_ENABLED"] is False
    assert load_config({"MALL_INSTANCE_PATH": str(tmp_path)})["RATE_LIMITS_ENABLED"] is True


def test_the_api_document_says_which_writes_may_be_refused_as_too_many(client, app):
    """X-1: every API write is documented with its 429 answer (Retry-After, the error shape) but
    the gateway's callbacks, which no limit refuses."""
    spec = client.get("/api/openapi.json").get_json()
    answer = spec["components"]["responses"]["RATE_LIMITED"]
    assert "Retry-After" in answer["headers"]
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    writes = {
        (path, method): operation
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if method in ("post", "put", "patch", "delete")
    }
    assert len(writes) > 50
    undocumented = sorted(key for key, op in writes.items() if "429" not in op["responses"])
    assert undocumented == [("/api/mall/payments/webhook", "post")]
    signin = writes[("/api/auth/signin", "post")]["responses"]["429"]
    assert signin == {"$ref": "#/components/responses/RATE_LIMITED"}
