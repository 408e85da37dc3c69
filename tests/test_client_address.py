"""Who the client is behind the reverse proxy, and a sign-in lockout nobody can turn on a colleague.

The proxy in front (nginx) sets ``X-Real-IP``; the portal believes it only from the proxy's
own address (``TRUSTED_PROXIES``). Failed sign-ins lock a (user name, address) pair, slow a
user name down when it is guessed at from many addresses, and the coordinating office sees
and lifts lockouts in the admin.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import checks
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from feedback.models import Comment
from minsheng.clientip import client_ip
from tests.factories import PASSWORD, ProjectFactory, coordinator, head

LOGIN_URL = "/admin/login/"
PROXY = "172.30.80.2"  # nginx, as docker-compose.yml places it
ATTACKER = "203.0.113.66"
COLLEAGUE = "198.51.100.20"


@pytest.fixture
def behind_proxy(settings):
    """The production set-up: nginx in front, setting X-Real-IP, trusted by its network."""
    settings.MINSHENG_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.MINSHENG_TRUSTED_PROXIES = ["172.30.80.0/24"]
    return settings


def through_proxy(client_address: str) -> dict[str, str]:
    """What a request from ``client_address`` looks like to gunicorn behind nginx."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_REAL_IP": client_address}


def sign_in(client, username="coordinator", password=PASSWORD, **meta):
    return client.post(
        LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}, **meta
    )


def token_request(client, username="coordinator", password=PASSWORD, **meta):
    return client.post(
        reverse("api-token"),
        {"username": username, "password": password},
        content_type="application/json",
        **meta,
    )


def signed_in_as(client, username: str) -> bool:
    user = get_user_model().objects.get(username=username)
    return client.session.get("_auth_user_id") == str(user.pk)


# --- whose address ---------------------------------------------------------------------------


def test_a_forged_header_from_an_address_that_is_no_proxy_is_ignored(rf, behind_proxy):
    request = rf.get("/", REMOTE_ADDR=ATTACKER, HTTP_X_REAL_IP="10.1.2.3")

    assert client_ip(request) == ATTACKER


def test_the_header_is_believed_from_the_trusted_proxy(rf, behind_proxy):
    assert client_ip(rf.get("/", **through_proxy(COLLEAGUE))) == COLLEAGUE


def test_without_trusted_proxies_the_header_is_never_read(rf, settings):
    settings.MINSHENG_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.MINSHENG_TRUSTED_PROXIES = []

    assert client_ip(rf.get("/", **through_proxy(COLLEAGUE))) == PROXY


def test_a_forwarded_for_list_is_read_from_the_proxy_end(rf, settings):
    # nginx's $proxy_add_x_forwarded_for keeps what the client wrote on the left.
    settings.MINSHENG_CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.MINSHENG_TRUSTED_PROXIES = ["172.30.80.0/24", "10.9.0.5"]
    request = rf.get(
        "/",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"1.1.1.1, {COLLEAGUE}, 10.9.0.5",
    )

    assert client_ip(request) == COLLEAGUE


@pytest.mark.parametrize("header", ["", "not-an-address", "999.1.1.1"])
def test_a_trusted_proxy_sending_no_usable_header_counts_as_the_client(rf, behind_proxy, header):
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=header)) == PROXY


