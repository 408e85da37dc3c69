from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from departments.roles import is_coordinator, person_name
from minsheng.admin_actions import ServiceActionsMixin
from minsheng.admin_exports import SelectedExportMixin
from minsheng.admin_writes import (
    ServiceRefused,
    ServiceWritesAdminMixin,
    place_errors,
    posted_values,
)
from minsheng.services import ServiceError
from projects.admin_scoping import DepartmentScopedAdminMixin

from . import commitments, services
from .choices import (
    LIGHT_ICONS,
    ChangeKind,
    ChangeSource,
    ChangeState,
    Light,
    ProjectStatus,
    ReportState,
)
from .forms import (
    ApproveChangeForm,
    AttachmentForm,
    ChangeReasonForm,
    ChangeRequestForm,
    ProgressReportForm,
    ProjectAdminForm,
    RejectChangeForm,
    ReturnReportForm,
    StatusRequestForm,
)
from .models import (
    BASELINE_FIELDS,
    Attachment,
    BeneficiaryGroup,
    Category,
    ChangeRequest,
    Indicator,
    Milestone,
    Plan,
    ProgressReport,
    Project,
)
from .resources import IndicatorResource, MilestoneResource, ProjectResource
from .selectors import FIELD_LABELS, shown_value


def light_badge(light: str, reason: str = ""):
    """The light as colour, icon and word together (colour is never the only signal)."""
    return format_html(
        '<span class="ms-light ms-light--{}" title="{}">{} {}</span>',
        light,
        reason,
        LIGHT_ICONS.get(light, ""),
        Light(light).label,
    )


class SpreadsheetAdminMixin(SelectedExportMixin):
    """Import for the coordinating office only; CSV with a byte-order mark so Excel reads Chinese."""

    to_encoding = "utf-8-sig"

    def has_import_permission(self, request):
        return request.user.has_perm(
            "projects.import_spreadsheet"
        ) and super().has_import_permission(request)

    def process_result(self, result, request):
        # The confirm step re-reads the file: when a row went bad since the preview, the whole
        # import was rolled back and must not be reported as finished.
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _(
                    "Nothing was imported: the data changed since the preview. Upload the file again to see why."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
            )
        return super().process_result(result, request)


class CoordinatorEditsAdmin(SimpleHistoryAdmin):
    """Reference data: the coordinating office changes it, everyone else with access reads it."""


