"""Production settings, security headers, the Content-Security-Policy and staff sign-in lockout."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import PASSWORD, coordinator

ROOT = Path(__file__).resolve().parents[1]
LOGIN_URL = "/admin/login/"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """``manage.py`` in a fresh process with only the given portal settings in its environment."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "SESSION_"))
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**extra: str) -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "minsheng.example.gov.cn",
        **extra,
    }


# --- settings -----------------------------------------------------------------------------


def test_production_settings_pass_the_deployment_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deployment_check_fails_when_https_is_switched_off():
    # The check is not silenced wholesale: a weakened setting still fails it.
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **production_env(SECURE_HSTS_SECONDS="0")
    )

    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_missing_secret_key_with_debug_off_stops_with_a_clear_message():
    result = manage("check", DJANGO_DEBUG="false")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "DJANGO_DEBUG=true" in result.stderr


def test_debug_needs_no_secret_key_and_no_https():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
        DJANGO_DEBUG="true",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["False", "False", "0"]


def test_production_defaults_are_strict():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)",
        **production_env(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https"),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')"
    )


# --- headers --------------------------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response):
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'self'" in directives["script-src"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]


@pytest.fixture
def https(settings):
    """Responses as production sends them over HTTPS (HSTS is only sent on secure requests)."""
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.LANGUAGE_COOKIE_SECURE = True


@pytest.mark.django_db
def test_public_page_sends_the_security_headers(client, https):
    response = client.get("/", secure=True)

    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.django_db
def test_admin_page_sends_the_security_headers_and_secure_cookies(client, https):
    response = client.get(LOGIN_URL, secure=True)

    assert response.status_code == 200
    assert_security_headers(response)
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"

    # when: a member of staff signs in
    coordinator()
    response = client.post(
        LOGIN_URL,
        {"username": "coordinator", "password": PASSWORD, "next": "/admin/"},
        secure=True,
    )

    # then: the session cookie is secure, HttpOnly and SameSite
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert_security_headers(client.get("/admin/", secure=True))


@pytest.mark.django_db
def test_pages_carry_no_inline_script(client):
    # The policy allows no inline script; a page that had one would break in the browser.
    from projects.models import Project
    from tests.factories import ProjectFactory

    project = ProjectFactory()
    for url in ["/", "/projects/", Project.get_absolute_url(project), "/suggestions/"]:
        html = client.get(url).content.decode()
        for tag in html.split("<script")[1:]:
            opening = tag.split(">", 1)[0]
            assert "src=" in opening or 'type="application/json"' in opening, (url, opening)


@pytest.mark.django_db
def test_api_docs_load_their_script_from_the_portal(client):
    page = client.get("/api/docs/").content.decode()
    script = client.get("/api/docs/?script=")

    assert "<script>" not in page
    assert 'src="/api/docs/?script=' in page
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/").status_code == 301
    assert client.get("/healthz/live").status_code == 200


# --- passwords ------------------------------------------------------------------------------


def test_short_and_common_passwords_are_refused():
    with translation.override("en"):
        with pytest.raises(ValidationError) as short:
            validate_password("Yh-2024-ab")  # 10 characters
        with pytest.raises(ValidationError):
            validate_password("password1234")
    assert any("at least 12 characters" in message for message in short.value.messages)
    validate_password("禹会区-民生实事-2024-安全")


# --- sign-in lockout ------------------------------------------------------------------------


def fail_sign_in(client, username="coordinator", times=1):
    for _ in range(times):
        response = client.post(LOGIN_URL, {"username": username, "password": "wrong-password"})
    return response


