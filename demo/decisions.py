"""The year's decisions on the demo plan: changes, a closing and a suspension.

Made through projects/commitments.py once the plan is published, so that the baseline,
the approved records, the history and its actors are what a real year leaves. Each
decision is recognised on later runs by its project and reason, and made once.
"""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from projects import commitments
from projects.choices import ChangeKind, ChangeState, ProjectStatus
from projects.models import ChangeRequest, Plan, Project

from .dataset import DECISIONS, LOCAL_TIME


def local_time(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL_TIME)


def _acceptance_pdf(name: str):
    """A small, valid one-page PDF standing for the scanned acceptance report."""
    pdf = PdfWriter()
    pdf.add_blank_page(width=595, height=842)
    pdf.add_metadata({"/Title": name})
    buffer = io.BytesIO()
    pdf.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def recorded_decisions(plan: Plan) -> set[tuple[int, str]]:
    return set(
        ChangeRequest.objects.filter(project__plan=plan).values_list("project__number", "reason")
    )


def decided_values(recorded: set[tuple[int, str]]) -> dict[int, dict]:
    """What the recorded decisions made of each project: {number: {(model, name, field): v}}."""
    values: dict[int, dict] = {}
    for decision in DECISIONS:
        key = (decision["number"], decision["reason"])
        if decision["state"] != ChangeState.APPROVED:
            continue
        project = values.setdefault(decision["number"], {})
        if key not in recorded:
            if decision["kind"] in commitments.STATUS_KINDS:
                # Not decided yet: the project is still being delivered.
                project[("project", None, "status")] = ProjectStatus.IN_PROGRESS
                project[("project", None, "completed_on")] = None
            continue
        if decision["kind"] == ChangeKind.CHANGE:
            for model, name, field_name, new in decision["changes"]:
                project[(model, name, field_name)] = new
    return values


def make_decisions(*, plan: Plan, users: dict, recorded: set[tuple[int, str]]) -> None:
    office = users["coordinator"]
    for decision in DECISIONS:
        if (decision["number"], decision["reason"]) in recorded:
            continue
        project = Project.objects.get(plan=plan, number=decision["number"])
        by = users[decision["by"]]
        if decision["kind"] == ChangeKind.CHANGE:
            changes = []
            for model, name, field_name, new in decision["changes"]:
                entry = {"model": model, "field": field_name, "new": new}
                if model == "milestone":
                    entry["id"] = project.milestones.get(title=name).pk
                elif model == "indicator":
                    entry["id"] = project.indicators.get(name=name).pk
                changes.append(entry)
            request = commitments.change_request_create(
                project=project, by=by, changes=changes, reason=decision["reason"]
            )
        elif decision["kind"] == ChangeKind.CLOSE:
            request = commitments.closing_request_create(
                project=project,
                by=by,
                reason=decision["reason"],
                document=_acceptance_pdf(decision["document"]),
            )
        else:  # the office's own record of the district government's decision
            commitments.project_update(
                project=project,
                by=office,
                data={"status": commitments.STATUS_OF_KIND[decision["kind"]]},
                reason=decision["reason"],
                decision_number=decision["decision_number"],
            )
            request = ChangeRequest.objects.filter(project=project).latest("pk")
        if decision["state"] == ChangeState.APPROVED and request.state == ChangeState.PENDING:
            request = commitments.change_request_approve(
                request=request,
                by=office,
                decision_number=decision["decision_number"],
                notify=False,
            )
        # Dated as the year went, not on the day the demo is loaded.
        decided = decision["decided"]
        ChangeRequest.objects.filter(pk=request.pk).update(
            requested_at=local_time(datetime.date.fromisoformat(decision["filed"]), 9),
            decided_at=local_time(datetime.date.fromisoformat(decided), 16) if decided else None,
        )
