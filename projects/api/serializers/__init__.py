"""Plans, categories, projects and what hangs off them, as the API shows and takes them.

Read serializers show what the public pages show. Write serializers take only the fields a
change needs and refuse any other (``StrictFieldsMixin``); the write itself is a service's.
"""

from .fields import API_URL, PAGE_URL, PageUrlField, amount, percent
from .projects import (
    LIGHT_HELP,
    ApprovedChangeSerializer,
    AttachmentSerializer,
    ChangeEntrySerializer,
    IndicatorSerializer,
    MilestoneSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    PublicReportSerializer,
)
from .reference import (
    BeneficiaryGroupSerializer,
    CategoryFiguresSerializer,
    CategoryRefSerializer,
    CategorySerializer,
    NamedSerializer,
    PlanSerializer,
    PlanStatisticsSerializer,
    SatisfactionFiguresSerializer,
)
from .reports import ReportCreateSerializer, ReportReturnSerializer, ReportSerializer
from .writes import (
    REASON_HELP,
    IndicatorUpdateSerializer,
    MilestoneUpdateSerializer,
    PartialWriteSerializer,
    ProjectUpdateSerializer,
)

__all__ = [
    "API_URL",
    "ApprovedChangeSerializer",
    "AttachmentSerializer",
    "BeneficiaryGroupSerializer",
    "CategoryFiguresSerializer",
    "CategoryRefSerializer",
    "CategorySerializer",
    "ChangeEntrySerializer",
    "IndicatorSerializer",
    "IndicatorUpdateSerializer",
    "LIGHT_HELP",
    "MilestoneSerializer",
    "MilestoneUpdateSerializer",
    "NamedSerializer",
    "PAGE_URL",
    "PageUrlField",
    "PartialWriteSerializer",
    "PlanSerializer",
    "PlanStatisticsSerializer",
    "ProjectDetailSerializer",
    "ProjectSerializer",
    "ProjectUpdateSerializer",
    "PublicReportSerializer",
    "REASON_HELP",
    "ReportCreateSerializer",
    "ReportReturnSerializer",
    "ReportSerializer",
    "SatisfactionFiguresSerializer",
    "amount",
    "percent",
]
