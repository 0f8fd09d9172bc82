"""The ``/auction`` socket namespace (AUC-1, AUC-3, X-1): connections are authenticated, every event
is authorised, and a socket bid goes through the same service (and the same ledger) as HTTP."""

import json
import time

from sqlalchemy import func, select

from mall.extensions import socketio
from supervision.ledger.models import LedgerEntry
from tests.auction.conftest import auction_body, bid, open_now, published
from tests.conftest import sign_in
from tests.core.test_limits import limited  # noqa: F401 (a fixture)

NS = "/auction"


def _socket(app, api=None, client=None, auth=None):
    return socketio.test_client(
        app, namespace=NS, flask_test_client=(api.client if api else client), auth=auth
    )


def _ack(sio, event, data):
    return sio.emit(event, data, namespace=NS, callback=True)


def test_a_socket_without_credentials_is_refused(app, client):
    sio = _socket(app, client=client)
    assert not sio.is_connected(NS)


def test_joining_is_for_those_who_may_see_the_auction(floor, app, login):
    auction = published(floor)
    supplier = _socket(app, floor.supplier)
    joined = _ack(supplier, "join", {"auction_id": auction["id"]})
    assert joined["ok"] is True and joined["role"] == "bidder"
    assert joined["state"]["phase"] == "before" and joined["state"]["mine"]["rank"] is None

    hospital = _socket(app, login("purchaser.hospital"))
    refused = _ack(hospital, "join", {"auction_id": auction["id"]})
    assert refused["ok"] is False and refused["code"] == "other_organisation"

    draft = floor.purchaser.post("/api/auctions", json=auction_body(floor))
    hidden = _ack(supplier, "join", {"auction_id": draft.get_json()["id"]})
    assert hidden["ok"] is False and hidden["code"] == "not_found"
    assert _ack(supplier, "join", {"auction_id": "1; drop"})["code"] == "validation_failed"

    watcher = _socket(app, floor.purchaser)
    watched = _ack(watcher, "join", {"auction_id": auction["id"]})
    assert watched["ok"] is True and watched["role"] == "purchaser"
    assert watched["state"]["bidder_count"] == 0


def test_socket_bids_use_the_same_rules_and_ledger(floor, app, session):
    auction = published(floor)
    other = published(floor, title="另一个竞价")
    open_now(auction)
    sio = _socket(app, floor.supplier)
    before_join = _ack(sio, "bid", {"auction_id": auction["id"], "price": "4900.00"})
    assert before_join["ok"] is False and before_join["code"] == "not_joined"
    assert _ack(sio, "join", {"auction_id": auction["id"]})["ok"] is True

    accepted = _ack(
        sio, "bid", {"auction_id": auction["id"], "price": "4900.00", "device_id": "pad-01"}
    )
    assert accepted["ok"] is True and accepted["seq"] == 1
    assert accepted["state"]["mine"]["rank"] == 1
    rejected = _ack(sio, "bid", {"auction_id": auction["id"], "price": "4895.00"})
    assert rejected["ok"] is False and rejected["code"] == "bid_decrement"
    assert "最小降价幅度" in rejected["message_zh"]
    # Read as the HTTP API reads money: no full-width digits, padding, exponents or floats.
    for bad in ("abc", "-1", "1.001", None, True, 1e400, "４９００", " 4890 ", "4.89e3", 4880.5):
        answer = _ack(sio, "bid", {"auction_id": auction["id"], "price": bad})
        assert answer["ok"] is False and answer["code"] == "validation_failed", bad

    # Joined one auction, it cannot bid in another.
    elsewhere = _ack(sio, "bid", {"auction_id": other["id"], "price": "4000.00"})
    assert elsewhere["ok"] is False and elsewhere["code"] == "not_joined"

    # A purchaser in the room cannot bid.
    watcher = _socket(app, floor.purchaser)
    _ack(watcher, "join", {"auction_id": auction["id"]})
    refused = _ack(watcher, "bid", {"auction_id": auction["id"], "price": "4000.00"})
    assert refused["ok"] is False and refused["code"] == "supplier_only"

    session.expire_all()
    entries = session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.subject_type == "auction", LedgerEntry.subject_id == str(auction["id"]))
        .order_by(LedgerEntry.seq)
    ).all()
    bids = [json.loads(e.payload) for e in entries if e.action.startswith("auction.bid_")]
    assert [(b["price"], b.get("reason"), b["channel"]) for b in bids] == [
        ("4900.00", None, "socket"),
        ("4895.00", "decrement", "socket"),
    ]
    # The device is the handshake's signed cookie's, not what the message claims.
    device = floor.supplier.client.get_cookie("mall_device").value.rsplit(".", 1)[0]
    assert bids[0]["device_id"] == device != "pad-01"


