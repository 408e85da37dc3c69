"""Public feedback as residents use it: comments, satisfaction ratings and proposals.

Every refused input is checked for the message the resident reads, for what they typed being
kept, and for nothing having been written.
"""

import datetime
import html
import re

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from feedback import services
from feedback.choices import CommentState, RatingLevel, SuggestionState
from feedback.clients import client_hash
from feedback.models import Comment, Rating, Reply, SensitiveWord, Suggestion
from feedback.workdays import add_working_days, is_workday, working_days_between
from minsheng.services import ServiceError
from projects.services import lights_refresh
from tests.factories import (
    AreaFactory,
    CategoryFactory,
    DepartmentFactory,
    NotificationProfileFactory,
    ProjectFactory,
    UserFactory,
    coordinator,
    reporter,
)

D = datetime.date
XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
]


@pytest.fixture
def lead():
    return DepartmentFactory(
        name="区住房和城乡建设局", short_name="区住建局", email="zhujian@example.cn"
    )


@pytest.fixture
def project(lead):
    project = ProjectFactory(lead_department=lead, title="老旧小区改造")
    UserFactory(username="zj-staff", email="staff@example.cn").memberships.create(department=lead)
    return project


@pytest.fixture
def office():
    return coordinator()


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def token_of(client, path):
    """The CSRF token of the first form on a page, as a browser would send it."""
    response = client.get(path)
    assert response.status_code == 200, path
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)
    assert match, f"no CSRF field on {path}"
    return match.group(1).decode()


def post_comment(client, project, **fields):
    data = {"nickname": "王阿姨", "contact": "", "body": "小区的路灯什么时候修好？", **fields}
    data.setdefault("csrfmiddlewaretoken", token_of(client, f"/projects/{project.pk}/"))
    return client.post(f"/projects/{project.pk}/comments/", data)


def post_rating(client, project, **fields):
    data = {"level": RatingLevel.SATISFIED, "remark": "", **fields}
    data.setdefault("csrfmiddlewaretoken", token_of(client, f"/projects/{project.pk}/"))
    return client.post(f"/projects/{project.pk}/rating/", data)


def published_comment(project, body="路灯已经修好了吗？", nickname="居民", **more):
    return Comment.objects.create(
        project=project,
        nickname=nickname,
        body=body,
        state=CommentState.PUBLISHED,
        client_hash="x" * 64,
        reply_due_on=D(2024, 10, 12),
        **more,
    )


# --- the project page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_project_page_shows_published_comments_with_replies_and_never_contact(
    client, project, lead
):
    # given: a published comment with an official reply, a pending and a rejected comment
    answered = published_comment(project, contact="13900001111", body="请问何时完工？")
    Reply.objects.create(comment=answered, department=lead, body="预计年底前完工。")
    Comment.objects.create(
        project=project,
        nickname="甲",
        body="尚未审核的留言",
        client_hash="y",
        reply_due_on=D(2024, 10, 12),
    )
    Comment.objects.create(
        project=project,
        nickname="乙",
        body="未通过审核的留言",
        state=CommentState.REJECTED,
        client_hash="y",
        reply_due_on=D(2024, 10, 12),
    )

    # when
    page = client.get(f"/projects/{project.pk}/").content.decode()

    # then: the published comment and its reply with the department's name and date
    assert "请问何时完工？" in page
    assert "预计年底前完工。" in page
    assert "区住房和城乡建设局" in page
    assert gettext("Official reply") in page
    assert "尚未审核的留言" not in page
    assert "未通过审核的留言" not in page
    assert "13900001111" not in page
    # and: the forms to comment and to rate, each with its CSRF field
    assert f'action="/projects/{project.pk}/comments/#comment-form"' in page
    assert f'action="/projects/{project.pk}/rating/"' in page
    assert page.count('name="csrfmiddlewaretoken"') == 2


