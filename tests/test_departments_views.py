"""The public department pages: /departments/ and /departments/<id>/."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.choices import DepartmentKind
from projects import department_selectors as selectors
from projects.choices import Light, ProjectStatus
from projects.models import Project
from projects.services import lights_refresh
from tests.factories import (
    CategoryFactory,
    DepartmentFactory,
    PlanFactory,
    ProjectFactory,
)

TODAY = datetime.date(2024, 9, 30)

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client, settings):
    """Read the pages in English, so assertions on wording do not depend on the catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def set_light(project, light, reason="原因说明"):
    """Give a project a stored light that is current for today, so pages keep it as it is."""
    Project.objects.filter(pk=project.pk).update(
        light=light, light_reason=reason, light_as_of=TODAY
    )


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def row_of(html, name):
    """The table row (list page) that names a department, as text without tags."""
    match = re.search(r"<tr>(?:(?!</tr>).)*?" + re.escape(name) + r".*?</tr>", html, re.S)
    assert match, f"no row for {name}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))).strip()


@pytest.fixture
def plan():
    return PlanFactory(year=2024, title="2024年50项民生实事实施方案")


@pytest.fixture
def bureau():
    return DepartmentFactory(
        name="区教育体育局",
        short_name="区教体局",
        kind=DepartmentKind.BUREAU,
        contact_person="王海燕",
        phone="0552-4010102",
        email="jty@example.gov.cn",
    )


@pytest.fixture
def township():
    return DepartmentFactory(name="长青乡人民政府", kind=DepartmentKind.TOWNSHIP)


@pytest.fixture
def community():
    return DepartmentFactory(name="朝阳街道办事处", kind=DepartmentKind.COMMUNITY)


@pytest.fixture
def other():
    return DepartmentFactory(name="区残疾人联合会", kind=DepartmentKind.OTHER)


@pytest.fixture
def portfolio(plan, bureau, township, community, other):
    """The bureau leads five projects (one of each state), the township one, the others help."""
    category = CategoryFactory()
    projects = {}
    for number, (key, light, progress) in enumerate(
        [
            ("green", Light.GREEN, "60"),
            ("yellow", Light.YELLOW, "40"),
            ("red", Light.RED, "10"),
            ("done", Light.COMPLETED, "100"),
            ("green2", Light.GREEN, "70"),
        ],
        start=1,
    ):
        project = ProjectFactory(
            plan=plan,
            number=number,
            title=f"教育项目{key}",
            category=category,
            lead_department=bureau,
            progress_percent=Decimal(progress),
            status=ProjectStatus.COMPLETED
            if light == Light.COMPLETED
            else ProjectStatus.IN_PROGRESS,
            completed_on=datetime.date(2024, 8, 31) if light == Light.COMPLETED else None,
            planned_end=datetime.date(2024, 12, 31),
        )
        set_light(project, light)
        projects[key] = project
    village = ProjectFactory(
        plan=plan,
        number=6,
        title="长青乡污水处理站提标改造",
        category=category,
        lead_department=township,
        progress_percent=Decimal("15"),
        planned_end=datetime.date(2024, 11, 30),
    )
    set_light(village, Light.YELLOW)
    village.cooperating_departments.add(bureau, community)
    projects["green"].cooperating_departments.add(other)
    projects["village"] = village
    return projects


# --------------------------------------------------------------------------------------
# /departments/
# --------------------------------------------------------------------------------------


def test_list_groups_the_departments_by_kind_in_the_official_order(
    client, portfolio, bureau, township, community, other
):
    html = page(client, reverse("departments:list"))

    headings = re.findall(r'<h2 id="kind-(\w+)"', html)
    assert headings == ["bureau", "township", "community", "other"]
    for department in (bureau, township, community, other):
        assert f'href="{reverse("departments:detail", args=[department.pk])}"' in html
    assert html.count("<h1") == 1


def test_list_shows_what_each_department_leads_and_how_it_stands(client, portfolio, bureau):
    html = page(client, reverse("departments:list"))

    # lead, completed, green, yellow, red, average progress, helping on
    assert row_of(html, bureau.name) == f"{bureau.name} 5 1 2 1 1 56% 1"
    assert row_of(html, "长青乡人民政府") == "长青乡人民政府 1 0 0 1 0 15% 0"


