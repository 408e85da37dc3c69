"""What the portal tells its staff, and when: the entry points of the notification gateway.

The daily reminder scan and the weekly digest (DESIGN.md "Reminders"), the notice of a new
comment and the decision on a change or closing request. The rules of what falls due are in
``notifications.rules``, the sent-once log in ``notifications.log``, and the sending, by each
person's chosen channels, in ``notifications.delivery``: every message goes out there.
"""

from __future__ import annotations

import datetime
import itertools
import logging

from django.conf import settings
from django.utils import timezone, translation

from departments.roles import person_name
from feedback.models import Comment
from minsheng import clock
from projects.choices import LIGHT_ICONS, ChangeState
from projects.models import ChangeRequest
from projects.services import lights_ensure_current

from . import rules, selectors
from .choices import ReminderKind
from .delivery import Notice, ScanResult, deliver
from .messages import absolute_url, admin_link, project_admin_link
from .rules import report_occurrences

__all__ = [
    "ScanResult",
    "change_decision_notify",
    "comment_notify",
    "digest_send",
    "reminders_send",
    "report_occurrences",
]

logger = logging.getLogger(__name__)


def change_decision_notify(*, request_id: int) -> ScanResult:
    """Tell the person who filed a request how the coordinating office decided (once).

    Sent through the reminder log like every reminder: keyed by the request and the day of
    the decision, so a retried task or a second worker sends nothing more; by e-mail, text
    message or both, as the requester chose.
    """
    request = (
        ChangeRequest.objects.select_related("project", "requested_by", "decided_by")
        .filter(pk=request_id)
        .first()
    )
    today = clock.today()
    if request is None or request.decided_at is None or request.requested_by is None:
        return ScanResult(on_date=today)
    if request.requested_by_id == request.decided_by_id:
        # The office's own direct change or import: nobody is waiting for an answer.
        return ScanResult(on_date=today)
    project = request.project
    decided_on = timezone.localdate(request.decided_at)
    link = admin_link("admin:projects_changerequest_change", request.pk)
    with translation.override(settings.LANGUAGE_CODE):
        changes = rules.change_lines(request)
    notice = Notice(
        kind=ReminderKind.CHANGE_DECIDED,
        target=request,
        due_on=decided_on,
        deadline=None,
        project_id=project.pk,
        recipients=[request.requested_by] if request.requested_by.is_active else [],
        context={
            **rules.project_context(project, rules.Links()),
            "link": link or project_admin_link(project.pk),
            "request": request,
            "request_kind": request.get_kind_display(),
            "approved": request.state == ChangeState.APPROVED,
            "state_label": request.get_state_display(),
            "decided_on": decided_on,
            "decided_by": person_name(request.decided_by),
            "changes": changes,
        },
    )
    result = deliver([notice], on_date=decided_on)
    logger.info("decision notice for change request %s: %s", request.pk, result.as_dict())
    return result


def comment_notify(*, comment_id: int) -> ScanResult:
    """Tell the lead department of a new comment: each of its staff as they chose (once).

    The department's own address, a shared mailbox rather than a person, gets one e-mail
    when the notice first goes out.
    """
    today = clock.today()
    comment = (
        Comment.objects.select_related("project__lead_department").filter(pk=comment_id).first()
    )
    if comment is None:  # deleted before the worker got to it
        return ScanResult(on_date=today)
    project = comment.project
    department = project.lead_department
    posted_on = timezone.localdate(comment.created_at)
    staff = selectors.Recipients(departments=[department.pk]).department_staff(department.pk)
    notice = Notice(
        kind=ReminderKind.COMMENT_NEW,
        target=comment,
        due_on=posted_on,
        deadline=comment.reply_due_on,
        project_id=project.pk,
        recipients=staff,
        context={
            "comment": comment,
            "project": project,
            "admin_link": admin_link("admin:feedback_comment_change", comment.pk),
            "public_link": absolute_url(project.get_absolute_url()),
        },
        mailboxes=[department.email] if department.email else [],
    )
    if not staff and not department.email:
        logger.warning(
            "comment %s: lead department %s has nobody to tell", comment.pk, department.pk
        )
    result = deliver([notice], on_date=posted_on)
    logger.info("new comment notice for comment %s: %s", comment.pk, result.as_dict())
    return result


def _refresh_lights(on_date: datetime.date, dry_run: bool) -> None:
    # Messages quote each project's light: bring the stored lights up to today first. A scan
    # for another date (a rerun with --date) leaves them as they are.
    if not dry_run and on_date == clock.today():
        lights_ensure_current()


def reminders_send(*, on_date: datetime.date | None = None, dry_run: bool = False) -> ScanResult:
    """The daily scan: milestones, monthly reports, comments awaiting replies and change
    requests awaiting the coordinating office's decision."""
    on_date = on_date or clock.today()
    _refresh_lights(on_date, dry_run)
    recipients = selectors.Recipients()
    links = rules.Links()
    notices = itertools.chain(
        rules.milestone_notices(on_date, recipients, links),
        rules.report_notices(on_date, recipients, links),
        rules.comment_notices(on_date, recipients, links),
        rules.change_review_notices(on_date, recipients, links),
    )
    result = deliver(notices, on_date=on_date, dry_run=dry_run)
    logger.info("reminder scan for %s: %s", on_date, result.as_dict())
    if result.unaddressed:
        logger.warning(
            "reminder scan for %s: %s reminders had nobody to go to (a department without "
            "staff accounts, or no coordinating office account)",
            on_date,
            result.unaddressed,
        )
    return result


def week_start(on_date: datetime.date) -> datetime.date:
    return on_date - datetime.timedelta(days=on_date.weekday())


def digest_send(*, on_date: datetime.date | None = None, dry_run: bool = False) -> ScanResult:
    """The weekly summary for leadership (once a week, whichever day it runs)."""
    on_date = on_date or clock.today()
    plan = selectors.current_plan()
    if plan is None:
        return ScanResult(on_date=on_date, dry_run=dry_run)
    _refresh_lights(on_date, dry_run)
    digest = selectors.digest_for(plan, on_date)
    for project in digest.flagged_projects:
        project.light_icon = LIGHT_ICONS.get(project.light, "")
        project.admin_link = project_admin_link(project.pk)
    notice = Notice(
        kind=ReminderKind.WEEKLY_DIGEST,
        target=plan,
        due_on=week_start(on_date),
        deadline=None,
        project_id=None,
        recipients=selectors.Recipients().leaders,
        context={
            "digest": digest,
            "plan": plan,
            "week_start": week_start(on_date),
            "on_date": on_date,
            "link": admin_link("admin:projects_project_changelist"),
        },
    )
    result = deliver([notice], on_date=on_date, dry_run=dry_run)
    logger.info("weekly digest for %s: %s", on_date, result.as_dict())
    return result
