"""The bidders' standing as this process last read it, per auction (see ``state.Standing``): the
answers to a batch of bids and the room updates after it share one read while nothing has
changed, and a batch that started from it brings it up to date from its own rows."""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import inspect as sa_inspect

from auction import service
from auction.models import Auction

log = logging.getLogger(__name__)

#: The last standing read of each auction, with the bid count and status it was read at: the
#: answers to a batch and the room updates after it share one read while nothing has changed.
_standings: dict[int, tuple[tuple[int, str], service.Standing]] = {}


_read_locks: dict[int, Any] = {}


def loaded(auction: Auction, status: str) -> bool:
    """Whether the object still holds what its commit left (a session that expires objects on
    commit leaves nothing to read without it) and the auction is in ``status``."""
    return not sa_inspect(auction).expired_attributes and auction.status == status


def _key(auction: Auction) -> tuple[int, str]:
    return (auction.bid_count, auction.status)


def cached(auction: Auction) -> service.Standing | None:
    held = _standings.get(auction.id)
    return held[1] if held is not None and held[0] == _key(auction) else None


def standing_of(session: Any, auction: Auction) -> service.Standing:
    # One read at a time per auction, so that the others waiting for it share it.
    with _read_locks.setdefault(auction.id, threading.Lock()):
        standing = cached(auction)
        if standing is None:
            standing = service.Standing.read(session, auction.id)
            if len(_standings) >= 1000:
                _standings.clear()
            _standings[auction.id] = (_key(auction), standing)
        return standing


def advance(outcomes: list[service.BidOutcome]) -> None:
    """After a batch commits: if this process holds the standing the batch started from, bring it
    up to date from the batch's own rows instead of reading it again."""
    changed = [o.bidder for o in outcomes if o.accepted and o.bidder is not None]
    auction = outcomes[0].auction
    if not changed or not loaded(auction, "published"):
        return
    before = (auction.bid_count - len(changed), auction.status)
    with _read_locks.setdefault(auction.id, threading.Lock()):
        held = _standings.pop(auction.id, None)
        if held is not None and held[0] == before:
            try:
                _standings[auction.id] = (_key(auction), held[1].updated(changed))
            except Exception:  # the next reader reads it; the bids are committed regardless
                log.exception("auction %s: standing not brought up to date", auction.id)
