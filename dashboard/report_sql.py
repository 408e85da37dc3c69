"""The monthly-report rule (``minsheng.months``) written as SQL expressions for the dashboard.

The dashboard counts, for thousands of projects in one query, how many monthly reports each
owed and how many came in by their due day. The rule is the one ``minsheng.months`` states in
Python (``report_due_date``, ``reports_owed``); ``tests/test_report_calendar.py`` runs these
expressions against it for every due day from 1 to 31, across month ends and February in
leap and common years.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    Case,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractDay, ExtractMonth, ExtractYear, Greatest, Least
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, LessThanOrEqual

from minsheng.months import month_index
from projects.choices import ProjectStatus


def month_number(expression):
    # Cast: PostgreSQL's EXTRACT gives numerics, whose arithmetic costs several times that
    # of integers on every row.
    return Cast(ExtractYear(expression), IntegerField()) * 12 + Cast(
        ExtractMonth(expression), IntegerField()
    )


# Due days whose due date is ``period + due_day - 1`` in every month (February has 28 days).
PLAIN_DUE_DATES_UP_TO = 28
# Projects that owe monthly reports (a completed one up to its completion).
REPORTING_STATUSES = (ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED)


def _is_month_end(field: str):
    next_day = ExpressionWrapper(F(field) + datetime.timedelta(days=1), output_field=DateField())
    return Exact(ExtractDay(next_day), Value(1))


def first_report_month(project: str, due_day: int):
    """The first month (as ``month_index``) a project owes a report for, as the light counts
    it: the month of its planned start, or the next one when it starts after the due day."""
    start = f"{project}planned_start"
    return month_number(start) + Case(
        When(**{f"{start}__day__gt": due_day}, then=Value(1)), default=Value(0)
    )


def last_report_month(project: str, state: str, last_period: datetime.date, due_day: int):
    """The last month a project owes a report for: ``last_period``, or for a completed
    project the last month whose due date came on or before its completion."""
    completed = f"{project}completed_on"
    last = Value(month_index(last_period))
    before_due = Q(**{f"{completed}__day__lt": due_day})
    if due_day > PLAIN_DUE_DATES_UP_TO:
        # The month's due date is its last day when the month is shorter than the due day:
        # a project completed that day owed the month's report.
        before_due &= ~Q(_is_month_end(completed))
    completed_last = month_number(completed) - Case(
        When(before_due, then=Value(1)), default=Value(0)
    )
    return Case(
        When(
            Q(**{f"{state}status": ProjectStatus.COMPLETED}) & Q(**{f"{completed}__isnull": False}),
            then=Least(last, completed_last),
        ),
        default=last,
    )


def reports_required_sql(project: str, last_period: datetime.date, due_day: int):
    """How many monthly reports a project of the source rows owed (an SQL expression)."""
    months = (
        last_report_month(project, "", last_period, due_day)
        - first_report_month(project, due_day)
        + Value(1)
    )
    return Case(
        When(status__in=REPORTING_STATUSES, then=Greatest(months, Value(0))),
        default=Value(0),
        output_field=IntegerField(),
    )


def on_time_conditions(state: str, due_day: int) -> Q:
    """Reports submitted by their month's due day, for a month the project owed one.

    A month is owed when its due date falls on or after the planned start and, for a
    completed project, on or before the completion (the rules of ``reports_required_sql``).
    With a due day of 28 or less the due date is simply ``period + due_day − 1``: plain date
    comparisons PostgreSQL runs fast. A later due day falls past the end of February (and
    of 30-day months), so the months are compared as numbers instead.
    """
    completed = ~Q(**{f"{state}status": ProjectStatus.COMPLETED}) | Q(
        project__completed_on__isnull=True
    )
    if due_day <= PLAIN_DUE_DATES_UP_TO:
        due = ExpressionWrapper(
            F("period") + datetime.timedelta(days=due_day - 1), output_field=DateField()
        )
        return (
            Q(submitted_at__date__lte=due)
            & Q(project__planned_start__lte=due)
            & (completed | Q(project__completed_on__gte=due))
        )
    period_month = month_number("period")
    submitted_month = month_number("submitted_at")
    return (
        (
            Q(GreaterThan(period_month, submitted_month))
            | (Exact(submitted_month, period_month) & Q(submitted_at__day__lte=due_day))
        )
        & Q(GreaterThanOrEqual(period_month, first_report_month("project__", due_day)))
        & (
            completed
            | Q(
                LessThanOrEqual(
                    period_month,
                    last_report_month("project__", state, datetime.date.max, due_day),
                )
            )
        )
    )
