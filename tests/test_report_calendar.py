"""The monthly-report calendar: one rule in Python (``minsheng.months``), and the dashboard's
SQL form of it (``dashboard.report_sql``) giving the same answer for every due day."""

import datetime
from datetime import date as D

import pytest
from django.utils import timezone

from dashboard.report_sql import on_time_conditions, reports_required_sql
from minsheng.months import (
    add_months,
    last_report_period,
    month_end,
    months_between,
    next_month,
    previous_month,
    report_due_date,
    reports_owed,
)
from projects.choices import ProjectStatus, ReportState
from projects.models import ProgressReport, Project
from tests.factories import ProgressReportFactory, ProjectFactory

DUE_DAYS = range(1, 32)
# Starts and completions on month ends, in a common (2023) and a leap (2024) February.
STARTS = [D(2023, 1, 31), D(2023, 2, 28), D(2023, 3, 15), D(2024, 1, 30), D(2024, 2, 29)]
COMPLETIONS = [None, D(2023, 4, 30), D(2024, 2, 28), D(2024, 2, 29), D(2024, 3, 31)]
AS_OF = [
    D(2023, 2, 28),
    D(2023, 3, 1),
    D(2024, 2, 28),
    D(2024, 2, 29),
    D(2024, 4, 30),
    D(2024, 5, 31),
]


@pytest.mark.parametrize(
    ("month", "count", "expected"),
    [
        (D(2024, 1, 1), 1, D(2024, 2, 1)),
        (D(2024, 12, 1), 1, D(2025, 1, 1)),
        (D(2024, 1, 1), -1, D(2023, 12, 1)),
        (D(2024, 3, 1), -14, D(2023, 1, 1)),
        (D(2024, 5, 1), 0, D(2024, 5, 1)),
    ],
)
def test_add_months_crosses_years(month, count, expected):
    assert add_months(month, count) == expected


def test_month_end_of_february_in_leap_and_common_years():
    assert month_end(D(2024, 2, 1)) == D(2024, 2, 29)
    assert month_end(D(2023, 2, 1)) == D(2023, 2, 28)
    assert month_end(D(2024, 12, 1)) == D(2024, 12, 31)
    assert next_month(D(2024, 1, 31)) == D(2024, 2, 1)
    assert previous_month(D(2024, 3, 31)) == D(2024, 2, 1)


@pytest.mark.parametrize("due_day", DUE_DAYS)
def test_report_due_on_the_due_day_or_the_month_s_last_day(due_day):
    for month in months_between(D(2023, 1, 1), D(2024, 12, 1)):
        due = report_due_date(month, due_day)
        assert due.month == month.month
        assert due.day == min(due_day, month_end(month).day)
        # The last period needing a report on its due date is the month before; a day
        # later, the month itself.
        assert last_report_period(due, due_day) == previous_month(month)
        assert last_report_period(due + datetime.timedelta(days=1), due_day) == month


@pytest.fixture
def projects(db):
    rows = []
    for start in STARTS:
        for completed_on in COMPLETIONS:
            if completed_on is not None and completed_on < start:
                continue
            rows.append(
                ProjectFactory(
                    planned_start=start,
                    planned_end=D(2024, 12, 31),
                    completed_on=completed_on,
                    status=ProjectStatus.COMPLETED if completed_on else ProjectStatus.IN_PROGRESS,
                    progress_percent=100 if completed_on else 50,
                )
            )
    return rows


@pytest.mark.django_db
def test_dashboard_sql_counts_the_reports_owed_as_the_python_rule(projects):
    ids = [project.pk for project in projects]
    for due_day in DUE_DAYS:
        for as_of in AS_OF:
            last_period = last_report_period(as_of, due_day)
            counted = dict(
                Project.objects.filter(pk__in=ids)
                .annotate(owed=reports_required_sql("", last_period, due_day))
                .values_list("pk", "owed")
            )
            expected = {
                project.pk: len(
                    reports_owed(project.planned_start, as_of, due_day, project.completed_on)
                )
                for project in projects
            }
            assert counted == expected, (due_day, as_of)


def _at(day: datetime.date, hour: int = 20) -> datetime.datetime:
    """A moment on ``day`` in the portal's time zone (late: the day's last hours count)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


@pytest.mark.django_db
def test_dashboard_sql_judges_reports_on_time_as_the_python_rule(projects):
    # Each project reports for a few months around its start and completion, submitted
    # on the due day of one due-day rule, the day after, or at the month's end.
    periods = [D(2023, 1, 1), D(2023, 2, 1), D(2023, 4, 1), D(2024, 2, 1), D(2024, 3, 1)]
    reports = []
    for index, project in enumerate(projects):
        for offset, period in enumerate(periods):
            submitted = [
                report_due_date(period, 28),
                report_due_date(period, 29) + datetime.timedelta(days=1),
                month_end(period),
                report_due_date(period, 30),
                period,
            ][(index + offset) % 5]
            reports.append(
                ProgressReportFactory(
                    project=project,
                    period=period,
                    state=ReportState.SUBMITTED,
                    submitted_at=_at(submitted),
                )
            )
    for due_day in DUE_DAYS:
        on_time = set(
            ProgressReport.objects.filter(pk__in=[r.pk for r in reports])
            .filter(on_time_conditions("project__", due_day))
            .values_list("pk", flat=True)
        )
        expected = set()
        for report in reports:
            project = report.project
            due = report_due_date(report.period, due_day)
            owed = report.period in reports_owed(
                project.planned_start, D(2100, 1, 1), due_day, project.completed_on
            )
            if owed and timezone.localdate(report.submitted_at) <= due:
                expected.add(report.pk)
        assert on_time == expected, due_day
