"""What the three spreadsheets share: natural keys, name lookups cached per import, errors
per row and column, all-or-nothing writes, history naming the importer."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.results import RowResult

from minsheng import clock
from minsheng.spreadsheets import FormulaSafeResource

from .. import commitments
from ..choices import ChangeSource
from ..import_widgets import (
    CellError,
    ImportLookups,
    LookupWidget,
    is_blank,
)
from ..models import BASELINE_FIELDS
from .labels import header_key


class SpreadsheetResource(FormulaSafeResource):
    """What the three spreadsheets share: natural keys, name lookups cached per import,
    errors per row and column, all-or-nothing writes, history naming the importer."""

    #: Resource field names whose columns identify a row and must be in the file.
    key_fields: tuple[str, ...] = ()
    #: The field a key repeated within the file is reported on.
    duplicate_field: str = ""

    class Meta:
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        # Rows are validated by validate_instance below, field by field, without a query per
        # database constraint; the database constraints stay as the last line of defence.
        clean_model_instances = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.lookups = ImportLookups()
        for field in self.fields.values():
            if isinstance(field.widget, LookupWidget):
                field.widget.lookups = self.lookups
        self._first_row_by_key: dict[tuple, int] = {}
        self._saved: list = []
        self._layout_error: ValueError | None = None
        self._baseline_changes: dict[int, list[dict]] = {}
        self._user = None
        self._file_name = ""
        self._row_number: int | None = None
        self._column_order = [field.column_name for field in self.fields.values()]

    # --- reading the file ---

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        self._dry_run = dry_run
        user = kwargs.get("user")
        if user is not None and not user.has_perm("projects.import_spreadsheet"):
            raise PermissionDenied(_("Only the coordinating office imports spreadsheets."))
        self._user = user
        self._file_name = kwargs.get("file_name") or ""
        # All or nothing, always: also when the confirm step finds a row that went bad since
        # the preview (a department renamed in between), nothing of the file is kept.
        result = super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )
        if not dry_run and (result.has_errors() or result.has_validation_errors()):
            # Rolled back: no row was written, so none may be reported (or logged in the
            # admin's LogEntry) as new, updated or deleted.
            written = (
                RowResult.IMPORT_TYPE_NEW,
                RowResult.IMPORT_TYPE_UPDATE,
                RowResult.IMPORT_TYPE_DELETE,
            )
            for row_result in result.rows:
                if row_result.import_type in written:
                    result.totals[row_result.import_type] -= 1
                    result.totals[RowResult.IMPORT_TYPE_SKIP] += 1
                    row_result.import_type = RowResult.IMPORT_TYPE_SKIP
                    row_result.object_id = None
        return result

    def before_import(self, dataset, **kwargs):
        self.lookups.reset()
        self._first_row_by_key = {}
        self._saved = []
        self._baseline_changes: dict[int, list[dict]] = {}
        self._layout_error = None
        try:
            self._normalise_headers(dataset)
        except ValueError as exc:
            del dataset[:]  # a file that cannot be read by column gets no row-by-row errors
            self._layout_error = exc
            raise
        while len(dataset) and all(is_blank(value) for value in dataset[-1]):
            dataset.pop()
        for number, values in enumerate(dataset, 1):
            key = self.row_key(dict(zip(dataset.headers, values, strict=False)))
            if key is not None:
                self._first_row_by_key.setdefault(key, number)

    def handle_import_error(self, result, error, raise_errors=False):
        if error is self._layout_error:
            # The import page prints a traceback under each file-level error; for a
            # problem with the file's columns the message is all there is to say.
            error = error.with_traceback(None)
        super().handle_import_error(result, error, raise_errors)

    def _normalise_headers(self, dataset) -> None:
        known = {header_key(field.column_name): field.column_name for field in self.fields.values()}
        headers, unknown, repeated = [], [], []
        for header in dataset.headers or []:
            if is_blank(header):
                headers.append(header)
                continue
            column = known.get(header_key(header))
            if column is None:
                unknown.append(str(header).strip())
            elif column in headers:
                repeated.append(column)
            headers.append(column or header)
        problems = []
        missing = [self.fields[name].column_name for name in self.key_fields]
        missing = [column for column in missing if column not in headers]
        if missing:
            problems.append(
                _("The file has no column %(columns)s.")
                % {"columns": "、".join(f"“{column}”" for column in missing)}
            )
        if unknown:
            problems.append(
                _("Unknown column %(columns)s.")
                % {"columns": "、".join(f"“{column}”" for column in unknown)}
            )
        if repeated:
            problems.append(
                _("Column %(columns)s appears more than once.")
                % {"columns": "、".join(f"“{column}”" for column in repeated)}
            )
        if problems:
            problems.append(
                _("The first row must hold the column titles: %(columns)s.")
                % {"columns": "、".join(self._column_order)}
            )
            raise ValueError(" ".join(problems))
        dataset.headers = headers

    def row_key(self, row) -> tuple | None:
        """The row's natural key, or None when it cannot be read (the cells' errors say why)."""
        raise NotImplementedError

    def find_existing(self, key: tuple):
        raise NotImplementedError

    def get_instance(self, instance_loader, row):
        key = self.row_key(row)
        return None if key is None else self.find_existing(key)

    def import_row(self, row, instance_loader, **kwargs):
        if all(is_blank(value) for value in row.values()):
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        """Read every cell of the row into the instance, collecting each cell's error."""
        self._row_number = kwargs.get("row_number")
        if instance.pk is not None and not hasattr(instance, "_before_import"):
            # What the row was, to tell a move of the baseline or of the status.
            instance._before_import = {
                name: getattr(instance, name)
                for name in (*BASELINE_FIELDS[self._meta.model._meta.model_name], "status")
                if hasattr(instance, name)
            }
        errors: dict[str, list[ValidationError]] = {}
        for name, field in self.fields.items():
            if field.readonly or field.column_name not in row:
                continue
            try:
                if isinstance(field.widget, widgets.ManyToManyWidget):
                    field.clean(row, **kwargs)  # checked now, saved once the row has an id
                else:
                    field.save(instance, row, **kwargs)
            except CellError as exc:
                add_error(errors, exc.field or name, str(exc))
            except ValueError as exc:
                add_error(errors, name, str(exc))
        key = self.row_key(row)
        first = self._first_row_by_key.get(key) if key is not None else None
        if first is not None and first != kwargs.get("row_number"):
            add_error(
                errors,
                self.duplicate_field,
                _("Same %(key)s as row %(row)s: each may appear only once in a file.")
                % {"key": self.key_description(), "row": first},
            )
        if errors:
            raise ValidationError(errors)

    def key_description(self) -> str:
        return "、".join(self.fields[name].column_name for name in self.key_fields)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = {
            name: list(messages) for name, messages in (import_validation_errors or {}).items()
        }
        # Related objects found by the lookups exist; checking each again would cost a query.
        exclude = set(errors) | self.excluded_when(errors)
        exclude |= {
            field.name
            for field in instance._meta.concrete_fields
            if field.is_relation and getattr(instance, field.attname) is not None
        }
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            instance.clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        completed_on = getattr(instance, "completed_on", None)
        if completed_on is not None and completed_on > clock.today() and "completed_on" in errors:
            # The model's words name no row; a clerk fixing a sheet looks for Excel's number
            # (the data's row plus the title row).
            errors["completed_on"] = [
                ValidationError(
                    _(
                        "Excel row %(row)s: the completion date %(date)s is still to come; "
                        "enter it once the work is done."
                    )
                    % {"row": (self._row_number or 0) + 1, "date": completed_on.isoformat()},
                    code="invalid",
                )
            ]
        self.check_instance(instance, errors)
        if errors:
            raise ValidationError(self.by_column(errors))

    def excluded_when(self, errors) -> set[str]:
        """Fields not to validate again because an error on another column explains them."""
        return set()

    def check_instance(self, instance, errors) -> None:
        """Rules across cells, added to ``errors`` (field name → messages)."""

    def by_column(self, errors: dict) -> dict:
        """Errors keyed by column title, in the order of the columns."""
        by_column: dict[str, list] = {}
        for name, messages in errors.items():
            column = self.fields[name].column_name if name in self.fields else name
            by_column.setdefault(column, []).extend(messages)

        def position(item):
            column = item[0]
            if column == NON_FIELD_ERRORS:
                return len(self._column_order)
            if column in self._column_order:
                return self._column_order.index(column)
            return len(self._column_order) + 1

        return dict(sorted(by_column.items(), key=position))

    # --- writing ---

    def save_instance(self, instance, is_create, row, **kwargs):
        # A dry run is rolled back: writing history rows for it would only cost time.
        if self._is_dry_run(kwargs):
            instance.skip_history_when_saving = True
        try:
            super().save_instance(instance, is_create, row, **kwargs)
        finally:
            instance.__dict__.pop("skip_history_when_saving", None)

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        if user is not None and user.is_authenticated:
            instance._history_user = user
        file_name = kwargs.get("file_name") or ""
        reason = _("Imported from a spreadsheet")
        if file_name:
            reason = _("Imported from %(file)s") % {"file": file_name[-60:]}
        instance._change_reason = reason[:100]

    def after_save_instance(self, instance, row, **kwargs):
        self._saved.append(instance)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if self._is_dry_run(kwargs) or result.has_errors() or result.has_validation_errors():
            return
        self.after_successful_import()

    def after_successful_import(self) -> None:
        """Side effects of a real import that wrote every row (runs in its transaction)."""

    def record_baseline_changes(self) -> None:
        """One approved change record per project whose baseline the file moved."""
        if not self._baseline_changes:
            return
        name = self._file_name[-200:]
        with translation.override(settings.LANGUAGE_CODE):  # a public record: the site's words
            reason = _("Import: %(file)s") % {"file": name} if name else _("Import")
        commitments.changes_record_bulk(
            entries_by_project=self._baseline_changes,
            by=self._user,
            reason=reason,
            source=ChangeSource.IMPORT,
            source_name=name,
        )
        self._baseline_changes = {}

    def note_baseline_change(self, project_id: int, entries: list[dict]) -> None:
        if entries:
            self._baseline_changes.setdefault(project_id, []).extend(entries)


class _NoDiff(resources.Diff):
    """A row comparison that compares nothing: for imports whose rows are not shown."""

    def __init__(self, resource, instance, new):
        self.left = self.right = []
        self.new = new

    def compare_with(self, resource, instance):
        pass

    def as_html(self):
        return []


def add_error(errors: dict, name: str, message: str) -> None:
    errors.setdefault(name, []).append(ValidationError(message, code="invalid"))
