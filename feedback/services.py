"""Every write of public feedback: atomic, recorded in history, notifications after commit."""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from departments.roles import department_ids, is_coordinator
from minsheng import clock
from minsheng.services import ServiceError
from projects.models import Project

from .choices import ANSWERED_SUGGESTION_STATES, CommentState, SuggestionState
from .models import Comment, Rating, Reply, SensitiveWord, Suggestion
from .workdays import add_working_days

# Sent inside the transaction that records a resident's comment, so that the app above this
# one (notifications, the gateway of every message to staff) can tell the lead department
# after the commit; this app does not know who is told, or how.
comment_posted = Signal()

_RATE_PART = re.compile(r"^\s*(\d+)\s*/\s*([smhd])\s*$")
_PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RateLimited(ServiceError):
    """Too many submissions from one client in a period; the view answers HTTP 429."""


@dataclass(frozen=True)
class RateLimit:
    count: int
    seconds: int


def parse_rate(value: str) -> list[RateLimit]:
    """``"5/m,20/d"`` → limits of 5 a minute and 20 a day. Raises ValueError when malformed."""
    limits = []
    for part in filter(None, (piece.strip() for piece in value.split(","))):
        match = _RATE_PART.match(part)
        if not match:
            raise ValueError(f"rate limit {part!r} is not like 5/m, 20/h or 100/d")
        limits.append(RateLimit(int(match[1]), _PERIOD_SECONDS[match[2]]))
    return limits


def _hold_client_lock(model, client_hash: str) -> None:
    """Let one client's submissions of one kind be counted and written one at a time.

    Two requests counting at once would both see room for one more (50 comments posted at
    once stored 6 against a limit of 5). On PostgreSQL a transaction-level advisory lock per
    (kind, client) makes the second wait until the first has committed or rolled back; other
    clients are not held up. SQLite runs one writing transaction at a time anyway.
    """
    if connection.vendor != "postgresql":
        return
    name = f"feedback-rate:{model._meta.label}:{client_hash}"
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _check_rate(model, *, client_hash: str, field: str, rate: str) -> None:
    """Refuse a submission over the client's limits; call inside the writing transaction.

    Counted from the rows themselves: exact across every web worker, with or without Redis.
    """
    _hold_client_lock(model, client_hash)
    queryset = model.objects.filter(client_hash=client_hash)
    now = timezone.now()
    for limit in sorted(parse_rate(rate), key=lambda limit: limit.seconds):
        since = now - datetime.timedelta(seconds=limit.seconds)
        if queryset.filter(**{f"{field}__gte": since}).count() >= limit.count:
            if limit.seconds <= 60:
                message = _("You are sending too fast. Please wait a minute and try again.")
            elif limit.seconds <= 3600:
                message = _("You have sent a lot within the hour. Please try again later.")
            else:
                message = ngettext(
                    "You have reached the limit of %(count)d submission a day. Please try again tomorrow.",
                    "You have reached the limit of %(count)d submissions a day. Please try again tomorrow.",
                    limit.count,
                ) % {"count": limit.count}
            raise RateLimited(message)


def sensitive_words_in(*texts: str) -> list[str]:
    """The configured sensitive words that occur in any of ``texts`` (case-insensitive)."""
    haystack = "\n".join(texts).casefold()
    return [
        word
        for word in SensitiveWord.objects.values_list("word", flat=True)
        if word and word.casefold() in haystack
    ]


def _check_open_for_feedback(project: Project) -> None:
    if not Project.objects.published().filter(pk=project.pk).exists():
        raise ServiceError(_("This project is not open for comments."))


@transaction.atomic
def comment_create(
    *, project: Project, nickname: str, body: str, client_hash: str, contact: str = ""
) -> Comment:
    """Record a resident's comment; it waits for review unless clean and review is not required."""
    _check_open_for_feedback(project)
    _check_rate(
        Comment, client_hash=client_hash, field="created_at", rate=settings.MINSHENG_COMMENT_RATE
    )
    flagged = sensitive_words_in(nickname, body)
    publish_at_once = not settings.MINSHENG_COMMENTS_PREMODERATED and not flagged
    comment = Comment(
        project=project,
        nickname=nickname.strip(),
        contact=contact.strip(),
        body=body.strip(),
        state=CommentState.PUBLISHED if publish_at_once else CommentState.PENDING,
        flagged_words=",".join(flagged)[:200],
        client_hash=client_hash,
        reply_due_on=add_working_days(clock.today(), settings.MINSHENG_REPLY_WORKING_DAYS),
    )
    comment.full_clean()
    comment.save()
    comment_posted.send(sender=Comment, comment=comment)
    return comment


def _check_moderator(by) -> None:
    if not (is_coordinator(by) and by.has_perm("feedback.change_comment")):
        raise PermissionDenied(_("Only the coordinating office moderates comments."))


