"""``manage.py bench_data``: the demo plan grown to many projects, for benchmarks (sample data).

    manage.py bench_data [--projects 500] [--milestones-per-project 8] [--comments-per-project 5]
                         [--json] [--force]

Loads the demo plan (``demo.loader.load_demo``: departments, categories, areas, groups,
the 50 projects of 2024 and the demo accounts), then adds projects numbered after the
highest one until the 2024 plan has ``--projects`` projects. Each added project copies a
demo project (title with a “（样本N）” suffix, category, lead department, dates, money,
progress, status, cooperating departments, areas, beneficiary groups, indicators, progress
reports without their photos) and gets exactly ``--milestones-per-project`` milestones
spread from its planned start to its planned end, ``--comments-per-project`` residents'
comments (four in five published, every second published one answered by the lead
department) and three satisfaction ratings. What is done and what is overdue is judged on
the demo date, 2024-09-30, like the demo itself. The dashboard's monthly snapshots of an
added project are those of the demo project it copies for the past months, and its own for
the current month.

Rows are written with ``bulk_create``, a batch of projects at a time (about 2,000 rows per
statement), in one transaction; nothing writes change history. Then the new projects'
lights are computed and, on PostgreSQL, the database is ``ANALYZE``d as autovacuum would.
Running it again with the same ``--projects`` adds nothing; with a larger one it adds the
difference. It refuses a database holding anything but the demo and benchmark data (another
plan, a user who is not a demo account) unless ``--force`` is given: it writes demo
accounts with a known password.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from dashboard.models import ProjectSnapshot
from dashboard.services import SNAPSHOT_FIELDS, snapshots_backfill
from demo.dataset import DEMO_DATE, LOCAL_TIME, PLAN, PROJECTS, USERS
from demo.loader import DemoDataError, load_demo
from departments.models import Membership
from feedback.choices import CommentState, RatingLevel
from feedback.models import HASH_LENGTH, Comment, Rating, Reply
from feedback.workdays import add_working_days
from minsheng import clock
from minsheng.months import month_start
from projects.choices import ProjectStatus, ReportState
from projects.models import Indicator, Milestone, Plan, ProgressReport, Project
from projects.services import lights_refresh

LIMITS = {
    "projects": (1, 100_000),
    "milestones_per_project": (0, 200),
    "comments_per_project": (0, 1000),
}
DEMO_PROJECTS = len(PROJECTS)
ROWS_PER_BATCH = 2000
# What a snapshot copies from the project itself (the rest says when and how it was taken).
PROJECT_SNAPSHOT_FIELDS = [
    name for name in SNAPSHOT_FIELDS if name not in ("as_of", "reconstructed", "taken_at")
]
RATINGS_PER_PROJECT = 3
PENDING_EVERY = 5  # one comment in five awaits moderation; the others are published
REPLY_EVERY = 2  # every second published comment has the lead department's reply
# Of the milestones due before the demo date, the share still open by how long ago they were
# due: recent ones are often late, old ones rarely still open (those turn a light red).
OPEN_SHARE = [(30, 0.35), (60, 0.15), (None, 0.03)]

COPIED_FIELDS = [
    "summary",
    "commitment",
    "category_id",
    "lead_department_id",
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
REPORT_FIELDS = [
    "period",
    "reported_progress",
    "funds_disbursed_to_date",
    "work_done",
    "problems",
    "next_steps",
    "state",
    "return_reason",
    "author_id",
    "submitted_at",
    "reviewed_by_id",
    "reviewed_at",
]
LINKS = {  # many-to-many field of Project → the through model's column of the other side
    "cooperating_departments": "department_id",
    "areas": "area_id",
    "beneficiary_groups": "beneficiarygroup_id",
}

PHASES = [
    "完成前期调研及实施方案编制",
    "完成立项审批及资金落实",
    "完成招标采购",
    "开工建设",
    "完成基础工程",
    "完成主体工程",
    "完成设备安装调试",
    "完成阶段性验收",
    "投入试运行",
    "完成竣工验收并交付使用",
]
LATE_NOTES = [
    "受连续降雨影响，工期顺延。",
    "招标流标后重新组织招标。",
    "施工方案调整，待专家论证。",
]
NICKNAMES = [
    "朝阳路张女士",
    "老街坊",
    "热心市民",
    "王阿姨",
    "家长李先生",
    "三单元住户",
    "晨练的市民",
    "退休教师老刘",
    "新市民小陈",
    "禹会居民",
    "社区志愿者",
    "上班族小赵",
    "马城镇村民",
    "长青乡老周",
    "宝妈一枚",
]
COMMENT_BODIES = [
    "这个项目什么时候能完工？希望加快进度。",
    "施工期间噪音有点大，晚上能不能早点停工？",
    "点赞！改造后环境好多了，感谢政府。",
    "希望项目完工后有专人管理维护，别建好了没人管。",
    "我们小区也符合条件吗？怎么申请？",
    "施工围挡占了人行道，老人出行不方便，能否设置临时通道？",
    "资金使用情况能不能再公开得详细一些？",
    "建议在方案里多听听周边居民的意见。",
    "进度比计划慢了，请问是什么原因？",
    "希望明年继续推进，覆盖更多社区。",
    "项目很实在，老百姓看得见摸得着。",
    "请问有没有咨询电话？想了解具体的办理流程。",
]
REPLY_BODIES = [
    "您好！感谢您的关注。项目正按计划推进，预计按期完成，施工期间如有问题可拨打我单位电话咨询。",
    "感谢您的建议。我们已要求施工单位合理安排作业时间，减少对周边居民的影响。",
    "您好！具体办理流程已在社区公示栏和本平台公开，也可到所在社区服务中心咨询。",
    "感谢您的监督。进度滞后的原因已在月度报告中说明，我们将加强调度，力争按期完成。",
]
RATING_LEVELS = [RatingLevel.SATISFIED] * 6 + [RatingLevel.FAIRLY_SATISFIED] * 3
RATING_LEVELS += [RatingLevel.DISSATISFIED]
RATING_REMARKS = ["", "", "", "希望加快进度", "效果不错", "还需改进"]

YEAR_START = datetime.date(DEMO_DATE.year, 1, 2)


def _bounded(name: str) -> Callable[[str], int]:
    low, high = LIMITS[name]

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(_range_message(name, value))
        return value

    return parse


def _range_message(name: str, value) -> str:
    low, high = LIMITS[name]
    option = "--" + name.replace("_", "-")
    return f"{option} must be between {low:,} and {high:,} (got {value})."


def _hex(rng: random.Random) -> str:
    return f"{rng.getrandbits(HASH_LENGTH * 4):0{HASH_LENGTH}x}"


def foreign_data() -> list[str]:
    """What the database holds besides the demo and benchmark data (empty: nothing)."""
    found = []
    plans = Plan.objects.exclude(year=PLAN["year"], title=PLAN["title"]).order_by("year")
    if plans.exists():
        names = ", ".join(f"{p.year} “{p.title}”" for p in plans[:5])
        found.append(f"{plans.count()} plan(s) other than the demo's {PLAN['year']} plan ({names})")
    demo_usernames = [spec["username"] for spec in USERS]
    users = get_user_model().objects.exclude(username__in=demo_usernames).order_by("username")
    if users.exists():
        names = ", ".join(users.values_list("username", flat=True)[:5])
        found.append(f"{users.count()} user(s) who are not demo accounts ({names})")
    return found


def richest_demo_project(plan: Plan) -> Project | None:
    """The demo project with most milestones, approved reports and indicators: the heaviest page."""
    return (
        Project.objects.filter(plan=plan, published=True, number__lte=DEMO_PROJECTS)
        .annotate(
            weight=Count("milestones", distinct=True)
            + Count("reports", filter=Q(reports__state=ReportState.APPROVED), distinct=True)
            + Count("indicators", distinct=True)
        )
        .order_by("-weight", "number")
        .first()
    )


@dataclass(frozen=True)
class Source:
    """What an added project copies from a demo project, read once."""

    number: int
    title: str
    fields: dict
    indicators: list[tuple]
    reports: list[dict]
    links: dict[str, list[int]]


def _sources(plan: Plan) -> list[Source]:
    demo = (
        Project.objects.filter(plan=plan, number__lte=DEMO_PROJECTS)
        .order_by("number")
        .prefetch_related("indicators", "reports", *LINKS)
    )
    return [
        Source(
            number=project.number,
            title=project.title,
            fields={name: getattr(project, name) for name in COPIED_FIELDS},
            indicators=[
                (i.name, i.unit, i.target_value, i.actual_value, i.order)
                for i in project.indicators.all()
            ],
            reports=[
                {name: getattr(report, name) for name in REPORT_FIELDS}
                for report in project.reports.all()
            ],
            links={name: [other.pk for other in getattr(project, name).all()] for name in LINKS},
        )
        for project in demo
    ]


def _source_snapshots(plan: Plan, before: datetime.date) -> dict[int, list[dict]]:
    """The demo projects' monthly snapshots before the month ``before``, by project number."""
    snapshots: dict[int, list[dict]] = {}
    rows = ProjectSnapshot.objects.filter(
        project__plan=plan, project__number__lte=DEMO_PROJECTS, month__lt=before
    ).values("project__number", "month", *SNAPSHOT_FIELDS)
    for row in rows.order_by("project__number", "month"):
        snapshots.setdefault(row.pop("project__number"), []).append(row)
    return snapshots


