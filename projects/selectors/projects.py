"""Reads of projects that know what the public may see.

Residents see published projects of published plans, approved progress reports only and
the attachments of those reports, never a department's contact details. The public pages,
the feeds and the REST API read through these functions so that rule lives in one place.
Each function runs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from itertools import zip_longest
from types import SimpleNamespace

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from departments.models import Area, Department
from minsheng import clock
from minsheng.numbers import format_amount as amount
from minsheng.numbers import format_percent as pct
from minsheng.numbers import percent, round_percent

from .choices import AttachmentKind, ChangeKind, ChangeSource, FundingSource, Light, ProjectStatus
from .light import LightResult, ReportPeriod, Thresholds, compute_light
from .models import (
    TO_DELIVER,
    Attachment,
    BeneficiaryGroup,
    Category,
    ChangeRequest,
    HistorySource,
    Indicator,
    Milestone,
    Plan,
    ProgressReport,
    Project,
)

BEHIND_LIGHTS = (Light.YELLOW, Light.RED)
# The statuses of projects the plan delivers (TO_DELIVER as a list, for joins).
DELIVERED_STATUSES = [s for s in ProjectStatus.values if s != ProjectStatus.TERMINATED]
LATEST_UPDATES = 10


# --------------------------------------------------------------------------------------
# Plans
# --------------------------------------------------------------------------------------


def public_plans() -> list[Plan]:
    """Published plans, newest first (one query)."""
    return list(Plan.objects.published().order_by("-year"))


def current_plan() -> Plan | None:
    """The newest published plan, which the site shows by default."""
    return Plan.objects.published().order_by("-year").first()


class NoSuchPlan(LookupError):
    """A year was asked for that is malformed or has no plan among those offered."""


def plan_for(plans: list[Plan], year, *, strict: bool = True) -> Plan | None:
    """The plan a page, the API, a feed or the dashboard shows: the one of ``year`` (``?year=``,
    a path segment or a form value) among ``plans`` (newest first), else the default.

    The default is the newest published plan among ``plans``, or the newest when none is
    published (the dashboard offers unpublished plans too); None when there are no plans.
    A year given that is malformed or not among ``plans`` raises ``NoSuchPlan`` (each entry
    point answers it its own way: a 404 page, a 400 in the API); ``strict=False`` falls back
    to the default instead, as a filter form does.
    """
    text = "" if year is None else str(year).strip()
    if text:
        # Compared as written: "02024" or "2024.0" is no year of ours.
        plan = next((plan for plan in plans if str(plan.year) == text), None)
        if plan is not None:
            return plan
        if strict:
            raise NoSuchPlan(text)
    published = [plan for plan in plans if plan.published]
    return (published or plans or [None])[0]


def public_plan(year) -> Plan:
    """The published plan of ``year``; 404 for an unknown, unpublished or malformed year."""
    try:
        return plan_for(public_plans(), year if str(year or "").strip() else "-")
    except NoSuchPlan:
        raise Http404("No such plan") from None


@dataclass(frozen=True)
class PlanHeadline:
    """The plan's figures at a glance (首页核心指标)."""

    projects: int  # to deliver: terminated projects are counted apart
    completed: int
    in_progress: int
    not_started: int
    suspended: int
    terminated: int
    behind: int
    yellow: int
    red: int
    average_progress: Decimal | None
    planned_investment: Decimal
    funds_disbursed: Decimal

    @property
    def execution_rate(self) -> Decimal | None:
        """Funds disbursed as a share of planned investment, in percent (资金执行率)."""
        return percent(self.funds_disbursed, self.planned_investment)


