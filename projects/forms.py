from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng import clock

from .attachments import inspect_upload
from .models import Attachment, ProgressReport
from .selectors import shown_value


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["kind", "title", "file", "milestone", "report"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        # A new upload is checked; an unchanged stored file was checked when it came in.
        if upload is not None and hasattr(upload, "content_type"):
            self.instance.content_type = inspect_upload(upload)
            self.instance.size = upload.size
        return upload

    def clean(self):
        cleaned = super().clean()
        project_id = self.instance.project_id
        milestone, report = cleaned.get("milestone"), cleaned.get("report")
        if project_id and milestone and milestone.project_id != project_id:
            self.add_error("milestone", _("This milestone belongs to another project."))
        if project_id and report and report.project_id != project_id:
            self.add_error("report", _("This report belongs to another project."))
        return cleaned


class ProgressReportForm(forms.ModelForm):
    period = forms.DateField(
        label=_("period"),
        help_text=_("The month reported on: any day of it, e.g. 2024-06-01."),
    )

    class Meta:
        model = ProgressReport
        fields = [
            "project",
            "period",
            "reported_progress",
            "funds_disbursed_to_date",
            "work_done",
            "problems",
            "next_steps",
        ]

    def clean_period(self):
        period = self.cleaned_data["period"].replace(day=1)
        if period > clock.today().replace(day=1):
            raise forms.ValidationError(_("A report cannot be for a month in the future."))
        return period


class ReturnReportForm(forms.Form):
    return_reason = forms.CharField(
        label=_("reason for return"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The department sees this reason and corrects the report."),
    )


# --- the commitment: reasons, change requests, decisions ----------------------------------


class ChangeReasonForm(forms.ModelForm):
    """An admin form with the reason the coordinating office gives when it moves a baseline."""

    change_reason = forms.CharField(
        label=_("reason for the change (调整理由)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required when a baseline (原计划) value changes: planned dates, investment, "
            "funding source, a milestone's title, date or weight, an indicator's target or "
            "unit, or the status. It is published with the change."
        ),
    )


class ProjectAdminForm(ChangeReasonForm):
    decision_number = forms.CharField(
        label=_("decision document number"),
        required=False,
        max_length=100,
        help_text=_(
            "Required to suspend or terminate a project (文号), e.g. 禹民生办〔2024〕12号."
        ),
    )


def _date_widget():
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class ChangeRequestForm(forms.Form):
    """A change request (调整申请): the new value of any baseline field, with the reason.

    Each field starts at the current value, which its help text also states; the values
    left as they are are not part of the request.
    """

    # The admin marks required labels in bold; the request pages follow it.
    required_css_class = "required"

    reason = forms.CharField(
        label=_("reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why the commitment must move (e.g. 雨季停工). Published with the change once the "
            "coordinating office approves it."
        ),
    )
    document = forms.FileField(
        label=_("supporting document"),
        required=False,
        help_text=_("Optional: a PDF, Word document or photo supporting the request."),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import BASELINE_FIELDS

        self.project = project
        self.targets: dict[str, tuple] = {}
        self.groups: list[tuple[str, list[str]]] = []
        self._group(str(_("The project")), project, "project", BASELINE_FIELDS["project"])
        for milestone in project.milestones.all():
            self._group(
                _("Milestone: %(title)s") % {"title": milestone.title},
                milestone,
                "milestone",
                BASELINE_FIELDS["milestone"],
            )
        for indicator in project.indicators.all():
            self._group(
                _("Indicator: %(name)s") % {"name": indicator.name},
                indicator,
                "indicator",
                BASELINE_FIELDS["indicator"],
            )

    def _group(self, title, obj, model_name, baseline):
        keys = []
        for name, column in baseline.items():
            model_field = type(obj)._meta.get_field(name)
            field = model_field.formfield()
            if isinstance(field, forms.DateField):
                field.widget = _date_widget()
            current, original = getattr(obj, name), getattr(obj, column)
            field.initial = current
            unit = getattr(obj, "unit", "")
            if original is not None and original != current:
                field.help_text = _("Now: %(now)s; baseline (原计划): %(baseline)s") % {
                    "now": shown_value(name, current, unit),
                    "baseline": shown_value(name, original, unit),
                }
            else:
                field.help_text = _("Now: %(now)s") % {"now": shown_value(name, current, unit)}
            key = f"{model_name}-{obj.pk}-{name}"
            self.fields[key] = field
            self.targets[key] = (model_name, obj, name)
            keys.append(key)
        self.groups.append((title, keys))

    def grouped(self):
        return [(title, [self[key] for key in keys]) for title, keys in self.groups]

    def changes(self) -> list[dict]:
        """The entries the service takes: the fields whose value is not the current one."""
        entries = []
        for key, (model_name, obj, name) in self.targets.items():
            value = self.cleaned_data.get(key)
            if value != getattr(obj, name):
                entries.append({"model": model_name, "id": obj.pk, "field": name, "new": value})
        return entries

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.changes():
            raise forms.ValidationError(_("Change at least one value."))
        return cleaned


class StatusRequestForm(forms.Form):
    """Closing (申请销号), suspension (暂缓), termination (终止) or resumption request."""

    # The admin marks required labels in bold; the request pages follow it.
    required_css_class = "required"

    reason = forms.CharField(
        label=_("reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published with the decision once the coordinating office approves it."),
    )
    decision_number = forms.CharField(
        label=_("decision document number"),
        max_length=100,
        required=False,
        help_text=_("The number of the document deciding it (文号), e.g. 禹民生办〔2024〕12号."),
    )
    document = forms.FileField(label=_("document"), required=False)

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import ChangeKind

        self.kind = kind
        if kind in (ChangeKind.SUSPEND, ChangeKind.TERMINATE):
            self.fields["decision_number"].required = True
        else:
            del self.fields["decision_number"]
        if kind == ChangeKind.CLOSE:
            document = self.fields["document"]
            document.required = True
            document.label = _("acceptance document (验收材料)")
            document.help_text = _("The acceptance record (验收) of the finished project.")
        else:
            self.fields["document"].help_text = _("Optional: the decision or a supporting file.")


class ApproveChangeForm(forms.Form):
    decision_number = forms.CharField(
        label=_("decision document number"),
        max_length=100,
        required=False,
        help_text=_("文号: required to approve a suspension or termination, optional otherwise."),
    )


class RejectChangeForm(forms.Form):
    decision_note = forms.CharField(
        label=_("reason for not approving"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The department sees this reason."),
    )
