"""Every public page: served by the portal alone, free of serious accessibility faults, fits a phone."""

import pytest

from tests.e2e.support import (
    horizontal_overflow,
    is_same_origin,
    origin,
    screenshot,
    serious_axe_violations,
)

PHONE_WIDTH = 360

# (name, path or how to build it from the demo site, the status the page answers with)
PAGES = [
    ("home", lambda site: "/", 200),
    ("project-list", lambda site: "/projects/", 200),
    ("project", lambda site: f"/projects/{site.late_project_pk}/", 200),
    ("department-list", lambda site: "/departments/", 200),
    ("department", lambda site: f"/departments/{site.department_pk}/", 200),
    ("comments", lambda site: f"/projects/{site.reply_project_pk}/comments/", 200),
    ("rating", lambda site: f"/projects/{site.reply_project_pk}/rating/", 200),
    ("suggestions", lambda site: "/suggestions/", 200),
    ("not-found", lambda site: "/projects/999999999/", 404),
]
PAGE_IDS = [name for name, _path, _status in PAGES]
# The elder-friendly version serves the same markup with other type sizes and colours, so only
# the rules about how it looks are run again on it.
CARE_RULES = ["color-contrast", "link-in-text-block", "meta-viewport"]
# On a narrow screen wide content scrolls inside its box, which must then be reachable by keyboard.
PHONE_RULES = ["scrollable-region-focusable", "meta-viewport"]


def test_public_pages_request_nothing_from_another_host(browsing, demo_site):
    page = browsing.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    for name, path, status in PAGES:
        requested.clear()
        response = page.goto(path(demo_site))

        assert response.status == status, name
        # The recorder sees the page's assets, so an empty list of strangers means something.
        assert any(url.endswith("/static/minsheng/site.css") for url in requested), (
            name,
            requested,
        )
        others = [url for url in requested if not is_same_origin(url, origin(demo_site.url))]
        assert others == [], f"{name} requested other hosts: {others}"

    assert browsing.foreign_requests == []


@pytest.mark.parametrize("care", [False, True], ids=["standard", "care"])
@pytest.mark.parametrize(("name", "path", "status"), PAGES, ids=PAGE_IDS)
def test_public_page_has_no_serious_accessibility_violation(
    browsing, demo_site, name, path, status, care
):
    page = browsing.new_page(care=care)
    response = page.goto(path(demo_site))
    assert response.status == status
    assert ("care" in page.evaluate("document.body.className.split(' ')")) is care

    violations = serious_axe_violations(page, rules=CARE_RULES if care else None)
    screenshot(page, f"{name}-care" if care else name)

    assert not violations, (
        f"axe-core: serious or critical violations on {name} ({path(demo_site)}):\n"
        + "\n".join(violations)
    )


@pytest.mark.parametrize("care", [False, True], ids=["standard", "care"])
def test_public_pages_fit_a_phone(browsing, demo_site, care):
    page = browsing.new_page(width=PHONE_WIDTH, height=780, care=care)
    too_wide = []
    for name, path, status in PAGES:
        response = page.goto(path(demo_site))
        assert response.status == status, name
        screenshot(page, f"phone-{name}{'-care' if care else ''}")
        overflow = horizontal_overflow(page, PHONE_WIDTH)
        if overflow:
            too_wide.append(f"{name}: {overflow}")
        too_wide += [f"{name}: {line}" for line in serious_axe_violations(page, PHONE_RULES)]
    assert not too_wide, "Pages do not fit a 360 px screen:\n" + "\n".join(too_wide)
