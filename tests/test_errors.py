"""The 404 and 500 pages: in the site's design, friendly, and never failing themselves."""

import pytest
from django.db import connection
from django.template import loader
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from minsheng import views as site_views
from tests.factories import DepartmentFactory, PlanFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def explode(request):
    raise RuntimeError("something broke")


def broken_context_processor(request):
    raise RuntimeError("a context processor failed")


# This module doubles as a URLconf: the site's URLs plus one view that always fails.
urlpatterns = [
    path("boom/", explode),
    path("", include("minsheng.urls")),
]
handler404 = "minsheng.views.page_not_found"
handler500 = "minsheng.views.server_error"


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def failing_client(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    return client


@pytest.fixture
def published_project():
    return ProjectFactory(plan=PlanFactory(year=2024), number=1)


# --------------------------------------------------------------------------------------
# 404
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/no-such-page/",
        "/projects/999999/",
        "/projects/abc/",
        "/departments/abc/",
        "/departments/999999/",
        "/departments/99999999999999999999999/",
        "/feeds/projects/999999/",
    ],
)
def test_unknown_addresses_get_the_designed_404_page(client, english, published_project, url):
    response = client.get(url)

    assert response.status_code == 404
    html = response.content.decode()
    assert "404.html" in [template.name for template in response.templates]
    assert "Sorry, this page cannot be found" in html
    assert 'class="masthead"' in html  # the site's frame
    assert 'href="/static/minsheng/site.css"' in html
    assert 'href="/"' in html
    assert 'href="/projects/"' in html
    assert html.count("<h1") == 1


def test_404_page_speaks_chinese_by_default(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert '<html lang="zh-CN">' in response.content.decode()


def test_404_page_is_not_cached_for_a_page_that_later_exists(client, published_project):
    department = DepartmentFactory(name="区新成立局", active=False)
    url = f"/departments/{department.pk}/"
    assert client.get(url).status_code == 404

    department.active = True
    department.save()

    assert client.get(url).status_code == 200


def test_unpublished_project_is_not_found(client):
    project = ProjectFactory(plan=PlanFactory(year=2024), number=1, published=False)

    assert client.get(f"/projects/{project.pk}/").status_code == 404


# --------------------------------------------------------------------------------------
# 500
# --------------------------------------------------------------------------------------


def test_a_failing_view_gets_the_designed_500_page(failing_client, english):
    response = failing_client.get("/boom/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, something went wrong on our side" in html
    assert 'class="masthead"' in html
    assert '<link rel="stylesheet" href="/static/minsheng/site.css">' in html
    assert 'href="/"' in html
    assert 'href="/projects/"' in html
    assert "0552-4957006" in html  # the footer's enquiries line
    assert "RuntimeError" not in html and "something broke" not in html


def test_500_page_speaks_chinese_by_default(failing_client):
    response = failing_client.get("/boom/")

    assert response.status_code == 500
    assert '<html lang="zh-CN">' in response.content.decode()


def test_500_page_keeps_the_elder_friendly_mode(failing_client):
    failing_client.cookies[site_views.CARE_COOKIE] = "1"

    response = failing_client.get("/boom/")

    assert '<body class="care">' in response.content.decode()


def test_500_page_needs_neither_the_database_nor_context_processors(settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [
                    *settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
                    "tests.test_errors.broken_context_processor",
                ],
            },
        }
    ]
    request = RequestFactory().get("/boom/")

    with CaptureQueriesContext(connection) as queries:
        response = site_views.server_error(request)

    assert response.status_code == 500
    assert "masthead" in response.content.decode()
    assert len(queries) == 0


def test_500_page_falls_back_to_plain_text_when_its_template_fails(monkeypatch):
    def broken(name, *args, **kwargs):
        raise RuntimeError("template storage unavailable")

    monkeypatch.setattr(loader, "get_template", broken)

    response = site_views.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Server error (500)" in response.content.decode()


def test_500_template_renders_with_an_empty_context():
    """Django's own handler gives the template no context at all: it must still look right."""
    html = loader.get_template("500.html").render({})

    assert "禹会区民生实事公开平台" in html
    assert 'href="/static/minsheng/site.css"' in html
