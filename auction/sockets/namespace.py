"""The ``/auction`` namespace's handlers: a connection signs in with its session cookie or
``auth={"token": …}``; it ``join``s the rooms of an auction it may see and gets the state the rules
allow; a bidder ``bid``s through the same service as the HTTP API and is answered once its bid is
placed (see ``batching``)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_socketio import Namespace, join_room, leave_room

from auction import service
from auction.schemas import StateSchema
from auction.sockets.batching import Pending, parse_price, submit
from auction.sockets.rooms import NAMESPACE, org_room, room, watch_room
from core.accounts.auth import Actor
from core.api import MAX_ID
from core.db import db
from core.errors import DomainError
from core.limits import check_bid
from mall.extensions import socketio
from mall.sockets import authenticate, forget, recheck

_actors: dict[str, Actor] = {}
_joined: dict[str, set[int]] = {}


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
        price = parse_price(data.get("price"))
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
        pending = Pending(actor, price)
        submit(auction_id, pending)
        if pending.failure is not None:
            raise pending.failure
        return pending.answer


def init_sockets() -> None:
    socketio.on_namespace(AuctionNamespace(NAMESPACE))
