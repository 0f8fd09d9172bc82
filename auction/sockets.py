"""The ``/auction`` Socket.IO namespace (AUC-1 real time, AUC-3 same information for all).

A client connects with its session cookie or ``auth={"token": …}``; it ``join``s an auction it may
see and gets the state the rules allow; a bidder ``bid``s through the same service as the HTTP API
and gets its own acknowledgement as soon as its unit of work commits (the bids of one auction that
queue up while another is being placed go into one unit of work together, see ``_submit``).
After each committed change the rooms are told, coalesced per auction: the purchaser and
supervisors get the anonymised ladder in ``auction:<id>:watch`` and everyone in ``auction:<id>``
the public state, at most every ``UPDATE_INTERVAL``; each bidding organisation its own place in
``auction:<id>:org:<org>``, at most every ``MINE_INTERVAL``. With ``REDIS_URL`` set the rooms span
every server process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import current_app, request
from flask_socketio import Namespace, join_room, leave_room
from sqlalchemy import inspect as sa_inspect

from auction import rules, service
from auction.models import Auction
from auction.schemas import StateSchema
from core import clock
from core.accounts.auth import Actor
from core.api import MAX_ID
from core.db import db
from core.errors import DomainError
from core.limits import check_bid
from core.money import AmountError, parse_amount
from mall import policy
from mall.extensions import socketio
from mall.sockets import authenticate, forget, recheck

log = logging.getLogger(__name__)

NAMESPACE = "/auction"
#: Seconds between two updates of one auction's public state and watchers' ladder, at least.
UPDATE_INTERVAL = 0.02
#: Seconds between two updates of each bidder's own place in one auction, at least.
MINE_INTERVAL = 0.25

_actors: dict[str, Actor] = {}
_joined: dict[str, set[int]] = {}


def room(auction_id: int) -> str:
    return f"auction:{auction_id}"


def org_room(auction_id: int, org_id: int) -> str:
    return f"auction:{auction_id}:org:{org_id}"


def watch_room(auction_id: int) -> str:
    return f"auction:{auction_id}:watch"


def _refusal(code: str, message: str, message_zh: str) -> dict[str, Any]:
    return {"ok": False, "code": code, "message": message, "message_zh": message_zh}


def _auction_id(data: Any) -> int | None:
    value = data.get("auction_id") if isinstance(data, dict) else None
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID:
        return value
    return None


class AuctionNamespace(Namespace):
    def on_connect(self, auth: Any = None) -> None:
        actor = authenticate(auth)
        _actors[request.sid] = actor  # type: ignore[attr-defined]
        _joined[request.sid] = set()  # type: ignore[attr-defined]

    def on_disconnect(self, reason: Any = None) -> None:
        forget()
        _actors.pop(request.sid, None)  # type: ignore[attr-defined]
        _joined.pop(request.sid, None)  # type: ignore[attr-defined]

    def on_join(self, data: Any) -> dict[str, Any]:
        """Join an auction's rooms; answers with the state as the rules let this party see it."""
        sid = request.sid  # type: ignore[attr-defined]
        actor = _actors.get(sid)
        auction_id = _auction_id(data)
        if actor is None:
            return _refusal("unauthenticated", "Please sign in.", "请先登录。")
        if auction_id is None:
            return _refusal("validation_failed", "Give an auction_id.", "缺少竞价项目编号。")
        try:
            recheck()
            with db.unit_of_work() as session:
                auction = service.get_auction(session, actor, auction_id)
                role = service.role_of(actor, auction)
                state = StateSchema().dump(service.state(session, actor, auction))
        except DomainError as error:
            return {"ok": False, **error.to_dict()}
        join_room(room(auction_id))
        if role == "bidder" and actor.organisation_id is not None:
            join_room(org_room(auction_id, actor.organisation_id))
        elif role in ("purchaser", "supervisor", "operator"):
            join_room(watch_room(auction_id))
        _joined.setdefault(sid, set()).add(auction_id)
        return {"ok": True, "role": role, "state": state}

    def on_leave(self, data: Any) -> dict[str, Any]:
        sid = request.sid  # type: ignore[attr-defined]
        auction_id = _auction_id(data)
        actor = _actors.get(sid)
        if auction_id is None or auction_id not in _joined.get(sid, set()):
            return _refusal("not_joined", "Not in that auction.", "未加入该竞价。")
        for name in (room(auction_id), watch_room(auction_id)):
            leave_room(name)
        if actor and actor.organisation_id is not None:
            leave_room(org_room(auction_id, actor.organisation_id))
        _joined[sid].discard(auction_id)
        return {"ok": True}

    def on_bid(self, data: Any) -> dict[str, Any]:
        """A bid, acknowledged at once: accepted with the bidder's new state, or refused with the
        reason (and recorded on the ledger either way). Refused before the bid service when the
        socket's sign-in no longer holds, or beyond the bidder's rate limit (``core.limits``: the
        same count and answer as over HTTP)."""
        sid = request.sid  # type: ignore[attr-defined]
        actor = _actors.get(sid)
        auction_id = _auction_id(data)
        if actor is None:
            return _refusal("unauthenticated", "Please sign in.", "请先登录。")
        if auction_id is None or auction_id not in _joined.get(sid, set()):
            return _refusal(
                "not_joined",
                "Join the auction before bidding.",
                "请先进入该竞价室再报价。",
            )
        price = _price(data.get("price"))
        if price is None:
            return _refusal(
                "validation_failed",
                "A bid is a price above zero with at most two decimals.",
                "报价须为大于零、最多两位小数的金额。",
            )
        try:
            recheck()
            check_bid(actor, auction_id, "socket")
            service.require_bidder(actor)
        except DomainError as error:
            return {"ok": False, **error.to_dict()}
        pending = _Pending(actor, price)
        _submit(auction_id, pending)
        if pending.failure is not None:
            raise pending.failure
        return pending.answer