def plan_headline(plan: Plan) -> PlanHeadline:
    """Counts and sums of a plan's published projects, in one query.

    Overall progress is the plain average of every published project's progress, not
    started ones included: a project that has not begun holds the plan back, and residents
    read "overall progress" as how much of the whole list is done. A terminated project
    (终止) is no longer one the plan delivers: it is counted apart (``terminated``) and left
    out of the other figures.
    """
    deliver = TO_DELIVER
    figures = (
        Project.objects.published()
        .filter(plan=plan)
        .aggregate(
            projects=Count("pk", filter=deliver),
            completed=Count("pk", filter=Q(status=ProjectStatus.COMPLETED)),
            in_progress=Count("pk", filter=Q(status=ProjectStatus.IN_PROGRESS)),
            not_started=Count("pk", filter=Q(status=ProjectStatus.NOT_STARTED)),
            suspended=Count("pk", filter=Q(status=ProjectStatus.SUSPENDED)),
            terminated=Count("pk", filter=~deliver),
            behind=Count("pk", filter=Q(light__in=BEHIND_LIGHTS)),
            yellow=Count("pk", filter=Q(light=Light.YELLOW)),
            red=Count("pk", filter=Q(light=Light.RED)),
            average_progress=Avg("progress_percent", filter=deliver),
            planned_investment=Sum("planned_investment", filter=deliver),
            funds_disbursed=Sum("funds_disbursed", filter=deliver),
        )
    )
    return PlanHeadline(
        projects=figures["projects"],
        completed=figures["completed"],
        in_progress=figures["in_progress"],
        not_started=figures["not_started"],
        suspended=figures["suspended"],
        terminated=figures["terminated"],
        behind=figures["behind"],
        yellow=figures["yellow"],
        red=figures["red"],
        average_progress=round_percent(figures["average_progress"]),
        planned_investment=Decimal(str(figures["planned_investment"] or 0)),
        funds_disbursed=Decimal(str(figures["funds_disbursed"] or 0)),
    )


def category_cards(plan: Plan) -> list[Category]:
    """The plan's categories with ``project_count``, ``average_progress`` and ``behind`` (one query)."""
    return list(
        Category.objects.filter(
            # In one filter() so the three conditions hold for the same project: an
            # exclude() would drop a category with any terminated project.
            projects__plan=plan,
            projects__published=True,
            projects__status__in=DELIVERED_STATUSES,
        )
        .annotate(
            project_count=Count("projects"),
            average_progress=Avg("projects__progress_percent"),
            completed=Count("projects", filter=Q(projects__status=ProjectStatus.COMPLETED)),
            behind=Count("projects", filter=Q(projects__light__in=BEHIND_LIGHTS)),
        )
        .order_by("order", "code")
    )


def _newest_first(queryset):
    return queryset.order_by(F("reviewed_at").desc(nulls_last=True), "-period", "-pk")


def approved_reports_of_plan(plan: Plan):
    """Approved reports of the plan's published projects, newest approval first."""
    return _newest_first(
        ProgressReport.objects.approved()
        .filter(project__plan=plan, project__published=True, project__plan__published=True)
        .select_related("project")
    )


def approved_reports_of_project(project: Project):
    """Approved reports of one project, newest approval first."""
    return _newest_first(ProgressReport.objects.approved().filter(project=project)).select_related(
        "project"
    )


def latest_updates(plan: Plan, limit: int = LATEST_UPDATES) -> list[ProgressReport]:
    return list(approved_reports_of_plan(plan)[:limit])


# --------------------------------------------------------------------------------------
# Attachment files
# --------------------------------------------------------------------------------------


def attachment_by_stored_name(name: str, user) -> tuple[Attachment, bool]:
    """The attachment whose file or thumbnail is stored as ``name``, and whether it is public.

    Public files are found without looking at who asks (their answer is the same for all and
    may be cached anywhere); the others only for staff who may see the project. Otherwise 404,
    which does not tell a hidden file from a missing one.
    """
    stored_as = Q(file=name) | Q(thumbnail=name)
    attachment = Attachment.objects.public().filter(stored_as).first()
    if attachment is not None:
        return attachment, True
    attachment = Attachment.objects.visible_to(user).filter(stored_as).first()
    if attachment is None:
        raise Http404("No such file")
    return attachment, False


# --------------------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------------------


def public_projects():
    """Published projects of published plans, with what a list shows."""
    return (
        Project.objects.published()
        .select_related("plan", "category", "lead_department")
        .order_by("plan__year", "number")
    )


# What a row of the project list shows, and what working out its light needs.
LISTED_FIELDS = (
    "plan_id",
    "number",
    "title",
    "category__name",
    "lead_department__name",
    "lead_department__short_name",
    "status",
    "planned_start",
    "planned_end",
    "completed_on",
    "progress_percent",
    "light",
    "light_reason",
)


def listed_projects():
    """Published projects of published plans with the columns a list row needs only.

    Ordered by number: lists filter on one plan, so the plan's year adds nothing but a sort.
    """
    return (
        Project.objects.published()
        .select_related("category", "lead_department")
        .only(*LISTED_FIELDS)
        .order_by("number")
    )