@pytest.mark.django_db
def test_cached_project_page_gives_each_visitor_their_own_csrf_token(project):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    path = f"/projects/{project.pk}/"

    miss = first.get(path)
    hit = second.get(path)

    assert miss["X-Page-Cache"] == "miss"
    assert hit["X-Page-Cache"] == "hit"
    assert b"__minsheng-csrf-token__" not in miss.content + hit.content
    assert token_of(first, path) != token_of(second, path)
    assert "Cookie" in hit["Vary"]
    # and: a token from the cached page is accepted
    response = post_comment(second, project)
    assert response.status_code == 302
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_an_approved_comment_and_its_reply_appear_at_once_on_the_cached_page(
    client, project, office, lead, django_capture_on_commit_callbacks
):
    post_comment(client, project, body="希望增加停车位")
    comment = Comment.objects.get()
    path = f"/projects/{project.pk}/"
    assert "希望增加停车位" not in client.get(path).content.decode()
    assert client.get(path)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_approve(comment=comment, by=office)
    assert "希望增加停车位" in client.get(path).content.decode()

    staff = reporter("zj-reporter", lead)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_save(comment=comment, by=staff, body="已纳入改造方案。")
    page = client.get(path).content.decode()
    assert "已纳入改造方案。" in page


@pytest.mark.django_db
def test_project_page_queries_do_not_grow_with_comments_and_ratings(client, project, lead):
    lights_refresh()

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/projects/{project.pk}/").status_code == 200
        return len(queries)

    comment = published_comment(project)
    Reply.objects.create(comment=comment, department=lead, body="答复")
    Rating.objects.create(
        project=project, level=RatingLevel.SATISFIED, visitor_hash="v0", client_hash="c"
    )
    few = count()
    for n in range(40):
        comment = published_comment(project, body=f"留言{n}")
        Reply.objects.create(comment=comment, department=lead, body=f"答复{n}")
        Rating.objects.create(
            project=project,
            level=RatingLevel.DISSATISFIED,
            visitor_hash=f"v{n + 1}",
            client_hash="c",
        )
    many = count()

    assert few == many == 13  # one of them: the approved plan changes
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert f'href="/projects/{project.pk}/comments/"' in page  # more than fit on the page


# --- comments ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_posting_a_comment_keeps_it_for_review_and_says_so(csrf_client, project):
    response = post_comment(csrf_client, project, contact="13812345678")

    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/comments/sent/"
    comment = Comment.objects.get()
    assert comment.state == CommentState.PENDING
    assert comment.contact == "13812345678"
    assert comment.reply_due_on == D(2024, 10, 12)  # National Day holiday, then a Saturday workday
    # The address is kept only as a salted hash.
    assert comment.client_hash and "127.0.0.1" not in comment.client_hash
    assert len(comment.client_hash) == 64
    page = csrf_client.get(response["Location"]).content.decode()
    assert (
        gettext(
            "Your comment has been received and awaits review. Once approved it appears on the "
            "project page, and the lead department answers it within 5 working days."
        )
        in page
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"nickname": ""}, "nickname", "This field is required."),
        ({"nickname": "   "}, "nickname", "This field is required."),
        ({"body": ""}, "body", "This field is required."),
        ({"body": "字" * 1001}, "body", None),
        ({"nickname": "名" * 31}, "nickname", None),
        (
            {"contact": "12345"},
            "contact",
            "Enter a mobile number (11 digits), a landline such as 0552-4957006, or an e-mail address.",
        ),
        ({"contact": "bad@"}, "contact", "Enter a valid e-mail address."),
    ],
)
def test_a_comment_with_an_error_is_shown_again_with_everything_typed(
    csrf_client, project, fields, field, message
):
    typed = {
        "nickname": "李师傅",
        "contact": "0552-4957006",
        "body": "希望早日完工，谢谢！",
        **fields,
    }

    response = post_comment(csrf_client, project, **typed)

    assert response.status_code == 400
    page = response.content.decode()
    assert gettext("Please correct the fields marked below; what you typed is kept.") in page
    if message:
        assert html.escape(gettext(message)) in page
    if field == "body" and len(typed["body"]) > 1000:
        assert "1000" in page
    assert f'id="comment-{field}-error"' in page
    assert html.escape(typed["body"]) in page
    assert html.escape(typed["nickname"].strip()) in page or not typed["nickname"].strip()
    assert Comment.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_honeypot_gets_a_thank_you_and_nothing_is_kept(csrf_client, project):
    response = post_comment(csrf_client, project, website="http://spam.example")

    assert response.status_code == 302
    assert Comment.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_comment_without_csrf_token_is_refused_with_a_clear_page(csrf_client, project):
    response = csrf_client.post(
        f"/projects/{project.pk}/comments/", {"nickname": "王", "body": "内容"}
    )

    assert response.status_code == 403
    assert gettext("Your form could not be sent") in response.content.decode()
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_comments_are_limited_per_client_per_minute_with_429(csrf_client, project, settings):
    settings.MINSHENG_COMMENT_RATE = "2/m,10/d"
    assert post_comment(csrf_client, project, body="第一条").status_code == 302
    assert post_comment(csrf_client, project, body="第二条").status_code == 302

    response = post_comment(csrf_client, project, body="第三条留言")

    assert response.status_code == 429
    page = response.content.decode()
    assert gettext("You are sending too fast. Please wait a minute and try again.") in page
    assert "第三条留言" in page  # kept in the form
    assert Comment.objects.count() == 2
    # Another client is not held back.
    other = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.0.9")
    assert post_comment(other, project).status_code == 302