def _throttled(session, auction_id: int) -> list[dict]:
    session.expire_all()
    return [
        json.loads(e.payload)
        for e in session.scalars(
            select(LedgerEntry).where(
                LedgerEntry.action == "auction.bids_throttled",
                LedgerEntry.subject_id == str(auction_id),
            )
        )
    ]


def test_socket_and_http_bids_share_one_limit(floor, app, limited, session):  # noqa: F811
    """AUC-1: a bidder's bids over HTTP and over the socket count against one limit; the socket
    answers a bid past it as HTTP does (429's code and messages), and the ledger gets one entry
    for the window. A window of a minute here, so that the test does not race the clock."""
    limited["RATE_LIMIT_BIDS"] = "10/minute"
    auction = published(floor, ceiling="4000.00", quantity=600)  # open to large suppliers too
    open_now(auction)
    aid = auction["id"]
    sio = _socket(app, floor.supplier)
    assert _ack(sio, "join", {"auction_id": aid})["ok"] is True
    prices = iter(f"{3990 - 20 * n}.00" for n in range(20))
    for _ in range(6):
        assert bid(floor.supplier, aid, next(prices)).status_code == 201
    for _ in range(4):
        assert _ack(sio, "bid", {"auction_id": aid, "price": next(prices)})["ok"] is True

    refused = _ack(sio, "bid", {"auction_id": aid, "price": next(prices)})
    over_http = bid(floor.supplier, aid, next(prices))
    assert over_http.status_code == 429 and int(over_http.headers["Retry-After"]) >= 1
    http_body = over_http.get_json()
    assert refused["ok"] is False and refused["code"] == "rate_limited"
    assert refused["message_zh"] == http_body["message_zh"].replace(
        str(http_body["details"]["retry_after_seconds"]),
        str(refused["details"]["retry_after_seconds"]),
    )
    assert refused["details"]["retry_after_seconds"] >= 1
    for _ in range(10):
        assert _ack(sio, "bid", {"auction_id": aid, "price": "3000.00"})["code"] == "rate_limited"

    # Another bidder is not affected.
    office = _socket(app, floor.office)
    assert _ack(office, "join", {"auction_id": aid})["ok"] is True
    assert _ack(office, "bid", {"auction_id": aid, "price": "3400.00"})["ok"] is True

    entries = _throttled(session, aid)
    assert [e["channel"] for e in entries] == ["socket"]
    session.expire_all()
    counted = session.scalars(
        select(LedgerEntry.action).where(
            LedgerEntry.subject_id == str(aid),
            LedgerEntry.action.in_(["auction.bid_accepted", "auction.bid_rejected"]),
        )
    ).all()
    # Ten of the supplier, one of the office: no throttled bid reached the bid service.
    assert sorted(counted) == ["auction.bid_accepted"] * 11, counted


