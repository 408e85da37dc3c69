"""factory_boy factories for the portal's models."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from departments.choices import AreaKind, DepartmentKind, MembershipRole
from departments.models import Area, Department, Membership
from departments.roles import COORDINATOR_GROUP, HEAD_GROUP, LEADERSHIP_GROUP, REPORTER_GROUP
from projects.choices import ProjectStatus, ReportState
from projects.models import (
    BeneficiaryGroup,
    Category,
    Indicator,
    Milestone,
    Plan,
    ProgressReport,
    Project,
)

User = get_user_model()
PASSWORD = "Minsheng-test-2024"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"区测试局{n}")
    short_name = factory.Sequence(lambda n: f"测试局{n}")
    kind = DepartmentKind.BUREAU
    contact_person = "张三"
    phone = "0552-0000000"
    email = factory.Sequence(lambda n: f"dept{n}@example.gov.cn")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = MembershipRole.REPORTER


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试社区{n}")
    kind = AreaKind.COMMUNITY


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ["year"]

    year = 2024
    title = factory.LazyAttribute(lambda o: f"{o.year}年50项民生实事实施方案")
    issued_on = datetime.date(2024, 4, 1)
    issuing_body = "中共禹会区委 禹会区人民政府"
    published = True


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"cat{n}")
    name = factory.Sequence(lambda n: f"测试领域{n}")
    order = factory.Sequence(int)


class BeneficiaryGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BeneficiaryGroup
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"受益群体{n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"测试民生项目{n}")
    summary = "项目简介"
    commitment = "建设内容及目标"
    category = factory.SubFactory(CategoryFactory)
    lead_department = factory.SubFactory(DepartmentFactory)
    planned_start = datetime.date(2024, 3, 1)
    planned_end = datetime.date(2024, 12, 31)
    planned_investment = Decimal("100.00")
    funds_disbursed = Decimal("0")
    progress_percent = Decimal("0")
    status = ProjectStatus.IN_PROGRESS


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"节点{n}")
    planned_date = datetime.date(2024, 6, 30)
    weight = 1


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"指标{n}")
    unit = "个"
    target_value = Decimal("100")
    actual_value = Decimal("0")


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    project = factory.SubFactory(ProjectFactory)
    period = datetime.date(2024, 5, 1)
    reported_progress = Decimal("40")
    funds_disbursed_to_date = Decimal("30")
    work_done = "完成主体施工"
    state = ReportState.DRAFT


def staff_user(username: str, group: str, department=None, role=MembershipRole.REPORTER):
    """A staff user in one of the four role groups, optionally a member of a department."""
    user = UserFactory(username=username, groups=[group])
    if department is not None:
        MembershipFactory(user=user, department=department, role=role)
    return user


def reporter(username: str, department):
    return staff_user(username, REPORTER_GROUP, department, MembershipRole.REPORTER)


def head(username: str, department):
    return staff_user(username, HEAD_GROUP, department, MembershipRole.HEAD)


def coordinator(username: str = "coordinator"):
    return staff_user(username, COORDINATOR_GROUP)


def leader(username: str = "leader"):
    return staff_user(username, LEADERSHIP_GROUP)


# --- public feedback ------------------------------------------------------------------------

from feedback.choices import CommentState, RatingLevel, SuggestionState  # noqa: E402
from feedback.models import Comment, Rating, Reply, SensitiveWord, Suggestion  # noqa: E402


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    project = factory.SubFactory(ProjectFactory)
    nickname = factory.Sequence(lambda n: f"居民{n}")
    contact = factory.Sequence(lambda n: f"1390552{n:04d}")
    body = factory.Sequence(lambda n: f"希望项目早日完工，第{n}条留言")
    state = CommentState.PENDING
    reply_due_on = datetime.date(2024, 10, 14)
    client_hash = factory.Sequence(lambda n: f"{n:064x}")


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reply

    comment = factory.SubFactory(CommentFactory)
    department = factory.LazyAttribute(lambda o: o.comment.project.lead_department)
    body = "感谢关注，项目正在按计划推进。"


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    project = factory.SubFactory(ProjectFactory)
    level = RatingLevel.SATISFIED
    visitor_hash = factory.Sequence(lambda n: f"v{n:063x}")
    client_hash = factory.Sequence(lambda n: f"c{n:063x}")


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    title = factory.Sequence(lambda n: f"建议增设社区食堂{n}")
    description = "希望在社区增设老年食堂，方便老人就餐。"
    nickname = factory.Sequence(lambda n: f"热心居民{n}")
    contact = factory.Sequence(lambda n: f"1380552{n:04d}")
    state = SuggestionState.RECEIVED
    client_hash = factory.Sequence(lambda n: f"s{n:063x}")


class SensitiveWordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SensitiveWord
        django_get_or_create = ["word"]

    word = factory.Sequence(lambda n: f"敏感词{n}")


class NotificationProfileFactory(factory.django.DjangoModelFactory):
    """How a user receives reminders (notifications app)."""

    class Meta:
        model = "notifications.NotificationProfile"
        django_get_or_create = ["user"]

    user = factory.SubFactory(UserFactory)
    channel = "email"
    mobile = ""
