"""Room updates after each committed change, coalesced per auction: the watchers' ladder and the
public state at most every ``UPDATE_INTERVAL``, each bidding organisation's own place at most every
``MINE_INTERVAL``, so the cost of the fan-out does not grow with the bid rate."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import current_app

from auction import rules, service
from auction.models import Auction
from auction.sockets.rooms import NAMESPACE, org_room, room, watch_room
from auction.sockets.standing_cache import standing_of
from core import clock
from core.db import db
from mall import policy
from mall.extensions import socketio

log = logging.getLogger(__name__)

#: Seconds between two updates of one auction's public state and watchers' ladder, at least.
UPDATE_INTERVAL = 0.02
#: Seconds between two updates of each bidder's own place in one auction, at least.
MINE_INTERVAL = 0.25


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
        standing = standing_of(session, auction)
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
        standing = standing_of(session, auction)
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
            standing = standing_of(session, auction)
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