@pytest.mark.django_db
def test_comments_are_limited_per_client_per_day(csrf_client, project, settings):
    settings.MINSHENG_COMMENT_RATE = "5/m,3/d"
    start = timezone.now()
    for minutes in (0, 10, 20):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes)):
            assert post_comment(csrf_client, project).status_code == 302

    with time_machine.travel(start + datetime.timedelta(hours=3)):
        response = post_comment(csrf_client, project)
    assert response.status_code == 429
    assert (
        ngettext(
            "You have reached the limit of %(count)d submission a day. Please try again tomorrow.",
            "You have reached the limit of %(count)d submissions a day. Please try again tomorrow.",
            3,
        )
        % {"count": 3}
        in response.content.decode()
    )
    assert Comment.objects.count() == 3

    with time_machine.travel(start + datetime.timedelta(hours=25)):
        assert post_comment(csrf_client, project).status_code == 302


@pytest.mark.django_db
def test_a_comment_with_a_sensitive_word_always_waits_for_review(csrf_client, project, settings):
    settings.MINSHENG_COMMENTS_PREMODERATED = False
    SensitiveWord.objects.create(word="代开发票")

    post_comment(csrf_client, project, body="专业代开发票，联系我")
    post_comment(csrf_client, project, body="施工噪音太大了")

    flagged = Comment.objects.get(body__contains="发票")
    clean = Comment.objects.get(body__contains="噪音")
    assert flagged.state == CommentState.PENDING
    assert flagged.flagged_word_list == ["代开发票"]
    assert clean.state == CommentState.PUBLISHED


@pytest.mark.django_db
def test_a_comment_published_at_once_says_so(csrf_client, project, settings):
    settings.MINSHENG_COMMENTS_PREMODERATED = False

    response = post_comment(csrf_client, project)

    assert response["Location"].endswith("?published=1")
    assert (
        gettext(
            "Your comment has been published. The lead department will answer it on the project page."
        )
        in csrf_client.get(response["Location"]).content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS)
def test_what_a_resident_types_is_escaped_on_the_public_pages(
    csrf_client, project, office, payload
):
    post_comment(csrf_client, project, nickname=payload[:30], body=payload)
    comment = Comment.objects.get()
    services.comment_approve(comment=comment, by=office)
    cache.clear()

    for path in (f"/projects/{project.pk}/", f"/projects/{project.pk}/comments/"):
        page = csrf_client.get(path).content.decode()
        assert payload not in page
        assert html.escape(payload) in page
    assert (
        "<script>alert(1)</script>"
        not in csrf_client.get(f"/projects/{project.pk}/").content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS)
