"""The demo's data file (demo/data/2024.yaml): a mistake in it is reported where it is.

Whoever edits the sample plan edits a YAML file, not code; a wrong value or a misspelt key
must name the project (or department, user …) and the value, not fail later in the loader.
"""

import re

import pytest
from django.core.management import ManagementUtility

from demo import dataset
from demo.dataset import DATA_FILE, DemoDataError


def edited(tmp_path, number: int, old: str, new: str):
    """A copy of the data file with the first ``old`` in project ``number``'s entry replaced."""
    text = DATA_FILE.read_text(encoding="utf-8")
    start = text.index(f"  - number: {number}\n")
    end = text.index("\n  - number: ", start + 1)
    entry = text[start:end]
    assert old in entry, f"project {number} has no {old!r}"
    copy = tmp_path / DATA_FILE.name
    copy.write_text(text[:start] + entry.replace(old, new, 1) + text[end:], encoding="utf-8")
    return copy


def test_the_data_file_holds_the_demo_plan_the_loader_loads():
    data = dataset.read(DATA_FILE)

    assert data["plan"]["title"] == "2024年50项民生实事实施方案"
    assert [spec["number"] for spec in data["projects"]] == list(range(1, 51))
    assert data["projects"] == dataset.PROJECTS


def test_a_choice_spelt_wrong_names_the_project_and_the_value(tmp_path):
    path = edited(tmp_path, 7, "funding: higher_level", "funding: higher-level")

    with pytest.raises(DemoDataError) as raised:
        dataset.read(path)

    assert str(raised.value).startswith("2024.yaml, project 7: ")
    assert "'higher-level' is not a valid FundingSource" in str(raised.value)


def test_a_missing_field_names_the_project_and_the_field(tmp_path):
    path = edited(tmp_path, 12, "    light_on_demo_date: ", "    light_on_demo_day: ")

    with pytest.raises(DemoDataError, match=re.escape("project 12: missing 'light_on_demo_date'")):
        dataset.read(path)


def test_a_misspelt_milestone_key_names_the_project_and_the_key(tmp_path):
    path = edited(tmp_path, 12, "planned: '2024-06-30'", "plannd: '2024-06-30'")

    with pytest.raises(DemoDataError, match=r"project 12: .*'plannd'"):
        dataset.read(path)


def test_a_file_that_is_not_yaml_says_so_with_the_line(tmp_path):
    path = edited(tmp_path, 3, "    areas: [禹会区全域]", "    areas: [禹会区全域")

    with pytest.raises(DemoDataError, match=r"(?s)2024.yaml is not valid YAML: .*line \d+"):
        dataset.read(path)


def test_manage_py_help_lists_loaddemo_under_the_demo_app():
    text = ManagementUtility(["manage.py", "help"]).main_help_text()

    assert re.search(r"\[demo\]\n    loaddemo\n", text), text
