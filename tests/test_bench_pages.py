"""The page benchmark's yardsticks: the bare view, each page's SQL alone and template alone.

``bench/run_pages.py`` compares the public pages with these views; here they must do what
they claim: the SQL view runs exactly the page's statements, the template view renders the
page's HTML without a query, and the ceiling computed from them is right.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import run_pages, urls
from tests.factories import MilestoneFactory, PlanFactory, ProjectFactory

pytestmark = [
    pytest.mark.urls("bench.urls"),
    pytest.mark.django_db,
]
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
MAIN = re.compile(rb"<main.*</main>", re.DOTALL)


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # As the benchmark's uncached server: every page request runs its view.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.MINSHENG_AS_OF_DATE = "2024-09-30"
    urls._statements.clear()
    urls._templates.clear()
    yield
    urls._statements.clear()
    urls._templates.clear()


@pytest.fixture
def project():
    plan = PlanFactory(year=2024)
    project = ProjectFactory(
        plan=plan,
        number=1,
        title="城市书房建设",
        planned_start=datetime.date(2024, 3, 1),
        planned_end=datetime.date(2024, 12, 31),
        progress_percent=Decimal("40"),
    )
    ProjectFactory(plan=plan, number=2, title="老旧小区改造")
    MilestoneFactory(project=project, planned_date=datetime.date(2024, 6, 30))
    return project


def page_paths(project):
    return ["/projects/", f"/projects/{project.pk}/"]


def test_the_bare_view_runs_no_query(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/bench/bare/")

    assert response.content == b"ok"
    assert len(queries) == 0


@pytest.mark.parametrize("index", [0, 1])
def test_the_sql_view_runs_exactly_the_page_s_statements(client, project, index):
    page = page_paths(project)[index]
    client.get(page)  # the first request of the day brings the lights up to date
    with CaptureQueriesContext(connection) as on_the_page:
        assert client.get(page).status_code == 200
    client.get(f"/bench/sql/?path={page}")  # the first request captures

    with CaptureQueriesContext(connection) as replayed:
        response = client.get(f"/bench/sql/?path={page}")

    statements = [query["sql"] for query in on_the_page.captured_queries]
    assert response.content.decode() == f"ok: {len(statements)} statements"
    assert [query["sql"] for query in replayed.captured_queries] == statements
    assert len(statements) > 3


@pytest.mark.parametrize("index", [0, 1])
def test_the_template_view_renders_the_page_without_a_query(client, project, index):
    page = page_paths(project)[index]
    client.get(page)
    expected = client.get(page).content
    client.get(f"/bench/template/?path={page}")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/bench/template/?path={page}")

    assert len(queries) == 0

    # The same content, but for the form's CSRF token (each response has its own); the
    # header's links back from the language switch name the address asked for.
    def main(content):
        return CSRF.sub(b"", MAIN.search(content).group())

    assert main(response.content) == main(expected)
    assert project.title in response.content.decode()


@pytest.mark.parametrize("view", ["sql", "template"])
@pytest.mark.parametrize("path", ["", "/admin/", "https://example.com/projects/"])
def test_only_public_project_pages_can_be_measured(client, view, path):
    assert client.get(f"/bench/{view}/", {"path": path}).status_code == 400


def test_a_page_served_from_the_cache_cannot_be_measured(client, project, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    client.get("/projects/", HTTP_HOST="127.0.0.1")  # now cached, as the view will ask for it

    with pytest.raises(ValueError, match="BENCH_CACHE=off"):
        client.get("/bench/sql/?path=/projects/")


def result(label, rate, server="uncached"):
    return run_pages.Result(server, f"/{label}/", label, int(rate * 10), 10.0, 0, {})


def test_the_ceiling_adds_up_the_costs_of_the_parts():
    # Bare: 1 unit a request. SQL alone 4 units (ratio 0.25), template alone 2 (0.5): a page
    # doing both costs at least 1 + 3 + 1 = 5 units, a ratio of 0.2.
    results = [result("bare", 1000), result("sql-list", 250), result("template-list", 500)]

    assert run_pages.ceiling(results, "list") == pytest.approx(0.2)
    assert run_pages.ceiling(results, "detail") is None  # not measured


def test_the_report_says_when_the_parts_alone_rule_out_the_target():
    results = [
        result("bare", 1000, "cached"),
        result("list", 900, "cached"),
        result("bare", 1000),
        result("list", 60),
        result("sql-list", 230),
        result("template-list", 190),
    ]
    meta = dict.fromkeys(
        [
            "date",
            "machine",
            "workers",
            "postgres",
            "projects",
            "concurrency",
            "load_before",
            "load",
        ],
        "-",
    ) | {"seconds": 1, "warmup": 1}

    report, passed = run_pages.table(results, meta)

    assert not passed  # the uncached list misses 0.25
    assert "together leave at most 0.12 of the bare view" in report
    assert "below the uncached target of 0.25" in report
    assert "| /sql-list/" in report and "info" in report
