"""Residents' feedback for the demo plan: comments with replies, ratings and proposals.

Loaded by ``manage.py loaddemo`` after the projects; idempotent like the rest of the demo.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from .choices import CommentState, RatingLevel, SuggestionState
from .models import Comment, Rating, Reply, SensitiveWord, Suggestion
from .workdays import add_working_days

DEMO_CLIENT = "demo"
SENSITIVE_WORDS = ["代开发票", "办证", "赌博", "贷款中介"]

# (project number, nickname, posted, body, state, reply or None, replied on)
COMMENTS = [
    (
        18,
        "朝阳路张女士",
        "2024-07-02 09:12",
        "我们小区什么时候开始改造？雨污管网能不能一起改？",
        CommentState.PUBLISHED,
        "您好！朝阳路片区老旧小区改造已于6月开工，雨污分流管网改造同步实施，预计11月底完工。施工期间如有问题可拨打区住建局电话0552-4957006。",
        "2024-07-05 15:30",
    ),
    (
        18,
        "老街坊",
        "2024-08-20 19:45",
        "改造后小区的停车位能增加吗？晚上车都停到路上了。",
        CommentState.PUBLISHED,
        "感谢您的建议。本次改造在不减少绿地的前提下新增停车位46个，并施划消防通道，9月底前完成。",
        "2024-08-26 10:02",
    ),
    (
        19,
        "三单元住户",
        "2024-09-10 20:31",
        "我家单元想加装电梯，一楼住户有顾虑，社区能帮忙协调吗？",
        CommentState.PUBLISHED,
        None,
        None,
    ),
    (
        4,
        "家长李先生",
        "2024-06-15 21:05",
        "孩子学校的教室灯什么时候换？晚自习光线确实不好。",
        CommentState.PUBLISHED,
        "您好！教室照明改造分两批实施，第二批学校利用暑假施工，9月开学前全部完成更换。",
        "2024-06-19 16:40",
    ),
    (
        11,
        "王阿姨",
        "2024-05-08 08:20",
        "65岁以上免费体检在哪里做？需要预约吗？",
        CommentState.PUBLISHED,
        "您好！可持身份证到户籍所在地社区卫生服务中心体检，无需预约，建议空腹前往。行动不便的老人可联系家庭医生上门服务。",
        "2024-05-10 11:15",
    ),
    (
        17,
        "晨练的市民",
        "2024-09-24 07:50",
        "希望在涂山风景区登山口也配一台AED。",
        CommentState.PENDING,
        None,
        None,
    ),
    (
        30,
        "热心市民",
        "2024-09-26 13:14",
        "专业代开发票，价格优惠，联系我。",
        CommentState.PENDING,
        None,
        None,
    ),
]

# project number → counts of 满意, 基本满意, 不满意
RATINGS = {
    1: (36, 8, 1),
    11: (52, 11, 3),
    18: (28, 9, 5),
    19: (9, 6, 7),
    25: (6, 5, 9),
    28: (31, 10, 2),
    46: (40, 6, 1),
}

# (title, description, category code, state, answer, posted, answered)
SUGGESTIONS = [
    (
        "增设社区托育服务点",
        "双职工家庭越来越多，希望在朝阳街道、大庆街道各建一个普惠托育点，解决0—3岁婴幼儿照护难题。",
        "education",
        SuggestionState.ADOPTED,
        "已采纳。拟列入2025年民生实事“新增普惠性托育托位”项目，由区卫健委牵头实施。",
        "2024-08-03 10:20",
        "2024-09-12 09:00",
    ),
    (
        "老旧小区加装路灯",
        "部分老旧小区巷道夜间照明不足，老人晚上出行不安全。",
        "housing",
        SuggestionState.UNDER_STUDY,
        "正在研究。区住建局将结合2025年老旧小区改造计划统一摸排，年底前公布结果。",
        "2024-08-18 20:11",
        "2024-09-20 15:00",
    ),
    (
        "建设大型室内滑雪场",
        "希望在区里建一个室内滑雪场，丰富冬季娱乐。",
        "ecology",
        SuggestionState.NOT_ADOPTED,
        "暂不采纳。该项目投资大、以经营性服务为主，不属于政府兜底保障的民生实事范围，可由市场主体投资建设。",
        "2024-07-22 12:00",
        "2024-08-30 10:00",
    ),
    (
        "增开到高铁站的夜间公交",
        "晚上九点以后从蚌埠南站回禹会区没有公交，希望增开夜班车。",
        "transport",
        SuggestionState.RECEIVED,
        "",
        "2024-09-25 22:40",
        None,
    ),
]


def _at(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.strptime(text, "%Y-%m-%d %H:%M"))


def load_feedback_demo(writer, *, plan, users: dict) -> None:
    """Create or update the demo's feedback through the demo loader's ``writer``."""
    from departments.models import Department
    from projects.models import Category, Project

    projects = {project.number: project for project in Project.objects.filter(plan=plan)}
    for word in SENSITIVE_WORDS:
        writer.row(SensitiveWord, {"word": word}, {})
    for number, nickname, posted, body, state, reply, replied in COMMENTS:
        project = projects[number]
        flagged = ",".join(word for word in SENSITIVE_WORDS if word in body)
        comment = writer.row(
            Comment,
            {"project": project, "nickname": nickname, "created_at": _at(posted)},
            {
                "body": body,
                "state": state,
                "flagged_words": flagged,
                "client_hash": DEMO_CLIENT,
                "reply_due_on": add_working_days(_at(posted).date(), 5),
                "moderated_by": users["coordinator"] if state == CommentState.PUBLISHED else None,
                "moderated_at": _at(posted) + datetime.timedelta(hours=20)
                if state == CommentState.PUBLISHED
                else None,
            },
        )
        if reply:
            author = next(
                (
                    user
                    for user in users.values()
                    if user.memberships.filter(department_id=project.lead_department_id).exists()
                ),
                None,
            )
            writer.row(
                Reply,
                {"comment": comment},
                {
                    "department": Department.objects.get(pk=project.lead_department_id),
                    "body": reply,
                    "author": author,
                    "created_at": _at(replied),
                },
            )
    for number, counts in RATINGS.items():
        project = projects[number]
        levels = (RatingLevel.SATISFIED, RatingLevel.FAIRLY_SATISFIED, RatingLevel.DISSATISFIED)
        visitor = 0
        for level, count in zip(levels, counts, strict=True):
            for _ in range(count):
                visitor += 1
                writer.row(
                    Rating,
                    {"project": project, "visitor_hash": f"demo-{number}-{visitor}"},
                    {"level": level, "client_hash": DEMO_CLIENT},
                )
    categories = {category.code: category for category in Category.objects.all()}
    for title, description, code, state, answer, posted, answered in SUGGESTIONS:
        writer.row(
            Suggestion,
            {"title": title},
            {
                "description": description,
                "category": categories.get(code),
                "state": state,
                "answer": answer,
                "answered_by": users["coordinator"] if answered else None,
                "answered_at": _at(answered) if answered else None,
                "created_at": _at(posted),
                "client_hash": DEMO_CLIENT,
            },
        )
