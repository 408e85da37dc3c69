"""Progress reports as the API shows them, and what filing or returning one takes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from minsheng.api.serializers import MonthField, StrictFieldsMixin
from projects.api.filters import MAX_ID
from projects.models import (
    ProgressReport,
)

from .fields import API_URL
from .projects import PublicReportSerializer

# --- progress reports -------------------------------------------------------------------


class ReportSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="projects-api:report-detail", help_text=API_URL
    )
    period = MonthField(read_only=True)
    state_display = serializers.CharField(
        source="get_state_display", read_only=True, help_text="状态名称 / State, in words."
    )

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "url",
            "project",
            "period",
            "reported_progress",
            "funds_disbursed_to_date",
            "work_done",
            "problems",
            "next_steps",
            "state",
            "state_display",
            "return_reason",
            "submitted_at",
            "reviewed_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **PublicReportSerializer.Meta.extra_kwargs,
            "project": {"help_text": "项目编号 / Id of the project."},
            "state": {
                "help_text": "状态：draft 草稿、submitted 已提交、approved 已通过、returned 已退回 / "
                "State: draft, submitted, approved, returned."
            },
            "return_reason": {"help_text": "退回原因 / Reason for return."},
            "submitted_at": {"help_text": "提交时间 / Submitted at."},
            "reviewed_at": {"help_text": "审核时间 / Reviewed at."},
        }


class ReportCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    project = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text="项目编号（须为本单位牵头的项目）/ Id of a project your department leads.",
    )
    period = MonthField(help_text="报告月份 / Month reported on.")
    reported_progress = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=100,
        help_text="进度（%），0–100，最多一位小数 / Progress (%), 0–100, one decimal at most.",
    )
    funds_disbursed_to_date = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text="累计拨付资金（万元）/ Funds disbursed to date (10k yuan).",
    )
    work_done = serializers.CharField(max_length=10000, help_text="本期完成工作 / Work done.")
    problems = serializers.CharField(
        max_length=10000,
        required=False,
        allow_blank=True,
        default="",
        help_text="存在问题 / Problems.",
    )
    next_steps = serializers.CharField(
        max_length=10000,
        required=False,
        allow_blank=True,
        default="",
        help_text="下步计划 / Next steps.",
    )

    def validate(self, attrs):
        # The service refuses the same; saying it here names the field before any write.
        if ProgressReport.objects.filter(
            project_id=attrs["project"], period=attrs["period"]
        ).exists():
            raise serializers.ValidationError(
                {"period": [_("This project already has a report for this month.")]}
            )
        return attrs


class ReportReturnSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(
        max_length=500, help_text="退回原因（必填）/ Why the report is returned (required)."
    )
