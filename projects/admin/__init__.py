"""The admin of plans, projects, reports and change requests, one module per page.

Importing this package registers every model admin of the app.
"""

from .changes import ChangeRequestAdmin, describe_change
from .children import IndicatorAdmin, MilestoneAdmin, ProjectChildAdmin
from .common import CoordinatorEditsAdmin, SpreadsheetAdminMixin, light_badge
from .inlines import (
    AttachmentInline,
    BaselinedChildInline,
    IndicatorInline,
    LightListFilter,
    MilestoneInline,
    ProjectChildInline,
    baseline_locked,
)
from .plans import BeneficiaryGroupAdmin, CategoryAdmin, PlanAdmin
from .projects import (
    CHILD_SERVICES,
    PROJECT_WRITABLE,
    ProjectAdmin,
    commitment_context,
    save_formset_through_services,
)
from .reports import ProgressReportAdmin, ReportAttachmentInline

__all__ = [
    "AttachmentInline",
    "BaselinedChildInline",
    "BeneficiaryGroupAdmin",
    "CHILD_SERVICES",
    "CategoryAdmin",
    "ChangeRequestAdmin",
    "CoordinatorEditsAdmin",
    "IndicatorAdmin",
    "IndicatorInline",
    "LightListFilter",
    "MilestoneAdmin",
    "MilestoneInline",
    "PROJECT_WRITABLE",
    "PlanAdmin",
    "ProgressReportAdmin",
    "ProjectAdmin",
    "ProjectChildAdmin",
    "ProjectChildInline",
    "ReportAttachmentInline",
    "SpreadsheetAdminMixin",
    "baseline_locked",
    "commitment_context",
    "describe_change",
    "light_badge",
    "save_formset_through_services",
]
