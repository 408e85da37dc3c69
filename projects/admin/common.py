"""What every admin page of projects shares: the light badge, spreadsheet exports, and
reference data only the coordinating office edits."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from minsheng.admin_exports import SelectedExportMixin

from ..choices import (
    LIGHT_ICONS,
    Light,
)


def light_badge(light: str, reason: str = ""):
    """The light as colour, icon and word together (colour is never the only signal)."""
    return format_html(
        '<span class="ms-light ms-light--{}" title="{}">{} {}</span>',
        light,
        reason,
        LIGHT_ICONS.get(light, ""),
        Light(light).label,
    )


class SpreadsheetAdminMixin(SelectedExportMixin):
    """Import for the coordinating office only; CSV with a byte-order mark so Excel reads Chinese."""

    to_encoding = "utf-8-sig"

    def has_import_permission(self, request):
        return request.user.has_perm(
            "projects.import_spreadsheet"
        ) and super().has_import_permission(request)

    def process_result(self, result, request):
        # The confirm step re-reads the file: when a row went bad since the preview, the whole
        # import was rolled back and must not be reported as finished.
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _(
                    "Nothing was imported: the data changed since the preview. Upload the file again to see why."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
            )
        return super().process_result(result, request)


class CoordinatorEditsAdmin(SimpleHistoryAdmin):
    """Reference data: the coordinating office changes it, everyone else with access reads it."""
