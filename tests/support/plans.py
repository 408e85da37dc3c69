"""A plan grown by hundreds of projects in a few inserts, for query counts that must not grow."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from departments.models import Area
from projects.choices import ProjectStatus, ReportState
from projects.models import Milestone, ProgressReport, Project

D = datetime.date


def reviewed(day):
    return timezone.make_aware(datetime.datetime(2024, day.month, day.day, 10, 0))


def grow_plan(plan, categories, departments, areas, count, start):
    """Add ``count`` projects with milestones, indicators and reports in a few bulk inserts."""
    projects = Project.objects.bulk_create(
        [
            Project(
                plan=plan,
                number=start + i,
                title=f"批量项目{start + i}",
                summary="批量生成",
                commitment="批量生成",
                category=categories[i % len(categories)],
                lead_department=departments[i % len(departments)],
                planned_start=D(2024, 3, 1),
                planned_end=D(2024, 12, 31),
                planned_investment=Decimal("100"),
                funds_disbursed=Decimal("40"),
                progress_percent=Decimal(i % 100),
                status=ProjectStatus.IN_PROGRESS,
            )
            for i in range(count)
        ]
    )
    Milestone.objects.bulk_create(
        [
            Milestone(project=p, title=title, planned_date=day, weight=1)
            for p in projects
            for title, day in (("开工", D(2024, 4, 1)), ("完工", D(2024, 11, 30)))
        ]
    )
    ProgressReport.objects.bulk_create(
        [
            ProgressReport(
                project=p,
                period=period,
                reported_progress=Decimal("30"),
                funds_disbursed_to_date=Decimal("40"),
                work_done="批量进展",
                state=state,
                reviewed_at=reviewed(D(2024, 9, 26)) if state == ReportState.APPROVED else None,
            )
            for p in projects
            for period, state in (
                (D(2024, 8, 1), ReportState.APPROVED),
                (D(2024, 9, 1), ReportState.SUBMITTED),
            )
        ]
    )
    Area.objects.model.projects.through.objects.bulk_create(
        [
            Area.objects.model.projects.through(project_id=p.pk, area_id=areas[i % len(areas)].pk)
            for i, p in enumerate(projects)
        ]
    )