def test_a_department_that_only_helps_is_listed_as_leading_nothing(client, english, portfolio):
    html = page(client, reverse("departments:list"))

    assert "朝阳街道办事处 0 0 0 0 0 leads no project 1" in row_of(html, "朝阳街道办事处")


def test_list_figures_come_from_aggregate_queries(plan, portfolio, bureau, township):
    groups = {group.kind: group for group in selectors.departments_by_kind(plan)}

    [department] = groups[DepartmentKind.BUREAU].departments
    assert department == bureau
    figures = department.figures
    assert (
        figures.lead_count,
        figures.completed_count,
        figures.green_count,
        figures.yellow_count,
        figures.red_count,
        figures.cooperating_count,
    ) == (5, 1, 2, 1, 1, 1)
    assert Decimal(str(figures.average_progress)).quantize(Decimal("0.1")) == Decimal("56.0")
    assert groups[DepartmentKind.TOWNSHIP].departments[0].figures.cooperating_count == 0
    assert groups[DepartmentKind.COMMUNITY].departments[0].figures == selectors.Figures(
        cooperating_count=1
    )


def test_list_leaves_out_departments_without_projects_in_the_plan_and_inactive_ones(
    client, plan, portfolio, other
):
    idle = DepartmentFactory(name="区无项目局")
    other.active = False
    other.save()
    older = PlanFactory(year=2023, title="2023年民生实事")
    ProjectFactory(plan=older, number=1, lead_department=DepartmentFactory(name="区旧方案局"))

    html = page(client, reverse("departments:list"))

    assert idle.name not in html
    assert "区残疾人联合会" not in html
    assert "区旧方案局" not in html
    assert 'id="kind-other"' not in html


def test_unpublished_projects_and_plans_count_for_nothing(client, plan, portfolio, bureau):
    hidden = DepartmentFactory(name="区隐藏局")
    ProjectFactory(plan=plan, number=40, lead_department=hidden, published=False)
    draft_plan = PlanFactory(year=2025, title="2025年草案", published=False)
    ProjectFactory(plan=draft_plan, number=1, lead_department=hidden)
    ProjectFactory(plan=plan, number=41, lead_department=bureau, published=False)

    html = page(client, reverse("departments:list"))

    assert "区隐藏局" not in html
    assert "2025年草案" not in html
    assert row_of(html, bureau.name).startswith(f"{bureau.name} 5 ")


def test_list_never_shows_contact_details(client, portfolio, bureau):
    html = page(client, reverse("departments:list"))

    for secret in (bureau.contact_person, bureau.phone, bureau.email):
        assert secret not in html


def test_list_says_so_when_no_plan_is_published(client, english):
    DepartmentFactory(name="区教育体育局")

    html = page(client, reverse("departments:list"))

    assert "No plan has been published yet" in html
    assert "区教育体育局" not in html


def test_an_older_plan_can_be_chosen_by_year(client, plan, portfolio):
    older = PlanFactory(year=2023, title="2023年民生实事")
    ProjectFactory(plan=older, number=1, lead_department=DepartmentFactory(name="区旧方案局"))

    html = page(client, reverse("departments:list") + "?year=2023")

    assert "区旧方案局" in html
    assert "区教育体育局" not in html
    assert 'href="?year=2024"' in html  # the year switcher
    # links keep the chosen plan
    assert re.search(r'href="/departments/\d+/\?year=2023"', html)


@pytest.mark.parametrize("year", ["abc", "1999", "2025", "20244", "２０２４"])
def test_a_year_without_a_published_plan_is_not_found(client, portfolio, year):
    PlanFactory(year=2025, published=False)

    response = client.get(reverse("departments:list"), {"year": year})

    assert response.status_code == 404


# --------------------------------------------------------------------------------------
# /departments/<id>/
# --------------------------------------------------------------------------------------


