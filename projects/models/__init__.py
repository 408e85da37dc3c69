"""The portal's plans, projects and what hangs off them.

One module per concern; every model is re-exported here, so ``from projects.models import
Project`` and the migrations keep working.
"""

# isort: off
# Imported in the order a plan is built, the order the models register in.
from .common import BASELINE_FIELDS, DERIVED_FIELDS, NON_NEGATIVE, PERCENT_VALIDATORS
from .plans import BeneficiaryGroup, Category, Plan, PlanQuerySet
from .projects import TO_DELIVER, HistorySource, Project, ProjectHistoryBase, ProjectQuerySet
from .progress import (
    Indicator,
    Milestone,
    MilestoneQuerySet,
    ProgressReport,
    ProgressReportQuerySet,
)
from .changes import ChangeRequest, ChangeRequestQuerySet
from .attachments import STORED_SUFFIXES, Attachment, AttachmentQuerySet, attachment_upload_to
# isort: on

__all__ = [
    "Attachment",
    "AttachmentQuerySet",
    "BASELINE_FIELDS",
    "BeneficiaryGroup",
    "Category",
    "ChangeRequest",
    "ChangeRequestQuerySet",
    "DERIVED_FIELDS",
    "HistorySource",
    "Indicator",
    "Milestone",
    "MilestoneQuerySet",
    "NON_NEGATIVE",
    "PERCENT_VALIDATORS",
    "Plan",
    "PlanQuerySet",
    "ProgressReport",
    "ProgressReportQuerySet",
    "Project",
    "ProjectHistoryBase",
    "ProjectQuerySet",
    "STORED_SUFFIXES",
    "TO_DELIVER",
    "attachment_upload_to",
]
