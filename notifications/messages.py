"""The words of a reminder: subject, plain text, HTML and a text message, from templates.

Rendered in the portal's language (Chinese) whatever the request or shell says. The HTML part
is autoescaped, so a project title or a resident's comment reaches a mail client as text.
Links are absolute, built from ``settings.SITE_BASE_URL``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from .choices import ReminderKind


def absolute_url(path: str) -> str:
    return settings.SITE_BASE_URL.rstrip("/") + path


def admin_link(viewname: str, *args) -> str:
    """Absolute address of an admin page, or "" when that page does not exist."""
    try:
        return absolute_url(reverse(viewname, args=args))
    except NoReverseMatch:
        return ""


def project_admin_link(project_id: int) -> str:
    return admin_link("admin:projects_project_change", project_id)


@dataclass(frozen=True)
class EmailContent:
    subject: str
    text: str
    html: str


def _template_base(kind: str) -> str:
    if kind == ReminderKind.WEEKLY_DIGEST:
        return "digest"
    if kind == ReminderKind.CHANGE_DECIDED:
        return "decision"
    if kind == ReminderKind.COMMENT_NEW:
        return "comment_new"
    return "reminder"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render_subject(kind: str, context: dict) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(
            f"notifications/email/{_template_base(kind)}_subject.txt", context
        )
    return _one_line(subject)[:255]


def render_email(kind: str, context: dict, *, subject: str | None = None) -> EmailContent:
    base = _template_base(kind)
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(f"notifications/email/{base}.txt", context)
        html = render_to_string(f"notifications/email/{base}.html", context)
    return EmailContent(
        subject=subject if subject is not None else render_subject(kind, context),
        text=text,
        html=html,
    )


def render_sms(kind: str, context: dict) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(f"notifications/sms/{_template_base(kind)}.txt", context)
    return _one_line(body)
