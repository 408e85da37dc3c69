"""The per-client limits on comments, ratings and suggestions hold when requests arrive at once.

Needs PostgreSQL (DATABASE_URL=postgres://…), as CI runs it: each request has its own
connection and transaction there, as under gunicorn. SQLite writes one transaction at a time.
"""

from __future__ import annotations

import threading

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from feedback.choices import RatingLevel
from feedback.models import Comment, Rating, Suggestion
from tests.factories import ProjectFactory

# Skipped before the database is set up: a transactional test flushes the tables after it, and
# the serialised rows it then leaves behind (``serialized_rollback``) are the migrations' own.
pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="concurrent requests need a database with concurrent transactions: "
        "run with DATABASE_URL=postgres://…",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AT_ONCE = 20


def post_all_at_once(path: str, data_for) -> list[int]:
    """POST to ``path`` from AT_ONCE threads released together; their status codes."""
    start = threading.Barrier(AT_ONCE)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def send(number: int) -> None:
        try:
            client = Client()  # one client address (127.0.0.1), a new visitor each time
            start.wait(timeout=30)
            statuses.append(client.post(path, data_for(number)).status_code)
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(number,)) for number in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return statuses


@pytest.mark.parametrize(
    ("kind", "rate_setting", "limit"),
    [
        ("comment", "MINSHENG_COMMENT_RATE", 5),
        ("rating", "MINSHENG_RATING_RATE", 10),
        ("suggestion", "MINSHENG_SUGGESTION_RATE", 3),
    ],
)
def test_a_client_posting_20_at_once_stores_exactly_its_limit(settings, kind, rate_setting, limit):
    settings.MINSHENG_COMMENTS_PREMODERATED = True
    setattr(settings, rate_setting, f"{limit}/m,100/d")
    project = ProjectFactory()
    path, model, data_for = {
        "comment": (
            f"/projects/{project.pk}/comments/",
            Comment,
            lambda n: {"nickname": f"居民{n}", "body": f"路灯什么时候修好？第{n}条"},
        ),
        "rating": (
            f"/projects/{project.pk}/rating/",
            Rating,
            lambda n: {"level": RatingLevel.SATISFIED, "remark": ""},
        ),
        "suggestion": (
            "/suggestions/",
            Suggestion,
            lambda n: {"title": f"增设社区食堂{n}", "description": "方便老人就餐。"},
        ),
    }[kind]

    statuses = post_all_at_once(path, data_for)

    assert model.objects.count() == limit
    assert sorted(statuses) == [302] * limit + [429] * (AT_ONCE - limit)