def _id_or_404(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404("No such project") from None


def public_project(pk) -> Project:
    """One published project of a published plan (no prefetching), or 404."""
    project = public_projects().filter(pk=_id_or_404(pk)).first()
    if project is None:
        raise Http404("No such project")
    return project


def project_for_public(pk) -> Project:
    """One published project with everything its page shows, or 404 (nine queries).

    Plain queries rather than prefetch chains: building a queryset with eight prefetches
    cost more than the rest of the page. The project gets, as lists:

    - ``cooperating``, ``area_list``, ``group_list``: dicts with ``pk`` and ``name``;
    - ``milestone_list`` (date order) and ``indicator_list``;
    - ``approved_reports``: the approved ones only, newest month first, each with
      ``public_attachments``;
    - ``project_attachments``: those not tied to a report or a request, since a report's
      photos appear only once it is approved;
    - ``approved_changes``: the approved change requests and decisions, oldest first, each
      with ``public_documents`` (a request's documents are public once it is approved).
    """
    pk = _id_or_404(pk)
    project = (
        Project.objects.published()
        .select_related("plan", "category", "lead_department")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404("No such project")
    project.cooperating = list(
        Department.objects.filter(cooperating_projects=pk).values("pk", "name", "short_name")
    )
    project.area_list = list(Area.objects.filter(projects=pk).values("pk", "name"))
    project.group_list = list(BeneficiaryGroup.objects.filter(projects=pk).values("pk", "name"))
    project.milestone_list = list(
        Milestone.objects.filter(project_id=pk).order_by("planned_date", "pk")
    )
    project.indicator_list = list(Indicator.objects.filter(project_id=pk).order_by("order", "pk"))
    reports = list(
        ProgressReport.objects.approved().filter(project_id=pk).order_by("-period", "-pk")
    )
    by_report = {report.pk: report for report in reports}
    # Approved changes and decisions (计划调整、销号、暂缓、终止), in the order they were
    # decided. Pending, rejected and withdrawn requests are the office's and the
    # department's business.
    changes = list(
        ChangeRequest.objects.approved()
        .filter(project_id=pk)
        .only(
            "project_id",
            "kind",
            "state",
            "source",
            "reason",
            "changes",
            "decision_number",
            "decided_at",
        )
        .order_by("decided_at", "pk")
    )
    by_change = {change.pk: change for change in changes}
    # The project's own attachments and those of its approved reports, oldest first.
    attachments = (
        Attachment.objects.outside_unapproved_reports()
        .filter(project_id=pk)
        .order_by("uploaded_at", "pk")
    )
    project.project_attachments = []
    for row in (*reports, *changes):
        row.public_attachments = []
    for attachment in attachments:
        if attachment.change_request_id is not None:
            if attachment.change_request_id in by_change:
                by_change[attachment.change_request_id].public_attachments.append(attachment)
        elif attachment.report_id is None:
            project.project_attachments.append(attachment)
        elif attachment.report_id in by_report:
            by_report[attachment.report_id].public_attachments.append(attachment)
    project.approved_reports = reports
    project.approved_changes = changes
    return project


def live_light(project: Project, on_date: datetime.date | None = None) -> LightResult:
    """The project's light worked out now, its reason in the active language.

    Needs what ``project_for_public`` loads (milestones, approved reports): no query.
    """
    reports = getattr(project, "approved_reports", None)
    latest = reports[0] if reports else None
    return compute_light(
        project,
        _milestones(project),
        latest,
        on_date or clock.today(),
        Thresholds.from_settings(),
    )


def _milestones(project: Project):
    milestones = getattr(project, "milestone_list", None)
    return project.milestones.all() if milestones is None else milestones


def relabel_lights(projects: list[Project], on_date: datetime.date | None = None) -> None:
    """Give listed projects ``light_reason`` in the active language (two queries).

    Stored reasons are written in the site's language; a visitor who chose another one
    gets them worked out again for the few projects on the page.
    """
    if not projects:
        return
    ids = [project.pk for project in projects]
    milestones: dict[int, list[Milestone]] = {pk: [] for pk in ids}
    for milestone in Milestone.objects.filter(project_id__in=ids).only(
        "project_id", "title", "planned_date", "completed_on", "weight"
    ):
        milestones[milestone.project_id].append(milestone)
    latest_period = (
        ProgressReport.objects.approved()
        .filter(project=OuterRef("pk"))
        .order_by("-period")
        .values("period")[:1]
    )
    periods = dict(
        Project.objects.filter(pk__in=ids)
        .annotate(latest=Subquery(latest_period))
        .values_list("pk", "latest")
    )
    on_date = on_date or clock.today()
    thresholds = Thresholds.from_settings()
    for project in projects:
        period = periods.get(project.pk)
        report = ReportPeriod(period) if period else None
        result = compute_light(project, milestones[project.pk], report, on_date, thresholds)
        project.light = result.light
        project.light_reason = result.reason


@dataclass(frozen=True)
class MilestoneView:
    milestone: Milestone
    state: str  # "done", "overdue" or "upcoming"
    days_overdue: int = 0


def milestone_timeline(project: Project, on_date: datetime.date | None = None):
    """The project's milestones in date order with their state on ``on_date``."""
    on_date = on_date or clock.today()
    timeline = []
    for milestone in _milestones(project):
        if milestone.completed_on:
            timeline.append(MilestoneView(milestone, "done"))
        elif milestone.planned_date < on_date:
            timeline.append(MilestoneView(milestone, "overdue", milestone.days_overdue(on_date)))
        else:
            timeline.append(MilestoneView(milestone, "upcoming"))
    return timeline


@dataclass(frozen=True)
class Photos:
    """A project's own attachments sorted for the page."""

    pairs: list  # (before, after) tuples, either may be None
    photos: list
    documents: list


def project_photos(project: Project) -> Photos:
    before, after, photos, documents = [], [], [], []
    for attachment in project.project_attachments:
        if not attachment.is_image:
            documents.append(attachment)
        elif attachment.kind == AttachmentKind.BEFORE:
            before.append(attachment)
        elif attachment.kind == AttachmentKind.AFTER:
            after.append(attachment)
        else:
            photos.append(attachment)
    return Photos(list(zip_longest(before, after)), photos, documents)


# --------------------------------------------------------------------------------------
# The change history in plain words
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryLine:
    when: datetime.datetime
    text: str


def _status_label(value) -> str:
    try:
        return str(ProjectStatus(value).label)
    except ValueError:
        return value


def office_name() -> str:
    """How the public pages name the coordinating office (区发改委民生工程股)."""
    return _("Livelihood Projects Section")


def _history_rows(project: Project) -> list:
    """The project's history rows, oldest first, each saying who acted (one query).

    Residents follow departments and the office, never staff users: for each row the query
    works out whether its user belongs to the office (or is a superuser), to the lead
    department, or to one of the cooperating departments.
    """
    from django.contrib.auth import get_user_model

    from departments.models import Membership
    from departments.roles import COORDINATOR_GROUP

    user = OuterRef("history_user_id")
    memberships = Membership.objects.filter(user_id=user)
    cooperating_ids = [department["pk"] for department in getattr(project, "cooperating", [])]
    rows = (
        Project.history.model.objects.filter(id=project.pk)
        .annotate(
            by_office=Exists(
                get_user_model().objects.filter(
                    Q(is_superuser=True) | Q(groups__name=COORDINATOR_GROUP), pk=user
                )
            ),
            by_lead=Exists(memberships.filter(department_id=project.lead_department_id)),
            cooperating_id=Subquery(
                memberships.filter(department_id__in=cooperating_ids)
                .order_by("department_id")
                .values("department_id")[:1]
            ),
        )
        .order_by("history_date", "history_id")
        .values(
            "history_date",
            "history_user_id",
            "history_source",
            "progress_percent",
            "funds_disbursed",
            "status",
            "by_office",
            "by_lead",
            "cooperating_id",
        )
    )
    return [SimpleNamespace(**row) for row in rows]


def _actor(record, project: Project) -> str:
    """Who really acted: the lead department (its staff, or its approved report), a
    cooperating department, or the office (its staff, superusers, its imports, and changes
    no user is recorded for, which only the platform's owner makes)."""
    lead = project.lead_department.display_name
    if record.history_source == HistorySource.REPORT:
        return lead
    if record.history_user_id is None or record.by_office:
        return office_name()
    if record.by_lead:
        return lead
    if record.cooperating_id is not None:
        for department in getattr(project, "cooperating", []):
            if department["pk"] == record.cooperating_id:
                return department.get("short_name") or department["name"]
    return office_name()


def project_change_history(project: Project) -> list[HistoryLine]:
    """What changed in the project's progress, funds and status, newest first (one query).

    Each line names who acted (``_actor``): residents follow departments, and the names of
    staff users stay private.
    """
    records = _history_rows(project)
    lines: list[HistoryLine] = []
    for previous, record in zip(records, records[1:], strict=False):
        when = record.history_date
        date = date_format(timezone.localtime(when).date(), "DATE_FORMAT")
        actor = _actor(record, project)
        if previous.progress_percent != record.progress_percent:
            lines.append(
                HistoryLine(
                    when,
                    _("%(date)s %(actor)s updated the progress from %(old)s%% to %(new)s%%")
                    % {
                        "date": date,
                        "actor": actor,
                        "old": pct(previous.progress_percent),
                        "new": pct(record.progress_percent),
                    },
                )
            )
        if previous.funds_disbursed != record.funds_disbursed:
            lines.append(
                HistoryLine(
                    when,
                    _(
                        "%(date)s %(actor)s updated the funds disbursed from %(old)s to %(new)s (10k yuan)"
                    )
                    % {
                        "date": date,
                        "actor": actor,
                        "old": amount(previous.funds_disbursed),
                        "new": amount(record.funds_disbursed),
                    },
                )
            )
        if previous.status != record.status:
            lines.append(
                HistoryLine(
                    when,
                    _("%(date)s %(actor)s changed the status from “%(old)s” to “%(new)s”")
                    % {
                        "date": date,
                        "actor": actor,
                        "old": _status_label(previous.status),
                        "new": _status_label(record.status),
                    },
                )
            )
    lines.reverse()
    return lines


# --------------------------------------------------------------------------------------
# Plan changes and decisions (计划调整、销号、暂缓、终止) in plain words
# --------------------------------------------------------------------------------------

DATE_FIELDS = frozenset({"planned_start", "planned_end", "planned_date"})
# Labels the page uses where the field's own name carries its unit.
FIELD_LABELS = {("project", "planned_investment"): gettext_lazy("Planned investment")}
DECISION_KINDS = {
    ProjectStatus.COMPLETED: ChangeKind.CLOSE,
    ProjectStatus.SUSPENDED: ChangeKind.SUSPEND,
    ProjectStatus.TERMINATED: ChangeKind.TERMINATE,
}


@dataclass(frozen=True)
class ChangeLine:
    """One field of an approved change: what it was in the baseline (原计划) and is now."""

    label: str
    old: str
    new: str


@dataclass(frozen=True)
class PlanChange:
    """An approved change or decision as the public page shows it."""

    request: ChangeRequest
    kind: str
    kind_label: str
    date: datetime.date
    lines: list
    reason: str
    approval: str
    decision_number: str
    documents: list


def shown_value(field: str, value, unit: str = "") -> str:
    """A baseline field's value as the pages write it: 2024年6月3日, 300 万元, 区级财政.

    Takes the value as stored in a change entry (a JSON string) or as a model holds it (a
    date, a Decimal), so the admin, the request form and the public page write it alike."""
    if value in (None, ""):
        return "—"
    if field in DATE_FIELDS:
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return value
        return date_format(value, "DATE_FORMAT")
    if field == "planned_investment":
        return f"{amount(value)} {_('10k yuan')}"
    if field == "funding_source":
        try:
            return str(FundingSource(value).label)
        except ValueError:
            return str(value)
    if field == "target_value":
        return f"{amount(value)} {unit}".strip()
    return str(value)


def _row_summary(model_name: str, values: dict) -> str:
    values = values or {}
    if model_name == "milestone":
        return _("“%(title)s”, planned for %(date)s, weight %(weight)s") % {
            "title": values.get("title", ""),
            "date": shown_value("planned_date", values.get("planned_date")),
            "weight": values.get("weight", ""),
        }
    return _("“%(name)s”, target %(target)s") % {
        "name": values.get("name", ""),
        "target": shown_value("target_value", values.get("target_value"), values.get("unit", "")),
    }


def change_lines(
    changes: list[dict], *, milestones: dict[int, str], indicators: dict[int, tuple[str, str]]
) -> list[ChangeLine]:
    """The entries of an approved change (``ChangeRequest.changes``) in words, each field
    with its baseline and new value as the page writes them. ``milestones`` gives the
    titles of the project's milestones by id, ``indicators`` (name, unit) by id."""
    from .models import BASELINE_FIELDS, Indicator, Milestone

    models = {"project": Project, "milestone": Milestone, "indicator": Indicator}
    lines = []
    for entry in changes or []:
        model_name, action = entry.get("model"), entry.get("action", "update")
        if model_name not in models:
            continue
        what = models[model_name]._meta.verbose_name
        if action == "add":
            lines.append(
                ChangeLine(
                    _("%(what)s added") % {"what": capfirst(what)},
                    "—",
                    _row_summary(model_name, entry.get("new")),
                )
            )
            continue
        if action == "delete":
            lines.append(
                ChangeLine(
                    _("%(what)s removed") % {"what": capfirst(what)},
                    _row_summary(model_name, entry.get("old")),
                    "—",
                )
            )
            continue
        field = entry.get("field", "")
        if field not in BASELINE_FIELDS.get(model_name, {}):
            continue
        label = FIELD_LABELS.get((model_name, field)) or capfirst(
            models[model_name]._meta.get_field(field).verbose_name
        )
        unit = ""
        if model_name == "milestone":
            label = _("Milestone “%(title)s”: %(field)s") % {
                "title": milestones.get(entry.get("id")) or _("(removed)"),
                "field": label,
            }
        elif model_name == "indicator":
            name, unit = indicators.get(entry.get("id")) or (_("(removed)"), "")
            label = _("Indicator “%(name)s”: %(field)s") % {"name": name, "field": label}
        lines.append(
            ChangeLine(
                str(label),
                shown_value(field, entry.get("old"), unit),
                shown_value(field, entry.get("new"), unit),
            )
        )
    return lines


def change_text(lines: list[ChangeLine]) -> str:
    """The lines of a change in one sentence, for a table cell: “计划完成日期：A → B；…”."""
    return "；".join(f"{line.label}：{line.old} → {line.new}" for line in lines)


def _approval(change: ChangeRequest, date: datetime.date) -> str:
    words = {
        ChangeSource.OFFICE_EDIT: _("Changed directly by %(office)s on %(date)s"),
        ChangeSource.IMPORT: _("Imported by %(office)s on %(date)s"),
    }.get(change.source, _("Approved by %(office)s on %(date)s"))
    return words % {"office": office_name(), "date": date_format(date, "DATE_FORMAT")}


def plan_changes(project: Project) -> list[PlanChange]:
    """The project's approved changes and decisions, newest first, in words (no query).

    Needs what ``project_for_public`` loads (``approved_changes``, milestones, indicators).
    """
    milestones = {m.pk: m.title for m in getattr(project, "milestone_list", [])}
    indicators = {i.pk: (i.name, i.unit) for i in getattr(project, "indicator_list", [])}
    changes = []
    for change in getattr(project, "approved_changes", []):
        date = timezone.localtime(change.decided_at).date()
        changes.append(
            PlanChange(
                request=change,
                kind=change.kind,
                kind_label=str(ChangeKind(change.kind).label),
                date=date,
                lines=change_lines(change.changes, milestones=milestones, indicators=indicators),
                reason=change.reason,
                approval=_approval(change, date),
                decision_number=change.decision_number,
                documents=list(getattr(change, "public_attachments", [])),
            )
        )
    changes.reverse()
    return changes


def project_decision(project: Project, changes: list[PlanChange]) -> PlanChange | None:
    """The decision behind a closed (销号), suspended or terminated project: the newest
    approved request of that kind, or None (and for a project of another status)."""
    kind = DECISION_KINDS.get(project.status)
    if kind is None:
        return None
    return next((change for change in changes if change.kind == kind), None)


def acceptance_documents(project: Project, decision: PlanChange | None) -> list:
    """The acceptance documents (验收材料) of a closed project: the closing request's and
    those attached to the project itself."""
    documents = list(decision.documents) if decision else []
    documents += [
        attachment
        for attachment in getattr(project, "project_attachments", [])
        if attachment.kind == AttachmentKind.ACCEPTANCE
    ]
    return documents


__all__ = [
    "BEHIND_LIGHTS",
    "ChangeLine",
    "PlanChange",
    "PlanHeadline",
    "approved_reports_of_plan",
    "approved_reports_of_project",
    "category_cards",
    "current_plan",
    "latest_updates",
    "listed_projects",
    "live_light",
    "milestone_timeline",
    "acceptance_documents",
    "change_lines",
    "change_text",
    "office_name",
    "plan_changes",
    "plan_headline",
    "project_decision",
    "project_change_history",
    "project_for_public",
    "project_photos",
    "public_plan",
    "public_plans",
    "public_project",
    "public_projects",
    "relabel_lights",
]
