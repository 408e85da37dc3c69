"""``manage.py loaddemo``: the sample 2024 plan, its lights on the demo date, idempotency, accounts."""

import datetime
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone, translation

from demo import dataset as demo
from departments.choices import AreaKind, MembershipRole
from departments.models import Area, Department, Membership
from departments.roles import COORDINATOR_GROUP, HEAD_GROUP, LEADERSHIP_GROUP, REPORTER_GROUP
from feedback.models import SensitiveWord, Suggestion
from projects.choices import (
    AttachmentKind,
    ChangeKind,
    ChangeState,
    Light,
    ProjectStatus,
    ReportState,
)
from projects.models import (
    Attachment,
    BeneficiaryGroup,
    Category,
    ChangeRequest,
    Indicator,
    Milestone,
    Plan,
    ProgressReport,
    Project,
)

User = get_user_model()
DEMO_PASSWORD = "Demo-pass-2024"


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # The demo accounts' passwords are hashed on every run; PBKDF2 would dominate the tests.
    settings.PASSWORD_HASHERS = FAST_HASHERS


def loaddemo(*args, password=DEMO_PASSWORD) -> str:
    """Run the command as an operator would; its output is read in English."""
    out = StringIO()
    with translation.override("en"):
        call_command("loaddemo", "--password", password, *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every table the project has, history and many-to-many tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def _remove_demo_data() -> None:
    Project.objects.all().delete()
    Suggestion.objects.all().delete()
    SensitiveWord.objects.all().delete()
    for model in (Plan, Category, BeneficiaryGroup, Membership, Department, Area):
        model.objects.all().delete()
    User.objects.filter(username__in=[spec["username"] for spec in demo.USERS]).delete()
    # Deleting writes history too: clear the history tables last.
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            model.objects.all().delete()


@pytest.fixture(scope="module", autouse=True)
def first_run(django_db_setup, django_db_blocker):
    """The first run, on an empty database, shared by the module's tests.

    Loading takes seconds, so it happens once and is committed; each test then runs in
    its own rolled-back transaction on top of it (a second run is idempotent, so tests
    may run the command again). At the end the demo data is removed and the database
    is checked to be as the module found it, so no other test sees it.
    """
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        before = row_counts()
        assert before[Project._meta.label] == 0, "loaddemo tests need an empty database"
        output = loaddemo("--date", "2024-09-30")
        yield {"output": output, "before": before}
        _remove_demo_data()
        assert row_counts() == before


@pytest.mark.django_db
def test_loaddemo_creates_the_2024_plan_with_fifty_projects_over_six_categories(first_run):
    assert "0 rows created" not in first_run["output"]
    plan = Plan.objects.get()
    assert plan.year == 2024
    assert "2024年50项民生实事实施方案" in plan.title
    assert plan.issued_on == datetime.date(2024, 4, 1)
    assert plan.issuing_body == "中共禹会区委 禹会区人民政府"
    assert plan.published
    assert Project.objects.filter(plan=plan).count() == 50
    assert sorted(Project.objects.values_list("number", flat=True)) == list(range(1, 51))
    assert list(Category.objects.values_list("name", flat=True)) == [
        "教育公平与质量提升",
        "医疗健康保障",
        "居住条件改善",
        "便捷出行与交通网络",
        "就业与技能培训",
        "生态保护与绿色发展",
    ]
    per_category = Counter(Project.objects.values_list("category__code", flat=True))
    assert all(8 <= count <= 9 for count in per_category.values()), per_category
    assert all(len(c.icon) == 1 and c.colour.startswith("#") for c in Category.objects.all())


@pytest.mark.django_db
def test_plan_summary_says_the_projects_are_sample_data():
    summary = Plan.objects.get(year=2024).summary
    assert "示例数据" in summary
    assert "并非" in summary


@pytest.mark.django_db
def test_areas_and_departments_of_yuhui():
    kinds = Counter(Area.objects.values_list("kind", flat=True))
    assert kinds == {
        AreaKind.COMMUNITY: 9,
        AreaKind.TOWNSHIP: 2,
        AreaKind.SCENIC: 1,
        AreaKind.DISTRICT: 1,
    }
    assert {"朝阳社区", "喜迎门社区", "长青乡", "马城镇", "涂山风景区", "禹会区全域"} <= set(
        Area.objects.values_list("name", flat=True)
    )
    assert Department.objects.count() >= 18
    education = Department.objects.get(name="区教育体育局")
    assert education.short_name == "区教体局"
    for department in Department.objects.all():
        assert department.phone.startswith("0552-"), department
        assert department.email.endswith("@example.gov.cn"), department
        assert department.contact_person, department


@pytest.mark.django_db
def test_every_project_has_milestones_indicators_and_reports_in_every_state():
    for project in Project.objects.prefetch_related("milestones", "indicators"):
        assert 2 <= len(project.milestones.all()) <= 5, project
        assert 1 <= len(project.indicators.all()) <= 3, project
        assert all(i.unit for i in project.indicators.all()), project
        assert project.planned_start.year == project.planned_end.year == 2024, project
        assert project.funds_disbursed <= project.planned_investment, project
    states = Counter(ProgressReport.objects.values_list("state", flat=True))
    assert set(states) == set(ReportState.values)
    assert all(
        report.return_reason for report in ProgressReport.objects.filter(state=ReportState.RETURNED)
    )


@pytest.mark.django_db
def test_every_light_appears_on_the_demo_date_and_each_project_shows_the_one_it_was_written_for(
    first_run,
):
    # The first run judged the lights on 2024-09-30, the demo date.
    output = first_run["output"]

    lights = Counter(Project.objects.values_list("light", flat=True))
    assert lights == {
        Light.GREEN: 25,
        Light.YELLOW: 8,
        Light.RED: 6,
        Light.COMPLETED: 8,
        Light.NOT_STARTED: 2,
        Light.SUSPENDED: 1,
    }
    intended = {spec["number"]: spec["light_on_demo_date"] for spec in demo.PROJECTS}
    wrong = {
        number: (light, reason)
        for number, light, reason in Project.objects.values_list("number", "light", "light_reason")
        if light != intended[number]
    }
    assert wrong == {}
    assert Project.objects.filter(light_as_of=datetime.date(2024, 9, 30)).count() == 50
    assert "2024-09-30" in output
    assert "On track 25" in output


@pytest.mark.django_db
def test_a_red_or_yellow_project_says_why():
    # "首批10部竣工验收" was due on 2024-09-15 and is not done.
    lift = Project.objects.get(number=19)
    assert lift.light == Light.YELLOW
    assert "首批10部竣工验收" in lift.light_reason
    assert "15" in lift.light_reason
    # The secondary water supply was due on 2024-09-15 and is not completed.
    water = Project.objects.get(number=25)
    assert water.light == Light.RED
    assert "2024年9月15日" in water.light_reason


@pytest.mark.django_db
def test_project_progress_and_funds_equal_its_latest_approved_report():
    for project in Project.objects.all():
        latest = project.reports.approved().order_by("-period").first()
        if latest is None:
            assert project.progress_percent == 0, project
            assert project.funds_disbursed == 0, project
            assert project.status == ProjectStatus.NOT_STARTED, project
        else:
            assert project.progress_percent == latest.reported_progress, project
            assert project.funds_disbursed == latest.funds_disbursed_to_date, project


@pytest.mark.django_db
def test_completed_projects_are_finished_in_every_respect():
    completed = Project.objects.filter(status=ProjectStatus.COMPLETED)
    assert completed.count() == 8
    for project in completed:
        assert project.progress_percent == 100, project
        assert project.completed_on is not None, project
        assert project.completed_on <= datetime.date(2024, 9, 30), project
        assert not project.milestones.filter(completed_on__isnull=True).exists(), project


@pytest.mark.django_db
def test_running_twice_changes_nothing():
    # given the first run
    before = row_counts()
    projects_before = list(Project.objects.order_by("pk").values())

    # when
    output = loaddemo()

    # then
    assert row_counts() == before
    assert list(Project.objects.order_by("pk").values()) == projects_before
    assert "0 rows created, 0 updated" in output


@pytest.mark.django_db
def test_running_again_restores_changed_demo_data_with_one_history_row():
    # given someone edited a demo project and a milestone
    project = Project.objects.get(number=1)
    Project.objects.filter(pk=project.pk).update(title="改过的标题")
    Milestone.objects.filter(project=project).update(weight=99)
    history_before = project.history.count()
    all_history_before = Project.history.count()
    milestone_history_before = Milestone.history.filter(project_id=project.pk).count()
    all_milestone_history_before = Milestone.history.count()

    # when
    loaddemo()

    # then
    project.refresh_from_db()
    assert project.title == "新建改扩建中小学校，新增义务教育学位1000个"
    assert project.history.count() == history_before + 1
    assert Project.history.count() == all_history_before + 1
    assert project.history.first().history_change_reason == demo.CHANGE_REASON
    assert project.history.first().history_user.username == "admin"
    assert not Milestone.objects.filter(project=project, weight=99).exists()
    assert (
        Milestone.history.filter(project_id=project.pk).count()
        == milestone_history_before + project.milestones.count()
    )
    assert Milestone.history.count() == all_milestone_history_before + project.milestones.count()


@pytest.mark.django_db
def test_demo_users_log_in_to_the_admin_with_the_given_password_and_have_their_roles(client):
    for username in ["admin", "coordinator", "leader", "jiaoyu", "weijian", "zhujian"]:
        client.logout()
        response = client.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": DEMO_PASSWORD},
        )
        assert response.status_code == 302, username
        assert client.get("/admin/").status_code == 200, username

    def groups(username):
        return set(User.objects.get(username=username).groups.values_list("name", flat=True))

    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()
    usernames = [spec["username"] for spec in demo.USERS]
    assert User.objects.filter(username__in=usernames, is_staff=True).count() == 6
    assert groups("coordinator") == {COORDINATOR_GROUP}
    assert groups("leader") == {LEADERSHIP_GROUP}
    assert groups("jiaoyu") == {REPORTER_GROUP}
    assert groups("weijian") == {REPORTER_GROUP}
    assert groups("zhujian") == {HEAD_GROUP}
    memberships = {
        m.user.username: (m.department.name, m.role)
        for m in Membership.objects.select_related("user", "department")
    }
    assert memberships == {
        "jiaoyu": ("区教育体育局", MembershipRole.REPORTER),
        "weijian": ("区卫生健康委员会", MembershipRole.REPORTER),
        "zhujian": ("区住房和城乡建设局", MembershipRole.HEAD),
    }


