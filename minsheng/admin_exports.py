"""What every admin export shares: the ids an "export selected" action may name.

django-import-export checks the ids posted by the list's "export selected" action against
``get_valid_export_item_pks()``, and its default of that method warns, on every such export,
that it is deprecated. What the file holds is decided elsewhere: the export starts from
``get_export_queryset()`` (the admin's scope and the list's filters) and keeps only the posted
ids among those rows, so an id the user cannot see exports nothing. Any id of the table may
therefore pass the check, as it did by default.
"""

from __future__ import annotations


class SelectedExportMixin:
    """Put before import-export's mixin in the bases of an admin that exports."""

    def get_valid_export_item_pks(self, request):
        # The library's own default, without its deprecation warning: the scope is applied to
        # the export's queryset, not here.
        return self.model._default_manager.values_list("pk", flat=True)
