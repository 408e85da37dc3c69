"""What the benchmarks share: a PostgreSQL database of their own, created and dropped."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

#: The day the demo plan is seen on: the middle of its year.
AS_OF_DATE = "2024-09-30"
#: The PostgreSQL server the benchmarks create their databases on (``--server`` overrides it).
DEFAULT_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/")


def admin_connection(server_url: str):
    """An autocommit connection to the server's ``postgres`` database."""
    import psycopg2

    parts = urlsplit(server_url)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    connection.autocommit = True
    return connection


def _execute(server_url: str, sql: str):
    connection = admin_connection(server_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone() if cursor.description else None
    finally:
        connection.close()


def drop_database(server_url: str, name: str) -> None:
    _execute(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_database(server_url: str, name: str) -> str:
    """Create ``name`` afresh (one left by an interrupted run is dropped); return its URL."""
    drop_database(server_url, name)
    _execute(server_url, f'CREATE DATABASE "{name}"')
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def postgres_version(server_url: str) -> str:
    return _execute(server_url, "SHOW server_version")[0].split()[0]


def add_server_argument(parser) -> None:
    parser.add_argument(
        "--server",
        default=DEFAULT_SERVER,
        help="PostgreSQL server to create the benchmark database on (env BENCH_POSTGRES_URL)",
    )


def setup_django(database_url: str, settings_module: str = "minsheng.settings", **environment):
    """Configure and start Django in this process on ``database_url``, DEBUG off, no Redis,
    the demo plan seen on its demo date; ``environment`` adds or overrides variables."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
        DJANGO_DEBUG="false",
        DATABASE_URL=database_url,
        MINSHENG_AS_OF_DATE=AS_OF_DATE,
        DJANGO_STATIC_MANIFEST="false",
        LOG_LEVEL="WARNING",
        **environment,
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