def test_what_a_resident_types_is_escaped_in_the_e_mail_to_the_department(
    csrf_client, project, payload, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(csrf_client, project, nickname="居民", body=payload)

    # One message to the department's staff member, one to the department's own address.
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        html_part, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert payload not in html_part
        assert html.escape(payload) in html_part
        # The plain-text part carries the words as typed: text is never run as markup.
        assert payload in message.body


@pytest.mark.django_db
def test_a_new_comment_is_announced_to_the_lead_department_after_commit(
    csrf_client, project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        post_comment(csrf_client, project, body="请尽快修复")
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()

    # Each person and the department's own address get a message of their own.
    assert sorted(message.to for message in mail.outbox) == [
        ["staff@example.cn"],
        ["zhujian@example.cn"],
    ]
    comment = Comment.objects.get()
    for message in mail.outbox:
        assert "老旧小区改造" in message.subject
        assert "请尽快修复" in message.body
        assert f"/admin/feedback/comment/{comment.pk}/change/" in message.body


@pytest.mark.django_db
def test_the_new_comment_notice_goes_to_each_person_by_the_channels_they_chose(
    csrf_client, project, lead, settings, django_capture_on_commit_callbacks
):
    from notifications import sms
    from notifications.models import ReminderLog

    settings.MINSHENG_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    sms.outbox.clear()
    texter = UserFactory(username="zj-sms", email="sms-only@example.cn")
    texter.memberships.create(department=lead)
    NotificationProfileFactory(user=texter, channel="sms", mobile="13800000001")
    both = UserFactory(username="zj-both", email="both@example.cn")
    both.memberships.create(department=lead)
    NotificationProfileFactory(user=both, channel="both", mobile="13800000002")
    UserFactory(username="other-dept", email="other@example.cn").memberships.create(
        department=DepartmentFactory()
    )

    with django_capture_on_commit_callbacks(execute=True):
        post_comment(csrf_client, project, body="路灯坏了")

    # The person who chose text messages gets no e-mail; the one who chose both gets both.
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "both@example.cn",
        "staff@example.cn",
        "zhujian@example.cn",
    ]
    assert sorted(message.to for message in sms.outbox) == ["13800000001", "13800000002"]
    assert all("老旧小区改造" in message.body for message in sms.outbox)
    # A second run of the notice (a retried task) sends nothing more.
    from notifications.services import comment_notify

    comment_notify(comment_id=Comment.objects.get().pk)
    assert len(mail.outbox) == 3 and len(sms.outbox) == 2
    assert ReminderLog.objects.filter(kind="comment_new", status="sent").count() == 4


@pytest.mark.django_db
def test_a_failing_mail_server_does_not_lose_the_comment(csrf_client, project, settings, caplog):
    settings.EMAIL_BACKEND = "tests.test_feedback.BrokenMailBackend"

    response = post_comment(csrf_client, project)

    assert response.status_code == 302
    assert Comment.objects.count() == 1


class BrokenMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.mark.django_db
def test_comment_pages_of_unknown_or_unpublished_projects_are_404(csrf_client, project):
    hidden = ProjectFactory(published=False)
    token = token_of(csrf_client, f"/projects/{project.pk}/")
    for pk in (hidden.pk, 999999):
        assert csrf_client.get(f"/projects/{pk}/comments/").status_code == 404
        assert csrf_client.get(f"/projects/{pk}/rating/").status_code == 404
        response = csrf_client.post(
            f"/projects/{pk}/comments/",
            {"csrfmiddlewaretoken": token, "nickname": "a", "body": "b"},
        )
        assert response.status_code == 404
        response = csrf_client.post(
            f"/projects/{pk}/rating/", {"csrfmiddlewaretoken": token, "level": "satisfied"}
        )
        assert response.status_code == 404
    assert csrf_client.get("/projects/abc/comments/").status_code == 404
    assert Comment.objects.count() == 0
    assert Rating.objects.count() == 0


# --- replies and moderation (services) --------------------------------------------------------


@pytest.mark.django_db
def test_only_the_lead_department_replies(project, lead):
    comment = published_comment(project)
    cooperating = DepartmentFactory(name="区城管局")
    project.cooperating_departments.add(cooperating)
    for user in (
        reporter("helper", cooperating),
        reporter("other", DepartmentFactory()),
        coordinator("co2"),
    ):
        with pytest.raises(PermissionDenied):
            services.reply_save(comment=comment, by=user, body="越权答复")
    assert Reply.objects.count() == 0

    staff = reporter("zj-1", lead)
    reply = services.reply_save(comment=comment, by=staff, body="正式答复")
    assert (reply.department, reply.author) == (lead, staff)
    services.reply_save(comment=comment, by=staff, body="更正后的答复")
    assert Reply.objects.get().body == "更正后的答复"


@pytest.mark.django_db
def test_a_rejected_comment_gets_no_reply_and_keeps_its_trail(project, lead, office):
    comment = published_comment(project)
    with pytest.raises(ServiceError):
        services.comment_reject(comment=comment, by=office, reason="  ")
    comment.refresh_from_db()
    assert comment.state == CommentState.PUBLISHED

    services.comment_reject(comment=comment, by=office, reason="含广告内容")
    with pytest.raises(ServiceError):
        services.reply_save(comment=comment, by=reporter("zj-2", lead), body="答复")
    comment.refresh_from_db()
    assert (comment.state, comment.moderation_reason, comment.moderated_by) == (
        CommentState.REJECTED,
        "含广告内容",
        office,
    )
    history = list(comment.history.order_by("history_id"))
    assert history[-1].state == CommentState.REJECTED
    assert history[-1].history_user == office

    comment_pk = comment.pk
    comment.delete()
    assert Comment.history.filter(id=comment_pk, history_type="-").exists()


@pytest.mark.django_db
def test_department_staff_cannot_moderate(project, lead):
    comment = Comment.objects.create(
        project=project, nickname="甲", body="待审", client_hash="h", reply_due_on=D(2024, 10, 12)
    )
    with pytest.raises(PermissionDenied):
        services.comment_approve(comment=comment, by=reporter("zj-3", lead))
    comment.refresh_from_db()
    assert comment.state == CommentState.PENDING


# --- ratings ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_later_rating_replaces_the_visitors_earlier_one(csrf_client, project):
    response = post_rating(csrf_client, project, level=RatingLevel.DISSATISFIED, remark="太慢")
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/rating/sent/"

    post_rating(csrf_client, project, level=RatingLevel.SATISFIED, remark="有进展")

    rating = Rating.objects.get()
    assert (rating.level, rating.remark) == (RatingLevel.SATISFIED, "有进展")
    # Another visitor on the same network rates on their own.
    post_rating(Client(enforce_csrf_checks=True), project, level=RatingLevel.FAIRLY_SATISFIED)
    assert Rating.objects.count() == 2


@pytest.mark.django_db
def test_the_satisfaction_rate_counts_satisfied_and_fairly_satisfied(client, project):
    for n, level in enumerate(
        [
            RatingLevel.SATISFIED,
            RatingLevel.SATISFIED,
            RatingLevel.FAIRLY_SATISFIED,
            RatingLevel.DISSATISFIED,
        ]
    ):
        Rating.objects.create(project=project, level=level, visitor_hash=f"v{n}", client_hash="c")

    page = client.get(f"/projects/{project.pk}/").content.decode()

    assert '<span class="satisfaction__figure">75%</span>' in page
    assert (
        ngettext(
            "satisfied or fairly satisfied, of %(total)s rating",
            "satisfied or fairly satisfied, of %(total)s ratings",
            4,
        )
        % {"total": 4}
        in page
    )


@pytest.mark.django_db
@pytest.mark.parametrize("level", ["", "excellent"])
def test_a_rating_without_a_valid_level_is_refused(csrf_client, project, level):
    response = post_rating(csrf_client, project, level=level, remark="备注保留")

    assert response.status_code == 400
    page = response.content.decode()
    assert "备注保留" in page
    assert 'id="rating-level-error"' in page
    assert Rating.objects.count() == 0


@pytest.mark.django_db
def test_ratings_are_rate_limited_per_client(csrf_client, project, settings):
    settings.MINSHENG_RATING_RATE = "1/m"
    other = ProjectFactory(plan=project.plan)
    assert post_rating(csrf_client, project).status_code == 302

    response = post_rating(csrf_client, other)

    assert response.status_code == 429
    assert Rating.objects.count() == 1


# --- suggestions ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_resident_proposes_a_project(csrf_client):
    category, area = CategoryFactory(name="教育"), AreaFactory(name="朝阳街道")
    token = token_of(csrf_client, "/suggestions/")

    response = csrf_client.post(
        "/suggestions/",
        {
            "csrfmiddlewaretoken": token,
            "title": "增设社区托育点",
            "description": "朝阳街道双职工家庭多，希望就近托育。",
            "category": category.pk,
            "area": area.pk,
            "contact": "13812345678",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/suggestions/sent/"
    suggestion = Suggestion.objects.get()
    assert (suggestion.category, suggestion.area, suggestion.state) == (
        category,
        area,
        SuggestionState.RECEIVED,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"title": ""},
        {"description": "  "},
        {"category": "999999"},
        {"area": "not-a-number"},
        {"contact": "call me"},
        {"title": "题" * 101},
    ],
)
def test_a_proposal_with_an_error_keeps_what_was_typed(csrf_client, fields):
    typed = {"title": "增设公交线路", "description": "希望开通到高铁站的公交。", **fields}
    typed["csrfmiddlewaretoken"] = token_of(csrf_client, "/suggestions/")

    response = csrf_client.post("/suggestions/", typed)

    assert response.status_code == 400
    page = response.content.decode()
    assert gettext("Please correct the fields marked below; what you typed is kept.") in page
    assert html.escape(typed["description"]) in page or not typed["description"].strip()
    assert Suggestion.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS)
