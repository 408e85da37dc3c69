"""The progress report workflow and the stored traffic light, through the service layer.

draft → submitted (by the lead department) → approved, or returned with a reason and then
edited and resubmitted (by the coordinating office). ``conftest`` pins today to 2024-09-30.
"""

import datetime
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from minsheng.services import ServiceError
from projects import services
from projects.choices import Light, ProjectStatus, ReportState
from projects.models import ProgressReport, Project
from projects.services import (
    lights_ensure_current,
    lights_refresh,
    project_refresh_light,
    report_approve,
    report_create,
    report_return,
    report_submit,
)
from tests.factories import (
    DepartmentFactory,
    MilestoneFactory,
    ProgressReportFactory,
    ProjectFactory,
    coordinator,
    head,
    leader,
    reporter,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2024, 9, 30)
SEPTEMBER = D(2024, 9, 1)
AUGUST = D(2024, 8, 1)


@pytest.fixture
def dept():
    return DepartmentFactory(name="区住房和城乡建设局")


@pytest.fixture
def other_dept():
    return DepartmentFactory(name="区卫生健康委员会")


@pytest.fixture
def project(dept, other_dept):
    project = ProjectFactory(
        lead_department=dept,
        title="老旧小区改造",
        status=ProjectStatus.NOT_STARTED,
        progress_percent=Decimal("0"),
        funds_disbursed=Decimal("0"),
        planned_investment=Decimal("500"),
        planned_start=D(2024, 3, 1),
        planned_end=D(2024, 12, 31),
    )
    project.cooperating_departments.add(other_dept)
    return project


@pytest.fixture
def author(dept):
    return reporter("li", dept)


@pytest.fixture
def outsider(other_dept):
    """A reporter of a department that only cooperates on the project."""
    return reporter("wang", other_dept)


@pytest.fixture
def office():
    return coordinator()


def new_draft(project, by, period=SEPTEMBER, progress="65", funds="200"):
    return report_create(
        project=project,
        by=by,
        period=period,
        reported_progress=Decimal(progress),
        funds_disbursed_to_date=Decimal(funds),
        work_done="完成3个小区的管网改造",
    )


def new_submitted(project, by, **kwargs):
    return report_submit(report=new_draft(project, by, **kwargs), by=by)


def snapshot(project):
    """What residents would notice of a project, read fresh from the database."""
    project = Project.objects.get(pk=project.pk)
    return (project.progress_percent, project.funds_disbursed, project.status)


# --- report_create ---


def test_report_create_writes_a_draft_for_the_month(project, author):
    # when
    report = new_draft(project, author, period=D(2024, 9, 17))

    # then
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    assert report.period == SEPTEMBER
    assert report.author == author
    assert report.reported_progress == Decimal("65")
    assert report.history.get().history_user == author
    assert snapshot(project) == (Decimal("0"), Decimal("0"), ProjectStatus.NOT_STARTED)


def test_report_create_for_a_past_month_is_fine(project, author):
    report = new_draft(project, author, period=D(2024, 5, 1))

    assert report.pk is not None


def test_report_create_refuses_a_month_in_the_future(project, author):
    with pytest.raises(ServiceError) as error:
        new_draft(project, author, period=D(2024, 10, 1))

    assert "period" in error.value.message_dict
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("utc_moment", "october_allowed"),
    [
        # 23:59 on 30 September in Shanghai: October has not begun
        pytest.param(datetime.datetime(2024, 9, 30, 15, 59, tzinfo=datetime.UTC), False, id="2359"),
        # 00:30 on 1 October in Shanghai, still 30 September in UTC
        pytest.param(datetime.datetime(2024, 9, 30, 16, 30, tzinfo=datetime.UTC), True, id="0030"),
    ],
)
def test_the_future_is_judged_in_the_district_time_zone(
    settings, project, author, utc_moment, october_allowed
):
    settings.MINSHENG_AS_OF_DATE = ""
    with time_machine.travel(utc_moment, tick=False):
        if october_allowed:
            new_draft(project, author, period=D(2024, 10, 1))
        else:
            with pytest.raises(ServiceError):
                new_draft(project, author, period=D(2024, 10, 1))

    assert ProgressReport.objects.filter(period=D(2024, 10, 1)).exists() is october_allowed


