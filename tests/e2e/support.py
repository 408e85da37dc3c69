"""What the browser tests share besides fixtures: where screenshots go, the host check, axe-core."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import translation

# Screenshots of the pages (and of any failed test) land here; the folder is gitignored.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Requests that never leave the browser.
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})

# axe-core impact levels that fail a page. "minor" and "moderate" are reported by axe but
# are not what the issue asks to be free of.
FAILING_IMPACTS = frozenset({"serious", "critical"})

_AXE = Axe()  # the axe-core script shipped inside the package; nothing is fetched


def chromium_executable() -> str:
    """Debian's Chromium, or the file ``MINSHENG_CHROMIUM`` names."""
    return os.environ.get("MINSHENG_CHROMIUM") or DEFAULT_CHROMIUM


def browser_unavailable(reason: str):
    """Skip the browser tests with a message; fail them when ``MINSHENG_REQUIRE_BROWSER=1``."""
    if os.environ.get("MINSHENG_REQUIRE_BROWSER") == "1":
        pytest.fail(
            f"{reason}. MINSHENG_REQUIRE_BROWSER=1 says the browser tests must run here "
            "(.ci/run installs Debian's chromium).",
            pytrace=False,
        )
    pytest.skip(
        f"{reason}: browser tests skipped. Install Debian's chromium "
        "(apt-get install chromium fonts-noto-cjk) or set MINSHENG_CHROMIUM to a Chromium binary"
    )


def zh(message: str) -> str:
    """What a Chinese page shows for an English message (the message itself until translated)."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def en(message) -> str:
    """A message (or lazy label) as an English page shows it."""
    with translation.override("en"):
        return str(message)


def zh_plural(singular: str, plural: str, count: int, **values) -> str:
    with translation.override("zh-hans"):
        return translation.ngettext(singular, plural, count) % values


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def is_same_origin(url: str, site_origin: str) -> bool:
    """A request goes to the portal itself (or nowhere: data:, blob:, about:)."""
    scheme = urlsplit(url).scheme
    return scheme in LOCAL_SCHEMES or origin(url) == site_origin


def screenshot(page, name: str) -> Path:
    """Save the whole page as ``test-artifacts/<name>.png`` for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9._-]+', '-', name).strip('-')}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_axe_violations(page, rules: list[str] | None = None) -> list[str]:
    """Run axe-core (all its rules, or only ``rules``) on the page as it is now.

    Returns a few lines per failing element of each serious or critical violation.
    """
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    results = _AXE.run(page, options=options)
    lines = []
    for violation in results.response["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
                f"    element: {target}\n    html: {node.get('html', '')[:200]}\n"
                f"    {summary}"
            )
    return lines


def horizontal_overflow(page, width: int) -> str:
    """Empty when the page is no wider than ``width``; else the width and what sticks out."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width <= width:
        return ""
    wide = page.evaluate(
        """(width) => Array.from(document.querySelectorAll('body *'))
            .filter((el) => el.getBoundingClientRect().right > width + 0.5)
            .slice(0, 5)
            .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className)
                .trim().split(/\\s+/).join('.') : '') + ' (right edge '
                + Math.round(el.getBoundingClientRect().right) + 'px)')""",
        width,
    )
    return f"scrollWidth {scroll_width}px > {width}px; sticking out: {', '.join(wide)}"
