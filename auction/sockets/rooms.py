"""The rooms of the ``/auction`` namespace: everyone who joined an auction is in ``auction:<id>``;
the purchaser, supervisors and operators also in ``auction:<id>:watch``; each bidding
organisation also in its own ``auction:<id>:org:<org>``."""

from __future__ import annotations

NAMESPACE = "/auction"


def room(auction_id: int) -> str:
    return f"auction:{auction_id}"


def org_room(auction_id: int, org_id: int) -> str:
    return f"auction:{auction_id}:org:{org_id}"


def watch_room(auction_id: int) -> str:
    return f"auction:{auction_id}:watch"
