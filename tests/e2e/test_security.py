"""The Content-Security-Policy in a browser: pages that run scripts still work, nothing is blocked."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD
from tests.e2e.support import zh


def csp_violations(page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def test_api_docs_render_under_the_policy(browsing):
    page = browsing.new_page()
    violations = csp_violations(page)

    page.goto("/api/docs/")

    # Swagger UI drew the operations from the portal's own schema: its script ran.
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    assert violations == []


def test_public_pages_and_the_admin_break_no_rule_of_the_policy(browsing, demo_site):
    page = browsing.new_page()
    violations = csp_violations(page)

    for path in ["/", "/projects/", f"/projects/{demo_site.late_project_pk}/", "/suggestions/"]:
        page.goto(path)
        expect(page.locator("h1").first).to_be_visible()

    page.goto("/admin/login/")
    page.get_by_label(re.compile(zh("Username"))).fill("coordinator")
    page.get_by_label(re.compile(zh("Password"))).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile(zh("Log in"))).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    for path in [
        "/admin/projects/project/",
        f"/admin/projects/project/{demo_site.late_project_pk}/change/",
        "/admin/projects/project/export/",
        "/admin/feedback/comment/",
    ]:
        page.goto(path)
        expect(page.locator("#content")).to_be_visible()

    assert violations == []
