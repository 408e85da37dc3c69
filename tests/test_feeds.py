"""Atom feeds of approved progress updates, per plan and per project."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects.choices import ReportState
from tests.factories import PlanFactory, ProgressReportFactory, ProjectFactory

ATOM = "{http://www.w3.org/2005/Atom}"
D = datetime.date


def at(month, day, hour=10):
    return timezone.make_aware(datetime.datetime(2024, month, day, hour))


def report(project, month, state=ReportState.APPROVED, reviewed_at=None, work_done=None):
    return ProgressReportFactory(
        project=project,
        period=D(2024, month, 1),
        reported_progress=Decimal(month * 10),
        funds_disbursed_to_date=Decimal("12.5"),
        work_done=work_done or f"{project.title}{month}月进展",
        state=state,
        reviewed_at=reviewed_at
        if reviewed_at is not None
        else (at(month, 26) if state == ReportState.APPROVED else None),
    )


def work_done(entry):
    """The second paragraph of an entry's summary: what was done."""
    html = entry.find(f"{ATOM}summary").text
    return html.split("<p>")[2].split("</p>")[0]


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def entries(root):
    return root.findall(f"{ATOM}entry")


def text(element, name):
    return element.find(f"{ATOM}{name}").text


@pytest.fixture
def plan_data(db):
    plan = PlanFactory(year=2024, title="2024年50项民生实事实施方案")
    school = ProjectFactory(plan=plan, number=1, title="新建学校")
    park = ProjectFactory(plan=plan, number=2, title="口袋公园")
    hidden = ProjectFactory(plan=plan, number=3, title="未公开项目", published=False)
    report(school, 5)
    report(school, 7, reviewed_at=at(8, 2))
    report(park, 6)
    report(school, 8, state=ReportState.SUBMITTED, work_done="待审核的进展")
    report(park, 8, state=ReportState.DRAFT, work_done="草稿进展")
    report(park, 7, state=ReportState.RETURNED, work_done="退回的进展")
    report(hidden, 6, work_done="未公开项目的进展")
    draft_plan = PlanFactory(year=2025, title="2025年方案草案", published=False)
    next_year = ProjectFactory(plan=draft_plan, number=1, title="明年的项目")
    report(next_year, 6, work_done="草案方案的进展")
    return {"plan": plan, "school": school, "park": park, "hidden": hidden, "next_year": next_year}


HIDDEN = ["待审核的进展", "草稿进展", "退回的进展", "未公开项目", "草案方案的进展", "明年的项目"]


def test_plan_feed_is_atom_with_approved_updates_newest_first(client, plan_data):
    root = parse(client.get("/feeds/plans/2024/"))
    assert "2024年50项民生实事实施方案" in text(root, "title")
    assert text(root, "id")
    assert root.find(f"{ATOM}author/{ATOM}name").text
    items = entries(root)
    assert [work_done(e) for e in items] == [
        "新建学校7月进展",  # approved 2 August
        "口袋公园6月进展",  # approved 26 June
        "新建学校5月进展",  # approved 26 May
    ]
    school = plan_data["school"]
    first = items[0]
    assert f"/projects/{school.pk}/#report-" in first.find(f"{ATOM}link").get("href")
    assert "新建学校" in text(first, "title")
    assert text(first, "published").startswith("2024-08-02T")
    assert text(first, "updated").startswith("2024-08-02T")
    ids = [text(e, "id") for e in items]
    assert len(set(ids)) == len(ids)
    assert all(entry_id.startswith("urn:uuid:") for entry_id in ids)
    body = client.get("/feeds/plans/2024/").content.decode()
    for secret in HIDDEN:
        assert secret not in body, secret
    assert "70%" in body and "12.5" in body


def test_plan_feed_holds_thirty_updates(client, plan_data):
    plan = plan_data["plan"]
    for number in range(10, 45):
        report(ProjectFactory(plan=plan, number=number), 9)
    assert len(entries(parse(client.get("/feeds/plans/2024/")))) == 30


@pytest.mark.parametrize(
    "path",
    ["/feeds/plans/2025/", "/feeds/plans/1999/", "/feeds/plans/abc/", "/feeds/plans/99999999999/"],
)
def test_plan_feed_of_an_unknown_or_unpublished_year_is_404(client, plan_data, path):
    assert client.get(path).status_code == 404


def test_project_feed_has_only_that_projects_approved_updates(client, plan_data):
    school = plan_data["school"]
    response = client.get(f"/feeds/projects/{school.pk}/")
    root = parse(response)
    assert "新建学校" in text(root, "title")
    assert [work_done(e) for e in entries(root)] == [
        "新建学校7月进展",
        "新建学校5月进展",
    ]
    assert "待审核的进展" not in response.content.decode()


def test_project_feed_without_updates_is_still_valid(client, plan_data):
    quiet = ProjectFactory(plan=plan_data["plan"], number=9, title="尚无进展的项目")
    root = parse(client.get(f"/feeds/projects/{quiet.pk}/"))
    assert entries(root) == []
    assert text(root, "updated")


@pytest.mark.parametrize("which", ["hidden", "next_year"])
def test_project_feed_of_an_unpublished_project_is_404(client, plan_data, which):
    assert client.get(f"/feeds/projects/{plan_data[which].pk}/").status_code == 404


@pytest.mark.parametrize("path", ["/feeds/projects/999999/", "/feeds/projects/abc/"])
def test_project_feed_of_an_unknown_project_is_404(client, plan_data, path):
    assert client.get(path).status_code == 404


def test_feed_queries_do_not_grow_with_the_updates(client, plan_data):
    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    school = plan_data["school"]
    before = (queries("/feeds/plans/2024/"), queries(f"/feeds/projects/{school.pk}/"))
    for number in range(10, 30):
        report(ProjectFactory(plan=plan_data["plan"], number=number), 9)
    for month in (1, 2, 3):
        report(school, month)
    assert (queries("/feeds/plans/2024/"), queries(f"/feeds/projects/{school.pk}/")) == before
