"""Placing the bids that arrive over sockets, in batches: the bids of one auction are placed one
at a time in this process, and whoever takes the turn places all that queued up meanwhile in one
unit of work; only after its commit are the bidders answered and the rooms told."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

from auction import service
from auction.models import Auction
from auction.schemas import StateSchema
from auction.sockets.broadcast import notify
from auction.sockets.standing_cache import advance, cached, loaded, standing_of
from core.accounts.auth import Actor
from core.db import db
from core.errors import DomainError
from core.money import AmountError, parse_amount

#: At most this many bids of one auction go into one unit of work.
MAX_BATCH = 32


class Pending:
    """A bid waiting to be placed, and then its answer."""

    __slots__ = ("actor", "answer", "answered", "failure", "outcome", "placed", "price")

    def __init__(self, actor: Actor, price: Decimal) -> None:
        self.actor = actor
        self.price = price
        self.outcome: service.BidOutcome | None = None
        self.answer: dict[str, Any] = {}
        self.failure: BaseException | None = None
        self.placed = False
        self.answered = threading.Event()


_bid_locks: dict[int, Any] = {}
_queued: dict[int, list[Pending]] = {}
_queue_lock = threading.Lock()


def _bid_lock(auction_id: int) -> Any:
    """This process's lock for the bids of one auction (a gevent lock under the gevent worker)."""
    held = _bid_locks.get(auction_id)
    if held is None:
        held = _bid_locks.setdefault(auction_id, threading.Lock())
    return held


def submit(auction_id: int, pending: Pending) -> None:
    """Place the bid and fill in its answer.

    The bids of one auction are placed one at a time in this process (the auction's row lock
    orders them across processes), so they wait here without holding a database connection.
    Whoever takes the turn places every bid that has queued up meanwhile, in arrival order, in one
    unit of work: each bid still takes the auction's row lock, is checked against the state the
    bids before it left, and is on the ledger in the transaction that writes it; the commit covers
    them all, and only then are they answered and the rooms told."""
    with _queue_lock:
        _queued.setdefault(auction_id, []).append(pending)
    batch: list[Pending] = []
    with _bid_lock(auction_id):
        if not pending.placed:
            with _queue_lock:
                queue = _queued.pop(auction_id, [])
                batch, rest = queue[:MAX_BATCH], queue[MAX_BATCH:]
                if rest:
                    _queued[auction_id] = rest
            _place(auction_id, batch)
    if batch:
        _answer(auction_id, batch)
    else:
        pending.answered.wait()


def _place(auction_id: int, batch: list[Pending]) -> None:
    try:
        with db.unit_of_work() as session:
            outcomes = service.place_bids(
                session,
                auction_id,
                [service.BidRequest(p.actor, p.price, "socket") for p in batch],
            )
            for pending, outcome in zip(batch, outcomes, strict=True):
                pending.outcome = outcome
                if outcome.accepted:
                    assert outcome.bid is not None
                    pending.answer = {"bid_id": outcome.bid.id, "seq": outcome.bid.seq}
    except Exception as error:
        if len(batch) > 1:
            # Nothing of the batch was written: place each bid in a unit of work of its own, so
            # that one bid's refusal or failure is its own.
            for pending in batch:
                pending.outcome, pending.answer = None, {}
                _place(auction_id, [pending])
            return
        (pending,) = batch
        pending.outcome = None
        if isinstance(error, DomainError):
            pending.answer = {"ok": False, **error.to_dict()}
        else:
            pending.failure = error
    else:
        advance(outcomes)
    finally:
        for pending in batch:
            pending.placed = True


def _answer(auction_id: int, batch: list[Pending]) -> None:
    """After the commit: tell the rooms, and answer each bidder with its state, read once for the
    batch outside the locks (it shows the bid and whatever was committed after it)."""
    try:
        outcomes = [(p, p.outcome) for p in batch if p.outcome is not None]
        if any(outcome.accepted for _, outcome in outcomes):
            notify(auction_id)
        if not outcomes:
            return
        # The auction as the batch's commit left it, and its standing if this process knows it;
        # otherwise (or once the auction is over) both are read afresh.
        auction = outcomes[-1][1].auction
        standing = cached(auction) if loaded(auction, "published") else None
        session = None
        try:
            if standing is None:
                session = db.read_session()
                auction = session.get(Auction, auction_id)
                assert auction is not None
                standing = standing_of(session, auction)
            schema = StateSchema()
            for pending, outcome in outcomes:
                answer: dict[str, Any] = {"ok": outcome.accepted, "price": str(pending.price)}
                if not outcome.accepted:
                    answer |= {
                        "code": f"bid_{outcome.code}",
                        "message": outcome.message,
                        "message_zh": outcome.message_zh,
                    }
                answer |= pending.answer
                answer["state"] = schema.dump(
                    service.state(session, pending.actor, auction, standing)
                )
                pending.answer = answer
        finally:
            if session is not None:
                session.close()
    except Exception as error:
        for pending in batch:
            if pending.failure is None and "state" not in pending.answer:
                pending.failure = error
    finally:
        for pending in batch:
            pending.answered.set()


def parse_price(value: Any) -> Decimal | None:
    """A bid's price read as the HTTP API reads money (``core.money.parse_amount``: plain digits
    with at most two decimals, or a JSON integer), above zero; None otherwise."""
    try:
        price = parse_amount(value)
    except AmountError:
        return None
    return price if price > 0 else None
