"""The plan's projects as a spreadsheet, one row each, matched by (年度, 序号)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import widgets
from import_export.fields import Field
from import_export.results import RowResult

from departments.models import Area, Department
from minsheng.cache import invalidate_public_pages

from .. import commitments, services
from ..choices import FundingSource, ProjectStatus
from ..import_widgets import (
    AmountWidget,
    ChoiceLabelWidget,
    DateCellWidget,
    NamesWidget,
    NameWidget,
    PlanYearWidget,
    TextWidget,
    WholeNumberWidget,
    YesNoWidget,
    parse_whole_number,
    parse_year,
)
from ..models import BeneficiaryGroup, Category, Project
from .base import SpreadsheetResource, _NoDiff, add_error
from .labels import (
    FUNDING_SOURCE_ALIASES,
    FUNDING_SOURCE_LABELS,
    PROJECT_RELATIONS,
    STATUS_ALIASES,
    STATUS_LABELS,
)


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