def test_detail_shows_the_department_and_the_projects_it_leads(client, portfolio, bureau):
    html = page(client, reverse("departments:detail", args=[bureau.pk]))

    assert f"<h1>{bureau.name}</h1>" in html
    assert bureau.get_kind_display() in html
    for key in ("green", "yellow", "red", "done", "green2"):
        project = portfolio[key]
        assert f'href="{reverse("projects:detail", args=[project.pk])}"' in html
        assert project.title in html
    assert 'class="light light--red"' in html
    assert 'class="light light--completed"' in html
    assert 'style="width: 60' in html  # the progress bar
    assert "2024年12月31日" in html
    assert html.count("<h1") == 1


def test_detail_lists_projects_it_helps_on_with_their_lead_department(
    client, portfolio, bureau, township
):
    html = page(client, reverse("departments:detail", args=[bureau.pk]))

    helping = html.split('id="cooperating"', 1)[1]
    assert portfolio["village"].title in helping
    assert f'href="{reverse("departments:detail", args=[township.pk])}"' in helping
    assert "2024年11月30日" in helping


def test_detail_summary_figures(client, portfolio, bureau):
    html = page(client, reverse("departments:detail", args=[bureau.pk]))

    values = re.findall(r'class="stat__value num">([^<]+)<', html)
    # led, completed, green, yellow, red, average, helping on
    assert values == ["5", "1", "2", "1", "1", "56", "1"]


def test_detail_of_a_department_that_leads_nothing(client, english, portfolio, community):
    html = page(client, reverse("departments:detail", args=[community.pk]))

    assert "This department leads no published project in this plan." in html
    assert portfolio["village"].title in html


def test_detail_hides_unpublished_projects_and_other_plans(client, plan, portfolio, bureau):
    ProjectFactory(
        plan=plan, number=30, title="未公开的项目", lead_department=bureau, published=False
    )
    older = PlanFactory(year=2023)
    ProjectFactory(plan=older, number=1, title="去年的项目", lead_department=bureau)
    draft = PlanFactory(year=2025, published=False)
    ProjectFactory(plan=draft, number=1, title="明年的草案项目", lead_department=bureau)

    html = page(client, reverse("departments:detail", args=[bureau.pk]))

    assert "未公开的项目" not in html
    assert "去年的项目" not in html
    assert "明年的草案项目" not in html


def test_detail_never_shows_contact_details(client, portfolio, bureau, township):
    for department in (bureau, township):
        html = page(client, reverse("departments:detail", args=[department.pk]))
        for secret in (bureau.contact_person, bureau.phone, bureau.email):
            assert secret not in html
        for secret in (township.contact_person, township.phone, township.email):
            assert secret not in html


@pytest.mark.parametrize("path", ["/departments/999999/", "/departments/99999999999999999999999/"])
def test_detail_of_an_unknown_department_is_not_found(client, portfolio, path):
    assert client.get(path).status_code == 404


def test_detail_of_an_inactive_department_is_not_found(client, portfolio, bureau):
    bureau.active = False
    bureau.save()

    assert client.get(reverse("departments:detail", args=[bureau.pk])).status_code == 404


def test_detail_with_a_malformed_year_is_not_found(client, portfolio, bureau):
    url = reverse("departments:detail", args=[bureau.pk])

    assert client.get(url, {"year": "x"}).status_code == 404
    assert client.get(url, {"year": "1999"}).status_code == 404


def test_detail_when_no_plan_is_published(client, english, bureau):
    html = page(client, reverse("departments:detail", args=[bureau.pk]))

    assert bureau.name in html
    assert "No plan has been published yet" in html


def test_detail_in_english_explains_lights_in_english(client, plan, bureau):
    project = ProjectFactory(
        plan=plan,
        number=1,
        lead_department=bureau,
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2024, 6, 30),
        progress_percent=Decimal("50"),
    )
    lights_refresh()
    project.refresh_from_db()
    assert project.light == Light.RED

    client.cookies["django_language"] = "en"
    html = page(client, reverse("departments:detail", args=[bureau.pk]))

    assert "Seriously behind" in html
    title = re.search(r'class="light light--red" title="([^"]+)"', html).group(1)
    assert not re.search(r"[\u4e00-\u9fff]", title), title


