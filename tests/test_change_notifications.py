"""Change requests (调整申请) and the people waiting on them: the requester is told the
office's decision once, on the channels they chose; a request left undecided longer than
CHANGE_REVIEW_WORKING_DAYS working days reminds the coordinating office once, in the daily scan."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications import sms
from notifications.choices import ReminderKind
from notifications.models import ReminderLog
from notifications.services import change_decision_notify, reminders_send
from projects import commitments
from projects.choices import ChangeKind, ProjectStatus
from projects.models import ChangeRequest, Milestone
from tests.factories import (
    DepartmentFactory,
    MilestoneFactory,
    NotificationProfileFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    coordinator,
    reporter,
)
from tests.support.files import pdf

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _on_the_demo_day():
    # Decisions are dated by the wall clock; the portal's day is pinned to 30 September.
    with time_machine.travel(datetime.datetime(2024, 9, 30, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def _channels(settings):
    settings.MINSHENG_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    settings.SITE_BASE_URL = "https://minsheng.example.gov.cn/"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def world():
    bureau = DepartmentFactory(name="区教育体育局")
    jiaoyu = reporter("jiaoyu", bureau)
    jiaoyu.email, jiaoyu.last_name, jiaoyu.first_name = "jiaoyu@example.gov.cn", "李", "娜"
    jiaoyu.save()
    office = coordinator("office")
    office.email = "office@example.gov.cn"
    office.save()
    plan = PlanFactory(year=2024, published=False)
    project = ProjectFactory(
        plan=plan,
        number=9,
        title="中小学课后服务全覆盖",
        lead_department=bureau,
        status=ProjectStatus.IN_PROGRESS,
        progress_percent=45,
        planned_start=D(2024, 3, 1),
        planned_end=D(2024, 12, 31),
        published=True,
    )
    milestone = MilestoneFactory(
        project=project, title="主体完工", planned_date=D(2024, 8, 25), weight=100
    )
    for month in (8, 9):
        ProgressReportFactory(project=project, period=D(2024, month, 1), state="approved")
    plan.published = True
    plan.save()
    commitments.plan_publish(plan=plan, by=office)
    return type(
        "World",
        (),
        {"jiaoyu": jiaoyu, "office": office, "project": project, "milestone": milestone},
    )


def file_change(world, **kwargs) -> ChangeRequest:
    return commitments.change_request_create(
        project=world.project,
        by=world.jiaoyu,
        changes=[
            {
                "model": "milestone",
                "id": world.milestone.pk,
                "field": "planned_date",
                "new": D(2024, 10, 20),
            }
        ],
        reason="雨季停工，主体施工推迟",
        **kwargs,
    )


def test_the_requester_is_told_once_that_the_office_approved(
    world, django_capture_on_commit_callbacks
):
    request = file_change(world)
    assert mail.outbox == []  # filing tells nobody yet

    # when the office approves, with its document number
    with django_capture_on_commit_callbacks(execute=True):
        commitments.change_request_approve(
            request=request, by=world.office, decision_number="禹民生办〔2024〕12号"
        )

    # then one e-mail to the requester, in Chinese, saying what was decided and what moved
    [message] = mail.outbox
    assert message.to == ["jiaoyu@example.gov.cn"]
    assert message.subject == "已批准：您关于9号项目的“计划调整”申请"
    assert (
        "区发改委民生工程股已于2024年9月30日批准您关于9号项目“中小学课后服务全覆盖”的“计划调整”申请"
        in message.body
    )
    assert "禹民生办〔2024〕12号" in message.body
    assert "雨季停工，主体施工推迟" in message.body
    assert "2024-08-25 → 2024-10-20" in message.body
    html = message.alternatives[0][0]
    assert "2024-08-25 → 2024-10-20" in html

    # a retried task or a second worker sends nothing more
    change_decision_notify(request_id=request.pk)
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.filter(kind=ReminderKind.CHANGE_DECIDED).count() == 1


def test_a_rejection_tells_the_requester_why_and_the_project_is_unchanged(
    world, django_capture_on_commit_callbacks
):
    request = file_change(world)

    with django_capture_on_commit_callbacks(execute=True):
        commitments.change_request_reject(
            request=request, by=world.office, reason="未附停工证明，请补充监理日志后重新申请"
        )

    [message] = mail.outbox
    assert message.subject == "未批准：您关于9号项目的“计划调整”申请"
    assert "理由：未附停工证明，请补充监理日志后重新申请" in message.body
    assert "项目未作任何改动" in message.body
    assert Milestone.objects.get().planned_date == D(2024, 8, 25)


def test_the_decision_goes_by_text_message_when_the_requester_chose_it(
    world, django_capture_on_commit_callbacks
):
    NotificationProfileFactory(user=world.jiaoyu, channel="sms", mobile="13800000009")
    request = file_change(world)

    with django_capture_on_commit_callbacks(execute=True):
        commitments.change_request_approve(request=request, by=world.office)

    assert mail.outbox == []
    [text] = sms.outbox
    assert text.to == "13800000009"
    assert "批准" in text.body and "9号项目" in text.body


def test_a_closing_decision_is_told_to_the_requester(world, django_capture_on_commit_callbacks):
    Milestone.objects.update(completed_on=D(2024, 9, 20))
    world.project.__class__.objects.filter(pk=world.project.pk).update(progress_percent=100)
    request = commitments.closing_request_create(
        project=world.project, by=world.jiaoyu, reason="已通过竣工验收", document=pdf()
    )
    assert request.kind == ChangeKind.CLOSE

    with django_capture_on_commit_callbacks(execute=True):
        commitments.change_request_approve(request=request, by=world.office)

    [message] = mail.outbox
    assert message.subject == "已批准：您关于9号项目的“销号”申请"


def test_an_office_edit_tells_nobody(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        commitments.milestone_save(
            milestone=world.milestone,
            by=world.office,
            data={"planned_date": D(2024, 10, 1)},
            reason="区政府专题会议决定",
        )
    assert mail.outbox == []


def filed_on(request, day):
    ChangeRequest.objects.filter(pk=request.pk).update(
        requested_at=timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 10))
    )


def reminded():
    return sorted(
        ReminderLog.objects.filter(kind=ReminderKind.CHANGE_REVIEW_OVERDUE).values_list(
            "recipient__username", "due_on"
        )
    )


def test_a_request_undecided_after_5_working_days_reminds_the_office_once(world):
    # given a request filed on Wednesday 11 September 2024: the working days after it are
    # 12, 13, 14 (a Saturday worked before the Mid-Autumn holiday), 18 and 19 September
    request = file_change(world)
    filed_on(request, D(2024, 9, 11))

    # on the fifth working day, the office still has time
    reminders_send(on_date=D(2024, 9, 19))
    assert reminded() == []

    # the next working day it is reminded, once
    reminders_send(on_date=D(2024, 9, 20))
    assert reminded() == [("office", D(2024, 9, 20))]
    [message] = [m for m in mail.outbox if "待您审核" in m.subject]
    assert message.to == ["office@example.gov.cn"]
    assert message.subject == "待您审核：9号项目的“计划调整”申请"
    assert "李娜于2024年9月11日提交" in message.body
    assert "应于2024年9月19日前审核" in message.body
    assert "雨季停工，主体施工推迟" in message.body

    reminders_send(on_date=D(2024, 9, 20))
    reminders_send(on_date=D(2024, 9, 23))
    assert [m.to for m in mail.outbox if "待您审核" in m.subject] == [["office@example.gov.cn"]]
    assert reminded() == [("office", D(2024, 9, 20))]


def test_the_review_days_are_a_setting_and_a_decided_request_reminds_nobody(world, settings):
    settings.MINSHENG_CHANGE_REVIEW_WORKING_DAYS = 2
    waiting = file_change(world)
    filed_on(waiting, D(2024, 9, 11))

    # two working days: 12 and 13 September; the 14th is a working Saturday
    reminders_send(on_date=D(2024, 9, 13))
    assert reminded() == []
    reminders_send(on_date=D(2024, 9, 14))
    assert reminded() == [("office", D(2024, 9, 14))]

    commitments.change_request_withdraw(request=waiting, by=world.jiaoyu)
    other = file_change(world)
    filed_on(other, D(2024, 9, 11))
    commitments.change_request_reject(request=other, by=world.office, reason="不符合调整条件")
    reminders_send(on_date=D(2024, 9, 30))
    assert reminded() == [("office", D(2024, 9, 14))]
