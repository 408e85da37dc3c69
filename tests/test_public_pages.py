"""Only a change to what the public sees empties the cached public pages.

A comment waiting for review, a proposal not yet answered, a draft report or a project being
prepared leave the pages as they are (the next visitor gets the cached page); publishing,
answering, approving, and withdrawing something that was public empty them at once.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from feedback import services as feedback_services
from feedback.choices import CommentState, SuggestionState
from feedback.models import Comment
from projects import services as project_services
from projects.choices import ReportState
from tests.factories import (
    CommentFactory,
    PlanFactory,
    ProjectFactory,
    SuggestionFactory,
    coordinator,
    reporter,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a change's after-commit work (the invalidation) as a real commit would."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


@pytest.fixture
def project():
    return ProjectFactory(
        plan=PlanFactory(year=2024, published=True), published=True, title="改造老旧小区12个"
    )


@pytest.fixture
def page(project):
    return f"/projects/{project.pk}/"


def cached(client, path) -> str:
    """Visit the page, so that it is cached; its HTML as the visitor saw it."""
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def state(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response["X-Page-Cache"]


# --- comments ---------------------------------------------------------------------------


def test_a_comment_waiting_for_review_leaves_the_page_cached(
    client, settings, project, page, commit
):
    settings.MINSHENG_COMMENTS_PREMODERATED = True
    cached(client, page)

    response = commit(
        lambda: client.post(
            f"/projects/{project.pk}/comments/",
            {"nickname": "王阿姨", "body": "小区的路灯什么时候修好？"},
        )
    )

    assert response.status_code == 302
    assert Comment.objects.get().state == CommentState.PENDING
    assert state(client, page) == "hit"


def test_publishing_a_comment_shows_it_at_once(client, project, page, commit):
    comment = CommentFactory(project=project, body="路灯什么时候修好？", state="pending")
    assert "路灯什么时候修好" not in cached(client, page)

    commit(lambda: feedback_services.comment_approve(comment=comment, by=coordinator()))

    response = client.get(page)
    assert response["X-Page-Cache"] == "miss"
    assert "路灯什么时候修好" in response.content.decode()


def test_rejecting_a_published_comment_removes_it_at_once(client, project, page, commit):
    comment = CommentFactory(project=project, body="含有广告的留言", state="published")
    assert "含有广告的留言" in cached(client, page)

    commit(
        lambda: feedback_services.comment_reject(
            comment=comment, by=coordinator(), reason="广告内容"
        )
    )

    response = client.get(page)
    assert response["X-Page-Cache"] == "miss"
    assert "含有广告的留言" not in response.content.decode()


def test_rejecting_a_comment_never_published_leaves_the_page_cached(client, project, page, commit):
    comment = CommentFactory(project=project, state="pending")
    cached(client, page)

    commit(
        lambda: feedback_services.comment_reject(
            comment=comment, by=coordinator(), reason="广告内容"
        )
    )

    assert state(client, page) == "hit"


def test_deleting_a_published_comment_removes_it_at_once(client, project, page, commit):
    comment = CommentFactory(project=project, body="将被删除的留言", state="published")
    cached(client, page)

    commit(lambda: Comment.objects.get(pk=comment.pk).delete())

    response = client.get(page)
    assert response["X-Page-Cache"] == "miss"
    assert "将被删除的留言" not in response.content.decode()


# --- ratings and suggestions --------------------------------------------------------------


def test_a_rating_changes_the_satisfaction_shown_at_once(client, project, page, commit):
    cached(client, page)

    commit(
        lambda: feedback_services.rating_submit(
            project=project, level="satisfied", visitor_hash="v" * 64, client_hash="c" * 64
        )
    )

    assert state(client, page) == "miss"


def test_a_new_proposal_leaves_the_proposals_page_cached(client, commit):
    cached(client, "/suggestions/")

    commit(
        lambda: feedback_services.suggestion_create(
            title="增设社区食堂", description="方便老人就餐。", client_hash="c" * 64
        )
    )

    assert state(client, "/suggestions/") == "hit"


def test_an_answered_proposal_shows_at_once(client, commit):
    suggestion = SuggestionFactory(title="增设社区食堂")
    assert "增设社区食堂" not in cached(client, "/suggestions/")

    commit(
        lambda: feedback_services.suggestion_answer(
            suggestion=suggestion,
            by=coordinator(),
            state=SuggestionState.ADOPTED,
            answer="已纳入明年民生实事候选项目。",
        )
    )

    response = client.get("/suggestions/")
    assert response["X-Page-Cache"] == "miss"
    assert "增设社区食堂" in response.content.decode()


# --- progress reports ---------------------------------------------------------------------


def test_a_draft_report_waits_and_its_approval_shows(client, project, page, commit):
    author = reporter("jiaoyu", project.lead_department)
    cached(client, page)

    # when: the department writes and submits a report
    report = commit(
        lambda: project_services.report_create(
            project=project,
            by=author,
            period=datetime.date(2024, 9, 1),
            reported_progress=Decimal("65"),
            funds_disbursed_to_date=Decimal("50"),
            work_done="九月完成屋面防水工程",
        )
    )
    assert state(client, page) == "hit"
    commit(lambda: project_services.report_submit(report=report, by=author))
    assert state(client, page) == "hit"

    # when: the office approves it
    commit(lambda: project_services.report_approve(report=report, by=coordinator()))

    response = client.get(page)
    assert response["X-Page-Cache"] == "miss"
    assert "九月完成屋面防水工程" in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED


# --- projects and plans -------------------------------------------------------------------


def test_a_project_being_prepared_leaves_the_pages_cached(client, project, commit):
    draft = ProjectFactory(plan=project.plan, published=False, title="筹备中的项目")
    cached(client, "/projects/")

    def edit():
        draft.title = "筹备中的项目（修改）"
        draft.save()

    commit(edit)

    assert state(client, "/projects/") == "hit"


def test_publishing_and_withdrawing_a_project_show_at_once(client, project, commit):
    draft = ProjectFactory(plan=project.plan, published=False, title="新增公开的项目")
    assert "新增公开的项目" not in cached(client, "/projects/")

    def publish(value):
        def change():
            draft.published = value
            draft.save()

        return change

    commit(publish(True))
    response = client.get("/projects/")
    assert response["X-Page-Cache"] == "miss"
    assert "新增公开的项目" in response.content.decode()

    assert state(client, "/projects/") == "hit"
    commit(publish(False))
    response = client.get("/projects/")
    assert response["X-Page-Cache"] == "miss"
    assert "新增公开的项目" not in response.content.decode()
