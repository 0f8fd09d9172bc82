"""The ``/auction`` Socket.IO namespace (AUC-1 real time, AUC-3 same information for all).

A client connects with its session cookie or ``auth={"token": …}``; it ``join``s an auction it may
see and gets the state the rules allow; a bidder ``bid``s through the same service as the HTTP API
and gets its own acknowledgement as soon as its unit of work commits (the bids of one auction that
queue up while another is being placed go into one unit of work together, see ``batching``).
After each committed change the rooms are told, coalesced per auction (``broadcast``): the
purchaser and supervisors get the anonymised ladder in ``auction:<id>:watch`` and everyone in
``auction:<id>`` the public state, at most every ``UPDATE_INTERVAL``; each bidding organisation
its own place in ``auction:<id>:org:<org>``, at most every ``MINE_INTERVAL``. With ``REDIS_URL``
set the rooms span every server process.
"""

from auction.sockets.batching import MAX_BATCH
from auction.sockets.broadcast import (
    MINE_INTERVAL,
    UPDATE_INTERVAL,
    broadcast_mine,
    broadcast_public,
    notify,
    public_state,
)
from auction.sockets.namespace import AuctionNamespace, init_sockets
from auction.sockets.rooms import NAMESPACE, org_room, room, watch_room

__all__ = [
    "MAX_BATCH",
    "MINE_INTERVAL",
    "NAMESPACE",
    "UPDATE_INTERVAL",
    "AuctionNamespace",
    "broadcast_mine",
    "broadcast_public",
    "init_sockets",
    "notify",
    "org_room",
    "public_state",
    "room",
    "watch_room",
]
