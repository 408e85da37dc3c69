"""The daily reminder scan over 100,000 milestones against a raw SQL query for the same rows.

    .venv/bin/python bench/run_reminders.py [--projects 2000] [--milestones 50] [--rounds 5]

In one run (about a minute):

1. creates a fresh PostgreSQL database (``minsheng_bench_reminders`` on ``--server``, or
   ``BENCH_POSTGRES_URL``, default ``postgres://postgres@127.0.0.1:5432/``), migrates it and
   fills it: 40 departments with two reporters and a head each, two accounts of the
   coordinating office, ``--projects`` projects in
   progress with ``--milestones`` milestones each, spread over 2024 (one a week), the old
   ones mostly completed; every project has handed in its reports, so the milestones are
   what the scan is about;
2. runs the scan for 30 September 2024 once: it sends (to Django's dummy mail backend) and
   logs every reminder that is due, as on the first morning;
3. times, best of ``--rounds``, the raw query selecting the milestones the scan considers
   (``SELECT … FROM milestone JOIN project JOIN plan WHERE …``, every row fetched) and the
   scan itself on the same day, which now finds everything sent: the steady state of a
   scan that runs every morning (the same rows read, the log checked, nothing sent);
4. prints both, their ratio, the target (at most 2×) and pass/fail, and peak memory
   (``tracemalloc``) of a dry run made before the first scan, which reads every selected row
   and plans every reminder, and of the steady scan, next to what holding the selected
   milestones at once takes (as model objects, and as raw rows): the scan reads in chunks
   and stays well below the former;
5. drops the database, always. Exit status 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    add_server_argument,
    create_database,
    drop_database,
)

DATABASE_NAME = "minsheng_bench_reminders"
ON_DATE = datetime.date(2024, 9, 30)
TARGET_RATIO = 2.0
DEPARTMENTS = 40

RAW_QUERY = """
SELECT m.id, m.title, m.planned_date, m.project_id,
       p.number, p.title, p.light, p.light_reason, p.lead_department_id, p.planned_start
FROM projects_milestone m
JOIN projects_project p ON p.id = m.project_id
JOIN projects_plan pl ON pl.id = p.plan_id
WHERE m.completed_on IS NULL
  AND m.planned_date <= %s
  AND p.published AND pl.published
  AND p.status IN ('not_started', 'in_progress')
