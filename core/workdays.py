"""The working-day calendar (工作日): deadlines that rules express in working days.

Saturdays and Sundays are rest days, public holidays are added with ``WORKDAY_HOLIDAYS`` and the
weekend days that are worked instead (调休) with ``WORKDAY_MAKEUP_DAYS``; both are comma-separated
ISO dates, read from the Flask config, else the environment. A deadline of *n* working days after a
moment ends at midnight (Asia/Shanghai) closing the *n*-th working day after that moment's day, so
a dispute opened on a Friday evening with three working days to answer is due at the end of the
following Wednesday.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from core import clock
from core.config import ConfigError

KEYS = ("WORKDAY_HOLIDAYS", "WORKDAY_MAKEUP_DAYS")
#: The most working days a deadline may count (a guard against a calendar with no working days).
MAX_DAYS = 3650


def _dates(key: str, raw: Any) -> frozenset[date]:
    if raw is None or raw == "":
        return frozenset()
    items = raw if isinstance(raw, (list, tuple, set, frozenset)) else str(raw).split(",")
    out = set()
    for item in items:
        if isinstance(item, date):
            out.add(item)
            continue
        text = str(item).strip()
        if not text:
            continue
        try:
            out.add(date.fromisoformat(text))
        except ValueError:
            raise ConfigError(f"{key}: {text!r} is not a date (YYYY-MM-DD)") from None
    return frozenset(out)


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    makeup_days: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_days:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The end (UTC) of the ``days``-th working day after the local day of ``start``."""
        if days < 1 or days > MAX_DAYS:
            raise ValueError(f"days must be between 1 and {MAX_DAYS}")
        day = clock.local(start).date()
        counted = 0
        for _ in range(MAX_DAYS * 3):
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
                if counted == days:
                    end = datetime.combine(day + timedelta(days=1), time(0), clock.SHANGHAI)
                    return end.astimezone(UTC)
        raise ValueError("the calendar has too few working days")

    def working_days_left(self, now: datetime, due: datetime) -> int:
        """Whole working days from ``now``'s local day (exclusive) up to ``due`` (0 when due today
        or overdue)."""
        if due <= now:
            return 0
        day, last = clock.local(now).date(), (clock.local(due) - timedelta(seconds=1)).date()
        count = 0
        while day < last:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


def calendar(config: Mapping[str, Any] | None = None) -> Calendar:
    """The calendar configured for the app (or ``config``)."""
    if config is None:
        from flask import current_app, has_app_context

        config = current_app.config if has_app_context() else {}
    values = {}
    for key in KEYS:
        raw = config.get(key)
        values[key] = _dates(key, raw if raw is not None else os.environ.get(key))
    return Calendar(values["WORKDAY_HOLIDAYS"], values["WORKDAY_MAKEUP_DAYS"])
