"""Progress reports (进展报告): filed by departments, reviewed by the coordinating office."""

from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from departments.roles import is_coordinator
from minsheng.admin_actions import ServiceActionsMixin
from minsheng.admin_writes import (
    ServiceWritesAdminMixin,
)
from minsheng.services import ServiceError
from projects.admin_scoping import DepartmentScopedAdminMixin

from .. import services
from ..choices import (
    ReportState,
)
from ..forms import (
    AttachmentForm,
    ProgressReportForm,
    ReturnReportForm,
)
from ..models import (
    Attachment,
    ProgressReport,
    Project,
)
from .projects import save_formset_through_services


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
