"""The Celery side of reminders: thin tasks, retries, a broker that is down, a real worker.

Without a broker the tasks run in-process (``task_always_eager``); the broker tests point
the Celery app at a closed port; the worker test needs Redis and PostgreSQL (CI has both:
``REDIS_URL=redis://127.0.0.1:6379/0``) and is skipped elsewhere.
"""

import datetime
import logging
import os
import smtplib
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import kombu.pools
import pytest
import redis.connection
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection, transaction
from django.urls import reverse

from feedback.models import Comment
from minsheng.celery import app as celery_app
from minsheng.tasks import enqueue_on_commit
from notifications import tasks as reminder_tasks
from notifications.choices import DeliveryStatus, ReminderKind
from notifications.models import ReminderLog
from notifications.services import reminders_send
from projects.choices import ReportState
from projects.models import ProgressReport
from projects.services import report_create
from tests.factories import (
    DepartmentFactory,
    MilestoneFactory,
    ProgressReportFactory,
    ProjectFactory,
    coordinator,
    reporter,
)

pytestmark = pytest.mark.django_db

D = datetime.date
BASE_DIR = Path(__file__).resolve().parent.parent
ON_POSTGRESQL = django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
REDIS_URL = os.environ.get("REDIS_URL", "")
CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


class OnceFailingEmailBackend(locmem.EmailBackend):
    """The first message of a test fails as if the mail server dropped the line."""

    failures_left = 0

    def send_messages(self, messages):
        if type(self).failures_left > 0:
            type(self).failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def department_with_staff():
    department = DepartmentFactory(name="区教育体育局")
    staff = reporter("jiaoyu", department)
    staff.email = "jiaoyu@example.gov.cn"
    staff.save(update_fields=["email"])
    project = ProjectFactory(number=6, title="改造提升5所学校运动场", lead_department=department)
    # Reports handed in: only the milestone reminders of a test appear.
    for month in (8, 9, 10):
        ProgressReportFactory(project=project, period=D(2024, month, 1), state=ReportState.APPROVED)
    return department, staff, project


def _reset_connections():
    """Drop the Celery app's cached broker connections so that a changed URL takes effect."""
    kombu.pools.reset()
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def unreachable_broker(monkeypatch):
    """Point the Celery app at a port where nothing listens; count connection attempts."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.broker_url = CLOSED_PORT_BROKER
    celery_app.conf.task_always_eager = False
    _reset_connections()
    attempts = []
    connect = redis.connection.AbstractConnection.connect

    def counting_connect(self, *args, **kwargs):
        # Only the broker's: with REDIS_URL set, the cache connects through redis-py too.
        if (self.host, self.port) == ("127.0.0.1", 1):
            attempts.append((self.host, self.port))
        return connect(self, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "connect", counting_connect)
    yield attempts
    for key, value in saved.items():
        celery_app.conf[key] = value
    _reset_connections()


def publish_attempts_allowed() -> int:
    return django_settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] + 1


# --- the tasks ---------------------------------------------------------------------------------


def test_scan_task_sends_the_days_reminders(department_with_staff):
    _department, staff, project = department_with_staff
    MilestoneFactory(project=project, planned_date=D(2024, 10, 10))

    result = reminder_tasks.reminders_send_task.apply(kwargs={"on_date": "2024-10-03"}).get()

    assert result["sent"] == 1
    assert result["by_kind"] == {"milestone_due": 1}
    assert [message.to for message in mail.outbox] == [["jiaoyu@example.gov.cn"]]
    # Run again (a retry, a second beat tick): nothing more.
    again = reminder_tasks.reminders_send_task.apply(kwargs={"on_date": "2024-10-03"}).get()
    assert again["sent"] == 0
    assert len(mail.outbox) == 1


def test_digest_task_sends_the_weekly_summary():
    boss = coordinator("office")  # not leadership: gets nothing
    from tests.factories import leader

    chief = leader("chief")
    chief.email = "chief@example.gov.cn"
    chief.save(update_fields=["email"])
    boss.email = "office@example.gov.cn"
    boss.save(update_fields=["email"])
    ProjectFactory()

    result = reminder_tasks.digest_send_task.apply(kwargs={"on_date": "2024-10-14"}).get()

    assert result["by_kind"] == {"weekly_digest": 1}
    assert [message.to for message in mail.outbox] == [["chief@example.gov.cn"]]


def test_scan_task_retries_a_failed_delivery_until_it_goes_out(department_with_staff, settings):
    _department, staff, project = department_with_staff
    settings.EMAIL_BACKEND = "tests.test_tasks.OnceFailingEmailBackend"
    OnceFailingEmailBackend.failures_left = 1
    MilestoneFactory(project=project, planned_date=D(2024, 10, 10))

    # Eagerly, the retry runs at once (with a broker it waits for its backoff).
    reminder_tasks.reminders_send_task.apply(kwargs={"on_date": "2024-10-03"})

    row = ReminderLog.objects.get(recipient=staff)
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 2)
    assert row.error == ""  # the earlier failure is cleared once it went out
    assert [message.to for message in mail.outbox] == [["jiaoyu@example.gov.cn"]]


def test_scan_task_gives_up_after_its_retries_and_the_failure_stays_visible(
    department_with_staff, settings
):
    _department, staff, project = department_with_staff
    settings.EMAIL_BACKEND = "tests.test_tasks.OnceFailingEmailBackend"
    OnceFailingEmailBackend.failures_left = 100
    MilestoneFactory(project=project, planned_date=D(2024, 10, 10))

    reminder_tasks.reminders_send_task.apply(kwargs={"on_date": "2024-10-03"})

    row = ReminderLog.objects.get(recipient=staff)
    assert row.status == DeliveryStatus.UNDELIVERABLE
    assert row.attempts == settings.MINSHENG_REMINDER_MAX_ATTEMPTS
    assert "SMTPServerDisconnected" in row.error
    assert mail.outbox == []


class TimeLimitEmailBackend(locmem.EmailBackend):
    """Hits the task's soft time limit on the message numbered ``stop_at`` (once)."""

    stop_at = 0
    sent = 0

    def send_messages(self, messages):
        type(self).sent += 1
        if type(self).sent == type(self).stop_at:
            raise SoftTimeLimitExceeded()
        return super().send_messages(messages)


