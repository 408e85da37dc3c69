"""A public commitment moves only in the open: the department asks, the office decides.

The education bureau's reporter asks to move a late milestone of one of its projects for the
rainy season; nothing moves while the request waits; the coordinating office approves it; then
residents see the original date struck through beside the new one, and the reason.
"""

import datetime
import re
from urllib.parse import quote

from django.utils import formats, translation
from playwright.sync_api import expect

from demo import dataset as demo
from projects.choices import ChangeKind, ChangeState, FundingSource, Light
from projects.models import Project
from tests.e2e.conftest import AS_OF_DATE, DEMO_PASSWORD
from tests.e2e.support import horizontal_overflow, screenshot, serious_axe_violations, zh

DESKTOP_WIDTH = 1366
PHONE_WIDTH = 390
REPORTER = "jiaoyu"
REPORTER_DEPARTMENT = "区教育体育局"
NEW_DATE = datetime.date(2024, 10, 20)
REASON = "7、8月持续降雨，塑胶面层雨季停工累计22天，申请将首批3所学校运动场完工节点顺延至10月20日。"
DECISION_NUMBER = "禹民生办〔2024〕12号"


def _project_to_move():
    """The reporter's project that is behind because a milestone is overdue, with no request
    of its own in the demo (project 9's pending request, and the red project the other browser
    tests read, are left as they are)."""
    decided = {decision["number"] for decision in demo.DECISIONS}
    for project in demo.PROJECTS:
        if (
            project["lead"] != REPORTER_DEPARTMENT
            or project["number"] in decided
            or project["light_on_demo_date"] != Light.YELLOW
        ):
            continue
        for milestone in project["milestones"]:
            planned = datetime.date.fromisoformat(milestone.planned)
            if milestone.done is None and planned < AS_OF_DATE < NEW_DATE:
                return project, milestone, planned
    raise AssertionError(f"the demo has no late project of {REPORTER_DEPARTMENT} to move")


def written(date: datetime.date) -> str:
    """A date as the Chinese pages write it (2024年9月10日)."""
    with translation.override("zh-hans"):
        return formats.date_format(date, "DATE_FORMAT")


def label(choice) -> str:
    """A choice's label on a Chinese page (labels may carry a context, which ``zh`` has not)."""
    with translation.override("zh-hans"):
        return str(choice.label)


def reason_heading() -> str:
    with translation.override("zh-hans"):
        return translation.pgettext("plan change", "Reason")


def label_of(model, *, plural=False) -> str:
    with translation.override("zh-hans"):
        return str(model._meta.verbose_name_plural if plural else model._meta.verbose_name)


def sign_in(page, username):
    page.goto("/admin/login/")
    page.get_by_label(re.compile(zh("Username"))).fill(username)
    page.get_by_label(re.compile(zh("Password"))).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile(zh("Log in"))).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def screenshots(page, name: str) -> None:
    """The page as a clerk sees it on an office screen and on a phone."""
    size = page.viewport_size
    for width in (DESKTOP_WIDTH, PHONE_WIDTH):
        page.set_viewport_size({"width": width, "height": size["height"]})
        screenshot(page, f"commitments-{name}-{width}")
    page.set_viewport_size(size)


def light_of(page):
    return page.locator(".project-head__status .light")