@admin.register(Plan)
class PlanAdmin(CoordinatorEditsAdmin):
    list_display = ["year", "title", "issued_on", "published", "project_count"]
    list_filter = ["published"]
    search_fields = ["title", "=year"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(project_count=Count("projects"))

    def save_model(self, request, obj, form, change):
        # Publishing (印发) freezes the projects' baselines: the service does both, once.
        publishing = obj.published and (not change or "published" in form.changed_data)
        if publishing:
            obj.published = False
        super().save_model(request, obj, form, change)
        if publishing:
            commitments.plan_publish(plan=obj, by=request.user)
            obj.published = True

    @admin.display(description=_("projects"), ordering="project_count")
    def project_count(self, obj):
        return obj.project_count


@admin.register(Category)
class CategoryAdmin(CoordinatorEditsAdmin):
    list_display = ["order", "name", "code", "icon", "colour"]
    list_display_links = ["name"]
    search_fields = ["name", "code"]


@admin.register(BeneficiaryGroup)
class BeneficiaryGroupAdmin(CoordinatorEditsAdmin):
    list_display = ["order", "name"]
    list_display_links = ["name"]
    search_fields = ["name"]


def baseline_locked(request, project) -> bool:
    """Whether ``project``'s baseline fields are closed to this user (file a change request)."""
    return (
        project is not None
        and project.is_baselined
        and not request.user.has_perm("projects.change_baseline", project)
    )


class ProjectChildInline(admin.TabularInline):
    """Inlines on a project page: editable only when the user's department leads the project."""

    extra = 0

    def _can_edit_parent(self, request, obj):
        return obj is not None and request.user.has_perm("projects.report_on_project", obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._can_edit_parent(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._can_edit_parent(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._can_edit_parent(request, obj)


class BaselinedChildInline(ProjectChildInline):
    """Milestones and indicators: part of the baseline once the project has one. A department
    then sees their baseline fields read-only and adds or removes none (a change request)."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if baseline_locked(request, obj):
            readonly += list(BASELINE_FIELDS[self.model._meta.model_name])
        return readonly

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not baseline_locked(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not baseline_locked(request, obj)


class MilestoneInline(BaselinedChildInline):
    model = Milestone
    fields = ["title", "planned_date", "completed_on", "weight", "note"]


class IndicatorInline(BaselinedChildInline):
    model = Indicator
    fields = ["name", "unit", "target_value", "actual_value", "order"]


class AttachmentInline(ProjectChildInline):
    model = Attachment
    form = AttachmentForm
    fields = ["kind", "title", "file", "milestone", "report", "preview"]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if obj.pk and obj.thumbnail:
            return format_html(
                '<img src="{}" alt="{}" style="max-height:60px">', obj.thumbnail.url, str(obj)
            )
        return "—"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the project's own milestones and reports can be chosen.
        project_id = (
            request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        )
        if db_field.name == "milestone":
            kwargs["queryset"] = Milestone.objects.filter(project_id=project_id)
        elif db_field.name == "report":
            kwargs["queryset"] = ProgressReport.objects.filter(project_id=project_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LightListFilter(admin.SimpleListFilter):
    title = _("light")
    parameter_name = "light"

    def lookups(self, request, model_admin):
        return Light.choices

    def queryset(self, request, queryset):
        if self.value() in Light.values:
            return queryset.filter(light=self.value())
        return queryset


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


# Every project field the write path takes (projects/commitments.py).
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
    """Save each row of an inline formset through its service (projects/commitments.py).

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


class ProjectChildAdmin(
    ServiceWritesAdminMixin,
    DepartmentScopedAdminMixin,
    SpreadsheetAdminMixin,
    ImportExportModelAdmin,
    SimpleHistoryAdmin,
):
    """Milestones and indicators on pages of their own, for lists across projects and imports.

    Saved and deleted through their services, as on the project page."""

    list_select_related = ["project", "project__plan", "project__lead_department"]
    form = ChangeReasonForm
    refusal_rename = {"reason": "change_reason"}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "project":
            kwargs["queryset"] = Project.objects.editable_by(request.user).select_related("plan")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # A row's project is fixed once it exists: moving it would move it out of scope.
        readonly = ["project"]
        if baseline_locked(request, obj.project):
            readonly += list(BASELINE_FIELDS[self.model._meta.model_name])
        return readonly

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not request.user.has_perm("projects.change_baseline", obj.project):
            fields = [name for name in fields if name != "change_reason"]
        return fields

    def save_model(self, request, obj, form, change):
        fields, save_name, _delete = CHILD_SERVICES[self.model]
        data = {name: form.cleaned_data[name] for name in fields if name in form.fields}
        data.update(
            posted_values(request, self.model, [name for name in fields if name not in form.fields])
        )
        target = _fresh(self.model, obj.pk) if change else self.model(project=obj.project)
        try:
            saved = getattr(commitments, save_name)(
                **{self.model._meta.model_name: target},
                by=request.user,
                data=data,
                reason=form.cleaned_data.get("change_reason", ""),
            )
        except ServiceError as error:
            raise ServiceRefused.of(error) from None
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        _fields, _save, delete_name = CHILD_SERVICES[self.model]
        getattr(commitments, delete_name)(**{self.model._meta.model_name: obj}, by=request.user)

    def delete_queryset(self, request, queryset):
        if queryset.exclude(pk__in=self.editable_queryset(request, queryset).values("pk")).exists():
            raise PermissionDenied
        # All or nothing: a row the service refuses (a baseline) keeps every row.
        with transaction.atomic():
            for obj in queryset:
                try:
                    self.delete_model(request, obj)
                except ServiceError as error:
                    raise PermissionDenied(f"{obj}: {' '.join(error.messages)}") from None


@admin.register(Milestone)
class MilestoneAdmin(ProjectChildAdmin):
    resource_classes = [MilestoneResource]
    list_display = ["title", "project", "planned_date", "completed_on", "weight", "overdue"]
    list_filter = [
        "project__plan",
        "project__category",
        "project__lead_department",
        ("completed_on", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "project__title"]
    date_hierarchy = "planned_date"

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        from minsheng import clock

        return obj.is_overdue(clock.today())


@admin.register(Indicator)
class IndicatorAdmin(ProjectChildAdmin):
    resource_classes = [IndicatorResource]
    list_display = ["name", "project", "unit", "target_value", "actual_value", "completion"]
    list_filter = ["project__plan", "project__category", "project__lead_department"]
    search_fields = ["name", "project__title"]

    @admin.display(description=_("completion (%)"))
    def completion(self, obj):
        value = obj.completion_percent
        return "—" if value is None else value


class ReportAttachmentInline(admin.TabularInline):
    model = Attachment
    form = AttachmentForm
    fk_name = "report"
    fields = ["kind", "title", "file"]
    extra = 0

    def _editable(self, request, obj):
        return (
            obj is not None
            and obj.is_editable
            and request.user.has_perm("projects.report_on_project", obj.project)
        )

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)


@admin.register(ProgressReport)
class ProgressReportAdmin(
    ServiceWritesAdminMixin, DepartmentScopedAdminMixin, ServiceActionsMixin, SimpleHistoryAdmin
):
    form = ProgressReportForm
    change_form_template = "admin/projects/progressreport/change_form.html"
    # A report's state moves through the workflow only: restoring an old version would take
    # an approved report back to a draft (reviewer cleared) while the project keeps its
    # approved progress.
    history_revert = False
    list_display = [
        "project",
        "period_display",
        "state",
        "reported_progress",
        "funds_disbursed_to_date",
        "author",
        "submitted_at",
    ]
    list_filter = [
        "state",
        "project__plan",
        "project__category",
        "project__lead_department",
        "period",
    ]
    search_fields = ["project__title", "work_done"]
    list_select_related = ["project", "project__plan", "author"]
    date_hierarchy = "period"
    inlines = [ReportAttachmentInline]
    actions = ["submit_selected", "approve_selected", "return_selected"]

    @admin.display(description=_("period"), ordering="period")
    def period_display(self, obj):
        return f"{obj.period:%Y-%m}"

    def get_readonly_fields(self, request, obj=None):
        readonly = [
            "state",
            "return_reason",
            "author",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
        ]
        if obj is not None:
            readonly.append("project")
            if not obj.is_editable:
                readonly += list(ProgressReportForm.Meta.fields)
        return readonly

    def get_fields(self, request, obj=None):
        fields = list(ProgressReportForm.Meta.fields)
        if obj is not None:
            fields += [
                "state",
                "return_reason",
                "author",
                "submitted_at",
                "reviewed_by",
                "reviewed_at",
            ]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "project":
            kwargs["queryset"] = Project.objects.editable_by(request.user).select_related("plan")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def can_edit_object(self, request, obj) -> bool:
        # Department staff edit their own drafts and returned reports; the office reviews.
        if is_coordinator(request.user):
            return True
        return obj.is_editable and super().can_edit_object(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        save_formset_through_services(
            request, formset, project=form.instance.project, report=form.instance
        )

    # --- the workflow: buttons on the report page and bulk actions ---

    def get_urls(self):
        urls = super().get_urls()
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/submit/",
                self.admin_site.admin_view(self.submit_view),
                name="%s_%s_submit" % info,
            ),
            path(
                "<path:object_id>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="%s_%s_approve" % info,
            ),
            path(
                "<path:object_id>/return/",
                self.admin_site.admin_view(self.return_view),
                name="%s_%s_return" % info,
            ),
        ] + urls

    def _change_url(self, obj):
        return reverse("admin:projects_progressreport_change", args=[obj.pk])

    def _run(self, request, object_id, service, success_message, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        report = self.get_scoped_object_or_404(request, object_id)
        try:
            service(report=report, by=request.user, **kwargs)
        except ServiceError as exc:
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, success_message, messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(report))

    def submit_view(self, request, object_id):
        return self._run(
            request, object_id, services.report_submit, _("The report was submitted for review.")
        )

    def approve_view(self, request, object_id):
        return self._run(
            request,
            object_id,
            services.report_approve,
            _("The report was approved; the project's progress and funds are updated."),
        )

    def return_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = ReturnReportForm(request.POST)
        if not form.is_valid():
            report = self.get_scoped_object_or_404(request, object_id)
            self.message_user(request, _("Say why the report is returned."), messages.ERROR)
            return HttpResponseRedirect(self._change_url(report))
        return self._run(
            request,
            object_id,
            services.report_return,
            _("The report was returned to the department."),
            reason=form.cleaned_data["return_reason"],
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            own = request.user.has_perm("projects.report_on_project", obj.project)
            context.update(
                can_submit=own and obj.is_editable and self.has_change_permission(request, obj),
                can_review=obj.state == ReportState.SUBMITTED
                and request.user.has_perm("projects.review_report"),
                return_form=ReturnReportForm(),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _each_report(self, request, queryset, service, done_message, **kwargs):
        self.run_service_on_each(
            request,
            queryset.select_related("project"),
            service,
            done_message,
            row_argument="report",
            **kwargs,
        )

    @admin.action(description=_("Submit selected reports for review"), permissions=["change"])
    def submit_selected(self, request, queryset):
        # Every selected report goes to the service, which refuses (with a message the user
        # sees) those of projects the user's department does not lead.
        self._each_report(
            request,
            queryset,
            services.report_submit,
            lambda n: ngettext("%d report submitted.", "%d reports submitted.", n) % n,
        )

    @admin.action(description=_("Approve selected reports"), permissions=["review"])
    def approve_selected(self, request, queryset):
        self._each_report(
            request,
            queryset,
            services.report_approve,
            lambda n: ngettext("%d report approved.", "%d reports approved.", n) % n,
        )

    @admin.action(description=_("Return selected reports with a reason"), permissions=["review"])
    def return_selected(self, request, queryset):
        return self.action_with_reason(
            request,
            ReturnReportForm(request.POST if "return_reason" in request.POST else None),
            lambda data: self._each_report(
                request,
                queryset,
                services.report_return,
                lambda n: ngettext("%d report returned.", "%d reports returned.", n) % n,
                reason=data["return_reason"],
            ),
            template="admin/projects/progressreport/return_selected.html",
            title=_("Return reports"),
            queryset=queryset.select_related("project"),
        )

    def has_review_permission(self, request):
        return request.user.has_perm("projects.review_report")


# --- change requests (调整申请): filed by departments, decided by the office --------------


def _titles_of(changes) -> dict:
    """``(model, id) → name`` of the milestones and indicators the requests name."""
    ids = {"milestone": set(), "indicator": set()}
    for change in changes:
        for entry in change.changes or []:
            if entry.get("model") in ids and entry.get("id"):
                ids[entry["model"]].add(entry["id"])
    titles = {}
    for model_name, model, label in (
        ("milestone", Milestone, "title"),
        ("indicator", Indicator, "name"),
    ):
        if ids[model_name]:
            for pk, title in model.objects.filter(pk__in=ids[model_name]).values_list("pk", label):
                titles[(model_name, pk)] = title
    return titles


def describe_change(change: ChangeRequest, titles: dict) -> list[str]:
    """Each entry of a request as a line a person reads: what, 原计划 → 调整后."""
    if change.kind != ChangeKind.CHANGE:
        line = str(change.get_kind_display())
        if change.decision_number:
            line += f"（{change.decision_number}）"
        return [line]
    lines = []
    for entry in change.changes or []:
        model = commitments.MODELS[entry["model"]]
        action = entry.get("action", "update")
        what = str(model._meta.verbose_name)
        if entry["model"] != "project":
            values = {"add": entry.get("new"), "delete": entry.get("old")}.get(action)
            name = titles.get((entry["model"], entry.get("id")))
            if name is None and isinstance(values, dict):
                name = values.get("title") or values.get("name")
            what = f"{what}「{name or entry.get('id')}」"
        if action == "update":
            field_name = entry["field"]
            # The value carries its unit (4,860 万元): the label need not say it again.
            label = (
                FIELD_LABELS.get((entry["model"], field_name))
                or model._meta.get_field(field_name).verbose_name
            )
            lines.append(
                f"{what} · {label}：{shown_value(field_name, entry.get('old'))} → "
                f"{shown_value(field_name, entry.get('new'))}"
            )
        elif action == "add":
            lines.append(str(_("%(what)s added") % {"what": what}))
        else:
            lines.append(str(_("%(what)s removed") % {"what": what}))
    return lines


@admin.register(ChangeRequest)
class ChangeRequestAdmin(DepartmentScopedAdminMixin, ServiceActionsMixin, SimpleHistoryAdmin):
    """The office's queue of requests (pending first), and each department's own requests.

    Requests are filed from the project's page (申请调整, 申请销号 …) and never edited: the
    office approves or rejects them with the buttons on a request's page or the bulk actions;
    the requester may withdraw a pending one.
    """

    change_form_template = "admin/projects/changerequest/change_form.html"
    history_revert = False

    class Media:
        css = {"all": ["minsheng/admin.css"]}

    # What the office reads to decide comes first; the decision's date is on the request's page
    # (a wider list pushed the changes out of sight beside the filters).
    list_display = [
        "project",
        "kind",
        "state",
        "changes_summary",
        "requester",
        "requested_at",
    ]
    list_filter = ["state", "kind", "source", "project__plan", "project__lead_department"]
    list_select_related = ["project", "requested_by"]
    search_fields = ["project__title", "reason", "decision_number"]
    actions = ["approve_selected", "reject_selected"]
    fields = [
        "project_link",
        "kind",
        "state",
        "source",
        "source_name",
        "changes_display",
        "reason",
        "documents",
        "decision_number",
        "decision_note",
        "requester",
        "requested_at",
        "decider",
        "decided_at",
    ]
    readonly_fields = fields

    def get_fields(self, request, obj=None):
        # Show what the request has: an import's file name only for an import, the decision
        # only once it is made (blank "decision" rows read as if something were missing).
        hidden = set()
        if obj is not None and obj.source != ChangeSource.IMPORT:
            hidden.add("source_name")
        if obj is not None and obj.is_pending:
            hidden.update({"decision_number", "decision_note", "decider", "decided_at"})
        if obj is not None and not obj.decision_note:
            # The reason for not approving, which an approved request has not.
            hidden.add("decision_note")
        return [name for name in super().get_fields(request, obj) if name not in hidden]

    def get_ordering(self, request):
        # The office's queue: what waits for a decision first, newest first within.
        pending_first = Case(
            When(state=ChangeState.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [pending_first.asc(), "-requested_at", "-pk"]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        titles = _titles_of(changelist.result_list)
        for change in changelist.result_list:
            change.titles = titles
        return changelist

    # People by name, as the office knows them, not as links to the user admin (which a
    # department may not open) nor by their sign-in names.
    @admin.display(description=_("requested by"), ordering="requested_by__last_name")
    def requester(self, obj):
        return person_name(obj.requested_by)

    @admin.display(description=_("decided by"))
    def decider(self, obj):
        return person_name(obj.decided_by)

    @admin.display(description=_("changes (原计划 → 调整后)"))
    def changes_summary(self, obj):
        lines = describe_change(obj, getattr(obj, "titles", {}))
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    @admin.display(description=_("changes (原计划 → 调整后)"))
    def changes_display(self, obj):
        lines = describe_change(obj, _titles_of([obj]))
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    @admin.display(description=_("project"))
    def project_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:projects_project_change", args=[obj.project_id]),
            obj.project,
        )

    @admin.display(description=_("documents"))
    def documents(self, obj):
        rows = [(a.file.url, a) for a in obj.attachments.all()]
        if not rows:
            return "—"
        return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a>', rows)

    # Requests are filed from the project's page and decided with buttons: never edited.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_decide_permission(self, request):
        return request.user.has_perm("projects.change_changerequest")

    def get_urls(self):
        info = "projects_changerequest"
        wrap = self.admin_site.admin_view
        return [
            path("file/<int:project_id>/", wrap(self.file_change_view), name=f"{info}_file"),
            path(
                "file/<int:project_id>/<str:kind>/",
                wrap(self.file_status_view),
                name=f"{info}_file_status",
            ),
            path("<path:object_id>/approve/", wrap(self.approve_view), name=f"{info}_approve"),
            path("<path:object_id>/reject/", wrap(self.reject_view), name=f"{info}_reject"),
            path("<path:object_id>/withdraw/", wrap(self.withdraw_view), name=f"{info}_withdraw"),
        ] + super().get_urls()

    def _change_url(self, obj):
        return reverse("admin:projects_changerequest_change", args=[obj.pk])

    # --- filing -------------------------------------------------------------------------

    def _project_to_request_on(self, request, project_id):
        project = Project.objects.visible_to(request.user).filter(pk=project_id).first()
        if project is None:
            raise Http404
        if not request.user.has_perm("projects.request_change", project):
            raise PermissionDenied
        return project

    def _file_page(self, request, project, form, title, **context):
        return TemplateResponse(
            request,
            "admin/projects/changerequest/file.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.opts,
                "project": project,
                "project_opts": Project._meta,
                "project_url": reverse("admin:projects_project_change", args=[project.pk]),
                "form": form,
                "media": self.media + form.media,
                **context,
            },
        )

    def _filed(self, request, form, create):
        """Call ``create()``; its refusal goes onto ``form``. The request, or None."""
        try:
            return create()
        except ServiceError as error:
            for message in place_errors(form, error, {"file": "document", "changes": None}):
                form.add_error(None, message)
        return None

    def file_change_view(self, request, project_id):
        project = self._project_to_request_on(request, project_id)
        form = ChangeRequestForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
            project=project,
        )
        if request.method == "POST" and form.is_valid():
            change = self._filed(
                request,
                form,
                lambda: commitments.change_request_create(
                    project=project,
                    by=request.user,
                    changes=form.changes(),
                    reason=form.cleaned_data["reason"],
                    document=form.cleaned_data.get("document"),
                ),
            )
            if change is not None:
                self.message_user(
                    request,
                    _(
                        "The change request was filed. Nothing changes until the coordinating "
                        "office approves it."
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._change_url(change))
        return self._file_page(request, project, form, _("File a change request (申请调整)"))

    def file_status_view(self, request, project_id, kind):
        if kind not in commitments.STATUS_KINDS:
            raise Http404
        project = self._project_to_request_on(request, project_id)
        form = StatusRequestForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
            kind=kind,
        )
        if request.method == "POST" and form.is_valid():
            change = self._filed(
                request,
                form,
                lambda: commitments.status_request_create(
                    project=project,
                    by=request.user,
                    kind=kind,
                    reason=form.cleaned_data["reason"],
                    decision_number=form.cleaned_data.get("decision_number", ""),
                    document=form.cleaned_data.get("document"),
                ),
            )
            if change is not None:
                self.message_user(
                    request,
                    _("The request was filed for the coordinating office to decide."),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._change_url(change))
        problems = (
            commitments.closing_problems(project, with_document=True)
            if kind == ChangeKind.CLOSE
            else []
        )
        return self._file_page(
            request,
            project,
            form,
            _("Request: %(kind)s") % {"kind": ChangeKind(kind).label},
            problems=problems,
        )

    # --- deciding -----------------------------------------------------------------------

    def _decide(self, request, object_id, service, done_message, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        change = self.get_scoped_object_or_404(request, object_id)
        try:
            service(request=change, by=request.user, **kwargs)
        except ServiceError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, done_message, messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(change))

    def approve_view(self, request, object_id):
        form = ApproveChangeForm(request.POST)
        form.is_valid()
        return self._decide(
            request,
            object_id,
            commitments.change_request_approve,
            _("The request was approved and applied."),
            decision_number=form.cleaned_data.get("decision_number", ""),
        )

    def reject_view(self, request, object_id):
        form = RejectChangeForm(request.POST)
        if request.method == "POST" and not form.is_valid():
            change = self.get_scoped_object_or_404(request, object_id)
            self.message_user(request, _("Say why the request is not approved."), messages.ERROR)
            return HttpResponseRedirect(self._change_url(change))
        return self._decide(
            request,
            object_id,
            commitments.change_request_reject,
            _("The request was not approved; the department sees the reason."),
            reason=form.cleaned_data.get("decision_note", ""),
        )

    def withdraw_view(self, request, object_id):
        return self._decide(
            request, object_id, commitments.change_request_withdraw, _("The request was withdrawn.")
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            user = request.user
            context.update(
                can_decide=obj.is_pending and user.has_perm("projects.decide_change", obj.project),
                can_withdraw=obj.is_pending and user.has_perm("projects.withdraw_change", obj),
                approve_form=ApproveChangeForm(),
                reject_form=RejectChangeForm(),
                needs_number=obj.kind in (ChangeKind.SUSPEND, ChangeKind.TERMINATE),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description=_("Approve selected requests"), permissions=["decide"])
    def approve_selected(self, request, queryset):
        self.run_service_on_each(
            request,
            queryset.select_related("project"),
            commitments.change_request_approve,
            lambda n: ngettext("%d request approved.", "%d requests approved.", n) % n,
            row_argument="request",
        )

    @admin.action(description=_("Reject selected requests with a reason"), permissions=["decide"])
    def reject_selected(self, request, queryset):
        return self.action_with_reason(
            request,
            RejectChangeForm(request.POST if "decision_note" in request.POST else None),
            lambda data: self.run_service_on_each(
                request,
                queryset.select_related("project"),
                commitments.change_request_reject,
                lambda n: ngettext("%d request not approved.", "%d requests not approved.", n) % n,
                row_argument="request",
                reason=data["decision_note"],
            ),
            template="admin/projects/changerequest/reject_selected.html",
            title=_("Reject requests"),
            queryset=queryset.select_related("project"),
        )
