"""Change requests (调整申请): changes of a baselined project, filed and decided in the open."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import (
    ChangeKind,
    ChangeSource,
    ChangeState,
)
from .projects import Project


class ChangeRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=ChangeState.PENDING)

    def approved(self):
        return self.filter(state=ChangeState.APPROVED)

    def public(self):
        """What residents see: approved changes and decisions of published projects."""
        return self.approved().filter(project__published=True, project__plan__published=True)


class ChangeRequest(models.Model):
    """A request to move a project's commitment (调整申请), and the office's decision on it.

    ``kind`` says what is asked: a change of baseline fields (计划调整), closing (销号),
    suspension (暂缓), termination (终止) or resumption (恢复实施). A department files it
    (``source`` request) and the coordinating office approves or rejects it; the office's own
    direct changes of baseline fields and imports leave an approved record too (``source``
    office_edit / import, ``source_name`` the imported file's name), so that every move of a
    commitment has a reason, a date and someone who decided it.

    ``changes`` (kind change only) is a list of entries, values as JSON strings (ISO dates,
    decimal strings) or null::

        {"model": "project" | "milestone" | "indicator", "id": 12,
         "action": "update", "field": "planned_date", "old": "2024-08-25", "new": "2024-10-20"}
        {"model": "milestone", "id": null, "action": "add", "field": "",
         "old": null, "new": {"title": …, "planned_date": …, "weight": …}}
        {"model": "milestone", "id": 12, "action": "delete", "field": "",
         "old": {"title": …, "planned_date": …, "weight": …}, "new": null}

    Only baseline fields (``BASELINE_FIELDS``) appear. Once applied, an added row's id is
    written into its entry. Supporting documents (and the acceptance document of a closing
    request) are attachments of the project tied to the request (``attachments``).
    """

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="change_requests",
        verbose_name=_("project"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ChangeKind.choices, default=ChangeKind.CHANGE
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ChangeState.choices, default=ChangeState.PENDING
    )
    source = models.CharField(
        _("source"), max_length=20, choices=ChangeSource.choices, default=ChangeSource.REQUEST
    )
    source_name = models.CharField(
        _("source file"),
        max_length=255,
        blank=True,
        help_text=_("The name of the imported file the change came from."),
    )
    reason = models.TextField(_("reason"))
    changes = models.JSONField(_("changes"), default=list, blank=True)
    decision_number = models.CharField(
        _("decision document number"),
        max_length=100,
        blank=True,
        help_text=_("The number of the document deciding it (文号), e.g. 禹民生办〔2024〕12号."),
    )
    decision_note = models.TextField(
        _("decision note"), blank=True, help_text=_("Why the request was not approved.")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone_now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="changerequest_reason_required",
                violation_error_message=_("Give the reason for the change."),
            ),
            models.CheckConstraint(
                condition=~Q(state=ChangeState.REJECTED) | ~Q(decision_note=""),
                name="changerequest_rejection_reason_required",
                violation_error_message=_("Say why the request is not approved."),
            ),
            models.CheckConstraint(
                condition=Q(state=ChangeState.PENDING)
                | Q(state=ChangeState.WITHDRAWN)
                | Q(decided_at__isnull=False),
                name="changerequest_decision_dated",
                violation_error_message=_("A decided request needs the date of its decision."),
            ),
            models.CheckConstraint(
                condition=~(
                    Q(state=ChangeState.APPROVED)
                    & Q(kind__in=[ChangeKind.SUSPEND, ChangeKind.TERMINATE])
                    & Q(decision_number="")
                ),
                name="changerequest_decision_number_to_stop",
                violation_error_message=_(
                    "Suspending or terminating a project needs the decision's document number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(source=ChangeSource.REQUEST) | Q(state=ChangeState.APPROVED),
                name="changerequest_direct_changes_approved",
                violation_error_message=_("A change made directly is recorded as approved."),
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(state=ChangeState.PENDING) & ~Q(kind=ChangeKind.CHANGE),
                name="changerequest_one_pending_status_request",
                violation_error_message=_(
                    "This project already has a closing, suspension or termination request "
                    "waiting for a decision."
                ),
            ),
        ]
        indexes = [models.Index(fields=["state", "requested_at"], name="changerequest_state_idx")]

    def __str__(self):
        return f"{self.project} · {self.get_kind_display()} · {self.get_state_display()}"

    @property
    def is_pending(self) -> bool:
        return self.state == ChangeState.PENDING


# The suffix a stored file gets from the type its content was found to be (attachments.py).
