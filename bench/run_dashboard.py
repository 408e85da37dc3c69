"""The dashboard's figures against the raw SQL aggregates they need, on PostgreSQL.

    .venv/bin/python bench/run_dashboard.py [--projects 10000] [--milestones 100000] [--repeat 20]

What it does, in one run (two to three minutes):

1. creates a fresh PostgreSQL database (``minsheng_bench_dashboard``), migrates it, loads the
   demo plan (departments, categories, areas, accounts) and grows the 2024 plan to
   ``--projects`` projects with ``--milestones`` milestones in all, with monthly progress
   reports, comments and replies, ratings, area links and eight months of snapshots, using
   ``INSERT … SELECT … FROM generate_series`` (seconds, not minutes); then works out every
   light (``lights_refresh``) and ``ANALYZE``s the database as autovacuum would;
2. times what the dashboard computes (``dashboard.selectors.filter_choices`` and
   ``dashboard_figures``: the ORM queries and the Python that sums their groups) against the
   same figures from hand-written SQL run with a plain cursor (thirteen statements, rows
   fetched, nothing else), alternating the two ``--repeat`` times after a warm-up, and checks
   that both give the same figures;
3. prints the medians, their ratio and the target (at most 1.5× the raw SQL); exit status 1
   when the target is missed. The database is dropped in a ``finally``, whatever happens.

Both sides run in this process over one connection, so the ratio is what the ORM, the
selectors' Python and the page's aggregation cost on top of PostgreSQL doing the work.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    AS_OF_DATE,
    add_server_argument,
    create_database,
    drop_database,
    postgres_version,
    setup_django,
)

DATABASE_NAME = "minsheng_bench_dashboard"
TARGET = 1.5
EXTRA_DEPARTMENTS = 78  # with the demo's 22: a hundred lead departments


# --------------------------------------------------------------------------------------
# The database
# --------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------
# The data: the demo plan grown with generate_series
# --------------------------------------------------------------------------------------

GROW_SQL = [
    # More lead departments.
    """
    INSERT INTO departments_department (name, short_name, kind, contact_person, phone, email, active)
    SELECT '样本单位' || g, '样本' || g, 'bureau', '', '', '', true
    FROM generate_series(1, %(extra_departments)s) AS g
    """,
    # Projects: every status, zero budgets now and then, starts from January to July.
    """
    INSERT INTO projects_project (
        plan_id, number, title, summary, commitment, category_id, lead_department_id,
        planned_start, planned_end, planned_investment, funds_disbursed, funding_source,
        progress_percent, status, completed_on, published, light, light_reason,
        created_at, updated_at, baseline_start, baseline_end, baseline_investment,
        baseline_funding_source, baselined_at)
    SELECT %(plan)s, 1000 + g, '样本项目' || g, '', '',
        (%(categories)s::bigint[])[1 + g %% %(category_count)s],
        (%(departments)s::bigint[])[1 + (g * 7) %% %(department_count)s],
        start, start + 150 + (g * 13) %% 200,
        investment, round(investment * progress / 100 * (0.5 + (g %% 5) / 10.0), 2),
        'district', progress, status,
        CASE WHEN status = 'completed' THEN start + 120 + g %% 20 END,
        true, 'not_started', '', now(), now(),
        -- published in the published plan: its commitment frozen as issued
        start, start + 150 + (g * 13) %% 200, investment, 'district', now()
    FROM (
        SELECT g,
            CASE WHEN g %% 20 IN (0, 1) THEN 'completed' WHEN g %% 20 = 2 THEN 'not_started'
                 WHEN g %% 20 = 3 THEN 'suspended' ELSE 'in_progress' END AS status,
            CASE WHEN g %% 20 = 2 THEN date '2024-10-01' + g %% 60
                 ELSE date '2024-01-01' + (g * 37) %% 190 END AS start,
            CASE WHEN g %% 97 = 0 THEN 0 ELSE 50 + ((g * 7) %% 500) * 10 END AS investment,
            CASE WHEN g %% 20 IN (0, 1) THEN 100 WHEN g %% 20 = 2 THEN 0
                 ELSE (g * 7919) %% 101 END AS progress
        FROM generate_series(1, %(new_projects)s) AS g
    ) AS spec
    """,
    # Milestones: spread from start to end, most of the past ones done, some of them late.
    """
    INSERT INTO projects_milestone (
        project_id, title, planned_date, completed_on, weight, note,
        baseline_title, baseline_planned_date, baseline_weight)
    SELECT p.id, '节点' || k, planned,
        CASE WHEN p.status = 'completed' THEN planned - (p.id %% 5)::int
             WHEN planned < date %(as_of)s AND (p.id * k) %% 10 < 8
             THEN planned - (p.id %% 5)::int + CASE WHEN (p.id * k) %% 7 > 4 THEN 9 ELSE 0 END
        END,
        1 + k %% 3, '', '节点' || k, planned, 1 + k %% 3
    FROM (
        SELECT p.*, k, p.planned_start + ((p.planned_end - p.planned_start) * k / %(per_project)s) AS planned
        FROM projects_project p
        CROSS JOIN generate_series(1, %(per_project)s) AS k
        WHERE p.plan_id = %(plan)s AND p.number >= 1000
    ) AS p
    """,
    # The milestones the round number still misses, on the first projects.
    """
    INSERT INTO projects_milestone (
        project_id, title, planned_date, completed_on, weight, note,
        baseline_title, baseline_planned_date, baseline_weight)
    SELECT p.id, '补充节点', p.planned_end, NULL, 1, '', '补充节点', p.planned_end, 1
    FROM projects_project p
    WHERE p.plan_id = %(plan)s AND p.number >= 1000
    ORDER BY p.number
    LIMIT %(remainder)s
    """,
    # Monthly reports from the start month to September, most approved, some late.
    """
    INSERT INTO projects_progressreport (
        project_id, period, reported_progress, funds_disbursed_to_date, work_done, problems,
        next_steps, state, return_reason, submitted_at, reviewed_at, created_at)
    SELECT p.id, period, round(p.progress_percent * m / 9.0, 1), round(p.funds_disbursed * m / 9.0, 2),
        '推进中', '', '',
        CASE WHEN m = 9 AND p.id %% 4 = 0 THEN 'submitted' ELSE 'approved' END, '',
        ((period + 17 + ((p.id + m) %% 11)::int) + time '16:00') AT TIME ZONE 'Asia/Shanghai',
        CASE WHEN m = 9 AND p.id %% 4 = 0 THEN NULL
             ELSE ((period + 28) + time '10:00') AT TIME ZONE 'Asia/Shanghai' END,
        now()
    FROM projects_project p
    CROSS JOIN generate_series(1, 9) AS m
    CROSS JOIN LATERAL (SELECT make_date(2024, m, 1) AS period) AS months
    WHERE p.plan_id = %(plan)s AND p.number >= 1000 AND p.status IN ('in_progress', 'completed')
        AND period >= date_trunc('month', p.planned_start)::date AND p.id %% 6 <> 0
    """,
    # Comments on every other project, three each; replies to most.
    """
    INSERT INTO feedback_comment (
        project_id, nickname, contact, body, state, flagged_words, moderation_reason,
        reply_due_on, client_hash, created_at)
    SELECT p.id, '居民', '', '希望早日完工', CASE WHEN k = 3 THEN 'pending' ELSE 'published' END,
        '', '', date '2024-08-01' + ((p.id * k) %% 70)::int, md5(p.id || '-' || k),
        ((date '2024-07-25' + ((p.id * k) %% 70)::int) + time '09:00') AT TIME ZONE 'Asia/Shanghai'
    FROM projects_project p CROSS JOIN generate_series(1, 3) AS k
    WHERE p.plan_id = %(plan)s AND p.number >= 1000 AND p.id %% 2 = 0
    """,
    """
    INSERT INTO feedback_reply (comment_id, department_id, body, author_id, created_at, updated_at)
    SELECT c.id, p.lead_department_id, '已收悉，正在推进', NULL,
        c.created_at + interval '3 days', c.created_at + interval '3 days'
    FROM feedback_comment c JOIN projects_project p ON p.id = c.project_id
    WHERE p.number >= 1000 AND c.id %% 5 <> 0
    """,
    # Ratings: three per project.
    """
    INSERT INTO feedback_rating (project_id, level, remark, visitor_hash, client_hash, created_at, updated_at)
    SELECT p.id,
        (ARRAY['satisfied', 'satisfied', 'fairly_satisfied', 'dissatisfied'])[1 + (p.id + k) %% 4],
        '', md5('v' || p.id || '-' || k), md5('c' || p.id), now(), now()
    FROM projects_project p CROSS JOIN generate_series(1, 3) AS k
    WHERE p.plan_id = %(plan)s AND p.number >= 1000
    """,
    # Areas: one to three per project.
    """
    INSERT INTO projects_project_areas (project_id, area_id)
    SELECT p.id, (%(areas)s::bigint[])[1 + (p.id + k) %% %(area_count)s]
    FROM projects_project p CROSS JOIN generate_series(0, 2) AS k
    WHERE p.plan_id = %(plan)s AND p.number >= 1000 AND k <= p.id %% 3
    """,
    # Eight months of snapshots of every project of the plan (the trend).
    """
    INSERT INTO dashboard_projectsnapshot (
        project_id, month, as_of, status, progress_percent, expected_progress,
        planned_investment, funds_disbursed, light, light_reason, reconstructed, taken_at)
    SELECT p.id, make_date(2024, m, 1), (make_date(2024, m, 1) + interval '1 month - 1 day')::date,
        p.status, round(p.progress_percent * m / 9.0, 1), NULL, p.planned_investment,
        round(p.funds_disbursed * m / 9.0, 2),
        (ARRAY['green', 'green', 'green', 'yellow', 'red', 'completed'])[1 + (p.id + m) %% 6],
        '', true, now()
    FROM projects_project p CROSS JOIN generate_series(1, 8) AS m
    WHERE p.plan_id = %(plan)s
    ON CONFLICT (project_id, month) DO NOTHING
    """,
]


def populate(projects: int, milestones: int) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction

    from departments.models import Area, Department
    from projects.models import Category, Milestone, Plan, Project
    from projects.services import lights_refresh

    call_command("loaddemo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    plan = Plan.objects.get(year=2024)
    demo_projects = Project.objects.filter(plan=plan).count()
    demo_milestones = Milestone.objects.filter(project__plan=plan).count()
    new_projects = projects - demo_projects
    per_project, remainder = divmod(milestones - demo_milestones, new_projects)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(GROW_SQL[0], {"extra_departments": EXTRA_DEPARTMENTS})
        parameters = {
            "plan": plan.pk,
            "categories": list(Category.objects.values_list("pk", flat=True)),
            "category_count": Category.objects.count(),
            "departments": list(Department.objects.values_list("pk", flat=True)),
            "department_count": Department.objects.count(),
            "areas": list(Area.objects.values_list("pk", flat=True)),
            "area_count": Area.objects.count(),
            "new_projects": new_projects,
            "per_project": per_project,
            "remainder": remainder,
            "as_of": AS_OF_DATE,
        }
        for statement in GROW_SQL[1:]:
            cursor.execute(statement, parameters)
    started = time.monotonic()
    lights_refresh()
    lights_seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts = table_counts()
    counts["lights_seconds"] = lights_seconds
    return counts


def table_counts() -> dict:
    from django.db import connection

    from projects.models import Milestone, Project

    with connection.cursor() as cursor:
        counts = {"lights_seconds": 0.0}
        for table in (
            "projects_project",
            "projects_milestone",
            "projects_progressreport",
            "feedback_comment",
            "feedback_rating",
            "dashboard_projectsnapshot",
            "departments_department",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            counts[table] = cursor.fetchone()[0]
    counts["plan_projects"] = Project.objects.filter(plan__year=2024).count()
    counts["plan_milestones"] = Milestone.objects.filter(project__plan__year=2024).count()
    return counts


# --------------------------------------------------------------------------------------
# The raw SQL: what the dashboard needs, written by hand
# --------------------------------------------------------------------------------------

LIGHTS = ("green", "yellow", "red", "completed", "not_started", "suspended")
STATUSES = ("not_started", "in_progress", "completed", "suspended")


def _light_counts(alias: str) -> str:
    return ", ".join(f"count(*) FILTER (WHERE {alias}.light = '{light}')" for light in LIGHTS)


RAW_SQL = {
    "plans": "SELECT id, year, title, published FROM projects_plan ORDER BY year DESC",
    "categories": 'SELECT id, name, code, "order", colour FROM projects_category ORDER BY "order", code',
    "departments": "SELECT id, name, short_name, kind, active FROM departments_department ORDER BY name",
    "areas": 'SELECT id, name, kind, "order" FROM departments_area ORDER BY "order", name',
    "groups": f"""
        SELECT p.lead_department_id, p.category_id, count(*),
            {_light_counts("p")},
            {", ".join(f"count(*) FILTER (WHERE p.status = '{status}')" for status in STATUSES)},
            sum(p.progress_percent), sum(p.progress_percent * p.planned_investment),
            sum(p.planned_investment), sum(p.funds_disbursed),
            count(*) FILTER (WHERE p.light IN ('green', 'yellow', 'red')),
            sum(greatest(p.expected_progress - p.progress_percent, 0))
                FILTER (WHERE p.light IN ('green', 'yellow', 'red')),
            sum(owed.months),
            count(*) FILTER (WHERE p.status = 'in_progress' AND p.planned_start <= %(due_on)s),
            count(*) FILTER (WHERE p.status = 'in_progress' AND p.planned_start <= %(due_on)s
                                   AND submitted.project_id IS NULL)
        FROM projects_project p
        CROSS JOIN LATERAL (
            SELECT CASE WHEN p.status IN ('in_progress', 'completed') THEN greatest(
                CASE WHEN p.status = 'completed' AND p.completed_on IS NOT NULL
                     THEN least(%(last_index)s,
                                extract(year FROM p.completed_on)::int * 12
                                + extract(month FROM p.completed_on)::int
                                - CASE WHEN extract(day FROM p.completed_on) < %(due_day)s THEN 1 ELSE 0 END)
                     ELSE %(last_index)s END
                - (extract(year FROM p.planned_start)::int * 12 + extract(month FROM p.planned_start)::int
                   + CASE WHEN extract(day FROM p.planned_start) > %(due_day)s THEN 1 ELSE 0 END)
                + 1, 0) ELSE 0 END AS months
        ) AS owed
        LEFT JOIN (
            SELECT DISTINCT r.project_id FROM projects_progressreport r
            WHERE r.period = %(period)s AND r.state IN ('submitted', 'approved')
        ) AS submitted ON submitted.project_id = p.id
        WHERE p.plan_id = %(plan)s
        GROUP BY p.lead_department_id, p.category_id
    """,
    "on_time_reports": """
        SELECT p.lead_department_id, p.category_id, count(*)
        FROM projects_progressreport r JOIN projects_project p ON p.id = r.project_id
        WHERE p.plan_id = %(plan)s AND p.status IN ('in_progress', 'completed')
          AND r.state IN ('submitted', 'approved') AND r.period <= %(last_period)s
          AND (r.submitted_at AT TIME ZONE 'Asia/Shanghai')::date <= r.period + (%(due_day)s - 1)
          AND p.planned_start <= r.period + (%(due_day)s - 1)
          AND (p.status <> 'completed' OR p.completed_on IS NULL
               OR p.completed_on >= r.period + (%(due_day)s - 1))
        GROUP BY p.lead_department_id, p.category_id
    """,
    "milestones": """
        SELECT p.lead_department_id,
            count(*) FILTER (WHERE m.completed_on IS NOT NULL OR m.planned_date < %(as_of)s),
            count(*) FILTER (WHERE m.completed_on <= m.planned_date),
            count(*) FILTER (WHERE m.completed_on IS NULL AND m.planned_date < %(as_of)s
                                   AND p.status IN ('in_progress', 'not_started')),
            count(*) FILTER (WHERE m.completed_on IS NULL AND m.planned_date BETWEEN %(as_of)s AND %(soon)s
                                   AND p.status IN ('in_progress', 'not_started'))
        FROM projects_milestone m JOIN projects_project p ON p.id = m.project_id
        WHERE p.plan_id = %(plan)s
        GROUP BY p.lead_department_id
    """,
    "comments": """
        SELECT p.lead_department_id, count(*), count(r.id),
            count(*) FILTER (WHERE r.id IS NULL),
            count(*) FILTER (WHERE r.id IS NULL AND c.reply_due_on < %(as_of)s)
        FROM feedback_comment c
        JOIN projects_project p ON p.id = c.project_id
        LEFT JOIN feedback_reply r ON r.comment_id = c.id
        WHERE p.plan_id = %(plan)s AND c.state <> 'rejected'
        GROUP BY p.lead_department_id
    """,
    "ratings": """
        SELECT count(*), count(*) FILTER (WHERE x.level = 'satisfied'),
            count(*) FILTER (WHERE x.level = 'fairly_satisfied'),
            count(*) FILTER (WHERE x.level = 'dissatisfied')
        FROM feedback_rating x JOIN projects_project p ON p.id = x.project_id
        WHERE p.plan_id = %(plan)s
    """,
    "trend": f"""
        SELECT s.month, count(*), sum(s.progress_percent),
            sum(s.progress_percent * s.planned_investment), sum(s.planned_investment),
            sum(s.funds_disbursed), {_light_counts("s")}
        FROM dashboard_projectsnapshot s JOIN projects_project p ON p.id = s.project_id
        WHERE p.plan_id = %(plan)s AND s.month < %(period)s
        GROUP BY s.month ORDER BY s.month
    """,
    "areas_by_light": f"""
        SELECT pa.area_id, count(*), sum(p.progress_percent), {_light_counts("p")}
        FROM projects_project_areas pa JOIN projects_project p ON p.id = pa.project_id
        WHERE p.plan_id = %(plan)s
        GROUP BY pa.area_id
    """,
    "furthest_behind": """
        SELECT p.light, p.progress_percent, p.expected_progress,
            p.expected_progress - p.progress_percent AS lag, p.id, p.number, p.title,
            p.lead_department_id, d.name, d.short_name, c.name
        FROM projects_project p
        JOIN departments_department d ON d.id = p.lead_department_id
        JOIN projects_category c ON c.id = p.category_id
        WHERE p.plan_id = %(plan)s AND p.light IN ('green', 'yellow', 'red')
          AND p.expected_progress - p.progress_percent > 0
        ORDER BY lag DESC, p.number
        LIMIT 15
    """,
    "red_and_yellow": """
        SELECT p.light, p.light_reason, p.progress_percent, p.expected_progress,
            p.expected_progress - p.progress_percent AS lag, p.id, p.number, p.title,
            p.lead_department_id, d.name, d.short_name, c.name
        FROM projects_project p
        JOIN departments_department d ON d.id = p.lead_department_id
        JOIN projects_category c ON c.id = p.category_id
        WHERE p.plan_id = %(plan)s AND p.light IN ('red', 'yellow')
        ORDER BY CASE WHEN p.light = 'red' THEN 0 ELSE 1 END, lag DESC NULLS LAST, p.number
        LIMIT 100
    """,
    "overdue_milestones": """
        SELECT m.id, m.planned_date, m.title, p.id, p.number, p.title, p.lead_department_id,
            d.name, d.short_name, c.name
        FROM projects_milestone m
        JOIN projects_project p ON p.id = m.project_id
        JOIN departments_department d ON d.id = p.lead_department_id
        JOIN projects_category c ON c.id = p.category_id
        WHERE p.plan_id = %(plan)s AND m.completed_on IS NULL AND m.planned_date < %(as_of)s
          AND p.status IN ('in_progress', 'not_started')
        ORDER BY m.planned_date, p.number, m.id
        LIMIT 100
    """,
}


def raw_parameters(plan) -> dict:
    from django.conf import settings

    from minsheng.months import last_report_period, month_index, report_due_date

    as_of = datetime.date.fromisoformat(AS_OF_DATE)
    due_day = settings.MINSHENG_REPORT_DUE_DAY
    period = as_of.replace(day=1)
    last_period = last_report_period(as_of, due_day)
    return {
        "plan": plan.pk,
        "as_of": as_of,
        "soon": as_of + datetime.timedelta(days=30),
        "period": period,
        "due_on": report_due_date(period, due_day),
        "due_day": due_day,
        "last_period": last_period,
        "last_index": month_index(last_period),
    }


def run_raw(parameters: dict) -> dict:
    from django.db import connection

    results = {}
    with connection.cursor() as cursor:
        for name, statement in RAW_SQL.items():
            cursor.execute(statement, parameters)
            results[name] = cursor.fetchall()
    return results


def run_orm(plan):
    from dashboard import selectors

    choices = selectors.filter_choices()
    scope = selectors.Scope(plan=plan, as_of=datetime.date.fromisoformat(AS_OF_DATE))
    return selectors.dashboard_figures(scope, choices)


def check_agreement(figures, raw: dict) -> list[str]:
    """The figures both sides give must be the same; returns the differences."""
    totals, milestones = figures.headline.totals, figures.headline.milestones
    groups = raw["groups"]
    raw_totals = {
        "projects": sum(row[2] for row in groups),
        "red": sum(row[5] for row in groups),
        "reports_required": sum(row[19] or 0 for row in groups),
        "reports_on_time": sum(row[2] for row in raw["on_time_reports"]),
        "reports_missing": sum(row[21] for row in groups),
        "overdue_milestones": sum(row[3] for row in raw["milestones"]),
        "comments_awaiting": sum(row[3] for row in raw["comments"]),
        "trend_months": len(raw["trend"]),
        "red_and_yellow": len(raw["red_and_yellow"]),
    }
    ours = {
        "projects": totals.projects,
        "red": totals.lights["red"],
        "reports_required": totals.reports_required,
        "reports_on_time": totals.reports_on_time,
        "reports_missing": totals.reports_missing,
        "overdue_milestones": milestones.overdue,
        "comments_awaiting": figures.headline.comments.awaiting,
        "trend_months": len(figures.trend) - 1,  # the last point is the live month
        "red_and_yellow": len(figures.behind_projects),
    }
    return [
        f"{key}: dashboard {ours[key]}, raw SQL {raw_totals[key]}"
        for key in ours
        if ours[key] != raw_totals[key]
    ]


def measure(plan, repeat: int) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    parameters = raw_parameters(plan)
    for _ in range(3):  # warm-up: caches, compiled plans, Python imports
        run_orm(plan)
        run_raw(parameters)
    with CaptureQueriesContext(connection) as queries:
        figures = run_orm(plan)
    query_count = len(queries)
    reset_queries()
    orm_times, raw_times = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        figures = run_orm(plan)
        orm_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        raw = run_raw(parameters)
        raw_times.append(time.perf_counter() - started)
    per_statement = {}
    with connection.cursor() as cursor:
        for name, statement in RAW_SQL.items():
            started = time.perf_counter()
            cursor.execute(statement, parameters)
            cursor.fetchall()
            per_statement[name] = time.perf_counter() - started
    return {
        "orm": statistics.median(orm_times),
        "raw": statistics.median(raw_times),
        "orm_min": min(orm_times),
        "raw_min": min(raw_times),
        "queries": query_count,
        "statements": len(RAW_SQL),
        "differences": check_agreement(figures, raw),
        "per_statement": per_statement,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_server_argument(parser)
    parser.add_argument("--projects", type=int, default=10_000, help="projects in the plan")
    parser.add_argument("--milestones", type=int, default=100_000, help="milestones in the plan")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each side")
    parser.add_argument(
        "--keep", action="store_true", help="leave the database in place (for --reuse)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database a --keep run left"
    )
    args = parser.parse_args()

    started = time.monotonic()
    meta = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_before": "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg()),
        "postgres": postgres_version(args.server),
    }
    database_created = False
    try:
        if args.reuse:
            parts = urlsplit(args.server)
            database_url = urlunsplit((parts.scheme, parts.netloc, f"/{DATABASE_NAME}", "", ""))
        else:
            database_url = create_database(args.server, DATABASE_NAME)
        database_created = not args.keep
        setup_django(database_url)
        from django.core.management import call_command
        from django.db import connections

        print(f"database {DATABASE_NAME}: migrating and loading data …", flush=True)
        call_command("migrate", verbosity=0, interactive=False)
        loading = time.monotonic()
        counts = table_counts() if args.reuse else populate(args.projects, args.milestones)
        print(
            f"{counts['plan_projects']} projects, {counts['plan_milestones']} milestones in the plan "
            f"({counts['projects_progressreport']} reports, {counts['feedback_comment']} comments, "
            f"{counts['feedback_rating']} ratings, {counts['dashboard_projectsnapshot']} snapshots, "
            f"{counts['departments_department']} departments) in {time.monotonic() - loading:.0f} s "
            f"(lights {counts['lights_seconds']:.0f} s); measuring …",
            flush=True,
        )
        from projects.models import Plan

        result = measure(Plan.objects.get(year=2024), args.repeat)
        connections.close_all()
    finally:
        if database_created:
            drop_database(args.server, DATABASE_NAME)
    meta["load"] = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    ratio = result["orm"] / result["raw"]
    passed = ratio <= TARGET and not result["differences"]
    print()
    print(f"Dashboard benchmark, {meta['date']} — {meta['machine']}, PostgreSQL {meta['postgres']}")
    print(
        f"{counts['plan_projects']} projects, {counts['plan_milestones']} milestones; "
        f"median of {args.repeat} runs after 3 warm-up runs; "
        f"load average before {meta['load_before']}, after {meta['load']}"
    )
    print()
    print(f"| {'what':44} | {'queries':>7} | {'median ms':>9} | {'best ms':>8} |")
    print(f"|{'-' * 46}|{'-' * 9}|{'-' * 11}|{'-' * 10}|")
    print(
        f"| {'dashboard figures (ORM + selectors)':44} | {result['queries']:7} "
        f"| {result['orm'] * 1000:9.1f} | {result['orm_min'] * 1000:8.1f} |"
    )
    print(
        f"| {'raw SQL aggregates (cursor, fetchall)':44} | {result['statements']:7} "
        f"| {result['raw'] * 1000:9.1f} | {result['raw_min'] * 1000:8.1f} |"
    )
    print()
    print(
        f"ratio {ratio:.2f}× the raw SQL (target ≤ {TARGET:.1f}×): {'pass' if passed else 'FAIL'}"
    )
    print(
        "raw SQL by statement (ms): "
        + ", ".join(
            f"{name} {seconds * 1000:.1f}" for name, seconds in result["per_statement"].items()
        )
    )
    if result["differences"]:
        print("the two sides disagree:\n  " + "\n  ".join(result["differences"]))
    print(f"\n(total time {time.monotonic() - started:.0f} s)")
    print(
        f"summary: {counts['plan_projects']:,} projects, {counts['plan_milestones']:,} milestones: "
        f"{result['orm'] * 1000:.0f} ms against {result['raw'] * 1000:.0f} ms of raw SQL, "
        f"{ratio:.2f}×" + ("; the two sides disagree" if result["differences"] else "")
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
