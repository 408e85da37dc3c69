"""Milestones and indicators as spreadsheets, each row matched by its project and name."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.fields import Field

from .. import commitments, services
from ..import_widgets import (
    AmountWidget,
    DateCellWidget,
    ProjectNumberWidget,
    TextWidget,
    WholeNumberWidget,
    cell_text,
    parse_whole_number,
    parse_year,
)
from ..models import Indicator, Milestone, Project
from .base import SpreadsheetResource


class ProjectChildResource(SpreadsheetResource):
    """Rows that hang off a project, which is named by (年度, 项目序号)."""

    plan_year = Field(
        attribute="project__plan__year",
        column_name="年度",
        widget=WholeNumberWidget(),
        readonly=True,
    )
    project = Field(
        attribute="project",
        column_name="项目序号",
        widget=ProjectNumberWidget(year_column="年度", year_field="plan_year"),
    )

    #: The child's own name field (节点名称, 指标名称), the third part of its key.
    name_field = ""

    def row_key(self, row):
        try:
            year = parse_year(row.get("年度"))
            number = parse_whole_number(row.get("项目序号"))
        except ValueError:
            return None
        name = cell_text(row.get(self.fields[self.name_field].column_name))
        if year is None or number is None or not name:
            return None
        return (year, number, name)

    def find_existing(self, key):
        year, number, name = key
        if self.lookups.plan(year) is None:
            return None
        found = self.lookups.children_of(self._meta.model, year, self.name_field).get(
            (number, name), []
        )
        if len(found) > 1:
            column = self.fields[self.name_field].column_name
            raise ValidationError(
                {
                    column: _(
                        "Project %(number)s has %(count)s rows named “%(name)s”; rename them "
                        "in the admin so each can be told apart."
                    )
                    % {"number": number, "count": len(found), "name": name}
                }
            )
        return found[0] if found else None

    def excluded_when(self, errors):
        # No plan for the year: the project cannot be found, which the year's error says.
        return {"project"} if "plan_year" in errors else set()

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        if self._is_dry_run(kwargs) or not instance.project.is_baselined:
            return
        model_name = self._meta.model._meta.model_name
        before = getattr(instance, "_before_import", None)
        if before is None:
            entries = [commitments.baseline_added_entry(instance, model_name)]
        else:
            entries = commitments.baseline_update_entries(instance, model_name, before)
        self.note_baseline_change(instance.project_id, entries)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("project__plan")


class MilestoneResource(ProjectChildResource):
    """Milestones, matched by (年度, 项目序号, 节点名称)."""

    title = Field(attribute="title", column_name="节点名称", widget=TextWidget())
    planned_date = Field(
        attribute="planned_date", column_name="计划完成日期", widget=DateCellWidget()
    )
    completed_on = Field(
        attribute="completed_on", column_name="实际完成日期", widget=DateCellWidget()
    )
    weight = Field(
        attribute="weight", column_name="权重", widget=WholeNumberWidget(), saves_null_values=False
    )
    note = Field(attribute="note", column_name="备注", widget=TextWidget())

    name_field = "title"
    key_fields = ("plan_year", "project", "title")
    duplicate_field = "title"

    class Meta:
        model = Milestone
        name = "项目节点"
        fields = ["plan_year", "project", "title", "planned_date", "completed_on", "weight", "note"]
        import_order = export_order = fields
        import_id_fields = ["plan_year", "project", "title"]

    def after_successful_import(self):
        self.record_baseline_changes()
        # Milestones drive the light: refresh the projects whose milestones changed.
        project_ids = {milestone.project_id for milestone in self._saved}
        if project_ids:
            services.lights_refresh(queryset=Project.objects.filter(pk__in=project_ids))


class IndicatorResource(ProjectChildResource):
    """Indicators, matched by (年度, 项目序号, 指标名称)."""

    name = Field(attribute="name", column_name="指标名称", widget=TextWidget())
    unit = Field(attribute="unit", column_name="单位", widget=TextWidget())
    target_value = Field(attribute="target_value", column_name="目标值", widget=AmountWidget())
    actual_value = Field(
        attribute="actual_value",
        column_name="实际值",
        widget=AmountWidget(),
        saves_null_values=False,
    )

    name_field = "name"
    key_fields = ("plan_year", "project", "name")
    duplicate_field = "name"

    class Meta:
        model = Indicator
        name = "项目指标"
        fields = ["plan_year", "project", "name", "unit", "target_value", "actual_value"]
        import_order = export_order = fields
        import_id_fields = ["plan_year", "project", "name"]

    def after_successful_import(self):
        self.record_baseline_changes()
