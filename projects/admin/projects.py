"""The project's admin page: its form and inlines saved through the write path."""

from django.contrib import admin
from django.db.models import Case, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from minsheng.admin_writes import (
    ServiceRefused,
    ServiceWritesAdminMixin,
    posted_values,
)
from minsheng.services import ServiceError
from projects.admin_scoping import DepartmentScopedAdminMixin

from .. import commitments, services
from ..choices import (
    ChangeKind,
    ChangeState,
    ProjectStatus,
)
from ..forms import (
    ProjectAdminForm,
)
from ..models import (
    BASELINE_FIELDS,
    Attachment,
    Indicator,
    Milestone,
    Project,
)
from ..resources import ProjectResource
from ..selectors import FIELD_LABELS, shown_value
from .common import SpreadsheetAdminMixin, light_badge
from .inlines import AttachmentInline, IndicatorInline, LightListFilter, MilestoneInline


def commitment_context(request, project) -> dict:
    """What the project page offers about its commitment: requests, and how to file one."""
    user = request.user
    can_request = user.has_perm("projects.request_change", project)
    open_project = project.status not in (ProjectStatus.COMPLETED, ProjectStatus.TERMINATED)
    status_kinds = [
        kind
        for kind in commitments.STATUS_KINDS
        if project.status in commitments.STATUSES_BEFORE[kind]
    ]
    requests = project.change_requests.select_related("requested_by").order_by(
        Case(When(state=ChangeState.PENDING, then=Value(0)), default=Value(1)),
        "-requested_at",
    )[:10]
    return {
        "baselined": project.is_baselined,
        "can_request": can_request,
        "change_url": reverse("admin:projects_changerequest_file", args=[project.pk])
        if can_request and project.is_baselined and open_project
        else None,
        "status_links": [
            (
                ChangeKind(kind).label,
                reverse("admin:projects_changerequest_file_status", args=[project.pk, kind]),
            )
            for kind in status_kinds
        ]
        if can_request
        else [],
        "closing_problems": commitments.closing_problems(project)
        if can_request and ChangeKind.CLOSE in status_kinds
        else [],
        "requests": [
            (change, reverse("admin:projects_changerequest_change", args=[change.pk]))
            for change in requests
        ],
        "queue_url": reverse("admin:projects_changerequest_changelist")
        + f"?project__id__exact={project.pk}",
    }


# Every project field the write path takes (projects/commitments/).
PROJECT_WRITABLE = commitments.PROJECT_FIELDS + commitments.PROJECT_M2M_FIELDS
CHILD_SERVICES = {
    Milestone: (commitments.MILESTONE_FIELDS, "milestone_save", "milestone_delete"),
    Indicator: (commitments.INDICATOR_FIELDS, "indicator_save", "indicator_delete"),
}


def _fresh(model, pk):
    # A bound form has already copied its values onto its instance; the service compares
    # with the row as stored.
    return model.objects.get(pk=pk)


def _save_attachment_row(request, form, *, existing, deleting, project, report):
    data = form.cleaned_data
    if deleting:
        commitments.attachment_delete(
            attachment=_fresh(Attachment, form.instance.pk), by=request.user
        )
        return None
    if existing:
        changed = {
            name: data[name] for name in form.changed_data if name in commitments.ATTACHMENT_FIELDS
        }
        return commitments.attachment_update(
            attachment=_fresh(Attachment, form.instance.pk), by=request.user, data=changed
        )
    return commitments.attachment_add(
        project=project,
        by=request.user,
        file=data["file"],
        kind=data.get("kind") or Attachment._meta.get_field("kind").default,
        title=data.get("title", ""),
        milestone=data.get("milestone"),
        report=report if report is not None else data.get("report"),
    )


def save_formset_through_services(request, formset, *, project, reason="", report=None):
    """Save each row of an inline formset through its service (projects/commitments/).

    Values posted for fields a row shows read-only go to the service too, which refuses
    them as it refuses them from the API. Refusals are collected per row and raised together
    (``ServiceRefused``), so that the page shows each one and nothing is saved.
    """
    model = formset.model
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    errors = {}
    for form in formset.forms:
        existing = form in formset.initial_forms
        if existing and form.instance.pk is None:
            continue  # a row naming a pk outside this formset's rows: Django skips it too
        deleting = formset.can_delete and formset._should_delete_form(form)
        if not existing and (deleting or not form.has_changed()):
            continue
        forged = {}
        if model in CHILD_SERVICES and existing:
            fields = CHILD_SERVICES[model][0]
            forged = posted_values(
                request, model, [n for n in fields if n not in form.fields], prefix=form.prefix
            )
        if existing and not (deleting or form.has_changed() or forged):
            continue
        try:
            if model is Attachment:
                saved = _save_attachment_row(
                    request,
                    form,
                    existing=existing,
                    deleting=deleting,
                    project=project,
                    report=report,
                )
            else:
                fields, save_name, delete_name = CHILD_SERVICES[model]
                name = model._meta.model_name
                if deleting:
                    getattr(commitments, delete_name)(
                        **{name: _fresh(model, form.instance.pk)}, by=request.user, reason=reason
                    )
                    saved = None
                else:
                    data = {n: form.cleaned_data[n] for n in fields if n in form.fields}
                    data.update(forged)
                    target = _fresh(model, form.instance.pk) if existing else model(project=project)
                    saved = getattr(commitments, save_name)(
                        **{name: target}, by=request.user, data=data, reason=reason
                    )
        except ServiceError as error:
            errors[form.prefix] = error
            continue
        if deleting:
            formset.deleted_objects.append(form.instance)
        elif existing:
            formset.changed_objects.append((saved, form.changed_data))
        else:
            formset.new_objects.append(saved)
    if errors:
        raise ServiceRefused(errors)


