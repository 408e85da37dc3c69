"""Working days by the Chinese calendar: public holidays off, adjusted weekend workdays on."""

from __future__ import annotations

import datetime
import logging

import chinese_calendar

logger = logging.getLogger(__name__)


def is_workday(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # Beyond the years the calendar package knows (it is updated when the State Council
        # publishes each year's holidays): fall back to Monday to Friday.
        logger.warning("no Chinese calendar for %s; counting Monday to Friday", day.year)
        return day.weekday() < 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            count += 1
    return count
