"""The staff side of public feedback: moderation, official replies, ratings and suggestions.

Who does what here:

- the coordinating office moderates comments (approve, or reject with a reason, one by one or
  in bulk), keeps the list of sensitive words and answers suggestions;
- the lead department's staff read the comments on their projects and write the official
  reply; staff of a cooperating department read them too, without a reply form;
- leadership reads everything and changes nothing.

What a resident wrote (nickname, contact, text) is never editable in the admin, and is always
escaped: the only markup added around it is the ``<mark>`` of a sensitive word. Every write goes
through ``feedback.services``, which checks who is asking and keeps the history.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from departments.roles import is_coordinator, sees_everything
from minsheng import clock
from minsheng.admin_actions import ServiceActionsMixin
from minsheng.admin_exports import SelectedExportMixin
from minsheng.services import ServiceError
from projects.admin_scoping import DepartmentScopedAdminMixin

from . import services
from .admin_forms import RejectCommentForm, ReplyInlineForm, SuggestionAnswerForm
from .choices import CommentState
from .models import Comment, Rating, Reply, SensitiveWord, Suggestion
from .resources import CommentResource, RatingResource, SuggestionResource

EXCERPT_LENGTH = 80


def highlight(text: str, words: Iterable[str]):
    """``text`` escaped, with each occurrence of ``words`` (any case) wrapped in ``<mark>``."""
    text = text or ""
    words = sorted({word for word in words if word}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    pieces = []
    last = 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(format_html('<mark class="ms-flagged">{}</mark>', match.group()))
        last = match.end()
    pieces.append(escape(text[last:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    text = text or ""
    return text if len(text) <= length else text[:length] + "…"


def state_badge(comment: Comment):
    return format_html(
        '<span class="ms-state ms-state--{}">{}</span>',
        comment.state,
        comment.get_state_display(),
    )


def reply_status(comment: Comment, today):
    """Replied, awaiting a reply, or overdue by so many days (rejected comments owe nothing)."""
    if comment.state == CommentState.REJECTED:
        return "—"
    if hasattr(comment, "reply"):
        return format_html('<span class="ms-reply ms-reply--done">✓ {}</span>', _("Replied"))
    if comment.reply_due_on < today:
        days = (today - comment.reply_due_on).days
        label = ngettext("Overdue by %(days)d day", "Overdue by %(days)d days", days) % {
            "days": days
        }
        return format_html('<span class="ms-reply ms-reply--overdue">⚠ {}</span>', label)
    return format_html('<span class="ms-reply ms-reply--waiting">{}</span>', _("Awaiting reply"))


class StaffExportMixin(SelectedExportMixin, ExportMixin):
    """Exports follow the list's filters and scope; CSV with a byte-order mark for Excel."""

    to_encoding = "utf-8-sig"


# --- comments ------------------------------------------------------------------------------


class FlaggedListFilter(admin.SimpleListFilter):
    title = _("contains sensitive words")
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(flagged_words="")
        if self.value() == "no":
            return queryset.filter(flagged_words="")
        return queryset


class ReplyStatusListFilter(admin.SimpleListFilter):
    title = _("reply")
    parameter_name = "reply_status"

    def lookups(self, request, model_admin):
        return [
            ("replied", _("Replied")),
            ("awaiting", _("Awaiting reply")),
            ("overdue", _("Overdue")),
        ]

    def queryset(self, request, queryset):
        today = clock.today()
        if self.value() == "replied":
            return queryset.filter(reply__isnull=False)
        if self.value() == "awaiting":
            return queryset.awaiting_reply().filter(reply_due_on__gte=today)
        if self.value() == "overdue":
            return queryset.reply_overdue(today)
        return queryset


