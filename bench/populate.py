"""Fill the benchmark database: the demo plan, grown to ``--projects`` projects.

Run by ``bench/run_pages.py`` with ``DJANGO_SETTINGS_MODULE=bench.settings``; prints one
line of JSON: how many projects there are and which project's page to measure.
"""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402

from projects.choices import ReportState  # noqa: E402
from projects.models import Indicator, Milestone, Plan, Project  # noqa: E402
from projects.services import lights_refresh  # noqa: E402

COPIED_FIELDS = [
    "summary",
    "commitment",
    "category_id",
    "lead_department_id",
    "planned_start",
    "planned_end",
    "planned_investment",
    "funds_disbursed",
    "funding_source",
    "progress_percent",
    "status",
    "completed_on",
    "published",
]


def grow(plan: Plan, total: int) -> None:
    """Add copies of the demo projects (with milestones, indicators, m2m) up to ``total``."""
    demo = list(
        Project.objects.filter(plan=plan)
        .order_by("number")
        .prefetch_related(
            "milestones", "indicators", "cooperating_departments", "areas", "beneficiary_groups"
        )
    )
    start = len(demo) + 1
    if start > total:
        return
    sources = {number: demo[(number - 1) % len(demo)] for number in range(start, total + 1)}
    created = Project.objects.bulk_create(
        Project(
            plan=plan,
            number=number,
            title=f"{source.title}（样本{number}）",
            **{name: getattr(source, name) for name in COPIED_FIELDS},
        )
        for number, source in sources.items()
    )
    milestones, indicators = [], []
    through = {
        name: getattr(Project, name).through
        for name in ("cooperating_departments", "areas", "beneficiary_groups")
    }
    links = {name: [] for name in through}
    for project in created:
        source = sources[project.number]
        milestones += [
            Milestone(
                project=project,
                title=m.title,
                planned_date=m.planned_date,
                completed_on=m.completed_on,
                weight=m.weight,
                note=m.note,
            )
            for m in source.milestones.all()
        ]
        indicators += [
            Indicator(
                project=project,
                name=i.name,
                unit=i.unit,
                target_value=i.target_value,
                actual_value=i.actual_value,
                order=i.order,
            )
            for i in source.indicators.all()
        ]
        for name, model in through.items():
            field = model._meta.get_field(
                {"cooperating_departments": "department", "areas": "area"}.get(
                    name, "beneficiarygroup"
                )
            )
            links[name] += [
                model(project_id=project.pk, **{field.attname: other.pk})
                for other in getattr(source, name).all()
            ]
    Milestone.objects.bulk_create(milestones)
    Indicator.objects.bulk_create(indicators)
    for name, model in through.items():
        model.objects.bulk_create(links[name])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=500)
    args = parser.parse_args()

    call_command("loaddemo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    plan = Plan.objects.get(year=2024)
    with transaction.atomic():
        grow(plan, args.projects)
    lights_refresh()
    if connection.vendor == "postgresql":
        # A production database is analysed by autovacuum; a freshly bulk-loaded one is not,
        # and the planner would guess from empty statistics.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # The richest demo project: the page a resident is most likely to find heavy.
    detail = (
        Project.objects.filter(plan=plan, published=True, number__lte=50)
        .annotate(
            weight=Count("milestones", distinct=True)
            + Count("reports", filter=Q(reports__state=ReportState.APPROVED), distinct=True)
            + Count("indicators", distinct=True)
        )
        .order_by("-weight", "number")
        .first()
    )
    print(
        json.dumps({"projects": Project.objects.filter(plan=plan).count(), "detail_id": detail.pk})
    )


if __name__ == "__main__":
    main()