@pytest.mark.parametrize(
    "who",
    ["reporter-of-cooperating-dept", "reporter-of-unrelated-dept", "leader", "no-membership"],
)
def test_report_create_refuses_someone_outside_the_lead_department(project, outsider, who):
    user = {
        "reporter-of-cooperating-dept": lambda: outsider,
        "reporter-of-unrelated-dept": lambda: reporter("zhao", DepartmentFactory(name="区民政局")),
        "leader": leader,
        "no-membership": lambda: head("nobody", None),
    }[who]()

    with pytest.raises(PermissionDenied):
        new_draft(project, user)

    assert not ProgressReport.objects.exists()


def test_report_create_by_the_department_head_is_fine(project, dept):
    report = new_draft(project, head("zhang", dept))

    assert report.state == ReportState.DRAFT


def test_report_create_refuses_a_second_report_for_the_same_month(project, author):
    first = new_draft(project, author, period=D(2024, 9, 1))

    with pytest.raises(ValidationError):
        new_draft(project, author, period=D(2024, 9, 20), progress="70")

    assert list(ProgressReport.objects.values_list("pk", "reported_progress")) == [
        (first.pk, Decimal("65"))
    ]


def test_report_create_losing_a_race_for_the_month_gets_a_reason(project, author, monkeypatch):
    # given: the other report lands between our check and our insert (simulated by
    # skipping the check), so only the database constraint stands in the way
    first = new_draft(project, author)
    monkeypatch.setattr(ProgressReport, "validate_constraints", lambda self, exclude=None: None)

    # when
    with pytest.raises(ServiceError) as error:
        new_draft(project, author, progress="70")

    # then: a reason, not a server error, and the first report is untouched
    assert error.value.messages
    assert list(ProgressReport.objects.values_list("pk", "reported_progress")) == [
        (first.pk, Decimal("65"))
    ]


def test_report_create_refuses_progress_over_100_naming_the_field(project, author):
    with pytest.raises(ValidationError) as error:
        new_draft(project, author, progress="130")

    assert "reported_progress" in error.value.message_dict
    assert not ProgressReport.objects.exists()


# --- report_submit ---


def test_report_submit_sends_a_draft_for_review(project, author):
    draft = new_draft(project, author)

    report_submit(report=draft, by=author)

    draft.refresh_from_db()
    assert draft.state == ReportState.SUBMITTED
    assert draft.submitted_at is not None
    assert draft.history.first().history_user == author


@pytest.mark.parametrize("state", [ReportState.SUBMITTED, ReportState.APPROVED])
def test_report_submit_refuses_a_report_not_in_draft_or_returned(project, author, state):
    report = ProgressReportFactory(project=project, author=author, state=state)

    with pytest.raises(ServiceError):
        report_submit(report=report, by=author)

    report.refresh_from_db()
    assert report.state == state
    assert report.submitted_at is None


def test_report_submit_refuses_another_department(project, author, outsider):
    draft = new_draft(project, author)

    with pytest.raises(PermissionDenied):
        report_submit(report=draft, by=outsider)

    draft.refresh_from_db()
    assert draft.state == ReportState.DRAFT
    assert draft.submitted_at is None


# --- report_approve ---


