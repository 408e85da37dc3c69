"""Months and the monthly-report calendar: the one home of the portal's month arithmetic.

A month is a ``date`` on its first day, written ``YYYY-MM``. The report rule (DESIGN.md):
the report for a month is due on ``MINSHENG_REPORT_DUE_DAY`` of that month, or on its last
day when the month is shorter (a due day of 31 falls on 30 April and 28 or 29 February).
The light, the reminders and the dashboard all ask these functions; the dashboard's SQL
form of the same rule (``dashboard.report_sql``) is checked against them by a test.
"""

from __future__ import annotations

import calendar
import datetime
import re

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    """The first day of the month ``count`` months after ``month``'s (before, if negative)."""
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def next_month(month: datetime.date) -> datetime.date:
    return add_months(month, 1)


def previous_month(month: datetime.date) -> datetime.date:
    return add_months(month, -1)


def month_end(month: datetime.date) -> datetime.date:
    """The last day of ``month``'s month."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def month_index(month: datetime.date) -> int:
    """Months since year 0, so that months compare and subtract as integers."""
    return month.year * 12 + month.month


def parse_month(text: str | None) -> datetime.date | None:
    """``"2024-09"`` as 2024-09-01; None for anything else (no exception)."""
    match = _MONTH.match((text or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return datetime.date(year, month, 1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Every month from ``first``'s through ``last``'s, both included."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def report_due_date(period: datetime.date, due_day: int) -> datetime.date:
    """When the report for ``period`` is due: ``due_day`` of that month (or its last day)."""
    return period.replace(day=min(due_day, month_end(period).day))


def last_report_period(on_date: datetime.date, due_day: int) -> datetime.date:
    """The month whose progress report was last due before ``on_date`` (its first day)."""
    this_month = month_start(on_date)
    if on_date > report_due_date(this_month, due_day):
        return this_month
    return previous_month(this_month)


def reports_owed(
    planned_start: datetime.date,
    as_of: datetime.date,
    due_day: int,
    completed_on: datetime.date | None = None,
) -> list[datetime.date]:
    """The months a project owes a progress report for on ``as_of``: each month whose due
    date falls on or after its planned start, up to the last month already due and, for a
    completed project, up to its completion (a report due on the day it completes is owed).
    """
    last = last_report_period(as_of, due_day)
    return [
        period
        for period in months_between(planned_start, last)
        if planned_start <= report_due_date(period, due_day)
        and (completed_on is None or report_due_date(period, due_day) <= completed_on)
    ]
