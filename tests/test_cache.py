"""The anonymous page cache, its invalidation, and the 关怀版 / language switches."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minsheng import cache as page_cache
from minsheng.views import CARE_COOKIE
from projects.models import Milestone, Project
from projects.services import lights_refresh
from tests.factories import (
    DepartmentFactory,
    MilestoneFactory,
    PlanFactory,
    ProjectFactory,
    coordinator,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def department():
    return DepartmentFactory(name="区住房和城乡建设局")


@pytest.fixture
def project(department):
    project = ProjectFactory(
        plan=PlanFactory(year=2024),
        number=1,
        title="改造老旧小区12个",
        lead_department=department,
        planned_start=datetime.date(2024, 3, 1),
        planned_end=datetime.date(2024, 12, 31),
        progress_percent=Decimal("60"),
    )
    lights_refresh()
    return project


@pytest.fixture
def url(department):
    return reverse("departments:detail", args=[department.pk])


def cache_state(client, path, **extra):
    response = client.get(path, **extra)
    assert response.status_code == 200
    return response.get("X-Page-Cache")


# --------------------------------------------------------------------------------------
# What is cached, for whom
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["projects:home", "projects:list", "departments:list", "projects:accessibility"]
)
def test_anonymous_pages_are_cached(client, project, name):
    first = client.get(reverse(name))
    second = client.get(reverse(name))

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content


def test_project_page_is_cached(client, project):
    path = reverse("projects:detail", args=[project.pk])

    assert [cache_state(client, path) for _ in range(2)] == ["miss", "hit"]


def test_a_cache_hit_runs_no_query(client, project, url):
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response["X-Page-Cache"] == "hit"
    assert len(queries) == 0


def test_staff_bypass_the_cache_and_do_not_fill_it(client, project, url):
    client.force_login(coordinator())

    first = client.get(url)
    second = client.get(url)
    client.logout()

    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert cache_state(client, url) == "miss"


def test_a_visitor_with_a_stale_session_cookie_still_gets_cached_pages(
    client, settings, project, url
):
    client.cookies[settings.SESSION_COOKIE_NAME] = "expired-or-forged"

    assert [cache_state(client, url) for _ in range(2)] == ["miss", "hit"]


def test_a_signed_out_staff_member_gets_cached_pages_again(client, project, url):
    client.force_login(coordinator())
    assert "X-Page-Cache" not in client.get(url)

    client.logout()

    assert [cache_state(client, url) for _ in range(2)] == ["miss", "hit"]


def test_query_strings_are_cached_separately(client, project):
    path = reverse("projects:list")

    assert cache_state(client, path) == "miss"
    assert cache_state(client, path, data={"page": "1"}) == "miss"
    assert cache_state(client, path, data={"page": "1"}) == "hit"


def test_the_cache_key_varies_with_the_language_cookie(client, settings, project, url):
    chinese = client.get(url)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    english = client.get(url)
    again = client.get(url)

    assert (chinese["X-Page-Cache"], english["X-Page-Cache"], again["X-Page-Cache"]) == (
        "miss",
        "miss",
        "hit",
    )
    assert '<html lang="zh-CN">' in chinese.content.decode()
    assert '<html lang="en">' in english.content.decode()


def test_the_cache_key_varies_with_the_elder_friendly_cookie(client, project, url):
    standard = client.get(url)
    client.cookies[CARE_COOKIE] = "1"

    care = client.get(url)
    again = client.get(url)

    assert (standard["X-Page-Cache"], care["X-Page-Cache"], again["X-Page-Cache"]) == (
        "miss",
        "miss",
        "hit",
    )
    assert '<body class="care">' in care.content.decode()
    assert '<body class="">' in standard.content.decode()


def test_error_pages_are_not_cached(client, department):
    department.active = False
    department.save()
    path = reverse("departments:detail", args=[department.pk])

    assert client.get(path).status_code == 404
    assert "X-Page-Cache" not in client.get(path)


def test_a_new_day_is_a_new_page(client, settings, project, url):
    assert cache_state(client, url) == "miss"

    settings.MINSHENG_AS_OF_DATE = "2024-10-01"

    assert cache_state(client, url) == "miss"


# --------------------------------------------------------------------------------------
# Invalidation
# --------------------------------------------------------------------------------------


def test_a_saved_project_shows_at_once(client, project, url, django_capture_on_commit_callbacks):
    assert cache_state(client, url) == "miss"
    assert cache_state(client, url) == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        project.title = "改造老旧小区15个"
        project.save()

    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "改造老旧小区15个" in response.content.decode()


def test_nothing_is_dropped_before_the_commit(
    client, project, url, django_capture_on_commit_callbacks
):
    client.get(url)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        project.title = "尚未提交的标题"
        project.save()

    assert callbacks  # the invalidation waits for the commit
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert "尚未提交的标题" not in response.content.decode()


def test_a_many_to_many_change_shows_at_once(client, project, django_capture_on_commit_callbacks):
    helper = DepartmentFactory(name="区城市管理局")
    path = reverse("departments:detail", args=[helper.pk])
    assert project.title not in client.get(path).content.decode()
    assert cache_state(client, path) == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        project.cooperating_departments.add(helper)

    response = client.get(path)
    assert response["X-Page-Cache"] == "miss"
    assert project.title in response.content.decode()


def test_a_deleted_project_disappears_at_once(
    client, project, url, django_capture_on_commit_callbacks
):
    client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        project.delete()

    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert project.title not in response.content.decode()


def test_a_lights_refresh_invalidates(client, project, url, django_capture_on_commit_callbacks):
    assert 'class="light light--red"' not in client.get(url).content.decode()
    # Data changed behind the signals' back (a plain UPDATE): only the refresh notices.
    Project.objects.filter(pk=project.pk).update(progress_percent=Decimal("5"))
    assert cache_state(client, url) == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        changed = lights_refresh()

    assert changed == 1
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert 'class="light light--red"' in response.content.decode()


def test_a_milestone_change_invalidates(client, project, url, django_capture_on_commit_callbacks):
    client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        MilestoneFactory(project=project, planned_date=datetime.date(2024, 10, 31))

    assert cache_state(client, url) == "miss"
    assert Milestone.objects.count() == 1


def test_a_lost_generation_key_does_not_bring_back_stale_pages(client, project, url):
    """Evicted or restarted: the generation must not start again where old pages live."""
    client.get(url)
    cache.delete(page_cache.GENERATION_KEY)

    assert cache_state(client, url) == "miss"


def test_a_hit_reads_the_generation_and_the_page_in_one_round_trip(client, project, url):
    client.get(url)  # stored

    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        response = client.get(url)

    # One get_many (an MGET on Redis) with the generation and the page, nothing else.
    assert response["X-Page-Cache"] == "hit"
    get_many.assert_called_once()
    assert get_many.call_args.args[0][0] == page_cache.GENERATION_KEY
    assert len(get_many.call_args.args[0]) == 2


def test_pages_that_used_the_csrf_token_are_not_shared():
    calls = []

    @page_cache.public_page
    def form_page(request):
        calls.append(1)
        return HttpResponse(f"<form>{get_token(request)}</form>")

    def anonymous_get():
        request = RequestFactory().get("/form/")
        request.user = AnonymousUser()
        return form_page(request)

    first, second = anonymous_get(), anonymous_get()

    assert len(calls) == 2
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert first.content != second.content


# --------------------------------------------------------------------------------------
# A broken cache never takes the pages down
# --------------------------------------------------------------------------------------


class BrokenCache(BaseCache):
    """A cache whose server is unreachable: every call fails."""

    def __init__(self, location, params):
        super().__init__(params)

    def _fail(self, *args, **kwargs):
        raise ConnectionError("cache server unreachable")

    get = set = add = incr = decr = delete = get_many = set_many = has_key = clear = _fail
    touch = delete_many = _fail


@pytest.fixture
def broken_cache():
    # override_settings rather than the settings fixture: the working cache must be back
    # before conftest's autouse fixture clears it.
    with override_settings(CACHES={"default": {"BACKEND": "tests.test_cache.BrokenCache"}}):
        yield


@pytest.mark.parametrize(
    "name", ["projects:home", "projects:list", "departments:list", "departments:detail"]
)
def test_pages_are_served_when_the_cache_is_down(client, project, department, broken_cache, name):
    path = reverse(name, args=[department.pk]) if name == "departments:detail" else reverse(name)

    responses = [client.get(path) for _ in range(2)]

    assert [response.status_code for response in responses] == [200, 200]
    assert all(response.get("X-Page-Cache") != "hit" for response in responses)


def test_project_page_is_served_when_the_cache_is_down(client, project, broken_cache):
    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 200


def test_writes_succeed_when_the_cache_is_down(
    project, broken_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project.title = "缓存故障时也能保存"
        project.save()

    project.refresh_from_db()
    assert project.title == "缓存故障时也能保存"


# --------------------------------------------------------------------------------------
# The 关怀版 and language switches
# --------------------------------------------------------------------------------------


def test_care_mode_on_sets_the_cookie_and_goes_back(client, project, url):
    response = client.get(reverse("care-mode", args=["on"]), {"next": url})

    assert response.status_code == 302
    assert response["Location"] == url
    assert response.cookies[CARE_COOKIE].value == "1"
    assert response.cookies[CARE_COOKIE]["max-age"] >= 30 * 24 * 3600
    page = client.get(url).content.decode()
    assert '<body class="care">' in page
    assert f'href="/care/off/?next={url}"' in page  # the way back to the standard version


def test_care_mode_off_removes_the_cookie(client, project, url):
    client.get(reverse("care-mode", args=["on"]), {"next": url})

    response = client.get(reverse("care-mode", args=["off"]), {"next": url})

    assert response["Location"] == url
    assert response.cookies[CARE_COOKIE].value == ""
    assert '<body class="">' in client.get(url).content.decode()


def test_language_switch_sets_the_cookie_and_goes_back(client, settings, project, url):
    response = client.get(reverse("switch-language", args=["en"]), {"next": url})

    assert response.status_code == 302
    assert response["Location"] == url
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get(url).content.decode()

    client.get(reverse("switch-language", args=["zh-hans"]), {"next": url})
    assert '<html lang="zh-CN">' in client.get(url).content.decode()


def test_an_unknown_language_sets_no_cookie(client, settings):
    response = client.get(reverse("switch-language", args=["xx"]), {"next": "/projects/"})

    assert response["Location"] == "/projects/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize("name,arg", [("care-mode", "on"), ("switch-language", "en")])
@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/",
        "http://evil.example/projects/",
        "///evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "",
    ],
)
def test_switches_refuse_to_send_visitors_off_site(client, name, arg, target):
    response = client.get(reverse(name, args=[arg]), {"next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("name,arg", [("care-mode", "on"), ("switch-language", "en")])
def test_switches_without_next_go_home(client, name, arg):
    response = client.get(reverse(name, args=[arg]))

    assert response["Location"] == "/"


@pytest.mark.parametrize("name,arg", [("care-mode", "on"), ("switch-language", "en")])
def test_switches_keep_the_query_string_of_next(client, name, arg):
    response = client.get(reverse(name, args=[arg]), {"next": "/projects/?category=edu&page=2"})

    assert response["Location"] == "/projects/?category=edu&page=2"


@pytest.mark.parametrize("name,arg", [("care-mode", "on"), ("switch-language", "en")])
def test_switches_do_not_answer_posts(client, name, arg):
    assert client.post(reverse(name, args=[arg])).status_code == 405


def test_pages_link_to_the_switches_with_the_current_address(client, project, url):
    html = client.get(url + "?year=2024").content.decode()

    assert f'href="/care/on/?next={url}%3Fyear%3D2024"' in html
    assert f'href="/lang/en/?next={url}%3Fyear%3D2024"' in html
