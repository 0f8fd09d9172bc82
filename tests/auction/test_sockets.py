"""The ``/auction`` socket namespace (AUC-1, AUC-3, X-1): connections are authenticated, every event
is authorised, and a socket bid goes through the same service (and the same ledger) as HTTP."""

import json

from sqlalchemy import select

from mall.extensions import socketio
from supervision.ledger.models import LedgerEntry
from tests.auction.conftest import auction_body, open_now, published

NS = "/auction"


def _socket(app, api=None, client=None):
    return socketio.test_client(
        app, namespace=NS, flask_test_client=(api.client if api else client)
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
    for bad in ("abc", "-1", "1.001", None, True, 1e400):
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
    assert bids[0]["device_id"] == "pad-01"
