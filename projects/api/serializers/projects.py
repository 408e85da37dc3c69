"""Plans, categories, projects and what hangs off them, as the API shows and takes them.

Read serializers show what the public pages show. Write serializers take only the fields a
change needs and refuse any other (``StrictFieldsMixin``); the write itself is a service's.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from departments.api.serializers import DepartmentRefSerializer
from minsheng import clock
from minsheng.api.serializers import MonthField, StrictFieldsMixin
from projects.api.filters import MAX_ID
from projects.choices import FundingSource, Light, ProjectStatus
from projects.models import (
    Attachment,
    BeneficiaryGroup,
    Category,
    ChangeRequest,
    Indicator,
    Milestone,
    Plan,
    ProgressReport,
    Project,
)

API_URL = "本条数据的接口地址 / This object's address in the API."
PAGE_URL = "公开网页地址 / Address of the public page."


def percent(help_text: str, **kwargs) -> serializers.DecimalField:
    """A derived percentage, one decimal. No ceiling (``max_digits=None``): a ratio of stored
    values has none, e.g. an indicator exceeded tenfold or more disbursed than planned."""
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=1,
        rounding=ROUND_HALF_UP,
        read_only=True,
        help_text=help_text,
        **kwargs,
    )


def amount(help_text: str, **kwargs) -> serializers.DecimalField:
    """A sum of money over many projects: as many digits as the sum needs."""
    return serializers.DecimalField(
        max_digits=None, decimal_places=2, read_only=True, help_text=help_text, **kwargs
    )


@extend_schema_field({"type": "string", "format": "uri"})
class PageUrlField(serializers.Field):
    """The absolute address of an object's public page (``get_absolute_url``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", PAGE_URL)
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        request = self.context.get("request")
        path = value.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


# --- reference data ---------------------------------------------------------------------


class PlanSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="projects-api:plan-detail", lookup_field="year", help_text=API_URL
    )
    statistics = serializers.HyperlinkedIdentityField(
        view_name="projects-api:plan-statistics",
        lookup_field="year",
        help_text="方案的核心指标 / The plan's headline figures.",
    )

    class Meta:
        model = Plan
        fields = ["year", "url", "title", "issued_on", "issuing_body", "summary", "statistics"]
        extra_kwargs = {
            "year": {"help_text": "年度 / Year."},
            "title": {"help_text": "方案名称 / Title."},
            "issued_on": {"help_text": "印发日期 / Issued on."},
            "issuing_body": {"help_text": "印发机关 / Issuing body."},
            "summary": {"help_text": "概述 / Summary."},
        }


class CategorySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="projects-api:category-detail", help_text=API_URL
    )

    class Meta:
        model = Category
        fields = ["id", "url", "code", "name", "order", "icon", "colour"]
        extra_kwargs = {
            "code": {"help_text": "代码 / Short code."},
            "name": {"help_text": "领域名称 / Name."},
            "order": {"help_text": "排序 / Sort order."},
            "icon": {"help_text": "图标字符 / Symbol shown on cards."},
            "colour": {"help_text": "颜色（十六进制）/ Colour (hex)."},
        }


class CategoryRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name"]
        extra_kwargs = {
            "code": {"help_text": "代码 / Short code."},
            "name": {"help_text": "领域名称 / Name."},
        }


class BeneficiaryGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = BeneficiaryGroup
        fields = ["id", "name", "order"]
        extra_kwargs = {
            "name": {"help_text": "受益群体 / Name."},
            "order": {"help_text": "排序 / Sort order."},
        }


class NamedSerializer(serializers.Serializer):
    """An (id, name) pair, read from the dicts ``project_for_public`` loads."""

    id = serializers.IntegerField(source="pk", help_text="编号 / Id.")
    name = serializers.CharField(help_text="名称 / Name.")


# --- the plan's figures -----------------------------------------------------------------


class CategoryFiguresSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="领域编号 / Category id.")
    code = serializers.CharField(help_text="代码 / Short code.")
    name = serializers.CharField(help_text="领域名称 / Name.")
    project_count = serializers.IntegerField(help_text="项目数 / Projects.")
    completed = serializers.IntegerField(help_text="已完成 / Completed.")
    behind = serializers.IntegerField(help_text="滞后及严重滞后 / Behind or seriously behind.")
    average_progress = percent("平均进度（%）/ Average progress (%).", allow_null=True)


class SatisfactionFiguresSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="评价总数 / Ratings in all.")
    satisfied = serializers.IntegerField(help_text="满意 / Satisfied.")
    fairly_satisfied = serializers.IntegerField(help_text="基本满意 / Fairly satisfied.")
    dissatisfied = serializers.IntegerField(help_text="不满意 / Dissatisfied.")
    rate = percent(
        "满意率（%）=（满意+基本满意）/ 全部；无评价时为 null / "
        "Satisfaction rate (%) = (satisfied + fairly satisfied) / all; null without ratings.",
        allow_null=True,
    )


class PlanStatisticsSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="年度 / Year.")
    projects = serializers.IntegerField(help_text="项目总数 / Projects in all.")
    completed = serializers.IntegerField(help_text="已完成 / Completed.")
    in_progress = serializers.IntegerField(help_text="推进中 / In progress.")
    not_started = serializers.IntegerField(help_text="未开工 / Not started.")
    suspended = serializers.IntegerField(help_text="暂缓 / Suspended.")
    behind = serializers.IntegerField(help_text="滞后及严重滞后 / Behind or seriously behind.")
    yellow = serializers.IntegerField(help_text="滞后（黄灯）/ Behind (yellow).")
    red = serializers.IntegerField(help_text="严重滞后（红灯）/ Seriously behind (red).")
    average_progress = percent(
        "总体进度：全部项目进度的平均值（%）/ Overall progress: the average of all projects (%).",
        allow_null=True,
    )
    planned_investment = amount("计划投资（万元）/ Planned investment (10k yuan).")
    funds_disbursed = amount("已拨付资金（万元）/ Funds disbursed (10k yuan).")
    execution_rate = percent(
        "资金执行率（%）/ Funds disbursed as a share of planned investment (%).", allow_null=True
    )
    categories = CategoryFiguresSerializer(many=True, help_text="各领域 / By category.")
    satisfaction = SatisfactionFiguresSerializer(help_text="群众满意度 / Residents' satisfaction.")


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
    """What a PATCH of a project may send; the write path (projects/commitments.py) decides
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