def test_report_approve_carries_progress_and_funds_into_the_project(project, author, office):
    # given
    submitted = new_submitted(project, author, progress="65", funds="200")
    history_before = project.history.count()

    # when
    report_approve(report=submitted, by=office)

    # then: the report
    submitted.refresh_from_db()
    assert submitted.state == ReportState.APPROVED
    assert submitted.reviewed_by == office
    assert submitted.reviewed_at is not None
    assert submitted.history.first().history_user == office
    # the project: progress, funds, started
    assert snapshot(project) == (Decimal("65"), Decimal("200"), ProjectStatus.IN_PROGRESS)
    # one history row naming the approver and why (the light refresh adds none)
    assert project.history.count() == history_before + 1
    record = project.history.first()
    assert record.history_user == office
    assert "2024-09" in record.history_change_reason
    assert record.progress_percent == Decimal("65")
    assert record.funds_disbursed == Decimal("200")


def test_report_approve_refreshes_the_stored_light(project, author, office):
    Project.objects.filter(pk=project.pk).update(
        status=ProjectStatus.IN_PROGRESS, progress_percent=Decimal("65")
    )
    project_refresh_light(project=project)
    # on track, but no approved report for September yet
    assert Project.objects.get(pk=project.pk).light == Light.YELLOW

    report_approve(report=new_submitted(project, author, progress="65"), by=office)

    stored = Project.objects.get(pk=project.pk)
    assert stored.light == Light.GREEN  # expected 69.8, reported 65, September approved
    assert stored.expected_progress == Decimal("69.8")
    assert stored.light_as_of == TODAY


def test_a_report_of_nothing_done_does_not_start_the_project(project, author, office):
    report_approve(report=new_submitted(project, author, progress="0", funds="0"), by=office)

    assert snapshot(project) == (Decimal("0"), Decimal("0"), ProjectStatus.NOT_STARTED)


def test_approving_a_suspended_project_report_keeps_it_suspended(project, author, office):
    Project.objects.filter(pk=project.pk).update(status=ProjectStatus.SUSPENDED)

    report_approve(report=new_submitted(project, author, progress="30"), by=office)

    assert snapshot(project) == (Decimal("30"), Decimal("200"), ProjectStatus.SUSPENDED)


def test_a_second_approval_is_refused_and_changes_nothing(project, author, office):
    # given: the same report approved once, the page still showing it as submitted
    submitted = new_submitted(project, author)
    report_approve(report=submitted, by=office)
    approved = ProgressReport.objects.get(pk=submitted.pk)
    before = snapshot(project)
    history_before = (project.history.count(), approved.history.count())

    # when
    with pytest.raises(ServiceError):
        report_approve(report=submitted, by=coordinator("another_officer"))

    # then
    after = ProgressReport.objects.get(pk=submitted.pk)
    assert (after.state, after.reviewed_by, after.reviewed_at) == (
        ReportState.APPROVED,
        office,
        approved.reviewed_at,
    )
    assert snapshot(project) == before
    assert (project.history.count(), approved.history.count()) == history_before


@pytest.mark.parametrize("state", [ReportState.DRAFT, ReportState.RETURNED])
def test_only_a_submitted_report_can_be_approved(project, office, state):
    report = ProgressReportFactory(project=project, state=state, reported_progress=Decimal("80"))

    with pytest.raises(ServiceError):
        report_approve(report=report, by=office)

    report.refresh_from_db()
    assert report.state == state
    assert snapshot(project) == (Decimal("0"), Decimal("0"), ProjectStatus.NOT_STARTED)


@pytest.mark.parametrize(
    "who", ["reporter-of-lead-dept", "head-of-lead-dept", "reporter-of-cooperating-dept", "leader"]
)
def test_only_the_coordinating_office_approves(project, author, dept, outsider, who):
    submitted = new_submitted(project, author)
    user = {
        "reporter-of-lead-dept": lambda: author,
        "head-of-lead-dept": lambda: head("zhang", dept),
        "reporter-of-cooperating-dept": lambda: outsider,
        "leader": leader,
    }[who]()

    with pytest.raises(PermissionDenied):
        report_approve(report=submitted, by=user)

    submitted.refresh_from_db()
    assert submitted.state == ReportState.SUBMITTED
    assert submitted.reviewed_by is None
    assert snapshot(project) == (Decimal("0"), Decimal("0"), ProjectStatus.NOT_STARTED)


