from import_export import resources

from .models import Indicator, Milestone, Project


class ProjectResource(resources.ModelResource):
    class Meta:
        model = Project


class MilestoneResource(resources.ModelResource):
    class Meta:
        model = Milestone


class IndicatorResource(resources.ModelResource):
    class Meta:
        model = Indicator
