"""Load the demo plan (``manage.py loaddemo``): the data of ``data/2024.yaml`` through the services.

Loading is idempotent: every row is found by its natural key (plan year, project number,
milestone title, indicator name, report month, department and area names, usernames) and
saved only when a value differs, so a second run writes nothing and adds no history.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from dashboard.services import snapshots_backfill
from departments.models import Area, Department, Membership
from projects.choices import ChangeKind, Light, ProjectStatus, ReportState
from projects.commitments import plan_publish
from projects.models import (
    BeneficiaryGroup,
    Category,
    Indicator,
    Milestone,
    Plan,
    ProgressReport,
    Project,
)
from projects.services import lights_refresh

from .dataset import (
    AREAS,
    BENEFICIARY_GROUPS,
    CATEGORIES,
    DECISIONS,
    DEFAULT_PASSWORD,
    DEPARTMENTS,
    PLAN,
    PROJECTS,
    REVIEWER,
    USERS,
    DemoDataError,
    latest_approved,
)
from .decisions import decided_values, local_time, make_decisions, recorded_decisions
from .feedback import load_feedback
from .writer import Passwords, Writer


@dataclass
class LoadResult:
    on_date: datetime.date
    plan: Plan
    created: int = 0
    updated: int = 0
    lights: dict[str, int] = field(default_factory=dict)
    usernames: list[str] = field(default_factory=list)


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _month(text: str) -> datetime.date:
    return datetime.date.fromisoformat(f"{text}-01")


def _load_users(writer: Writer, password: str) -> dict:
    User = get_user_model()
    groups = {group.name: group for group in Group.objects.all()}
    missing = sorted({name for spec in USERS for name in spec["groups"]} - set(groups))
    if missing:
        raise DemoDataError(
            f"The role group {missing[0]} does not exist: run `manage.py migrate` first."
        )
    passwords = Passwords(password)
    users = {}
    for spec in USERS:
        user = User.objects.filter(username=spec["username"]).first()
        values = {
            "first_name": spec["first_name"],
            "last_name": spec["last_name"],
            "email": spec["email"],
            "is_active": True,
            "is_staff": True,
            "is_superuser": spec["superuser"],
        }
        if user is None:
            user = User(username=spec["username"], password=passwords.encoded(), **values)
            user.save()
            writer.created += 1
        else:
            changed = [name for name, value in values.items() if getattr(user, name) != value]
            for name in changed:
                setattr(user, name, values[name])
            if not passwords.matches(user.password):
                user.password = passwords.encoded()
                changed.append("password")
            if changed:
                user.save(update_fields=changed)
                writer.updated += 1
        wanted = [groups[name] for name in spec["groups"]]
        if set(user.groups.values_list("pk", flat=True)) != {g.pk for g in wanted}:
            user.groups.set(wanted)
            writer.updated += 1
        users[spec["username"]] = user
    return users


def _load_reference_data(writer: Writer) -> dict:
    departments = {
        spec["name"]: writer.row(
            Department,
            {"name": spec["name"]},
            {key: value for key, value in spec.items() if key != "name"} | {"active": True},
        )
        for spec in DEPARTMENTS
    }
    areas = {
        spec["name"]: writer.row(
            Area, {"name": spec["name"]}, {"kind": spec["kind"], "order": order}
        )
        for order, spec in enumerate(AREAS)
    }
    groups = {
        name: writer.row(BeneficiaryGroup, {"name": name}, {"order": order})
        for order, name in enumerate(BENEFICIARY_GROUPS, start=1)
    }
    categories = {
        spec["code"]: writer.row(
            Category,
            {"code": spec["code"]},
            {key: value for key, value in spec.items() if key != "code"},
        )
        for spec in CATEGORIES
    }
    plan = writer.row(
        Plan, {"year": PLAN["year"]}, {key: v for key, v in PLAN.items() if key != "year"}
    )
    return {
        "departments": departments,
        "areas": areas,
        "groups": groups,
        "categories": categories,
        "plan": plan,
    }


def _load_memberships(writer: Writer, users: dict, departments: dict) -> None:
    for spec in USERS:
        if spec["department"]:
            writer.row(
                Membership,
                {
                    "user_id": users[spec["username"]].pk,
                    "department_id": departments[spec["department"]].pk,
                },
                {"role": spec["role"]},
            )


def _load_project(
    writer: Writer, spec: dict, ref: dict, users: dict, decided: dict | None = None
) -> Project:
    latest = latest_approved(spec)
    decided = decided or {}

    def as_decided(model: str, name, values: dict) -> dict:
        # A field a recorded decision changed keeps its decided value (see decisions.py).
        for (d_model, d_name, field_name), value in decided.items():
            if d_model == model and d_name == name and field_name in values:
                current = values[field_name]
                if isinstance(current, Decimal):
                    value = Decimal(value)
                elif isinstance(current, datetime.date) and isinstance(value, str):
                    value = _date(value)
                values[field_name] = value
        return values

    project_values = {
        "title": spec["title"],
        "summary": spec["summary"],
        "commitment": spec["commitment"],
        "category_id": ref["categories"][spec["category"]].pk,
        "lead_department_id": ref["departments"][spec["lead"]].pk,
        "planned_start": _date(spec["start"]),
        "planned_end": _date(spec["end"]),
        "planned_investment": Decimal(spec["investment"]),
        "funding_source": spec["funding"],
        "progress_percent": Decimal(latest.progress) if latest else Decimal("0"),
        "funds_disbursed": Decimal(latest.funds) if latest else Decimal("0"),
        "status": spec.get("status", ProjectStatus.IN_PROGRESS),
        "completed_on": _date(spec.get("completed_on")),
        "published": True,
    }
    project = writer.row(
        Project,
        {"plan_id": ref["plan"].pk, "number": spec["number"]},
        as_decided("project", None, project_values),
    )
    writer.many(
        project, "cooperating_departments", [ref["departments"][n] for n in spec["cooperating"]]
    )
    writer.many(project, "areas", [ref["areas"][n] for n in spec["areas"]])
    writer.many(project, "beneficiary_groups", [ref["groups"][n] for n in spec["groups"]])

    for item in spec["milestones"]:
        writer.row(
            Milestone,
            {"project_id": project.pk, "title": item.title},
            as_decided(
                "milestone",
                item.title,
                {
                    "planned_date": _date(item.planned),
                    "completed_on": _date(item.done),
                    "weight": item.weight,
                    "note": item.note,
                },
            ),
        )
    for order, item in enumerate(spec["indicators"], start=1):
        writer.row(
            Indicator,
            {"project_id": project.pk, "name": item.name},
            as_decided(
                "indicator",
                item.name,
                {
                    "unit": item.unit,
                    "target_value": Decimal(item.target),
                    "actual_value": Decimal(item.actual),
                    "order": order,
                },
            ),
        )

    author = next((users[u["username"]] for u in USERS if u["department"] == spec["lead"]), None)
    reviewer = users[REVIEWER]
    for item in spec["reports"]:
        period = _month(item.period)
        reviewed = item.state in (ReportState.APPROVED, ReportState.RETURNED)
        submitted = item.state != ReportState.DRAFT
        writer.row(
            ProgressReport,
            {"project_id": project.pk, "period": period},
            {
                "reported_progress": Decimal(item.progress),
                "funds_disbursed_to_date": Decimal(item.funds),
                "work_done": item.work_done,
                "problems": item.problems,
                "next_steps": item.next_steps,
                "state": item.state,
                "return_reason": item.return_reason,
                "author_id": author.pk if author else None,
                "submitted_at": local_time(period.replace(day=24), 16) if submitted else None,
                "reviewed_by_id": reviewer.pk if reviewed else None,
                "reviewed_at": local_time(period.replace(day=26), 10) if reviewed else None,
            },
        )
    return project


def load_demo(*, password: str = DEFAULT_PASSWORD, on_date: datetime.date) -> LoadResult:
    """Create or bring up to date the demo plan, its data and the demo accounts.

    Lights are then computed for ``on_date``. Running it again with the same data writes
    nothing except a changed password.
    """
    if not password:
        raise DemoDataError("The demo password cannot be empty.")
    writer = Writer()
    with transaction.atomic():
        users = _load_users(writer, password)
        writer.by = users["admin"]
        ref = _load_reference_data(writer)
        _load_memberships(writer, users, ref["departments"])
        recorded = recorded_decisions(ref["plan"])
        decided = decided_values(recorded)
        for spec in PROJECTS:
            _load_project(writer, spec, ref, users, decided.get(spec["number"]))
        load_feedback(writer, plan=ref["plan"], users=users)
        # The plan is published: its projects' commitments are their baseline (原计划).
        # Only projects without one get it, so a second run changes nothing.
        plan_publish(plan=ref["plan"], by=writer.by, at=local_time(PLAN["issued_on"], 9))
        # Then the year's changes, closings and suspensions, each once.
        make_decisions(plan=ref["plan"], users=users, recorded=recorded)
        for decision in DECISIONS:
            spec = next(p for p in PROJECTS if p["number"] == decision["number"])
            if decision["kind"] == ChangeKind.CLOSE and spec.get("completed_on"):
                # Closed on the day the acceptance found the work done.
                writer.row(
                    Project,
                    {"plan_id": ref["plan"].pk, "number": spec["number"]},
                    {"completed_on": _date(spec["completed_on"])},
                )
        lights_refresh(on_date=on_date)
        # The dashboard's monthly trend: snapshots of the months so far (missing ones only).
        snapshots_backfill(until=on_date, today=on_date)
    counts = Counter(Project.objects.filter(plan=ref["plan"]).values_list("light", flat=True))
    return LoadResult(
        on_date=on_date,
        plan=ref["plan"],
        created=writer.created,
        updated=writer.updated,
        lights={light.value: counts.get(light.value, 0) for light in Light},
        usernames=[spec["username"] for spec in USERS],
    )
