"""Health endpoints, request ids and the JSON log format."""

from __future__ import annotations

import json
import logging
import os
from unittest import mock

import pytest
from django.db import OperationalError

from minsheng import redis_cache
from minsheng.celery import app as celery_app
from minsheng.logging import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def no_broker(monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "memory://localhost/")


def test_live_answers_without_touching_the_database(client, django_assert_num_queries):
    with (
        mock.patch("minsheng.health.check_cache", side_effect=AssertionError),
        django_assert_num_queries(0),
    ):
        response = client.get("/healthz/live")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_ready_when_everything_answers(client, no_broker):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "not configured"}
    assert body["failing"] == body["degraded"] == []


def test_database_down(client, no_broker):
    # The database server does not answer: opening a cursor fails as psycopg2's would.
    unreachable = mock.MagicMock()
    unreachable.__getitem__.return_value.cursor.side_effect = OperationalError(
        "could not connect to server"
    )
    with mock.patch("minsheng.health.connections", unreachable):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "failing"
    assert body["checks"]["cache"] == "ok"
    assert body["failing"] == ["database"]
    assert body["status"] == "failing"
    assert "could not connect" not in response.content.decode()  # the reason is only logged


def test_cache_down_is_degraded_not_down(client, no_broker, settings):
    # Pages and the API are served without the cache (tests/test_redis_outage.py): a load
    # balancer must keep sending requests, and the operators must see what is missing.
    settings.CACHES = {
        "default": {
            "BACKEND": "minsheng.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    redis_cache.reset_breakers()

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "failing",
        "broker": "not configured",
    }
    assert response.json()["failing"] == ["cache"]
    assert response.json()["degraded"] == ["cache"]


def test_database_down_with_the_cache_down_is_down(client, no_broker, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "minsheng.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    redis_cache.reset_breakers()
    unreachable = mock.MagicMock()
    unreachable.__getitem__.return_value.cursor.side_effect = OperationalError("no server")
    with mock.patch("minsheng.health.connections", unreachable):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "failing"
    assert response.json()["failing"] == ["database", "cache"]
    assert response.json()["degraded"] == ["cache"]


def test_broker_down(client, monkeypatch, caplog):
    monkeypatch.setattr(celery_app.conf, "broker_url", UNREACHABLE_BROKER)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "failing"
    assert response.json()["failing"] == ["broker"]
    assert "Health check failed: broker" in caplog.text


@pytest.mark.services
def test_ready_with_a_real_broker(client, monkeypatch):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("the broker check against a real Redis needs REDIS_URL=redis://…")
    monkeypatch.setattr(celery_app.conf, "broker_url", redis_url)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "ok"


def test_request_id_is_answered_and_logged(client, caplog):
    # given: no id from a proxy, then one from it, then a forged header
    fresh = client.get("/healthz/live")
    kept = client.get("/healthz/live", HTTP_X_REQUEST_ID="nginx-0f3c9a7e21")
    replaced = client.get("/healthz/live", HTTP_X_REQUEST_ID="bad id\nwith a newline")

    assert len(fresh["X-Request-ID"]) == 32
    assert kept["X-Request-ID"] == "nginx-0f3c9a7e21"
    assert replaced["X-Request-ID"] != "bad id\nwith a newline"
    assert len(replaced["X-Request-ID"]) == 32

    # when: something is logged while a request is answered
    def logging_check():
        logging.getLogger("minsheng.health").warning("slow cache")

    caplog.handler.addFilter(RequestIdFilter())
    with mock.patch("minsheng.health.check_cache", side_effect=logging_check):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="req-1234567890")

    # then: the line carries the request's id
    record = next(r for r in caplog.records if r.getMessage() == "slow cache")
    assert record.request_id == "req-1234567890"
    assert response["X-Request-ID"] == "req-1234567890"


def test_json_log_lines():
    record = logging.LogRecord(
        "projects.services", logging.WARNING, __file__, 1, "报告 %s 已退回", ("145",), None
    )
    record.project_id = 6
    RequestIdFilter().filter(record)

    line = JsonFormatter().format(record)

    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "projects.services"
    assert entry["message"] == "报告 145 已退回"
    assert entry["request_id"] == "-"
    assert entry["project_id"] == 6
    assert entry["time"].endswith("+00:00")


@pytest.mark.django_db
def test_ready_refuses_writes_and_echoes_nothing(client, no_broker):
    response = client.post("/healthz", {"<script>": "alert(1)"})

    assert response.status_code == 405
    assert b"<script>" not in response.content
