"""A project's change history in plain words, as residents read it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from minsheng.numbers import format_amount as amount
from minsheng.numbers import format_percent as pct

from ..choices import ProjectStatus
from ..models import (
    HistorySource,
    Project,
)

# --------------------------------------------------------------------------------------
# The change history in plain words
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryLine:
    when: datetime.datetime
    text: str


def _status_label(value) -> str:
    try:
        return str(ProjectStatus(value).label)
    except ValueError:
        return value


def office_name() -> str:
    """How the public pages name the coordinating office (区发改委民生工程股)."""
    return _("Livelihood Projects Section")


def _history_rows(project: Project) -> list:
    """The project's history rows, oldest first, each saying who acted (one query).

    Residents follow departments and the office, never staff users: for each row the query
    works out whether its user belongs to the office (or is a superuser), to the lead
    department, or to one of the cooperating departments.
    """
    from django.contrib.auth import get_user_model

    from departments.models import Membership
    from departments.roles import COORDINATOR_GROUP

    user = OuterRef("history_user_id")
    memberships = Membership.objects.filter(user_id=user)
    cooperating_ids = [department["pk"] for department in getattr(project, "cooperating", [])]
    rows = (
        Project.history.model.objects.filter(id=project.pk)
        .annotate(
            by_office=Exists(
                get_user_model().objects.filter(
                    Q(is_superuser=True) | Q(groups__name=COORDINATOR_GROUP), pk=user
                )
            ),
            by_lead=Exists(memberships.filter(department_id=project.lead_department_id)),
            cooperating_id=Subquery(
                memberships.filter(department_id__in=cooperating_ids)
                .order_by("department_id")
                .values("department_id")[:1]
            ),
        )
        .order_by("history_date", "history_id")
        .values(
            "history_date",
            "history_user_id",
            "history_source",
            "progress_percent",
            "funds_disbursed",
            "status",
            "by_office",
            "by_lead",
            "cooperating_id",
        )
    )
    return [SimpleNamespace(**row) for row in rows]


def _actor(record, project: Project) -> str:
    """Who really acted: the lead department (its staff, or its approved report), a
    cooperating department, or the office (its staff, superusers, its imports, and changes
    no user is recorded for, which only the platform's owner makes)."""
    lead = project.lead_department.display_name
    if record.history_source == HistorySource.REPORT:
        return lead
    if record.history_user_id is None or record.by_office:
        return office_name()
    if record.by_lead:
        return lead
    if record.cooperating_id is not None:
        for department in getattr(project, "cooperating", []):
            if department["pk"] == record.cooperating_id:
                return department.get("short_name") or department["name"]
    return office_name()


def project_change_history(project: Project) -> list[HistoryLine]:
    """What changed in the project's progress, funds and status, newest first (one query).

    Each line names who acted (``_actor``): residents follow departments, and the names of
    staff users stay private.
    """
    records = _history_rows(project)
    lines: list[HistoryLine] = []
    for previous, record in zip(records, records[1:], strict=False):
        when = record.history_date
        date = date_format(timezone.localtime(when).date(), "DATE_FORMAT")
        actor = _actor(record, project)
        if previous.progress_percent != record.progress_percent:
            lines.append(
                HistoryLine(
                    when,
                    _("%(date)s %(actor)s updated the progress from %(old)s%% to %(new)s%%")
                    % {
                        "date": date,
                        "actor": actor,
                        "old": pct(previous.progress_percent),
                        "new": pct(record.progress_percent),
                    },
                )
            )
        if previous.funds_disbursed != record.funds_disbursed:
            lines.append(
                HistoryLine(
                    when,
                    _(
                        "%(date)s %(actor)s updated the funds disbursed from %(old)s to %(new)s (10k yuan)"
                    )
                    % {
                        "date": date,
                        "actor": actor,
                        "old": amount(previous.funds_disbursed),
                        "new": amount(record.funds_disbursed),
                    },
                )
            )
        if previous.status != record.status:
            lines.append(
                HistoryLine(
                    when,
                    _("%(date)s %(actor)s changed the status from “%(old)s” to “%(new)s”")
                    % {
                        "date": date,
                        "actor": actor,
                        "old": _status_label(previous.status),
                        "new": _status_label(record.status),
                    },
                )
            )
    lines.reverse()
    return lines
