"""The Chinese catalog is complete and the compiled catalog matches it."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

needs_msgfmt = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed"
)


@needs_msgfmt
def test_every_message_is_translated_and_none_is_fuzzy():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


@needs_msgfmt
def test_compiled_catalog_is_up_to_date(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(PO)], check=True)
    with fresh.open("rb") as new, MO.open("rb") as committed:
        assert (
            gettext.GNUTranslations(new)._catalog == gettext.GNUTranslations(committed)._catalog
        ), "locale/zh_Hans/LC_MESSAGES/django.mo is stale: run `make messages`"


def test_pages_default_to_chinese_and_english_is_available():
    with translation.override("zh-hans"):
        assert translation.gettext("livelihood projects") == "民生实事项目"
    with translation.override("en"):
        assert translation.gettext("livelihood projects") == "livelihood projects"
