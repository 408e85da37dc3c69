"""Forms residents fill in. Each carries a honeypot field that people never see."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from departments.models import Area
from projects.models import Category

from .choices import RatingLevel
from .models import (
    COMMENT_MAX,
    CONTACT_MAX,
    NICKNAME_MAX,
    REMARK_MAX,
    SUGGESTION_DESCRIPTION_MAX,
    SUGGESTION_TITLE_MAX,
)

HONEYPOT_FIELD = "website"
_PHONE = re.compile(r"^(?:\+?86[- ]?)?1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}(?:-\d{1,6})?$")
# Control characters other than line breaks and tabs have no place in a message.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_text(value: str) -> str:
    return _CONTROL.sub("", value or "").strip()


def clean_contact(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(_("Enter a valid e-mail address.")) from None
        return value
    if not _PHONE.match(value.replace(" ", "")):
        raise ValidationError(
            _(
                "Enter a mobile number (11 digits), a landline such as 0552-4957006, or an e-mail address."
            )
        )
    return value.replace(" ", "")


class HoneypotForm(forms.Form):
    # Hidden from people by the page's style sheet; filled in only by programs that post
    # every field they find. A filled honeypot is answered as a success and nothing is kept.
    website = forms.CharField(required=False, max_length=200)

    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())


class CommentForm(HoneypotForm):
    nickname = forms.CharField(label=_("Nickname"), max_length=NICKNAME_MAX)
    contact = forms.CharField(
        label=_("Phone or e-mail (optional)"),
        max_length=CONTACT_MAX,
        required=False,
        help_text=_("Only for a private answer from the department; never shown in public."),
    )
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea,
        error_messages={
            "max_length": _(
                "Please keep your comment within %(limit_value)d characters (it has %(show_value)d)."
            )
        },
    )

    def clean_nickname(self):
        nickname = _clean_text(self.cleaned_data["nickname"])
        if not nickname:
            raise ValidationError(_("Enter a nickname."))
        return nickname

    def clean_contact(self):
        return clean_contact(self.cleaned_data.get("contact", ""))

    def clean_body(self):
        body = _clean_text(self.cleaned_data["body"])
        if not body:
            raise ValidationError(_("Write your comment."))
        return body


class RatingForm(HoneypotForm):
    level = forms.ChoiceField(
        label=_("How satisfied are you with this project?"),
        choices=RatingLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are.")},
    )
    remark = forms.CharField(label=_("Remark (optional)"), max_length=REMARK_MAX, required=False)

    def clean_remark(self):
        return _clean_text(self.cleaned_data.get("remark", ""))


class SuggestionForm(HoneypotForm):
    title = forms.CharField(label=_("Project you propose"), max_length=SUGGESTION_TITLE_MAX)
    description = forms.CharField(
        label=_("What should be done, where, and for whom"),
        max_length=SUGGESTION_DESCRIPTION_MAX,
        widget=forms.Textarea,
    )
    category = forms.ModelChoiceField(
        label=_("Area of life"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("Not sure"),
    )
    area = forms.ModelChoiceField(
        label=_("Place"),
        queryset=Area.objects.all(),
        required=False,
        empty_label=_("Whole district / not sure"),
    )
    nickname = forms.CharField(
        label=_("Nickname (optional)"), max_length=NICKNAME_MAX, required=False
    )
    contact = forms.CharField(
        label=_("Phone or e-mail (optional)"),
        max_length=CONTACT_MAX,
        required=False,
        help_text=_("So that the coordinating office can ask you more; never shown in public."),
    )

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        if categories is not None:
            self.fields["category"].queryset = categories

    def clean_title(self):
        title = _clean_text(self.cleaned_data["title"])
        if not title:
            raise ValidationError(_("Name the project you propose."))
        return title

    def clean_description(self):
        description = _clean_text(self.cleaned_data["description"])
        if not description:
            raise ValidationError(_("Describe the project you propose."))
        return description

    def clean_nickname(self):
        return _clean_text(self.cleaned_data.get("nickname", ""))

    def clean_contact(self):
        return clean_contact(self.cleaned_data.get("contact", ""))
