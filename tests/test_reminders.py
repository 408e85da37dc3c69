"""Deadline reminders: who gets what on which day, sent once, through e-mail and text message.

The scan is driven across dates with its ``on_date`` argument (and ``time_machine`` where the
portal's clock decides); e-mails land in ``mail.outbox`` (locmem), text messages in
``notifications.sms.outbox``.
"""

import datetime
import importlib
import smtplib
import threading
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from departments.roles import COORDINATOR_GROUP, REPORTER_GROUP
from feedback.models import Comment, Reply
from feedback.workdays import add_working_days
from minsheng.celery import app as celery_app
from notifications import sms
from notifications.choices import DeliveryStatus, ReminderKind
from notifications.models import NotificationProfile, ReminderLog
from notifications.services import digest_send, reminders_send, report_occurrences
from projects.choices import Light, ProjectStatus, ReportState
from projects.models import Milestone, Project
from tests.factories import (
    DepartmentFactory,
    MilestoneFactory,
    NotificationProfileFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    coordinator,
    head,
    leader,
    reporter,
)

pytestmark = pytest.mark.django_db

D = datetime.date
ON_POSTGRESQL = django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


# --- test doubles for the delivery channels --------------------------------------------------


class FlakyEmailBackend(locmem.EmailBackend):
    """locmem, except for the addresses told to fail (for a while, or for good)."""

    failing: set[str] = set()
    refused: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            for address in message.to:
                if address in self.refused:
                    raise smtplib.SMTPRecipientsRefused({address: (550, b"mailbox unavailable")})
                if address in self.failing:
                    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class DownEmailBackend(locmem.EmailBackend):
    """A mail server that cannot be reached."""

    opens = 0

    def open(self):
        type(self).opens += 1
        raise ConnectionRefusedError(111, "Connection refused")


class FailingSmsBackend(sms.BaseSmsBackend):
    def send_messages(self, messages):
        raise sms.SmsDeliveryError("gateway timeout")


@pytest.fixture(autouse=True)
def _channels(settings):
    settings.MINSHENG_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    settings.SITE_BASE_URL = "https://minsheng.example.gov.cn/"
    sms.outbox.clear()
    FlakyEmailBackend.failing = set()
    FlakyEmailBackend.refused = set()
    DownEmailBackend.opens = 0
    yield
    sms.outbox.clear()


def with_email(user):
    user.email = f"{user.username}@example.gov.cn"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def world():
    lead = DepartmentFactory(name="区住房和城乡建设局")
    other = DepartmentFactory(name="区卫生健康委员会")
    people = SimpleNamespace(
        reporter=with_email(reporter("zhujian", lead)),
        reporter2=with_email(reporter("zhujian2", lead)),
        head=with_email(head("zhujian_head", lead)),
        other_reporter=with_email(reporter("weijian", other)),
        other_head=with_email(head("weijian_head", other)),
        coordinator=with_email(coordinator("office")),
        leader=with_email(leader("leader")),
    )
    people.reporter.last_name, people.reporter.first_name = "王", "芳"
    people.reporter.save(update_fields=["last_name", "first_name"])
    project = ProjectFactory(
        number=19,
        title="既有住宅加装电梯30部",
        lead_department=lead,
        planned_start=D(2024, 3, 1),
        planned_end=D(2024, 12, 31),
    )
    Project.objects.filter(pk=project.pk).update(
        light=Light.YELLOW, light_reason="节点“首批10部竣工验收”已逾期 15 天"
    )
    project.refresh_from_db()
    other_project = ProjectFactory(number=13, lead_department=other)
    # Both hand in their monthly reports, so that only the reminders a test is about appear.
    for handed_in in (project, other_project):
        for month in (8, 9, 10, 11):
            ProgressReportFactory(
                project=handed_in, period=D(2024, month, 1), state=ReportState.APPROVED
            )
    return SimpleNamespace(
        lead=lead, other=other, project=project, other_project=other_project, **vars(people)
    )


def sent(kind=None, **filters):
    """Sorted (username, channel, due_on) of the reminders sent, optionally of one kind."""
    rows = ReminderLog.objects.filter(status=DeliveryStatus.SENT, **filters)
    if kind:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("recipient__username", "channel", "due_on"))


def recipients(kind, **filters):
    return sorted({username for username, _channel, _due in sent(kind, **filters)})


def mails_about(text):
    return [message for message in mail.outbox if text in message.subject]


def mails_of(kind):
    """The e-mails of one kind of reminder (matched on the subjects the log recorded)."""
    subjects = set(ReminderLog.objects.filter(kind=kind).values_list("subject", flat=True))
    return [message for message in mail.outbox if message.subject in subjects]


def portal_text(singular, plural=None, count=None, **values):
    """A message as the portal's language renders it (the catalog may translate it)."""
    from django.utils import translation

    with translation.override(django_settings.LANGUAGE_CODE):
        text = (
            translation.ngettext(singular, plural, count)
            if plural
            else translation.gettext(singular)
        )
    return text % values


