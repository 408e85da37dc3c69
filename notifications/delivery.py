"""The notification gateway: every message to staff goes out here.

Reminders, the weekly digest, the notice of a new comment, the monthly briefing and the
decisions on change and closing requests are each a :class:`Notice`: what it is about
(``kind``, ``target``, the day it fell due), the people it is for (picked by role and
department, ``selectors.Recipients``) and what the message says. :class:`Gateway` sends each
person the notice on the channels they chose in their reminder settings (e-mail, text
message or both, ``NotificationProfile``), once: every delivery is claimed in the sent-once
log before it is sent and recorded after (``notifications.log``). A failure for one person
never stops the others.
"""

from __future__ import annotations

import datetime
import itertools
import logging
import smtplib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from departments.roles import person_name

from . import log
from .choices import Channel, DeliveryStatus
from .messages import render_email, render_sms, render_subject
from .models import address_for, channels_for
from .sms import SmsDeliveryError, SmsMessage, get_backend

logger = logging.getLogger(__name__)

BATCH_SIZE = log.BATCH_SIZE
DRY_RUN_LIST_LIMIT = 500


@dataclass
class Notice:
    """A message about one object that fell due on ``due_on``, for a list of people.

    ``attachments`` ((file name, content, MIME type), e-mail only) are built once for all.
    """

    kind: str
    target: models.Model
    due_on: datetime.date
    deadline: datetime.date | None
    project_id: int | None
    recipients: list
    context: dict
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)
    #: Shared mailboxes (a department's own address): e-mailed once, when the notice first
    #: goes out; they are nobody's reminder settings and have no row of the log.
    mailboxes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlannedDelivery:
    kind: str
    due_on: datetime.date
    subject: str
    recipient: str
    channel: str


@dataclass
class ScanResult:
    """What a run of the gateway sent (or, in a dry run, would send)."""

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
    #: The first errors of deliveries that failed, for the task's log.
    errors: list[str] = field(default_factory=list)

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


def _message_context(notice: Notice, user) -> dict:
    return {
        **notice.context,
        "kind": str(notice.kind),
        "site_name": settings.SITE_NAME,
        "recipient_name": person_name(user),
    }


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


class Channels:
    """The mail connection and the text-message backend, opened once per run, when needed."""

    def __init__(self):
        self._mail = None
        self._mail_error = ""
        self._sms = None

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

    def send(self, notice: Notice, channel, address, subject, context) -> tuple[str, bool]:
        """Send one message; return ("", False) on success, else (error, permanent)."""
        kind = notice.kind
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
            # The mail server could not be reached earlier in this run: do not wait on it
            # for every message; the next run tries again.
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
        if content.html:
            message.attach_alternative(content.html, "text/html")
        for name, data, mimetype in notice.attachments:
            message.attach(name, data, mimetype)
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as error:
            return _describe(error), True
        except SoftTimeLimitExceeded:
            raise
        except Exception as error:
            return _describe(error), False
        return "", False


class Gateway:
    """Claims log rows for notices, sends what it claimed, records how each delivery went."""

    def __init__(self, *, on_date: datetime.date, dry_run: bool = False):
        self.on_date = on_date
        self.dry_run = dry_run
        self.result = ScanResult(on_date=on_date, dry_run=dry_run)
        self.max_attempts = max(1, settings.MINSHENG_REMINDER_MAX_ATTEMPTS)
        self.channels = Channels()

    def run(self, notices: Iterable[Notice]) -> ScanResult:
        iterator = iter(notices)
        with translation.override(settings.LANGUAGE_CODE):
            try:
                while batch := list(itertools.islice(iterator, BATCH_SIZE)):
                    self._run_batch(batch)
            finally:
                self.channels.close()
        return self.result

    def _plan(self, notices: list[Notice]) -> list:
        """(key, notice, person, channel) for every person and channel they chose."""
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
        return planned

    def _run_batch(self, notices: list[Notice]) -> None:
        if not self.dry_run:
            for notice in notices:
                if notice.mailboxes and log.first_occurrence(notice):
                    self._send_to_mailboxes(notice)
        planned = self._plan(notices)
        if not planned:
            return
        now = timezone.now()
        stale = log.stale_before()
        batch = log.sort_planned(planned, stale=stale)
        self.result.skipped += batch.skipped
        if self.dry_run:
            self._list(batch.claimable)
            return
        token, claimed = log.claim(batch, now=now, stale=stale)
        self.result.skipped += len(batch.claimable) - len(claimed)
        try:
            for key, notice, user, channel in batch.claimable:
                if key in claimed:
                    pk, attempts = claimed[key]
                    self._deliver(pk, attempts, token, notice, user, channel)
        except BaseException:
            # Stopped half-way (the task's time limit, a shutdown): hand back what this run
            # claimed and did not send, so the next run takes it up at once rather than
            # waiting for the claims to go stale.
            log.release(token)
            raise

    def _send_to_mailboxes(self, notice: Notice) -> None:
        context = {**notice.context, "kind": str(notice.kind), "site_name": settings.SITE_NAME}
        subject = render_subject(notice.kind, context)
        for address in notice.mailboxes:
            error, _permanent = self.channels.send(notice, Channel.EMAIL, address, subject, context)
            if error:
                self._note_error(error)
                logger.warning("%s to the mailbox %s failed: %s", notice.kind, address, error)

    def _note_error(self, error: str) -> None:
        if len(self.result.errors) < 5:
            self.result.errors.append(error)

    def _list(self, claimable: list) -> None:
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

    def _deliver(self, pk, attempts, token, notice: Notice, user, channel: str) -> None:
        context = _message_context(notice, user)
        subject = render_subject(notice.kind, context)
        address = address_for(user, channel)
        self.result.planned += 1
        error, permanent = self.channels.send(notice, channel, address, subject, context)
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
            self._note_error(error)
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
        log.record(pk, token, **values)


def deliver(notices: Iterable[Notice], *, on_date: datetime.date, dry_run=False) -> ScanResult:
    """Send ``notices`` through the gateway (each person, each chosen channel, once)."""
    return Gateway(on_date=on_date, dry_run=dry_run).run(notices)
