"""The public pages: home, the project list and a project's page, as a resident sees them."""

import datetime
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from projects.choices import AttachmentKind, Light, ProjectStatus, ReportState
from projects.models import Attachment, ProgressReport, Project
from projects.services import lights_refresh, report_approve
from tests.factories import (
    AreaFactory,
    BeneficiaryGroupFactory,
    CategoryFactory,
    DepartmentFactory,
    IndicatorFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    coordinator,
    reporter,
)
from tests.support.plans import grow_plan

D = datetime.date
AT = datetime.datetime


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Pages cached by an earlier test must not answer for this one."""
    cache.clear()
    yield
    cache.clear()


def reviewed(day):
    return timezone.make_aware(AT(2024, day.month, day.day, 10, 0))


def approved(project, period, progress, work_done, **more):
    return ProgressReportFactory(
        project=project,
        period=period,
        reported_progress=Decimal(progress),
        funds_disbursed_to_date=Decimal(more.pop("funds", "10")),
        work_done=work_done,
        state=ReportState.APPROVED,
        reviewed_at=more.pop("reviewed_at", reviewed(period.replace(day=26))),
        **more,
    )


def page(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def result_titles(response):
    return [project.title for project in response.context["projects"]]


@pytest.fixture
def portal(db):
    """A published 2024 plan with projects in every state, and things residents must not see."""
    plan = PlanFactory(year=2024, title="2024年50项民生实事实施方案")
    education = CategoryFactory(code="education", name="教育公平与质量提升", icon="学", order=1)
    health = CategoryFactory(code="health", name="医疗健康保障", icon="医", order=2)
    housing_bureau = DepartmentFactory(
        name="区住房和城乡建设局",
        short_name="区住建局",
        contact_person="王秘密",
        phone="0552-1234567",
        email="secret-contact@example.gov.cn",
    )
    school_bureau = DepartmentFactory(name="区教育体育局", short_name="区教体局")
    finance = DepartmentFactory(name="区财政局", short_name="区财政局")
    chaoyang = AreaFactory(name="朝阳社区")
    changqing = AreaFactory(name="长青乡")
    elderly = BeneficiaryGroupFactory(name="老年人")
    children = BeneficiaryGroupFactory(name="儿童")

    school = ProjectFactory(
        plan=plan,
        number=1,
        title="新建改扩建中小学校",
        summary="针对朝阳片区学位紧张问题新建学校",
        commitment="新增义务教育学位1000个，秋季学期投入使用",
        category=education,
        lead_department=school_bureau,
        status=ProjectStatus.IN_PROGRESS,
        progress_percent=Decimal("60"),
        planned_investment=Decimal("800"),
        funds_disbursed=Decimal("200"),
        planned_start=D(2024, 3, 1),
        planned_end=D(2024, 12, 31),
    )
    school.cooperating_departments.add(finance, housing_bureau)
    school.areas.add(chaoyang)
    school.beneficiary_groups.add(children)
    MilestoneFactory(
        project=school,
        title="完成施工招标",
        planned_date=D(2024, 4, 30),
        completed_on=D(2024, 4, 28),
    )
    MilestoneFactory(project=school, title="主体结构封顶", planned_date=D(2024, 9, 18))
    MilestoneFactory(project=school, title="竣工验收", planned_date=D(2024, 12, 20))
    IndicatorFactory(
        project=school,
        name="新增义务教育学位",
        unit="个",
        target_value=Decimal("1000"),
        actual_value=Decimal("650"),
    )
    approved(school, D(2024, 8, 1), "50", "八月完成主体施工", funds="150")
    approved(school, D(2024, 9, 1), "60", "九月完成屋面工程", funds="200")
    ProgressReportFactory(
        project=school, period=D(2024, 7, 1), work_done="草稿进展内容", state=ReportState.DRAFT
    )
    ProgressReportFactory(
        project=school,
        period=D(2024, 6, 1),
        work_done="待审核进展内容",
        state=ReportState.SUBMITTED,
    )
    ProgressReportFactory(
        project=school,
        period=D(2024, 5, 1),
        work_done="退回进展内容",
        state=ReportState.RETURNED,
        return_reason="退回理由保密",
    )

    clinic = ProjectFactory(
        plan=plan,
        number=2,
        title="社区卫生服务中心改造",
        summary="改造老旧卫生服务中心",
        category=health,
        lead_department=housing_bureau,
        status=ProjectStatus.IN_PROGRESS,
        progress_percent=Decimal("10"),
        planned_investment=Decimal("200"),
        funds_disbursed=Decimal("50"),
        planned_start=D(2024, 1, 1),
        planned_end=D(2024, 12, 31),
    )
    clinic.areas.add(changqing)
    clinic.beneficiary_groups.add(elderly)
    MilestoneFactory(project=clinic, title="设备采购", planned_date=D(2024, 6, 30), weight=3)
    approved(clinic, D(2024, 9, 1), "10", "完成设计方案", reviewed_at=reviewed(D(2024, 9, 25)))

    done = ProjectFactory(
        plan=plan,
        number=10,
        title="老年助餐点建设",
        category=health,
        lead_department=housing_bureau,
        status=ProjectStatus.COMPLETED,
        completed_on=D(2024, 8, 20),
        progress_percent=Decimal("100"),
        planned_investment=Decimal("0"),
        planned_end=D(2024, 8, 31),
    )
    done.beneficiary_groups.add(elderly)
    waiting = ProjectFactory(
        plan=plan,
        number=11,
        title="口袋公园建设",
        category=education,
        lead_department=school_bureau,
        status=ProjectStatus.NOT_STARTED,
        progress_percent=Decimal("0"),
        planned_investment=Decimal("0"),
        planned_end=D(2024, 11, 30),
    )

    hidden = ProjectFactory(
        plan=plan,
        number=12,
        title="未公开的项目",
        summary="未公开的项目简介",
        category=education,
        lead_department=school_bureau,
        published=False,
    )
    approved(hidden, D(2024, 9, 1), "30", "未公开项目的进展")
    next_year = PlanFactory(year=2025, title="2025年民生实事方案（草案）", published=False)
    draft_plan_project = ProjectFactory(
        plan=next_year,
        number=1,
        title="明年草案项目",
        category=education,
        lead_department=school_bureau,
    )
    approved(draft_plan_project, D(2024, 9, 1), "5", "草案方案项目的进展")
    lights_refresh()
    return {
        "plan": plan,
        "education": education,
        "health": health,
        "housing_bureau": housing_bureau,
        "school_bureau": school_bureau,
        "chaoyang": chaoyang,
        "elderly": elderly,
        "school": Project.objects.get(pk=school.pk),
        "clinic": Project.objects.get(pk=clinic.pk),
        "done": done,
        "waiting": waiting,
        "hidden": hidden,
        "draft_plan_project": draft_plan_project,
    }


SECRETS = [
    "未公开的项目",
    "未公开项目的进展",
    "明年草案项目",
    "草案方案项目的进展",
    "2025年民生实事方案",
    "草稿进展内容",
    "待审核进展内容",
    "退回进展内容",
    "退回理由保密",
    "王秘密",
    "0552-1234567",
    "secret-contact@example.gov.cn",
    "张三",  # the factories' contact person
    "0552-0000000",
    "@example.gov.cn",
]


def assert_nothing_private(html):
    for secret in SECRETS:
        assert secret not in html, secret


# --- home ---------------------------------------------------------------------------


def test_home_shows_the_plan_figures_categories_and_latest_updates(client, portal):
    response = client.get("/")
    html = page(response)

    assert "2024年50项民生实事实施方案" in html
    headline = response.context["headline"]
    assert (headline.projects, headline.completed, headline.in_progress) == (4, 1, 2)
    assert (headline.behind, headline.yellow, headline.red) == (2, 1, 1)  # the school, the clinic
    # average of all four published projects' progress: (60 + 10 + 100 + 0) / 4
    assert headline.average_progress == Decimal("42.5")
    assert ">42.5<" in html
    assert headline.planned_investment == Decimal("1000")
    assert headline.funds_disbursed == Decimal("250")
    assert headline.execution_rate == Decimal("25.0")
    assert "1,000" in html and "25%" in html

    categories = {c.name: c for c in response.context["categories"]}
    assert list(categories) == ["教育公平与质量提升", "医疗健康保障"]
    assert categories["教育公平与质量提升"].project_count == 2
    assert categories["医疗健康保障"].average_progress == Decimal("55")
    assert f"/projects/?year=2024&amp;category={portal['education'].pk}" in html

    updates = [r.work_done for r in response.context["updates"]]
    assert updates == ["九月完成屋面工程", "完成设计方案", "八月完成主体施工"]
    assert f'href="/projects/{portal["school"].pk}/#report-' in html
    assert_nothing_private(html)


def test_home_links_the_plan_feed_in_head_and_body(client, portal):
    html = page(client.get("/"))
    head = html.split("</head>")[0]
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml" href="/feeds/plans/2024/"', head
    )
    assert html.count('href="/feeds/plans/2024/"') >= 2


def test_home_shows_ten_updates_newest_first(client, portal):
    school = portal["school"]
    for month in range(1, 8):
        approved(
            school,
            D(2023, month, 1),
            "5",
            f"去年{month}月进展",
            reviewed_at=reviewed(D(2024, 9, 27)),
        )
    updates = client.get("/").context["updates"]
    assert len(updates) == 10
    stamps = [r.reviewed_at for r in updates]
    assert stamps == sorted(stamps, reverse=True)


def test_home_switches_to_an_older_published_plan(client, portal):
    old = PlanFactory(year=2023, title="2023年民生实事方案", published=True)
    ProjectFactory(plan=old, number=1, title="去年的项目", category=portal["education"])

    html = page(client.get("/"))
    assert 'href="/?year=2023"' in html and 'href="/?year=2024"' in html
    assert "?year=2025" not in html

    older = client.get("/?year=2023")
    html = page(older)
    assert older.context["plan"] == old
    assert "2023年民生实事方案" in html
    assert older.context["headline"].projects == 1


@pytest.mark.parametrize("year", ["2025", "1999", "abc", "2024x", "-1"])
def test_home_with_an_unknown_or_unpublished_year_is_404(client, portal, year):
    assert client.get(f"/?year={year}").status_code == 404


def test_home_with_nothing_published_says_so(client, db):
    PlanFactory(year=2025, title="草案方案", published=False)
    response = client.get("/")
    html = page(response)
    assert response.context["plan"] is None
    assert "草案方案" not in html
    assert "<h1>" in html


# --- the project list ---------------------------------------------------------------


def test_list_shows_each_published_project_with_its_facts(client, portal):
    response = client.get("/projects/")
    html = page(response)
    assert result_titles(response) == [
        "新建改扩建中小学校",
        "社区卫生服务中心改造",
        "老年助餐点建设",
        "口袋公园建设",
    ]
    school = portal["school"]
    assert f'href="/projects/{school.pk}/"' in html
    assert "区教体局" in html and "教育公平与质量提升" in html
    assert "2024年12月31日" in html
    assert 'style="width: 60.0%"' in html
    assert f"light--{school.light}" in html
    assert school.light_reason in html
    assert response.context["page"].paginator.count == 4
    assert_nothing_private(html)


def test_list_shows_an_unpublished_plan_to_nobody(client, portal):
    response = client.get("/projects/?year=2025")
    html = page(response)
    assert "明年草案项目" not in html
    assert response.context["plan"] == portal["plan"]
    assert "year" in response.context["form"].errors


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=completed", ["老年助餐点建设"]),
        ("status=not_started", ["口袋公园建设"]),
        ("light=completed", ["老年助餐点建设"]),
        ("light=not_started", ["口袋公园建设"]),
        ("q=卫生", ["社区卫生服务中心改造"]),
        ("q=学位紧张", ["新建改扩建中小学校"]),  # found in the summary
        ("q=社区 改造", ["社区卫生服务中心改造"]),  # every word must match
        ("q=1", ["新建改扩建中小学校"]),  # a number is the project number, not 10 or 11
        ("q=第10项", ["老年助餐点建设"]),
        ("q=12", []),  # the unpublished project's number
        ("q=99999999999999999999", []),
        ("q=没有这个词", []),
    ],
)
def test_list_filters_by_status_light_and_search(client, portal, query, expected):
    assert result_titles(client.get(f"/projects/?{query}")) == expected


def test_list_filters_by_category_department_area_and_group(client, portal):
    def titles(query):
        return result_titles(client.get(f"/projects/?{query}"))

    assert titles(f"category={portal['health'].pk}") == ["社区卫生服务中心改造", "老年助餐点建设"]
    assert titles(f"department={portal['school_bureau'].pk}") == [
        "新建改扩建中小学校",
        "口袋公园建设",
    ]
    assert titles(f"area={portal['chaoyang'].pk}") == ["新建改扩建中小学校"]
    assert titles(f"group={portal['elderly'].pk}") == ["社区卫生服务中心改造", "老年助餐点建设"]


def test_list_combines_filters(client, portal):
    health, elderly = portal["health"].pk, portal["elderly"].pk
    response = client.get(f"/projects/?category={health}&group={elderly}&status=completed")
    assert result_titles(response) == ["老年助餐点建设"]
    response = client.get(f"/projects/?category={health}&q=卫生&status=in_progress&light=red")
    assert result_titles(response) == ["社区卫生服务中心改造"]
    assert response.context["page"].paginator.count == 1
    assert result_titles(client.get(f"/projects/?category={health}&q=学校")) == []


def test_list_filter_by_behind_takes_yellow_and_red(client, portal):
    response = client.get("/projects/?light=behind")
    behind = Project.objects.published().filter(light__in=[Light.YELLOW, Light.RED])
    assert behind.exists()
    assert sorted(result_titles(response)) == sorted(p.title for p in behind)


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("number", [1, 2, 10, 11]),
        ("-progress", [10, 1, 2, 11]),
        ("progress", [11, 2, 1, 10]),
        ("planned_end", [10, 11, 1, 2]),
        ("-planned_end", [1, 2, 11, 10]),
    ],
)
def test_list_sorts(client, portal, sort, expected):
    response = client.get(f"/projects/?sort={sort}")
    assert [p.number for p in response.context["projects"]] == expected


def test_list_filters_live_in_the_form_in_the_url(client, portal):
    health = portal["health"].pk
    html = page(client.get(f"/projects/?category={health}&status=in_progress&q=卫生"))
    assert 'method="get"' in html and 'action="/projects/"' in html
    assert f'<option value="{health}" selected>' in html
    assert '<option value="in_progress" selected>' in html
    assert 'value="卫生"' in html
    for name in ("q", "year", "category", "status", "light", "department", "area", "group", "sort"):
        assert f'<label for="id_{name}">' in html, name
    assert 'type="submit"' in html
    assert 'href="/projects/"' in html  # clear filters


def test_list_paginates_and_page_links_keep_the_filters(client, portal):
    category = portal["education"]
    ProjectFactory.create_batch(
        43, plan=portal["plan"], category=category, lead_department=portal["school_bureau"]
    )
    first = client.get(f"/projects/?category={category.pk}")
    html = page(first)
    assert "45" in html
    assert len(first.context["projects"]) == 20
    assert f'href="?category={category.pk}&amp;page=2"' in html
    assert f'href="?category={category.pk}&amp;page=3"' in html

    third = client.get(f"/projects/?category={category.pk}&page=3")
    assert len(third.context["projects"]) == 5
    assert third.context["page"].number == 3
    assert f'href="?category={category.pk}&amp;page=2"' in page(third)


@pytest.mark.parametrize(
    "page_param, number", [("abc", 1), ("0", 3), ("999", 3), ("-2", 3), ("2.5", 1), ("", 1)]
)
def test_list_odd_page_numbers_never_fail(client, portal, page_param, number):
    ProjectFactory.create_batch(
        50,
        plan=portal["plan"],
        category=portal["education"],
        lead_department=portal["school_bureau"],
    )
    response = client.get(f"/projects/?page={page_param}")
    assert response.status_code == 200
    assert response.context["page"].number == number


@pytest.mark.parametrize(
    "query, field",
    [
        ("light=purple", "light"),
        ("status=finished", "status"),
        ("category=999999", "category"),
        ("category=abc", "category"),
        ("department=-1", "department"),
        ("area=1e9", "area"),
        ("group=%00", "group"),
        ("sort=title", "sort"),
        ("year=1999", "year"),
        ("year=abc", "year"),
        ("q=" + "长" * 101, "q"),
        ("q=%00", "q"),
        ("category=99999999999999999999999", "category"),
    ],
)
def test_list_bad_filter_values_are_shown_and_ignored(client, portal, query, field):
    response = client.get(
        f"/projects/?{query}&status=completed" if field != "status" else f"/projects/?{query}"
    )
    html = page(response)
    assert field in response.context["form"].errors
    assert 'class="form-errors"' in html
    if field != "status":
        # the good filter still applies
        assert result_titles(response) == ["老年助餐点建设"]


def test_list_empty_result_says_so_and_offers_to_clear(client, portal):
    response = client.get("/projects/?q=没有这个词")
    html = page(response)
    assert response.context["page"].paginator.count == 0
    assert 'class="empty"' in html
    assert 'href="/projects/?year=2024"' in html


def test_list_in_english_explains_lights_in_english(client, portal):
    client.cookies["django_language"] = "en"
    response = client.get("/projects/")
    html = page(response)
    assert response["Content-Language"] == "en"
    assert "Lead department" in html and "Search" in html and "projects found" in html
    school = next(p for p in response.context["projects"] if p.number == 1)
    assert school.light_reason == "Milestone “主体结构封顶” is 12 days overdue"
    assert school.light_reason in html


# --- a project's page -----------------------------------------------------------------


def test_project_page_shows_what_was_promised_and_how_it_stands(client, portal):
    school = portal["school"]
    response = client.get(f"/projects/{school.pk}/")
    html = page(response)
    for text in [
        "新建改扩建中小学校",
        "2024年50项民生实事实施方案",
        "新增义务教育学位1000个，秋季学期投入使用",
        "针对朝阳片区学位紧张问题新建学校",
        "区教育体育局",
        "区财政局",
        "区住房和城乡建设局",
        "朝阳社区",
        "儿童",
        "教育公平与质量提升",
        "2024年3月1日",
        "2024年12月31日",
        "800",
        "200",
        "25%",  # execution rate
        'style="width: 60.0%"',
    ]:
        assert text in html, text
    assert f'href="/departments/{portal["school_bureau"].pk}/"' in html
    assert f'href="/departments/{portal["housing_bureau"].pk}/"' in html
    # Judged here from the data, not read back from the view: the milestone 主体结构封顶 was
    # due on 2024-09-18, 12 days before the fixed today, which is 8–30 days late: yellow.
    assert re.findall(r'class="light light--(\w+)"', html) == ["yellow"]
    assert '<p class="light-reason">节点“主体结构封顶”已逾期 12 天</p>' in html
    assert_nothing_private(html)


def test_project_page_shows_milestones_as_a_timeline(client, portal):
    response = client.get(f"/projects/{portal['school'].pk}/")
    html = page(response)
    states = [
        (item.milestone.title, item.state, item.days_overdue)
        for item in response.context["timeline"]
    ]
    assert states == [
        ("完成施工招标", "done", 0),
        ("主体结构封顶", "overdue", 12),  # planned 2024-09-18, today 2024-09-30
        ("竣工验收", "upcoming", 0),
    ]
    assert (
        'class="is-done"' in html and 'class="is-overdue"' in html and 'class="is-upcoming"' in html
    )
    assert "2024年4月28日" in html
    assert "12" in html.split('class="is-overdue"')[1].split("</li>")[0]


def test_project_page_shows_indicators_and_approved_reports_newest_first(client, portal):
    html = page(client.get(f"/projects/{portal['school'].pk}/"))
    assert "新增义务教育学位" in html and "1,000" in html and "650" in html and "65%" in html
    assert html.index("九月完成屋面工程") < html.index("八月完成主体施工")
    assert "2024年9月" in html


def test_project_page_hides_unapproved_reports_and_their_photos(client, portal, settings):
    school = portal["school"]
    draft = ProgressReport.objects.get(project=school, state=ReportState.DRAFT)
    newest = ProgressReport.objects.filter(project=school, state=ReportState.APPROVED).first()
    draft_photo = photo(school, report=draft, title="草稿照片")
    shown_photo = photo(school, report=newest, title="施工现场")
    html = page(client.get(f"/projects/{school.pk}/"))
    assert draft_photo.file.url not in html and "草稿照片" not in html
    assert shown_photo.file.url in html and "施工现场" in html
    assert_nothing_private(html)


def test_project_page_shows_before_and_after_side_by_side(client, portal):
    school = portal["school"]
    before = photo(school, kind=AttachmentKind.BEFORE, title="改造前的操场")
    after = photo(school, kind=AttachmentKind.AFTER, title="改造后的操场")
    html = page(client.get(f"/projects/{school.pk}/"))
    compare = html.split('class="compare"')[1].split('<div class="compare"')[0]
    assert before.file.url in compare and after.file.url in compare
    assert compare.index("改造前的操场") < compare.index("改造后的操场")


def test_project_page_tells_the_change_history_in_plain_words(client, portal):
    clinic = Project.objects.get(pk=portal["clinic"].pk)
    # The project was entered in spring; the changes below follow.
    clinic.history.update(history_date=timezone.make_aware(AT(2024, 3, 1, 9)))
    # Made by a reporter of the lead department: the lines name the department, not the user.
    clinic._history_user = reporter("officer_wu", clinic.lead_department)
    for day, changes in [
        (D(2024, 6, 3), {"progress_percent": Decimal("40")}),
        (D(2024, 7, 1), {"progress_percent": Decimal("55")}),
        (D(2024, 8, 5), {"funds_disbursed": Decimal("120.5"), "status": ProjectStatus.SUSPENDED}),
        (D(2024, 8, 6), {"summary": "只改了简介"}),
    ]:
        for field, value in changes.items():
            setattr(clinic, field, value)
        clinic._history_date = timezone.make_aware(AT(day.year, day.month, day.day, 9))
        clinic.save()

    response = client.get(f"/projects/{clinic.pk}/")
    html = page(response)
    lines = [line.text for line in response.context["history"]]
    assert len(lines) == 4
    june = next(line for line in lines if line.startswith("2024年6月3日"))
    assert june.startswith("2024年6月3日 区住建局 ")
    assert june.index("10%") < june.index("40%")
    july = next(line for line in lines if line.startswith("2024年7月1日"))
    assert july.index("40%") < july.index("55%")
    assert lines[-1] == june  # newest first
    august = [line for line in lines if line.startswith("2024年8月5日")]
    assert any("50" in line and "120.5" in line for line in august)
    assert any("暂缓" in line or "Suspended" in line for line in august)
    assert june in html and july in html
    assert "officer_wu" not in html

    client.cookies["django_language"] = "en"
    english = [line.text for line in client.get(f"/projects/{clinic.pk}/").context["history"]]
    assert "July 1, 2024 区住建局 updated the progress from 40% to 55%" in english
    assert "Aug. 5, 2024 区住建局 changed the status from “In progress” to “Suspended”" in english


def test_project_page_links_its_feed(client, portal):
    school = portal["school"]
    html = page(client.get(f"/projects/{school.pk}/"))
    head = html.split("</head>")[0]
    assert f'type="application/atom+xml" href="/feeds/projects/{school.pk}/"' in head
    assert html.count(f'href="/feeds/projects/{school.pk}/"') == 2


def test_project_page_has_the_comments_and_the_satisfaction_widget(client, portal):
    html = page(client.get(f"/projects/{portal['school'].pk}/"))
    assert 'id="comments"' in html and 'id="satisfaction"' in html


@pytest.mark.parametrize("which", ["hidden", "draft_plan_project"])
def test_project_page_of_anything_unpublished_is_404(client, portal, which):
    assert client.get(f"/projects/{portal[which].pk}/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/projects/999999/",
        "/projects/abc/",
        "/projects/0/",
        "/projects/-1/",
        "/projects/99999999999999999999999/",
    ],
)
def test_unknown_project_is_404(client, portal, path):
    assert client.get(path).status_code == 404


def test_project_page_in_english(client, portal):
    client.cookies["django_language"] = "en"
    response = client.get(f"/projects/{portal['school'].pk}/")
    html = page(response)
    for label in [
        "What was promised",
        "Lead department",
        "Milestones",
        "Targets and results",
        "Progress reports",
        "Funds disbursed",
    ]:
        assert label in html, label
    assert 'lang="en"' in html


def test_light_word_follows_the_language(client, portal):
    done = portal["done"]
    assert "已完成" in page(client.get(f"/projects/{done.pk}/"))
    client.cookies["django_language"] = "en"
    html = page(client.get(f"/projects/{done.pk}/"))
    assert "Completed" in html and "已完成" not in html


def test_accessibility_page(client, db):
    html = page(client.get("/accessibility/"))
    assert "<h1>" in html and "0552-4957006" in html
    client.cookies["django_language"] = "en"
    assert "Using the keyboard" in page(client.get("/accessibility/"))


# --- the page cache ---------------------------------------------------------------------
# Which pages are cached, for whom, and when they go stale: tests/test_cache.py. Here: what
# a published report changes on the pages a resident reads.


def test_an_approved_report_appears_at_once(client, portal, django_capture_on_commit_callbacks):
    clinic = portal["clinic"]
    submitted = ProgressReportFactory(
        project=clinic,
        period=D(2024, 8, 1),
        reported_progress=Decimal("35"),
        work_done="八月完成设备招标采购",
        state=ReportState.SUBMITTED,
    )
    assert "八月完成设备招标采购" not in page(client.get(f"/projects/{clinic.pk}/"))
    assert "八月完成设备招标采购" not in page(client.get("/"))
    assert client.get("/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        report_approve(report=submitted, by=coordinator())

    response = client.get(f"/projects/{clinic.pk}/")
    assert response["X-Page-Cache"] == "miss"
    assert "八月完成设备招标采购" in page(response)
    assert "八月完成设备招标采购" in page(client.get("/"))


# --- queries do not grow with the number of projects ---------------------------------------


def count_queries(client, path):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_page_queries_do_not_grow_with_the_number_of_projects(client, portal, language):
    client.cookies["django_language"] = language
    plan = portal["plan"]
    categories = [portal["education"], portal["health"]]
    departments = [portal["school_bureau"], portal["housing_bureau"]]
    areas = [portal["chaoyang"], AreaFactory(name="秀水社区")]
    grow_plan(plan, categories, departments, areas, 46, start=100)
    lights_refresh()
    school = portal["school"]
    photo(school, kind=AttachmentKind.BEFORE)
    health, chaoyang = portal["health"].pk, portal["chaoyang"].pk
    paths = [
        "/",
        "/projects/",
        f"/projects/?category={health}&area={chaoyang}&q=批量&sort=-progress&page=2",
        f"/projects/{school.pk}/",
        "/projects/?light=behind&department=%s" % portal["school_bureau"].pk,
    ]
    assert Project.objects.published().count() == 50
    small = {path: count_queries(client, path) for path in paths}

    grow_plan(plan, categories, departments, areas, 1950, start=1000)
    lights_refresh()
    assert Project.objects.published().count() == 2000
    large = {path: count_queries(client, path) for path in paths}

    assert small == large
    # Pinned, so a new query on a page is a decision rather than an accident.
    assert small["/"] == 5
    assert small["/projects/"] == (8 if language == "zh-hans" else 10)
    # The project page: 13 with its approved changes and decisions (计划调整), one query.
    assert small[f"/projects/{school.pk}/"] == 13


def photo(project, kind=AttachmentKind.PHOTO, report=None, title=""):
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return Attachment.objects.create(
        project=project,
        report=report,
        kind=kind,
        title=title,
        file=SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png"),
        content_type="image/png",
        size=len(buffer.getvalue()),
    )


@pytest.mark.django_db
def test_page_title_names_the_page_then_the_site(client):
    # given a published plan
    ProjectFactory()
    # when the list is opened
    page = client.get("/projects/").content.decode()
    # then the title reads "<page> - <site>"
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.endswith(" - 禹会区民生实事公开平台")
    assert not title.startswith(" - ")
