from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng import clock

from .attachments import inspect_upload
from .models import Attachment, ProgressReport


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
