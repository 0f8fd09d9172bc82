"""Rate limits (Flask-Limiter over the ``limits`` package), answered ``429`` with ``Retry-After``.

Three limits, each a setting (``core.config``), counted in Redis when ``REDIS_URL`` is set (so every
server process shares the counts) and in this process otherwise:

``RATE_LIMIT_WRITES`` (default ``60/minute``)
    every POST/PUT/PATCH/DELETE under ``/api/`` but bids, together, per signed-in user, or per
    remote address when the request carries no credentials (``request.remote_addr``: the client's
    address once the proxy headers are trusted).
``RATE_LIMIT_TOKENS`` (default ``10/hour``)
    API tokens issued, per user (the endpoint is decorated with ``limit_token_creation``).
``RATE_LIMIT_BIDS`` (default ``10/second``)
    bids per bidding organisation (per user for an actor without one), over HTTP (the endpoint is
    decorated with ``limit_bids``) and over the socket (``check_bid``) against one count. A bid
    refused by the limit never reaches the bid service: it is counted, not ledgered one by one —
    the first refusal of each window puts one ``auction.bids_throttled`` entry on the ledger (in
    the refused request's own unit of work), the others only add to the count.

Counts are fixed windows that start with a party's first hit. On Redis their keys start with a
digest of the database URL, so two malls sharing one Redis do not share counts. If the store cannot be
reached, requests and bids go through unlimited (and the failure is logged): the limits protect
the mall, they must not take it down. ``RATE_LIMITS_ENABLED=0`` turns every limit off.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded
from limits import RateLimitItem, parse
from sqlalchemy.orm import Session

from core.accounts.auth import SAFE_METHODS, Actor, current_actor, require_actor
from core.api import NEVER_LIMITED, domain_error
from core.audit import audit
from core.db import db, keep_on_error
from core.errors import DomainError, RateLimited

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

#: The ledger action for the first refused bid of a bidder's window.
BIDS_THROTTLED = "auction.bids_throttled"


def _limiter(app: Flask | None = None) -> Limiter:
    return (app or current_app).extensions["mall_limiter"]


def _enabled() -> bool:
    return bool(current_app.config["RATE_LIMITS_ENABLED"])


@lru_cache(maxsize=32)
def _item(value: str) -> RateLimitItem:
    return parse(value)


def _request_key() -> str:
    """Whom an API write counts against: the signed-in user, else the remote address."""
    try:
        actor = current_actor()
    except DomainError:  # a bad token: refused later, counted by address meanwhile
        actor = None
    if actor is not None and actor.user_id is not None:
        return f"user:{actor.user_id}"
    return f"addr:{request.remote_addr or '?'}"


#: Set on a view whose writes have a limit of their own instead of ``RATE_LIMIT_WRITES``.
APART = "rate_limited_apart"


def unlimited(view: F) -> F:
    """Leave a view's writes out of ``RATE_LIMIT_WRITES``: for callers that are not users, such as
    the payment gateway's signed callbacks, which arrive in bursts from one address and must never
    be refused (their signature and idempotency protect them). Put it right under the route."""
    setattr(view, APART, True)
    setattr(view, NEVER_LIMITED, True)
    return view


def throttled_apart(view: F) -> F:
    """Leave a view's writes out of ``RATE_LIMIT_WRITES`` because it has a throttle of its own
    that answers 429 itself (sign-in: per account and address). Put it right under the route."""
    setattr(view, APART, True)
    return view


def _not_an_api_write() -> bool:
    if request.method in SAFE_METHODS or not request.path.startswith("/api/"):
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, APART, False))


def _too_many(retry_after: int) -> RateLimited:
    return RateLimited(
        retry_after,
        message="Too many requests; try again in %(seconds)s s.",
        params={"seconds": retry_after},
    )


def _seconds_until(reset_at: float) -> int:
    return max(1, math.ceil(reset_at - time.time()))


def init_app(app: Flask) -> Limiter:
    """Install the limits on ``app`` (after ``db`` and the accounts' request hooks)."""
    redis_url = app.config.get("REDIS_URL")
    digest = hashlib.sha256(app.config["DATABASE_URL"].encode()).hexdigest()[:12]
    limiter = Limiter(
        key_func=_request_key,
        application_limits=[
            ApplicationLimit(
                lambda: current_app.config["RATE_LIMIT_WRITES"],
                scope="api-writes",
                exempt_when=_not_an_api_write,
            )
        ],
        storage_uri=redis_url or "memory://",
        # On Redis, this mall's keys only (and ``reset`` deletes only them).
        storage_options={"key_prefix": f"LIMITS-mall-{digest}"} if redis_url else {},
        swallow_errors=True,
        headers_enabled=False,
    )
    limiter.init_app(app)
    limiter.request_filter(lambda: not _enabled())
    app.extensions["mall_limiter"] = limiter

    def too_many(_error: RateLimitExceeded) -> Response:
        current = limiter.current_limit
        retry = _seconds_until(current.reset_at) if current is not None else 1
        return domain_error(_too_many(retry))

    app.register_error_handler(RateLimitExceeded, too_many)
    return limiter


def reset(app: Flask | None = None) -> None:
    """Forget every count (the in-process store; on Redis, this mall's keys)."""
    _limiter(app).reset()


def _hit(name: str, setting: str, key: str) -> tuple[int, RateLimitItem, str] | None:
    """Count one hit of ``key`` against the limit ``setting``; its count in the window so far, the
    limit and the storage key, or ``None`` when limits are off or the store fails."""
    if not _enabled():
        return None
    limiter = _limiter()
    item = _item(current_app.config[setting])
    storage_key = item.key_for(key, name)
    try:
        count = limiter.storage.incr(storage_key, item.get_expiry())
    except Exception:
        log.exception("rate limit store unreachable; %s not limited", name)
        return None
    return count, item, storage_key


def _retry_after(storage_key: str) -> int:
    try:
        return _seconds_until(_limiter().storage.get_expiry(storage_key))
    except Exception:
        return 1


def limit_token_creation(view: F) -> F:
    """Decorate the endpoint that issues API tokens: at most ``RATE_LIMIT_TOKENS`` per user."""

    @wraps(view)
    def limited(*args: Any, **kwargs: Any) -> Any:
        actor = require_actor()
        hit = _hit("tokens", "RATE_LIMIT_TOKENS", f"user:{actor.user_id}")
        if hit is not None and hit[0] > hit[1].amount:
            raise _too_many(_retry_after(hit[2]))
        return view(*args, **kwargs)

    return limited  # type: ignore[return-value]


def bidder_key(actor: Actor) -> str:
    """Bids are counted per bidding organisation: the ledger's bidder is the organisation, and
    several users of one supplier share its allowance."""
    if actor.organisation_id is not None:
        return f"org:{actor.organisation_id}"
    return f"user:{actor.user_id}"


def check_bid(
    actor: Actor, auction_id: int | None, channel: str, session: Session | None = None
) -> None:
    """Count one bid of ``actor``'s organisation; raise ``RateLimited`` beyond ``RATE_LIMIT_BIDS``.

    The first refusal of a window is put on the ledger once (``auction.bids_throttled``, subject
    the refused bid's auction, with the limit, the window's length and the channel): in ``session`` when given
    (the request's unit of work, kept although the request fails), else in a unit of work of its
    own. Further refusals in the window are only counted."""
    hit = _hit("bids", "RATE_LIMIT_BIDS", bidder_key(actor))
    if hit is None:
        return
    count, item, storage_key = hit
    if count <= item.amount:
        return
    retry_after = _retry_after(storage_key)
    if count == item.amount + 1:
        payload = {
            "limit": current_app.config["RATE_LIMIT_BIDS"],
            "window_seconds": item.get_expiry(),
            "channel": channel,
            "bidder": bidder_key(actor),
        }
        subject = ("auction", auction_id)
        if session is not None:
            audit(session, actor, BIDS_THROTTLED, subject, payload)
            keep_on_error(session)
        else:
            with db.unit_of_work() as own:
                audit(own, actor, BIDS_THROTTLED, subject, payload)
    raise _too_many(retry_after)


def limit_bids(view: F) -> F:
    """Decorate the HTTP bid endpoint (its ``auction_id`` argument): the bidder's bids count
    against ``RATE_LIMIT_BIDS`` together with its socket bids (and not as API writes, so that an
    HTTP bidder has the same allowance as a socket one)."""

    @wraps(view)
    def limited(*args: Any, **kwargs: Any) -> Any:
        check_bid(require_actor(), kwargs.get("auction_id"), "http", db.session)
        return view(*args, **kwargs)

    setattr(limited, APART, True)
    return limited  # type: ignore[return-value]