@pytest.mark.django_db
def test_lockout_after_five_failed_sign_ins(client, login_lockout):
    from axes.models import AccessAttempt

    coordinator()
    # given: four failures still leave the form
    response = fail_sign_in(client, times=4)
    assert response.status_code == 200
    assert AccessAttempt.objects.get().failures_since_start == 4

    # when: the fifth fails as well
    response = fail_sign_in(client)

    # then: the account is locked, and even the right password is refused
    assert response.status_code == 429
    response = client.post(LOGIN_URL, {"username": "coordinator", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # the message says why and for how long, in the portal's language
    html = response.content.decode()
    assert "<h1>" in html
    with translation.override("zh-hans"):
        assert translation.gettext("Sign-in locked") in html
    assert "30" in html


@pytest.mark.django_db
def test_lockout_message_in_english(client, login_lockout):
    coordinator()
    client.cookies["django_language"] = "en"

    response = fail_sign_in(client, times=5)

    assert response.status_code == 429
    html = response.content.decode()
    assert "Sign-in locked" in html
    assert "5 times in a row" in html
    assert "blocked for 30 minutes" in html


@pytest.mark.django_db
def test_lockout_ends_after_the_cool_off(client, login_lockout):
    coordinator()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        fail_sign_in(client, times=5)
        traveller.shift(timedelta(minutes=29))
        response = client.post(LOGIN_URL, {"username": "coordinator", "password": PASSWORD})
        assert response.status_code == 429

        # when: 30 minutes have passed since the fifth failure (the refused attempt meanwhile
        # does not start the cool-off again: tests/test_client_address.py)
        traveller.shift(timedelta(minutes=1, seconds=1))
        response = client.post(
            LOGIN_URL, {"username": "coordinator", "password": PASSWORD, "next": "/admin/"}
        )

    # then: the right password signs in again
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(
        get_user_model().objects.get(username="coordinator").pk
    )


@pytest.mark.django_db
def test_lockout_is_per_user_name(client, login_lockout):
    coordinator()
    coordinator("other")
    fail_sign_in(client, username="coordinator", times=5)

    response = client.post(
        LOGIN_URL, {"username": "other", "password": PASSWORD, "next": "/admin/"}
    )

    assert response.status_code == 302


@pytest.mark.django_db
def test_api_token_requests_count_towards_the_lockout(client, login_lockout):
    coordinator()
    for _ in range(5):
        client.post(
            reverse("api-token"),
            {"username": "coordinator", "password": "wrong-password"},
            content_type="application/json",
        )

    response = client.post(
        reverse("api-token"),
        {"username": "coordinator", "password": PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 429
    assert b"token" not in response.content


@pytest.mark.django_db
def test_an_api_lockout_answers_the_api_error_shape_and_the_admin_its_page(client, login_lockout):
    coordinator()
    token_url = reverse("api-token")
    for _ in range(5):
        client.post(
            token_url,
            {"username": "coordinator", "password": "wrong-password"},
            content_type="application/json",
        )

    # the right password through the API: JSON, with the wait in seconds
    response = client.post(
        token_url,
        {"username": "coordinator", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == "locked_out"
    assert body["message"] == "该账号密码错误次数过多，本地址的登录已锁定 30 分钟，请届时再试。"
    assert response["Retry-After"] == "1800"
    assert "no-store" in response["Cache-Control"]

    client.cookies["django_language"] = "en"
    response = client.post(
        token_url,
        {"username": "coordinator", "password": PASSWORD},
        content_type="application/json",
    )
    assert "signing in from this address is blocked for 30 minutes" in response.json()["message"]

    # the admin's sign-in form still answers its page, in Chinese
    client.cookies["django_language"] = "zh-hans"
    response = client.post(LOGIN_URL, {"username": "coordinator", "password": PASSWORD})
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    with translation.override("zh-hans"):
        assert f"<h1>{translation.gettext('Sign-in locked')}</h1>" in response.content.decode()


@pytest.mark.django_db
def test_admin_path_is_configurable():
    result = manage(
        "shell",
        "-c",
        "from django.urls import reverse; from django.conf import settings; "
        "print(reverse('admin:index'), reverse(settings.LOGIN_URL))",
        DJANGO_DEBUG="true",
        DJANGO_ADMIN_PATH="/office-7f3a/",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["/office-7f3a/", "/office-7f3a/login/"]