class ReplyInline(admin.StackedInline):
    """The official reply: written by the lead department's staff, read by everyone else."""

    model = Reply
    form = ReplyInlineForm
    fields = ["body", "department", "author", "created_at", "updated_at"]
    readonly_fields = ["department", "author", "created_at", "updated_at"]
    max_num = 1
    can_delete = False

    def _can_reply(self, request, obj) -> bool:
        return obj is not None and services.can_reply(request.user, obj)

    def get_extra(self, request, obj=None, **kwargs):
        # A one-to-one inline always allows one form (Django forces max_num=1 for it), so the
        # empty reply form must be withheld here from those who may not write it.
        return 1 if self.has_add_permission(request, obj) else 0

    def has_view_permission(self, request, obj=None):
        # No empty "official reply" section for those who read a comment still unanswered.
        if obj is not None and not hasattr(obj, "reply") and not self._can_reply(request, obj):
            return False
        return super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._can_reply(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._can_reply(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


RESIDENT_FIELDS = ["project", "nickname_display", "contact", "body_display", "created_at"]
MODERATION_FIELDS = [
    "state_display",
    "flagged_display",
    "moderation_reason",
    "moderated_by",
    "moderated_at",
]
REPLY_FIELDS = ["reply_due_on", "reply_status_display"]


@admin.register(Comment)
class CommentAdmin(
    DepartmentScopedAdminMixin, ServiceActionsMixin, StaffExportMixin, SimpleHistoryAdmin
):
    """The moderation queue and the comments a department answers.

    Nothing of a comment is edited on its page: its state moves through the approve and reject
    buttons and actions (the coordinating office), and the form is saved only for the official
    reply (the lead department). "Change" permission on a comment therefore means "may reply".
    """

    project_path = "project"
    # Restoring an old version would move a comment's state around the moderation services.
    history_revert = False
    resource_classes = [CommentResource]
    change_form_template = "admin/feedback/comment/change_form.html"
    list_display = [
        "body_excerpt",
        "nickname",
        "project",
        "state_display",
        "flagged_display",
        "reply_status_display",
        "created_at",
    ]
    list_filter = [
        "state",
        FlaggedListFilter,
        ReplyStatusListFilter,
        "project__plan",
        "project__lead_department",
    ]
    search_fields = ["body", "nickname", "project__title"]
    list_select_related = ["project", "reply"]
    list_per_page = 50
    inlines = [ReplyInline]
    actions = ["approve_selected", "reject_selected"]
    fieldsets = [
        (None, {"fields": RESIDENT_FIELDS}),
        (_("Moderation"), {"fields": MODERATION_FIELDS}),
        (_("Reply deadline"), {"fields": REPLY_FIELDS}),
    ]
    readonly_fields = RESIDENT_FIELDS + MODERATION_FIELDS + REPLY_FIELDS

    class Media:
        css = {"all": ["minsheng/admin.css"]}

    # --- who sees and does what ---

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # A rejected comment is off the public page and owes no reply: departments no longer
        # see it; the coordinating office and leadership keep it with its reason and history.
        if not sees_everything(request.user):
            queryset = queryset.exclude(state=CommentState.REJECTED)
        return queryset

    def has_add_permission(self, request):
        return False  # comments come from residents only

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return False
        user = request.user
        return services.can_reply(user, obj) and (
            user.has_perm("feedback.add_reply") or user.has_perm("feedback.change_reply")
        )

    def has_moderate_permission(self, request):
        return is_coordinator(request.user) and request.user.has_perm("feedback.change_comment")

    def view_on_site(self, obj):
        # Only a published comment is on the public page, under its project.
        if obj.state != CommentState.PUBLISHED:
            return None
        return reverse("projects:detail", args=[obj.project_id]) + f"#comment-{obj.pk}"

    # --- the list and the page ---

    @admin.display(description=_("comment"))
    def body_excerpt(self, obj):
        return highlight(excerpt(obj.body), obj.flagged_word_list)

    @admin.display(description=_("nickname"))
    def nickname_display(self, obj):
        return highlight(obj.nickname, obj.flagged_word_list)

    @admin.display(description=_("comment"))
    def body_display(self, obj):
        return format_html(
            '<div class="ms-comment-body">{}</div>', highlight(obj.body, obj.flagged_word_list)
        )

    @admin.display(description=_("state"), ordering="state")
    def state_display(self, obj):
        return state_badge(obj)

    @admin.display(description=_("sensitive words found"))
    def flagged_display(self, obj):
        words = obj.flagged_word_list
        if not words:
            return "—"
        return format_html_join(
            " ", '<mark class="ms-flagged">{}</mark>', ((word,) for word in words)
        )

    @admin.display(description=_("reply"))
    def reply_status_display(self, obj):
        return reply_status(obj, clock.today())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(
                can_moderate=self.has_moderate_permission(request),
                reject_form=RejectCommentForm(auto_id="id_reject_%s"),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- saving the page: the official reply only ---

    def save_model(self, request, obj, form, change):
        # Every field of the comment is read-only here; saving it would only add an empty
        # version to its history.
        pass

    def save_formset(self, request, form, formset, change):
        if formset.model is not Reply:
            return super().save_formset(request, form, formset, change)
        # Collect what the form holds without writing it, then write through the service,
        # which sets the department and the author and records the history.
        formset.save(commit=False)
        comment = form.instance
        formset.new_objects = [
            services.reply_save(comment=comment, by=request.user, body=reply.body)
            for reply in formset.new_objects
        ]
        formset.changed_objects = [
            (services.reply_save(comment=comment, by=request.user, body=reply.body), fields)
            for reply, fields in formset.changed_objects
        ]
        formset.deleted_objects = []
        if formset.new_objects or formset.changed_objects:
            request._feedback_reply_saved = True
        return None

    def response_change(self, request, obj):
        if getattr(request, "_feedback_reply_saved", False):
            self.message_user(request, _("The official reply was saved."), messages.SUCCESS)
        else:
            self.message_user(request, _("Nothing was changed."), messages.INFO)
        return HttpResponseRedirect(self._change_url(request, obj))

    def _change_url(self, request, obj):
        url = reverse("admin:feedback_comment_change", args=[obj.pk])
        return add_preserved_filters(
            {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}, url
        )

    # --- moderation: buttons on the page ---

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="%s_%s_approve" % info,
            ),
            path(
                "<path:object_id>/reject/",
                self.admin_site.admin_view(self.reject_view),
                name="%s_%s_reject" % info,
            ),
        ] + super().get_urls()

    def _moderate(self, request, object_id, service, success_message, **kwargs):
        comment = self.get_scoped_object_or_404(request, object_id)
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        try:
            service(comment=comment, by=request.user, **kwargs)
        except ServiceError as exc:
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, success_message, messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(request, comment))

    def approve_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return self._moderate(
            request,
            object_id,
            services.comment_approve,
            _("The comment was approved and is published."),
        )

    def reject_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = RejectCommentForm(request.POST)
        if not form.is_valid():
            comment = self.get_scoped_object_or_404(request, object_id)
            if not self.has_moderate_permission(request):
                raise PermissionDenied
            for message in form.errors.get("reason", []):
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(self._change_url(request, comment))
        return self._moderate(
            request,
            object_id,
            services.comment_reject,
            _("The comment was rejected; it stays off the public page."),
            reason=form.cleaned_data["reason"],
        )

    # --- moderation: bulk actions ---

    @admin.action(description=_("Approve and publish selected comments"), permissions=["moderate"])
    def approve_selected(self, request, queryset):
        self.run_service_on_each(
            request,
            queryset,
            services.comment_approve,
            lambda n: ngettext("%d comment published.", "%d comments published.", n) % n,
            row_argument="comment",
        )

    @admin.action(description=_("Reject selected comments with a reason"), permissions=["moderate"])
    def reject_selected(self, request, queryset):
        return self.action_with_reason(
            request,
            RejectCommentForm(request.POST if "reason" in request.POST else None),
            lambda data: self.run_service_on_each(
                request,
                queryset,
                services.comment_reject,
                lambda n: ngettext("%d comment rejected.", "%d comments rejected.", n) % n,
                row_argument="comment",
                reason=data["reason"],
            ),
            template="admin/feedback/comment/reject_selected.html",
            title=_("Reject comments"),
            comments=queryset.select_related("project"),
        )


