"""The leadership dashboard in a browser: a leader signs in, the charts draw, the briefing prints."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD
from tests.e2e.support import screenshot, serious_axe_violations, zh

CHARTS = ["categories", "departments", "areas", "trend", "behind"]


def sign_in(page, username, next_path="/dashboard/"):
    page.goto(next_path)
    # Not signed in: the dashboard sends the visitor to the sign-in page and back.
    expect(page).to_have_url(re.compile(r"/admin/login/\?next="))
    page.get_by_label(re.compile(zh("Username"))).fill(username)
    page.get_by_label(re.compile(zh("Password"))).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile(zh("Log in"))).click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def test_a_leader_sees_the_dashboard_with_its_charts(browsing, demo_site):
    page = browsing.new_page()
    sign_in(page, "leader")

    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Leadership dashboard"))
    expect(page.get_by_text(demo_site.plan_title).first).to_be_visible()
    # ECharts drew an SVG inside every chart container, from the page's own static files.
    for name in CHARTS:
        chart = page.locator(f'[data-chart="{name}"]')
        expect(chart).to_have_attribute("data-chart-ready", "true")
        expect(chart.locator("svg").first).to_be_visible()
    # The tables are there too, the red project among the red and yellow ones.
    behind = page.locator("#red-yellow")
    expect(behind.get_by_text(demo_site.late_project_title)).to_be_visible()
    expect(page.locator("#ranking table tbody tr").first).to_be_visible()
    screenshot(page, "dashboard-1-leader")

    violations = serious_axe_violations(page)
    assert not violations, "\n".join(violations)

    # A number leads to the projects behind it (the admin's list, for a leader).
    page.locator(".stat--red a.stat__value").first.click()
    expect(page).to_have_url(re.compile(r"/admin/projects/project/\?.*light=red"))
    expect(page.get_by_text(demo_site.late_project_title)).to_be_visible()


def test_the_tables_show_without_javascript(browser, browsing, demo_site):
    page = browsing.new_page()
    sign_in(page, "leader")
    cookies = page.context.cookies()

    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="zh-CN",
        base_url=demo_site.url,
        java_script_enabled=False,
    )
    browsing.contexts.append(context)
    context.on("request", browsing._check)
    context.add_cookies(cookies)
    plain = context.new_page()
    plain.goto("/dashboard/")
    expect(plain.locator("#ranking table")).to_be_visible()
    expect(plain.locator("#red-yellow").get_by_text(demo_site.late_project_title)).to_be_visible()
    # Without JavaScript the empty chart frames stay hidden.
    expect(plain.locator("[data-chart-figure]").first).to_be_hidden()
    screenshot(plain, "dashboard-2-no-javascript")


def test_the_monthly_briefing(browsing, demo_site):
    page = browsing.new_page()
    sign_in(page, "coordinator", next_path="/dashboard/briefing/2024-09/")
    expect(page.locator(".notice__title")).to_be_visible()
    expect(page.locator(".notice").get_by_text(demo_site.late_project_title).first).to_be_visible()
    expect(
        page.get_by_role("button", name=zh("Send this briefing to leadership by e-mail"))
    ).to_be_visible()
    screenshot(page, "dashboard-3-briefing")
    violations = serious_axe_violations(page)
    assert not violations, "\n".join(violations)

    # On paper: the site's bands and the tools are left out, the notice stays.
    page.emulate_media(media="print")
    expect(page.locator(".briefing-tools")).to_be_hidden()
    expect(page.locator(".masthead")).to_be_hidden()
    expect(page.locator(".notice")).to_be_visible()
    screenshot(page, "dashboard-4-briefing-print")
