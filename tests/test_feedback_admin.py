"""The feedback admin as each role uses it: moderation, official replies, ratings, suggestions.

The world: a project led by one department (another cooperating on it) and a project led by a
third department; six people (a reporter and the head of the lead department, a reporter of the
cooperating department, a reporter of an unrelated department, the coordinating office and
leadership). A refused write answers 403 or 404, or leaves a visible refusal, and the rows are
read again to show that nothing changed.

Requests are sent in English (the language cookie) so that assertions on messages and labels do
not depend on the Chinese catalogue. Today is 2024-09-30 (tests/conftest.py).
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from feedback import services
from feedback.admin import highlight
from feedback.choices import CommentState, RatingLevel, SuggestionState
from feedback.models import NICKNAME_MAX, Comment, Rating, Reply, SensitiveWord, Suggestion
from minsheng import clock
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    DepartmentFactory,
    PlanFactory,
    ProjectFactory,
    RatingFactory,
    ReplyFactory,
    SensitiveWordFactory,
    SuggestionFactory,
    coordinator,
    head,
    leader,
    reporter,
)
from tests.support.admin_forms import (
    english_client,
    form_data,
)

ROLES = [
    "lead_reporter",
    "lead_head",
    "coop_reporter",
    "unrelated_reporter",
    "coordinator",
    "leader",
]
LEAD_STAFF = ["lead_reporter", "lead_head"]
TARGETS = ["own", "other"]
TODAY = datetime.date(2024, 9, 30)

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
]
# What must never appear raw in a page, for each payload (a nickname keeps its first 30
# characters, as the public form does: '<a href="javascript:alert(1)">').
XSS_RAW = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", 'href="javascript:']


def sees(role: str, target: str) -> bool:
    """Whether ``role`` sees the comments on the ``target`` project in the admin."""
    if role in ("coordinator", "leader"):
        return True
    if role in LEAD_STAFF or role == "coop_reporter":
        return target == "own"
    return False


def may_reply(role: str, target: str) -> bool:
    return role in LEAD_STAFF and target == "own"


# --- helpers -------------------------------------------------------------------------------


def change_url(obj) -> str:
    return reverse(f"admin:feedback_{obj._meta.model_name}_change", args=[obj.pk])


def changelist_url(model: str) -> str:
    return reverse(f"admin:feedback_{model}_changelist")


def state(comment: Comment) -> dict:
    fresh = Comment.objects.get(pk=comment.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


def messages_of(response) -> list[tuple[int, str]]:
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


def shown(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


def action(client: Client, name: str, comments, **extra):
    data = {"action": name, "_selected_action": [str(c.pk) for c in comments], **extra}
    return client.post(changelist_url("comment"), data)


def is_post_form(attrs: dict) -> bool:
    return (attrs.get("method") or "").lower() == "post" and attrs.get("id") != "logout-form"


def export(client: Client, model: str, file_format: str = "csv", query: str = ""):
    """Export the ``model`` list as a person would: open the export page, pick the format, post."""
    url = reverse(f"admin:feedback_{model}_export") + query
    page = client.get(url)
    assert page.status_code == 200
    options = {
        label.strip(): value
        for value, label in re.findall(
            r'<option value="(\d+)"[^>]*>([^<]+)</option>', page.content.decode()
        )
    }
    data = form_data(client, url, pick=is_post_form)
    data["format"] = options[file_format]
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:2000]
    return response


def csv_text(response) -> str:
    assert response["Content-Type"].startswith("text/csv")
    return response.content.decode("utf-8-sig")


def xlsx_rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


# --- the world -----------------------------------------------------------------------------


@dataclass
class World:
    users: dict
    departments: dict
    projects: dict
    comments: dict
    clients: dict = field(default_factory=dict)

    def client(self, role: str) -> Client:
        if role not in self.clients:
            client = english_client()
            client.force_login(self.users[role])
            self.clients[role] = client
        return self.clients[role]


@pytest.fixture
def world(db):
    lead = DepartmentFactory(name="区教育体育局", short_name="教体局")
    coop = DepartmentFactory(name="区住房和城乡建设局", short_name="住建局")
    other = DepartmentFactory(name="区卫生健康委员会", short_name="卫健委")
    unrelated = DepartmentFactory(name="区民政局", short_name="民政局")
    plan = PlanFactory(year=2024)
    category = CategoryFactory(name="教育公平与质量提升", code="edu")
    own = ProjectFactory(
        plan=plan, number=1, title="新建朝阳路小学", lead_department=lead, category=category
    )
    own.cooperating_departments.add(coop)
    other_project = ProjectFactory(
        plan=plan, number=2, title="秀水社区卫生服务站改造", lead_department=other
    )
    return World(
        users={
            "lead_reporter": reporter("lead_reporter", lead),
            "lead_head": head("lead_head", lead),
            "coop_reporter": reporter("coop_reporter", coop),
            "unrelated_reporter": reporter("unrelated_reporter", unrelated),
            "coordinator": coordinator("coordinator"),
            "leader": leader("leader"),
        },
        departments={"lead": lead, "coop": coop, "other": other, "unrelated": unrelated},
        projects={"own": own, "other": other_project},
        comments={
            "own": CommentFactory(
                project=own, nickname="朝阳居民", contact="13905520001", body="学校什么时候开学？"
            ),
            "own_published": CommentFactory(
                project=own, state=CommentState.PUBLISHED, body="期待早日建成"
            ),
            "own_rejected": CommentFactory(
                project=own, state=CommentState.REJECTED, moderation_reason="广告"
            ),
            "other": CommentFactory(
                project=other_project, contact="13905520002", body="服务站几点开门？"
            ),
        },
    )


def test_today_is_pinned():
    assert clock.today() == TODAY


# --- who sees what -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_comment_list_shows_each_role_its_comments(world, role):
    response = world.client(role).get(changelist_url("comment"))

    assert response.status_code == 200
    expected = set()
    for key in ("own", "own_published", "other"):
        target = "own" if key.startswith("own") else "other"
        if sees(role, target):
            expected.add(world.comments[key].pk)
    # Rejected comments stay with the office and leadership, with their reason.
    if role in ("coordinator", "leader"):
        expected.add(world.comments["own_rejected"].pk)
    assert shown(response) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
def test_comment_page_and_reply_form_by_role(world, role, target):
    comment = world.comments[target]

    response = world.client(role).get(change_url(comment))

    if not sees(role, target):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert ('name="reply-0-body"' in page) is may_reply(role, target)
    # What the resident wrote is shown, never editable; the contact is there for staff.
    assert comment.body in page
    assert comment.contact in page
    for name in ("nickname", "contact", "body", "state", "moderation_reason"):
        assert f'name="{name}"' not in page
    # Moderation is for the coordinating office only.
    assert ("feedback/comment/%d/approve/" % comment.pk in page) is (role == "coordinator")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coop_reporter", "coordinator", "leader"])
def test_others_read_the_reply_without_a_form(world, role):
    answered = world.comments["own_published"]
    ReplyFactory(comment=answered, body="感谢关注，9月1日开学。")
    client = world.client(role)

    answered_page = client.get(change_url(answered)).content.decode()
    unanswered_page = client.get(change_url(world.comments["own"])).content.decode()

    assert "感谢关注，9月1日开学。" in answered_page
    assert 'name="reply-0-body"' not in answered_page
    assert 'id="reply-group"' not in unanswered_page


@pytest.mark.django_db
def test_view_on_site_only_for_a_published_comment(world):
    client = world.client("coordinator")

    published = client.get(change_url(world.comments["own_published"])).content.decode()
    pending = client.get(change_url(world.comments["own"])).content.decode()

    assert 'class="viewsitelink"' in published
    assert 'class="viewsitelink"' not in pending


@pytest.mark.django_db
@pytest.mark.parametrize("role", LEAD_STAFF + ["coop_reporter"])
def test_department_staff_no_longer_see_a_rejected_comment(world, role):
    response = world.client(role).get(change_url(world.comments["own_rejected"]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_page_of_a_rejected_comment_has_no_reply_form_even_for_the_office(world):
    response = world.client("coordinator").get(change_url(world.comments["own_rejected"]))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="reply-0-body"' not in page
    assert "广告" in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["lead_reporter", "coop_reporter", "unrelated_reporter"])
def test_department_staff_see_only_their_ratings(world, role):
    own = RatingFactory(project=world.projects["own"], remark="很好")
    other = RatingFactory(project=world.projects["other"], level=RatingLevel.DISSATISFIED)

    response = world.client(role).get(changelist_url("rating"))

    assert response.status_code == 200
    expected = {r.pk for r, t in ((own, "own"), (other, "other")) if sees(role, t)}
    assert shown(response) == expected
    assert world.client(role).get(change_url(other)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "leader"])
def test_office_and_leadership_see_every_rating_read_only(world, role):
    rating = RatingFactory(project=world.projects["other"], remark="等待太久")
    client = world.client(role)

    listing = client.get(changelist_url("rating") + "?level=satisfied")
    page = client.get(change_url(rating))
    post = client.post(change_url(rating), {"level": RatingLevel.DISSATISFIED, "remark": "x"})

    assert shown(listing) == {rating.pk}
    assert page.status_code == 200
    assert 'name="level"' not in page.content.decode()
    assert rating.visitor_hash not in page.content.decode()
    assert post.status_code == 403
    assert Rating.objects.get(pk=rating.pk).remark == "等待太久"


@pytest.mark.django_db
def test_rating_list_filters_by_lead_department(world):
    own = RatingFactory(project=world.projects["own"])
    RatingFactory(project=world.projects["other"])

    response = world.client("coordinator").get(
        changelist_url("rating")
        + f"?project__lead_department__id__exact={world.departments['lead'].pk}"
    )

    assert shown(response) == {own.pk}


# --- official replies ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", LEAD_STAFF)
def test_lead_department_replies_on_the_comment_page(world, role):
    # given
    comment = world.comments["own"]
    client = world.client(role)
    url = change_url(comment)
    data = form_data(client, url)
    data["reply-0-body"] = "  学校将于9月1日开学，欢迎监督。  "

    # when
    response = client.post(url, data)

    # then: the reply is stored with the department and author set by the portal
    assert response.status_code == 302
    reply = Reply.objects.get(comment=comment)
    assert reply.body == "学校将于9月1日开学，欢迎监督。"
    assert reply.department == world.departments["lead"]
    assert reply.author == world.users[role]
    assert (messages.SUCCESS, "The official reply was saved.") in messages_of(response)
    assert reply.history.first().history_user == world.users[role]
    page = client.get(url).content.decode()
    assert "学校将于9月1日开学" in page


@pytest.mark.django_db
def test_lead_department_corrects_its_reply(world):
    comment = world.comments["own_published"]
    ReplyFactory(comment=comment, body="初稿", author=world.users["lead_head"])
    client = world.client("lead_reporter")
    url = change_url(comment)
    data = form_data(client, url)
    assert data["reply-0-body"] == "初稿"
    data["reply-0-body"] = "更正后的回复"

    response = client.post(url, data)

    assert response.status_code == 302
    reply = Reply.objects.get(comment=comment)
    assert reply.body == "更正后的回复"
    assert reply.author == world.users["lead_reporter"]
    assert Reply.objects.count() == 1


@pytest.mark.django_db
def test_saving_the_page_never_rewrites_what_the_resident_wrote(world):
    comment = world.comments["own"]
    client = world.client("lead_reporter")
    url = change_url(comment)
    data = form_data(client, url)
    data.update(
        nickname="改过的昵称",
        contact="000",
        body="改过的留言",
        state=CommentState.PUBLISHED,
        flagged_words="",
    )
    data["reply-0-body"] = "已收到"
    before = state(comment)

    response = client.post(url, data)

    assert response.status_code == 302
    assert state(comment) == before
    assert Reply.objects.filter(comment=comment).exists()


@pytest.mark.django_db
def test_an_empty_reply_saves_nothing(world):
    comment = world.comments["own"]
    client = world.client("lead_reporter")
    url = change_url(comment)
    data = form_data(client, url)
    data["reply-0-body"] = "   "

    response = client.post(url, data)

    assert response.status_code == 302
    assert not Reply.objects.exists()
    assert (messages.INFO, "Nothing was changed.") in messages_of(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, status",
    [
        ("coop_reporter", 403),
        ("unrelated_reporter", 404),
        ("coordinator", 403),
        ("leader", 403),
    ],
)
def test_a_forged_reply_from_anyone_else_creates_nothing(world, role, status):
    # given: the form as the lead department sees it
    comment = world.comments["own"]
    url = change_url(comment)
    data = form_data(world.client("lead_reporter"), url)
    data["reply-0-body"] = "冒名回复"
    before = state(comment)

    # when
    response = world.client(role).post(url, data)

    # then
    assert response.status_code == status
    assert not Reply.objects.exists()
    assert state(comment) == before


@pytest.mark.django_db
def test_lead_staff_cannot_reply_to_another_departments_comment(world):
    comment = world.comments["other"]
    url = change_url(comment)
    data = form_data(world.client("coordinator"), url)
    data.update(
        {
            "reply-TOTAL_FORMS": "1",
            "reply-INITIAL_FORMS": "0",
            "reply-0-body": "越权回复",
            "reply-0-comment": str(comment.pk),
        }
    )

    response = world.client("lead_reporter").post(url, data)

    assert response.status_code == 404
    assert not Reply.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_reply_list_is_scoped_and_read_only(world, role):
    own = ReplyFactory(comment=world.comments["own_published"])
    other = ReplyFactory(comment=world.comments["other"])
    client = world.client(role)

    response = client.get(changelist_url("reply"))

    if role == "unrelated_reporter":
        assert shown(response) == set()
    else:
        assert response.status_code == 200
        expected = {r.pk for r, t in ((own, "own"), (other, "other")) if sees(role, t)}
        assert shown(response) == expected
    page = client.get(change_url(own))
    if sees(role, "own"):
        assert page.status_code == 200
        assert 'name="body"' not in page.content.decode()
    else:
        assert page.status_code == 404


# --- moderation: bulk actions --------------------------------------------------------------


@pytest.mark.django_db
def test_bulk_approve_publishes_the_selected_comments(world):
    first = world.comments["own"]
    second = world.comments["other"]
    office = world.users["coordinator"]

    response = action(world.client("coordinator"), "approve_selected", [first, second])

    assert response.status_code == 302
    for comment in (first, second):
        comment.refresh_from_db()
        assert comment.state == CommentState.PUBLISHED
        assert comment.moderated_by == office
    assert (messages.SUCCESS, "2 comments published.") in messages_of(response)


@pytest.mark.django_db
def test_bulk_approve_says_which_were_already_published(world):
    pending = world.comments["own"]
    published = world.comments["own_published"]
    before = state(published)

    response = action(world.client("coordinator"), "approve_selected", [pending, published])

    assert Comment.objects.get(pk=pending.pk).state == CommentState.PUBLISHED
    assert state(published) == before
    found = messages_of(response)
    assert (messages.SUCCESS, "1 comment published.") in found
    assert any(
        level == messages.WARNING and "This comment is already published." in text
        for level, text in found
    )


@pytest.mark.django_db
def test_bulk_reject_asks_for_the_reason_then_rejects(world):
    comments = [world.comments["own"], world.comments["own_published"]]
    client = world.client("coordinator")

    # when: the action is chosen, the reason page is shown and nothing changes yet
    page = action(client, "reject_selected", comments)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    assert all(Comment.objects.get(pk=c.pk).state != CommentState.REJECTED for c in comments)

    # when: the reason is given
    response = action(client, "reject_selected", comments, reason="含有广告内容")

    # then
    assert response.status_code == 302
    for comment in comments:
        comment.refresh_from_db()
        assert comment.state == CommentState.REJECTED
        assert comment.moderation_reason == "含有广告内容"
        assert comment.moderated_by == world.users["coordinator"]
    assert (messages.SUCCESS, "2 comments rejected.") in messages_of(response)


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "    "])
def test_bulk_reject_without_a_reason_shows_the_error_and_changes_nothing(world, reason):
    comments = [world.comments["own"], world.comments["other"]]
    before = [state(c) for c in comments]

    response = action(world.client("coordinator"), "reject_selected", comments, reason=reason)

    assert response.status_code == 200
    assert "Give the reason for rejecting the comment." in response.content.decode()
    assert [state(c) for c in comments] == before


@pytest.mark.django_db
def test_actions_naming_a_missing_comment_change_nothing(world):
    pending = world.comments["own"]
    before = state(pending)
    client = world.client("coordinator")

    response = client.post(
        changelist_url("comment"),
        {"action": "approve_selected", "_selected_action": [str(pending.pk), "999999"]},
    )

    assert state(pending) == before
    assert any(
        level == messages.ERROR and "No items have been changed" in text
        for level, text in messages_of(response)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["lead_reporter", "lead_head", "coop_reporter", "leader"])
@pytest.mark.parametrize("name", ["approve_selected", "reject_selected", "delete_selected"])
def test_only_the_office_has_moderation_actions(world, role, name):
    comment = world.comments["own"]
    before = state(comment)
    client = world.client(role)

    listing = client.get(changelist_url("comment"))
    response = action(client, name, [comment], reason="越权", post="yes")

    assert 'name="action"' not in listing.content.decode()
    assert response.status_code == 403
    assert state(comment) == before


@pytest.mark.django_db
def test_unrelated_staff_cannot_act_on_comments(world):
    comment = world.comments["other"]
    before = state(comment)

    response = action(world.client("unrelated_reporter"), "approve_selected", [comment])

    assert response.status_code == 403
    assert state(comment) == before


# --- moderation: the buttons on the page ---------------------------------------------------


def moderate_url(comment, what: str) -> str:
    return reverse(f"admin:feedback_comment_{what}", args=[comment.pk])


@pytest.mark.django_db
def test_office_approves_one_comment_from_its_page(world):
    comment = world.comments["own"]

    response = world.client("coordinator").post(moderate_url(comment, "approve"))

    assert response.status_code == 302
    assert response["Location"] == change_url(comment)
    assert Comment.objects.get(pk=comment.pk).state == CommentState.PUBLISHED


@pytest.mark.django_db
def test_office_rejects_one_comment_from_its_page_with_a_reason(world):
    comment = world.comments["own_published"]
    client = world.client("coordinator")

    refused = client.post(moderate_url(comment, "reject"), {"reason": " "})
    assert Comment.objects.get(pk=comment.pk).state == CommentState.PUBLISHED
    assert (messages.ERROR, "Give the reason for rejecting the comment.") in messages_of(refused)

    response = client.post(moderate_url(comment, "reject"), {"reason": "涉及个人隐私"})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.state == CommentState.REJECTED
    assert comment.moderation_reason == "涉及个人隐私"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, status",
    [
        ("lead_reporter", 403),
        ("lead_head", 403),
        ("coop_reporter", 403),
        ("unrelated_reporter", 404),
        ("leader", 403),
    ],
)
@pytest.mark.parametrize("what", ["approve", "reject"])
def test_only_the_office_moderates_from_the_page(world, role, status, what):
    comment = world.comments["own"]
    before = state(comment)

    response = world.client(role).post(moderate_url(comment, what), {"reason": "越权"})

    assert response.status_code == status
    assert state(comment) == before


@pytest.mark.django_db
def test_moderation_urls_answer_only_post(world):
    comment = world.comments["own"]

    response = world.client("coordinator").get(moderate_url(comment, "approve"))

    assert response.status_code == 405
    assert Comment.objects.get(pk=comment.pk).state == CommentState.PENDING


# --- overdue replies -----------------------------------------------------------------------


@pytest.fixture
def reply_deadlines(world):
    project = world.projects["own"]
    comments = {
        "overdue": CommentFactory(project=project, reply_due_on=datetime.date(2024, 9, 20)),
        "due_today": CommentFactory(project=project, reply_due_on=TODAY),
        "awaiting": CommentFactory(
            project=project, state=CommentState.PUBLISHED, reply_due_on=datetime.date(2024, 10, 9)
        ),
        "replied": CommentFactory(
            project=project, state=CommentState.PUBLISHED, reply_due_on=datetime.date(2024, 9, 2)
        ),
        "rejected": CommentFactory(
            project=project, state=CommentState.REJECTED, reply_due_on=datetime.date(2024, 9, 2)
        ),
    }
    ReplyFactory(comment=comments["replied"])
    Comment.objects.filter(pk__in=[c.pk for c in world.comments.values()]).delete()
    return comments


def row_of(page: str, comment) -> str:
    start = page.index(f'name="_selected_action" value="{comment.pk}"')
    return page[start : page.index("</tr>", start)]


@pytest.mark.django_db
def test_list_marks_replies_overdue(world, reply_deadlines):
    page = world.client("coordinator").get(changelist_url("comment")).content.decode()

    assert "Overdue by 10 days" in row_of(page, reply_deadlines["overdue"])
    assert "Awaiting reply" in row_of(page, reply_deadlines["due_today"])
    assert "Awaiting reply" in row_of(page, reply_deadlines["awaiting"])
    assert "Replied" in row_of(page, reply_deadlines["replied"])
    rejected = row_of(page, reply_deadlines["rejected"])
    assert "Overdue" not in rejected and "Awaiting" not in rejected


@pytest.mark.django_db
def test_overdue_by_one_day_is_singular(world):
    comment = CommentFactory(
        project=world.projects["own"], reply_due_on=TODAY - datetime.timedelta(days=1)
    )

    page = world.client("lead_reporter").get(change_url(comment)).content.decode()

    assert "Overdue by 1 day" in page
    assert "Overdue by 1 days" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value, expected",
    [
        ("overdue", {"overdue"}),
        ("awaiting", {"due_today", "awaiting"}),
        ("replied", {"replied"}),
    ],
)
@pytest.mark.parametrize("role", ["coordinator", "lead_reporter"])
def test_reply_status_filter(world, reply_deadlines, role, value, expected):
    response = world.client(role).get(changelist_url("comment") + f"?reply_status={value}")

    assert response.status_code == 200
    assert shown(response) == {reply_deadlines[key].pk for key in expected}


@pytest.mark.django_db
def test_overdue_filter_agrees_with_the_queryset(world, reply_deadlines):
    response = world.client("coordinator").get(changelist_url("comment") + "?reply_status=overdue")

    assert shown(response) == set(Comment.objects.reply_overdue(TODAY).values_list("pk", flat=True))


# --- sensitive words -----------------------------------------------------------------------


def test_highlight_marks_each_word_and_escapes_the_rest():
    html = highlight("<b>强制拆迁</b> and CHAI and chai", ["拆迁", "chai"])

    assert str(html) == (
        '&lt;b&gt;强制<mark class="ms-flagged">拆迁</mark>&lt;/b&gt; and '
        '<mark class="ms-flagged">CHAI</mark> and <mark class="ms-flagged">chai</mark>'
    )
    assert str(highlight("<i>x</i>", [])) == "&lt;i&gt;x&lt;/i&gt;"


@pytest.mark.django_db
def test_a_comment_with_a_sensitive_word_waits_with_the_word_highlighted(world, settings):
    # given: the office's word list, and a comment that contains one of them
    settings.MINSHENG_COMMENTS_PREMODERATED = False
    SensitiveWordFactory(word="拆迁")
    world.projects["own"].published = True
    world.projects["own"].save()
    comment = services.comment_create(
        project=world.projects["own"],
        nickname="居民",
        body="听说要强制拆迁<b>真的吗</b>",
        client_hash="f" * 64,
    )
    clean = services.comment_create(
        project=world.projects["own"], nickname="居民", body="学校很好", client_hash="e" * 64
    )
    assert comment.state == CommentState.PENDING
    assert clean.state == CommentState.PUBLISHED
    client = world.client("coordinator")

    # when
    listing = client.get(changelist_url("comment") + "?flagged=yes")
    page = client.get(change_url(comment)).content.decode()

    # then: the queue shows it, the word marked and the rest escaped
    assert shown(listing) == {comment.pk}
    listing_html = listing.content.decode()
    assert '强制<mark class="ms-flagged">拆迁</mark>&lt;b&gt;真的吗&lt;/b&gt;' in listing_html
    assert '强制<mark class="ms-flagged">拆迁</mark>&lt;b&gt;真的吗&lt;/b&gt;' in page
    assert "<b>真的吗</b>" not in page
    unflagged = shown(client.get(changelist_url("comment") + "?flagged=no"))
    assert comment.pk not in unflagged and clean.pk in unflagged


@pytest.mark.django_db
def test_pending_filter_is_the_queue(world):
    response = world.client("coordinator").get(changelist_url("comment") + "?state__exact=pending")

    assert shown(response) == {world.comments["own"].pk, world.comments["other"].pk}
    assert 'class="ms-state ms-state--pending"' in response.content.decode()


@pytest.mark.django_db
def test_office_keeps_the_list_of_sensitive_words(world):
    client = world.client("coordinator")
    word = SensitiveWordFactory(word="赌博")

    added = client.post(reverse("admin:feedback_sensitiveword_add"), {"word": "诈骗"})
    removed = client.post(
        reverse("admin:feedback_sensitiveword_delete", args=[word.pk]), {"post": "yes"}
    )

    assert added.status_code == 302
    assert removed.status_code == 302
    assert list(SensitiveWord.objects.values_list("word", flat=True)) == ["诈骗"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["lead_reporter", "coop_reporter", "leader"])
def test_others_cannot_change_the_sensitive_words(world, role):
    word = SensitiveWordFactory(word="赌博")
    client = world.client(role)

    added = client.post(reverse("admin:feedback_sensitiveword_add"), {"word": "诈骗"})
    removed = client.post(
        reverse("admin:feedback_sensitiveword_delete", args=[word.pk]), {"post": "yes"}
    )

    assert added.status_code == 403
    assert removed.status_code == 403
    assert list(SensitiveWord.objects.values_list("word", flat=True)) == ["赌博"]


# --- suggestions ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_office_answers_a_suggestion(world):
    suggestion = SuggestionFactory(contact="13805520009")
    client = world.client("coordinator")
    url = change_url(suggestion)
    page = client.get(url).content.decode()
    assert "13805520009" in page
    assert 'name="title"' not in page and 'name="contact"' not in page

    response = client.post(
        url,
        {
            "state": SuggestionState.ADOPTED,
            "answer": "  已纳入2025年民生实事计划。 ",
            "title": "改写的标题",
        },
    )

    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.ADOPTED
    assert suggestion.answer == "已纳入2025年民生实事计划。"
    assert suggestion.answered_by == world.users["coordinator"]
    assert suggestion.title.startswith("建议增设社区食堂")
    assert suggestion.history.first().history_user == world.users["coordinator"]


@pytest.mark.django_db
@pytest.mark.parametrize("answer", ["", "   "])
def test_an_answered_state_without_an_answer_shows_the_error(world, answer):
    suggestion = SuggestionFactory()
    before = Suggestion.objects.filter(pk=suggestion.pk).values().get()

    response = world.client("coordinator").post(
        change_url(suggestion), {"state": SuggestionState.NOT_ADOPTED, "answer": answer}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["answer"] == [
        "Write the answer the public will read."
    ]
    assert Suggestion.objects.filter(pk=suggestion.pk).values().get() == before


@pytest.mark.django_db
def test_suggestion_list_filters(world):
    category = CategoryFactory(code="env", name="生态保护与绿色发展")
    wanted = SuggestionFactory(category=category, state=SuggestionState.UNDER_STUDY, answer="研究")
    SuggestionFactory()
    client = world.client("coordinator")

    by_state = client.get(changelist_url("suggestion") + "?state__exact=under_study")
    by_category = client.get(changelist_url("suggestion") + f"?category__id__exact={category.pk}")

    assert shown(by_state) == {wanted.pk}
    assert shown(by_category) == {wanted.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["lead_reporter", "coop_reporter", "unrelated_reporter"])
def test_department_staff_have_no_suggestion_admin(world, role):
    suggestion = SuggestionFactory()
    client = world.client(role)

    assert client.get(changelist_url("suggestion")).status_code == 403
    assert client.get(change_url(suggestion)).status_code == 403


@pytest.mark.django_db
def test_leadership_reads_suggestions_without_changing_them(world):
    suggestion = SuggestionFactory()
    client = world.client("leader")

    page = client.get(change_url(suggestion))
    response = client.post(
        change_url(suggestion), {"state": SuggestionState.NOT_ADOPTED, "answer": "不采纳"}
    )

    assert page.status_code == 200
    assert 'name="answer"' not in page.content.decode()
    assert response.status_code == 403
    assert Suggestion.objects.get(pk=suggestion.pk).state == SuggestionState.RECEIVED


# --- leadership ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_leadership_reads_comments_and_changes_nothing(world):
    comment = world.comments["own"]
    client = world.client("leader")
    before = state(comment)

    listing = client.get(changelist_url("comment"))
    page = client.get(change_url(comment))
    delete = client.post(
        reverse("admin:feedback_comment_delete", args=[comment.pk]), {"post": "yes"}
    )

    assert listing.status_code == 200
    assert 'name="action"' not in listing.content.decode()
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert delete.status_code == 403
    assert state(comment) == before


# --- exports -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_comment_export_holds_contact_but_never_the_fingerprint(world):
    ReplyFactory(comment=world.comments["own_published"], body="已回复内容")

    text = csv_text(export(world.client("coordinator"), "comment"))

    header = text.splitlines()[0]
    assert header.startswith("年度,项目序号,项目名称,牵头单位,昵称,联系方式,留言内容")
    assert "回复内容" in header
    assert "13905520001" in text and "13905520002" in text
    assert "已回复内容" in text
    for comment in world.comments.values():
        assert comment.client_hash not in text
    assert "client" not in text.lower() and "hash" not in text.lower()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_comment_export_holds_only_what_the_user_sees(world, role):
    text = csv_text(export(world.client(role), "comment"))

    assert ("13905520001" in text) is sees(role, "own")
    assert ("13905520002" in text) is sees(role, "other")


@pytest.mark.django_db
def test_comment_export_follows_the_list_filters(world):
    text = csv_text(export(world.client("coordinator"), "comment", query="?state__exact=published"))

    assert "期待早日建成" in text
    assert "学校什么时候开学" not in text
    assert "服务站几点开门" not in text


@pytest.mark.django_db
def test_comment_export_of_forged_selected_ids_leaks_nothing(world):
    client = world.client("lead_reporter")
    url = reverse("admin:feedback_comment_export")
    data = form_data(client, url, pick=is_post_form)
    data["format"] = "1"
    data["export_items"] = [str(world.comments["other"].pk)]

    response = client.post(url, data)

    text = csv_text(response)
    assert "服务站几点开门" not in text
    assert "学校什么时候开学" not in text


@pytest.mark.django_db
def test_exported_resident_text_is_never_a_formula(world):
    CommentFactory(
        project=world.projects["own"], nickname='=HYPERLINK("http://x","y")', body="+1 支持"
    )

    rows = xlsx_rows(export(world.client("coordinator"), "comment", "xlsx"))

    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://x","y")' in cells
    assert "'+1 支持" in cells


@pytest.mark.django_db
def test_rating_export_as_xlsx_leaves_the_fingerprints_out(world):
    rating = RatingFactory(project=world.projects["own"], remark="路修得很好")
    RatingFactory(project=world.projects["other"], level=RatingLevel.DISSATISFIED)

    rows = xlsx_rows(export(world.client("lead_reporter"), "rating", "xlsx"))

    assert rows[0] == [
        "年度",
        "项目序号",
        "项目名称",
        "牵头单位",
        "满意度",
        "意见",
        "首次评价时间",
        "评价时间",
    ]
    assert len(rows) == 2  # the header and the lead department's one rating
    assert rows[1][2] == "新建朝阳路小学" and rows[1][4] == "满意" and rows[1][5] == "路修得很好"
    flat = " ".join(str(cell) for row in rows for cell in row)
    assert rating.visitor_hash not in flat and rating.client_hash not in flat


@pytest.mark.django_db
def test_suggestion_export_holds_contact_and_answer(world):
    suggestion = SuggestionFactory(
        contact="13805520077", state=SuggestionState.ADOPTED, answer="已采纳"
    )

    text = csv_text(export(world.client("coordinator"), "suggestion"))

    assert "13805520077" in text and "已采纳" in text and suggestion.title in text
    assert suggestion.client_hash not in text


# --- escaping ------------------------------------------------------------------------------


def assert_escaped(html: str) -> None:
    for raw in XSS_RAW:
        assert raw not in html, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.fixture
def hostile_comments(world):
    # "alert" is a sensitive word too, so that highlighting runs inside the payloads.
    SensitiveWordFactory(word="alert")
    return [
        CommentFactory(
            project=world.projects["own"],
            nickname=payload[:NICKNAME_MAX],
            body=payload,
            flagged_words="alert",
        )
        for payload in XSS_PAYLOADS
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "lead_reporter"])
def test_hostile_comments_are_escaped_in_the_list_and_pages(world, hostile_comments, role):
    client = world.client(role)

    assert_escaped(client.get(changelist_url("comment")).content.decode())
    for comment in hostile_comments:
        page = client.get(change_url(comment)).content.decode()
        for raw in XSS_RAW:
            assert raw not in page
        assert '<mark class="ms-flagged">alert</mark>' in page
    page = client.get(change_url(hostile_comments[0])).content.decode()
    assert '&lt;script&gt;<mark class="ms-flagged">alert</mark>(1)&lt;/script&gt;' in page


@pytest.mark.django_db
def test_hostile_comments_are_escaped_on_the_reject_page_and_in_messages(world, hostile_comments):
    client = world.client("coordinator")

    page = action(client, "reject_selected", hostile_comments)
    assert_escaped(page.content.decode())

    published = action(client, "approve_selected", hostile_comments)
    again = client.post(
        changelist_url("comment"),
        {"action": "approve_selected", "_selected_action": [str(c.pk) for c in hostile_comments]},
        follow=True,
    )
    assert published.status_code == 302
    assert_escaped(again.content.decode())


@pytest.mark.django_db
def test_hostile_comment_history_is_escaped(world, hostile_comments):
    comment = hostile_comments[0]
    services.comment_reject(comment=comment, by=world.users["coordinator"], reason=XSS_PAYLOADS[0])

    page = world.client("coordinator").get(
        reverse("admin:feedback_comment_history", args=[comment.pk])
    )

    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.content.decode()


@pytest.mark.django_db
def test_hostile_suggestions_and_ratings_are_escaped(world):
    suggestion = SuggestionFactory(
        title=XSS_PAYLOADS[0], description=XSS_PAYLOADS[1], nickname=XSS_PAYLOADS[2][:NICKNAME_MAX]
    )
    rating = RatingFactory(project=world.projects["own"], remark=XSS_PAYLOADS[0])
    client = world.client("coordinator")

    for url in (
        changelist_url("suggestion"),
        change_url(suggestion),
        changelist_url("rating"),
        change_url(rating),
    ):
        html = client.get(url).content.decode()
        for raw in XSS_RAW:
            assert raw not in html, url


# --- history -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_rejected_comment_keeps_its_history(world):
    comment = world.comments["own"]
    client = world.client("coordinator")

    action(client, "reject_selected", [comment], reason="重复留言")

    records = list(comment.history.order_by("history_date", "history_id"))
    assert [r.state for r in records] == [CommentState.PENDING, CommentState.REJECTED]
    assert records[-1].moderation_reason == "重复留言"
    assert records[-1].history_user == world.users["coordinator"]
    page = client.get(reverse("admin:feedback_comment_history", args=[comment.pk]))
    assert page.status_code == 200


@pytest.mark.django_db
def test_a_deleted_comment_keeps_its_history(world):
    comment = world.comments["own"]
    ReplyFactory(comment=comment)
    services.comment_approve(comment=comment, by=world.users["coordinator"])
    client = world.client("coordinator")
    url = reverse("admin:feedback_comment_delete", args=[comment.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()
    records = Comment.history.filter(id=comment.pk).order_by("history_date", "history_id")
    assert [r.history_type for r in records] == ["+", "~", "-"]
    assert records.last().history_user == world.users["coordinator"]
    assert Reply.history.filter(comment_id=comment.pk, history_type="-").exists()
    # The office can still read it.
    page = client.get(reverse("admin:feedback_comment_history", args=[comment.pk]))
    assert page.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", LEAD_STAFF + ["coop_reporter", "leader"])
def test_only_the_office_deletes_comments(world, role):
    comment = world.comments["own"]
    url = reverse("admin:feedback_comment_delete", args=[comment.pk])

    response = world.client(role).post(url, {"post": "yes"})

    assert response.status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


@pytest.mark.django_db
def test_old_versions_of_a_comment_cannot_be_restored(world):
    comment = world.comments["own"]
    services.comment_reject(comment=comment, by=world.users["coordinator"], reason="广告")
    first = comment.history.earliest("history_date")
    url = reverse("admin:feedback_comment_simple_history", args=[comment.pk, first.history_id])

    response = world.client("coordinator").post(url, {})

    assert response.status_code == 403
    assert Comment.objects.get(pk=comment.pk).state == CommentState.REJECTED


# --- query counts --------------------------------------------------------------------------


def add_comments(world, count: int) -> None:
    for i in range(count):
        project = world.projects["own" if i % 2 else "other"]
        comment = CommentFactory(
            project=project,
            state=[CommentState.PENDING, CommentState.PUBLISHED, CommentState.REJECTED][i % 3],
            flagged_words="拆迁" if i % 4 == 0 else "",
            reply_due_on=datetime.date(2024, 9, 1 + i % 28),
        )
        if i % 5 == 0 and comment.state != CommentState.REJECTED:
            ReplyFactory(comment=comment, author=world.users["lead_reporter"])


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "lead_reporter"])
def test_comment_list_queries_do_not_grow_with_the_comments(world, role):
    client = world.client(role)
    url = changelist_url("comment")
    client.get(url)  # warm process-wide caches
    add_comments(world, 3)

    few = count_queries(client, url)
    add_comments(world, 27)
    many = count_queries(client, url)

    assert many == few


@pytest.mark.django_db
def test_rating_and_reply_lists_queries_do_not_grow(world):
    client = world.client("coordinator")
    for model in ("rating", "reply"):
        client.get(changelist_url(model))
    for _ in range(3):
        RatingFactory(project=world.projects["own"])
    add_comments(world, 6)
    few = [count_queries(client, changelist_url(m)) for m in ("rating", "reply")]
    for _ in range(20):
        RatingFactory(project=world.projects["other"])
    add_comments(world, 30)
    many = [count_queries(client, changelist_url(m)) for m in ("rating", "reply")]

    assert many == few
