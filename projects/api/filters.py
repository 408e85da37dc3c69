"""Filters of the API's own lists (reports, milestones, indicators).

The project list uses ``projects.filters.ProjectFilter``, the one the public list page uses.
"""

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from minsheng.api.schema import ID, MAX_ID
from projects.choices import ReportState
from projects.models import Indicator, Milestone, ProgressReport


class IdFilter(django_filters.NumberFilter):
    """A whole-number id (NumberFilter alone would take 1.5)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        # The schema states the range (a NumberFilter alone reads as any number, 0 included);
        # a schema given here replaces the generated one, description and all.
        extend_schema_field({**ID, "description": kwargs.get("help_text", "")})(self)


PROJECT_HELP = "项目编号 / Id of the project."


class ReportFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id", help_text=PROJECT_HELP)
    state = django_filters.ChoiceFilter(
        choices=ReportState.choices,
        help_text="状态：draft 草稿、submitted 已提交、approved 已通过、returned 已退回 / State.",
    )

    class Meta:
        model = ProgressReport
        fields: list[str] = []


class MilestoneFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id", help_text=PROJECT_HELP)

    class Meta:
        model = Milestone
        fields: list[str] = []


class IndicatorFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id", help_text=PROJECT_HELP)

    class Meta:
        model = Indicator
        fields: list[str] = []
