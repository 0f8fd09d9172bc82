"""What several purchase rules share: the mall's settings as the app is configured (read from the
config, never from ``mall``), the fiscal year, and the order events' amounts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from core import clock
from core.money import cny
from supervision.ledger.models import LedgerEntry
from supervision.warnings.rules.base import Context

#: the events of an order that ended without being bought (its funds given back)
ENDED = ("order.declined", "order.cancelled", "order.lapsed")


def mall_setting(key: str, default: Any) -> Any:
    """The mall's setting ``key`` (``MALL_PURCHASE_LIMIT`` …) as the app is configured, else
    ``default`` (the rule's parameter)."""
    from flask import current_app, has_app_context

    raw = current_app.config.get(key) if has_app_context() else None
    if raw is None or raw == "":
        return default
    return cny(raw) if isinstance(default, Decimal) else type(default)(raw)


def year_start(at: datetime) -> datetime:
    """The start of the fiscal year ``at`` falls in: 1 January in China's time zone."""
    local = clock.local(at)
    return local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)


def local_date_start(at: datetime, month: int, day: int) -> datetime:
    """Midnight of ``month``/``day`` in China's time zone, in the year of ``at``."""
    local = clock.local(at)
    return local.replace(month=month, day=day, hour=0, minute=0, second=0, microsecond=0)


def money(value: Any) -> Decimal:
    return cny(value if value is not None else 0)


def kind_of(item: dict[str, Any]) -> str:
    """An order line's category kind (goods, services, works); goods when the event predates it."""
    return item.get("category_kind") or "goods"


def ended_orders(ctx: Context, since: datetime, before_seq: int | None = None) -> set[str]:
    """The ids (as on the ledger) of orders that ended unbought at or after ``since``."""
    return {
        entry.subject_id
        for entry in ctx.entries(ENDED, since=since, before_seq=before_seq)
        if entry.subject_id is not None
    }


def days(n: int) -> timedelta:
    return timedelta(days=n)


def seqs(entries: Iterable[LedgerEntry]) -> list[int]:
    return [entry.seq for entry in entries]