def test_only_answered_proposals_are_listed_escaped_and_without_contact(client, office, payload):
    answered = services.suggestion_create(
        title=payload[:100], description=payload, contact="13700001111", client_hash="h"
    )
    services.suggestion_answer(
        suggestion=answered,
        by=office,
        state=SuggestionState.ADOPTED,
        answer="已列入2025年民生实事。",
    )
    services.suggestion_create(title="尚未答复的建议", description="内容", client_hash="h")

    page = client.get("/suggestions/").content.decode()

    assert payload not in page
    assert html.escape(payload) in page
    assert "已列入2025年民生实事。" in page
    assert gettext(SuggestionState.ADOPTED.label) in page
    assert "尚未答复的建议" not in page
    assert "13700001111" not in page


@pytest.mark.django_db
def test_an_answered_state_needs_words(office):
    suggestion = services.suggestion_create(title="建议", description="内容", client_hash="h")
    with pytest.raises(ServiceError):
        services.suggestion_answer(
            suggestion=suggestion, by=office, state=SuggestionState.NOT_ADOPTED, answer=" "
        )
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.RECEIVED


@pytest.mark.django_db
def test_proposals_are_rate_limited(csrf_client, settings):
    settings.MINSHENG_SUGGESTION_RATE = "1/d"
    token = token_of(csrf_client, "/suggestions/")
    data = {"csrfmiddlewaretoken": token, "title": "建议", "description": "内容"}
    assert csrf_client.post("/suggestions/", data).status_code == 302

    response = csrf_client.post("/suggestions/", {**data, "title": "第二条建议"})

    assert response.status_code == 429
    assert "第二条建议" in response.content.decode()
    assert Suggestion.objects.count() == 1