def project_label(number, title):
    return portal_text("No. %(number)s “%(title)s”", number=number, title=title)


# --- milestones ------------------------------------------------------------------------------


def test_milestone_due_in_7_3_and_1_days_goes_to_the_lead_departments_reporters(world):
    # given a milestone planned for 10 October
    milestone = MilestoneFactory(
        project=world.project, title="首批10部竣工验收", planned_date=D(2024, 10, 10)
    )
    MilestoneFactory(project=world.other_project, planned_date=D(2024, 12, 1))

    # when the scan runs every day from 1 October to the milestone's day
    for day in range(1, 11):
        reminders_send(on_date=D(2024, 10, day))

    # then the lead department's reporters, and only they, heard 7, 3 and 1 days before
    due = sent(ReminderKind.MILESTONE_DUE)
    assert due == sorted(
        (user, "email", day)
        for user in ("zhujian", "zhujian2")
        for day in (D(2024, 10, 3), D(2024, 10, 7), D(2024, 10, 9))
    )
    assert (
        ReminderLog.objects.filter(kind=ReminderKind.MILESTONE_DUE, object_id=milestone.pk).count()
        == 6
    )
    emails = mails_about("首批10部竣工验收")
    assert len(emails) == 6
    assert sorted(address for message in emails for address in message.to) == sorted(
        ["zhujian@example.gov.cn", "zhujian2@example.gov.cn"] * 3
    )


def test_a_missed_day_is_made_up_but_a_passed_stage_is_not(world):
    MilestoneFactory(project=world.project, planned_date=D(2024, 10, 10))

    # no scan on 3 October (7 days before): the scan of the 5th sends that reminder
    reminders_send(on_date=D(2024, 10, 5))
    assert sent(ReminderKind.MILESTONE_DUE, recipient=world.reporter) == [
        ("zhujian", "email", D(2024, 10, 3))
    ]
    # no scans until the day before: only the 1-day reminder, not the 3-day one as well
    reminders_send(on_date=D(2024, 10, 9))
    assert sent(ReminderKind.MILESTONE_DUE, recipient=world.reporter) == [
        ("zhujian", "email", D(2024, 10, 3)),
        ("zhujian", "email", D(2024, 10, 9)),
    ]


def test_overdue_milestone_day_1_then_weekly_and_the_office_from_day_30(world):
    MilestoneFactory(project=world.project, planned_date=D(2024, 9, 1))

    day = D(2024, 9, 1)
    while day <= D(2024, 10, 15):
        reminders_send(on_date=day)
        day += datetime.timedelta(days=1)

    staff_days = [D(2024, 9, 1) + datetime.timedelta(days=n) for n in (1, 8, 15, 22, 29, 36, 43)]
    office_days = [D(2024, 9, 1) + datetime.timedelta(days=n) for n in (30, 36, 43)]
    overdue = sent(ReminderKind.MILESTONE_OVERDUE)
    assert overdue == sorted(
        [(user, "email", d) for user in ("zhujian", "zhujian2", "zhujian_head") for d in staff_days]
        + [("office", "email", d) for d in office_days]
    )
    assert len(mails_of(ReminderKind.MILESTONE_OVERDUE)) == len(overdue)


def test_the_reminder_days_before_a_milestone_are_a_setting(world, settings):
    settings.MINSHENG_MILESTONE_DUE_DAYS = (14, 2)
    MilestoneFactory(project=world.project, planned_date=D(2024, 10, 20))

    for day in range(1, 21):
        reminders_send(on_date=D(2024, 10, day))

    assert sent(ReminderKind.MILESTONE_DUE, recipient=world.reporter) == [
        ("zhujian", "email", D(2024, 10, 6)),
        ("zhujian", "email", D(2024, 10, 18)),
    ]


def test_no_reminders_for_completed_milestones_or_inactive_projects(world):
    MilestoneFactory(
        project=world.project, planned_date=D(2024, 10, 3), completed_on=D(2024, 9, 30)
    )
    for number, status in ((101, ProjectStatus.COMPLETED), (102, ProjectStatus.SUSPENDED)):
        MilestoneFactory(
            project=ProjectFactory(number=number, lead_department=world.lead, status=status),
            planned_date=D(2024, 10, 3),
        )
    MilestoneFactory(
        project=ProjectFactory(number=103, lead_department=world.lead, published=False),
        planned_date=D(2024, 10, 3),
    )
    draft_plan = PlanFactory(year=2025, published=False)
    MilestoneFactory(
        project=ProjectFactory(number=1, plan=draft_plan, lead_department=world.lead),
        planned_date=D(2024, 10, 3),
    )

    reminders_send(on_date=D(2024, 9, 26))
    reminders_send(on_date=D(2024, 10, 5))

    assert sent(ReminderKind.MILESTONE_DUE) == []
    assert sent(ReminderKind.MILESTONE_OVERDUE) == []


# --- monthly progress reports -----------------------------------------------------------------