# ---------------------------------------------------------------- placing bids, in batches

#: At most this many bids of one auction go into one unit of work.
MAX_BATCH = 32


class _Pending:
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
_queued: dict[int, list[_Pending]] = {}
_queue_lock = threading.Lock()


def _bid_lock(auction_id: int) -> Any:
    """This process's lock for the bids of one auction (a gevent lock under the gevent worker)."""
    held = _bid_locks.get(auction_id)
    if held is None:
        held = _bid_locks.setdefault(auction_id, threading.Lock())
    return held


def _submit(auction_id: int, pending: _Pending) -> None:
    """Place the bid and fill in its answer.

    The bids of one auction are placed one at a time in this process (the auction's row lock
    orders them across processes), so they wait here without holding a database connection.
    Whoever takes the turn places every bid that has queued up meanwhile, in arrival order, in one
    unit of work: each bid still takes the auction's row lock, is checked against the state the
    bids before it left, and is on the ledger in the transaction that writes it; the commit covers
    them all, and only then are they answered and the rooms told."""
    with _queue_lock:
        _queued.setdefault(auction_id, []).append(pending)
    batch: list[_Pending] = []
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


def _place(auction_id: int, batch: list[_Pending]) -> None:
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
        _advance(outcomes)
    finally:
        for pending in batch:
            pending.placed = True


def _answer(auction_id: int, batch: list[_Pending]) -> None:
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
        standing = _cached(auction) if _loaded(auction, "published") else None
        session = None
        try:
            if standing is None:
                session = db.read_session()
                auction = session.get(Auction, auction_id)
                assert auction is not None
                standing = _standing(session, auction)
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


def _price(value: Any) -> Decimal | None:
    """A bid's price read as the HTTP API reads money (``core.money.parse_amount``: plain digits
    with at most two decimals, or a JSON integer), above zero; None otherwise."""
    try:
        price = parse_amount(value)
    except AmountError:
        return None
    return price if price > 0 else None


# ---------------------------------------------------------------- room updates


class _Coalescer:
    """Sends one kind of room update for each auction that changed: the first at once, and the
    changes made while it is being sent folded into one more, at most every ``interval`` seconds —
    so the cost of the fan-out is bounded per auction, whatever the bid rate."""

    def __init__(self, interval: float, send: Callable[[int], None]) -> None:
        self.interval = interval
        self.send = send
        self.scheduled: set[int] = set()
        self.dirty: set[int] = set()

    def changed(self, app: Any, auction_id: int) -> None:
        if auction_id in self.scheduled:
            self.dirty.add(auction_id)
            return
        self.scheduled.add(auction_id)
        socketio.start_background_task(self._run, app, auction_id)

    def _run(self, app: Any, auction_id: int) -> None:
        try:
            while True:
                self.dirty.discard(auction_id)
                try:
                    with app.app_context():
                        self.send(auction_id)
                except Exception:  # an update lost is repaired by the next one or a re-read
                    log.exception("auction %s: room update failed", auction_id)
                socketio.sleep(self.interval)
                if auction_id not in self.dirty:
                    return
        finally:
            self.scheduled.discard(auction_id)


