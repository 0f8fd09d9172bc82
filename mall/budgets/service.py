"""Budget use cases (MALL-3, 无预算不采购).

A purchaser unit's org admin (or an operator) creates and adjusts its lines. Orders reserve funds on a
line when placed, release them when cancelled, declined or lapsed, and payments consume them. Every
reservation locks the line, so two purchases can never spend the same funds.

``reserve`` checks that the actor belongs to the line's unit. ``release`` and ``consume`` only check
that the amounts balance: they are steps of an order's or a payment's transition, whose service has
checked its own actor.

Each concern lives in its own module; this one gathers them, so callers import one place:
:mod:`~mall.budgets.common` (the fiscal year, the ledger entry), :mod:`~mall.budgets.access` (who
may see and manage a line), :mod:`~mall.budgets.lines` (creating and adjusting lines) and
:mod:`~mall.budgets.funds` (reserving, releasing, consuming and refunding).
"""

from mall.budgets.access import get_line, lines_query, movements
from mall.budgets.common import fiscal_year_now
from mall.budgets.funds import (
    check_reservable,
    consume,
    held_for,
    lock_line,
    refund,
    release,
    reserve,
    reserve_for,
)
from mall.budgets.lines import CODE, adjust_line, create_line

__all__ = [
    "CODE",
    "adjust_line",
    "check_reservable",
    "consume",
    "create_line",
    "fiscal_year_now",
    "get_line",
    "held_for",
    "lines_query",
    "lock_line",
    "movements",
    "refund",
    "release",
    "reserve",
    "reserve_for",
]
