"""The admin's project list: its filters, its search and the light, as the office and a reporter use them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from projects import services
from projects.choices import ProjectStatus
from tests.factories import (
    AreaFactory,
    CategoryFactory,
    DepartmentFactory,
    PlanFactory,
    ProjectFactory,
    coordinator,
    reporter,
)
from tests.support.admin_forms import (
    changelist_url,
    english_client,
)

# --- the project list: filters, search, the light ----------------------------------------


@pytest.fixture
def listed(db):
    """Projects that differ in every filtered attribute, lights current as of 2024-09-30."""
    plan_2024 = PlanFactory(year=2024)
    plan_2023 = PlanFactory(year=2023, title="2023年民生实事实施方案")
    education = CategoryFactory(name="教育公平与质量提升", code="edu")
    health = CategoryFactory(name="医疗健康保障", code="health")
    education_bureau = DepartmentFactory(name="区教育体育局")
    health_commission = DepartmentFactory(name="区卫生健康委员会")
    chaoyang = AreaFactory(name="朝阳社区")
    xiushui = AreaFactory(name="秀水社区")
    school = ProjectFactory(
        plan=plan_2024,
        title="朝阳路小学扩建",
        category=education,
        lead_department=education_bureau,
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2024, 6, 30),
        status=ProjectStatus.IN_PROGRESS,
    )
    school.areas.add(chaoyang)
    clinic = ProjectFactory(
        plan=plan_2024,
        title="秀水社区卫生服务站",
        category=health,
        lead_department=health_commission,
        status=ProjectStatus.COMPLETED,
        completed_on=datetime.date(2024, 8, 1),
        progress_percent=Decimal("100"),
    )
    clinic.areas.add(xiushui)
    canteen = ProjectFactory(
        plan=plan_2023,
        title="老年助餐点建设",
        category=education,
        lead_department=health_commission,
        status=ProjectStatus.NOT_STARTED,
    )
    services.lights_refresh()
    return {
        "plan_2024": plan_2024,
        "plan_2023": plan_2023,
        "education": education,
        "health": health,
        "education_bureau": education_bureau,
        "health_commission": health_commission,
        "chaoyang": chaoyang,
        "xiushui": xiushui,
        "school": school,
        "clinic": clinic,
        "canteen": canteen,
    }


def _listed_titles(client, query: str) -> set[str]:
    response = client.get(changelist_url("project") + query)
    assert response.status_code == 200
    return {project.title for project in response.context["cl"].result_list}


def _office_client() -> Client:
    client = english_client()
    client.force_login(coordinator("office"))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"school", "clinic", "canteen"}),
        ("?plan__id__exact={plan_2023}", {"canteen"}),
        ("?category__id__exact={health}", {"clinic"}),
        ("?lead_department__id__exact={health_commission}", {"clinic", "canteen"}),
        ("?areas__id__exact={chaoyang}", {"school"}),
        ("?status__exact=completed", {"clinic"}),
        ("?light=red", {"school"}),
        ("?light=not_started", {"canteen"}),
        ("?q=卫生服务", {"clinic"}),
        ("?q=助餐&plan__id__exact={plan_2024}", set()),
    ],
)
def test_project_list_filters_and_search(listed, query, expected):
    ids = {key: value.pk for key, value in listed.items()}
    titles = _listed_titles(_office_client(), query.format(**ids))
    assert titles == {listed[key].title for key in expected}


@pytest.mark.django_db
def test_project_list_offers_each_filter(listed):
    response = _office_client().get(changelist_url("project"))
    with translation.override("en"):
        titles = {str(spec.title) for spec in response.context["cl"].filter_specs}
    assert {"plan", "category", "lead department", "areas covered", "status", "light"} <= titles


@pytest.mark.django_db
def test_project_list_shows_the_light_as_icon_and_word(listed):
    page = _office_client().get(changelist_url("project")).content.decode()

    assert '<span class="ms-light ms-light--red" title="' in page
    assert "■ Seriously behind</span>" in page
    assert "✔ Completed</span>" in page
    assert "○ Not started</span>" in page


@pytest.mark.django_db
def test_project_list_shows_the_light_in_chinese_by_default(listed):
    client = Client()
    client.force_login(coordinator("office"))

    page = client.get(changelist_url("project")).content.decode()

    assert "■ 严重滞后</span>" in page
    assert "✔ 已完成</span>" in page


@pytest.mark.django_db
def test_department_filters_never_widen_what_a_reporter_sees(listed):
    client = english_client()
    client.force_login(reporter("edu_reporter", listed["education_bureau"]))

    mine = _listed_titles(client, "")
    theirs = _listed_titles(client, f"?lead_department__id__exact={listed['health_commission'].pk}")
    searched = _listed_titles(client, "?q=卫生服务")

    assert mine == {"朝阳路小学扩建"}
    assert theirs == set()
    assert searched == set()
