"""Browser tests: Debian's Chromium, driven by Playwright, against a live server with the demo data.

Chromium is Debian's (``/usr/bin/chromium``, or the file named by ``MINSHENG_CHROMIUM``);
Playwright's own browser download is never used. Without that file the tests are skipped with
a message, unless ``MINSHENG_REQUIRE_BROWSER=1`` (``.ci/run`` sets it): then they fail.

The demo plan is loaded once for the whole package, because loading it takes seconds, and one
server (pytest-django's ``LiveServer``) serves it to every test. The ``live_server`` fixture
itself is not used: it makes each test that asks for it transactional, and a transactional test
empties the database when it ends, so the demo would have to be loaded again for every test.
The tests only read. They are marked ``django_db`` here, so that the test database exists even
when they run alone; the package's teardown empties the database and puts back what it held.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

from tests.e2e.support import (
    browser_unavailable,
    chromium_executable,
    is_same_origin,
    origin,
    screenshot,
)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AS_OF_DATE = datetime.date(2024, 9, 30)
DEMO_PASSWORD = "e2e-Demo-2024"
# Generous for a loaded CI machine; a page of this site renders in well under a second.
TIMEOUT_MS = 15_000
HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # Before pytest-django orders the tests by their use of the database.
    for item in items:
        if str(item.path).startswith(HERE + os.sep):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db)
            # On several cores (``make test``: ``-n auto --dist loadgroup``) the browser tests
            # go to one worker together, which loads the demo plan once for all of them.
            item.add_marker(pytest.mark.xdist_group("browser"))


_reports_key = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Kept on the test so that ``browsing`` can take a screenshot of a failed test's pages.
    report = yield
    item.stash.setdefault(_reports_key, {})[report.when] = report
    return report


@pytest.fixture(scope="package", autouse=True)
def _async_unsafe_allowed() -> Iterator[None]:
    # Playwright's sync API runs an event loop in this thread; Django refuses database access
    # from a thread with a running loop unless told that it is safe, which it is here: the
    # loop only waits for the browser. Only for these tests, not for the rest of the suite.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@dataclass(frozen=True)
class MilestoneFact:
    title: str
    state: str  # "done", "overdue" or "upcoming" on AS_OF_DATE
    days_overdue: int


@dataclass(frozen=True)
class DemoSite:
    """The live server holding the demo plan, and what the tests expect to find on it.

    The facts are read from the database once, before any page is opened, so that no test
    queries the database while the server is answering the browser (on SQLite they share one
    in-memory database).
    """

    url: str
    plan_title: str
    plan_year: int
    project_count: int
    # A category with a seriously late project: the resident's path through the site.
    category_pk: int
    category_name: str
    category_count: int
    late_project_pk: int
    late_project_title: str
    late_project_reason: str
    late_project_milestones: tuple[MilestoneFact, ...]
    department_pk: int
    # A project whose lead department has a demo account to answer residents' comments.
    reply_project_pk: int
    reply_project_title: str
    reply_department_name: str
    reply_username: str


def _facts() -> dict:
    from projects.choices import Light
    from projects.models import Plan, Project

    plan = Plan.objects.published().order_by("-year").first()  # the one the home page shows
    published = Project.objects.published().filter(plan=plan)
    late = published.filter(light=Light.RED).select_related("category").order_by("number").first()
    assert late is not None, "the demo plan has no seriously late project any more"
    milestones = tuple(
        MilestoneFact(
            title=milestone.title,
            state="done"
            if milestone.completed_on
            else "overdue"
            if milestone.planned_date < AS_OF_DATE
            else "upcoming",
            days_overdue=milestone.days_overdue(AS_OF_DATE),
        )
        for milestone in late.milestones.order_by("planned_date", "pk")
    )
    replier = "zhujian"
    answered = (
        published.filter(lead_department__memberships__user__username=replier)
        .select_related("lead_department")
        .order_by("number")
        .first()
    )
    assert answered is not None, f"the demo account {replier} leads no project any more"
    return {
        "reply_project_pk": answered.pk,
        "reply_project_title": answered.title,
        "reply_department_name": answered.lead_department.name,
        "reply_username": replier,
        "plan_title": plan.title,
        "plan_year": plan.year,
        "project_count": published.count(),
        "category_pk": late.category.pk,
        "category_name": late.category.name,
        "category_count": published.filter(category=late.category).count(),
        "late_project_pk": late.pk,
        "late_project_title": late.title,
        "late_project_reason": late.light_reason,
        "late_project_milestones": milestones,
        "department_pk": late.lead_department_id,
    }


@pytest.fixture(scope="package")
def demo_site(django_db_setup, django_db_blocker, _async_unsafe_allowed) -> Iterator[DemoSite]:
    # The date and fast hashing hold for the whole package (tests/conftest.py sets them per
    # test); the server's threads read the same settings.
    with (
        django_db_blocker.unblock(),
        override_settings(
            MINSHENG_AS_OF_DATE=AS_OF_DATE.isoformat(),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        found = connection.creation.serialize_db_to_string()
        call_command("loaddemo", password=DEMO_PASSWORD, stdout=StringIO())
        facts = _facts()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield DemoSite(url=server.url, **facts)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(found)
            _reset_sequences()


def _reset_sequences() -> None:
    """Restored rows keep their ids; PostgreSQL's sequences must move past them again."""
    from django.apps import apps
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(
        no_style(), apps.get_models(include_auto_created=True)
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.fixture(scope="package")
def chromium() -> str:
    """The Chromium binary; a skip (or a failure, when required) if there is none."""
    executable = chromium_executable()
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        browser_unavailable(f"No Chromium at {executable}")
    return executable


@pytest.fixture(scope="package")
def browser(chromium, demo_site):
    """Chromium, headless, for the whole package.

    It asks for the site so that it closes first: a connection Chromium still held when the
    server stopped would be closed in a server thread that may no longer use the database.
    Chromium is checked first, so that a machine without it does not load the demo for nothing.
    """
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
    finally:
        # Django keeps connections per context, and Playwright's start gives this thread a new
        # one: the connections the tests opened belong to it and would outlive it, holding the
        # test database open (PostgreSQL then refuses to drop it).
        connections.close_all()
        playwright.stop()


class Browsing:
    """Pages opened by one test, each in its own browser context (own cookies).

    Every request of every page must go to the live server. Any other is blocked and
    recorded in ``foreign_requests``; the test fails if that list is not empty at its end.
    """

    def __init__(self, browser, site: DemoSite):
        self.browser = browser
        self.site = site
        self.site_origin = origin(site.url)
        self.foreign_requests: list[str] = []
        self.contexts = []

    def new_page(self, *, width: int = 1280, height: int = 900, care: bool = False):
        context = self.browser.new_context(
            viewport={"width": width, "height": height}, locale="zh-CN", base_url=self.site.url
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", self._check)
        context.route(lambda url: not is_same_origin(url, self.site_origin), self._block)
        if care:
            context.add_cookies([{"name": "ms_care", "value": "1", "url": self.site.url}])
        self.contexts.append(context)
        return context.new_page()

    def _check(self, request) -> None:
        if not is_same_origin(request.url, self.site_origin):
            self.foreign_requests.append(request.url)

    @staticmethod
    def _block(route) -> None:
        route.abort()

    def close(self, *, screenshot_name: str | None = None) -> None:
        for number, context in enumerate(self.contexts, start=1):
            if screenshot_name:
                for page in context.pages:
                    screenshot(page, f"{screenshot_name}-{number}")
            context.close()
        self.contexts = []


@pytest.fixture
def browsing(browser, demo_site, request) -> Iterator[Browsing]:
    visits = Browsing(browser, demo_site)
    yield visits
    report = request.node.stash.get(_reports_key, {}).get("call")
    failed = report is not None and report.failed
    visits.close(screenshot_name=f"FAILED-{request.node.name}" if failed else None)
    if visits.foreign_requests:
        pytest.fail(
            "Pages requested other hosts (every asset must come from the portal):\n  "
            + "\n  ".join(sorted(set(visits.foreign_requests))),
            pytrace=False,
        )


@pytest.fixture
def page(browsing):
    """A page on a desktop-sized screen, showing the site in Chinese (the default)."""
    return browsing.new_page()
