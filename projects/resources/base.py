"""Spreadsheet import and export of projects, milestones and indicators (django-import-export).

The coordinating office keeps the plan in Excel; these resources read and write it as .xlsx or
.csv with the Chinese column titles it already uses. How a file is read:

- Rows are matched to what exists by their natural key: a project by (年度, 序号), a milestone by
  (年度, 项目序号, 节点名称), an indicator by (年度, 项目序号, 指标名称). A row that matches
  nothing is new; a row that changes nothing is skipped, so importing an export changes nothing.
- Departments, categories, areas and beneficiary groups are written by name, several in one cell
  separated by 、 , or ；. Every name must exist: an unknown one is an error, never dropped.
- Status and funding source are written by their Chinese labels (the value codes and English
  labels are accepted too). Yes/no columns are 是 / 否.
- A column left out of the file leaves that field alone. An empty cell clears a field that may be
  empty (texts, completion dates) and keeps the current value of one that may not (money,
  progress, status …); on a new row that is the field's default. Required cells (title, dates,
  category, lead department …) must be filled.
- No exported cell is a formula: a text starting with = + - @ (or a tab or line break) is written
  with a leading apostrophe (``minsheng.spreadsheets``), which reading a text cell removes again,
  so importing an export gives back the same text.
- All or nothing: any bad row and the whole file is rolled back; each error names its row and
  column (the column title, so the import page shows it where the person will look) and why.
- The plan's commitments (projects/commitments.py): only the coordinating office imports
  (``projects.import_spreadsheet``). A change of a baseline field (原计划: planned dates,
  investment, funding source, milestones' planned dates and weights, indicators' targets and
  units) of a baselined project, or a milestone or indicator added to one, is applied and
  leaves one approved change record per project naming the file. A status an import may not
  set (anything but “not started” → “in progress”: closing, suspending and terminating are
  decided in the administration) and a completion date still to come are row errors.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.fields import Field
from import_export.results import RowResult

from departments.models import Area, Department
from minsheng import clock
from minsheng.cache import invalidate_public_pages
from minsheng.spreadsheets import FormulaSafeResource

from . import commitments, services
from .choices import ChangeSource, FundingSource, ProjectStatus
from .import_widgets import (
    AmountWidget,
    CellError,
    ChoiceLabelWidget,
    DateCellWidget,
    ImportLookups,
    LookupWidget,
    NamesWidget,
    NameWidget,
    PlanYearWidget,
    ProjectNumberWidget,
    TextWidget,
    WholeNumberWidget,
    YesNoWidget,
    cell_text,
    is_blank,
    name_key,
    parse_whole_number,
    parse_year,
)
from .models import BASELINE_FIELDS, BeneficiaryGroup, Category, Indicator, Milestone, Project

# The labels a spreadsheet uses, whatever language the person exporting it reads.
STATUS_LABELS = {
    ProjectStatus.NOT_STARTED: "未开工",
    ProjectStatus.IN_PROGRESS: "推进中",
    ProjectStatus.COMPLETED: "已完成",
    ProjectStatus.SUSPENDED: "暂缓",
}
STATUS_ALIASES = {
    "未开始": ProjectStatus.NOT_STARTED,
    "进行中": ProjectStatus.IN_PROGRESS,
    "在建": ProjectStatus.IN_PROGRESS,
    "已完工": ProjectStatus.COMPLETED,
    "完成": ProjectStatus.COMPLETED,
    "暂停": ProjectStatus.SUSPENDED,
}
FUNDING_SOURCE_LABELS = {
    FundingSource.DISTRICT: "区级财政",
    FundingSource.HIGHER_LEVEL: "上级补助资金",
    FundingSource.SPECIAL_BOND: "专项债",
    FundingSource.SOCIAL_CAPITAL: "社会资本/PPP",
    FundingSource.OTHER: "其他",
}
FUNDING_SOURCE_ALIASES = {
    "区财政": FundingSource.DISTRICT,
    "上级补助": FundingSource.HIGHER_LEVEL,
    "专项债券": FundingSource.SPECIAL_BOND,
    "社会资本": FundingSource.SOCIAL_CAPITAL,
    "PPP": FundingSource.SOCIAL_CAPITAL,
}


# The project's many-to-many relations, written through their tables on import.
PROJECT_RELATIONS = ("cooperating_departments", "areas", "beneficiary_groups")


def header_key(header) -> str:
    """Column titles compare width-folded and without spaces: 计划投资(万元) is 计划投资（万元）."""
    return name_key(header)


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


class ProjectResource(SpreadsheetResource):
    """The plan's projects, one row each, matched by (年度, 序号)."""

    plan = Field(attribute="plan", column_name="年度", widget=PlanYearWidget())
    number = Field(attribute="number", column_name="序号", widget=WholeNumberWidget())
    title = Field(attribute="title", column_name="项目名称", widget=TextWidget())
    summary = Field(attribute="summary", column_name="项目简介", widget=TextWidget())
    commitment = Field(attribute="commitment", column_name="建设内容及目标", widget=TextWidget())
    category = Field(attribute="category", column_name="领域", widget=NameWidget(Category))
    lead_department = Field(
        attribute="lead_department", column_name="牵头单位", widget=NameWidget(Department)
    )
    cooperating_departments = Field(
        attribute="cooperating_departments",
        column_name="配合单位",
        widget=NamesWidget(Department),
    )
    areas = Field(attribute="areas", column_name="覆盖区域", widget=NamesWidget(Area))
    beneficiary_groups = Field(
        attribute="beneficiary_groups",
        column_name="受益群体",
        widget=NamesWidget(BeneficiaryGroup),
    )
    planned_start = Field(
        attribute="planned_start", column_name="计划开工日期", widget=DateCellWidget()
    )
    planned_end = Field(
        attribute="planned_end", column_name="计划完成日期", widget=DateCellWidget()
    )
    planned_investment = Field(
        attribute="planned_investment",
        column_name="计划投资（万元）",
        widget=AmountWidget(),
        saves_null_values=False,
    )
    funds_disbursed = Field(
        attribute="funds_disbursed",
        column_name="已拨付资金（万元）",
        widget=AmountWidget(),
        saves_null_values=False,
    )
    funding_source = Field(
        attribute="funding_source",
        column_name="资金来源",
        widget=ChoiceLabelWidget(FundingSource, FUNDING_SOURCE_LABELS, FUNDING_SOURCE_ALIASES),
        saves_null_values=False,
    )
    progress_percent = Field(
        attribute="progress_percent",
        column_name="进度（%）",
        widget=AmountWidget(),
        saves_null_values=False,
    )
    status = Field(
        attribute="status",
        column_name="状态",
        widget=ChoiceLabelWidget(ProjectStatus, STATUS_LABELS, STATUS_ALIASES),
        saves_null_values=False,
    )
    completed_on = Field(attribute="completed_on", column_name="完成日期", widget=DateCellWidget())
    published = Field(
        attribute="published",
        column_name="是否公开",
        widget=YesNoWidget(),
        saves_null_values=False,
    )

    key_fields = ("plan", "number")
    duplicate_field = "number"

    class Meta:
        model = Project
        name = "民生实事项目"
        fields = [
            "plan",
            "number",
            "title",
            "summary",
            "commitment",
            "category",
            "lead_department",
            "cooperating_departments",
            "areas",
            "beneficiary_groups",
            "planned_start",
            "planned_end",
            "planned_investment",
            "funds_disbursed",
            "funding_source",
            "progress_percent",
            "status",
            "completed_on",
            "published",
        ]
        import_order = export_order = fields
        import_id_fields = ["plan", "number"]
        use_bulk = True
        batch_size = 1000

    def row_key(self, row):
        try:
            year = parse_year(row.get("年度"))
            number = parse_whole_number(row.get("序号"))
        except ValueError:
            return None
        if year is None or number is None:
            return None
        return (year, number)

    def find_existing(self, key):
        if self.lookups.plan(key[0]) is None:
            return None
        return self.lookups.project(*key)

    def check_instance(self, instance, errors):
        if "number" not in errors and instance.number is not None and instance.number < 1:
            add_error(errors, "number", _("The number must be 1 or more."))
        before = getattr(instance, "_before_import", None)
        if (
            before is not None
            and "status" not in errors
            and not commitments.is_department_status_move(before["status"], instance.status)
        ):
            add_error(
                errors,
                "status",
                _(
                    "An import moves a project only from “not started” to “in progress” "
                    "(here “%(old)s” → “%(new)s”); closing, suspending and terminating are "
                    "decided in the administration with a reason."
                )
                % {
                    "old": ProjectStatus(before["status"]).label,
                    "new": ProjectStatus(instance.status).label,
                },
            )
        start, end = instance.planned_start, instance.planned_end
        if (
            start is not None
            and end is not None
            and end < start
            and not {"planned_start", "planned_end"} & set(errors)
        ):
            add_error(
                errors,
                "planned_end",
                _("The planned end %(end)s is before the planned start %(start)s.")
                % {"end": end.isoformat(), "start": start.isoformat()},
            )

    # --- writing in batches ---
    #
    # Rows are read and checked one by one, as above, but written batch_size at a time:
    # bulk_create for new projects, bulk_update for changed ones, the three relations through
    # their tables, and one history record per row (with its relations, naming the importer and
    # the file) created in bulk. Row by row, a project cost about thirty queries (its insert,
    # each relation read back and set, a history record and its relation copies): a plan of
    # 10,000 rows took many minutes. post_save is not sent for bulk writes, so the cached
    # public pages are invalidated once at the end (after_successful_import).

    def save_m2m(self, instance, row, **kwargs):
        # Written with the batch (bulk_create/bulk_update below): only remember what to write.
        # The cells were checked by import_instance, so cleaning them again cannot fail.
        instance._imported_relations = {
            field.attribute: [related.pk for related in field.clean(row, **kwargs)]
            for field in self.fields.values()
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row
        }

    def save_instance(self, instance, is_create, row, **kwargs):
        instance._imported_as_new = is_create
        super().save_instance(instance, is_create, row, **kwargs)

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        self._last_saved = instance

    def get_diff_class(self):
        # The row-by-row comparison is shown on the preview (a dry run) only; the confirmed
        # import would compute it for every row and show nothing of it.
        return super().get_diff_class() if getattr(self, "_dry_run", True) else _NoDiff

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        if row_result.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE):
            # The row's object id is known once its batch is written (see after_import).
            self._written_rows.append((row_result, self._last_saved))

    def before_import(self, dataset, **kwargs):
        self._written_rows = []
        super().before_import(dataset, **kwargs)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._write_batch(self.create_instances, True, using_transactions, raise_errors, result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._write_batch(self.update_instances, False, using_transactions, raise_errors, result)

    def _write_batch(self, instances, new, using_transactions, raise_errors, result):
        if not instances:
            return
        try:
            if using_transactions or not self._dry_run:
                now = timezone.now()
                if new:
                    services.lights_set_new(instances)
                    Project.objects.bulk_create(instances)
                else:
                    for instance in instances:
                        instance.updated_at = now
                    Project.objects.bulk_update(instances, self._bulk_update_fields())
                self._write_relations(instances, new)
                if not self._dry_run:  # a dry run is rolled back: its history would be lost
                    self._write_history(instances, new, now)
                    if not new:
                        for instance in instances:
                            if instance.is_baselined:
                                self.note_baseline_change(
                                    instance.pk,
                                    commitments.baseline_update_entries(
                                        instance, "project", instance._before_import
                                    ),
                                )
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            instances.clear()

    def _bulk_update_fields(self) -> list[str]:
        names = [
            field.attribute
            for field in self.fields.values()
            if not field.readonly
            and not isinstance(field.widget, widgets.ManyToManyWidget)
            and field.attribute not in self.key_fields
        ]
        return [*names, "updated_at"]

    def _write_relations(self, instances, new) -> None:
        for name in PROJECT_RELATIONS:
            field = Project._meta.get_field(name)
            through = field.remote_field.through
            source = field.m2m_field_name() + "_id"
            target = field.m2m_reverse_field_name() + "_id"
            added = []
            for instance in instances:
                wanted = instance._imported_relations.get(name)
                if wanted is None:  # no such column in the file: the relation is left alone
                    continue
                current = (
                    set() if new else {related.pk for related in getattr(instance, name).all()}
                )
                if not new and current - set(wanted):
                    through.objects.filter(**{source: instance.pk}).exclude(
                        **{f"{target}__in": wanted}
                    ).delete()
                added += [
                    through(**{source: instance.pk, target: pk})
                    for pk in wanted
                    if pk not in current
                ]
            through.objects.bulk_create(added)

    def _write_history(self, instances, new, now) -> None:
        """One record per row, as a save would leave it, with a copy of its relations."""
        history = Project.history.model
        records = history.objects.bulk_create(
            [
                history(
                    history_date=now,
                    history_type="+" if new else "~",
                    history_user_id=getattr(getattr(instance, "_history_user", None), "pk", None),
                    history_change_reason=getattr(instance, "_change_reason", ""),
                    **{
                        field.attname: getattr(instance, field.attname)
                        for field in history.tracked_fields
                    },
                )
                for instance in instances
            ]
        )
        record_of = {record.id: record.pk for record in records}
        project_ids = list(record_of)
        for name in PROJECT_RELATIONS:
            through = Project._meta.get_field(name).remote_field.through
            copy = history._meta.get_field(f"{history._meta.model_name}_{name}").related_model
            columns = [field.attname for field in through._meta.concrete_fields]
            copy.objects.bulk_create(
                copy(history_id=record_of[values["project_id"]], **values)
                for values in through.objects.filter(project_id__in=project_ids).values(*columns)
            )

    def after_import(self, dataset, result, **kwargs):
        for row_result, instance in self._written_rows:
            row_result.object_id = instance.pk
        super().after_import(dataset, result, **kwargs)

    def after_successful_import(self):
        self.record_baseline_changes()
        # New projects were written with their light; a changed one may have a new light.
        changed = [project.pk for project in self._saved if not project._imported_as_new]
        if changed:
            services.lights_refresh(queryset=Project.objects.filter(pk__in=changed))
        invalidate_public_pages()

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("plan", "category", "lead_department").prefetch_related(
            "cooperating_departments", "areas", "beneficiary_groups"
        )


class ProjectChildResource(SpreadsheetResource):
    """Rows that hang off a project, which is named by (年度, 项目序号)."""

    plan_year = Field(
        attribute="project__plan__year",
        column_name="年度",
        widget=WholeNumberWidget(),
        readonly=True,
    )
    project = Field(
        attribute="project",
        column_name="项目序号",
        widget=ProjectNumberWidget(year_column="年度", year_field="plan_year"),
    )

    #: The child's own name field (节点名称, 指标名称), the third part of its key.
    name_field = ""

    def row_key(self, row):
        try:
            year = parse_year(row.get("年度"))
            number = parse_whole_number(row.get("项目序号"))
        except ValueError:
            return None
        name = cell_text(row.get(self.fields[self.name_field].column_name))
        if year is None or number is None or not name:
            return None
        return (year, number, name)

    def find_existing(self, key):
        year, number, name = key
        if self.lookups.plan(year) is None:
            return None
        found = self.lookups.children_of(self._meta.model, year, self.name_field).get(
            (number, name), []
        )
        if len(found) > 1:
            column = self.fields[self.name_field].column_name
            raise ValidationError(
                {
                    column: _(
                        "Project %(number)s has %(count)s rows named “%(name)s”; rename them "
                        "in the admin so each can be told apart."
                    )
                    % {"number": number, "count": len(found), "name": name}
                }
            )
        return found[0] if found else None

    def excluded_when(self, errors):
        # No plan for the year: the project cannot be found, which the year's error says.
        return {"project"} if "plan_year" in errors else set()

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        if self._is_dry_run(kwargs) or not instance.project.is_baselined:
            return
        model_name = self._meta.model._meta.model_name
        before = getattr(instance, "_before_import", None)
        if before is None:
            entries = [commitments.baseline_added_entry(instance, model_name)]
        else:
            entries = commitments.baseline_update_entries(instance, model_name, before)
        self.note_baseline_change(instance.project_id, entries)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("project__plan")


class MilestoneResource(ProjectChildResource):
    """Milestones, matched by (年度, 项目序号, 节点名称)."""

    title = Field(attribute="title", column_name="节点名称", widget=TextWidget())
    planned_date = Field(
        attribute="planned_date", column_name="计划完成日期", widget=DateCellWidget()
    )
    completed_on = Field(
        attribute="completed_on", column_name="实际完成日期", widget=DateCellWidget()
    )
    weight = Field(
        attribute="weight", column_name="权重", widget=WholeNumberWidget(), saves_null_values=False
    )
    note = Field(attribute="note", column_name="备注", widget=TextWidget())

    name_field = "title"
    key_fields = ("plan_year", "project", "title")
    duplicate_field = "title"

    class Meta:
        model = Milestone
        name = "项目节点"
        fields = ["plan_year", "project", "title", "planned_date", "completed_on", "weight", "note"]
        import_order = export_order = fields
        import_id_fields = ["plan_year", "project", "title"]

    def after_successful_import(self):
        self.record_baseline_changes()
        # Milestones drive the light: refresh the projects whose milestones changed.
        project_ids = {milestone.project_id for milestone in self._saved}
        if project_ids:
            services.lights_refresh(queryset=Project.objects.filter(pk__in=project_ids))


class IndicatorResource(ProjectChildResource):
    """Indicators, matched by (年度, 项目序号, 指标名称)."""

    name = Field(attribute="name", column_name="指标名称", widget=TextWidget())
    unit = Field(attribute="unit", column_name="单位", widget=TextWidget())
    target_value = Field(attribute="target_value", column_name="目标值", widget=AmountWidget())
    actual_value = Field(
        attribute="actual_value",
        column_name="实际值",
        widget=AmountWidget(),
        saves_null_values=False,
    )

    name_field = "name"
    key_fields = ("plan_year", "project", "name")
    duplicate_field = "name"

    class Meta:
        model = Indicator
        name = "项目指标"
        fields = ["plan_year", "project", "name", "unit", "target_value", "actual_value"]
        import_order = export_order = fields
        import_id_fields = ["plan_year", "project", "name"]

    def after_successful_import(self):
        self.record_baseline_changes()