# --- pieces -----------------------------------------------------------------------------------


def test_working_days_follow_the_chinese_calendar():
    assert not is_workday(D(2024, 10, 1))  # National Day
    assert is_workday(D(2024, 10, 12))  # a Saturday made a workday
    assert add_working_days(D(2024, 9, 30), 5) == D(2024, 10, 12)
    assert add_working_days(D(2024, 6, 3), 5) == D(2024, 6, 11)  # Dragon Boat Festival on the 10th
    assert working_days_between(D(2024, 9, 30), D(2024, 10, 12)) == 5


def test_working_days_beyond_the_calendar_fall_back_to_weekdays():
    assert add_working_days(D(2100, 1, 1), 5) == D(2100, 1, 8)


def test_rate_limits_are_parsed_and_a_malformed_one_is_refused():
    assert services.parse_rate("5/m, 20/d") == [
        services.RateLimit(5, 60),
        services.RateLimit(20, 86400),
    ]
    with pytest.raises(ValueError):
        services.parse_rate("five a minute")


def test_client_hash_is_salted_and_never_the_address(rf, settings):
    request = rf.get("/", REMOTE_ADDR="203.0.113.7")
    first = client_hash(request)
    assert "203.0.113.7" not in first
    assert first == client_hash(rf.get("/", REMOTE_ADDR="203.0.113.7"))
    settings.MINSHENG_CLIENT_HASH_SALT = "another-salt"
    assert client_hash(request) != first


def test_client_address_comes_from_the_configured_proxy_header(rf, settings):
    settings.MINSHENG_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.MINSHENG_TRUSTED_PROXIES = ["10.0.0.1"]
    behind_proxy = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="198.51.100.4")
    other_client = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="198.51.100.5")
    assert client_hash(behind_proxy) != client_hash(other_client)
