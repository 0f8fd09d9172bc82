"""The baseline: a bare Flask-SocketIO server under gevent with the same ``/auction`` events, which
acknowledges each bid and broadcasts it to the room — no database, no rules, no ledger.

    gunicorn -k gevent -w 1 -b 127.0.0.1:5102 bench.bare_server:app
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_socketio import SocketIO, join_room

app = Flask(__name__)
socketio = SocketIO(app, async_mode="gevent")
counts: dict[int, int] = {}


@socketio.on("connect", namespace="/auction")
def connect(auth: Any = None) -> None:
    pass


@socketio.on("join", namespace="/auction")
def join(data: dict[str, Any]) -> dict[str, Any]:
    join_room(f"auction:{data['auction_id']}")
    return {"ok": True}


@socketio.on("bid", namespace="/auction")
def bid(data: dict[str, Any]) -> dict[str, Any]:
    auction_id = int(data["auction_id"])
    counts[auction_id] = counts.get(auction_id, 0) + 1
    seq = counts[auction_id]
    socketio.emit(
        "watch",
        {"auction_id": auction_id, "bid_count": seq, "best_price": data.get("price")},
        to=f"auction:{auction_id}",
        namespace="/auction",
    )
    return {"ok": True, "seq": seq}