class Grower:
    """Adds projects with their milestones, comments, replies and ratings, a batch at a time."""

    def __init__(self, plan: Plan, *, milestones: int, comments: int, on_date: datetime.date):
        self.plan = plan
        self.milestones = milestones
        self.comments = comments
        self.sources = _sources(plan)
        if not self.sources:
            raise CommandError(f"The {plan.year} plan has no demo projects to copy.")
        # The trend of the months before this one: copied from the demo project each added
        # project copies (its status, progress, money and dates are the same). Rebuilding
        # them with dashboard.services.snapshots_backfill costs a light per project and
        # month: 90,000 for 10,000 projects, most of a minute. This month's row is taken
        # afterwards from the project's own light (snapshots_of_this_month).
        self.on_date = on_date
        self.snapshots = _source_snapshots(plan, month_start(on_date))
        self.taken_at = timezone.now()
        User = get_user_model()
        self.moderator_id = (
            User.objects.filter(username="coordinator").values_list("pk", flat=True).first()
        )
        self.authors: dict[int, int] = {}
        for department_id, user_id in Membership.objects.order_by("pk").values_list(
            "department_id", "user_id"
        ):
            self.authors.setdefault(department_id, user_id)
        self._due: dict[datetime.date, datetime.date] = {}
        self.through = {name: getattr(Project, name).through for name in LINKS}
        self.per_batch = max(1, min(ROWS_PER_BATCH, ROWS_PER_BATCH // max(milestones, comments, 1)))
        self.counts = dict.fromkeys(
            (
                "projects",
                "milestones",
                "indicators",
                "reports",
                "comments",
                "replies",
                "ratings",
                "snapshots",
            ),
            0,
        )

    def snapshots_of_this_month(self, first: int) -> None:
        """The added projects' row of the current month, from their light just computed.

        What ``dashboard.services.snapshot_take`` would write for the live month (the same
        light, computed from the same data for the same day) without computing each light a
        second time.
        """
        month = month_start(self.on_date)
        ids = list(
            Project.objects.filter(plan=self.plan, number__gte=first, light_as_of=self.on_date)
            .exclude(snapshots__month=month)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(ids), ROWS_PER_BATCH):
            rows = Project.objects.filter(pk__in=ids[start : start + ROWS_PER_BATCH]).values(
                "pk", *PROJECT_SNAPSHOT_FIELDS
            )
            snapshots = [
                ProjectSnapshot(
                    project_id=row.pop("pk"),
                    month=month,
                    as_of=self.on_date,
                    reconstructed=False,
                    taken_at=self.taken_at,
                    **row,
                )
                for row in rows
            ]
            ProjectSnapshot.objects.bulk_create(snapshots)
            self.counts["snapshots"] += len(snapshots)

    def reply_due(self, day: datetime.date) -> datetime.date:
        if day not in self._due:
            self._due[day] = add_working_days(day, 5)
        return self._due[day]

    def grow(self, first: int, last: int, progress: Callable[[int], None] | None = None) -> None:
        for start in range(first, last + 1, self.per_batch):
            self.batch(range(start, min(start + self.per_batch, last + 1)))
            if connection.queries_logged and not connection.force_debug_cursor:
                # With DEBUG on, Django keeps the SQL of the last 9,000 queries: thousands of
                # rows each here. Nobody asked to read them; keep memory flat.
                connection.queries_log.clear()
            if progress:
                progress(self.counts["projects"])

    def batch(self, numbers: range) -> None:
        sources = {n: self.sources[(n - 1) % len(self.sources)] for n in numbers}
        projects = Project.objects.bulk_create(
            [
                Project(
                    plan_id=self.plan.pk,
                    number=n,
                    title=f"{source.title}（样本{n}）"[:200],
                    **source.fields,
                    **self.project_baseline(source.fields),
                )
                for n, source in sources.items()
            ],
            batch_size=ROWS_PER_BATCH,
        )
        milestones, indicators, reports, comments, ratings, snapshots = [], [], [], [], [], []
        links = {name: [] for name in LINKS}
        for project in projects:
            source = sources[project.number]
            rng = random.Random(project.number)
            milestones += self.project_milestones(project, rng)
            indicators += [
                Indicator(
                    project_id=project.pk,
                    name=name,
                    unit=unit,
                    target_value=target,
                    actual_value=actual,
                    order=order,
                    **(
                        {"baseline_target": target, "baseline_unit": unit}
                        if project.baselined_at
                        else {}
                    ),
                )
                for name, unit, target, actual, order in source.indicators
            ]
            reports += [ProgressReport(project_id=project.pk, **row) for row in source.reports]
            for name, column in LINKS.items():
                model = self.through[name]
                links[name] += [
                    model(project_id=project.pk, **{column: pk}) for pk in source.links[name]
                ]
            comments += self.project_comments(project, rng)
            ratings += self.project_ratings(project, rng)
            snapshots += [
                ProjectSnapshot(project_id=project.pk, **row | {"taken_at": self.taken_at})
                for row in self.snapshots.get(source.number, ())
            ]
        Milestone.objects.bulk_create(milestones, batch_size=ROWS_PER_BATCH)
        Indicator.objects.bulk_create(indicators, batch_size=ROWS_PER_BATCH)
        ProgressReport.objects.bulk_create(reports, batch_size=ROWS_PER_BATCH)
        for name, model in self.through.items():
            model.objects.bulk_create(links[name], batch_size=ROWS_PER_BATCH)
        comments = Comment.objects.bulk_create(comments, batch_size=ROWS_PER_BATCH)
        replies = self.replies(comments, {p.pk: p for p in projects})
        Reply.objects.bulk_create(replies, batch_size=ROWS_PER_BATCH)
        Rating.objects.bulk_create(ratings, batch_size=ROWS_PER_BATCH)
        ProjectSnapshot.objects.bulk_create(snapshots, batch_size=ROWS_PER_BATCH)
        for name, rows in (
            ("projects", projects),
            ("milestones", milestones),
            ("indicators", indicators),
            ("reports", reports),
            ("comments", comments),
            ("replies", replies),
            ("ratings", ratings),
            ("snapshots", snapshots),
        ):
            self.counts[name] += len(rows)

    def project_baseline(self, fields: dict) -> dict:
        """A published project of the published plan has its commitment frozen as issued."""
        if not fields["published"]:
            return {}
        return {
            "baseline_start": fields["planned_start"],
            "baseline_end": fields["planned_end"],
            "baseline_investment": fields["planned_investment"],
            "baseline_funding_source": fields["funding_source"],
            "baselined_at": self.taken_at,
        }

    def project_milestones(self, project: Project, rng: random.Random) -> list[Milestone]:
        """``self.milestones`` steps from start to end; the past ones mostly done, some late."""
        count = self.milestones
        if not count:
            return []
        start, end = project.planned_start, project.planned_end
        span = (end - start).days
        weights = [max(1, 100 // count)] * count
        if count <= 100:
            weights[-1] += 100 - sum(weights)  # they add up to 100
        rows = []
        for k in range(1, count + 1):
            planned = start + datetime.timedelta(days=span * k // count)
            phase = PHASES[(k - 1) * len(PHASES) // count]
            completed_on, note = None, ""
            if project.status == ProjectStatus.COMPLETED:
                completed_on = planned - datetime.timedelta(days=rng.randint(0, 3))
                if project.completed_on:
                    completed_on = min(completed_on, project.completed_on)
            elif project.status != ProjectStatus.NOT_STARTED and planned < DEMO_DATE:
                age = (DEMO_DATE - planned).days
                still_open = next(
                    share for days, share in OPEN_SHARE if days is None or age <= days
                )
                if rng.random() < still_open:
                    note = rng.choice(LATE_NOTES)  # overdue
                else:
                    late = datetime.timedelta(days=rng.randint(-5, 6))
                    completed_on = min(planned + late, DEMO_DATE - datetime.timedelta(days=1))
            rows.append(
                Milestone(
                    project_id=project.pk,
                    title=f"第{k}个节点：{phase}",
                    planned_date=planned,
                    completed_on=completed_on,
                    weight=weights[k - 1],
                    note=note,
                    **(
                        {
                            "baseline_title": f"第{k}个节点：{phase}",
                            "baseline_planned_date": planned,
                            "baseline_weight": weights[k - 1],
                        }
                        if project.baselined_at
                        else {}
                    ),
                )
            )
        return rows

    def project_comments(self, project: Project, rng: random.Random) -> list[Comment]:
        days = (DEMO_DATE - YEAR_START).days
        rows = []
        for k in range(self.comments):
            day = YEAR_START + datetime.timedelta(days=rng.randrange(days))
            posted = datetime.datetime(
                day.year, day.month, day.day, rng.randint(7, 22), rng.randrange(60),
                tzinfo=LOCAL_TIME,
            )  # fmt: skip
            # Counted over the whole plan, so small counts per project mix states too.
            pending = (project.number * self.comments + k) % PENDING_EVERY == PENDING_EVERY - 1
            rows.append(
                Comment(
                    project_id=project.pk,
                    nickname=rng.choice(NICKNAMES),
                    body=rng.choice(COMMENT_BODIES),
                    state=CommentState.PENDING if pending else CommentState.PUBLISHED,
                    moderated_by_id=None if pending else self.moderator_id,
                    moderated_at=None if pending else posted + datetime.timedelta(hours=20),
                    reply_due_on=self.reply_due(day),
                    client_hash=_hex(rng),
                    created_at=posted,
                )
            )
        return rows

    def replies(self, comments: list[Comment], projects: dict[int, Project]) -> list[Reply]:
        """The lead department's answer to every second published comment of each project."""
        rows, published = [], {}
        latest = datetime.datetime.combine(DEMO_DATE, datetime.time(18), tzinfo=LOCAL_TIME)
        for comment in comments:
            if comment.state != CommentState.PUBLISHED:
                continue
            seen = published.get(comment.project_id, 0)
            published[comment.project_id] = seen + 1
            if seen % REPLY_EVERY:
                continue
            department_id = projects[comment.project_id].lead_department_id
            answered = comment.created_at + datetime.timedelta(days=1 + comment.pk % 4, hours=3)
            rows.append(
                Reply(
                    comment_id=comment.pk,
                    department_id=department_id,
                    body=REPLY_BODIES[comment.pk % len(REPLY_BODIES)],
                    author_id=self.authors.get(department_id),
                    created_at=min(answered, latest),
                )
            )
        return rows

    def project_ratings(self, project: Project, rng: random.Random) -> list[Rating]:
        days = (DEMO_DATE - YEAR_START).days
        rows = []
        for _ in range(RATINGS_PER_PROJECT):
            day = YEAR_START + datetime.timedelta(days=rng.randrange(days))
            rated = datetime.datetime(day.year, day.month, day.day, 12, tzinfo=LOCAL_TIME)
            rows.append(
                Rating(
                    project_id=project.pk,
                    level=rng.choice(RATING_LEVELS),
                    remark=rng.choice(RATING_REMARKS),
                    visitor_hash=_hex(rng),  # one rating per visitor and project
                    client_hash=_hex(rng),
                    created_at=rated,
                    updated_at=rated,
                )
            )
        return rows


def database_counts(plan: Plan) -> dict[str, int]:
    return {
        "projects": Project.objects.filter(plan=plan).count(),
        "milestones": Milestone.objects.count(),
        "comments": Comment.objects.count(),
        "replies": Reply.objects.count(),
        "ratings": Rating.objects.count(),
    }


class Command(BaseCommand):
    help = (
        "Load the demo plan and grow the 2024 plan to --projects projects of sample data "
        "(milestones, comments, replies, ratings) for benchmarks. Refuses a database with "
        "other data unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--projects",
            type=_bounded("projects"),
            default=500,
            help="Projects in the 2024 plan in all, 1 to 100,000; the 50 demo projects are "
            "always kept (default: 500).",
        )
        parser.add_argument(
            "--milestones-per-project",
            type=_bounded("milestones_per_project"),
            default=8,
            help="Milestones of each added project, 0 to 200 (default: 8).",
        )
        parser.add_argument(
            "--comments-per-project",
            type=_bounded("comments_per_project"),
            default=5,
            help="Residents' comments on each added project, 0 to 1,000 (default: 5).",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print one line of JSON (projects, milestones, comments, detail_id) instead "
            "of the summary.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though the database holds data other than the demo's.",
        )

    def handle(self, *args, **options):
        projects = options["projects"]
        milestones_per_project = options["milestones_per_project"]
        comments_per_project = options["comments_per_project"]
        as_json, force = options["json"], options["force"]
        # Options given to call_command() as keywords skip argparse: check them here too.
        for name, value in (
            ("projects", projects),
            ("milestones_per_project", milestones_per_project),
            ("comments_per_project", comments_per_project),
        ):
            low, high = LIMITS[name]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise CommandError(_range_message(name, value))
        started = time.monotonic()
        notes = self.stderr if as_json else self.stdout

        if not force:
            found = foreign_data()
            if found:
                raise CommandError(
                    "This database holds data other than the demo and benchmark data: "
                    + "; ".join(found)
                    + ". bench_data writes sample projects and demo accounts with a known "
                    "password: use an empty database, or pass --force."
                )

        on_date = clock.today()

        def step(what: str) -> None:
            if options.get("verbosity", 1) >= 2:
                notes.write(f"  {what} ({time.monotonic() - started:.1f} s)")

        try:
            load_demo(on_date=on_date)
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        step("demo plan loaded")
        plan = Plan.objects.get(year=PLAN["year"])

        existing = Project.objects.filter(plan=plan).count()
        if projects < DEMO_PROJECTS:
            notes.write(
                f"--projects {projects} is below the {DEMO_PROJECTS} demo projects: they are kept."
            )
        wanted = max(projects, DEMO_PROJECTS)
        if wanted <= existing:
            more = f", more than {wanted:,}" if wanted < existing else ""
            notes.write(
                f"The {plan.year} plan already has {existing:,} projects{more}: nothing added "
                "(bench_data never removes projects)."
            )
        else:
            highest = Project.objects.filter(plan=plan).aggregate(Max("number"))["number__max"]
            first, last = highest + 1, highest + wanted - existing
            grower = Grower(
                plan,
                milestones=milestones_per_project,
                comments=comments_per_project,
                on_date=on_date,
            )

            def progress(done: int) -> None:
                step(f"{done:,} projects added")

            with transaction.atomic():
                grower.grow(first, last, progress)
            step("rows written")
            lights_refresh(on_date=on_date, stale_only=True)
            step("lights computed")
            # This month's snapshots of the added projects (the earlier months are copied), as
            # load_demo takes them; left out, the next run's load_demo would add them.
            with transaction.atomic():
                grower.snapshots_of_this_month(first)
                snapshots_backfill(until=on_date, today=on_date)  # anything still missing
            step("this month's snapshots taken")
            if connection.vendor == "postgresql":
                # A production database is analysed by autovacuum; a freshly bulk-loaded one
                # is not, and the planner would guess from empty statistics.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
                step("ANALYZE done")
            added = grower.counts
            notes.write(
                f"Added {added['projects']:,} projects (numbers {first}–{last}) with "
                f"{milestones_per_project} milestones, {comments_per_project} comments and "
                f"{RATINGS_PER_PROJECT} ratings each: {added['milestones']:,} milestones, "
                f"{added['comments']:,} comments, {added['replies']:,} replies, "
                f"{added['ratings']:,} ratings, {added['indicators']:,} indicators, "
                f"{added['reports']:,} progress reports, {added['snapshots']:,} monthly snapshots."
            )

        counts = database_counts(plan)
        seconds = time.monotonic() - started
        if as_json:
            detail = richest_demo_project(plan)
            data = {
                "projects": counts["projects"],
                "milestones": counts["milestones"],
                "comments": counts["comments"],
                "detail_id": detail.pk if detail else None,
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(
            f"{plan.year} plan: {counts['projects']:,} projects. In the database: "
            f"{counts['milestones']:,} milestones, {counts['comments']:,} comments, "
            f"{counts['replies']:,} replies, {counts['ratings']:,} ratings. {seconds:.1f} s."
        )
