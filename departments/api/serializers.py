"""Departments and areas as the public may read them: never a contact person, phone or e-mail."""

from decimal import ROUND_HALF_UP

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from departments.models import Area, Department


class DepartmentRefSerializer(serializers.ModelSerializer):
    """A department named inside another object (a project's lead department, a reply)."""

    class Meta:
        model = Department
        fields = ["id", "name", "short_name"]
        extra_kwargs = {
            "name": {"help_text": "单位名称 / Name."},
            "short_name": {"help_text": "简称 / Short name."},
        }


class DepartmentSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="departments-api:department-detail",
        help_text="本条数据的接口地址 / This object's address in the API.",
    )
    display_name = serializers.CharField(
        read_only=True, help_text="显示名称（有简称时为简称）/ Name shown (the short name if any)."
    )
    kind_display = serializers.CharField(
        source="get_kind_display", read_only=True, help_text="类别名称 / Kind, in words."
    )

    class Meta:
        model = Department
        fields = ["id", "url", "name", "short_name", "display_name", "kind", "kind_display"]
        extra_kwargs = {
            "name": {"help_text": "单位名称 / Name."},
            "short_name": {"help_text": "简称 / Short name."},
            "kind": {
                "help_text": "类别：区直部门、乡镇、街道·社区、其他 / "
                "Kind: district bureau, township, sub-district or community, other."
            },
        }


class FiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="统计的年度方案 / Year of the plan counted.")
    lead_count = serializers.IntegerField(help_text="牵头项目数 / Projects it leads.")
    completed_count = serializers.IntegerField(help_text="已完成 / Of which completed.")
    green_count = serializers.IntegerField(help_text="正常（绿灯）/ On track (green).")
    yellow_count = serializers.IntegerField(help_text="滞后（黄灯）/ Behind (yellow).")
    red_count = serializers.IntegerField(help_text="严重滞后（红灯）/ Seriously behind (red).")
    average_progress = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        rounding=ROUND_HALF_UP,
        allow_null=True,
        help_text="牵头项目平均进度（%）/ Average progress of the projects it leads (%).",
    )
    cooperating_count = serializers.IntegerField(help_text="配合项目数 / Projects it helps on.")


class DepartmentDetailSerializer(DepartmentSerializer):
    figures = serializers.SerializerMethodField(
        help_text="在所选年度方案中的项目情况；没有已发布方案时为 null / "
        "How its projects stand in the chosen plan; null when no plan is published."
    )

    class Meta(DepartmentSerializer.Meta):
        fields = [*DepartmentSerializer.Meta.fields, "figures"]

    @extend_schema_field(FiguresSerializer(allow_null=True))
    def get_figures(self, department):
        plan = self.context.get("plan")
        if plan is None:
            return None
        figures = department.figures
        return FiguresSerializer({"year": plan.year, **vars(figures)}).data


class AreaSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="departments-api:area-detail",
        help_text="本条数据的接口地址 / This object's address in the API.",
    )
    kind_display = serializers.CharField(
        source="get_kind_display", read_only=True, help_text="类别名称 / Kind, in words."
    )

    class Meta:
        model = Area
        fields = ["id", "url", "name", "kind", "kind_display", "order"]
        extra_kwargs = {
            "name": {"help_text": "区域名称 / Name."},
            "kind": {
                "help_text": "类别：乡镇、社区、风景区、全区 / "
                "Kind: township, community, scenic area, whole district."
            },
            "order": {"help_text": "排序 / Sort order."},
        }