ORDER BY m.id
"""


def populate(projects: int, milestones_per_project: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    from departments.choices import MembershipRole
    from departments.models import Department, Membership
    from departments.roles import COORDINATOR_GROUP
    from projects.choices import Light, ProjectStatus, ReportState
    from projects.models import Category, Milestone, Plan, ProgressReport, Project

    User = get_user_model()
    with transaction.atomic():
        plan = Plan.objects.create(year=2024, title="2024年民生实事（基准）", published=True)
        category = Category.objects.create(code="bench", name="基准领域")
        departments = Department.objects.bulk_create(
            Department(name=f"基准单位{n}") for n in range(DEPARTMENTS)
        )
        users, roles = [], []
        for department in departments:
            for role, count in ((MembershipRole.REPORTER, 2), (MembershipRole.HEAD, 1)):
                for n in range(count):
                    name = f"u{department.pk}-{role}-{n}"
                    users.append(User(username=name, email=f"{name}@example.gov.cn", is_staff=True))
                    roles.append((department, role))
        users = User.objects.bulk_create(users)
        office = Group.objects.get(name=COORDINATOR_GROUP)
        for n in range(2):
            User.objects.create(
                username=f"office{n}", email=f"office{n}@example.gov.cn", is_staff=True
            ).groups.add(office)
        Membership.objects.bulk_create(
            Membership(user=user, department=department, role=role)
            for user, (department, role) in zip(users, roles, strict=True)
        )
        created = Project.objects.bulk_create(
            Project(
                plan=plan,
                number=n + 1,
                title=f"基准项目{n + 1}",
                category=category,
                lead_department=departments[n % DEPARTMENTS],
                planned_start=datetime.date(2024, 1, 1),
                planned_end=datetime.date(2024, 12, 31),
                status=ProjectStatus.IN_PROGRESS,
                light=Light.YELLOW,
                light_reason="进度滞后",
                light_as_of=ON_DATE,
            )
            for n in range(projects)
        )
        milestones = []
        for index, project in enumerate(created):
            first = datetime.date(2024, 1, 1) + datetime.timedelta(days=index % 7)
            for week in range(milestones_per_project):
                planned = first + datetime.timedelta(weeks=week)
                # Old milestones are mostly done; the last fortnight's are all still open.
                done = planned < ON_DATE - datetime.timedelta(days=14) and (index + week) % 10
                milestones.append(
                    Milestone(
                        project=project,
                        title=f"节点{week + 1}",
                        planned_date=planned,
                        completed_on=planned if done else None,
                    )
                )
        Milestone.objects.bulk_create(milestones, batch_size=5000)
        ProgressReport.objects.bulk_create(
            ProgressReport(
                project=project,
                period=datetime.date(2024, month, 1),
                reported_progress=50,
                funds_disbursed_to_date=0,
                work_done="基准",
                state=ReportState.APPROVED,
            )
            for project in created
            for month in (8, 9)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def best_of(rounds: int, function) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_argument(parser)
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--milestones", type=int, default=50, help="milestones per project")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    database_url = create_database(args.server, DATABASE_NAME)
    try:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="minsheng.settings",
            DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
            DATABASE_URL=database_url,
            EMAIL_URL="dummymail://",
            MINSHENG_AS_OF_DATE=ON_DATE.isoformat(),
            LOG_LEVEL="WARNING",
        )
        for name in ("REDIS_URL", "CELERY_BROKER_URL", "DJANGO_DEBUG"):
            os.environ.pop(name, None)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from notifications.models import ReminderLog
        from notifications.services import reminders_send
        from projects.models import Milestone

        call_command("migrate", verbosity=0)
        populate(args.projects, args.milestones)

        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM projects_milestone")
            milestones = cursor.fetchone()[0]
            cursor.execute(RAW_QUERY, [ON_DATE + datetime.timedelta(days=7)])
            selected = len(cursor.fetchall())

        # Memory while every selected milestone is to be reminded: a dry run reads them all.
        # The first one loads templates and translations; the second is measured.
        reminders_send(on_date=ON_DATE, dry_run=True)
        tracemalloc.start()
        planned = reminders_send(on_date=ON_DATE, dry_run=True).planned
        _, dry_run_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        started = time.perf_counter()
        first = reminders_send(on_date=ON_DATE)
        first_seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE notifications_reminderlog")

        def raw():
            with connection.cursor() as cursor:
                cursor.execute(RAW_QUERY, [ON_DATE + datetime.timedelta(days=7)])
                return cursor.fetchall()

        def scan():
            result = reminders_send(on_date=ON_DATE)
            assert result.sent == 0, result.as_dict()

        raw_seconds = best_of(args.rounds, raw)
        scan_seconds = best_of(args.rounds, scan)

        tracemalloc.start()
        scan()
        _, scan_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        rows = raw()
        _, rows_peak = tracemalloc.get_traced_memory()
        del rows
        tracemalloc.reset_peak()
        objects = list(
            Milestone.objects.filter(
                completed_on__isnull=True,
                planned_date__lte=ON_DATE + datetime.timedelta(days=7),
                project__published=True,
                project__plan__published=True,
                project__status__in=["not_started", "in_progress"],
            ).select_related("project")
        )
        _, objects_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del objects

        ratio = scan_seconds / raw_seconds
        print(
            f"date: {datetime.date.today().isoformat()}; machine: {platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}; "
            f"PostgreSQL {connection.pg_version // 10000}"
        )
        print(
            f"milestones: {milestones:,}; selected (open, due by {ON_DATE + datetime.timedelta(days=7)}): "
            f"{selected:,}; reminders logged: {ReminderLog.objects.count():,}"
        )
        print(f"first scan (sends every reminder): {first_seconds:.2f} s, {first.sent:,} sent")
        print(f"raw query, rows fetched:          {raw_seconds * 1000:8.1f} ms")
        print(f"scan, steady state:               {scan_seconds * 1000:8.1f} ms")
        verdict = "pass" if ratio <= TARGET_RATIO else "FAIL"
        print(f"ratio scan / raw: {ratio:.2f} (target ≤ {TARGET_RATIO:.1f}): {verdict}")
        print(
            f"peak memory: dry run reading every selected milestone and planning {planned:,} "
            f"reminders {dry_run_peak / 2**20:.1f} MiB; steady scan {scan_peak / 2**20:.1f} MiB"
        )
        print(
            f"  for scale, the selected milestones held at once: as model objects "
            f"{objects_peak / 2**20:.1f} MiB, as raw rows {rows_peak / 2**20:.1f} MiB"
        )
        print(
            f"summary: {milestones:,} milestones: steady scan {scan_seconds * 1000:.1f} ms against "
            f"a raw query of {raw_seconds * 1000:.1f} ms, {ratio:.2f}×; "
            f"dry run peak {dry_run_peak / 2**20:.1f} MiB"
        )
        return 0 if ratio <= TARGET_RATIO else 1
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(args.server, DATABASE_NAME)


if __name__ == "__main__":
    sys.exit(main())
