"""E-mails about feedback, in Chinese, plain text with an HTML alternative.

Both parts come from templates with autoescaping: what a resident typed reaches a mail
client as text, never as markup.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Comment

logger = logging.getLogger(__name__)


def admin_url(path: str) -> str:
    return settings.SITE_BASE_URL.rstrip("/") + path


def send_new_comment_mail(comment: Comment) -> int:
    from .services import lead_department_recipients

    project = comment.project
    recipients = lead_department_recipients(project)
    if not recipients:
        logger.warning(
            "comment %s: lead department %s has no e-mail address",
            comment.pk,
            project.lead_department_id,
        )
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "comment": comment,
            "project": project,
            "site_name": settings.SITE_NAME,
            "admin_link": admin_url(reverse("admin:feedback_comment_change", args=[comment.pk])),
            "public_link": admin_url(reverse("projects:detail", args=[project.pk])),
        }
        subject = render_to_string("feedback/email/comment_new_subject.txt", context)
        text = render_to_string("feedback/email/comment_new.txt", context)
        html = render_to_string("feedback/email/comment_new.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    message.attach_alternative(html, "text/html")
    return message.send()
