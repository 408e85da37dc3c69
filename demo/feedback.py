"""Residents' feedback on the demo plan: comments with replies, ratings and proposals.

Loaded after the projects, through the same writer, so idempotent like the rest of the demo.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from departments.models import Department
from feedback.choices import CommentState, RatingLevel
from feedback.models import Comment, Rating, Reply, SensitiveWord, Suggestion
from feedback.workdays import add_working_days
from projects.models import Category, Project

from .dataset import COMMENTS, RATINGS, SENSITIVE_WORDS, SUGGESTIONS

DEMO_CLIENT = "demo"


def _at(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.strptime(text, "%Y-%m-%d %H:%M"))


def load_feedback(writer, *, plan, users: dict) -> None:
    """Create or update the demo's feedback through the demo loader's ``writer``."""
    projects = {project.number: project for project in Project.objects.filter(plan=plan)}
    for word in SENSITIVE_WORDS:
        writer.row(SensitiveWord, {"word": word}, {})
    for spec in COMMENTS:
        project = projects[spec["project"]]
        posted = _at(spec["posted"])
        published = spec["state"] == CommentState.PUBLISHED
        comment = writer.row(
            Comment,
            {"project": project, "nickname": spec["nickname"], "created_at": posted},
            {
                "body": spec["body"],
                "state": spec["state"],
                "flagged_words": ",".join(w for w in SENSITIVE_WORDS if w in spec["body"]),
                "client_hash": DEMO_CLIENT,
                "reply_due_on": add_working_days(posted.date(), 5),
                "moderated_by": users["coordinator"] if published else None,
                "moderated_at": posted + datetime.timedelta(hours=20) if published else None,
            },
        )
        if spec["reply"]:
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
                    "body": spec["reply"],
                    "author": author,
                    "created_at": _at(spec["replied"]),
                },
            )
    levels = (RatingLevel.SATISFIED, RatingLevel.FAIRLY_SATISFIED, RatingLevel.DISSATISFIED)
    for number, counts in RATINGS.items():
        project = projects[number]
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
    for spec in SUGGESTIONS:
        answered = spec["answered"]
        writer.row(
            Suggestion,
            {"title": spec["title"]},
            {
                "description": spec["description"],
                "category": categories.get(spec["category"]),
                "state": spec["state"],
                "answer": spec["answer"],
                "answered_by": users["coordinator"] if answered else None,
                "answered_at": _at(answered) if answered else None,
                "created_at": _at(spec["posted"]),
                "client_hash": DEMO_CLIENT,
            },
        )
