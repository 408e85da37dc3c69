"""Staff passwords: common and dressed-up weak ones are refused, in Chinese, in the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.factories import PASSWORD, coordinator

pytestmark = pytest.mark.django_db

CHANGE_PASSWORD = "/admin/password_change/"
TOO_COMMON = "这个密码太常见了。"


def change_password(client, new_password):
    return client.post(
        CHANGE_PASSWORD,
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )


@pytest.fixture
def staff_client(client):
    client.force_login(coordinator())
    return client


def error_text(response) -> str:
    """What the form says under the new password, as the page shows it."""
    assert response.status_code == 200, response.status_code
    errors = response.context["form"].errors["new_password2"]
    for message in errors:
        assert message in response.content.decode()
    return " ".join(errors)


@pytest.mark.parametrize(
    "weak",
    [
        "Passw0rd2024",
        "minsheng2024",
        "Minsheng@2024",
        "P@ssw0rd!2024",
        "yuhuiqu123456",
        "Bengbu2024!!!!!",
        "zhangwei19900101",
        "woaini13145200",
        "1qaz2wsx2024",
        "民生实事2024-2025",
    ],
)
def test_a_common_password_is_refused_in_chinese(staff_client, weak):
    response = change_password(staff_client, weak)

    assert TOO_COMMON in error_text(response)
    user = get_user_model().objects.get(username="coordinator")
    assert user.check_password(PASSWORD)


def test_a_short_password_is_refused_in_chinese(staff_client):
    response = change_password(staff_client, "Yh-7q!k2x")

    message = error_text(response)
    assert "密码太短" in message and "12" in message
    assert "too short" not in response.content.decode()


def test_a_strong_password_is_accepted(staff_client):
    response = change_password(staff_client, "禹会区-涂山-淮河-7qk2")

    assert response.status_code == 302
    user = get_user_model().objects.get(username="coordinator")
    assert user.check_password("禹会区-涂山-淮河-7qk2")


def test_the_password_rules_speak_english_to_an_english_admin(staff_client, settings):
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    short = error_text(change_password(staff_client, "Yh-7q!k2x"))
    common = error_text(change_password(staff_client, "Passw0rd2024"))

    assert "at least 12 characters" in short
    assert "too common" in common
