"""Staff sessions end after idle time and after a working day; the visitors' choice cookies."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from minsheng.views import CARE_COOKIE
from tests.factories import IndicatorFactory, ProjectFactory, coordinator, reporter

pytestmark = pytest.mark.django_db

ADMIN_INDEX = "/admin/"
SIGNED_OUT_MESSAGE = "长时间未操作，已自动退出，请重新登录"


# --- the language and 关怀版 cookies ------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        reverse("care-mode", args=["on"]),
        reverse("care-mode", args=["off"]),
        reverse("switch-language", args=["en"]),
    ],
)
@pytest.mark.parametrize("sessions_secure", [True, False])
def test_choice_cookies_are_secure_when_the_session_cookie_is(
    client, settings, address, sessions_secure
):
    settings.SESSION_COOKIE_SECURE = sessions_secure

    response = client.get(address, {"next": "/"})

    assert response.status_code == 302
    set_cookie = response.headers.get("Set-Cookie", "") + "".join(
        morsel.output() for morsel in response.cookies.values()
    )
    name = CARE_COOKIE if "care" in address else settings.LANGUAGE_COOKIE_NAME
    assert f"{name}=" in set_cookie
    assert ("Secure" in set_cookie) is sessions_secure
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie


# --- the staff session's idle time ---------------------------------------------------------


@pytest.fixture
def traveller():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def signed_in(client, traveller):
    client.force_login(coordinator())
    assert client.get(ADMIN_INDEX).status_code == 200
    return client


def test_staff_still_signed_in_after_119_idle_minutes(signed_in, traveller):
    traveller.shift(timedelta(minutes=119))

    response = signed_in.get(ADMIN_INDEX)

    assert response.status_code == 200
    assert "_auth_user_id" in signed_in.session


def test_staff_signed_out_after_121_idle_minutes_with_a_chinese_message(signed_in, traveller):
    traveller.shift(timedelta(minutes=121))

    response = signed_in.get(ADMIN_INDEX, follow=True)

    # then: the sign-in page, saying why, and the way back to where they were
    assert response.redirect_chain[0] == (f"/admin/login/?next={ADMIN_INDEX}", 302)
    assert response.status_code == 200
    assert SIGNED_OUT_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in signed_in.session
    # signing in again works as usual
    assert signed_in.get(ADMIN_INDEX).status_code == 302


def test_activity_keeps_the_staff_session_alive(signed_in, traveller):
    for _ in range(3):
        traveller.shift(timedelta(minutes=100))
        assert signed_in.get(ADMIN_INDEX).status_code == 200

    assert "_auth_user_id" in signed_in.session


def test_the_idle_time_is_a_setting(signed_in, traveller, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 10

    traveller.shift(timedelta(minutes=11))

    assert signed_in.get(ADMIN_INDEX).status_code == 302


def test_a_session_ends_after_a_working_day_even_with_activity(client, traveller):
    client.force_login(coordinator())

    # when: busy all day, a request every hour
    for _ in range(11):
        traveller.shift(timedelta(hours=1))
        assert client.get(ADMIN_INDEX).status_code == 200
    traveller.shift(timedelta(hours=1, minutes=1))

    # then: 12 hours after signing in the session is over
    assert client.get(ADMIN_INDEX).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.fixture
def indicator():
    project = ProjectFactory()
    reporter("jiaoyu", project.lead_department)
    return IndicatorFactory(project=project)


def patch_indicator(api, indicator, value):
    return api.patch(f"/api/v1/indicators/{indicator.pk}/", {"actual_value": value}, format="json")


def test_an_idle_session_no_longer_writes_through_the_api(indicator, traveller):
    from django.contrib.auth import get_user_model

    api = APIClient()
    api.force_login(get_user_model().objects.get(username="jiaoyu"))
    traveller.shift(timedelta(minutes=119))
    assert patch_indicator(api, indicator, "10").status_code == 200

    traveller.shift(timedelta(minutes=121))
    response = patch_indicator(api, indicator, "20")

    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"code", "message", "fields"}
    indicator.refresh_from_db()
    assert indicator.actual_value == Decimal("10")


def test_api_tokens_do_not_time_out_with_idleness(indicator, traveller):
    token = Token.objects.create(
        user_id=indicator.project.lead_department.memberships.get().user_id
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert patch_indicator(api, indicator, "10").status_code == 200

    traveller.shift(timedelta(hours=5))

    assert patch_indicator(api, indicator, "20").status_code == 200
