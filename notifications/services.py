"""The daily reminder scan and the weekly digest (DESIGN.md "Reminders").

Everything is derived from the database on the day of the scan, so a scan that did not run
(no worker, Redis down) is made up by the next one: each rule sends the *latest* reminder
that has fallen due and has not gone out yet, never a stale one.

A reminder is sent once. Before anything is sent, the scan claims a row of the log
(``ReminderLog``, unique on kind, object, day due, person and channel) with
``INSERT … ON CONFLICT DO NOTHING`` in a short transaction; it sends only what it claimed,
then records the outcome on the row. A second scan, a retried task or a second worker
finds the rows taken and sends nothing. The same transaction writes one
``ReminderOccurrence`` per reminder, which lets the next scans leave handled reminders out
in SQL (one lookup per object, not one per person and channel). A delivery that failed stays on the row with its
error and is claimed again by the next scan (or task retry) while the reminder is still
current, up to ``MINSHENG_REMINDER_MAX_ATTEMPTS``; then it is marked as failed for good.
A failure for one person never stops the others.
"""

from __future__ import annotations

import datetime
import itertools
import logging
import smtplib
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connections, models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minsheng import clock
from minsheng.months import month_start, next_month, previous_month, report_due_date
from projects.choices import LIGHT_ICONS

from . import selectors
from .choices import Channel, DeliveryStatus, ReminderKind
from .messages import (
    admin_link,
    display_name,
    project_admin_link,
    render_email,
    render_sms,
    render_subject,
)
from .models import ReminderLog, ReminderOccurrence, address_for, channels_for
from .sms import SmsDeliveryError, SmsMessage, get_backend

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
CHUNK_SIZE = 2000
DRY_RUN_LIST_LIMIT = 500
ONE_DAY = datetime.timedelta(days=1)


@dataclass
class Notice:
    """A reminder about one object that fell due on ``due_on``, for a list of people."""

    kind: str
    target: models.Model
    due_on: datetime.date
    deadline: datetime.date | None
    project_id: int | None
    recipients: list
    context: dict


@dataclass(frozen=True)
class PlannedDelivery:
    kind: str
    due_on: datetime.date
    subject: str
    recipient: str
    channel: str


@dataclass
class ScanResult:
    """What a scan sent (or, in a dry run, would send)."""

    on_date: datetime.date
    dry_run: bool = False
    planned: int = 0
    sent: int = 0
    failed: int = 0
    undeliverable: int = 0
    skipped: int = 0
    unaddressed: int = 0
    by_kind: Counter = field(default_factory=Counter)
    deliveries: list[PlannedDelivery] = field(default_factory=list)

    def merge(self, other: ScanResult) -> ScanResult:
        for name in ("planned", "sent", "failed", "undeliverable", "skipped", "unaddressed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.by_kind.update(other.by_kind)
        room = DRY_RUN_LIST_LIMIT - len(self.deliveries)
        self.deliveries.extend(other.deliveries[: max(room, 0)])
        return self

    def as_dict(self) -> dict:
        return {
            "on_date": self.on_date.isoformat(),
            "dry_run": self.dry_run,
            "planned": self.planned,
            "sent": self.sent,
            "failed": self.failed,
            "undeliverable": self.undeliverable,
            "skipped": self.skipped,
            "unaddressed": self.unaddressed,
            "by_kind": {str(kind): count for kind, count in self.by_kind.items()},
        }


# --- the rules: what falls due on a date ---------------------------------------------------
#
# Each rule reads only what is still to be sent (the queries leave out reminders the log has
# handled), so a scan that finds everything done costs little more than the query itself.


class _Links:
    """Admin addresses, built once per project in a scan."""

    def __init__(self):
        self._projects: dict[int, str] = {}

    def project(self, project_id: int) -> str:
        if project_id not in self._projects:
            self._projects[project_id] = project_admin_link(project_id)
        return self._projects[project_id]


def _project_context(project, links: _Links) -> dict:
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


def _stale_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.MINSHENG_REMINDER_CLAIM_TIMEOUT)


