"""Reference data as the API shows it (plans, categories, beneficiary groups) and a plan's
figures."""

from __future__ import annotations

from rest_framework import serializers

from projects.models import (
    BeneficiaryGroup,
    Category,
    Plan,
)

from .fields import API_URL, amount, percent

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