def test_report_reminded_5_days_before_the_due_day_and_overdue_the_day_after(world, settings):
    settings.MINSHENG_REPORT_DUE_DAY = 25
    missing = ProjectFactory(number=21, title="新建城市书房3处", lead_department=world.lead)
    drafted = ProjectFactory(number=22, lead_department=world.lead)
    submitted = ProjectFactory(number=23, lead_department=world.other)
    for project in (missing, drafted, submitted):
        ProgressReportFactory(project=project, period=D(2024, 9, 1), state=ReportState.APPROVED)
    ProgressReportFactory(project=drafted, period=D(2024, 10, 1), state=ReportState.DRAFT)
    ProgressReportFactory(project=submitted, period=D(2024, 10, 1), state=ReportState.SUBMITTED)

    for day in range(18, 28):
        reminders_send(on_date=D(2024, 10, day))

    for project in (missing, drafted):
        assert sent(ReminderKind.REPORT_DUE, object_id=project.pk) == [
            ("zhujian", "email", D(2024, 10, 20)),
            ("zhujian2", "email", D(2024, 10, 20)),
        ]
        assert sent(ReminderKind.REPORT_OVERDUE, object_id=project.pk) == [
            ("zhujian", "email", D(2024, 10, 26)),
            ("zhujian2", "email", D(2024, 10, 26)),
            ("zhujian_head", "email", D(2024, 10, 26)),
        ]
    assert not ReminderLog.objects.filter(object_id=submitted.pk).exists()
    assert len(mails_of(ReminderKind.REPORT_DUE)) == 2 * 2
    assert len(mails_of(ReminderKind.REPORT_OVERDUE)) == 2 * 3
    message = next(m for m in mails_of(ReminderKind.REPORT_OVERDUE) if "21" in m.subject)
    assert "2024年10月" in message.subject
    assert project_label(21, "新建城市书房3处") in message.body


def test_report_due_day_is_a_setting_and_short_months_end_early(settings):
    settings.MINSHENG_REPORT_DUE_DAY = 31
    # February 2025 has 28 days: due on the 28th, reminded on the 23rd, overdue on 1 March.
    assert list(report_occurrences(D(2025, 2, 23))) == [
        (ReminderKind.REPORT_DUE, D(2025, 2, 1), D(2025, 2, 28), D(2025, 2, 23))
    ]
    assert list(report_occurrences(D(2025, 2, 22))) == [
        (ReminderKind.REPORT_OVERDUE, D(2025, 1, 1), D(2025, 1, 31), D(2025, 2, 1))
    ]
    assert list(report_occurrences(D(2025, 3, 1))) == [
        (ReminderKind.REPORT_OVERDUE, D(2025, 2, 1), D(2025, 2, 28), D(2025, 3, 1))
    ]
    settings.MINSHENG_REPORT_DUE_DAY = 3
    # Due on the 3rd: reminded on the 29th of the month before.
    assert list(report_occurrences(D(2024, 10, 29))) == [
        (ReminderKind.REPORT_DUE, D(2024, 11, 1), D(2024, 11, 3), D(2024, 10, 29))
    ]


def test_no_report_reminder_before_the_project_starts(world, settings):
    settings.MINSHENG_REPORT_DUE_DAY = 25
    late_starter = ProjectFactory(
        number=101,
        lead_department=world.lead,
        planned_start=D(2024, 11, 1),
        planned_end=D(2024, 12, 31),
    )
    started = ProjectFactory(
        number=102,
        lead_department=world.lead,
        planned_start=D(2024, 10, 24),
        planned_end=D(2024, 12, 31),
    )

    reminders_send(on_date=D(2024, 10, 20))

    assert not ReminderLog.objects.filter(
        object_id=late_starter.pk, kind=ReminderKind.REPORT_DUE
    ).exists()
    assert ReminderLog.objects.filter(object_id=started.pk, kind=ReminderKind.REPORT_DUE).exists()


# --- comments ------------------------------------------------------------------------------


def make_comment(project, *, posted_on, **fields):
    return Comment.objects.create(
        project=project,
        nickname="居民甲",
        body="电梯什么时候装好？",
        state=fields.pop("state", "published"),
        reply_due_on=add_working_days(posted_on, 5),
        created_at=timezone.make_aware(datetime.datetime.combine(posted_on, datetime.time(10))),
        **fields,
    )


def test_comment_without_reply_after_5_working_days_goes_to_the_lead_department(world):
    # Posted on Friday 27 September 2024: the National Day holiday (1–7 October) does not
    # count, Sunday 29 September is a working day. Five working days end on 10 October.
    comment = make_comment(world.project, posted_on=D(2024, 9, 27))
    assert comment.reply_due_on == D(2024, 10, 10)
    answered = make_comment(world.project, posted_on=D(2024, 9, 27))
    Reply.objects.create(comment=answered, department=world.lead, body="已安排。")
    make_comment(world.project, posted_on=D(2024, 9, 27), state="rejected")

    reminders_send(on_date=D(2024, 10, 10))
    assert sent(ReminderKind.COMMENT_REPLY_OVERDUE) == []

    reminders_send(on_date=D(2024, 10, 11))
    reminders_send(on_date=D(2024, 10, 18))
    assert sent(ReminderKind.COMMENT_REPLY_OVERDUE) == [
        ("zhujian", "email", D(2024, 10, 11)),
        ("zhujian2", "email", D(2024, 10, 11)),
        ("zhujian_head", "email", D(2024, 10, 11)),
    ]
    message = mails_of(ReminderKind.COMMENT_REPLY_OVERDUE)[0]
    assert "电梯什么时候装好？" in message.body
    assert (
        f"https://minsheng.example.gov.cn/admin/feedback/comment/{comment.pk}/change/"
        in message.body
    )


