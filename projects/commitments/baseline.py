"""The baseline (原计划): frozen when the plan is published, stored and never recomputed."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from minsheng.services import ServiceError

from ..models import (
    BASELINE_FIELDS,
    Indicator,
    Milestone,
    Plan,
    Project,
)
from .rules import _save

# --- the baseline -------------------------------------------------------------------------


def _freeze(projects: list[Project], *, by, at: datetime.datetime) -> None:
    for project in projects:
        for name, column in BASELINE_FIELDS["project"].items():
            setattr(project, column, getattr(project, name))
        project.baselined_at = at
    reason = _("Baseline frozen")
    bulk_update_with_history(
        projects,
        Project,
        [*BASELINE_FIELDS["project"].values(), "baselined_at"],
        default_user=by,
        default_change_reason=reason,
    )
    ids = [project.pk for project in projects]
    for model, name in ((Milestone, "milestone"), (Indicator, "indicator")):
        rows = list(model.objects.filter(project_id__in=ids))
        for row in rows:
            for source, column in BASELINE_FIELDS[name].items():
                setattr(row, column, getattr(row, source))
        if rows:
            bulk_update_with_history(
                rows,
                model,
                list(BASELINE_FIELDS[name].values()),
                default_user=by,
                default_change_reason=reason,
            )


@transaction.atomic
def plan_publish(*, plan: Plan, by, at: datetime.datetime | None = None) -> Plan:
    """Publish (印发) a plan and freeze the baseline of each published project without one.

    ``at`` is when the baseline was set, now unless a plan issued earlier is being recorded.
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not by.has_perm("projects.publish_plan", plan):
        raise PermissionDenied(_("Only the coordinating office publishes plans."))
    if not plan.published:
        plan.published = True
        _save(plan, by, update_fields=["published"])
    projects = list(
        Project.objects.select_for_update().filter(
            plan=plan, published=True, baselined_at__isnull=True
        )
    )
    if projects:
        _freeze(projects, by=by, at=at or timezone.now())
    return plan


@transaction.atomic
def project_baseline_freeze(*, project: Project, by) -> Project:
    """Freeze the baseline of a published project of a published plan (once)."""
    project = Project.objects.select_for_update().select_related("plan").get(pk=project.pk)
    if not by.has_perm("projects.change_baseline", project):
        raise PermissionDenied(_("Only the coordinating office freezes a baseline."))
    if project.is_baselined:
        raise ServiceError(_("This project already has a baseline."))
    if not (project.published and project.plan.published):
        raise ServiceError(
            _("A baseline is frozen when the project is published in a published plan.")
        )
    _freeze([project], by=by, at=timezone.now())
    return project
