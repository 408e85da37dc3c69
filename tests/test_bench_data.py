"""``manage.py bench_data``: the demo plan grown with sample projects, milestones and feedback.

Loading the demo plan takes several seconds, so it is grown once for the module (55
projects, 3 milestones and 4 comments per added project) inside a transaction that is rolled
back at the end; each test runs in a savepoint within it, so what one test adds is gone
before the next. Tests that must see an empty database use the plain ``db`` fixture.
"""

import datetime
import json
import math
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings

from dashboard.models import ProjectSnapshot
from dashboard.services import snapshot_take
from feedback.choices import CommentState
from feedback.models import Comment, Rating, Reply
from projects.choices import Light
from projects.models import Indicator, Milestone, Plan, Project
from tests.factories import PlanFactory, UserFactory

DEMO = 50
SMALL = {"projects": 55, "milestones_per_project": 3, "comments_per_project": 4}


def bench_data(*args, **options) -> str:
    out = StringIO()
    call_command("bench_data", *args, stdout=out, stderr=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


@pytest.fixture(scope="module")
def grown(django_db_setup, django_db_blocker):
    """The demo plan grown to 55 projects, for the whole module; rolled back afterwards."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            MINSHENG_AS_OF_DATE="2024-09-30",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        output = bench_data(**SMALL)
        demo_milestones = Milestone.objects.filter(project__number__lte=DEMO).count()
        yield {"output": output, "demo_milestones": demo_milestones}
        transaction.set_rollback(True)


def added_projects():
    return Project.objects.filter(plan__year=2024, number__gt=DEMO).order_by("number")


@pytest.mark.django_db
def test_grows_the_plan_to_the_number_asked_with_exact_counts(grown):
    # given the demo plan grown to 55 projects, 3 milestones and 4 comments each
    plan = Plan.objects.get(year=2024)
    # then the plan has 55 projects: the 50 demo ones and numbers 51 to 55
    assert Project.objects.filter(plan=plan).count() == 55
    assert list(added_projects().values_list("number", flat=True)) == [51, 52, 53, 54, 55]
    assert "Added 5 projects (numbers 51–55)" in grown["output"]
    # and the demo projects kept their own milestones
    assert Milestone.objects.filter(project__number__lte=DEMO).count() == grown["demo_milestones"]
    for project in added_projects():
        # each added project has exactly 3 milestones whose weights add up to 100
        milestones = list(project.milestones.all())
        assert len(milestones) == 3
        assert sum(m.weight for m in milestones) == 100
        assert all(
            project.planned_start <= m.planned_date <= project.planned_end for m in milestones
        )
        # exactly 4 comments and a few ratings from distinct visitors
        comments = list(project.comments.order_by("pk"))
        assert len(comments) == 4
        ratings = Rating.objects.filter(project=project)
        assert ratings.count() == 3
        assert len(set(ratings.values_list("visitor_hash", flat=True))) == 3
        # the lead department answered every second published comment, and nothing else
        published = [c for c in comments if c.state == CommentState.PUBLISHED]
        replies = Reply.objects.filter(comment__project=project)
        assert replies.count() == math.ceil(len(published) / 2)
        assert set(replies.values_list("comment_id", flat=True)) == {c.pk for c in published[::2]}
        assert set(replies.values_list("department_id", flat=True)) == {project.lead_department_id}
        for comment in comments:
            assert len(comment.client_hash) == 64
            int(comment.client_hash, 16)
            assert comment.reply_due_on > comment.created_at.date()
        # it copies its demo project's title, category and links
        source = Project.objects.get(plan=plan, number=(project.number - 1) % DEMO + 1)
        assert project.title == f"{source.title}（样本{project.number}）"
        assert project.category_id == source.category_id
        assert set(project.areas.values_list("pk", flat=True)) == set(
            source.areas.values_list("pk", flat=True)
        )
        assert Indicator.objects.filter(project=project).count() == source.indicators.count()
        assert sorted(project.reports.values_list("period", "state", "reported_progress")) == (
            sorted(source.reports.values_list("period", "state", "reported_progress"))
        )
        # and its light is computed
        assert project.light_as_of is not None
    # published and pending comments are mixed
    states = set(
        Comment.objects.filter(project__in=added_projects()).values_list("state", flat=True)
    )
    assert states == {CommentState.PUBLISHED, CommentState.PENDING}


@pytest.mark.django_db
def test_added_milestones_mix_done_overdue_and_upcoming(grown):
    # given the milestones of the added projects, seen on the demo date
    milestones = Milestone.objects.filter(project__in=added_projects())
    on_date = "2024-09-30"
    # then some are done, and among the ones not done some are overdue and some to come
    assert milestones.filter(completed_on__isnull=False).exists()
    assert milestones.filter(completed_on__isnull=True, planned_date__gte=on_date).exists()
    assert not milestones.filter(completed_on__gt=on_date).exists()
    lights = set(added_projects().values_list("light", flat=True))
    assert lights <= set(Light.values)


@pytest.mark.django_db
def test_added_projects_have_the_monthly_snapshots_the_dashboard_would_take(grown):
    # given the added projects' snapshots: one per month of the plan's trend, as the demo's
    months = set(ProjectSnapshot.objects.filter(project__number=1).values_list("month", flat=True))
    for project in added_projects():
        assert set(project.snapshots.values_list("month", flat=True)) == months
    # and this month's row, written from the light just computed
    month = datetime.date(2024, 9, 1)
    fields = ["project_id", "status", "progress_percent", "expected_progress", "light"]
    fields += ["light_reason", "planned_investment", "funds_disbursed", "as_of", "reconstructed"]
    written = set(
        ProjectSnapshot.objects.filter(project__in=added_projects(), month=month).values_list(
            *fields
        )
    )
    # when the dashboard takes this month's snapshots again
    snapshot_take(month=month, today=datetime.date(2024, 9, 30))
    # then they are the same
    taken = set(
        ProjectSnapshot.objects.filter(project__in=added_projects(), month=month).values_list(
            *fields
        )
    )
    assert len(written) == 5
    assert taken == written


@pytest.mark.django_db
def test_the_same_number_again_changes_nothing(grown):
    # given the grown plan
    before = row_counts()
    # when the command runs again with the same number
    output = bench_data(**SMALL)
    # then nothing is written and it says so
    assert row_counts() == before
    assert "already has 55 projects: nothing added" in output


@pytest.mark.django_db
def test_a_larger_number_grows_the_plan_further(grown):
    # when the command runs with a larger number
    bench_data(projects=58, milestones_per_project=2, comments_per_project=1)
    # then numbers 56 to 58 are added with their own counts; 51 to 55 are untouched
    assert list(added_projects().values_list("number", flat=True)) == list(range(51, 59))
    for project in added_projects():
        expected = 3 if project.number <= 55 else 2
        assert project.milestones.count() == expected
        assert project.comments.count() == (4 if project.number <= 55 else 1)


@pytest.mark.django_db
def test_fewer_than_the_demo_projects_keeps_the_demo_plan(grown):
    output = bench_data(projects=10)
    assert Project.objects.filter(plan__year=2024).count() == 55
    assert "below the 50 demo projects: they are kept" in output


@pytest.mark.django_db
def test_json_prints_one_line_for_scripts(grown):
    # when the command is asked for JSON
    out = StringIO()
    call_command("bench_data", projects=55, json=True, stdout=out, stderr=StringIO())
    # then it prints one line: the counts and the richest demo project
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["projects"] == 55
    assert data["milestones"] == Milestone.objects.count()
    assert data["comments"] == Comment.objects.count()
    assert Project.objects.get(pk=data["detail_id"]).number <= DEMO


@pytest.mark.django_db
def test_added_projects_show_on_the_public_pages(grown, client):
    project = added_projects().filter(published=True).last()
    comment = project.comments.filter(state=CommentState.PUBLISHED).first()
    # the list, searched for the sample projects
    response = client.get("/projects/", {"q": f"样本{project.number}"})
    assert response.status_code == 200
    assert project.title in response.content.decode()
    assert client.get("/projects/").status_code == 200
    # the project's page and its comments
    response = client.get(f"/projects/{project.pk}/")
    assert response.status_code == 200
    assert project.title in response.content.decode()
    response = client.get(f"/projects/{project.pk}/comments/")
    assert response.status_code == 200
    assert comment.body in response.content.decode()


# --------------------------------------------------------------------------------------
# Arguments and safety
# --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"projects": 0}, "--projects must be between 1 and 100,000 (got 0)"),
        ({"projects": 100_001}, "--projects must be between 1 and 100,000"),
        ({"milestones_per_project": -1}, "--milestones-per-project must be between 0 and 200"),
        ({"comments_per_project": 1001}, "--comments-per-project must be between 0 and 1,000"),
    ],
)
def test_arguments_out_of_range_are_refused(options, message):
    before = row_counts()
    with pytest.raises(CommandError, match=re.escape(message)):
        bench_data(**options)
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--projects", "0"], "--projects must be between 1 and 100,000"),
        (["--milestones-per-project", "-3"], "--milestones-per-project must be between 0 and 200"),
        (["--comments-per-project", "5000"], "--comments-per-project must be between 0 and 1,000"),
        (["--projects", "many"], "not a whole number: 'many'"),
    ],
)
def test_command_line_arguments_out_of_range_are_refused(argv, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        bench_data(*argv)


@pytest.mark.django_db
def test_refuses_a_database_with_a_user_who_is_not_a_demo_account():
    UserFactory(username="zhangsan")
    before = row_counts()
    with pytest.raises(CommandError) as error:
        bench_data(**SMALL)
    assert "1 user(s) who are not demo accounts (zhangsan)" in str(error.value)
    assert "use an empty database, or pass --force" in str(error.value)
    assert row_counts() == before


@pytest.mark.django_db
def test_refuses_a_database_with_another_plan():
    PlanFactory(year=2025, title="2025年民生实事")
    before = row_counts()
    with pytest.raises(CommandError) as error:
        bench_data(**SMALL)
    assert "1 plan(s) other than the demo's 2024 plan (2025 “2025年民生实事”)" in str(error.value)
    assert row_counts() == before


@pytest.mark.django_db
def test_force_runs_despite_other_data(grown):
    # given a user and a plan that are not the demo's
    UserFactory(username="zhangsan")
    PlanFactory(year=2025, title="2025年民生实事")
    with pytest.raises(CommandError, match="zhangsan"):
        bench_data(projects=56)
    # when --force is given, the plan grows anyway and the other data stays
    bench_data(projects=56, force=True)
    assert Project.objects.filter(plan__year=2024).count() == 56
    assert Plan.objects.filter(year=2025).exists()