# --- the weekly digest -----------------------------------------------------------------------


def test_weekly_digest_goes_to_leadership_once_a_week(world):
    red = ProjectFactory(
        number=32, title="主要路口智能交通信号灯改造30处", lead_department=world.other
    )
    Project.objects.filter(pk=red.pk).update(
        light=Light.RED, light_reason="节点“首批15处系统联调上线”已逾期 41 天"
    )
    MilestoneFactory(project=world.project, title="首批10部竣工验收", planned_date=D(2024, 9, 15))
    make_comment(world.project, posted_on=D(2024, 9, 2))

    digest_send(on_date=D(2024, 10, 14))  # a Monday
    digest_send(on_date=D(2024, 10, 16))  # same week: nothing more
    assert sent(ReminderKind.WEEKLY_DIGEST) == [("leader", "email", D(2024, 10, 14))]
    digest_send(on_date=D(2024, 10, 21))
    assert sent(ReminderKind.WEEKLY_DIGEST) == [
        ("leader", "email", D(2024, 10, 14)),
        ("leader", "email", D(2024, 10, 21)),
    ]

    message = mail.outbox[0]
    assert message.to == ["leader@example.gov.cn"]
    body = message.body
    # counts by light
    assert f"{Light.RED.label}: 1" in body
    assert f"{Light.YELLOW.label}: 1" in body
    # red first, then yellow, each with its reason
    assert body.index("主要路口智能交通信号灯改造30处") < body.index("既有住宅加装电梯30部")
    assert "节点“首批15处系统联调上线”已逾期 41 天" in body
    assert "节点“首批10部竣工验收”已逾期 15 天" in body
    # overdue milestones and comments awaiting replies
    assert (
        portal_text(
            "“%(title)s”, due %(deadline)s, %(days)s day overdue",
            "“%(title)s”, due %(deadline)s, %(days)s days overdue",
            29,
            title="首批10部竣工验收",
            deadline="2024年9月15日",
            days=29,
        )
        in body
    )
    assert (
        portal_text(
            "%(comments)s comment awaits an official reply.",
            "%(comments)s comments await an official reply.",
            1,
            comments=1,
        )
        in body
    )
    assert "https://minsheng.example.gov.cn/admin/projects/project/" in body
    html = message.alternatives[0].content
    assert f'href="https://minsheng.example.gov.cn/admin/projects/project/{red.pk}/change/"' in html


# --- sent once ---------------------------------------------------------------------------------


def test_running_the_scan_twice_sends_nothing_twice(world):
    MilestoneFactory(project=world.project, planned_date=D(2024, 10, 10))
    make_comment(world.project, posted_on=D(2024, 9, 27))

    first = reminders_send(on_date=D(2024, 10, 11))
    outbox = len(mail.outbox)
    second = reminders_send(on_date=D(2024, 10, 11))

    assert first.sent == outbox > 0
    assert second.sent == second.planned == 0
    assert len(mail.outbox) == outbox
    assert ReminderLog.objects.count() == first.sent


def test_a_reminder_another_scan_is_sending_is_left_to_it_until_its_claim_goes_stale(
    world, settings
):
    milestone = MilestoneFactory(project=world.project, planned_date=D(2024, 10, 10))
    # Another worker claimed the reminder (for both reporters) and has not finished.
    rows = {
        user.username: ReminderLog.objects.create(
            kind=ReminderKind.MILESTONE_DUE,
            content_type=ContentType.objects.get_for_model(Milestone),
            object_id=milestone.pk,
            due_on=D(2024, 10, 3),
            recipient=user,
            channel="email",
            status=DeliveryStatus.PENDING,
            claimed_at=timezone.now(),
        )
        for user in (world.reporter, world.reporter2)
    }

    reminders_send(on_date=D(2024, 10, 3))
    assert mail.outbox == []

    # It sent to zhujian2, then died before zhujian's: once that claim is older than the
    # timeout, the next scan sends it, and only it.
    ReminderLog.objects.filter(pk=rows["zhujian2"].pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now()
    )
    ReminderLog.objects.filter(pk=rows["zhujian"].pk).update(
        claimed_at=timezone.now()
        - datetime.timedelta(seconds=settings.MINSHENG_REMINDER_CLAIM_TIMEOUT + 1)
    )
    reminders_send(on_date=D(2024, 10, 4))
    assert [m.to for m in mail.outbox] == [["zhujian@example.gov.cn"]]
    row = ReminderLog.objects.get(pk=rows["zhujian"].pk)
    assert row.status == DeliveryStatus.SENT
    assert row.sent_at is not None


