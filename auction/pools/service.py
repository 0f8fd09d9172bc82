"""Volume purchases (带量采购, AUC-2): open a pool, add and withdraw demand, close the window into a
reverse auction, declare capacity, and read what each party may see.

Every use case takes ``(session, actor, …)``, records on the ledger and flushes; the caller's unit
of work commits. Adding or withdrawing demand and closing the window lock the pool's row, so the
pooled quantity is exact and no demand arrives after the close. A demand's funds are reserved on
the purchaser's own budget line at the pool's ceiling when it is added, and released when it is
withdrawn; the pool's auction reserves nothing more.

The use cases live in one module per step; this module names them all in one place: ``access``
(who may do what), ``opening``, ``demand``, ``withdrawal``, ``windows`` (the close into an
auction), ``capacity`` and ``queries``; the award is ``settle``.
"""

from __future__ import annotations

from auction.pools.access import (
    enrolled_category_ids,
    has_demand,
    is_organiser,
    may_add_demand,
    may_organise,
    require_organiser,
    role_of,
    visible_ceiling,
)
from auction.pools.capacity import capacity_of, declare_capacity
from auction.pools.demand import add_demand, withdraw_demand
from auction.pools.opening import MAX_WINDOW, MAX_WINNERS, announcement, open_pool
from auction.pools.queries import allocations, demands, get_pool, org_names, own_demand, pools_query
from auction.pools.windows import DELIVERY_EACH, close_window, tick, windows_due
from auction.pools.withdrawal import cancel_pool, held_by_demands

__all__ = [
    "DELIVERY_EACH",
    "MAX_WINDOW",
    "MAX_WINNERS",
    "add_demand",
    "allocations",
    "announcement",
    "cancel_pool",
    "capacity_of",
    "close_window",
    "declare_capacity",
    "demands",
    "enrolled_category_ids",
    "get_pool",
    "has_demand",
    "held_by_demands",
    "is_organiser",
    "may_add_demand",
    "may_organise",
    "open_pool",
    "org_names",
    "own_demand",
    "pools_query",
    "require_organiser",
    "role_of",
    "tick",
    "visible_ceiling",
    "windows_due",
    "withdraw_demand",
]