@admin.register(Reply)
class ReplyAdmin(DepartmentScopedAdminMixin, SimpleHistoryAdmin):
    """Official replies across projects, to read and trace; they are written on the comment page."""

    project_path = "comment__project"
    history_revert = False
    list_display = ["comment", "department", "author", "updated_at"]
    list_filter = ["department"]
    search_fields = ["body", "comment__body", "comment__project__title"]
    list_select_related = ["comment", "department", "author"]
    fields = ["comment", "department", "body", "author", "created_at", "updated_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not sees_everything(request.user):
            queryset = queryset.exclude(comment__state=CommentState.REJECTED)
        return queryset

    def can_edit_object(self, request, obj) -> bool:
        return is_coordinator(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- ratings -------------------------------------------------------------------------------


@admin.register(Rating)
class RatingAdmin(DepartmentScopedAdminMixin, StaffExportMixin, admin.ModelAdmin):
    """Satisfaction ratings, to read and export; nobody edits what a visitor rated."""

    project_path = "project"
    resource_classes = [RatingResource]
    list_display = ["project", "level", "remark", "updated_at"]
    list_filter = ["level", "project__plan", "project__lead_department"]
    search_fields = ["remark", "project__title"]
    list_select_related = ["project"]
    list_per_page = 50
    fields = ["project", "level", "remark", "created_at", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- suggestions ---------------------------------------------------------------------------

SUGGESTION_RESIDENT_FIELDS = [
    "title",
    "description",
    "category",
    "area",
    "nickname",
    "contact",
    "created_at",
]


@admin.register(Suggestion)
class SuggestionAdmin(StaffExportMixin, SimpleHistoryAdmin):
    """Residents' proposals: the coordinating office sets where each stands and answers it."""

    form = SuggestionAnswerForm
    resource_classes = [SuggestionResource]
    list_display = ["title", "category", "area", "state", "created_at", "answered_at"]
    list_filter = ["state", "category", "area"]
    search_fields = ["title", "description", "nickname"]
    list_select_related = ["category", "area"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": SUGGESTION_RESIDENT_FIELDS}),
        (_("Answer"), {"fields": ["state", "answer", "answered_by", "answered_at"]}),
    ]
    readonly_fields = SUGGESTION_RESIDENT_FIELDS + ["answered_by", "answered_at"]

    def has_add_permission(self, request):
        return False  # suggestions come from residents only

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and is_coordinator(request.user)

    def revert_disabled(self, request, obj=None):
        # An answer is given through suggestion_answer (who answered, when), not restored.
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        if change and form.has_changed():
            services.suggestion_answer(
                suggestion=obj,
                by=request.user,
                state=form.cleaned_data["state"],
                answer=form.cleaned_data["answer"],
            )


# --- sensitive words -----------------------------------------------------------------------


@admin.register(SensitiveWord)
class SensitiveWordAdmin(admin.ModelAdmin):
    """The words that send a comment to the moderation queue, kept by the coordinating office."""

    list_display = ["word", "created_at"]
    search_fields = ["word"]
    fields = ["word"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and is_coordinator(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and is_coordinator(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and is_coordinator(request.user)
