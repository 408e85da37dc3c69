"""The plan a page shows (the newest published, or ``?year=``): one rule for the home page,
the list, the department pages, the API, the feeds and the dashboard."""

import pytest

from projects.selectors import NoSuchPlan, plan_for
from tests.factories import PlanFactory, ProjectFactory, leader

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans():
    newest = PlanFactory(year=2024, title="2024年民生实事方案")
    older = PlanFactory(year=2023, title="2023年民生实事方案")
    draft = PlanFactory(year=2025, title="2025年草案", published=False)
    for plan in (newest, older, draft):
        ProjectFactory(plan=plan, title=f"{plan.year}年的项目")
    return {"newest": newest, "older": older, "draft": draft}


def test_plan_for_picks_the_year_or_the_newest_published(plans):
    offered = [plans["draft"], plans["newest"], plans["older"]]  # newest first
    assert plan_for(offered, None) == plans["newest"]
    assert plan_for(offered, "  ") == plans["newest"]
    assert plan_for(offered, " 2023 ") == plans["older"]
    assert plan_for(offered, 2023) == plans["older"]
    assert plan_for(offered, "2025") == plans["draft"]  # offered, so chosen (the dashboard)
    assert plan_for([plans["draft"]], None) == plans["draft"]  # none published: the newest
    assert plan_for([], None) is None
    for year in ("1999", "abc", "02023", "2023.0", "-1", "２０２３"):
        with pytest.raises(NoSuchPlan):
            plan_for(offered, year)
        assert plan_for(offered, year, strict=False) == plans["newest"]


@pytest.mark.parametrize("blank", ["", "+", "%20%20"])
def test_a_blank_year_shows_the_newest_plan_on_every_page(client, plans, blank):
    # The home page once answered a year of spaces with "no such page"; the department
    # pages and the list showed the newest plan.
    for address in ("/", "/projects/", "/departments/"):
        response = client.get(f"{address}?year={blank}")
        assert response.status_code == 200, address
        html = response.content.decode()
        assert "2024年的项目" in html or "2024年民生实事方案" in html, address
        assert "2023年的项目" not in html, address
    department = plans["newest"].projects.get().lead_department
    api = client.get(f"/api/v1/departments/{department.pk}/?year={blank}")
    assert api.status_code == 200
    assert api.json()["figures"]["year"] == 2024


@pytest.mark.parametrize("year", ["2025", "1999", "abc", "02023"])
def test_an_unknown_year_is_refused_alike(client, plans, year):
    assert client.get(f"/?year={year}").status_code == 404
    assert client.get(f"/departments/?year={year}").status_code == 404
    department = plans["newest"].projects.get().lead_department
    response = client.get(f"/api/v1/departments/{department.pk}/?year={year}")
    assert response.status_code == 400
    assert response.json()["fields"]["year"] == ["该年度方案尚未公布。"]


def test_feeds_and_the_dashboard_follow_the_same_rule(client, plans):
    assert client.get("/feeds/plans/2023/").status_code == 200
    assert client.get("/feeds/plans/2025/").status_code == 404  # not published
    client.force_login(leader())
    html = client.get("/dashboard/?plan=1999").content.decode()
    # An unknown plan falls back to the newest published one, and the form says so.
    assert 'value="2024" selected' in html
    html = client.get("/dashboard/?plan=2023").content.decode()
    assert 'value="2023" selected' in html