def test_approving_an_older_month_does_not_roll_the_project_back(project, author, office):
    # given: September approved, August submitted late
    august = new_submitted(project, author, period=AUGUST, progress="40", funds="120")
    report_approve(report=new_submitted(project, author, progress="65", funds="200"), by=office)
    history_before = project.history.count()

    # when
    report_approve(report=august, by=office)

    # then
    august.refresh_from_db()
    assert august.state == ReportState.APPROVED
    assert snapshot(project) == (Decimal("65"), Decimal("200"), ProjectStatus.IN_PROGRESS)
    assert project.history.count() == history_before


def test_approving_months_in_order_moves_the_project_forward(project, author, office):
    report_approve(
        report=new_submitted(project, author, period=AUGUST, progress="40", funds="120"),
        by=office,
    )
    assert snapshot(project)[:2] == (Decimal("40"), Decimal("120"))

    report_approve(report=new_submitted(project, author, progress="65", funds="200"), by=office)

    assert snapshot(project)[:2] == (Decimal("65"), Decimal("200"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_approving_at_once_approve_once(project, author):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises every writer anyway")
    submitted = new_submitted(project, author)
    officers = [coordinator("officer_a"), coordinator("officer_b")]
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(officer):
        try:
            barrier.wait()
            report_approve(report=submitted, by=officer)
            outcomes.append("approved")
        except ServiceError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["approved", "refused"]
    assert project.history.filter(history_user__in=officers).count() == 1


# --- report_return, edit, resubmit ---


def test_report_return_sends_it_back_with_the_reason(project, author, office):
    submitted = new_submitted(project, author)

    report_return(report=submitted, by=office, reason="  请补充现场照片  ")

    submitted.refresh_from_db()
    assert submitted.state == ReportState.RETURNED
    assert submitted.return_reason == "请补充现场照片"
    assert submitted.reviewed_by == office
    assert snapshot(project) == (Decimal("0"), Decimal("0"), ProjectStatus.NOT_STARTED)


@pytest.mark.parametrize("reason", ["", "   ", None], ids=["empty", "blank", "none"])
def test_report_return_requires_a_reason(project, author, office, reason):
    submitted = new_submitted(project, author)

    with pytest.raises(ServiceError) as error:
        report_return(report=submitted, by=office, reason=reason)

    assert "return_reason" in error.value.message_dict
    submitted.refresh_from_db()
    assert submitted.state == ReportState.SUBMITTED
    assert submitted.return_reason == ""


@pytest.mark.parametrize("state", [ReportState.DRAFT, ReportState.RETURNED, ReportState.APPROVED])
def test_only_a_submitted_report_can_be_returned(project, office, state):
    report = ProgressReportFactory(project=project, state=state)

    with pytest.raises(ServiceError):
        report_return(report=report, by=office, reason="数据有误")

    report.refresh_from_db()
    assert report.state == state
    assert report.return_reason == ""


@pytest.mark.parametrize("who", ["reporter-of-lead-dept", "leader"])
def test_only_the_coordinating_office_returns(project, author, who):
    submitted = new_submitted(project, author)
    user = author if who == "reporter-of-lead-dept" else leader()

    with pytest.raises(PermissionDenied):
        report_return(report=submitted, by=user, reason="数据有误")

    submitted.refresh_from_db()
    assert submitted.state == ReportState.SUBMITTED


def test_a_returned_report_is_edited_resubmitted_and_approved(project, author, office):
    # given: returned because the funds were wrong
    submitted = new_submitted(project, author, progress="65", funds="900")
    report_return(report=submitted, by=office, reason="资金数据有误，请核对")

    # when: the department corrects it (as its admin form does) and sends it again
    report = ProgressReport.objects.get(pk=submitted.pk)
    assert report.is_editable
    report.funds_disbursed_to_date = Decimal("210")
    report.save()
    report_submit(report=report, by=author)

    # then: the reason is cleared and the corrected numbers are what gets approved
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.return_reason == ""
    report_approve(report=report, by=office)
    assert snapshot(project) == (Decimal("65"), Decimal("210"), ProjectStatus.IN_PROGRESS)
    states = [h.state for h in report.history.order_by("history_id")]
    assert states == [
        ReportState.DRAFT,
        ReportState.SUBMITTED,
        ReportState.RETURNED,
        ReportState.RETURNED,
        ReportState.SUBMITTED,
        ReportState.APPROVED,
    ]


# --- the stored light ---


@pytest.fixture
def late_project(dept):
    """In progress, 50% expected, 50% done, September approved, 主体完工 12 days overdue."""
    project = ProjectFactory(
        lead_department=dept,
        status=ProjectStatus.IN_PROGRESS,
        progress_percent=Decimal("50"),
        planned_start=D(2024, 3, 1),
        planned_end=D(2024, 12, 31),
    )
    MilestoneFactory(project=project, title="主体完工", planned_date=D(2024, 9, 18))
    MilestoneFactory(project=project, title="竣工验收", planned_date=D(2024, 12, 20))
    ProgressReportFactory(project=project, period=SEPTEMBER, state=ReportState.APPROVED)
    return project


def test_project_refresh_light_stores_light_reason_and_expected_progress(late_project):
    history_before = late_project.history.count()
    updated_at = Project.objects.get(pk=late_project.pk).updated_at

    returned = project_refresh_light(project=late_project)

    stored = Project.objects.get(pk=late_project.pk)
    assert stored.light == Light.YELLOW
    assert "主体完工" in stored.light_reason
    assert "12" in stored.light_reason
    assert "竣工验收" not in stored.light_reason
    assert stored.expected_progress == Decimal("50")
    assert stored.light_as_of == TODAY
    assert (returned.light, returned.light_reason) == (stored.light, stored.light_reason)
    # derived columns: no history row, no "updated" time
    assert late_project.history.count() == history_before
    assert stored.updated_at == updated_at


def test_project_refresh_light_on_a_given_date(late_project):
    project_refresh_light(project=late_project, on_date=D(2024, 10, 20))

    stored = Project.objects.get(pk=late_project.pk)
    assert stored.light == Light.RED
    assert "32" in stored.light_reason
    assert stored.light_as_of == D(2024, 10, 20)


def test_project_refresh_light_follows_a_milestone_being_done(late_project):
    project_refresh_light(project=late_project)
    late_project.milestones.filter(title="主体完工").update(completed_on=D(2024, 9, 28))

    project_refresh_light(project=late_project)

    stored = Project.objects.get(pk=late_project.pk)
    assert stored.light == Light.GREEN
    assert "主体完工" not in stored.light_reason


def test_project_refresh_light_uses_the_thresholds_in_settings(settings, late_project):
    settings.MINSHENG_LIGHT = {**settings.MINSHENG_LIGHT, "YELLOW_OVERDUE_DAYS_MAX": 10}

    project_refresh_light(project=late_project)

    assert Project.objects.get(pk=late_project.pk).light == Light.RED


def test_a_completed_project_stores_its_status_and_no_expected_progress(late_project):
    Project.objects.filter(pk=late_project.pk).update(status=ProjectStatus.COMPLETED)

    project_refresh_light(project=late_project)

    stored = Project.objects.get(pk=late_project.pk)
    assert (stored.light, stored.expected_progress) == (Light.COMPLETED, None)


def three_projects(dept):
    on_track = ProjectFactory(
        lead_department=dept, status=ProjectStatus.IN_PROGRESS, progress_percent=Decimal("70")
    )
    ProgressReportFactory(project=on_track, period=SEPTEMBER, state=ReportState.APPROVED)
    far_behind = ProjectFactory(
        lead_department=dept, status=ProjectStatus.IN_PROGRESS, progress_percent=Decimal("10")
    )
    waiting = ProjectFactory(lead_department=dept, status=ProjectStatus.NOT_STARTED)
    return on_track, far_behind, waiting


def lights_of(*projects):
    return [Project.objects.get(pk=p.pk).light for p in projects]


def test_lights_refresh_updates_every_project_once(dept):
    projects = three_projects(dept)
    history_before = sum(p.history.count() for p in projects)

    assert lights_refresh() == 3
    assert lights_of(*projects) == [Light.GREEN, Light.RED, Light.NOT_STARTED]
    assert {p.light_as_of for p in Project.objects.all()} == {TODAY}
    assert sum(p.history.count() for p in projects) == history_before

    # nothing changed since: nothing written
    assert lights_refresh() == 0


def test_lights_refresh_in_batches(dept, monkeypatch):
    monkeypatch.setattr(services, "LIGHT_BATCH_SIZE", 2)
    projects = [*three_projects(dept), *three_projects(dept)]

    assert lights_refresh() == 6
    assert lights_of(*projects) == [Light.GREEN, Light.RED, Light.NOT_STARTED] * 2


def test_lights_refresh_of_a_queryset_leaves_the_others(dept):
    on_track, far_behind, waiting = three_projects(dept)

    assert lights_refresh(queryset=Project.objects.filter(pk=far_behind.pk)) == 1

    assert lights_of(on_track, far_behind, waiting) == [
        Light.NOT_STARTED,  # the model default, never computed
        Light.RED,
        Light.NOT_STARTED,
    ]
    assert Project.objects.get(pk=on_track.pk).light_as_of is None


def test_lights_refresh_stale_only_skips_lights_computed_today(dept):
    # given: one light already computed today (here deliberately wrong, to see it is skipped)
    on_track, far_behind, waiting = three_projects(dept)
    Project.objects.filter(pk=far_behind.pk).update(light=Light.GREEN, light_as_of=TODAY)
    Project.objects.filter(pk=on_track.pk).update(
        light=Light.RED, light_as_of=TODAY.replace(day=29)
    )

    # when
    changed = lights_refresh(stale_only=True)

    # then
    assert changed == 2
    assert lights_of(on_track, far_behind, waiting) == [
        Light.GREEN,
        Light.GREEN,
        Light.NOT_STARTED,
    ]
    # a full refresh corrects it
    assert lights_refresh() == 1
    assert lights_of(far_behind) == [Light.RED]


def test_lights_ensure_current_is_one_query_when_current(dept, django_assert_num_queries):
    three_projects(dept)
    lights_refresh()

    with django_assert_num_queries(1):
        lights_ensure_current()


def test_lights_ensure_current_catches_up_when_the_day_turns(settings, late_project):
    lights_ensure_current()
    stored = Project.objects.get(pk=late_project.pk)
    assert (stored.light, stored.light_as_of) == (Light.YELLOW, TODAY)

    # when: 20 October, 主体完工 is now 32 days overdue
    settings.MINSHENG_AS_OF_DATE = "2024-10-20"
    lights_ensure_current()

    stored = Project.objects.get(pk=late_project.pk)
    assert (stored.light, stored.light_as_of) == (Light.RED, D(2024, 10, 20))
    assert "32" in stored.light_reason


def test_lights_ensure_current_follows_the_real_clock(settings, late_project):
    settings.MINSHENG_AS_OF_DATE = ""
    # 16:30 UTC on 19 October is already 20 October in Shanghai
    with time_machine.travel(datetime.datetime(2024, 10, 19, 16, 30, tzinfo=datetime.UTC)):
        lights_ensure_current()

    stored = Project.objects.get(pk=late_project.pk)
    assert (stored.light, stored.light_as_of) == (Light.RED, D(2024, 10, 20))
