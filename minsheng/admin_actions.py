"""Admin actions that hand each selected row to a service, and ask for a reason first when
the service needs one (return a report, reject a comment)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from minsheng.services import ServiceError


class ServiceActionsMixin:
    def run_service_on_each(self, request, rows, service, done_message, *, row_argument, **kwargs):
        """Call ``service(<row_argument>=row, by=user, **kwargs)`` for each row.

        A row the service refuses (not the user's department, a wrong state) is named in a
        warning with the service's reason; the others are done and counted in one message.
        """
        done, refused = 0, []
        for row in rows:
            try:
                service(**{row_argument: row}, by=request.user, **kwargs)
            except (ServiceError, PermissionDenied) as exc:
                refused.append(f"{row}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    def action_with_reason(self, request, form, run, *, template, title, **context):
        """Run ``run(cleaned_data)`` once ``form`` (the reason) is valid; until then show the
        intermediate page ``template`` listing the selected rows with the form."""
        if form.is_valid():
            run(form.cleaned_data)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
            **context,
        }
        return TemplateResponse(request, template, context)
