"""Importing 10,000 project rows through django-import-export against a raw ``bulk_create``.

    .venv/bin/python bench/run_import.py [--rows 10000] [--rounds 3]

In one run (about a minute):

1. creates a fresh PostgreSQL database (``minsheng_bench_import`` on ``--server``, or
   ``BENCH_POSTGRES_URL``, default ``postgres://postgres@127.0.0.1:5432/``), migrates it, loads
   the demo plan (departments, categories, areas, beneficiary groups) and adds an empty 2025
   plan;
2. exports the demo projects with the admin's ``ProjectResource`` and repeats their rows,
   renumbered, as ``--rows`` rows of the 2025 plan: the spreadsheet the coordinating office
   would upload (Chinese column titles, names of departments and areas, 、-separated lists);
3. times, alternating, best of ``--rounds``, each inside a transaction rolled back afterwards:
   - the import as the admin's confirm step runs it: ``ProjectResource().import_data(dataset)``
     (every cell read and checked, rows matched by their natural key, history written, the
     lights worked out at the end);
   - the same rows turned into ``Project`` objects with plain dictionary lookups and written
     with ``bulk_create``, the three many-to-many relations with ``bulk_create`` on their
     through tables: no checks, no history, nothing else;
4. checks both wrote the same projects and links, prints both times and the ratio (target at
   most 5×) and drops the database, always. Exit status 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    AS_OF_DATE,
    add_server_argument,
    create_database,
    drop_database,
    setup_django,
)

DATABASE_NAME = "minsheng_bench_import"
TARGET_RATIO = 5.0
YEAR = 2025


class Rollback(Exception):
    """Raised inside a measured transaction so that it is rolled back."""


def build_dataset(rows: int):
    """The demo projects exported, repeated and renumbered as ``rows`` rows of the 2025 plan."""
    from projects.models import Project
    from projects.resources import ProjectResource

    demo = ProjectResource().export(
        queryset=Project.objects.filter(plan__year=2024).order_by("number")
    )
    headers = demo.headers
    year_column, number_column = headers.index("年度"), headers.index("序号")
    title_column = headers.index("项目名称")
    source = list(demo)
    import tablib

    dataset = tablib.Dataset(headers=headers)
    for number in range(1, rows + 1):
        values = list(source[(number - 1) % len(source)])
        values[year_column] = YEAR
        values[number_column] = number
        values[title_column] = f"{values[title_column]}（{number}）"
        dataset.append(values)
    return dataset


def run_import(dataset, user):
    from projects.resources import ProjectResource

    result = ProjectResource().import_data(dataset, user=user, file_name="2025年民生实事.xlsx")
    if result.has_errors() or result.has_validation_errors():
        problems = [str(error.error) for error in result.base_errors]
        problems += [f"row {row.number}: {row.error_dict}" for row in result.invalid_rows[:5]]
        raise SystemExit("the import refused the file: " + "; ".join(problems))
    return result.totals


def run_bulk_create(dataset):
    """The rows written as directly as Django allows: dictionary lookups and bulk_create."""
    from departments.models import Area, Department
    from projects.models import BeneficiaryGroup, Category, Plan, Project
    from projects.resources import FUNDING_SOURCE_LABELS, STATUS_LABELS

    plan = Plan.objects.get(year=YEAR)
    categories = dict(Category.objects.values_list("name", "id"))
    departments = dict(Department.objects.values_list("name", "id"))
    areas = dict(Area.objects.values_list("name", "id"))
    groups = dict(BeneficiaryGroup.objects.values_list("name", "id"))
    statuses = {label: value for value, label in STATUS_LABELS.items()}
    sources = {label: value for value, label in FUNDING_SOURCE_LABELS.items()}

    def date(value):
        if not value:
            return None
        if isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(str(value)[:10])

    def names(value, table):
        return [table[name] for name in str(value or "").split("、") if name]

    projects, relations = [], []
    for row in dataset.dict:
        projects.append(
            Project(
                plan=plan,
                number=int(row["序号"]),
                title=row["项目名称"],
                summary=row["项目简介"] or "",
                commitment=row["建设内容及目标"] or "",
                category_id=categories[row["领域"]],
                lead_department_id=departments[row["牵头单位"]],
                planned_start=date(row["计划开工日期"]),
                planned_end=date(row["计划完成日期"]),
                planned_investment=Decimal(str(row["计划投资（万元）"] or 0)),
                funds_disbursed=Decimal(str(row["已拨付资金（万元）"] or 0)),
                funding_source=sources[row["资金来源"]],
                progress_percent=Decimal(str(row["进度（%）"] or 0)),
                status=statuses[row["状态"]],
                completed_on=date(row["完成日期"]),
                published=row["是否公开"] == "是",
            )
        )
        relations.append(
            (
                names(row["配合单位"], departments),
                names(row["覆盖区域"], areas),
                names(row["受益群体"], groups),
            )
        )
    created = Project.objects.bulk_create(projects, batch_size=2000)
    through = [
        (Project.cooperating_departments.through, "department_id"),
        (Project.areas.through, "area_id"),
        (Project.beneficiary_groups.through, "beneficiarygroup_id"),
    ]
    for position, (model, column) in enumerate(through):
        model.objects.bulk_create(
            [
                model(project_id=project.pk, **{column: other})
                for project, links in zip(created, relations, strict=True)
                for other in links[position]
            ],
            batch_size=5000,
        )
    return len(created)


def written() -> tuple[int, int, int, int]:
    from projects.models import Project

    projects = Project.objects.filter(plan__year=YEAR)
    return (
        projects.count(),
        Project.cooperating_departments.through.objects.filter(project__in=projects).count(),
        Project.areas.through.objects.filter(project__in=projects).count(),
        Project.beneficiary_groups.through.objects.filter(project__in=projects).count(),
    )


def timed(function, *args) -> tuple[float, tuple]:
    """Run ``function`` in a transaction, count what it wrote, roll it all back."""
    from django.db import transaction

    outcome = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            function(*args)
            outcome["seconds"] = time.perf_counter() - started
            outcome["written"] = written()
            raise Rollback
    except Rollback:
        pass
    return outcome["seconds"], outcome["written"]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    add_server_argument(parser)
    args = parser.parse_args()
    if args.rows < 1 or args.rounds < 1:
        parser.error("--rows and --rounds must be at least 1")

    database_url = create_database(args.server, DATABASE_NAME)
    try:
        setup_django(database_url)
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection

        from demo.loader import load_demo
        from projects.models import Plan

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        load_demo(password="bench-password-0123", on_date=datetime.date.fromisoformat(AS_OF_DATE))
        Plan.objects.create(year=YEAR, title=f"{YEAR}年禹会区民生实事项目", published=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        dataset = build_dataset(args.rows)
        user = get_user_model().objects.get(username="coordinator")
        print(
            f"Import benchmark — {datetime.date.today().isoformat()}, {platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, "
            f"PostgreSQL {connection.pg_version // 10000}; {len(dataset)} rows of "
            f"{len(dataset.headers)} columns; set-up {time.perf_counter() - started:.1f} s",
            flush=True,
        )

        imports, bulks = [], []
        for round_number in range(1, args.rounds + 1):
            seconds, import_written = timed(run_import, dataset, user)
            imports.append(seconds)
            bulk_seconds, bulk_written = timed(run_bulk_create, dataset)
            bulks.append(bulk_seconds)
            print(
                f"round {round_number}: import {seconds:.2f} s, bulk_create {bulk_seconds:.2f} s",
                flush=True,
            )
            if import_written != bulk_written:
                print(
                    f"the two wrote different rows: import {import_written}, "
                    f"bulk_create {bulk_written} (projects, cooperating, areas, groups)"
                )
                return 1
        best_import, best_bulk = min(imports), min(bulks)
        ratio = best_import / best_bulk
        passed = ratio <= TARGET_RATIO
        print(
            f"\nwritten each time: {import_written[0]} projects, {import_written[1]} cooperating "
            f"departments, {import_written[2]} areas, {import_written[3]} beneficiary groups"
        )
        print(f"{'what':<44} | best of {args.rounds}")
        print(f"{'-' * 44}-+---------")
        print(f"{'django-import-export (ProjectResource)':<44} | {best_import:7.2f} s")
        print(f"{'bulk_create of the same rows':<44} | {best_bulk:7.2f} s")
        print(f"\nratio {ratio:.2f} (target ≤ {TARGET_RATIO:.0f}×): {'pass' if passed else 'FAIL'}")
        print(
            f"summary: {len(dataset):,} rows: import {best_import:.1f} s against bulk_create "
            f"{best_bulk:.1f} s, {ratio:.2f}×"
        )
        return 0 if passed else 1
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(args.server, DATABASE_NAME)


if __name__ == "__main__":
    sys.exit(main())
