"""Forms of the feedback admin: moderation, the official reply and answers to suggestions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ANSWERED_SUGGESTION_STATES
from .models import Reply, Suggestion


class RejectCommentForm(forms.Form):
    """The reason a comment stays off the public page; kept on record with the comment."""

    reason = forms.CharField(
        label=_("reason for rejection"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept on record with the comment and in its history."),
        error_messages={"required": _("Give the reason for rejecting the comment.")},
    )


class ReplyInlineForm(forms.ModelForm):
    """The lead department's answer; department and author are set when it is saved."""

    class Meta:
        model = Reply
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}
        error_messages = {"body": {"required": _("Write the reply.")}}


class SuggestionAnswerForm(forms.ModelForm):
    """What the coordinating office sets on a proposal: where it stands and the answer."""

    class Meta:
        model = Suggestion
        fields = ["state", "answer"]

    def clean(self):
        cleaned = super().clean()
        answer = (cleaned.get("answer") or "").strip()
        cleaned["answer"] = answer
        if cleaned.get("state") in ANSWERED_SUGGESTION_STATES and not answer:
            self.add_error("answer", _("Write the answer the public will read."))
        return cleaned