def milestone_notices(
    on_date: datetime.date, recipients: selectors.Recipients, links: _Links | None = None
) -> Iterator[Notice]:
    """Milestones due in 7, 3 and 1 days (reporters); overdue ones on day 1 and weekly after
    (reporters and head), with the coordinating office from day 30 on.

    A day without a scan is made up by the next one: the reminder current on a day is the
    latest that has fallen due (the 3-day one, not the 7-day one as well).
    """
    links = links or _Links()
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
            **_project_context(project, links),
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
    on_date: datetime.date, recipients: selectors.Recipients, links: _Links | None = None
) -> Iterator[Notice]:
    """The month's progress report: reminded 5 days before it is due (reporters), and the
    day after when it was not submitted (reporters and head)."""
    links = links or _Links()
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
                    **_project_context(project, links),
                    "period": period,
                    "deadline": deadline,
                    "days_left": (deadline - on_date).days,
                    "days_overdue": (on_date - deadline).days,
                },
            )


def comment_notices(
    on_date: datetime.date, recipients: selectors.Recipients, links: _Links | None = None
) -> Iterator[Notice]:
    """Comments without an official reply 5 working days after posting → the lead department."""
    links = links or _Links()
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
                **_project_context(project, links),
                "link": link or links.project(project.pk),
                "comment": comment,
                "deadline": comment.reply_due_on,
                "days_overdue": (on_date - comment.reply_due_on).days,
            },
        )


def change_lines(request) -> list[str]:
    """What a change request changes, in words: “节点“主体完工”: 计划完成日期 2024-08-25 → …”."""
    from projects.commitments import MODELS

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


def change_decision_notify(*, request_id: int) -> ScanResult:
    """Tell the person who filed a request how the coordinating office decided (once).

    Sent through the reminder log like every reminder: keyed by the request and the day of
    the decision, so a retried task or a second worker sends nothing more; by e-mail, text
    message or both, as the requester chose.
    """
    from projects.choices import ChangeState
    from projects.models import ChangeRequest

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
        changes = change_lines(request)
    notice = Notice(
        kind=ReminderKind.CHANGE_DECIDED,
        target=request,
        due_on=decided_on,
        deadline=None,
        project_id=project.pk,
        recipients=[request.requested_by] if request.requested_by.is_active else [],
        context={
            **_project_context(project, _Links()),
            "link": link or project_admin_link(project.pk),
            "request": request,
            "request_kind": request.get_kind_display(),
            "approved": request.state == ChangeState.APPROVED,
            "state_label": request.get_state_display(),
            "decided_on": decided_on,
            "decided_by": display_name(request.decided_by) if request.decided_by else "",
            "changes": changes,
        },
    )
    result = _Dispatcher(on_date=decided_on, dry_run=False).run([notice])
    logger.info("decision notice for change request %s: %s", request.pk, result.as_dict())
    return result


def change_review_notices(
    on_date: datetime.date, recipients: selectors.Recipients, links: _Links | None = None
) -> Iterator[Notice]:
    """Requests waiting longer than CHANGE_REVIEW_WORKING_DAYS → the coordinating office, once."""
    links = links or _Links()
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
                **_project_context(project, links),
                "link": link or links.project(project.pk),
                "request": request,
                "request_kind": request.get_kind_display(),
                "requested_on": timezone.localdate(request.requested_at),
                "requested_by": display_name(request.requested_by) if request.requested_by else "",
                "deadline": request.review_due_on,
                "changes": change_lines(request),
            },
        )


# --- sending -------------------------------------------------------------------------------


def _message_context(notice: Notice, user) -> dict:
    return {
        **notice.context,
        "kind": str(notice.kind),
        "site_name": settings.SITE_NAME,
        "recipient_name": display_name(user),
    }


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


