"""The API's world: two plans, three departments, staff in every role; clients for each."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from feedback.choices import CommentState, RatingLevel
from projects.choices import ProjectStatus, ReportState
from projects.services import lights_refresh
from tests.factories import (
    AreaFactory,
    BeneficiaryGroupFactory,
    CategoryFactory,
    CommentFactory,
    DepartmentFactory,
    IndicatorFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    RatingFactory,
    ReplyFactory,
    coordinator,
    head,
    leader,
    reporter,
)

D = datetime.date


API = "/api/v1"


def as_user(user, language=None):
    client = APIClient()
    if language:
        client.cookies["django_language"] = language
    if user is not None:
        client.force_authenticate(user)
    return client


def give_project(plan, number, title, category, lead, **kwargs):
    """A project with a milestone, an indicator and reports in each state of the workflow."""
    project = ProjectFactory(
        plan=plan,
        number=number,
        title=title,
        category=category,
        lead_department=lead,
        **{
            "status": ProjectStatus.IN_PROGRESS,
            "progress_percent": Decimal("30"),
            "funds_disbursed": Decimal("20"),
            **kwargs,
        },
    )
    MilestoneFactory(project=project, title=f"{title}·开工", planned_date=D(2024, 4, 1))
    MilestoneFactory(project=project, title=f"{title}·完工", planned_date=D(2024, 11, 30))
    IndicatorFactory(
        project=project, name=f"{title}·指标", target_value=Decimal("1000"), actual_value=0
    )
    ProgressReportFactory(
        project=project,
        period=D(2024, 5, 1),
        reported_progress=Decimal("30"),
        funds_disbursed_to_date=Decimal("20"),
        work_done=f"{title}·已通过的进展",
        state=ReportState.APPROVED,
    )
    ProgressReportFactory(
        project=project,
        period=D(2024, 6, 1),
        reported_progress=Decimal("45"),
        funds_disbursed_to_date=Decimal("35"),
        work_done=f"{title}·待审核的进展",
        state=ReportState.SUBMITTED,
    )
    ProgressReportFactory(
        project=project,
        period=D(2024, 7, 1),
        reported_progress=Decimal("50"),
        work_done=f"{title}·草稿进展",
        state=ReportState.DRAFT,
    )
    return project


@pytest.fixture
def api_world(db):
    """A published 2024 plan, a draft 2025 plan, three departments and staff in every role."""
    plan = PlanFactory(year=2024, title="2024年50项民生实事实施方案")
    older = PlanFactory(year=2023, title="2023年民生实事实施方案")
    draft_plan = PlanFactory(year=2025, title="2025年民生实事方案（草案）", published=False)
    education = CategoryFactory(code="education", name="教育公平与质量提升", order=1)
    health = CategoryFactory(code="health", name="医疗健康保障", order=2)
    schools = DepartmentFactory(
        name="区教育体育局", short_name="区教体局", contact_person="李保密", phone="0552-7654321"
    )
    housing = DepartmentFactory(
        name="区住房和城乡建设局",
        short_name="区住建局",
        contact_person="王秘密",
        phone="0552-1234567",
        email="secret-contact@example.gov.cn",
    )
    finance = DepartmentFactory(name="区财政局", short_name="区财政局")
    chaoyang = AreaFactory(name="朝阳社区")
    changqing = AreaFactory(name="长青乡")
    children = BeneficiaryGroupFactory(name="儿童")
    elderly = BeneficiaryGroupFactory(name="老年人")

    school = give_project(
        plan,
        1,
        "新建改扩建中小学校",
        education,
        schools,
        progress_percent=Decimal("60"),
        planned_investment=Decimal("800"),
        funds_disbursed=Decimal("200"),
        summary="针对朝阳片区学位紧张问题新建学校",
    )
    school.cooperating_departments.add(finance)
    school.areas.add(chaoyang)
    school.beneficiary_groups.add(children)
    clinic = give_project(plan, 2, "社区卫生服务中心改造", health, housing)
    clinic.areas.add(changqing)
    clinic.beneficiary_groups.add(elderly)
    done = ProjectFactory(
        plan=plan,
        number=3,
        title="老年助餐点建设",
        category=health,
        lead_department=housing,
        status=ProjectStatus.COMPLETED,
        completed_on=D(2024, 8, 20),
        progress_percent=Decimal("100"),
        planned_end=D(2024, 8, 31),
    )
    done.beneficiary_groups.add(elderly)
    hidden = give_project(plan, 4, "未公开的项目", health, housing, published=False)
    next_year = give_project(draft_plan, 1, "明年草案项目", education, schools)
    old = ProjectFactory(plan=older, number=1, title="去年的项目", category=education)

    published = CommentFactory(project=school, state=CommentState.PUBLISHED, body="何时完工？")
    ReplyFactory(comment=published, body="预计年底完工。")
    CommentFactory(project=school, state=CommentState.PUBLISHED, body="希望增加停车位")
    CommentFactory(project=school, state=CommentState.PENDING, body="待审核的留言")
    CommentFactory(project=school, state=CommentState.REJECTED, body="未通过的留言")
    CommentFactory(project=hidden, state=CommentState.PUBLISHED, body="未公开项目的留言")
    RatingFactory(project=school, level=RatingLevel.SATISFIED)
    RatingFactory(project=school, level=RatingLevel.FAIRLY_SATISFIED)
    RatingFactory(project=school, level=RatingLevel.DISSATISFIED)
    RatingFactory(project=clinic, level=RatingLevel.SATISFIED)
    lights_refresh()

    return {
        "plan": plan,
        "education": education,
        "health": health,
        "schools": schools,
        "housing": housing,
        "finance": finance,
        "chaoyang": chaoyang,
        "children": children,
        "school": school,
        "clinic": clinic,
        "done": done,
        "hidden": hidden,
        "next_year": next_year,
        "old": old,
        "users": {
            "anonymous": None,
            "school_reporter": reporter("jiaoyu", schools),
            "school_head": head("jiaoyu_head", schools),
            "housing_reporter": reporter("zhujian", housing),
            "housing_head": head("zhujian_head", housing),
            "finance_reporter": reporter("caizheng", finance),
            "coordinator": coordinator(),
            "leader": leader(),
        },
    }


def real_ids(data):
    """An existing object for each address with an id, for requests that get past the 404."""
    school = data["school"]
    submitted = school.reports.get(state="submitted").pk
    return {
        "/api/v1/projects/{id}/": school.pk,
        "/api/v1/satisfaction/{id}/": school.pk,
        "/api/v1/reports/{id}/": school.reports.approved().get().pk,
        "/api/v1/reports/{id}/submit/": school.reports.get(state="draft").pk,
        "/api/v1/reports/{id}/approve/": submitted,
        "/api/v1/reports/{id}/return/": submitted,
        "/api/v1/milestones/{id}/": school.milestones.first().pk,
        "/api/v1/indicators/{id}/": school.indicators.first().pk,
        "/api/v1/comments/{id}/": school.comments.published().first().pk,
        "/api/v1/departments/{id}/": data["housing"].pk,
        "/api/v1/areas/{id}/": data["chaoyang"].pk,
        "/api/v1/categories/{id}/": data["education"].pk,
        "/api/v1/beneficiary-groups/{id}/": data["children"].pk,
        "/api/v1/plans/{year}/": 2024,
        "/api/v1/plans/{year}/statistics/": 2024,
    }