# --------------------------------------------------------------------------------------
# Query counts: fixed, whatever the number of projects
# --------------------------------------------------------------------------------------


def build_projects(count, plan, lead, helper):
    category = CategoryFactory()
    Project.objects.bulk_create(
        Project(
            plan=plan,
            number=number,
            title=f"批量项目{number}",
            category=category,
            lead_department=lead,
            planned_start=datetime.date(2024, 3, 1),
            planned_end=datetime.date(2024, 12, 31),
            progress_percent=Decimal(number % 100),
            status=ProjectStatus.IN_PROGRESS,
        )
        for number in range(1, count + 1)
    )
    through = Project.cooperating_departments.through
    through.objects.bulk_create(
        through(project_id=pk, department_id=helper.pk)
        for pk in Project.objects.filter(plan=plan).values_list("pk", flat=True)
    )
    lights_refresh()


def count_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "miss"
    return len(queries)


@pytest.mark.parametrize("count", [50, 2000])
def test_query_counts_do_not_grow_with_the_number_of_projects(
    client, settings, plan, bureau, community, count
):
    build_projects(count, plan, bureau, community)

    # Each list of a department's page is a count and a page (no page query when empty).
    assert count_queries(client, reverse("departments:list")) == 5
    assert count_queries(client, reverse("departments:detail", args=[bureau.pk])) == 8
    assert count_queries(client, reverse("departments:detail", args=[community.pk])) == 8
    assert count_queries(client, reverse("departments:detail", args=[bureau.pk]) + "?led=3") == 8
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert count_queries(client, reverse("departments:detail", args=[bureau.pk])) == 10


def test_pages_are_served_from_the_cache_the_second_time(client, portfolio, bureau):
    url = reverse("departments:detail", args=[bureau.pk])
    first = client.get(url)

    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert len(queries) == 0


# --- long lists are paged ---------------------------------------------------------------------


def numbers_listed(html, section):
    """The project numbers in the table of a section (``led`` or ``cooperating``)."""
    part = html.split(f'<h2 id="{section}">', 1)[1].split("</section>", 1)[0]
    return [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', part)]


def test_a_long_list_of_led_projects_is_paged(client, plan, bureau, community, english):
    build_projects(120, plan, bureau, community)
    url = reverse("departments:detail", args=[bureau.pk])

    first = page(client, url)
    third = page(client, f"{url}?led=3")

    assert numbers_listed(first, "led") == list(range(1, 51))
    assert numbers_listed(third, "led") == list(range(101, 121))
    assert 'aria-label="Pages of the projects it leads"' in first
    assert 'href="?led=2#led" rel="next"' in first
    assert 'href="?led=2#led" rel="prev"' in third
    # The figures still count every project, not the page's.
    assert re.search(r"Projects led</span><span[^>]*>120<", first)


@pytest.mark.parametrize("asked, shown", [("99", 101), ("abc", 1), ("-1", 101), ("", 1)])
def test_an_odd_page_number_shows_a_page_that_exists(client, plan, bureau, community, asked, shown):
    build_projects(120, plan, bureau, community)

    html = page(client, reverse("departments:detail", args=[bureau.pk]) + f"?led={asked}")

    assert numbers_listed(html, "led")[0] == shown


def test_the_two_lists_are_paged_apart(client, plan, bureau, community, english):
    build_projects(120, plan, bureau, community)
    helper_url = reverse("departments:detail", args=[community.pk])
    html = page(client, f"{helper_url}?helping=2&year=2024")

    assert numbers_listed(html, "cooperating") == list(range(51, 101))
    assert numbers_listed(html, "led") == []
    assert 'aria-label="Pages of the projects it helps deliver"' in html
    # A link to another page keeps the other parameters.
    assert 'href="?helping=3&amp;year=2024#cooperating" rel="next"' in html


def test_a_short_list_has_no_page_links(client, portfolio, bureau):
    html = page(client, reverse("departments:detail", args=[bureau.pk]))

    assert numbers_listed(html, "led") == [1, 2, 3, 4, 5]
    assert 'class="pagination"' not in html
