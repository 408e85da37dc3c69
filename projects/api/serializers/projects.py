"""Projects and what hangs off them, as the API shows them: milestones, indicators,
attachments, approved reports and plan changes."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from departments.api.serializers import DepartmentRefSerializer
from minsheng import clock
from minsheng.api.serializers import MonthField
from projects.choices import FundingSource, Light
from projects.models import (
    Attachment,
    ChangeRequest,
    Indicator,
    Milestone,
    ProgressReport,
    Project,
)

from .fields import API_URL, PageUrlField, percent
from .reference import CategoryRefSerializer, NamedSerializer

# --- projects ---------------------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(
        source="get_kind_display", read_only=True, help_text="类别名称 / Kind, in words."
    )
    file = serializers.FileField(read_only=True, use_url=True, help_text="文件地址 / File address.")
    thumbnail = serializers.ImageField(
        read_only=True,
        use_url=True,
        help_text="缩略图地址；非图片为 null / Thumbnail; null if none.",
    )

    class Meta:
        model = Attachment
        fields = ["id", "kind", "kind_display", "title", "file", "thumbnail", "content_type"]
        extra_kwargs = {
            "kind": {
                "help_text": "类别：照片、前后对比照片、文件、验收材料 / Kind: photo, before, after, "
                "document, acceptance (验收材料)."
            },
            "title": {"help_text": "标题 / Title."},
            "content_type": {"help_text": "文件类型 / Content type."},
        }


class MilestoneSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField(
        help_text="done 已完成 / overdue 已逾期 / upcoming 未到期 — done, overdue or upcoming."
    )
    days_overdue = serializers.SerializerMethodField(
        help_text="逾期天数，未逾期为 0 / Days overdue; 0 when not overdue."
    )

    class Meta:
        model = Milestone
        fields = [
            "id",
            "project",
            "title",
            "planned_date",
            "completed_on",
            "weight",
            "note",
            "state",
            "days_overdue",
            "baseline_title",
            "baseline_planned_date",
            "baseline_weight",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "baseline_title": {
                "help_text": "原计划节点名称；方案印发后新增的节点为空 / Title in the baseline; "
                "empty for a milestone added after the plan was published."
            },
            "baseline_planned_date": {
                "help_text": "原计划完成日期；与 planned_date 不同即经批准调整过 / Planned date "
                "in the baseline (原计划); differs from planned_date after an approved change."
            },
            "baseline_weight": {"help_text": "原计划权重 / Weight in the baseline."},
            "project": {"help_text": "所属项目编号 / Id of the project."},
            "title": {"help_text": "节点名称 / Title."},
            "planned_date": {"help_text": "计划完成日期 / Planned date."},
            "completed_on": {
                "help_text": "实际完成日期，未完成为 null / Completed on; null if not."
            },
            "weight": {"help_text": "权重 / Weight (share of the work)."},
            "note": {"help_text": "备注 / Note."},
        }

    def _today(self):
        if "today" not in self.context:
            self.context["today"] = clock.today()
        return self.context["today"]

    @extend_schema_field(
        {"type": "string", "enum": ["done", "overdue", "upcoming"]},
    )
    def get_state(self, milestone) -> str:
        if milestone.completed_on:
            return "done"
        return "overdue" if milestone.is_overdue(self._today()) else "upcoming"

    def get_days_overdue(self, milestone) -> int:
        return milestone.days_overdue(self._today())


class IndicatorSerializer(serializers.ModelSerializer):
    completion_percent = percent(
        "完成率（%）；目标为 0 时为 null / Completion (%); null when the target is 0.",
        allow_null=True,
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "project",
            "name",
            "unit",
            "target_value",
            "actual_value",
            "completion_percent",
            "order",
            "baseline_target",
            "baseline_unit",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "baseline_target": {
                "help_text": "原计划目标值；方案印发前为 null / Target in the baseline (原计划); "
                "null before the plan is published."
            },
            "baseline_unit": {"help_text": "原计划单位 / Unit in the baseline."},
            "project": {"help_text": "所属项目编号 / Id of the project."},
            "name": {"help_text": "指标名称 / Name."},
            "unit": {"help_text": "单位 / Unit."},
            "target_value": {"help_text": "目标值 / Target value."},
            "actual_value": {"help_text": "实际值 / Actual value."},
            "order": {"help_text": "排序 / Sort order."},
        }


class PublicReportSerializer(serializers.ModelSerializer):
    """An approved report inside a project's detail, with its photos and documents."""

    schema_description = "已审核通过的进度报告 / An approved progress report."

    period = MonthField(read_only=True)
    attachments = AttachmentSerializer(
        source="public_attachments", many=True, read_only=True, help_text="附件 / Attachments."
    )

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "period",
            "reported_progress",
            "funds_disbursed_to_date",
            "work_done",
            "problems",
            "next_steps",
            "reviewed_at",
            "attachments",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "reported_progress": {"help_text": "填报进度（%）/ Progress reported (%)."},
            "funds_disbursed_to_date": {
                "help_text": "累计拨付资金（万元）/ Funds disbursed to date (10k yuan)."
            },
            "work_done": {"help_text": "本期完成工作 / Work done."},
            "problems": {"help_text": "存在问题 / Problems."},
            "next_steps": {"help_text": "下步计划 / Next steps."},
            "reviewed_at": {"help_text": "审核通过时间 / Approved at."},
        }


