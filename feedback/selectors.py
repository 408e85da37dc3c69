"""Reads of public feedback for the public pages: published only, no contact details."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from minsheng.numbers import percent

from .choices import RatingLevel
from .models import Comment, Rating, Suggestion

COMMENTS_ON_PROJECT_PAGE = 20

_PUBLIC_COMMENT_FIELDS = (
    "pk",
    "project_id",
    "nickname",
    "body",
    "created_at",
    "reply__body",
    "reply__created_at",
    "reply__department__name",
    "reply__department__short_name",
)


def public_comments(project_id: int):
    """Published comments of a project with their replies, newest first (not yet evaluated).

    Only the fields a resident may read: ``only()`` keeps contact and client hash out of
    the page's objects altogether.
    """
    return (
        Comment.objects.published()
        .filter(project_id=project_id)
        .select_related("reply", "reply__department")
        .only(*[field for field in _PUBLIC_COMMENT_FIELDS if field != "pk"])
        .order_by("-created_at", "-pk")
    )


def project_page_comments(project_id: int) -> tuple[list[Comment], bool]:
    """The newest comments for the project page, and whether there are more (one query)."""
    comments = list(public_comments(project_id)[: COMMENTS_ON_PROJECT_PAGE + 1])
    return comments[:COMMENTS_ON_PROJECT_PAGE], len(comments) > COMMENTS_ON_PROJECT_PAGE


@dataclass(frozen=True)
class Satisfaction:
    total: int
    satisfied: int
    fairly_satisfied: int
    dissatisfied: int

    @property
    def rate(self) -> Decimal | None:
        """(满意 + 基本满意) / all, in percent with one decimal; None without ratings."""
        return percent(self.satisfied + self.fairly_satisfied, self.total)

    @property
    def levels(self) -> list[tuple[str, str, int]]:
        return [
            (RatingLevel.SATISFIED.value, RatingLevel.SATISFIED.label, self.satisfied),
            (
                RatingLevel.FAIRLY_SATISFIED.value,
                RatingLevel.FAIRLY_SATISFIED.label,
                self.fairly_satisfied,
            ),
            (RatingLevel.DISSATISFIED.value, RatingLevel.DISSATISFIED.label, self.dissatisfied),
        ]


def satisfaction_of(ratings) -> Satisfaction:
    """Counts by level over a queryset of ratings (one query)."""
    counts = ratings.aggregate(
        total=Count("pk"),
        satisfied=Count("pk", filter=Q(level=RatingLevel.SATISFIED)),
        fairly_satisfied=Count("pk", filter=Q(level=RatingLevel.FAIRLY_SATISFIED)),
        dissatisfied=Count("pk", filter=Q(level=RatingLevel.DISSATISFIED)),
    )
    return Satisfaction(**counts)


def project_satisfaction(project_id: int) -> Satisfaction:
    return satisfaction_of(Rating.objects.filter(project_id=project_id))


def answered_suggestions():
    """Proposals the coordinating office has answered, newest answer first; no contact."""
    return (
        Suggestion.objects.answered()
        .select_related("category", "area")
        .only(
            "title",
            "description",
            "state",
            "answer",
            "answered_at",
            "created_at",
            "category__name",
            "area__name",
        )
        .order_by("-answered_at", "-pk")
    )
