"""Give the published projects of plans already published their baseline (原计划).

Frozen from the values they hold today, dated the day the plan was issued (00:00 in the
district's time zone) or, without that date, now. Reversing clears every baseline column.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def _baselined_at(plan):
    if plan.issued_on is None:
        return timezone.now()
    midnight = datetime.datetime.combine(plan.issued_on, datetime.time())
    return midnight.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))


def freeze_existing_baselines(apps, schema_editor):
    Plan = apps.get_model("projects", "Plan")
    Project = apps.get_model("projects", "Project")
    Milestone = apps.get_model("projects", "Milestone")
    Indicator = apps.get_model("projects", "Indicator")
    for plan in Plan.objects.filter(published=True):
        projects = list(
            Project.objects.filter(plan=plan, published=True, baselined_at__isnull=True)
        )
        if not projects:
            continue
        at = _baselined_at(plan)
        for project in projects:
            project.baseline_start = project.planned_start
            project.baseline_end = project.planned_end
            project.baseline_investment = project.planned_investment
            project.baseline_funding_source = project.funding_source
            project.baselined_at = at
        Project.objects.bulk_update(
            projects,
            [
                "baseline_start",
                "baseline_end",
                "baseline_investment",
                "baseline_funding_source",
                "baselined_at",
            ],
            batch_size=500,
        )
        ids = [project.pk for project in projects]
        milestones = list(Milestone.objects.filter(project_id__in=ids))
        for milestone in milestones:
            milestone.baseline_title = milestone.title
            milestone.baseline_planned_date = milestone.planned_date
            milestone.baseline_weight = milestone.weight
        Milestone.objects.bulk_update(
            milestones,
            ["baseline_title", "baseline_planned_date", "baseline_weight"],
            batch_size=500,
        )
        indicators = list(Indicator.objects.filter(project_id__in=ids))
        for indicator in indicators:
            indicator.baseline_target = indicator.target_value
            indicator.baseline_unit = indicator.unit
        Indicator.objects.bulk_update(
            indicators, ["baseline_target", "baseline_unit"], batch_size=500
        )


def clear_baselines(apps, schema_editor):
    apps.get_model("projects", "Project").objects.update(
        baseline_start=None,
        baseline_end=None,
        baseline_investment=None,
        baseline_funding_source="",
        baselined_at=None,
    )
    apps.get_model("projects", "Milestone").objects.update(
        baseline_title="", baseline_planned_date=None, baseline_weight=None
    )
    apps.get_model("projects", "Indicator").objects.update(
        baseline_target=None, baseline_unit=""
    )


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_baseline_and_change_requests")]

    operations = [migrations.RunPython(freeze_existing_baselines, clear_baselines)]