LIGHT_HELP = (
    "红黄绿灯：green 正常、yellow 滞后、red 严重滞后、completed 已完成、not_started 未开工、"
    "suspended 暂缓、terminated 终止 / The light: green on track, yellow behind, red seriously "
    "behind, completed, not_started, suspended, terminated."
)


class ProjectSerializer(serializers.ModelSerializer):
    """A row of the project list."""

    schema_description = "项目列表中的一行 / A row of the project list."

    url = serializers.HyperlinkedIdentityField(
        view_name="projects-api:project-detail", help_text=API_URL
    )
    page_url = PageUrlField()
    plan = serializers.IntegerField(source="plan.year", read_only=True, help_text="年度 / Year.")
    category = CategoryRefSerializer(read_only=True, help_text="领域 / Category.")
    lead_department = DepartmentRefSerializer(
        read_only=True, help_text="牵头单位 / Lead department."
    )
    status_display = serializers.CharField(
        source="get_status_display", read_only=True, help_text="状态名称 / Status, in words."
    )
    light_display = serializers.SerializerMethodField(help_text="灯号名称 / Light, in words.")
    funding_source_display = serializers.CharField(
        source="get_funding_source_display",
        read_only=True,
        help_text="资金来源名称 / Funding source, in words.",
    )
    # Blank until the plan is published: a choice or "".
    baseline_funding_source = serializers.ChoiceField(
        choices=FundingSource.choices,
        allow_blank=True,
        read_only=True,
        help_text="原计划资金来源；方案印发前为空 / Funding source in the baseline; empty "
        "before publication.",
    )
    execution_rate = percent(
        "资金执行率（%）；计划投资为 0 时为 null / "
        "Funds disbursed as a share of planned investment (%); null when nothing is planned.",
        allow_null=True,
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "url",
            "page_url",
            "plan",
            "number",
            "title",
            "summary",
            "category",
            "lead_department",
            "status",
            "status_display",
            "light",
            "light_display",
            "light_reason",
            "progress_percent",
            "expected_progress",
            "planned_start",
            "planned_end",
            "completed_on",
            "planned_investment",
            "funds_disbursed",
            "execution_rate",
            "funding_source",
            "funding_source_display",
            "baseline_start",
            "baseline_end",
            "baseline_investment",
            "baseline_funding_source",
            "baselined_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "number": {"help_text": "方案内序号 / Number within the plan."},
            "title": {"help_text": "项目名称 / Title."},
            "summary": {"help_text": "项目简介 / Summary."},
            "status": {
                "help_text": "状态：not_started 未开工、in_progress 推进中、completed 已完成（销号）、"
                "suspended 暂缓、terminated 终止 / Status: not started, in progress, completed "
                "(closed), suspended, terminated."
            },
            "baseline_start": {
                "help_text": "原计划开工日期；方案印发前为 null / Planned start in the baseline "
                "(原计划), frozen when the plan was published; null before."
            },
            "baseline_end": {
                "help_text": "原计划完成日期 / Planned end in the baseline; null before publication."
            },
            "baseline_investment": {
                "help_text": "原计划投资（万元）/ Planned investment in the baseline (10k yuan); "
                "null before publication."
            },
            "baselined_at": {
                "help_text": "原计划冻结时间（方案印发）/ When the baseline was frozen (the plan "
                "published); null before."
            },
            "light": {"help_text": LIGHT_HELP},
            "light_reason": {"help_text": "灯号原因 / Why the light is what it is."},
            "progress_percent": {"help_text": "进度（%）/ Progress (%)."},
            "expected_progress": {
                "help_text": "按计划应达进度（%）/ Progress expected by now under the plan (%)."
            },
            "planned_start": {"help_text": "计划开工日期 / Planned start."},
            "planned_end": {"help_text": "计划完成日期 / Planned end."},
            "completed_on": {"help_text": "完成日期 / Completed on."},
            "planned_investment": {"help_text": "计划投资（万元）/ Planned investment (10k yuan)."},
            "funds_disbursed": {"help_text": "已拨付资金（万元）/ Funds disbursed (10k yuan)."},
            "funding_source": {"help_text": "资金来源 / Funding source."},
        }

    def get_light_display(self, project) -> str:
        return str(Light(project.light).label)