@pytest.mark.services
@pytest.mark.skipif(
    not ON_POSTGRESQL, reason="concurrent writers need PostgreSQL (SQLite has one writer)"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_scans_at_once_send_each_reminder_once(world):
    for day in range(10, 30):  # 7 to 26 days overdue on 6 October: not yet the office's
        MilestoneFactory(project=world.project, planned_date=D(2024, 9, day))
    expected = 20 * 3  # 20 overdue milestones × two reporters and the head
    barrier = threading.Barrier(2)
    results, errors = [], []

    def scan():
        try:
            barrier.wait(timeout=30)
            results.append(reminders_send(on_date=D(2024, 10, 6)))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    overdue = ReminderLog.objects.filter(kind=ReminderKind.MILESTONE_OVERDUE)
    assert overdue.count() == expected
    assert set(overdue.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert len(mails_of(ReminderKind.MILESTONE_OVERDUE)) == expected
    assert sum(result.by_kind[ReminderKind.MILESTONE_OVERDUE] for result in results) == expected


# --- channels and failures ---------------------------------------------------------------------


def test_each_person_gets_reminders_on_the_channels_they_chose(world):
    NotificationProfileFactory(user=world.reporter, channel="sms", mobile="13800000001")
    NotificationProfileFactory(user=world.reporter2, channel="both", mobile="13800000002")
    MilestoneFactory(project=world.project, title="首批10部竣工验收", planned_date=D(2024, 10, 10))

    reminders_send(on_date=D(2024, 10, 3))

    assert sent(ReminderKind.MILESTONE_DUE) == [
        ("zhujian", "sms", D(2024, 10, 3)),
        ("zhujian2", "email", D(2024, 10, 3)),
        ("zhujian2", "sms", D(2024, 10, 3)),
    ]
    assert [m.to for m in mails_about("首批10部竣工验收")] == [["zhujian2@example.gov.cn"]]
    assert sorted(message.to for message in sms.outbox) == ["13800000001", "13800000002"]
    text = sms.outbox[0].body
    assert "19" in text and "既有住宅加装电梯30部" in text
    assert "首批10部竣工验收" in text and "2024年10月10日" in text
    assert "https://minsheng.example.gov.cn/admin/projects/project/" in text


def test_a_failed_delivery_is_recorded_retried_by_the_next_scan_and_others_still_get_theirs(
    world, settings
):
    settings.EMAIL_BACKEND = "tests.test_reminders.FlakyEmailBackend"
    FlakyEmailBackend.failing = {"zhujian@example.gov.cn"}
    MilestoneFactory(project=world.project, planned_date=D(2024, 10, 10))

    result = reminders_send(on_date=D(2024, 10, 3))

    assert (result.sent, result.failed) == (1, 1)
    assert [m.to for m in mail.outbox] == [["zhujian2@example.gov.cn"]]
    failed = ReminderLog.objects.get(recipient=world.reporter)
    assert failed.status == DeliveryStatus.FAILED
    assert failed.attempts == 1
    assert "SMTPServerDisconnected" in failed.error
    assert failed.sent_at is None

    # The mail server is back the next day: only the failed one goes out.
    FlakyEmailBackend.failing = set()
    reminders_send(on_date=D(2024, 10, 4))
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (DeliveryStatus.SENT, 2)
    assert [m.to for m in mail.outbox] == [["zhujian2@example.gov.cn"], ["zhujian@example.gov.cn"]]


def test_a_delivery_failing_every_time_is_given_up_after_the_last_attempt(world, settings):
    settings.EMAIL_BACKEND = "tests.test_reminders.FlakyEmailBackend"
    settings.MINSHENG_REMINDER_MAX_ATTEMPTS = 3
    FlakyEmailBackend.failing = {"zhujian@example.gov.cn"}
    MilestoneFactory(project=world.project, planned_date=D(2024, 10, 10))

    for _attempt in range(5):
        reminders_send(on_date=D(2024, 10, 3))

    row = ReminderLog.objects.get(recipient=world.reporter)
    assert (row.status, row.attempts) == (DeliveryStatus.UNDELIVERABLE, 3)


def test_a_refused_address_or_a_missing_one_fails_for_good_at_once(world, settings):
    settings.EMAIL_BACKEND = "tests.test_reminders.FlakyEmailBackend"
    FlakyEmailBackend.refused = {"zhujian@example.gov.cn"}
    world.reporter2.email = ""
    world.reporter2.save(update_fields=["email"])
    MilestoneFactory(project=world.project, planned_date=D(2024, 9, 29))

    result = reminders_send(on_date=D(2024, 9, 30))
    reminders_send(on_date=D(2024, 9, 30))

    assert result.undeliverable == 2
    rows = {row.recipient.username: row for row in ReminderLog.objects.select_related("recipient")}
    assert rows["zhujian"].status == DeliveryStatus.UNDELIVERABLE
    assert "SMTPRecipientsRefused" in rows["zhujian"].error
    assert rows["zhujian2"].status == DeliveryStatus.UNDELIVERABLE
    assert rows["zhujian2"].error  # says there is no address
    assert rows["zhujian"].attempts == rows["zhujian2"].attempts == 1
    assert [m.to for m in mail.outbox] == [["zhujian_head@example.gov.cn"]]


def test_an_unreachable_mail_server_is_tried_once_per_scan_and_text_messages_still_go(
    world, settings
):
    settings.EMAIL_BACKEND = "tests.test_reminders.DownEmailBackend"
    NotificationProfileFactory(user=world.head, channel="sms", mobile="13900000000")
    MilestoneFactory(project=world.project, planned_date=D(2024, 9, 29))

    result = reminders_send(on_date=D(2024, 9, 30))

    assert DownEmailBackend.opens == 1
    assert (result.sent, result.failed) == (1, 2)
    assert [message.to for message in sms.outbox] == ["13900000000"]
    assert set(ReminderLog.objects.filter(channel="email").values_list("status", flat=True)) == {
        DeliveryStatus.FAILED
    }


def test_a_failed_text_message_is_recorded(world, settings):
    settings.MINSHENG_SMS_BACKEND = "tests.test_reminders.FailingSmsBackend"
    NotificationProfileFactory(user=world.reporter, channel="both", mobile="13800000001")
    MilestoneFactory(project=world.project, planned_date=D(2024, 10, 10))

    reminders_send(on_date=D(2024, 10, 3))

    sms_row = ReminderLog.objects.get(recipient=world.reporter, channel="sms")
    assert sms_row.status == DeliveryStatus.FAILED
    assert "gateway timeout" in sms_row.error
    assert (
        ReminderLog.objects.get(recipient=world.reporter, channel="email").status
        == DeliveryStatus.SENT
    )


# --- the message -------------------------------------------------------------------------------


def test_message_names_project_deadline_light_and_admin_link_in_text_and_escaped_html(world):
    Project.objects.filter(pk=world.project.pk).update(title="加装电梯<script>alert(1)</script>")
    MilestoneFactory(
        project=world.project, title="首批<b>10部</b>竣工验收", planned_date=D(2024, 10, 10)
    )

    reminders_send(on_date=D(2024, 10, 3))

    message = next(m for m in mail.outbox if m.to == ["zhujian@example.gov.cn"])
    link = f"https://minsheng.example.gov.cn/admin/projects/project/{world.project.pk}/change/"
    assert "19" in message.subject
    body = message.body
    assert "王芳" in body
    assert project_label(19, "加装电梯<script>alert(1)</script>") in body
    assert "加装电梯<script>alert(1)</script>" in body  # plain text stays as typed
    assert "2024年10月10日" in body
    assert f"{Light.YELLOW.label}" in body
    assert "节点“首批10部竣工验收”已逾期 15 天" in body
    assert link in body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;10部&lt;/b&gt;" in html
    assert f'href="{link}"' in html
    log = ReminderLog.objects.get(recipient=world.reporter)
    assert log.subject == message.subject
    assert log.address == "zhujian@example.gov.cn"
    assert log.project_id == world.project.pk
    assert log.deadline == D(2024, 10, 10)


def test_messages_are_in_the_portals_language_whatever_is_active(world, settings):
    from django.utils import translation

    MilestoneFactory(project=world.project, planned_date=D(2024, 10, 10))
    with translation.override("en"):
        reminders_send(on_date=D(2024, 10, 3))
    # Dates and the light's label come out as the portal's language (Chinese) writes them.
    assert "2024年10月10日" in mail.outbox[0].body
    with translation.override(settings.LANGUAGE_CODE):
        assert str(Light.YELLOW.label) in mail.outbox[0].body


# --- dry run, the command, query counts ---------------------------------------------------------


def test_dry_run_sends_and_writes_nothing(world):
    MilestoneFactory(project=world.project, planned_date=D(2024, 10, 10))

    result = reminders_send(on_date=D(2024, 10, 3), dry_run=True)

    assert result.planned == 2
    assert {delivery.recipient for delivery in result.deliveries} == {"zhujian", "zhujian2"}
    assert ReminderLog.objects.count() == 0
    assert mail.outbox == []


def test_send_reminders_command_with_a_date_and_twice(world):
    MilestoneFactory(project=world.project, planned_date=D(2024, 10, 10))
    from io import StringIO

    out = StringIO()
    call_command("send_reminders", "--date", "2024-10-03", stdout=out)
    assert "2024-10-03" in out.getvalue()
    assert len(mails_of(ReminderKind.MILESTONE_DUE)) == 2

    call_command("send_reminders", "--date", "2024-10-03", stdout=StringIO())
    assert len(mails_of(ReminderKind.MILESTONE_DUE)) == 2


def test_send_reminders_command_dry_run_lists_and_writes_nothing(world):
    MilestoneFactory(project=world.project, title="首批10部竣工验收", planned_date=D(2024, 10, 10))
    from io import StringIO

    out = StringIO()
    call_command("send_reminders", "--date", "2024-10-03", "--dry-run", stdout=out)

    assert "zhujian" in out.getvalue()
    assert "首批10部竣工验收" in out.getvalue()
    assert ReminderLog.objects.count() == 0
    assert mail.outbox == []


def test_send_reminders_command_refuses_a_malformed_date(world):
    with pytest.raises(CommandError) as raised:
        call_command("send_reminders", "--date", "2024-13-01")
    assert "2024-13-01" in str(raised.value)
    assert ReminderLog.objects.count() == 0


def test_send_reminders_command_uses_the_portals_today_and_the_digest_weekday(world, settings):
    settings.MINSHENG_AS_OF_DATE = ""
    MilestoneFactory(project=world.project, planned_date=D(2024, 10, 14))
    tz = timezone.get_current_timezone()
    from io import StringIO

    # Monday 7 October 2024, in the morning in Bengbu.
    with time_machine.travel(datetime.datetime(2024, 10, 7, 8, 0, tzinfo=tz), tick=False):
        call_command("send_reminders", stdout=StringIO())

    assert sent(ReminderKind.MILESTONE_DUE) == [
        ("zhujian", "email", D(2024, 10, 7)),
        ("zhujian2", "email", D(2024, 10, 7)),
    ]
    assert sent(ReminderKind.WEEKLY_DIGEST) == [("leader", "email", D(2024, 10, 7))]


def test_scan_queries_do_not_grow_with_the_number_of_milestones(
    world, django_assert_max_num_queries
):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    def queries_for(day, count):
        for _ in range(count):
            MilestoneFactory(project=world.project, planned_date=day + datetime.timedelta(days=7))
        reminders_send(on_date=day)  # sends; the second run is the steady state
        with CaptureQueriesContext(conn) as captured:
            reminders_send(on_date=day)
        return len(captured)

    few = queries_for(D(2024, 10, 3), 2)
    many = queries_for(D(2024, 10, 13), 40)
    assert many == few


# --- schedule, settings and permissions -------------------------------------------------------


def test_default_schedule_exists_and_names_registered_tasks():
    entries = {task.name: task for task in PeriodicTask.objects.select_related("crontab")}
    daily, weekly = entries["每日提醒扫描"], entries["每周领导摘要"]
    assert daily.task == "notifications.reminders_send"
    assert weekly.task == "notifications.digest_send"
    assert (daily.crontab.hour, daily.crontab.day_of_week) == ("8", "*")
    assert weekly.crontab.day_of_week == "1"
    assert str(daily.crontab.timezone) == "Asia/Shanghai"
    import notifications.tasks  # noqa: F401  (what the worker's autodiscovery imports)

    assert {daily.task, weekly.task} <= set(celery_app.tasks)


def test_schedule_migration_reverses_and_reapplies():
    migration = importlib.import_module("notifications.migrations.0002_default_schedule")

    migration.remove_schedule(django_apps, None)
    assert not PeriodicTask.objects.filter(name__in=["每日提醒扫描", "每周领导摘要"]).exists()

    migration.create_schedule(django_apps, None)
    migration.create_schedule(django_apps, None)  # idempotent
    assert PeriodicTask.objects.filter(name__in=["每日提醒扫描", "每周领导摘要"]).count() == 2


def test_roles_can_keep_their_settings_and_the_office_manages_the_schedule():
    office = Group.objects.get(name=COORDINATOR_GROUP).permissions.values_list(
        "codename", flat=True
    )
    staff = Group.objects.get(name=REPORTER_GROUP).permissions.values_list("codename", flat=True)
    assert {"change_periodictask", "change_crontabschedule", "view_reminderlog"} <= set(office)
    assert {"change_notificationprofile", "view_reminderlog"} <= set(staff)
    assert "change_periodictask" not in set(staff)
    assert "delete_notificationprofile" not in set(staff)


# --- admin: the log and the settings ------------------------------------------------------------


@pytest.fixture
def logged(world, settings):
    settings.EMAIL_BACKEND = "tests.test_reminders.FlakyEmailBackend"
    FlakyEmailBackend.failing = {"zhujian2@example.gov.cn"}
    MilestoneFactory(project=world.project, title="首批10部竣工验收", planned_date=D(2024, 10, 10))
    MilestoneFactory(
        project=world.other_project, title="远程诊疗上线", planned_date=D(2024, 10, 10)
    )
    reminders_send(on_date=D(2024, 10, 3))
    return world


def test_office_sees_every_reminder_with_its_failures(client, logged):
    client.force_login(logged.coordinator)

    response = client.get(reverse("admin:notifications_reminderlog_changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    for username in ("zhujian", "zhujian2", "weijian"):
        assert f">{username}<" in page
    assert "SMTPServerDisconnected" in page
    failed = client.get(
        reverse("admin:notifications_reminderlog_changelist"), {"status__exact": "failed"}
    )
    assert failed.context["cl"].result_count == 1


def test_reminder_log_list_queries_do_not_grow_with_the_rows(client, logged):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    client.force_login(logged.coordinator)
    url = reverse("admin:notifications_reminderlog_changelist")
    client.get(url)
    with CaptureQueriesContext(conn) as few:
        client.get(url)
    for day in (10, 11, 12):
        MilestoneFactory(project=logged.project, planned_date=D(2024, 9, day))
    reminders_send(on_date=D(2024, 10, 3))
    assert ReminderLog.objects.count() > 10
    with CaptureQueriesContext(conn) as many:
        client.get(url)
    assert len(many) == len(few)


def test_reminder_log_is_read_only(client, logged):
    client.force_login(logged.coordinator)
    row = ReminderLog.objects.get(recipient=logged.reporter2)
    url = reverse("admin:notifications_reminderlog_change", args=[row.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "sent", "error": ""})
    assert response.status_code == 403
    assert client.get(reverse("admin:notifications_reminderlog_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:notifications_reminderlog_delete", args=[row.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED


def test_staff_see_only_the_reminders_sent_to_them(client, logged):
    client.force_login(logged.reporter)
    response = client.get(reverse("admin:notifications_reminderlog_changelist"))
    assert response.status_code == 200
    assert {row.recipient_id for row in response.context["cl"].result_list} == {logged.reporter.pk}

    others = ReminderLog.objects.exclude(recipient=logged.reporter)
    for row in others:
        assert (
            client.get(reverse("admin:notifications_reminderlog_change", args=[row.pk])).status_code
            == 404
        )


def test_staff_edit_their_own_reminder_settings(client, world):
    client.force_login(world.reporter)

    response = client.get(reverse("admin:notifications_notificationprofile_mine"))
    assert response.status_code == 302
    assert response.url == reverse("admin:notifications_notificationprofile_add")
    response = client.post(
        reverse("admin:notifications_notificationprofile_add"),
        {"user": world.reporter.pk, "channel": "both", "mobile": "13800000001"},
    )
    assert response.status_code == 302
    profile = NotificationProfile.objects.get(user=world.reporter)
    assert (profile.channel, profile.mobile) == ("both", "13800000001")

    response = client.get(reverse("admin:notifications_notificationprofile_mine"))
    assert response.url == reverse(
        "admin:notifications_notificationprofile_change", args=[profile.pk]
    )
    response = client.post(
        reverse("admin:notifications_notificationprofile_change", args=[profile.pk]),
        {"channel": "sms", "mobile": "13800000009"},
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.channel, profile.mobile) == ("sms", "13800000009")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"channel": "sms", "mobile": ""}, "Enter a mobile number to receive text messages."),
        (
            {"channel": "email", "mobile": "12345"},
            "Enter an 11-digit mobile number such as 13800000000.",
        ),
    ],
)
def test_bad_reminder_settings_are_refused_with_the_reason(client, world, data, message):
    from django.utils import translation

    client.force_login(world.reporter)

    response = client.post(
        reverse("admin:notifications_notificationprofile_add"), {"user": world.reporter.pk, **data}
    )

    assert response.status_code == 200
    with translation.override(django_settings.LANGUAGE_CODE):
        assert translation.gettext(message) in response.content.decode()
    assert not NotificationProfile.objects.exists()


def test_staff_cannot_see_or_set_someone_elses_settings(client, world):
    theirs = NotificationProfileFactory(user=world.reporter2, channel="email")
    client.force_login(world.reporter)

    url = reverse("admin:notifications_notificationprofile_change", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"channel": "sms", "mobile": "13800000001"}).status_code == 404
    # A forged user id on the add page is refused.
    response = client.post(
        reverse("admin:notifications_notificationprofile_add"),
        {"user": world.head.pk, "channel": "sms", "mobile": "13800000001"},
    )
    assert response.status_code == 200
    assert not NotificationProfile.objects.filter(user=world.head).exists()
    theirs.refresh_from_db()
    assert theirs.channel == "email"
    changelist = client.get(reverse("admin:notifications_notificationprofile_changelist"))
    assert list(changelist.context["cl"].result_list) == []
    assert (
        client.post(
            reverse("admin:notifications_notificationprofile_delete", args=[theirs.pk]),
            {"post": "yes"},
        ).status_code
        == 404
    )


def test_office_edits_anyones_settings(client, world):
    theirs = NotificationProfileFactory(user=world.reporter2, channel="email")
    client.force_login(world.coordinator)

    response = client.post(
        reverse("admin:notifications_notificationprofile_change", args=[theirs.pk]),
        {"channel": "sms", "mobile": "13800000002"},
    )

    assert response.status_code == 302
    theirs.refresh_from_db()
    assert (theirs.channel, theirs.mobile) == ("sms", "13800000002")
    response = client.get(reverse("admin:notifications_notificationprofile_changelist"))
    assert response.status_code == 200