def notify(auction_id: int) -> None:
    """Tell the auction's rooms that it changed (after commit): the watchers and the public state
    at most every ``UPDATE_INTERVAL``, each bidder's own place at most every ``MINE_INTERVAL``
    (a bidder's own bid is answered with its place at once)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _public.changed(app, auction_id)
    _mine.changed(app, auction_id)


def broadcast_public(auction_id: int) -> None:
    """The watchers (purchaser, supervisors, operators) their ladder, then everyone the public
    state."""
    session = db.read_session()
    try:
        auction = session.get(Auction, auction_id)
        if auction is None:
            return
        standing = _standing(session, auction)
        public = public_state(session, auction, standing)
        watch = {
            "auction_id": auction.id,
            "bid_count": auction.bid_count,
            "bidder_count": auction.bidder_count,
            "best_price": str(auction.best_price) if auction.best_price is not None else None,
            "ladder": _plain(
                service.ladder(session, auction, standing, supplier_ids=auction.status == "awarded")
            ),
        }
    finally:
        session.close()
    socketio.emit("watch", watch, to=watch_room(auction_id), namespace=NAMESPACE)
    socketio.emit("state", public, to=room(auction_id), namespace=NAMESPACE)


def broadcast_mine(auction_id: int) -> None:
    """Each bidding organisation its own label, place, last price and next allowed price."""
    session = db.read_session()
    try:
        auction = session.get(Auction, auction_id)
        if auction is None:
            return
        standing = _standing(session, auction)
        terms = service.terms_of(auction)
        open_ = auction.status == "published" and rules.phase(terms, clock.now()) != "after"
        won = auction.winner_id if auction.status == "awarded" else None
        mine = {
            b.supplier_id: {
                "auction_id": auction.id,
                "label": service.label_text(b.label_no),
                "label_no": b.label_no,
                "rank": standing.places.get(b.supplier_id),
                "last_price": str(b.last_price),
                "deduction": str(policy.from_basis_points(b.deduction_bp)),
                "evaluated_price": str(
                    policy.apply_deduction(b.last_price, policy.from_basis_points(b.deduction_bp))
                ),
                "next_allowed": str(
                    rules.highest_allowed(terms, auction.best_price, b.last_price, b.deduction_bp)
                )
                if open_
                else None,
                "won": won == b.supplier_id,
            }
            for b in standing.rows
        }
    finally:
        session.close()
    for supplier_id, own in mine.items():
        socketio.emit("mine", own, to=org_room(auction_id, supplier_id), namespace=NAMESPACE)


#: The last standing read of each auction, with the bid count and status it was read at: the
#: answers to a batch and the room updates after it share one read while nothing has changed.
_standings: dict[int, tuple[tuple[int, str], service.Standing]] = {}


_read_locks: dict[int, Any] = {}


def _loaded(auction: Auction, status: str) -> bool:
    """Whether the object still holds what its commit left (a session that expires objects on
    commit leaves nothing to read without it) and the auction is in ``status``."""
    return not sa_inspect(auction).expired_attributes and auction.status == status


def _key(auction: Auction) -> tuple[int, str]:
    return (auction.bid_count, auction.status)


def _cached(auction: Auction) -> service.Standing | None:
    held = _standings.get(auction.id)
    return held[1] if held is not None and held[0] == _key(auction) else None


def _standing(session: Any, auction: Auction) -> service.Standing:
    # One read at a time per auction, so that the others waiting for it share it.
    with _read_locks.setdefault(auction.id, threading.Lock()):
        standing = _cached(auction)
        if standing is None:
            standing = service.Standing.read(session, auction.id)
            if len(_standings) >= 1000:
                _standings.clear()
            _standings[auction.id] = (_key(auction), standing)
        return standing


def _advance(outcomes: list[service.BidOutcome]) -> None:
    """After a batch commits: if this process holds the standing the batch started from, bring it
    up to date from the batch's own rows instead of reading it again."""
    changed = [o.bidder for o in outcomes if o.accepted and o.bidder is not None]
    auction = outcomes[0].auction
    if not changed or not _loaded(auction, "published"):
        return
    before = (auction.bid_count - len(changed), auction.status)
    with _read_locks.setdefault(auction.id, threading.Lock()):
        held = _standings.pop(auction.id, None)
        if held is not None and held[0] == before:
            try:
                _standings[auction.id] = (_key(auction), held[1].updated(changed))
            except Exception:  # the next reader reads it; the bids are committed regardless
                log.exception("auction %s: standing not brought up to date", auction.id)


def _plain(ladder: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A ladder as JSON values: prices as strings, times in ISO 8601."""
    return [
        entry
        | {
            "price": str(entry["price"]),
            "deduction": str(entry["deduction"]),
            "evaluated_price": str(entry["evaluated_price"]),
            "at": entry["at"].isoformat(),
        }
        for entry in ladder
    ]


def public_state(
    session: Any, auction: Auction, standing: service.Standing | None = None
) -> dict[str, Any]:
    """What every participant may see: the same for all bidders."""
    now = clock.now()
    phase = (
        rules.phase(service.terms_of(auction), now) if auction.status == "published" else "after"
    )
    ladder = None
    if auction.visibility == "ladder":
        if standing is None:
            standing = _standing(session, auction)
        # Labels — and the real names once awarded — never the suppliers' ids.
        ladder = [
            {
                key: value
                for key, value in entry.items()
                if key
                in ("rank", "label", "label_no", "price", "deduction", "evaluated_price", "at")
                or (key == "name" and value)
            }
            for entry in _plain(service.ladder(session, auction, standing))
        ]
    return {
        "auction_id": auction.id,
        "status": auction.status,
        "phase": phase,
        "now": now.isoformat(),
        "ends_at": auction.ends_at.isoformat(),
        "seconds_left": max(0, int((auction.ends_at - now).total_seconds()))
        if phase != "after"
        else 0,
        "extensions_used": auction.extensions_used,
        "best_price": str(auction.best_price)
        if auction.visibility != "rank" and auction.best_price is not None
        else None,
        "ladder": ladder,
        "failure_reason": auction.failure_reason,
    }


_public = _Coalescer(UPDATE_INTERVAL, broadcast_public)
_mine = _Coalescer(MINE_INTERVAL, broadcast_mine)


def init_sockets() -> None:
    socketio.on_namespace(AuctionNamespace(NAMESPACE))
