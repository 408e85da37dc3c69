"""The reminder rules: what falls due on a date, and for whom (DESIGN.md "Reminders").

Everything is derived from the database on the day of the scan, so a scan that did not run
(no worker, Redis down) is made up by the next one: each rule yields the *latest* reminder
that has fallen due and has not gone out yet, never a stale one. The notices go to the
gateway (``notifications.delivery``), which sends each one once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.roles import person_name
from minsheng.months import month_start, next_month, previous_month, report_due_date
from projects.choices import LIGHT_ICONS
from projects.commitments import MODELS

from . import selectors
from .choices import ReminderKind
from .delivery import Notice
from .log import stale_before as _stale_before
from .messages import admin_link, project_admin_link

CHUNK_SIZE = 2000
ONE_DAY = datetime.timedelta(days=1)


# --- the rules: what falls due on a date ---------------------------------------------------
#
# Each rule reads only what is still to be sent (the queries leave out reminders the log has
# handled), so a scan that finds everything done costs little more than the query itself.


class Links:
    """Admin addresses, built once per project in a scan."""

    def __init__(self):
        self._projects: dict[int, str] = {}

    def project(self, project_id: int) -> str:
        if project_id not in self._projects:
            self._projects[project_id] = project_admin_link(project_id)
        return self._projects[project_id]


def project_context(project, links: Links) -> dict:
    return {
        "project": project,
        "light_label": project.get_light_display(),
        "light_icon": LIGHT_ICONS.get(project.light, ""),
        "light_reason": project.light_reason,
        "link": links.project(project.pk),
    }


def _in_chunks(queryset, size: int = CHUNK_SIZE) -> Iterator:
    """The rows of ``queryset`` (ordered by pk), read ``size`` at a time by key.

    Memory stays bounded however many rows there are, and each chunk is a plain query: a
    server-side cursor would make PostgreSQL plan for the first rows and materialise the
    result, which costs more than the scan itself when nothing is left to send.
    """
    last = None
    while True:
        page = (queryset if last is None else queryset.filter(pk__gt=last))[:size]
        with transaction.atomic(using=queryset.db):
            if connections[queryset.db].vendor == "postgresql":
                # The date arithmetic makes the planner's estimate large enough to switch on
                # JIT compilation, which takes longer than running the query.
                with connections[queryset.db].cursor() as cursor:
                    cursor.execute("SET LOCAL jit = off")
            chunk = list(page)
        yield from chunk
        if len(chunk) < size:
            return
        last = chunk[-1].pk


def milestone_notices(
    on_date: datetime.date, recipients: selectors.Recipients, links: Links | None = None
) -> Iterator[Notice]:
    """Milestones due in 7, 3 and 1 days (reporters); overdue ones on day 1 and weekly after
    (reporters and head), with the coordinating office from day 30 on.

    A day without a scan is made up by the next one: the reminder current on a day is the
    latest that has fallen due (the 3-day one, not the 7-day one as well).
    """
    links = links or Links()
    milestones = selectors.milestones_to_remind(
        on_date,
        due_days=tuple(settings.MINSHENG_MILESTONE_DUE_DAYS),
        repeat=settings.MINSHENG_OVERDUE_REPEAT_DAYS,
        escalate=settings.MINSHENG_OVERDUE_ESCALATE_DAYS,
        stale_before=_stale_before(),
    )
    escalate = settings.MINSHENG_OVERDUE_ESCALATE_DAYS
    for milestone in _in_chunks(milestones):
        project = milestone.project
        context = {
            **project_context(project, links),
            "milestone_title": milestone.title,
            "deadline": milestone.planned_date,
        }
        common = {
            "target": milestone,
            "deadline": milestone.planned_date,
            "project_id": project.pk,
        }
        if milestone.days_late <= 0:
            yield Notice(
                kind=ReminderKind.MILESTONE_DUE,
                due_on=milestone.notice_on,
                recipients=recipients.reporters(project.lead_department_id),
                context={**context, "days_left": -milestone.days_late},
                **common,
            )
            continue
        context.update(days_overdue=milestone.days_late, escalated=milestone.days_late >= escalate)
        yield Notice(
            kind=ReminderKind.MILESTONE_OVERDUE,
            due_on=milestone.notice_on,
            recipients=recipients.department_staff(project.lead_department_id),
            context=context,
            **common,
        )
        if milestone.office_on is not None:
            yield Notice(
                kind=ReminderKind.MILESTONE_OVERDUE,
                due_on=milestone.office_on,
                recipients=recipients.coordinators,
                context=context,
                **common,
            )


def report_occurrences(
    on_date: datetime.date,
) -> Iterator[tuple[str, datetime.date, datetime.date, datetime.date]]:
    """(kind, period, deadline, due_on) of the monthly-report reminders current on ``on_date``.

    The reminder is current from 5 days before the due day to the due day; the overdue notice
    from the day after until the next month's reminder.
    """
    due_day = settings.MINSHENG_REPORT_DUE_DAY
    before = datetime.timedelta(days=settings.MINSHENG_REPORT_REMINDER_DAYS)
    this_month = month_start(on_date)
    for period in (previous_month(this_month), this_month, next_month(this_month)):
        deadline = report_due_date(period, due_day)
        remind_on = deadline - before
        next_remind_on = report_due_date(next_month(period), due_day) - before
        if remind_on <= on_date <= deadline:
            yield ReminderKind.REPORT_DUE, period, deadline, remind_on
        elif deadline + ONE_DAY <= on_date < next_remind_on:
            yield ReminderKind.REPORT_OVERDUE, period, deadline, deadline + ONE_DAY


def report_notices(
    on_date: datetime.date, recipients: selectors.Recipients, links: Links | None = None
) -> Iterator[Notice]:
    """The month's progress report: reminded 5 days before it is due (reporters), and the
    day after when it was not submitted (reporters and head)."""
    links = links or Links()
    for kind, period, deadline, due_on in report_occurrences(on_date):
        projects = selectors.projects_without_report(
            period, deadline, kind=kind, due_on=due_on, stale_before=_stale_before()
        )
        for project in _in_chunks(projects):
            department = project.lead_department_id
            people = (
                recipients.reporters(department)
                if kind == ReminderKind.REPORT_DUE
                else recipients.department_staff(department)
            )
            yield Notice(
                kind=kind,
                target=project,
                due_on=due_on,
                deadline=deadline,
                project_id=project.pk,
                recipients=people,
                context={
                    **project_context(project, links),
                    "period": period,
                    "deadline": deadline,
                    "days_left": (deadline - on_date).days,
                    "days_overdue": (on_date - deadline).days,
                },
            )


def comment_notices(
    on_date: datetime.date, recipients: selectors.Recipients, links: Links | None = None
) -> Iterator[Notice]:
    """Comments without an official reply 5 working days after posting → the lead department."""
    links = links or Links()
    comments = selectors.comments_reply_overdue(on_date, stale_before=_stale_before())
    for comment in _in_chunks(comments):
        project = comment.project
        link = admin_link("admin:feedback_comment_change", comment.pk)
        yield Notice(
            kind=ReminderKind.COMMENT_REPLY_OVERDUE,
            target=comment,
            due_on=comment.notice_on,
            deadline=comment.reply_due_on,
            project_id=project.pk,
            recipients=recipients.department_staff(project.lead_department_id),
            context={
                **project_context(project, links),
                "link": link or links.project(project.pk),
                "comment": comment,
                "deadline": comment.reply_due_on,
                "days_overdue": (on_date - comment.reply_due_on).days,
            },
        )


def change_lines(request) -> list[str]:
    """What a change request changes, in words: “节点“主体完工”: 计划完成日期 2024-08-25 → …”."""
    names = {}
    for model_name in ("milestone", "indicator"):
        ids = [e["id"] for e in request.changes if e["model"] == model_name and e.get("id")]
        if ids:
            name_field = "title" if model_name == "milestone" else "name"
            names[model_name] = dict(
                MODELS[model_name].objects.filter(pk__in=ids).values_list("pk", name_field)
            )
    lines = []
    for entry in request.changes:
        model = MODELS[entry["model"]]
        what = model._meta.verbose_name
        if entry["action"] == "add":
            new = entry["new"] or {}
            lines.append(
                _("Add %(what)s “%(name)s”")
                % {"what": what, "name": new.get("title") or new.get("name")}
            )
            continue
        if entry["action"] == "delete":
            old = entry["old"] or {}
            lines.append(
                _("Remove %(what)s “%(name)s”")
                % {"what": what, "name": old.get("title") or old.get("name")}
            )
            continue
        label = str(model._meta.get_field(entry["field"]).verbose_name)
        if entry["model"] != "project":
            row = names.get(entry["model"], {}).get(entry["id"], "")
            label = f"{what}“{row}”{label}"
        lines.append(f"{label}: {entry['old'] or '—'} → {entry['new'] or '—'}")
    return lines


def change_review_notices(
    on_date: datetime.date, recipients: selectors.Recipients, links: Links | None = None
) -> Iterator[Notice]:
    """Requests waiting longer than CHANGE_REVIEW_WORKING_DAYS → the coordinating office, once."""
    links = links or Links()
    overdue = selectors.change_requests_review_overdue(
        on_date, working_days=settings.MINSHENG_CHANGE_REVIEW_WORKING_DAYS
    )
    for request in overdue:
        project = request.project
        link = admin_link("admin:projects_changerequest_change", request.pk)
        yield Notice(
            kind=ReminderKind.CHANGE_REVIEW_OVERDUE,
            target=request,
            due_on=request.notice_on,
            deadline=request.review_due_on,
            project_id=project.pk,
            recipients=recipients.coordinators,
            context={
                **project_context(project, links),
                "link": link or links.project(project.pk),
                "request": request,
                "request_kind": request.get_kind_display(),
                "requested_on": timezone.localdate(request.requested_at),
                "requested_by": person_name(request.requested_by),
                "deadline": request.review_due_on,
                "changes": change_lines(request),
            },
        )