@transaction.atomic
def comment_approve(*, comment: Comment, by) -> Comment:
    """Publish a comment awaiting review (or one rejected by mistake)."""
    _check_moderator(by)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.state == CommentState.PUBLISHED:
        raise ServiceError(_("This comment is already published."))
    comment.state = CommentState.PUBLISHED
    comment.moderation_reason = ""
    comment.moderated_by = by
    comment.moderated_at = timezone.now()
    comment._history_user = by
    comment.save(update_fields=["state", "moderation_reason", "moderated_by", "moderated_at"])
    return comment


@transaction.atomic
def comment_reject(*, comment: Comment, by, reason: str) -> Comment:
    """Keep a comment off the public page, with the reason on record (its history stays)."""
    _check_moderator(by)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": _("Give the reason for rejecting the comment.")})
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.state == CommentState.REJECTED:
        raise ServiceError(_("This comment is already rejected."))
    comment.state = CommentState.REJECTED
    comment.moderation_reason = reason[:200]
    comment.moderated_by = by
    comment.moderated_at = timezone.now()
    comment._history_user = by
    comment.save(update_fields=["state", "moderation_reason", "moderated_by", "moderated_at"])
    return comment


def can_reply(user, comment: Comment) -> bool:
    """Only staff of the project's lead department answer its comments."""
    return (
        user.is_authenticated
        and user.is_active
        and comment.state != CommentState.REJECTED
        and comment.project.lead_department_id in department_ids(user)
    )


@transaction.atomic
def reply_save(*, comment: Comment, by, body: str) -> Reply:
    """Write or correct the lead department's official reply to a comment."""
    comment = Comment.objects.select_for_update().select_related("project").get(pk=comment.pk)
    if comment.project.lead_department_id not in department_ids(by):
        raise PermissionDenied(_("Only the lead department replies to comments on its projects."))
    if comment.state == CommentState.REJECTED:
        raise ServiceError(_("A rejected comment gets no public reply."))
    body = (body or "").strip()
    if not body:
        raise ServiceError({"body": _("Write the reply.")})
    reply = Reply.objects.filter(comment=comment).first() or Reply(
        comment=comment, department_id=comment.project.lead_department_id
    )
    reply.body = body
    reply.author = by
    reply.full_clean()
    reply._history_user = by
    reply.save()
    return reply


@transaction.atomic
def rating_submit(
    *, project: Project, level: str, visitor_hash: str, client_hash: str, remark: str = ""
) -> tuple[Rating, bool]:
    """Record a visitor's satisfaction; a later rating of the same project replaces theirs."""
    _check_open_for_feedback(project)
    _check_rate(
        Rating, client_hash=client_hash, field="updated_at", rate=settings.MINSHENG_RATING_RATE
    )
    now = timezone.now()
    rating = (
        Rating.objects.select_for_update()
        .filter(project=project, visitor_hash=visitor_hash)
        .first()
    )
    created = rating is None
    if created:
        rating = Rating(project=project, visitor_hash=visitor_hash, created_at=now)
    rating.level = level
    rating.remark = remark.strip()
    rating.client_hash = client_hash
    rating.updated_at = now
    rating.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        # The same visitor rating twice at the same moment: keep the later one.
        Rating.objects.filter(project=project, visitor_hash=visitor_hash).update(
            level=level, remark=rating.remark, client_hash=client_hash, updated_at=now
        )
        rating = Rating.objects.get(project=project, visitor_hash=visitor_hash)
        created = False
    return rating, created


@transaction.atomic
def suggestion_create(
    *,
    title: str,
    description: str,
    client_hash: str,
    category=None,
    area=None,
    nickname: str = "",
    contact: str = "",
) -> Suggestion:
    """Record a resident's proposal for next year's list."""
    _check_rate(
        Suggestion,
        client_hash=client_hash,
        field="created_at",
        rate=settings.MINSHENG_SUGGESTION_RATE,
    )
    suggestion = Suggestion(
        title=title.strip(),
        description=description.strip(),
        category=category,
        area=area,
        nickname=nickname.strip(),
        contact=contact.strip(),
        client_hash=client_hash,
    )
    suggestion.full_clean()
    suggestion.save()
    return suggestion


@transaction.atomic
def suggestion_answer(*, suggestion: Suggestion, by, state: str, answer: str) -> Suggestion:
    """Triage a proposal; an answered state needs words the public will read."""
    if not (is_coordinator(by) and by.has_perm("feedback.change_suggestion")):
        raise PermissionDenied(_("Only the coordinating office answers suggestions."))
    answer = (answer or "").strip()
    if state in ANSWERED_SUGGESTION_STATES and not answer:
        raise ServiceError({"answer": _("Write the answer the public will read.")})
    if state not in SuggestionState.values:
        raise ServiceError({"state": _("Unknown state.")})
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    suggestion.state = state
    suggestion.answer = answer
    suggestion.answered_by = by
    suggestion.answered_at = timezone.now()
    suggestion._history_user = by
    suggestion.save(update_fields=["state", "answer", "answered_by", "answered_at"])
    return suggestion
