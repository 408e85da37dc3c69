"""The project changelist runs the same, pinned number of SQL queries with 50 and 2,000 rows.

Rows are created with ``bulk_create`` and their stored light is already current for the
as-of date (``light_as_of``), so the lazy light refresh of the list does not run: what is
counted is the list itself. Every query is counted: session, user, permissions, the role and
department look-ups, the light freshness check, the two counts of the paginator, the page of
rows and the choices of each filter in the sidebar.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Area
from projects.choices import Light, ProjectStatus
from projects.models import Project
from tests.factories import (
    AreaFactory,
    BeneficiaryGroupFactory,
    CategoryFactory,
    DepartmentFactory,
    PlanFactory,
    coordinator,
    reporter,
)

AS_OF = datetime.date(2024, 9, 30)  # tests/conftest.py pins MINSHENG_AS_OF_DATE to it
LIGHTS = [Light.GREEN, Light.YELLOW, Light.RED, Light.COMPLETED, Light.NOT_STARTED]

# The pinned counts. A change here is a change in what the list costs: look at the queries
# (pytest -vv prints them on failure) before moving the number.
EXPECTED_QUERIES = {"coordinator": 14, "reporter": 15}


@pytest.fixture
def catalogue(db):
    plan = PlanFactory(year=2024)
    return {
        "plan": plan,
        "categories": [CategoryFactory(code=f"c{i}", name=f"领域{i}") for i in range(6)],
        "departments": [DepartmentFactory(name=f"区第{i}局") for i in range(8)],
        "areas": [AreaFactory(name=f"社区{i}") for i in range(12)],
        "groups": [BeneficiaryGroupFactory(name=f"群体{i}") for i in range(5)],
    }


def add_projects(catalogue, count: int) -> None:
    """Add ``count`` projects, spread over categories, departments, areas and lights."""
    start = Project.objects.count()
    departments, categories = catalogue["departments"], catalogue["categories"]
    projects = Project.objects.bulk_create(
        Project(
            plan=catalogue["plan"],
            number=start + i + 1,
            title=f"批量项目{start + i + 1}",
            category=categories[i % len(categories)],
            lead_department=departments[i % len(departments)],
            planned_start=datetime.date(2024, 3, 1),
            planned_end=datetime.date(2024, 12, 31),
            planned_investment=Decimal("100"),
            progress_percent=Decimal(i % 100),
            status=ProjectStatus.IN_PROGRESS,
            light=LIGHTS[i % len(LIGHTS)],
            light_reason="批量数据",
            expected_progress=Decimal("50"),
            light_as_of=AS_OF,
        )
        for i in range(start, start + count)
    )
    areas: list[Area] = catalogue["areas"]
    Project.areas.through.objects.bulk_create(
        Project.areas.through(project_id=project.pk, area_id=areas[i % len(areas)].pk)
        for i, project in enumerate(projects)
    )
    Project.cooperating_departments.through.objects.bulk_create(
        Project.cooperating_departments.through(
            project_id=project.pk, department_id=departments[(i + 1) % len(departments)].pk
        )
        for i, project in enumerate(projects)
        if i % 3 == 0
    )


def count_changelist_queries(client: Client) -> tuple[int, list[str], int]:
    url = reverse("admin:projects_project_changelist")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    shown = len(response.context["cl"].result_list)
    return len(captured), [q["sql"] for q in captured.captured_queries], shown


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "reporter"])
def test_project_changelist_queries_do_not_grow_with_the_rows(catalogue, who):
    # given: 50 projects, and a user who sees all of them or their department's share
    add_projects(catalogue, 50)
    if who == "coordinator":
        user = coordinator()
    else:
        user = reporter("batch_reporter", catalogue["departments"][0])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    client.get(reverse("admin:projects_project_changelist"))  # warm process-wide caches

    # when: the list is opened with 50 and then with 2,000 projects
    small, small_sql, small_shown = count_changelist_queries(client)
    add_projects(catalogue, 1950)
    large, large_sql, large_shown = count_changelist_queries(client)

    # then: the same number of queries, the pinned one, and a full page at 2,000
    assert Project.objects.count() == 2000
    assert large_shown == 50
    assert small_shown == (50 if who == "coordinator" else 9)
    assert small == large, "\n".join(large_sql)
    assert large == EXPECTED_QUERIES[who], "\n".join(large_sql)
    # no light was recomputed while the list was shown
    assert not any("UPDATE" in sql for sql in small_sql + large_sql)
