"""What a PATCH of a milestone, an indicator or a project may send; the write is a service's."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from minsheng.api.serializers import StrictFieldsMixin
from projects.choices import FundingSource, ProjectStatus

REASON_HELP = (
    "调整理由：民生工程股直接修改原计划字段（计划日期、投资、资金来源、节点标题/日期/权重、指标目标/单位）"
    "或状态时必填，随调整公开 / Reason for the change: required when the coordinating office "
    "changes a baseline field or the status directly; published with the change."
)


class PartialWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    """A PATCH body: any of the fields, at least one; ``reason`` goes with the change."""

    def validate(self, attrs):
        if not set(attrs) - {"reason", "decision_number"}:
            raise serializers.ValidationError(_("Send at least one field to change."))
        return attrs


def _reason_field():
    return serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text=REASON_HELP
    )


class MilestoneUpdateSerializer(PartialWriteSerializer):
    completed_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="实际完成日期（不晚于今天）；null 表示尚未完成 / "
        "The day it was completed (not after today); null for not yet.",
    )
    title = serializers.CharField(
        required=False,
        max_length=200,
        help_text="节点名称（原计划字段）/ Title (part of the baseline).",
    )
    planned_date = serializers.DateField(
        required=False,
        help_text="计划完成日期（原计划字段：已印发的方案须申请调整）/ Planned date (part of the "
        "baseline: once the plan is published, file a change request).",
    )
    weight = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=32767,
        help_text="权重（原计划字段）/ Weight (part of the baseline).",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text="备注 / Note."
    )
    reason = _reason_field()


class IndicatorUpdateSerializer(PartialWriteSerializer):
    actual_value = serializers.DecimalField(
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text="实际值，不小于 0，最多两位小数 / Actual value, 0 or more, two decimals at most.",
    )
    target_value = serializers.DecimalField(
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text="目标值（原计划字段）/ Target value (part of the baseline).",
    )
    unit = serializers.CharField(
        required=False, max_length=20, help_text="单位（原计划字段）/ Unit (part of the baseline)."
    )
    reason = _reason_field()


class ProjectUpdateSerializer(PartialWriteSerializer):
    """What a PATCH of a project may send; the write path (projects/commitments/) decides
    who may change which: a department its project's summary and the move from not started
    to in progress, the office the rest, baseline fields and statuses with a reason."""

    summary = serializers.CharField(
        required=False, allow_blank=True, help_text="项目简介 / Summary."
    )
    status = serializers.ChoiceField(
        choices=ProjectStatus.choices,
        required=False,
        help_text="状态：责任单位只能由 not_started 改为 in_progress；销号、暂缓、终止须申请，"
        "由民生工程股审核 / Status: a department moves it from not_started to in_progress "
        "only; closing, suspending and terminating are requested and decided by the office.",
    )
    planned_start = serializers.DateField(
        required=False, help_text="计划开工日期（原计划字段）/ Planned start (baseline)."
    )
    planned_end = serializers.DateField(
        required=False, help_text="计划完成日期（原计划字段）/ Planned end (baseline)."
    )
    planned_investment = serializers.DecimalField(
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text="计划投资（万元，原计划字段）/ Planned investment (10k yuan, baseline).",
    )
    funding_source = serializers.ChoiceField(
        choices=FundingSource.choices,
        required=False,
        help_text="资金来源（原计划字段）/ Funding source (baseline).",
    )
    completed_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="完成日期（不晚于今天）/ Completed on (not after today).",
    )
    reason = _reason_field()
    decision_number = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="文号：民生工程股直接暂缓或终止项目时必填 / Decision document number: required "
        "when the office suspends or terminates a project directly.",
    )
