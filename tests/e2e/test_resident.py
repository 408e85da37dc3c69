"""A resident follows the livelihood projects in a browser: on a desktop and on a phone."""

import re

from playwright.sync_api import expect

from projects.choices import Light
from tests.e2e.support import en, horizontal_overflow, screenshot, zh, zh_plural

PHONE_WIDTH = 360
PAGE_SIZE = 20  # projects per page of the list


def found(count: int) -> str:
    return zh_plural(
        "%(counter)s project found", "%(counter)s projects found", count, counter=count
    )


def test_resident_finds_a_late_project_and_reads_it_in_care_mode_and_english(page, demo_site):
    # given: the home page of the current plan
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(demo_site.plan_title)

    # when: the resident picks an area of work, then narrows the list to seriously late projects
    areas = page.get_by_role("region", name=zh("Areas of work"))
    areas.get_by_role("link", name=demo_site.category_name).click()

    # then: the list shows that category's projects, and the filter says so
    expect(page).to_have_url(re.compile(rf"/projects/\?.*category={demo_site.category_pk}\b"))
    expect(page.get_by_label(zh("Category"), exact=True)).to_have_value(str(demo_site.category_pk))
    expect(page.get_by_role("heading", name=found(demo_site.category_count))).to_be_visible()
    results = page.locator(".results > .result")
    expect(results).to_have_count(demo_site.category_count)

    page.get_by_label(zh("Light"), exact=True).select_option("red")
    page.get_by_role("button", name=zh("Apply filters")).click()
    expect(page).to_have_url(re.compile(r"light=red"))
    expect(page).to_have_url(re.compile(rf"category={demo_site.category_pk}\b"))
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text(zh(Light.RED.label))
    screenshot(page, "flow-1-list-filtered")

    # when: they open the project
    results.first.get_by_role("link", name=demo_site.late_project_title).click()

    # then: its light is shown as a word with its reason, not only as a colour
    expect(page).to_have_url(re.compile(rf"/projects/{demo_site.late_project_pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(demo_site.late_project_title)
    badge = page.locator(".project-head__status .light")
    expect(badge).to_have_text(re.compile(re.escape(zh(Light.RED.label))))
    expect(page.locator(".project-head__status")).to_contain_text(demo_site.late_project_reason)

    # and: every milestone, each with its state in words
    timeline = page.get_by_role("region", name=zh("Milestones")).get_by_role("listitem")
    expect(timeline).to_have_count(len(demo_site.late_project_milestones))
    words = {"done": zh("Done"), "upcoming": zh("Upcoming")}
    for item, milestone in zip(timeline.all(), demo_site.late_project_milestones, strict=True):
        expect(item).to_contain_text(milestone.title)
        if milestone.state == "overdue":
            expect(item).to_contain_text(str(milestone.days_overdue))
        else:
            expect(item).to_contain_text(words[milestone.state])
    assert any(m.state == "overdue" for m in demo_site.late_project_milestones)
    screenshot(page, "flow-2-project")

    # when: they switch to the elder-friendly version (关怀版)
    page.get_by_role("link", name=zh("Elder-friendly version"), exact=True).click()

    # then: the same page comes back in it, and the switch now leads back to the standard one
    expect(page).to_have_url(re.compile(rf"/projects/{demo_site.late_project_pk}/$"))
    expect(page.locator("body")).to_have_class(re.compile(r"\bcare\b"))
    expect(page.get_by_role("link", name=zh("Standard version"), exact=True)).to_be_visible()
    screenshot(page, "flow-3-project-care")

    # and: it is remembered on the next page
    page.get_by_role("navigation", name=zh("Breadcrumb")).get_by_role(
        "link", name=zh("Projects")
    ).click()
    expect(page).to_have_url(re.compile(r"/projects/\?"))
    expect(page.locator("body")).to_have_class(re.compile(r"\bcare\b"))

    # when: they switch to English
    page.get_by_role("link", name="English", exact=True).click()

    # then: the list speaks English, still in the elder-friendly version
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Livelihood projects of {demo_site.plan_year}"
    )
    expect(page.get_by_label("Category", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Apply filters")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Departments")
    expect(page.locator("body")).to_have_class(re.compile(r"\bcare\b"))
    screenshot(page, "flow-4-list-english-care")

    # and: the project page too, its light named in English
    page.goto(f"/projects/{demo_site.late_project_pk}/")
    expect(page.get_by_role("heading", name="Milestones")).to_be_visible()
    expect(badge).to_have_text(re.compile(re.escape(en(Light.RED.label))))

    # when: they switch back to Chinese and to the standard version
    page.get_by_role("link", name="简体中文", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_role("link", name=zh("Standard version"), exact=True).click()
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bcare\b"))


def test_resident_pages_through_the_list_on_a_phone(browsing, demo_site):
    page = browsing.new_page(width=PHONE_WIDTH, height=780)
    page.goto("/projects/")
    expect(page.get_by_role("heading", name=found(demo_site.project_count))).to_be_visible()
    pages = page.get_by_role("navigation", name=zh("Pages of results"))
    results = page.locator(".results > .result")
    last_page = -(-demo_site.project_count // PAGE_SIZE)
    assert last_page >= 2, "the demo plan no longer fills two pages of the list"

    seen: list[int] = []
    for number in range(1, last_page + 1):
        shown = min(PAGE_SIZE, demo_site.project_count - (number - 1) * PAGE_SIZE)
        expect(results).to_have_count(shown)
        expect(pages.locator("[aria-current=page]")).to_contain_text(str(number))
        seen += [
            int(text.rstrip(".")) for text in results.locator(".result__number").all_inner_texts()
        ]
        overflow = horizontal_overflow(page, PHONE_WIDTH)
        assert not overflow, f"page {number} of the list: {overflow}"
        screenshot(page, f"phone-list-page-{number}")
        if number < last_page:
            pages.get_by_role("link", name=zh("Next")).click()
            expect(page).to_have_url(re.compile(rf"[?&]page={number + 1}\b"))

    # Every project once, in number order; the last page offers no next page.
    assert seen == sorted(set(seen)) and len(seen) == demo_site.project_count
    expect(pages.get_by_role("link", name=zh("Next"))).to_have_count(0)
    pages.get_by_role("link", name=zh("Previous")).click()
    expect(page).to_have_url(re.compile(rf"[?&]page={last_page - 1}\b"))
    expect(results).to_have_count(PAGE_SIZE)
