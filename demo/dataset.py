"""The demo's data, read from ``data/2024.yaml``: the plan, its reference data, 50 projects,
the year's decisions and residents' feedback.

The file holds plain values (choices as their stored codes, dates and money as strings);
this module gives them the types the loader and the tests use: the choices' enums, dates,
and frozen records for a project's milestones, indicators and reports.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from departments.choices import AreaKind, DepartmentKind, MembershipRole
from feedback.choices import CommentState, SuggestionState
from projects.choices import (
    ChangeKind,
    ChangeState,
    FundingSource,
    Light,
    ProjectStatus,
    ReportState,
)

DATA_FILE = Path(__file__).resolve().parent / "data" / "2024.yaml"

DEMO_DATE = datetime.date(2024, 9, 30)
DEFAULT_PASSWORD = "minsheng2024"
# The change reason of every history row the loader writes.
CHANGE_REASON = "演示数据"
LOCAL_TIME = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class MilestoneData:
    title: str
    planned: str
    weight: int
    done: str | None = None
    note: str = ""


@dataclass(frozen=True)
class IndicatorData:
    name: str
    unit: str
    target: str
    actual: str


@dataclass(frozen=True)
class ReportData:
    period: str  # "2024-06"
    progress: str
    funds: str
    work_done: str
    state: str = ReportState.APPROVED
    problems: str = ""
    next_steps: str = ""
    return_reason: str = ""


class DemoDataError(Exception):
    """The demo data cannot be loaded (a mistake in the data file, or the role groups'
    migration has not run)."""


def _project(spec: dict) -> dict:
    project = dict(spec)
    project["funding"] = FundingSource(spec["funding"])
    if "status" in spec:
        project["status"] = ProjectStatus(spec["status"])
    project["milestones"] = [MilestoneData(**item) for item in spec["milestones"]]
    project["indicators"] = [IndicatorData(**item) for item in spec["indicators"]]
    project["reports"] = [
        ReportData(**(item | {"state": ReportState(item.get("state", ReportState.APPROVED))}))
        for item in spec["reports"]
    ]
    project["light_on_demo_date"] = Light(spec["light_on_demo_date"])
    return project


def _decision(spec: dict) -> dict:
    decision = spec | {"kind": ChangeKind(spec["kind"]), "state": ChangeState(spec["state"])}
    if "changes" in spec:
        decision["changes"] = [tuple(change) for change in spec["changes"]]
    return decision


def _each(path: Path, what: str, specs: list, convert, key=None) -> list:
    """Convert each entry, naming the entry that is wrong so that the file is quick to fix."""
    converted = []
    for position, spec in enumerate(specs, start=1):
        try:
            converted.append(convert(spec))
        except (KeyError, TypeError, ValueError) as error:
            name = spec.get(key, position) if key and isinstance(spec, dict) else position
            problem = f"missing {error}" if isinstance(error, KeyError) else str(error)
            raise DemoDataError(f"{path.name}, {what} {name}: {problem}") from error
    return converted


def read(path: Path) -> dict:
    """The data file's sections, typed; a mistake in it is a DemoDataError that says where."""
    # The C loader, present in PyYAML's wheels, reads the file in a fraction of the time.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with path.open(encoding="utf-8") as file:
            data = yaml.load(file, Loader=loader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as error:
        raise DemoDataError(f"{path.name} is not valid YAML: {error}") from error
    feedback = data["feedback"]
    return {
        "plan": data["plan"]
        | {"issued_on": datetime.date.fromisoformat(data["plan"]["issued_on"])},
        "categories": data["categories"],
        "beneficiary_groups": data["beneficiary_groups"],
        "areas": _each(
            path, "area", data["areas"], lambda a: a | {"kind": AreaKind(a["kind"])}, "name"
        ),
        "departments": _each(
            path,
            "department",
            data["departments"],
            lambda d: d | {"kind": DepartmentKind(d["kind"])},
            "name",
        ),
        "users": _each(
            path,
            "user",
            data["users"],
            lambda u: u | {"role": MembershipRole(u["role"]) if u["role"] else None},
            "username",
        ),
        "reviewer": data["reviewer"],
        "projects": _each(path, "project", data["projects"], _project, "number"),
        "decisions": _each(path, "decision on project", data["decisions"], _decision, "number"),
        "sensitive_words": feedback["sensitive_words"],
        "comments": _each(
            path,
            "comment",
            feedback["comments"],
            lambda c: c | {"state": CommentState(c["state"])},
        ),
        # project number → counts of 满意, 基本满意, 不满意
        "ratings": {number: tuple(counts) for number, counts in feedback["ratings"].items()},
        "suggestions": _each(
            path,
            "suggestion",
            feedback["suggestions"],
            lambda s: s | {"state": SuggestionState(s["state"])},
            "title",
        ),
    }


_DATA = read(DATA_FILE)

PLAN = _DATA["plan"]
CATEGORIES = _DATA["categories"]
BENEFICIARY_GROUPS = _DATA["beneficiary_groups"]
AREAS = _DATA["areas"]
DEPARTMENTS = _DATA["departments"]
USERS = _DATA["users"]
REVIEWER = _DATA["reviewer"]
PROJECTS = _DATA["projects"]
DECISIONS = _DATA["decisions"]
SENSITIVE_WORDS = _DATA["sensitive_words"]
COMMENTS = _DATA["comments"]
RATINGS = _DATA["ratings"]
SUGGESTIONS = _DATA["suggestions"]


def latest_approved(spec: dict) -> ReportData | None:
    """The project's newest approved report in the data: its progress and funds are the project's."""
    approved = [r for r in spec["reports"] if r.state == ReportState.APPROVED]
    return max(approved, key=lambda r: r.period) if approved else None