@pytest.mark.django_db
def test_forged_headers_do_not_get_round_the_comment_limit(behind_proxy):
    # given: a resident's limit of two comments a minute
    behind_proxy.MINSHENG_COMMENT_RATE = "2/m,10/d"
    project = ProjectFactory()
    spammer = Client()

    # when: one machine, reaching gunicorn directly, names a new address each time
    answers = [
        spammer.post(
            f"/projects/{project.pk}/comments/",
            {"nickname": "王", "body": f"第{n}条"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_REAL_IP=f"10.0.0.{n}",
        ).status_code
        for n in range(1, 5)
    ]

    # then: it is one client, held to its limit
    assert answers == [302, 302, 429, 429]
    assert Comment.objects.count() == 2


@pytest.mark.django_db
def test_residents_behind_the_proxy_each_have_their_own_comment_limit(behind_proxy):
    behind_proxy.MINSHENG_COMMENT_RATE = "1/m,10/d"
    project = ProjectFactory()
    answers = [
        Client()
        .post(
            f"/projects/{project.pk}/comments/",
            {"nickname": "王", "body": "路灯"},
            **through_proxy(f"198.51.100.{n}"),
        )
        .status_code
        for n in range(1, 4)
    ]

    assert answers == [302, 302, 302]


def test_the_deployment_check_names_a_proxy_header_without_trusted_proxies(settings):
    settings.MINSHENG_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.MINSHENG_TRUSTED_PROXIES = []
    warned = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert "minsheng.W001" in {message.id for message in warned}

    settings.MINSHENG_TRUSTED_PROXIES = ["172.30.80.0/24"]
    warned = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert "minsheng.W001" not in {message.id for message in warned}


# --- sign-in lockout behind the proxy --------------------------------------------------------


@pytest.mark.django_db
def test_a_stranger_cannot_lock_a_colleague_out_of_the_admin(login_lockout, behind_proxy):
    coordinator()
    attacker = Client()
    for _ in range(6):
        response = sign_in(attacker, password="wrong-password", **through_proxy(ATTACKER))
    assert response.status_code == 429  # the stranger's own address is locked

    # when: the real coordinator signs in from their own address, through the same proxy
    colleague = Client()
    response = sign_in(colleague, **through_proxy(COLLEAGUE))

    # then: they are in
    assert response.status_code == 302
    assert signed_in_as(colleague, "coordinator")


@pytest.mark.django_db
def test_a_stranger_cannot_lock_a_colleague_out_of_the_api_token(login_lockout, behind_proxy):
    coordinator()
    for _ in range(5):
        token_request(Client(), password="wrong-password", **through_proxy(ATTACKER))
    assert token_request(Client(), **through_proxy(ATTACKER)).status_code == 429

    response = token_request(Client(), **through_proxy(COLLEAGUE))

    assert response.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{40}", response.json()["token"])


@pytest.mark.django_db
def test_forged_headers_do_not_get_round_the_lockout(login_lockout, behind_proxy):
    # given: the attacker reaches gunicorn directly and names a new address on every try
    coordinator()
    attacker = Client()
    for n in range(5):
        sign_in(
            attacker, password="wrong-password", REMOTE_ADDR=ATTACKER, HTTP_X_REAL_IP=f"10.0.0.{n}"
        )

    # when: it tries the right password, under yet another name
    response = sign_in(attacker, REMOTE_ADDR=ATTACKER, HTTP_X_REAL_IP="10.0.0.99")

    # then: its one real address is locked
    assert response.status_code == 429
    assert "_auth_user_id" not in attacker.session


@pytest.mark.django_db
def test_without_a_proxy_five_failures_from_one_address_lock_that_address_only(
    login_lockout, settings
):
    coordinator()
    for _ in range(5):
        sign_in(Client(), password="wrong-password", REMOTE_ADDR=ATTACKER)

    assert sign_in(Client(), REMOTE_ADDR=ATTACKER).status_code == 429
    assert sign_in(Client(), REMOTE_ADDR=COLLEAGUE).status_code == 302


@pytest.mark.django_db
def test_attempts_during_a_lockout_do_not_restart_the_cool_off(login_lockout, behind_proxy):
    coordinator()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(5):
            sign_in(Client(), password="wrong-password", **through_proxy(ATTACKER))
        # when: the locked address keeps trying through the cool-off
        for _ in range(29):
            clock.shift(timedelta(minutes=1))
            assert sign_in(Client(), password="wrong", **through_proxy(ATTACKER)).status_code == 429

        # then: 30 minutes after the fifth failure the right password works again
        clock.shift(timedelta(minutes=1, seconds=1))
        client = Client()
        response = sign_in(client, **through_proxy(ATTACKER))

    assert response.status_code == 302
    assert signed_in_as(client, "coordinator")


# --- a user name guessed at from many addresses ----------------------------------------------


def guess_from_many_addresses(username: str, count: int, first: int = 1) -> list[int]:
    return [
        sign_in(Client(), username, "wrong-password", REMOTE_ADDR=f"203.0.113.{n}").status_code
        for n in range(first, first + count)
    ]


@pytest.mark.django_db
def test_guessing_from_many_addresses_is_slowed_down_in_chinese(login_lockout):
    head("zhujian", department=None)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        # given: 10 wrong passwords for zhujian, each from another address
        assert guess_from_many_addresses("zhujian", 10) == [200] * 10

        # when: an 11th address tries at once
        response = sign_in(Client(), "zhujian", "wrong-password", REMOTE_ADDR="203.0.113.11")

        # then: it is told to wait, in Chinese, and for how long
        assert response.status_code == 429
        assert response["Retry-After"] == "1"
        page = response.content.decode()
        assert "请 1 秒后再试" in page
        assert "该账号近期多次登录失败" in page

        # and each further failure doubles the wait
        clock.shift(timedelta(seconds=1))
        assert guess_from_many_addresses("zhujian", 1, first=12) == [200]
        response = sign_in(Client(), "zhujian", "wrong-password", REMOTE_ADDR="203.0.113.13")
        assert response.status_code == 429
        assert response["Retry-After"] == "2"


@pytest.mark.django_db
def test_the_slow_down_never_locks_the_real_user_out(login_lockout, settings):
    head("zhujian", department=None)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        # given: 30 guesses from 30 addresses, each as soon as the wait allows
        for n in range(30):
            clock.shift(timedelta(seconds=settings.MINSHENG_LOGIN_USER_SLOWDOWN_MAX_SECONDS))
            assert guess_from_many_addresses("zhujian", 1, first=n + 1) == [200]
        # and an attacker who keeps knocking meanwhile, every second, is refused each time
        refused = guess_from_many_addresses("zhujian", 1, first=100)
        assert refused == [429]
        for _ in range(5):
            clock.shift(timedelta(seconds=1))
            assert guess_from_many_addresses("zhujian", 1, first=101) == [429]
        # the refusals are not counted: the wait does not grow and never exceeds the maximum
        response = sign_in(Client(), "zhujian", PASSWORD, REMOTE_ADDR=COLLEAGUE)
        wait = int(response["Retry-After"])
        assert 0 < wait <= settings.MINSHENG_LOGIN_USER_SLOWDOWN_MAX_SECONDS

        # when: the real user waits as told
        clock.shift(timedelta(seconds=wait))
        client = Client()
        response = sign_in(client, "zhujian", PASSWORD, REMOTE_ADDR=COLLEAGUE)

    # then: they are in
    assert response.status_code == 302
    assert signed_in_as(client, "zhujian")


@pytest.mark.django_db
def test_the_api_token_answers_the_slow_down_in_its_json_shape(login_lockout):
    coordinator()
    with time_machine.travel(timezone.now(), tick=False):
        guess_from_many_addresses("coordinator", 10)

        response = token_request(Client(), REMOTE_ADDR=COLLEAGUE)

    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    body = response.json()
    assert body["code"] == "throttled"
    assert body["fields"] == {}
    assert "请 1 秒后再试" in body["message"]


@pytest.mark.django_db
def test_the_slow_down_message_in_english(login_lockout):
    coordinator()
    with time_machine.travel(timezone.now(), tick=False):
        guess_from_many_addresses("coordinator", 10)
        client = Client()
        client.cookies["django_language"] = "en"
        response = sign_in(client, REMOTE_ADDR=COLLEAGUE)

    assert response.status_code == 429
    assert "please try again in 1 second." in response.content.decode()


# --- the coordinating office lifts a lockout --------------------------------------------------


@pytest.mark.django_db
def test_the_office_sees_and_lifts_a_lockout_in_the_admin(login_lockout, behind_proxy):
    from axes.models import AccessAttempt

    # given: zhujian locked at their own address after five wrong passwords
    head("zhujian", department=None)
    coordinator()
    zhujian = Client()
    for _ in range(5):
        sign_in(zhujian, "zhujian", "wrong-password", **through_proxy(COLLEAGUE))
    assert sign_in(zhujian, "zhujian", **through_proxy(COLLEAGUE)).status_code == 429

    # when: the coordinating office opens the list of sign-in attempts
    office = Client()
    assert sign_in(office, **through_proxy("198.51.100.1")).status_code == 302
    listing = office.get("/admin/axes/accessattempt/?locked_out=yes")

    # then: it sees zhujian's lockout, with the address it was from
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "zhujian" in page and COLLEAGUE in page
    assert "wrong-password" not in page

    # when: it deletes the lockout
    attempt = AccessAttempt.objects.get(username="zhujian")
    confirm = office.get(f"/admin/axes/accessattempt/{attempt.pk}/delete/")
    assert confirm.status_code == 200
    office.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    # then: zhujian signs in again at once
    response = sign_in(zhujian, "zhujian", **through_proxy(COLLEAGUE))
    assert response.status_code == 302
    assert signed_in_as(zhujian, "zhujian")