def test_a_milestone_moves_later_only_once_the_office_approves(browsing):
    project, milestone, planned = _project_to_move()
    title = project["title"]

    # given: the reporter, in the admin, on the project page, with its light behind
    clerk = browsing.new_page(width=DESKTOP_WIDTH)
    sign_in(clerk, REPORTER)
    clerk.goto(f"/admin/projects/project/?q={quote(title)}")
    row = clerk.locator("#result_list tbody tr", has_text=title)
    expect(row.locator(".ms-light")).to_contain_text(label(Light.YELLOW))
    row.get_by_role("link", name=title).click()
    project_pk = re.search(r"/project/(\d+)/change/", clerk.url).group(1)
    admin_light = clerk.locator(".field-light_display .ms-light")
    expect(admin_light).to_contain_text(label(Light.YELLOW))
    screenshots(clerk, "1-project-page")

    resident = browsing.new_page(width=DESKTOP_WIDTH)
    resident.goto(f"/projects/{project_pk}/")
    expect(light_of(resident)).to_contain_text(label(Light.YELLOW))
    light_before = light_of(resident).inner_text()
    timeline_item = resident.get_by_role("region", name=zh("Milestones")).locator(
        "li", has_text=milestone.title
    )
    expect(timeline_item).to_contain_text(written(planned))
    expect(timeline_item.locator("del")).to_have_count(0)

    # when: they ask to move the late milestone later, for the rainy season
    clerk.get_by_role("link", name=zh("Request a change (申请调整)")).click()
    expect(clerk.get_by_role("heading", level=1)).to_have_text(
        zh("File a change request (申请调整)")
    )
    # (the way back names the projects, and each value now is written as the pages write it)
    expect(clerk.locator(".breadcrumbs")).to_contain_text(label_of(Project, plural=True))
    project_group = clerk.locator(
        "fieldset", has=clerk.get_by_role("heading", name=zh("The project"))
    )
    expect(project_group).to_contain_text(label(FundingSource(project["funding"])))
    group = clerk.locator("fieldset", has=clerk.get_by_role("heading", name=milestone.title))
    date_field = group.get_by_label(re.compile(zh("planned date")))
    expect(date_field).to_have_value(planned.isoformat())
    expect(group).to_contain_text(written(planned))
    date_field.fill(NEW_DATE.isoformat())
    clerk.get_by_label(re.compile(zh("reason"))).fill(REASON)
    screenshots(clerk, "2-request-form")
    violations = serious_axe_violations(clerk)
    assert not violations, "\n".join(violations)
    clerk.set_viewport_size({"width": PHONE_WIDTH, "height": 900})
    assert not horizontal_overflow(clerk, PHONE_WIDTH), horizontal_overflow(clerk, PHONE_WIDTH)
    clerk.set_viewport_size({"width": DESKTOP_WIDTH, "height": 900})
    clerk.get_by_role("button", name=zh("File the request")).click()

    # then: the request waits, and says so
    expect(clerk.locator(".messagelist")).to_contain_text(
        zh(
            "The change request was filed. Nothing changes until the coordinating "
            "office approves it."
        )
    )
    expect(clerk.locator(".field-state")).to_contain_text(label(ChangeState.PENDING))
    expect(clerk.locator(".field-changes_display")).to_contain_text(
        f"{written(planned)} → {written(NEW_DATE)}"
    )
    # what the department can do now is said; no empty decision, no import's file name
    expect(
        clerk.get_by_role("heading", name=zh("Waiting for the coordinating office"))
    ).to_be_visible()
    expect(clerk.get_by_role("button", name=zh("Withdraw the request"))).to_be_visible()
    for absent in ("source_name", "decision_number", "decision_note", "decided_at"):
        expect(clerk.locator(f".field-{absent}")).to_have_count(0)
    screenshots(clerk, "3-request-filed")

    # and: nothing moved while it waits, neither in the admin nor in public
    clerk.goto(f"/admin/projects/project/{project_pk}/change/")
    expect(admin_light).to_contain_text(label(Light.YELLOW))
    resident.reload()
    expect(light_of(resident)).to_have_text(light_before)
    expect(timeline_item).to_contain_text(written(planned))
    expect(timeline_item.locator("del")).to_have_count(0)
    changes = resident.get_by_role("region", name=zh("Plan changes"))
    expect(changes).not_to_contain_text(REASON)
    screenshots(resident, "4-public-while-pending")

    # when: the coordinating office opens the request from its queue and approves it
    office = browsing.new_page(width=DESKTOP_WIDTH)
    sign_in(office, "coordinator")
    office.goto("/admin/projects/changerequest/")
    waiting = office.locator("#result_list tbody tr", has_text=title).filter(
        has_text=label(ChangeState.PENDING)
    )
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text(written(NEW_DATE))
    screenshots(office, "5-office-queue")
    waiting.locator("th a, td a").first.click()
    expect(office.locator(".field-reason")).to_contain_text(REASON)
    office.get_by_label(re.compile(zh("decision document number"))).fill(DECISION_NUMBER)
    screenshots(office, "6-office-request")
    office.get_by_role("button", name=zh("Approve and apply")).click()
    expect(office.locator(".messagelist")).to_contain_text(
        zh("The request was approved and applied.")
    )
    expect(office.locator(".field-state")).to_contain_text(label(ChangeState.APPROVED))
    expect(office.locator(".field-decision_number")).to_contain_text(DECISION_NUMBER)
    # (no empty "reason for not approving" on an approved request)
    expect(office.locator(".field-decision_note")).to_have_count(0)
    screenshots(office, "7-office-approved")

    # then: a resident (a fresh visitor) sees the original date struck through beside the new
    # one, the reason and the approval; and the light has moved now, not before
    public = browsing.new_page(width=DESKTOP_WIDTH)
    public.goto(f"/projects/{project_pk}/")
    moved = public.get_by_role("region", name=zh("Milestones")).locator(
        "li", has_text=milestone.title
    )
    expect(moved.locator("del")).to_have_text(written(planned))
    expect(moved).to_contain_text(written(NEW_DATE))
    changes = public.get_by_role("region", name=zh("Plan changes"))
    approved = changes.locator(".plan-change", has_text=REASON)
    expect(approved).to_contain_text(label(ChangeKind.CHANGE))
    expect(approved).to_contain_text(written(planned))
    expect(approved).to_contain_text(written(NEW_DATE))
    expect(approved).to_contain_text(DECISION_NUMBER)
    # the reason is headed as the change's reason (理由), not as a light's (亮灯原因)
    expect(approved.locator("dt").first).to_have_text(reason_heading())
    expect(light_of(public)).to_contain_text(label(Light.GREEN))
    assert light_of(public).inner_text() != light_before
    screenshots(public, "8-public-approved")
    violations = serious_axe_violations(public)
    assert not violations, "\n".join(violations)
    for width in (DESKTOP_WIDTH, PHONE_WIDTH):
        public.set_viewport_size({"width": width, "height": 900})
        assert not horizontal_overflow(public, width), horizontal_overflow(public, width)

    # and: the reporter's project page shows the light moved and the request approved
    clerk.goto(f"/admin/projects/project/{project_pk}/change/")
    expect(admin_light).to_contain_text(label(Light.GREEN))
    expect(clerk.locator(".ms-baseline")).to_contain_text(written(planned))
    screenshots(clerk, "9-project-page-approved")