class _Dispatcher:
    """Claims log rows for notices, sends what it claimed, records how each delivery went."""

    def __init__(self, *, on_date: datetime.date, dry_run: bool):
        self.on_date = on_date
        self.dry_run = dry_run
        self.result = ScanResult(on_date=on_date, dry_run=dry_run)
        self.max_attempts = max(1, settings.MINSHENG_REMINDER_MAX_ATTEMPTS)
        self._mail = None
        self._mail_error = ""
        self._sms = None

    # Connections are opened once per scan and only when needed.
    def _mail_connection(self):
        if self._mail is None:
            connection = get_connection(fail_silently=False)
            connection.open()
            self._mail = connection
        return self._mail

    def _sms_backend(self):
        if self._sms is None:
            self._sms = get_backend()
        return self._sms

    def close(self) -> None:
        for backend in (self._mail, self._sms):
            if backend is not None:
                try:
                    backend.close()
                except Exception:
                    logger.warning("closing %r failed", backend, exc_info=True)

    def run(self, notices: Iterable[Notice]) -> ScanResult:
        iterator = iter(notices)
        with translation.override(settings.LANGUAGE_CODE):
            try:
                while batch := list(itertools.islice(iterator, BATCH_SIZE)):
                    self._run_batch(batch)
            finally:
                self.close()
        return self.result

    def _run_batch(self, notices: list[Notice]) -> None:
        content_types = {
            model: ContentType.objects.get_for_model(model)
            for model in {type(notice.target) for notice in notices}
        }
        planned = []
        for notice in notices:
            content_type_id = content_types[type(notice.target)].pk
            seen = set()
            for user in notice.recipients:
                if user.pk in seen:
                    continue
                seen.add(user.pk)
                for channel in channels_for(user):
                    key = (
                        notice.kind,
                        content_type_id,
                        notice.target.pk,
                        notice.due_on,
                        user.pk,
                        channel,
                    )
                    planned.append((key, notice, user, channel))
            if not notice.recipients:
                self.result.unaddressed += 1
        if not planned:
            return

        now = timezone.now()
        stale = now - datetime.timedelta(seconds=settings.MINSHENG_REMINDER_CLAIM_TIMEOUT)
        existing = {
            row[:6]: row[6:]
            for row in ReminderLog.objects.filter(
                kind__in={key[0] for key, *_ in planned},
                content_type_id__in={key[1] for key, *_ in planned},
                object_id__in={key[2] for key, *_ in planned},
                due_on__in={key[3] for key, *_ in planned},
            ).values_list(
                "kind",
                "content_type_id",
                "object_id",
                "due_on",
                "recipient_id",
                "channel",
                "pk",
                "status",
                "claimed_at",
            )
        }
        to_insert, to_reclaim, claimable = [], [], []
        for item in planned:
            key = item[0]
            found = existing.get(key)
            if found is None:
                to_insert.append(item)
            elif found[1] == DeliveryStatus.FAILED or (
                found[1] == DeliveryStatus.PENDING and found[2] is not None and found[2] < stale
            ):
                to_reclaim.append(found[0])
            else:
                self.result.skipped += 1
                continue
            claimable.append(item)

        if self.dry_run:
            for _key, notice, user, channel in claimable:
                self.result.planned += 1
                self.result.by_kind[notice.kind] += 1
                if len(self.result.deliveries) < DRY_RUN_LIST_LIMIT:
                    context = _message_context(notice, user)
                    self.result.deliveries.append(
                        PlannedDelivery(
                            kind=notice.kind,
                            due_on=notice.due_on,
                            subject=render_subject(notice.kind, context),
                            recipient=user.get_username(),
                            channel=channel,
                        )
                    )
            return

        token = uuid.uuid4()
        with transaction.atomic():
            ReminderOccurrence.objects.bulk_create(
                [
                    ReminderOccurrence(
                        kind=kind,
                        content_type_id=content_type_id,
                        object_id=object_id,
                        due_on=due_on,
                    )
                    # Sorted: two scans inserting the same rows take the locks in one order.
                    for kind, content_type_id, object_id, due_on in sorted(
                        {key[:4] for key, *_rest in to_insert}
                    )
                ],
                ignore_conflicts=True,
                batch_size=BATCH_SIZE,
            )
            ReminderLog.objects.bulk_create(
                [
                    ReminderLog(
                        kind=key[0],
                        content_type_id=key[1],
                        object_id=key[2],
                        due_on=key[3],
                        recipient_id=key[4],
                        channel=key[5],
                        project_id=notice.project_id,
                        deadline=notice.deadline,
                        status=DeliveryStatus.PENDING,
                        claim_token=token,
                        claimed_at=now,
                    )
                    for key, notice, _user, _channel in to_insert
                ],
                ignore_conflicts=True,
                batch_size=BATCH_SIZE,
            )
            if to_reclaim:
                # Conditional: of two scans reclaiming the same row, only one matches.
                ReminderLog.objects.filter(pk__in=to_reclaim).filter(
                    Q(status=DeliveryStatus.FAILED)
                    | Q(status=DeliveryStatus.PENDING, claimed_at__lt=stale)
                ).update(
                    status=DeliveryStatus.PENDING,
                    claim_token=token,
                    claimed_at=now,
                    updated_at=now,
                )
        claimed = {
            row[:6]: row[6:]
            for row in ReminderLog.objects.filter(
                claim_token=token, status=DeliveryStatus.PENDING
            ).values_list(
                "kind",
                "content_type_id",
                "object_id",
                "due_on",
                "recipient_id",
                "channel",
                "pk",
                "attempts",
            )
        }
        self.result.skipped += len(claimable) - len(claimed)
        try:
            for key, notice, user, channel in claimable:
                if key in claimed:
                    pk, attempts = claimed[key]
                    self._deliver(pk, attempts, token, notice, user, channel)
        except BaseException:
            # Stopped half-way (the task's time limit, a shutdown): hand back what this scan
            # claimed and did not send, so the next run takes it up at once rather than
            # waiting for the claims to go stale.
            self._release(token)
            raise

    def _release(self, token) -> None:
        try:
            ReminderLog.objects.filter(claim_token=token, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.FAILED,
                error=_("The scan stopped before sending this reminder."),
                claim_token=None,
                updated_at=timezone.now(),
            )
        except Exception:
            logger.exception("could not release the reminders claimed by scan %s", token)

    def _deliver(self, pk, attempts, token, notice: Notice, user, channel: str) -> None:
        context = _message_context(notice, user)
        subject = render_subject(notice.kind, context)
        address = address_for(user, channel)
        self.result.planned += 1
        error, permanent = self._send(notice.kind, channel, address, subject, context)
        attempts += 1
        now = timezone.now()
        if not error:
            status = DeliveryStatus.SENT
            self.result.sent += 1
            self.result.by_kind[notice.kind] += 1
        elif permanent or attempts >= self.max_attempts:
            status = DeliveryStatus.UNDELIVERABLE
            self.result.undeliverable += 1
        else:
            status = DeliveryStatus.FAILED
            self.result.failed += 1
        if error:
            logger.warning(
                "reminder %s (%s to %s by %s) failed, attempt %s: %s",
                pk,
                notice.kind,
                user.get_username(),
                channel,
                attempts,
                error,
            )
        values = {
            "status": status,
            "attempts": attempts,
            "error": error,
            "address": address,
            "subject": subject,
            "claim_token": None,
            "updated_at": now,
        }
        if status == DeliveryStatus.SENT:
            values["sent_at"] = now
        ReminderLog.objects.filter(pk=pk, claim_token=token).update(**values)

    def _send(self, kind, channel, address, subject, context) -> tuple[str, bool]:
        """Send one message; return ("", False) on success, else (error, permanent)."""
        if channel == Channel.SMS:
            if not address:
                return _("No mobile number in the reminder settings."), True
            try:
                self._sms_backend().send_messages(
                    [SmsMessage(to=address, body=render_sms(kind, context))]
                )
            except SmsDeliveryError as error:
                return _describe(error), error.permanent
            except SoftTimeLimitExceeded:
                raise
            except Exception as error:
                return _describe(error), False
            return "", False

        if not address:
            return _("No e-mail address in the user account."), True
        if self._mail_error:
            # The mail server could not be reached earlier in this scan: do not wait on it
            # for every message; the next scan tries again.
            return self._mail_error, False
        try:
            connection = self._mail_connection()
        except SoftTimeLimitExceeded:
            raise
        except Exception as error:
            self._mail_error = _describe(error)
            return self._mail_error, False
        content = render_email(kind, context, subject=subject)
        message = EmailMultiAlternatives(
            subject=subject,
            body=content.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            connection=connection,
        )
        message.attach_alternative(content.html, "text/html")
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as error:
            return _describe(error), True
        except SoftTimeLimitExceeded:
            raise
        except Exception as error:
            return _describe(error), False
        return "", False


# --- entry points --------------------------------------------------------------------------


def _refresh_lights(on_date: datetime.date, dry_run: bool) -> None:
    # Messages quote each project's light: bring the stored lights up to today first. A scan
    # for another date (a rerun with --date) leaves them as they are.
    if not dry_run and on_date == clock.today():
        from projects.services import lights_ensure_current

        lights_ensure_current()


def reminders_send(*, on_date: datetime.date | None = None, dry_run: bool = False) -> ScanResult:
    """The daily scan: milestones, monthly reports, comments awaiting replies and change
    requests awaiting the coordinating office's decision."""
    on_date = on_date or clock.today()
    _refresh_lights(on_date, dry_run)
    recipients = selectors.Recipients()
    links = _Links()
    notices = itertools.chain(
        milestone_notices(on_date, recipients, links),
        report_notices(on_date, recipients, links),
        comment_notices(on_date, recipients, links),
        change_review_notices(on_date, recipients, links),
    )
    result = _Dispatcher(on_date=on_date, dry_run=dry_run).run(notices)
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
    result = _Dispatcher(on_date=on_date, dry_run=dry_run).run([notice])
    logger.info("weekly digest for %s: %s", on_date, result.as_dict())
    return result