def _gone_within(sio, seconds: float) -> bool:
    """Whether the server disconnects the socket within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not sio.is_connected(NS):
            return True
        socketio.sleep(0.05)
    return not sio.is_connected(NS)


def _bidding(floor, app, api=None, **kw):
    auction = published(floor)
    open_now(auction)
    sio = _socket(app, api, **kw)
    assert _ack(sio, "join", {"auction_id": auction["id"]})["ok"] is True
    assert _ack(sio, "bid", {"auction_id": auction["id"], "price": "4900.00"})["ok"] is True
    return auction, sio


def _refused_and_dropped(sio, auction) -> None:
    refused = _ack(sio, "bid", {"auction_id": auction["id"], "price": "4800.00"})
    assert refused["ok"] is False and refused["code"] == "signed_out"
    assert "重新登录" in refused["message_zh"]
    assert _gone_within(sio, 1.0)


def test_signing_out_stops_the_socket(floor, app, session):
    """X-1: a socket does not outlive its session: after sign-out its next bid is refused and it
    is disconnected within a second."""
    auction, sio = _bidding(floor, app, floor.supplier)
    watcher = _socket(app, floor.purchaser)
    assert floor.supplier.post("/api/auth/signout").status_code == 204
    _refused_and_dropped(sio, auction)
    assert watcher.is_connected(NS)  # only that session's sockets
    rejected = session.scalar(
        select(func.count())
        .select_from(LedgerEntry)
        .where(
            LedgerEntry.subject_id == str(auction["id"]),
            LedgerEntry.action == "auction.bid_rejected",
        )
    )
    assert rejected == 0  # refused before the bid service


def test_a_silent_socket_is_dropped_too(floor, app):
    """Without sending anything, the socket of a signed-out session is disconnected within a
    second."""
    _auction, sio = _bidding(floor, app, floor.supplier)
    assert floor.supplier.post("/api/auth/signout").status_code == 204
    assert _gone_within(sio, 1.0)


def test_revoking_the_token_stops_its_socket(floor, app, client):
    made = floor.supplier.post("/api/auth/tokens", json={"name": "bidder"}).get_json()
    auction, sio = _bidding(floor, app, client=client, auth={"token": made["token"]})
    other = floor.supplier.post("/api/auth/tokens", json={"name": "other"}).get_json()
    kept = _socket(app, client=client, auth={"token": other["token"]})
    assert floor.supplier.delete(f"/api/auth/tokens/{made['id']}").status_code == 200
    _refused_and_dropped(sio, auction)
    assert kept.is_connected(NS)


def test_deactivating_the_user_stops_their_sockets(floor, app):
    org = floor.supplier.get("/api/auth/me").get_json()["organisation"]["id"]
    created = floor.supplier.post(
        f"/api/organisations/{org}/users",
        json={
            "username": "bidder.wang",
            "display_name": "王报价",
            "password": "long-enough-1",
            "roles": ["supplier"],
        },
    )
    assert created.status_code == 201, created.get_json()
    colleague = sign_in(app.test_client(), "bidder.wang", "long-enough-1")
    auction, sio = _bidding(floor, app, colleague)
    admins = _socket(app, floor.supplier)
    done = floor.supplier.patch(f"/api/users/{created.get_json()['id']}", json={"active": False})
    assert done.status_code == 200, done.get_json()
    _refused_and_dropped(sio, auction)
    assert admins.is_connected(NS)


def test_deactivating_the_organisation_stops_its_sockets(floor, app):
    auction, sio = _bidding(floor, app, floor.supplier)
    me = floor.supplier.get("/api/auth/me").get_json()
    org = me["organisation"]["id"]
    done = floor.operator.patch(f"/api/organisations/{org}", json={"active": False})
    assert done.status_code == 200, done.get_json()
    _refused_and_dropped(sio, auction)


def test_joining_needs_a_valid_sign_in_too(floor, app):
    auction = published(floor)
    sio = _socket(app, floor.supplier)
    assert floor.supplier.post("/api/auth/signout").status_code == 204
    refused = _ack(sio, "join", {"auction_id": auction["id"]})
    assert refused["ok"] is False and refused["code"] == "signed_out"
