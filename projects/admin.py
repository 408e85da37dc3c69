from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from departments.roles import is_coordinator
from minsheng.admin_actions import ServiceActionsMixin
from minsheng.admin_scoping import DepartmentScopedAdminMixin
from minsheng.services import ServiceError

from . import services
from .attachments import make_thumbnail
from .choices import LIGHT_ICONS, Light, ReportState
from .forms import AttachmentForm, ProgressReportForm, ReturnReportForm
from .models import (
    Attachment,
    BeneficiaryGroup,
    Category,
    Indicator,
    Milestone,
    Plan,
    ProgressReport,
    Project,
)
from .resources import IndicatorResource, MilestoneResource, ProjectResource


def light_badge(light: str, reason: str = ""):
    """The light as colour, icon and word together (colour is never the only signal)."""
    return format_html(
        '<span class="ms-light ms-light--{}" title="{}">{} {}</span>',
        light,
        reason,
        LIGHT_ICONS.get(light, ""),
        Light(light).label,
    )


class SpreadsheetAdminMixin:
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


class MilestoneInline(ProjectChildInline):
    model = Milestone
    fields = ["title", "planned_date", "completed_on", "weight", "note"]


class IndicatorInline(ProjectChildInline):
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


# Fields the coordinating office sets when it builds the plan; departments report against them.
PLAN_FIELDS = [
    "plan",
    "number",
    "title",
    "commitment",
    "category",
    "lead_department",
    "cooperating_departments",
    "areas",
    "beneficiary_groups",
    "planned_start",
    "planned_end",
    "planned_investment",
    "funding_source",
    "progress_percent",
    "funds_disbursed",
    "published",
]


@admin.register(Project)
class ProjectAdmin(
    DepartmentScopedAdminMixin, SpreadsheetAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin
):
    project_path = ""
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

    def get_readonly_fields(self, request, obj=None):
        readonly = ["light_display", "expected_progress"]
        if not is_coordinator(request.user):
            readonly += PLAN_FIELDS
        return readonly

    def changelist_view(self, request, extra_context=None):
        services.lights_ensure_current()
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A revert from the history page saves here without the inlines: refresh now too.
        services.project_refresh_light(project=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.project_refresh_light(project=form.instance)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Attachment:
            for attachment in formset.new_objects + [o for o, _ in formset.changed_objects]:
                make_thumbnail(attachment)


class ProjectChildAdmin(
    DepartmentScopedAdminMixin, SpreadsheetAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin
):
    """Milestones and indicators on pages of their own, for lists across projects and imports."""

    list_select_related = ["project", "project__plan", "project__lead_department"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "project":
            kwargs["queryset"] = Project.objects.editable_by(request.user).select_related("plan")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # A row's project is fixed once it exists: moving it would move it out of scope.
        return ["project"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.project_refresh_light(project=obj.project)

    def delete_model(self, request, obj):
        project = obj.project
        super().delete_model(request, obj)
        services.project_refresh_light(project=project)


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
class ProgressReportAdmin(DepartmentScopedAdminMixin, ServiceActionsMixin, SimpleHistoryAdmin):
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
        instances = formset.save(commit=False)
        for attachment in instances:
            attachment.project_id = form.instance.project_id
            attachment.save()
            make_thumbnail(attachment)
        for attachment in formset.deleted_objects:
            attachment.delete()

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
