import pytest

from tests.factories import ProjectFactory, coordinator


@pytest.mark.django_db
def test_admin_project_changelist_opens_for_the_coordinating_office(client):
    ProjectFactory.create_batch(3)
    client.force_login(coordinator())
    response = client.get("/admin/projects/project/")
    assert response.status_code == 200
    assert "测试民生项目" in response.content.decode()
