"""The working-day calendar that dispute deadlines run on (MALL-9): weekends, holidays and the
weekend days worked instead (调休)."""

from datetime import UTC, date, datetime

import pytest

from core import clock
from core.config import ConfigError
from core.workdays import Calendar, calendar


def shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=clock.SHANGHAI)


def test_three_working_days_from_a_friday_evening_end_on_wednesday_night():
    cal = Calendar()
    due = cal.add_working_days(shanghai(2026, 11, 20, 21, 30), 3)  # a Friday
    assert clock.local(due) == shanghai(2026, 11, 26, 0, 0)  # the end of Wednesday the 25th
    assert due.tzinfo == UTC


def test_holidays_are_skipped_and_makeup_days_count():
    # National Day week: 1–7 October off, Sunday 27 September and Saturday 10 October worked.
    holidays = frozenset(date(2026, 10, d) for d in range(1, 8))
    cal = Calendar(holidays, frozenset({date(2026, 10, 10)}))
    assert not cal.is_working_day(date(2026, 10, 5))
    assert cal.is_working_day(date(2026, 10, 10))  # a Saturday, worked
    due = cal.add_working_days(shanghai(2026, 9, 30, 9, 0), 2)
    # 1–7 off, Thursday the 8th and Friday the 9th are the two working days.
    assert clock.local(due) == shanghai(2026, 10, 10, 0, 0)
    due = cal.add_working_days(shanghai(2026, 9, 30, 9, 0), 3)
    assert clock.local(due) == shanghai(2026, 10, 11, 0, 0)  # the Saturday counted


def test_working_days_left():
    cal = Calendar()
    now = shanghai(2026, 11, 23, 10, 0)  # Monday
    assert cal.working_days_left(now, cal.add_working_days(now, 3)) == 3
    assert cal.working_days_left(now, now) == 0


def test_calendar_reads_its_settings_and_refuses_bad_dates():
    cal = calendar({"WORKDAY_HOLIDAYS": "2027-01-01, 2027-02-16", "WORKDAY_MAKEUP_DAYS": ""})
    assert cal.holidays == {date(2027, 1, 1), date(2027, 2, 16)}
    with pytest.raises(ConfigError, match="WORKDAY_HOLIDAYS"):
        calendar({"WORKDAY_HOLIDAYS": "2027-13-01"})
    with pytest.raises(ValueError):
        Calendar().add_working_days(shanghai(2026, 11, 23), 0)
