"""Comments, replies, ratings and suggestions from residents (DESIGN.md, ``feedback/``).

What a resident types is kept as typed and escaped wherever it is shown. Contact details and
the client's address never reach a public page: the address is stored only as a salted hash
(``feedback.clients``), for rate limits and abuse review.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import (
    ANSWERED_SUGGESTION_STATES,
    CommentState,
    RatingLevel,
    SuggestionState,
)

NICKNAME_MAX = 30
CONTACT_MAX = 100
COMMENT_MAX = 1000
REMARK_MAX = 200
REPLY_MAX = 2000
SUGGESTION_TITLE_MAX = 100
SUGGESTION_DESCRIPTION_MAX = 2000
HASH_LENGTH = 64


class CommentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=CommentState.PUBLISHED)

    def pending(self):
        return self.filter(state=CommentState.PENDING)

    def awaiting_reply(self):
        """Comments a department still owes an answer: not rejected, no reply yet."""
        return self.exclude(state=CommentState.REJECTED).filter(reply__isnull=True)

    def reply_overdue(self, on_date: datetime.date):
        return self.awaiting_reply().filter(reply_due_on__lt=on_date)

    def for_public(self):
        return self.published().filter(project__published=True, project__plan__published=True)


class Comment(models.Model):
    """A resident's message about a project (留言), shown once the coordinating office approves it."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("project"),
    )
    nickname = models.CharField(_("nickname"), max_length=NICKNAME_MAX)
    contact = models.CharField(
        _("contact"),
        max_length=CONTACT_MAX,
        blank=True,
        help_text=_("Phone or e-mail for a private answer; never shown in public."),
    )
    body = models.CharField(_("comment"), max_length=COMMENT_MAX)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=CommentState.choices,
        default=CommentState.PENDING,
        db_index=True,
    )
    flagged_words = models.CharField(
        _("sensitive words found"),
        max_length=200,
        blank=True,
        help_text=_(
            "Sensitive words the comment contains; such a comment is never published without review."
        ),
    )
    moderation_reason = models.CharField(_("reason for rejection"), max_length=200, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    reply_due_on = models.DateField(
        _("reply due on"),
        help_text=_("The lead department answers within 5 working days (Chinese calendar)."),
    )
    client_hash = models.CharField(_("client fingerprint"), max_length=HASH_LENGTH, editable=False)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now, db_index=True)

    history = HistoricalRecords()
    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["client_hash", "created_at"], name="comment_client_recent"),
            models.Index(fields=["project", "state", "-created_at"], name="comment_project_state"),
        ]

    def __str__(self):
        return f"{self.nickname}: {self.body[:30]}"

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.project_id]) + f"#comment-{self.pk}"

    @property
    def flagged_word_list(self) -> list[str]:
        return [word for word in self.flagged_words.split(",") if word]

    def reply_overdue_on(self, on_date: datetime.date) -> bool:
        if self.state == CommentState.REJECTED:
            return False
        has_reply = hasattr(self, "reply")
        return not has_reply and self.reply_due_on < on_date


class Reply(models.Model):
    """The lead department's official answer to a comment (回复), shown under it."""

    comment = models.OneToOneField(
        Comment, on_delete=models.CASCADE, related_name="reply", verbose_name=_("comment")
    )
    department = models.ForeignKey(
        "departments.Department",
        on_delete=models.PROTECT,
        related_name="replies",
        verbose_name=_("department"),
    )
    body = models.CharField(_("reply"), max_length=REPLY_MAX)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("replied at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("official reply")
        verbose_name_plural = _("official replies")

    def __str__(self):
        return f"{self.department}: {self.body[:30]}"


class Rating(models.Model):
    """A visitor's satisfaction with a project (满意度); a later rating replaces the earlier one."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="ratings",
        verbose_name=_("project"),
    )
    level = models.CharField(_("satisfaction"), max_length=20, choices=RatingLevel.choices)
    remark = models.CharField(_("remark"), max_length=REMARK_MAX, blank=True)
    visitor_hash = models.CharField(
        _("visitor fingerprint"), max_length=HASH_LENGTH, editable=False
    )
    client_hash = models.CharField(_("client fingerprint"), max_length=HASH_LENGTH, editable=False)
    created_at = models.DateTimeField(_("rated at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "visitor_hash"],
                name="rating_one_per_visitor",
                violation_error_message=_("This visitor has already rated this project."),
            ),
        ]
        indexes = [
            models.Index(fields=["client_hash", "updated_at"], name="rating_client_recent"),
        ]

    def __str__(self):
        return f"{self.project}: {self.get_level_display()}"


class SuggestionQuerySet(models.QuerySet):
    def answered(self):
        return self.filter(state__in=ANSWERED_SUGGESTION_STATES).exclude(answer="")


class Suggestion(models.Model):
    """A resident's proposal for next year's list (建议), triaged and answered in public."""

    title = models.CharField(_("title"), max_length=SUGGESTION_TITLE_MAX)
    description = models.CharField(_("description"), max_length=SUGGESTION_DESCRIPTION_MAX)
    category = models.ForeignKey(
        "projects.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("category"),
    )
    area = models.ForeignKey(
        "departments.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("area"),
    )
    nickname = models.CharField(_("nickname"), max_length=NICKNAME_MAX, blank=True)
    contact = models.CharField(
        _("contact"),
        max_length=CONTACT_MAX,
        blank=True,
        help_text=_("Phone or e-mail; never shown in public."),
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=SuggestionState.choices,
        default=SuggestionState.RECEIVED,
        db_index=True,
    )
    answer = models.TextField(
        _("answer"), blank=True, help_text=_("Shown in public with the state.")
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    client_hash = models.CharField(_("client fingerprint"), max_length=HASH_LENGTH, editable=False)
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)

    history = HistoricalRecords()
    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["client_hash", "created_at"], name="suggestion_client_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state__in=ANSWERED_SUGGESTION_STATES) | ~Q(answer=""),
                name="suggestion_answered_with_words",
                violation_error_message=_("Write the answer the public will read."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("feedback:suggestions") + f"#suggestion-{self.pk}"


class SensitiveWord(models.Model):
    """A word that sends any comment containing it to the moderation queue (敏感词)."""

    word = models.CharField(_("word"), max_length=50, unique=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("sensitive word")
        verbose_name_plural = _("sensitive words")
        ordering = ["word"]

    def __str__(self):
        return self.word
