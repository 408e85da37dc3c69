"""Change requests (调整申请): filed by departments, decided by the office."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from departments.roles import person_name
from minsheng.admin_actions import ServiceActionsMixin
from minsheng.admin_writes import (
    place_errors,
)
from minsheng.services import ServiceError
from projects.admin_scoping import DepartmentScopedAdminMixin

from .. import commitments
from ..choices import (
    ChangeKind,
    ChangeSource,
    ChangeState,
)
from ..forms import (
    ApproveChangeForm,
    ChangeRequestForm,
    RejectChangeForm,
    StatusRequestForm,
)
from ..models import (
    ChangeRequest,
    Indicator,
    Milestone,
    Project,
)
from ..selectors import FIELD_LABELS, shown_value

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
