"""Spreadsheet import and export of projects, milestones and indicators (django-import-export).

The coordinating office keeps the plan in Excel; these resources read and write it as .xlsx or
.csv with the Chinese column titles it already uses. How a file is read:

- Rows are matched to what exists by their natural key: a project by (年度, 序号), a milestone by
  (年度, 项目序号, 节点名称), an indicator by (年度, 项目序号, 指标名称). A row that matches
  nothing is new; a row that changes nothing is skipped, so importing an export changes nothing.
- Departments, categories, areas and beneficiary groups are written by name, several in one cell
  separated by 、 , or ；. Every name must exist: an unknown one is an error, never dropped.
- Status and funding source are written by their Chinese labels (the value codes and English
  labels are accepted too). Yes/no columns are 是 / 否.
- A column left out of the file leaves that field alone. An empty cell clears a field that may be
  empty (texts, completion dates) and keeps the current value of one that may not (money,
  progress, status …); on a new row that is the field's default. Required cells (title, dates,
  category, lead department …) must be filled.
- No exported cell is a formula: a text starting with = + - @ (or a tab or line break) is written
  with a leading apostrophe (``minsheng.spreadsheets``), which reading a text cell removes again,
  so importing an export gives back the same text.
- All or nothing: any bad row and the whole file is rolled back; each error names its row and
  column (the column title, so the import page shows it where the person will look) and why.
- The plan's commitments (projects/commitments/): only the coordinating office imports
  (``projects.import_spreadsheet``). A change of a baseline field (原计划: planned dates,
  investment, funding source, milestones' planned dates and weights, indicators' targets and
  units) of a baselined project, or a milestone or indicator added to one, is applied and
  leaves one approved change record per project naming the file. A status an import may not
  set (anything but “not started” → “in progress”: closing, suspending and terminating are
  decided in the administration) and a completion date still to come are row errors.
"""

from .base import SpreadsheetResource, add_error
from .children import IndicatorResource, MilestoneResource, ProjectChildResource
from .labels import (
    FUNDING_SOURCE_ALIASES,
    FUNDING_SOURCE_LABELS,
    PROJECT_RELATIONS,
    STATUS_ALIASES,
    STATUS_LABELS,
    header_key,
)
from .projects import ProjectResource

__all__ = [
    "FUNDING_SOURCE_ALIASES",
    "FUNDING_SOURCE_LABELS",
    "IndicatorResource",
    "MilestoneResource",
    "PROJECT_RELATIONS",
    "ProjectChildResource",
    "ProjectResource",
    "STATUS_ALIASES",
    "STATUS_LABELS",
    "SpreadsheetResource",
    "add_error",
    "header_key",
]
