import pytest

from tests.factories import coordinator


@pytest.mark.django_db
def test_admin_speaks_chinese_even_to_an_english_browser(client):
    client.force_login(coordinator())
    response = client.get("/admin/projects/project/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "民生实事项目" in response.content.decode()


@pytest.mark.django_db
def test_the_language_cookie_switches_to_english(client, settings):
    client.force_login(coordinator())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/admin/projects/project/")
    assert response["Content-Language"] == "en"
    assert "livelihood project" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_chinese(client, settings):
    client.force_login(coordinator())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx-evil"
    response = client.get("/admin/projects/project/")
    assert response["Content-Language"] == "zh-hans"
