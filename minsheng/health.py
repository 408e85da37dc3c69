"""Health endpoints for load balancers and orchestrators.

``/healthz/live`` answers without touching anything: the process is up and serving.
``/healthz`` checks what a request needs — the database, the cache and, when one is
configured, the Celery broker — and names the parts that fail. Without the database or the
broker the portal is down: 503. Without the cache it still serves every page and the API,
only slower (pages are not cached, rates not counted): 200, "degraded", so that a load
balancer keeps sending it requests while the operators see what is missing.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from .outages import served_without_cache_counts

logger = logging.getLogger(__name__)

OK = "ok"
FAILING = "failing"
DEGRADED = "degraded"
NOT_CONFIGURED = "not configured"
# Parts the portal serves without (see minsheng.outages): their failure degrades, not downs.
DISPENSABLE = {"cache"}
# Seconds a broker check may take: a probe must answer well within its own timeout.
BROKER_TIMEOUT = 0.5


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def check_cache() -> None:
    key = "healthz:" + uuid.uuid4().hex
    cache.set(key, "1", timeout=10)
    try:
        if cache.get(key) != "1":
            raise RuntimeError("the value written was not read back")
    finally:
        cache.delete(key)


def broker_configured() -> bool:
    from minsheng.celery import app

    return not str(app.conf.broker_url or "memory://").startswith("memory://")


def check_broker() -> None:
    from minsheng.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)


def _run(name: str, check) -> str:
    try:
        check()
    except Exception:
        # The reason goes to the log, not to the answer: the endpoint is public.
        logger.exception("Health check failed: %s", name)
        return FAILING
    return OK


@never_cache
@require_GET
def live(request):
    """Liveness: the process answers. No database, no cache, no broker."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@csrf_exempt
@never_cache
@require_GET
def ready(request):
    """Readiness: database, cache and broker each answer; 503 naming the ones that do not.

    A failing cache alone is named in ``failing`` and ``degraded`` and answers 200.
    ``served_without_cache`` counts what this process has done without the cache since it
    started (pages, throttles, invalidations).
    """
    checks = {
        "database": _run("database", check_database),
        "cache": _run("cache", check_cache),
        "broker": _run("broker", check_broker) if broker_configured() else NOT_CONFIGURED,
    }
    failing = [name for name, state in checks.items() if state == FAILING]
    degraded = [name for name in failing if name in DISPENSABLE]
    down = [name for name in failing if name not in DISPENSABLE]
    body = {
        "status": FAILING if down else DEGRADED if degraded else OK,
        "checks": checks,
        "failing": failing,
        "degraded": degraded,
        "served_without_cache": served_without_cache_counts(),
    }
    return JsonResponse(body, status=503 if down else 200)