@admin.register(Project)
class ProjectAdmin(
    ServiceWritesAdminMixin,
    DepartmentScopedAdminMixin,
    SpreadsheetAdminMixin,
    ImportExportModelAdmin,
    SimpleHistoryAdmin,
):
    project_path = ""
    form = ProjectAdminForm
    change_form_template = "admin/projects/project/change_form.html"
    refusal_rename = {"reason": "change_reason"}
    resource_classes = [ProjectResource]
    list_display = [
        "number",
        "title",
        "plan_year",
        "category",
        "lead_department",
        "status",
        "light_display",
        "progress_percent",
        "planned_end",
    ]
    list_display_links = ["number", "title"]
    list_filter = [
        "plan",
        "category",
        "lead_department",
        "areas",
        "beneficiary_groups",
        "status",
        LightListFilter,
        "published",
    ]
    search_fields = ["title", "summary", "=number"]
    list_select_related = ["plan", "category", "lead_department"]
    list_per_page = 50
    filter_horizontal = ["cooperating_departments", "areas", "beneficiary_groups"]
    inlines = [MilestoneInline, IndicatorInline, AttachmentInline]

    class Media:
        css = {"all": ["minsheng/admin.css"]}

    fieldsets = [
        (None, {"fields": ["plan", "number", "title", "summary", "commitment", "category"]}),
        (
            _("Responsibility and coverage"),
            {
                "fields": [
                    "lead_department",
                    "cooperating_departments",
                    "areas",
                    "beneficiary_groups",
                ]
            },
        ),
        (
            _("Schedule and money"),
            {
                "fields": [
                    "planned_start",
                    "planned_end",
                    "planned_investment",
                    "funds_disbursed",
                    "funding_source",
                ]
            },
        ),
        (
            _("How it stands"),
            {
                "fields": [
                    "status",
                    "completed_on",
                    "progress_percent",
                    "light_display",
                    "expected_progress",
                    "published",
                ]
            },
        ),
    ]

    @admin.display(description=_("year"), ordering="plan__year")
    def plan_year(self, obj):
        return obj.plan.year

    @admin.display(description=_("light"), ordering="light")
    def light_display(self, obj):
        return light_badge(obj.light, obj.light_reason)

    @admin.display(description=_("baseline (原计划)"))
    def baseline_display(self, obj):
        """The baseline beside the current value, for each value that moved from it."""
        if obj is None or not obj.is_baselined:
            return "—"
        rows = [
            (
                FIELD_LABELS.get(("project", name)) or Project._meta.get_field(name).verbose_name,
                shown_value(name, old),
                shown_value(name, now),
            )
            for name, (old, now) in obj.baseline_differences().items()
        ]
        for model_name, children in (
            ("milestone", obj.milestones.all()),
            ("indicator", obj.indicators.all()),
        ):
            for child in children:
                if not child.is_baselined:
                    continue
                for name, column in BASELINE_FIELDS[model_name].items():
                    old, now = getattr(child, column), getattr(child, name)
                    if old != now:
                        label = type(child)._meta.get_field(name).verbose_name
                        unit = getattr(child, "unit", "")
                        rows.append(
                            (
                                f"{child} · {label}",
                                shown_value(name, old, unit),
                                shown_value(name, now, unit),
                            )
                        )
        frozen = _("Frozen on %(date)s.") % {
            "date": date_format(timezone.localtime(obj.baselined_at).date(), "DATE_FORMAT")
        }
        if not rows:
            return format_html("{} {}", frozen, _("Every value is as in the baseline."))
        return format_html(
            '{}<table class="ms-baseline"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr>'
            "</thead><tbody>{}</tbody></table>",
            frozen,
            _("field"),
            _("baseline (原计划)"),
            _("now (调整后)"),
            format_html_join("", "<tr><td>{}</td><td><del>{}</del></td><td>{}</td></tr>", rows),
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (title, {**options, "fields": list(options["fields"])})
            for title, options in self.fieldsets
        ]
        if obj is not None and obj.is_baselined:
            fieldsets[2][1]["fields"].append("baseline_display")
        if obj is not None and request.user.has_perm("projects.change_baseline", obj):
            fieldsets.append(
                (
                    _("Reason for a change to the commitment"),
                    {"fields": ["change_reason", "decision_number"]},
                )
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = ["light_display", "expected_progress", "baseline_display"]
        # The office sets the plan's fields; a department the few of its own project that
        # the write path lets it change (the rule lives in projects/permissions.py).
        if obj is not None and not request.user.has_perm("projects.change_plan_fields", obj):
            readonly += [
                name
                for name in PROJECT_WRITABLE
                if name not in commitments.DEPARTMENT_PROJECT_FIELDS
            ]
        return readonly

    def changelist_view(self, request, extra_context=None):
        services.lights_ensure_current()
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in PROJECT_WRITABLE if name in form.fields}
        data.update(
            posted_values(
                request, Project, [name for name in PROJECT_WRITABLE if name not in form.fields]
            )
        )
        try:
            if change:
                commitments.project_update(
                    project=obj,
                    by=request.user,
                    data=data,
                    reason=form.cleaned_data.get("change_reason", ""),
                    decision_number=form.cleaned_data.get("decision_number", ""),
                )
            else:
                obj.pk = commitments.project_create(by=request.user, data=data).pk
                obj._state.adding = False
        except ServiceError as error:
            raise ServiceRefused.of(error) from None
        obj.refresh_from_db()
        # The service set the many-to-many fields with the others.
        form.save_m2m = lambda: None

    def save_formset(self, request, form, formset, change):
        save_formset_through_services(
            request,
            formset,
            project=form.instance,
            reason=form.cleaned_data.get("change_reason", ""),
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["commitment"] = commitment_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)