class ChangeEntrySerializer(serializers.Serializer):
    """One field (or an added or removed row) of an approved change."""

    model = serializers.ChoiceField(
        choices=["project", "milestone", "indicator"],
        read_only=True,
        help_text="对象：project 项目、milestone 节点、indicator 指标 / What was changed.",
    )
    id = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="节点或指标（或项目）编号 / Id of the milestone, indicator or project.",
    )
    action = serializers.ChoiceField(
        choices=["update", "add", "delete"],
        read_only=True,
        help_text="update 调整、add 新增、delete 删除 / Changed, added or removed.",
    )
    field = serializers.CharField(
        read_only=True,
        help_text="调整的字段（update 时），如 planned_date / The field changed (update only).",
    )
    old = serializers.JSONField(
        read_only=True,
        help_text="原计划值（日期为 ISO 格式，金额为万元）；删除时为原行 / The baseline value (ISO "
        "dates, amounts in 10k yuan); the removed row for delete; null for add.",
    )
    new = serializers.JSONField(
        read_only=True,
        help_text="调整后的值；新增时为新行 / The value after the change; the added row for "
        "add; null for delete.",
    )


class ApprovedChangeSerializer(serializers.ModelSerializer):
    """An approved change of the baseline or decision on the project (never a pending,
    rejected or withdrawn request)."""

    schema_description = (
        "经批准的计划调整或决定（销号、暂缓、终止、恢复实施）/ An approved change of the "
        "baseline, or a decision: closing, suspension, termination, resumption."
    )

    kind_display = serializers.CharField(
        source="get_kind_display", read_only=True, help_text="类别名称 / Kind, in words."
    )
    source_display = serializers.CharField(
        source="get_source_display", read_only=True, help_text="来源名称 / Source, in words."
    )
    changes = ChangeEntrySerializer(
        many=True, read_only=True, help_text="调整内容：原计划 → 调整后 / What changed."
    )
    documents = AttachmentSerializer(
        source="public_attachments",
        many=True,
        read_only=True,
        help_text="佐证材料、验收材料 / Supporting or acceptance documents.",
    )

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "kind",
            "kind_display",
            "source",
            "source_display",
            "changes",
            "reason",
            "decision_number",
            "decided_at",
            "documents",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "kind": {
                "help_text": "类别：change 计划调整、close 销号、suspend 暂缓、terminate 终止、"
                "resume 恢复实施 / Kind: plan change, closing, suspension, termination, "
                "resumption."
            },
            "source": {
                "help_text": "来源：request 责任单位申请经批准、office_edit 民生工程股直接调整、"
                "import 民生工程股导入 / Source: a department's request approved by the "
                "office, the office's own change, or an import."
            },
            "reason": {"help_text": "调整理由 / Reason."},
            "decision_number": {"help_text": "批准文号，可为空 / Decision document number (文号)."},
            "decided_at": {"help_text": "批准时间 / Approved at."},
        }


class ProjectDetailSerializer(ProjectSerializer):
    """One project with everything its public page shows but the comments."""

    schema_description = (
        "项目详情（不含留言）/ One project with all its page shows but the comments."
    )

    cooperating_departments = NamedSerializer(
        source="cooperating",
        many=True,
        read_only=True,
        help_text="配合单位 / Cooperating departments.",
    )
    areas = NamedSerializer(
        source="area_list", many=True, read_only=True, help_text="覆盖区域 / Areas covered."
    )
    beneficiary_groups = NamedSerializer(
        source="group_list", many=True, read_only=True, help_text="受益群体 / Beneficiary groups."
    )
    milestones = MilestoneSerializer(
        source="milestone_list", many=True, read_only=True, help_text="节点 / Milestones."
    )
    indicators = IndicatorSerializer(
        source="indicator_list", many=True, read_only=True, help_text="指标 / Indicators."
    )
    reports = PublicReportSerializer(
        source="approved_reports",
        many=True,
        read_only=True,
        help_text="已审核通过的进度报告，最新月份在前 / Approved progress reports, newest month first.",
    )
    attachments = AttachmentSerializer(
        source="project_attachments",
        many=True,
        read_only=True,
        help_text="项目照片和文件 / The project's photos and documents.",
    )
    changes = ApprovedChangeSerializer(
        source="approved_changes",
        many=True,
        read_only=True,
        help_text="经批准的计划调整和决定，按批准时间先后；待审核、未批准和撤回的申请不公开 / "
        "Approved changes and decisions, oldest first; pending, rejected and withdrawn "
        "requests are never shown.",
    )

    class Meta(ProjectSerializer.Meta):
        fields = [
            *ProjectSerializer.Meta.fields,
            "commitment",
            "cooperating_departments",
            "areas",
            "beneficiary_groups",
            "milestones",
            "indicators",
            "reports",
            "attachments",
            "changes",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **ProjectSerializer.Meta.extra_kwargs,
            "commitment": {"help_text": "建设内容及目标（承诺）/ What was promised."},
        }