@pytest.mark.django_db
def test_a_department_reporter_sees_only_their_departments_projects_in_the_admin(client):
    client.login(username="weijian", password=DEMO_PASSWORD)

    response = client.get("/admin/projects/project/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "65岁及以上老年人免费健康体检" in page
    assert "改造老旧小区12个" not in page


@pytest.mark.django_db
def test_running_again_resets_the_password_to_the_given_one(client):
    # given
    loaddemo(password="first-Password-1")

    # when
    output = loaddemo(password="second-Password-2")

    # then
    assert not client.login(username="jiaoyu", password="first-Password-1")
    assert client.login(username="jiaoyu", password="second-Password-2")
    assert "second-Password-2" in output
    assert "0 rows created, 6 updated" in output


@pytest.mark.django_db
def test_the_default_password_is_printed():
    out = StringIO()
    call_command("loaddemo", stdout=out)

    assert "minsheng2024" in out.getvalue()
    assert User.objects.get(username="leader").check_password("minsheng2024")


@pytest.mark.django_db
def test_the_date_option_judges_the_lights_on_another_day():
    loaddemo("--date", "2024-06-30")

    assert Project.objects.filter(light_as_of=datetime.date(2024, 6, 30)).count() == 50
    # Planned to end on 2024-09-15: on track in June, not yet past its end.
    assert Project.objects.get(number=25).light != Light.RED


@pytest.mark.django_db
@pytest.mark.parametrize("bad_date", ["2024-13-01", "30/09/2024", "yesterday", ""])
def test_a_bad_date_is_refused_and_nothing_is_written(bad_date):
    before = row_counts()

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        loaddemo("--date", bad_date, password="a-new-Password-1")

    assert row_counts() == before
    assert User.objects.get(username="jiaoyu").check_password(DEMO_PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("bad_password", ["", "   "])
def test_an_empty_password_is_refused_and_nothing_is_written(bad_password):
    before = row_counts()

    with pytest.raises(CommandError, match="password cannot be empty"):
        loaddemo(password=bad_password)

    assert row_counts() == before
    assert User.objects.get(username="jiaoyu").check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_without_the_role_groups_nothing_is_written():
    from django.contrib.auth.models import Group

    # given the leadership group is gone, and a demo project was edited
    Group.objects.filter(name=LEADERSHIP_GROUP).delete()
    Project.objects.filter(number=1).update(title="改过的标题")
    before = row_counts()

    # when
    with pytest.raises(CommandError, match="migrate"):
        loaddemo(password="a-new-Password-1")

    # then
    assert row_counts() == before
    assert Project.objects.get(number=1).title == "改过的标题"
    assert User.objects.get(username="jiaoyu").check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_the_baseline_is_dated_the_day_the_plan_was_issued():
    # The page says "原计划确定于2024年4月1日", not the day the demo was loaded.
    dates = {
        timezone.localtime(at).date()
        for at in Project.objects.filter(plan__year=2024).values_list("baselined_at", flat=True)
    }
    assert dates == {datetime.date(2024, 4, 1)}


@pytest.mark.django_db
def test_the_year_s_approved_changes_are_applied_beside_their_baseline_with_reasons():
    approved = ChangeRequest.objects.filter(kind=ChangeKind.CHANGE, state=ChangeState.APPROVED)
    assert sorted(approved.values_list("project__number", flat=True)) == [2, 10, 16]
    assert {r.decided_by.username for r in approved} == {"coordinator"}
    assert all(r.decided_at.date() < datetime.date(2024, 9, 30) for r in approved)

    # a milestone postponed for the rainy season, its original date kept
    rain = approved.get(project__number=10)
    assert "雨季停工" in rain.reason and rain.requested_by.username == "weijian"
    moved = Milestone.objects.get(project__number=10, title="锦绣、钓鱼台中心完成改造")
    assert moved.planned_date == datetime.date(2024, 11, 30)
    assert moved.baseline_planned_date == datetime.date(2024, 10, 31)
    assert Project.objects.get(number=10).light == Light.GREEN

    # an investment raised after a budget decision, with its document number
    budget = approved.get(project__number=2)
    assert budget.decision_number == "禹财预〔2024〕31号" and "追加预算" in budget.reason
    kindergartens = Project.objects.get(number=2)
    assert kindergartens.planned_investment == Decimal("4860")
    assert kindergartens.baseline_investment == Decimal("4500")

    # an indicator target adjusted
    target = Indicator.objects.get(project__number=16, name="建立屈光发育档案")
    assert (target.target_value, target.baseline_target) == (Decimal("40000"), Decimal("20000"))


@pytest.mark.django_db
def test_the_pending_request_of_project_9_changes_nothing_and_its_light_stays_red():
    [pending] = ChangeRequest.objects.pending()
    assert pending.project.number == 9
    assert pending.requested_by.username == "jiaoyu"
    assert pending.changes[0]["old"] == "2024-08-25" and pending.changes[0]["new"] == "2024-10-20"
    milestone = Milestone.objects.get(project__number=9, title="教学设备采购安装")
    assert milestone.planned_date == milestone.baseline_planned_date == datetime.date(2024, 8, 25)
    project = Project.objects.get(number=9)
    assert project.light == Light.RED
    assert "教学设备采购安装" in project.light_reason


@pytest.mark.django_db
def test_a_project_closed_on_acceptance_and_one_suspended_by_decision():
    # closed (销号) on the lead department's request, with its acceptance report
    closing = ChangeRequest.objects.get(kind=ChangeKind.CLOSE)
    assert closing.project.number == 3 and closing.state == ChangeState.APPROVED
    assert closing.requested_by.username == "jiaoyu"
    assert closing.decided_by.username == "coordinator"
    canteens = closing.project
    assert canteens.status == ProjectStatus.COMPLETED
    assert canteens.completed_on == datetime.date(2024, 7, 25)
    [report] = Attachment.objects.filter(change_request=closing)
    assert report.kind == AttachmentKind.ACCEPTANCE
    # checked like any upload (a PDF that pypdf reads) when the demo filed it
    assert report.content_type == "application/pdf" and report.size > 0
    assert report.file.name.endswith(".pdf")

    # suspended (暂缓) by the district government's decision, recorded by the office
    suspension = ChangeRequest.objects.get(kind=ChangeKind.SUSPEND)
    assert suspension.project.number == 50
    assert suspension.decision_number == "禹发改〔2024〕23号"
    assert "暂缓实施" in suspension.reason
    assert suspension.project.status == ProjectStatus.SUSPENDED
    assert suspension.project.history.first().history_user.username == "coordinator"


@pytest.mark.django_db
def test_running_again_makes_no_decision_twice():
    before = list(ChangeRequest.objects.order_by("pk").values())

    loaddemo()

    assert list(ChangeRequest.objects.order_by("pk").values()) == before
    assert Milestone.objects.get(
        project__number=10, title="锦绣、钓鱼台中心完成改造"
    ).planned_date == datetime.date(2024, 11, 30)


@pytest.mark.django_db  # pytest-django runs database tests first: keep the module together
def test_the_demo_data_is_consistent():
    """Catches typos in demo/data/2024.yaml with the project number in the message."""
    names = {spec["name"] for spec in demo.DEPARTMENTS}
    areas = {spec["name"] for spec in demo.AREAS}
    categories = {spec["code"] for spec in demo.CATEGORIES}
    assert len(demo.PROJECTS) == 50
    for spec in demo.PROJECTS:
        number = spec["number"]
        assert spec["category"] in categories, number
        assert {spec["lead"], *spec["cooperating"]} <= names, number
        assert spec["lead"] not in spec["cooperating"], number
        assert set(spec["areas"]) <= areas, number
        assert set(spec["groups"]) <= set(demo.BENEFICIARY_GROUPS), number
        start = datetime.date.fromisoformat(spec["start"])
        end = datetime.date.fromisoformat(spec["end"])
        assert datetime.date(2024, 1, 1) <= start <= end <= datetime.date(2024, 12, 31), number
        assert len({m.title for m in spec["milestones"]}) == len(spec["milestones"]), number
        assert len({i.name for i in spec["indicators"]}) == len(spec["indicators"]), number
        assert sum(m.weight for m in spec["milestones"]) == 100, number
        periods = [r.period for r in spec["reports"]]
        assert periods == sorted(set(periods)), number
        progress = [Decimal(r.progress) for r in spec["reports"]]
        funds = [Decimal(r.funds) for r in spec["reports"]]
        assert progress == sorted(progress) and funds == sorted(funds), number
        assert all(f <= Decimal(spec["investment"]) for f in funds), number
        assert all(
            bool(r.return_reason) == (r.state == ReportState.RETURNED) for r in spec["reports"]
        ), number
        if spec.get("status") == ProjectStatus.COMPLETED:
            assert demo.latest_approved(spec).progress == "100", number
            assert all(m.done for m in spec["milestones"]), number