def _three_reporters(department_with_staff):
    department, staff, project = department_with_staff
    for name in ("jiaoyu2", "jiaoyu3"):
        other = reporter(name, department)
        other.email = f"{name}@example.gov.cn"
        other.save(update_fields=["email"])
    MilestoneFactory(project=project, planned_date=D(2024, 10, 10))


def test_a_scan_stopped_by_its_time_limit_hands_back_what_it_did_not_send(
    department_with_staff, settings
):
    _three_reporters(department_with_staff)
    settings.EMAIL_BACKEND = "tests.test_tasks.TimeLimitEmailBackend"
    TimeLimitEmailBackend.stop_at, TimeLimitEmailBackend.sent = 2, 0

    with pytest.raises(SoftTimeLimitExceeded):
        reminders_send(on_date=D(2024, 10, 3))

    statuses = dict(ReminderLog.objects.values_list("recipient__username", "status"))
    assert statuses == {
        "jiaoyu": DeliveryStatus.SENT,
        "jiaoyu2": DeliveryStatus.FAILED,
        "jiaoyu3": DeliveryStatus.FAILED,
    }
    assert set(ReminderLog.objects.filter(status="failed").values_list("attempts", flat=True)) == {
        0
    }
    # The next run sends the two others, once.
    reminders_send(on_date=D(2024, 10, 3))
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "jiaoyu2@example.gov.cn",
        "jiaoyu3@example.gov.cn",
        "jiaoyu@example.gov.cn",
    ]


