"""The commitment in the admin: the baseline read-only for departments, change requests filed
from the project page, the office's queue and decisions, publishing a plan.

Pages are asked for in English so that assertions read the catalogue's source strings.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from projects import commitments, services
from projects.choices import AttachmentKind, ChangeKind, ChangeSource, ChangeState, ProjectStatus
from projects.models import ChangeRequest, Milestone, Project
from tests.factories import (
    CategoryFactory,
    DepartmentFactory,
    IndicatorFactory,
    MilestoneFactory,
    PlanFactory,
    ProjectFactory,
    coordinator,
    reporter,
)
from tests.support.admin_forms import (
    change_url,
    english_client,
    form_data,
    is_post_form,
    row,
)
from tests.support.files import png_upload

D = datetime.date


@pytest.fixture
def red(db):
    """Project 9 of the published 2024 plan: 45 % done, its milestone overdue since 25 August."""
    lead = DepartmentFactory(name="区教育体育局")
    plan = PlanFactory(year=2024)
    project = ProjectFactory(
        plan=plan,
        number=9,
        title="新建朝阳路小学",
        lead_department=lead,
        category=CategoryFactory(code="edu"),
        progress_percent=Decimal("45"),
    )
    milestone = MilestoneFactory(project=project, title="主体完工", planned_date=D(2024, 8, 25))
    IndicatorFactory(project=project, name="新增学位", target_value=Decimal("1000"))
    office = coordinator("office")
    commitments.plan_publish(plan=plan, by=office)
    services.lights_refresh()
    project.refresh_from_db()
    return {
        "project": project,
        "milestone": milestone,
        "office": office,
        "jiaoyu": reporter("jiaoyu", lead),
    }


def client_of(user):
    client = english_client()
    client.force_login(user)
    return client


def shown_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def file_url(project, kind=None):
    if kind is None:
        return reverse("admin:projects_changerequest_file", args=[project.pk])
    return reverse("admin:projects_changerequest_file_status", args=[project.pk, kind])


# --- the project page ------------------------------------------------------------------------


def test_a_department_sees_the_baseline_read_only_and_a_way_to_request_a_change(red):
    # given: the office moved the planned end, with a reason
    project = red["project"]
    commitments.project_update(
        project=project, by=red["office"], data={"planned_end": D(2025, 3, 31)}, reason="雨季停工"
    )

    page = client_of(red["jiaoyu"]).get(change_url("project", project.pk)).content.decode()

    # then: no input for the baseline fields, the baseline struck through beside the value
    assert 'name="planned_end"' not in page
    assert 'name="milestones-0-planned_date"' not in page
    assert 'name="summary"' in page
    # (dates as the page writes them, not as ISO)
    assert "<del>Dec. 31, 2024</del>" in page and "March 31, 2025" in page
    assert file_url(project) in page
    assert "Request a change" in page
    # the closing request says why it cannot be made yet
    assert "Progress is 45%, not 100%." in page


def test_the_office_must_give_a_reason_to_move_the_baseline(red):
    project = red["project"]
    client = client_of(red["office"])
    url = change_url("project", project.pk)
    data = form_data(client, url)
    data["planned_end"] = "2025-03-31"
    before = row(project)

    refused = client.post(url, data)

    assert refused.status_code == 200
    assert "Give the reason for the change." in str(refused.context["adminform"].form.errors)
    assert row(project) == before
    assert not ChangeRequest.objects.exists()

    data["change_reason"] = "区政府常务会议同意延期"
    assert client.post(url, data).status_code == 302
    project.refresh_from_db()
    assert project.planned_end == D(2025, 3, 31)
    assert project.baseline_end == D(2024, 12, 31)
    record = ChangeRequest.objects.get()
    assert (record.state, record.source, record.reason) == (
        ChangeState.APPROVED,
        ChangeSource.OFFICE_EDIT,
        "区政府常务会议同意延期",
    )


def test_a_department_cannot_close_its_project_from_the_form(red):
    project = red["project"]
    client = client_of(red["jiaoyu"])
    url = change_url("project", project.pk)
    data = form_data(client, url)
    data["status"] = ProjectStatus.COMPLETED
    before = row(project)

    response = client.post(url, data)

    assert response.status_code == 200
    assert "need a request approved by the coordinating office" in str(
        response.context["adminform"].form.errors["status"]
    )
    assert row(project) == before


def test_a_department_cannot_remove_a_baselined_milestone_by_a_forged_post(red):
    client = client_of(red["jiaoyu"])
    url = change_url("project", red["project"].pk)
    data = form_data(client, url)
    data["milestones-0-DELETE"] = "on"

    response = client.post(url, data)

    assert response.status_code in (200, 302)
    assert Milestone.objects.filter(pk=red["milestone"].pk).exists()


def test_a_completion_date_still_to_come_is_refused_on_the_milestone_page(red):
    client = client_of(red["jiaoyu"])
    url = change_url("milestone", red["milestone"].pk)
    data = form_data(client, url)
    data["completed_on"] = "2024-10-02"

    response = client.post(url, data)

    assert response.status_code == 200
    assert "cannot be completed on a day still to come" in str(response.context["errors"])
    assert Milestone.objects.get(pk=red["milestone"].pk).completed_on is None


# --- filing and deciding a change request ----------------------------------------------------


def test_a_change_request_changes_nothing_until_the_office_approves_it(red):
    project, milestone = red["project"], red["milestone"]
    jiaoyu = client_of(red["jiaoyu"])
    url = file_url(project)
    page = jiaoyu.get(url).content.decode()
    assert "Now: Aug. 25, 2024" in page
    data = form_data(jiaoyu, url, pick=is_post_form)
    data[f"milestone-{milestone.pk}-planned_date"] = "2024-10-20"
    data["reason"] = "雨季停工，主体结构顺延"
    light_before = project.light

    filed = jiaoyu.post(url, data)

    # then: a pending request; the milestone and the light as they were
    change = ChangeRequest.objects.get()
    assert filed.status_code == 302 and filed["Location"] == change_url("changerequest", change.pk)
    assert change.state == ChangeState.PENDING
    assert change.changes[0]["old"] == "2024-08-25" and change.changes[0]["new"] == "2024-10-20"
    assert Milestone.objects.get(pk=milestone.pk).planned_date == D(2024, 8, 25)
    assert Project.objects.get(pk=project.pk).light == light_before == "red"
    # the department cannot approve its own request
    approve = reverse("admin:projects_changerequest_approve", args=[change.pk])
    assert jiaoyu.post(approve).status_code == 403
    assert ChangeRequest.objects.get().state == ChangeState.PENDING

    # when: the office approves it from the request's page
    office = client_of(red["office"])
    request_page = office.get(change_url("changerequest", change.pk)).content.decode()
    assert "Approve and apply" in request_page and "Aug. 25, 2024 → Oct. 20, 2024" in request_page
    office.post(approve, {"decision_number": "禹民生办〔2024〕21号"})

    # then: applied, with the light recomputed
    change.refresh_from_db()
    assert change.state == ChangeState.APPROVED
    assert change.decision_number == "禹民生办〔2024〕21号"
    moved = Milestone.objects.get(pk=milestone.pk)
    assert (moved.planned_date, moved.baseline_planned_date) == (D(2024, 10, 20), D(2024, 8, 25))
    assert Project.objects.get(pk=project.pk).light != "red"


def test_a_change_request_needs_a_reason_and_a_change(red):
    jiaoyu = client_of(red["jiaoyu"])
    url = file_url(red["project"])
    data = form_data(jiaoyu, url, pick=is_post_form)

    unchanged = jiaoyu.post(url, {**data, "reason": "雨季停工"})
    no_reason = jiaoyu.post(
        url, {**data, f"milestone-{red['milestone'].pk}-planned_date": "2024-10-20", "reason": ""}
    )

    assert "Change at least one value." in unchanged.content.decode()
    assert no_reason.context["form"].errors["reason"]
    assert not ChangeRequest.objects.exists()


def test_rejecting_needs_a_reason_and_leaves_the_project_as_it_was(red):
    change = commitments.change_request_create(
        project=red["project"],
        by=red["jiaoyu"],
        changes=[
            {
                "model": "milestone",
                "id": red["milestone"].pk,
                "field": "planned_date",
                "new": D(2024, 10, 20),
            }
        ],
        reason="雨季停工",
    )
    office = client_of(red["office"])
    reject = reverse("admin:projects_changerequest_reject", args=[change.pk])

    without = office.post(reject, {"decision_note": ""})
    assert "Say why the request is not approved." in shown_messages(without)
    assert ChangeRequest.objects.get().state == ChangeState.PENDING

    office.post(reject, {"decision_note": "延期理由不充分，请补充气象资料"})
    change.refresh_from_db()
    assert change.state == ChangeState.REJECTED
    assert change.decision_note == "延期理由不充分，请补充气象资料"
    assert Milestone.objects.get(pk=red["milestone"].pk).planned_date == D(2024, 8, 25)


def test_the_queue_lists_pending_requests_first_and_rejects_in_bulk_with_a_reason(red):
    project = red["project"]
    decided = commitments.project_update(
        project=project, by=red["office"], data={"planned_end": D(2025, 1, 31)}, reason="调整"
    )
    assert decided
    pending = commitments.change_request_create(
        project=project,
        by=red["jiaoyu"],
        changes=[
            {
                "model": "indicator",
                "id": project.indicators.get().pk,
                "field": "target_value",
                "new": "800",
            }
        ],
        reason="生源减少",
    )
    red["jiaoyu"].last_name, red["jiaoyu"].first_name = "李", "娜"
    red["jiaoyu"].save(update_fields=["last_name", "first_name"])
    office = client_of(red["office"])
    changelist = reverse("admin:projects_changerequest_changelist")

    listed = office.get(changelist)
    rows = list(listed.context["cl"].result_list)
    assert rows[0] == pending and rows[0].state == ChangeState.PENDING
    page = listed.content.decode()
    assert "1,000 → 800" in page
    # The office reads who asked by name, not by sign-in name or a link to the user admin.
    assert '<td class="field-requester">李娜</td>' in page
    assert not re.search(r"/admin/auth/user/\d", page)

    asked = office.post(changelist, {"action": "reject_selected", "_selected_action": [pending.pk]})
    assert asked.status_code == 200 and "decision_note" in asked.content.decode()
    assert ChangeRequest.objects.get(pk=pending.pk).state == ChangeState.PENDING
    office.post(
        changelist,
        {
            "action": "reject_selected",
            "_selected_action": [pending.pk],
            "decision_note": "目标不下调",
        },
    )
    assert ChangeRequest.objects.get(pk=pending.pk).state == ChangeState.REJECTED


def test_the_requester_withdraws_a_pending_request(red):
    change = commitments.change_request_create(
        project=red["project"],
        by=red["jiaoyu"],
        changes=[{"model": "project", "field": "planned_end", "new": D(2025, 1, 31)}],
        reason="雨季停工",
    )
    jiaoyu = client_of(red["jiaoyu"])
    assert (
        "Withdraw the request"
        in jiaoyu.get(change_url("changerequest", change.pk)).content.decode()
    )

    jiaoyu.post(reverse("admin:projects_changerequest_withdraw", args=[change.pk]))

    assert ChangeRequest.objects.get().state == ChangeState.WITHDRAWN
    assert Project.objects.get(pk=red["project"].pk).planned_end == D(2024, 12, 31)


def test_closing_shows_what_is_missing_and_needs_an_acceptance_document(red):
    project = red["project"]
    jiaoyu = client_of(red["jiaoyu"])
    url = file_url(project, ChangeKind.CLOSE)

    page = jiaoyu.get(url).content.decode()
    refused = jiaoyu.post(url, {"reason": "已完工"})

    assert "Progress is 45%, not 100%." in page and "主体完工" in page
    assert refused.context["form"].errors["document"]
    assert not ChangeRequest.objects.exists()

    # once done, the request goes with its acceptance document
    Project.objects.filter(pk=project.pk).update(progress_percent=100)
    Milestone.objects.filter(project=project).update(completed_on=D(2024, 9, 20))
    jiaoyu.post(url, {"reason": "已通过竣工验收", "document": png_upload("yanshou.png")})
    change = ChangeRequest.objects.get()
    assert (change.kind, change.state) == (ChangeKind.CLOSE, ChangeState.PENDING)
    assert change.attachments.get().kind == AttachmentKind.ACCEPTANCE
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.IN_PROGRESS


def test_suspending_needs_the_decision_number(red):
    jiaoyu = client_of(red["jiaoyu"])
    url = file_url(red["project"], ChangeKind.SUSPEND)

    refused = jiaoyu.post(url, {"reason": "选址调整"})
    assert refused.context["form"].errors["decision_number"]

    jiaoyu.post(url, {"reason": "选址调整", "decision_number": "禹政办〔2024〕8号"})
    assert ChangeRequest.objects.get().decision_number == "禹政办〔2024〕8号"


def test_other_departments_cannot_file_requests(red):
    stranger = reporter("minzheng", DepartmentFactory(name="区民政局"))
    client = client_of(stranger)

    assert client.get(file_url(red["project"])).status_code == 404
    assert (
        client.post(file_url(red["project"], ChangeKind.CLOSE), {"reason": "x"}).status_code == 404
    )
    assert client_of(red["office"]).get(file_url(red["project"])).status_code == 403
    assert not ChangeRequest.objects.exists()


# --- publishing ------------------------------------------------------------------------------


def test_publishing_a_plan_in_the_admin_freezes_its_baselines(db):
    office = coordinator("office")
    plan = PlanFactory(year=2025, title="2025年民生实事", published=False)
    project = ProjectFactory(plan=plan, planned_end=D(2025, 11, 30))
    client = client_of(office)
    url = reverse("admin:projects_plan_change", args=[plan.pk])
    data = form_data(client, url)
    data["published"] = "on"

    assert client.post(url, data).status_code == 302

    project.refresh_from_db()
    assert project.is_baselined and project.baseline_end == D(2025, 11, 30)


def test_a_project_published_into_a_published_plan_gets_its_baseline(red):
    late = ProjectFactory(
        plan=red["project"].plan,
        number=51,
        published=False,
        lead_department=red["project"].lead_department,
    )
    client = client_of(red["office"])
    url = change_url("project", late.pk)
    data = form_data(client, url)
    data["published"] = "on"

    assert client.post(url, data).status_code == 302

    late.refresh_from_db()
    assert late.is_baselined and late.baseline_end == late.planned_end


# --- the API says the same -------------------------------------------------------------------


def test_the_api_tells_a_department_to_file_a_change_request(red):
    from rest_framework.test import APIClient

    client = APIClient()
    client.cookies["django_language"] = "en"
    client.force_authenticate(red["jiaoyu"])

    response = client.patch(
        f"/api/v1/milestones/{red['milestone'].pk}/", {"planned_date": "2024-10-20"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "planned_date": ["This field is part of the baseline (原计划): file a change request."]
    }
    assert Milestone.objects.get(pk=red["milestone"].pk).planned_date == D(2024, 8, 25)


def test_hostile_text_in_a_request_reads_as_text_in_the_offices_queue_and_page(red):
    # The queue joins each change's lines with <br>: the lines themselves stay escaped.
    hostile = '<script>alert("x")</script>'
    milestone = red["milestone"]
    Milestone.objects.filter(pk=milestone.pk).update(title=hostile, baseline_title=hostile)
    request = commitments.change_request_create(
        project=red["project"],
        by=red["jiaoyu"],
        changes=[
            {"model": "milestone", "id": milestone.pk, "field": "planned_date", "new": "2024-10-20"}
        ],
        reason=hostile,
    )
    office = client_of(red["office"])

    for url in (
        reverse("admin:projects_changerequest_changelist"),
        reverse("admin:projects_changerequest_change", args=[request.pk]),
    ):
        page = office.get(url).content.decode()
        assert hostile not in page
        assert "&lt;script&gt;alert(" in page
