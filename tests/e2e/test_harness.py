"""The browser tests' own checks can fail: a request elsewhere, an axe violation, a missing browser."""

import pytest

from tests.e2e import support


def test_a_request_to_another_host_is_blocked_and_recorded(browsing):
    page = browsing.new_page()
    page.goto("/")

    page.set_content('<img src="http://cdn.example.invalid/logo.png" alt="logo">')

    assert browsing.foreign_requests == ["http://cdn.example.invalid/logo.png"]
    # The image was blocked, not loaded.
    assert page.evaluate("document.images[0].naturalWidth") == 0
    browsing.foreign_requests.clear()  # seen; the fixture would otherwise fail this test


def test_same_origin_means_scheme_host_and_port():
    site = "http://localhost:8081"

    assert support.is_same_origin("http://localhost:8081/static/minsheng/site.css", site)
    assert support.is_same_origin("data:image/png;base64,AAAA", site)
    assert not support.is_same_origin("http://localhost:8082/", site)
    assert not support.is_same_origin("https://localhost:8081/", site)
    assert not support.is_same_origin("http://127.0.0.1:8081/", site)
    assert not support.is_same_origin("http://localhost:8081.evil.example/", site)


def test_axe_reports_serious_violations(page):
    page.set_content(
        '<html><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<input type="text" name="q"></main></body></html>'
    )

    violations = support.serious_axe_violations(page)

    rules = {line.split(" ", 1)[0] for line in violations}
    assert {"image-alt", "label", "html-has-lang"} <= rules
    assert any("element: img" in line for line in violations)


def test_a_wide_page_is_reported_with_what_sticks_out(browsing):
    page = browsing.new_page(width=360)
    page.set_content(
        '<html><body><table class="wide" style="width:600px"><tr><td>x</td></tr></table></body></html>'
    )

    overflow = support.horizontal_overflow(page, 360)

    assert "scrollWidth 6" in overflow and "table.wide" in overflow
    page.set_content("<html><body><p>narrow</p></body></html>")
    assert support.horizontal_overflow(page, 360) == ""


def test_missing_browser_skips_unless_required(monkeypatch):
    monkeypatch.delenv("MINSHENG_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="No Chromium at /nowhere"):
        support.browser_unavailable("No Chromium at /nowhere")

    monkeypatch.setenv("MINSHENG_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="must run here"):
        support.browser_unavailable("No Chromium at /nowhere")


def test_chromium_path_can_be_chosen(monkeypatch):
    monkeypatch.delenv("MINSHENG_CHROMIUM", raising=False)
    assert support.chromium_executable() == "/usr/bin/chromium"
    monkeypatch.setenv("MINSHENG_CHROMIUM", "/opt/chromium/chrome")
    assert support.chromium_executable() == "/opt/chromium/chrome"
