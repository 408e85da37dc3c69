"""A resident speaks up and the district answers: comment, rating, moderation and reply."""

import re

from playwright.sync_api import expect

from feedback.choices import RatingLevel
from tests.e2e.conftest import DEMO_PASSWORD
from tests.e2e.support import screenshot, zh

PHONE_WIDTH = 360


def sign_in(page, username):
    page.goto("/admin/login/")
    page.get_by_label(re.compile(zh("Username"))).fill(username)
    page.get_by_label(re.compile(zh("Password"))).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile(zh("Log in"))).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_a_resident_comments_and_rates_and_sees_the_answer_after_approval(browsing, demo_site):
    body = "小区的电动自行车充电桩什么时候能装好？"
    project_path = f"/projects/{demo_site.reply_project_pk}/"

    # given: a resident on a phone, on the project's page
    resident = browsing.new_page(width=PHONE_WIDTH, height=780)
    resident.goto(project_path)
    comments = resident.get_by_role("region", name=zh("Residents' comments"))

    # when: they leave a comment
    comments.get_by_label(zh("Nickname")).fill("东风小区居民")
    comments.get_by_label(zh("Your comment")).fill(body)
    comments.get_by_role("button", name=zh("Send comment")).click()

    # then: they are told it awaits review, and it is not public yet
    expect(resident.get_by_role("heading", level=1)).to_have_text(zh("Thank you for your comment"))
    expect(resident.get_by_role("status")).to_contain_text(
        zh(
            "Your comment has been received and awaits review. Once approved it appears on the "
            "project page, and the lead department answers it within 5 working days."
        )
    )
    screenshot(resident, "feedback-1-comment-sent")
    resident.goto(project_path)
    expect(resident.get_by_text(body)).to_have_count(0)

    # when: they rate the project
    satisfaction = resident.get_by_role("region", name=zh("Residents' satisfaction"))
    before = (
        satisfaction.locator(".satisfaction__rate").inner_text()
        if satisfaction.locator(".satisfaction__rate").count()
        else ""
    )
    satisfaction.get_by_label(zh(RatingLevel.SATISFIED.label), exact=True).check()
    satisfaction.get_by_role("button", name=zh("Send rating")).click()

    # then: the rating is counted
    expect(resident.get_by_role("heading", level=1)).to_have_text(zh("Thank you for your rating"))
    expect(resident.locator(".satisfaction__rate")).to_be_visible()
    assert resident.locator(".satisfaction__rate").inner_text() != before
    screenshot(resident, "feedback-2-rating-sent")

    # when: the coordinating office approves the comment in the admin
    office = browsing.new_page()
    sign_in(office, "coordinator")
    office.goto(f"/admin/feedback/comment/?state=pending&q={body}")
    office.locator("#result_list tbody tr").first.locator("th a, td a").first.click()
    office.get_by_role("button", name=zh("Approve and publish")).click()
    expect(office.locator(".messagelist")).to_contain_text(
        zh("The comment was approved and is published.")
    )
    comment_url = office.url

    # and: the lead department answers it
    department = browsing.new_page()
    sign_in(department, demo_site.reply_username)
    department.goto(comment_url)
    department.locator("textarea[name$='-0-body']").fill("已完成选址，10月底前安装到位。")
    department.get_by_role("button", name=re.compile(f"^{zh('Save')}$")).click()
    expect(department.locator(".messagelist")).to_contain_text(zh("The official reply was saved."))

    # then: the resident sees the comment with the department's answer at once
    resident.goto(project_path)
    comment = resident.locator(".comment", has_text=body)
    expect(comment).to_be_visible()
    expect(comment.locator(".reply")).to_contain_text("已完成选址，10月底前安装到位。")
    expect(comment.locator(".reply")).to_contain_text(demo_site.reply_department_name)
    screenshot(resident, "feedback-3-answered")
