"""The labels and aliases a spreadsheet's cells are read and written by, and how column
titles compare."""

from __future__ import annotations

from ..choices import FundingSource, ProjectStatus
from ..import_widgets import (
    name_key,
)

# The labels a spreadsheet uses, whatever language the person exporting it reads.
STATUS_LABELS = {
    ProjectStatus.NOT_STARTED: "未开工",
    ProjectStatus.IN_PROGRESS: "推进中",
    ProjectStatus.COMPLETED: "已完成",
    ProjectStatus.SUSPENDED: "暂缓",
}
STATUS_ALIASES = {
    "未开始": ProjectStatus.NOT_STARTED,
    "进行中": ProjectStatus.IN_PROGRESS,
    "在建": ProjectStatus.IN_PROGRESS,
    "已完工": ProjectStatus.COMPLETED,
    "完成": ProjectStatus.COMPLETED,
    "暂停": ProjectStatus.SUSPENDED,
}
FUNDING_SOURCE_LABELS = {
    FundingSource.DISTRICT: "区级财政",
    FundingSource.HIGHER_LEVEL: "上级补助资金",
    FundingSource.SPECIAL_BOND: "专项债",
    FundingSource.SOCIAL_CAPITAL: "社会资本/PPP",
    FundingSource.OTHER: "其他",
}
FUNDING_SOURCE_ALIASES = {
    "区财政": FundingSource.DISTRICT,
    "上级补助": FundingSource.HIGHER_LEVEL,
    "专项债券": FundingSource.SPECIAL_BOND,
    "社会资本": FundingSource.SOCIAL_CAPITAL,
    "PPP": FundingSource.SOCIAL_CAPITAL,
}


# The project's many-to-many relations, written through their tables on import.
PROJECT_RELATIONS = ("cooperating_departments", "areas", "beneficiary_groups")


def header_key(header) -> str:
    """Column titles compare width-folded and without spaces: 计划投资(万元) is 计划投资（万元）."""
    return name_key(header)