def test_scan_task_carries_on_after_its_time_limit(department_with_staff, settings):
    _three_reporters(department_with_staff)
    settings.EMAIL_BACKEND = "tests.test_tasks.TimeLimitEmailBackend"
    TimeLimitEmailBackend.stop_at, TimeLimitEmailBackend.sent = 2, 0

    reminder_tasks.reminders_send_task.apply(kwargs={"on_date": "2024-10-03"})

    assert set(ReminderLog.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert len(mail.outbox) == 3


def test_retry_backoff_stays_below_the_visibility_timeout():
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    cap = django_settings.CELERY_RETRY_BACKOFF_MAX
    assert cap < visibility
    assert (
        django_settings.CELERY_TASK_SOFT_TIME_LIMIT
        < django_settings.CELERY_TASK_TIME_LIMIT
        < visibility
    )
    for task in (reminder_tasks.reminders_send_task, reminder_tasks.digest_send_task):
        assert task.acks_late is True
        assert task.retry_backoff_max == cap
        assert task.max_retries * cap < visibility * 2  # all retries fit well within a day
    assert celery_app.conf.task_serializer == "json"
    assert celery_app.conf.accept_content == ["json"]


def test_the_tasks_are_named_as_the_schedule_calls_them():
    assert reminder_tasks.reminders_send_task.name == "notifications.reminders_send"
    assert reminder_tasks.digest_send_task.name == "notifications.digest_send"


# --- a broker that is down -------------------------------------------------------------------


@pytest.mark.broker
def test_posting_a_comment_with_the_broker_down_saves_it_and_logs(
    client, unreachable_broker, caplog, django_capture_on_commit_callbacks
):
    project = ProjectFactory(lead_department=DepartmentFactory())

    with (
        caplog.at_level(logging.ERROR, logger="minsheng.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("feedback:comments", args=[project.pk]),
            {"nickname": "居民甲", "body": "什么时候开工？", "contact": ""},
        )

    assert response.status_code == 302
    assert Comment.objects.filter(project=project, body="什么时候开工？").exists()
    # The publish was tried a bounded number of times, then given up and logged.
    assert 1 <= len(unreachable_broker) <= publish_attempts_allowed()
    assert "could not enqueue feedback.tasks.comment_notify_task" in caplog.text


@pytest.mark.broker
def test_saving_a_progress_report_with_the_broker_down_succeeds(
    unreachable_broker, caplog, django_capture_on_commit_callbacks
):
    department = DepartmentFactory()
    staff = reporter("author", department)
    project = ProjectFactory(lead_department=department)

    with (
        caplog.at_level(logging.ERROR, logger="minsheng.tasks"),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        report = report_create(
            project=project,
            by=staff,
            period=D(2024, 9, 1),
            reported_progress=Decimal("40"),
            funds_disbursed_to_date=Decimal("10"),
            work_done="完成主体施工",
        )
        enqueue_on_commit(reminder_tasks.reminders_send_task)

    assert ProgressReport.objects.filter(pk=report.pk, work_done="完成主体施工").exists()
    assert 1 <= len(unreachable_broker) <= publish_attempts_allowed()
    assert "could not enqueue notifications.reminders_send" in caplog.text


@pytest.mark.broker
def test_reminders_missed_while_the_broker_was_down_are_sent_by_the_next_scan(
    department_with_staff, unreachable_broker, django_capture_on_commit_callbacks
):
    _department, staff, project = department_with_staff
    MilestoneFactory(project=project, planned_date=D(2024, 10, 10))

    # The beat could not hand the 3 October scan to a worker.
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(reminder_tasks.reminders_send_task, on_date="2024-10-03")
    assert mail.outbox == []

    # The next day's scan, run by hand (no broker needed), sends the 7-day reminder.
    from io import StringIO

    from django.core.management import call_command

    call_command("send_reminders", "--date", "2024-10-04", stdout=StringIO())
    assert [message.to for message in mail.outbox] == [["jiaoyu@example.gov.cn"]]
    assert ReminderLog.objects.get(recipient=staff).due_on == D(2024, 10, 3)


# --- a real worker -----------------------------------------------------------------------------


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


@pytest.mark.services
@pytest.mark.broker
@pytest.mark.skipif(
    not REDIS_URL, reason="needs Redis: set REDIS_URL (CI: redis://127.0.0.1:6379/0)"
)
@pytest.mark.skipif(
    not ON_POSTGRESQL, reason="the worker process needs the test database on PostgreSQL"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_scan_through_redis_and_a_real_worker(department_with_staff, tmp_path):
    _department, staff, project = department_with_staff
    MilestoneFactory(project=project, title="首批3所学校运动场完工", planned_date=D(2024, 10, 10))
    # A queue of its own, so that no other worker on this Redis takes the task.
    queue = f"reminders-test-{uuid.uuid4().hex}"
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": REDIS_URL,
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "SMS_BACKEND": "notifications.sms.ConsoleSmsBackend",
        "MINSHENG_AS_OF_DATE": "2024-09-30",
    }
    env.pop("CELERY_BROKER_URL", None)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "minsheng",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            f"--queues={queue}",
            f"--hostname={queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # Through the broker, as the beat sends it.
        assert celery_app.conf.task_always_eager is False
        reminder_tasks.reminders_send_task.apply_async(
            kwargs={"on_date": "2024-10-03"}, queue=queue
        )

        sent = ReminderLog.objects.filter(status=DeliveryStatus.SENT)
        give_up_at = time.monotonic() + 90  # a guard against a hung worker, not a measurement
        while not sent.exists() and worker.poll() is None and time.monotonic() < give_up_at:
            time.sleep(0.25)
        assert sent.exists(), "the worker did not send the reminder"
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()

    row = ReminderLog.objects.get()
    assert (row.kind, row.recipient_id, row.channel) == (
        ReminderKind.MILESTONE_DUE,
        staff.pk,
        "email",
    )
    assert row.due_on == D(2024, 10, 3)
    assert "notifications.reminders_send" in output
    files = list(mail_dir.iterdir())
    assert files, output
    delivered = "".join(path.read_text(encoding="utf-8") for path in files)
    assert "To: jiaoyu@example.gov.cn" in delivered
