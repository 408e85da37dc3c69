"""Spreadsheet exports of public feedback (django-import-export), for the admin only.

Columns carry the Chinese titles the coordinating office reads, whatever language the person
exporting uses. Contact details are exported because these files are for staff; the salted
client and visitor fingerprints never are: they exist for rate limits, not for reading.

No cell is ever a formula: every column follows ``minsheng.spreadsheets`` (the base resource),
what residents typed and what staff wrote alike.
"""

from __future__ import annotations

from django.utils import timezone
from import_export import widgets
from import_export.fields import Field

from minsheng.spreadsheets import FormulaSafeResource

from .choices import CommentState, RatingLevel, SuggestionState
from .models import Comment, Rating, Suggestion

# The labels a spreadsheet uses, whatever language the person exporting it reads.
COMMENT_STATE_LABELS = {
    CommentState.PENDING: "待审核",
    CommentState.PUBLISHED: "已公开",
    CommentState.REJECTED: "未通过",
}
RATING_LEVEL_LABELS = {
    RatingLevel.SATISFIED: "满意",
    RatingLevel.FAIRLY_SATISFIED: "基本满意",
    RatingLevel.DISSATISFIED: "不满意",
}
SUGGESTION_STATE_LABELS = {
    SuggestionState.RECEIVED: "已收到",
    SuggestionState.UNDER_STUDY: "研究中",
    SuggestionState.ADOPTED: "已采纳",
    SuggestionState.NOT_ADOPTED: "未采纳",
}


class LabelWidget(widgets.Widget):
    """A choice written with its fixed Chinese label."""

    def __init__(self, labels: dict, **kwargs):
        super().__init__(**kwargs)
        self.labels = labels

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")


class LocalDateTimeWidget(widgets.Widget):
    """A moment as the district reads it: 2024-09-30 14:05, in its time zone."""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


class DateTextWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.isoformat()


class PlainWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def text(attribute: str, column: str) -> Field:
    return Field(attribute=attribute, column_name=column, widget=PlainWidget(), readonly=True)


def moment(attribute: str, column: str) -> Field:
    return Field(
        attribute=attribute, column_name=column, widget=LocalDateTimeWidget(), readonly=True
    )


class ExportOnlyResource(FormulaSafeResource):
    """Exports only: every column is declared below, nothing is ever imported."""

    def get_import_fields(self):
        return []


class CommentResource(ExportOnlyResource):
    """Comments with their moderation and the official reply, one row each."""

    plan_year = text("project__plan__year", "年度")
    project_number = text("project__number", "项目序号")
    project_title = text("project__title", "项目名称")
    lead_department = text("project__lead_department__name", "牵头单位")
    nickname = text("nickname", "昵称")
    contact = text("contact", "联系方式")
    body = text("body", "留言内容")
    created_at = moment("created_at", "留言时间")
    state = Field(
        attribute="state",
        column_name="审核状态",
        widget=LabelWidget(COMMENT_STATE_LABELS),
        readonly=True,
    )
    flagged_words = text("flagged_words", "敏感词")
    moderation_reason = text("moderation_reason", "未通过原因")
    moderated_by = text("moderated_by__username", "审核人")
    moderated_at = moment("moderated_at", "审核时间")
    reply_due_on = Field(
        attribute="reply_due_on", column_name="回复期限", widget=DateTextWidget(), readonly=True
    )
    reply_department = Field(column_name="回复单位", readonly=True)
    reply_body = Field(column_name="回复内容", readonly=True)
    replied_at = Field(column_name="回复时间", readonly=True)

    class Meta:
        model = Comment
        name = "群众留言"
        fields = [
            "plan_year",
            "project_number",
            "project_title",
            "lead_department",
            "nickname",
            "contact",
            "body",
            "created_at",
            "state",
            "flagged_words",
            "moderation_reason",
            "moderated_by",
            "moderated_at",
            "reply_due_on",
            "reply_department",
            "reply_body",
            "replied_at",
        ]
        export_order = fields

    @staticmethod
    def _reply(comment):
        # select_related("reply") leaves the attribute unset when there is none.
        return getattr(comment, "reply", None)

    def dehydrate_reply_department(self, comment):
        reply = self._reply(comment)
        return reply.department.name if reply else ""

    def dehydrate_reply_body(self, comment):
        reply = self._reply(comment)
        return reply.body if reply else ""

    def dehydrate_replied_at(self, comment):
        reply = self._reply(comment)
        return f"{timezone.localtime(reply.updated_at):%Y-%m-%d %H:%M}" if reply else ""

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(
            "project__plan", "project__lead_department", "moderated_by", "reply__department"
        )


class RatingResource(ExportOnlyResource):
    """Satisfaction ratings, one row per visitor and project (fingerprints left out)."""

    plan_year = text("project__plan__year", "年度")
    project_number = text("project__number", "项目序号")
    project_title = text("project__title", "项目名称")
    lead_department = text("project__lead_department__name", "牵头单位")
    level = Field(
        attribute="level",
        column_name="满意度",
        widget=LabelWidget(RATING_LEVEL_LABELS),
        readonly=True,
    )
    remark = text("remark", "意见")
    created_at = moment("created_at", "首次评价时间")
    updated_at = moment("updated_at", "评价时间")

    class Meta:
        model = Rating
        name = "满意度评价"
        fields = [
            "plan_year",
            "project_number",
            "project_title",
            "lead_department",
            "level",
            "remark",
            "created_at",
            "updated_at",
        ]
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("project__plan", "project__lead_department")


class SuggestionResource(ExportOnlyResource):
    """Residents' proposals for next year's list, with the office's answer."""

    title = text("title", "建议标题")
    description = text("description", "建议内容")
    category = text("category__name", "领域")
    area = text("area__name", "区域")
    nickname = text("nickname", "昵称")
    contact = text("contact", "联系方式")
    created_at = moment("created_at", "提交时间")
    state = Field(
        attribute="state",
        column_name="办理状态",
        widget=LabelWidget(SUGGESTION_STATE_LABELS),
        readonly=True,
    )
    answer = text("answer", "答复")
    answered_by = text("answered_by__username", "答复人")
    answered_at = moment("answered_at", "答复时间")

    class Meta:
        model = Suggestion
        name = "群众建议"
        fields = [
            "title",
            "description",
            "category",
            "area",
            "nickname",
            "contact",
            "created_at",
            "state",
            "answer",
            "answered_by",
            "answered_at",
        ]
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("category", "area", "answered_by")
