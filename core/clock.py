"""The one clock of the system. All code asks ``clock.now()``; tests move it with ``freeze``/``advance``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

_frozen: datetime | None = None


def now() -> datetime:
    """Current time, timezone-aware, in UTC."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def freeze(at: datetime) -> None:
    global _frozen
    if at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = at.astimezone(UTC)


def advance(delta: timedelta) -> None:
    global _frozen
    _frozen = now() + delta


def unfreeze() -> None:
    global _frozen
    _frozen = None


def local(at: datetime) -> datetime:
    """Show a stored UTC time in Asia/Shanghai."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(SHANGHAI)


def day_start(day: date) -> datetime:
    """The first instant of a calendar day in Asia/Shanghai, in UTC: a filter "from day A to day B"
    (local dates, B included) is ``day_start(A) <= at < day_start(B + 1 day)``."""
    return datetime.combine(day, time(), SHANGHAI).astimezone(UTC)
