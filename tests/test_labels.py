"""Export labels are the models' own (choices under the portal's language), never a second list."""

import csv
import io

import pytest

from projects.choices import Light, ProjectStatus
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def rows(response):
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_terminated_project_reads_terminated_in_the_open_data_download(client, language):
    # The download's labels once came from a typed list that had no word for 终止: the
    # cells read the raw value "terminated".
    ProjectFactory(title="终止的项目", status=ProjectStatus.TERMINATED, light=Light.TERMINATED)
    client.cookies["django_language"] = language
    (row,) = rows(client.get("/api/v1/projects/csv/?status=terminated"))
    assert (row["状态"], row["红黄绿灯"]) == ("终止", "终止")
    assert row["资金来源"] == "区级财政"
