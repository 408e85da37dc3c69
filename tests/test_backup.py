"""Backup and restore (scripts/backup.sh, scripts/restore.sh) on PostgreSQL, for real.

The test database is dumped with its uploaded files, restored into a new empty database and
media folder, and every table's row count and every file are compared.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import CommentFactory, MilestoneFactory, ProjectFactory, coordinator

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.services


def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "backup and restore use pg_dump and pg_restore: run with DATABASE_URL=postgres://…"
        )
    if not (shutil.which("pg_dump") and shutil.which("pg_restore") and shutil.which("psql")):
        pytest.skip("the PostgreSQL client programs (pg_dump, pg_restore, psql) are not installed")


def url_of(database: str) -> str:
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    port = params.get("PORT") or 5432
    return (
        f"postgres://{params['USER']}{password}@{params['HOST'] or '127.0.0.1'}:{port}/{database}"
    )


def row_counts(database_url: str) -> dict[str, int]:
    import psycopg2

    with psycopg2.connect(database_url) as db, db.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        tables = sorted(name for (name,) in cursor.fetchall())
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def run(script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


# Committed rows, so that pg_dump (another connection) sees them; the database is put back
# as it was afterwards, like the suite's other transactional tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restores_into_an_empty_database_with_the_same_rows_and_files(tmp_path, settings):
    postgres_only()
    # given: a database with data in many tables, and an uploaded file
    coordinator()
    for project in ProjectFactory.create_batch(3):
        MilestoneFactory.create_batch(2, project=project)
        CommentFactory.create_batch(2, project=project)
    media = Path(settings.MEDIA_ROOT)
    (media / "attachments/2024/09").mkdir(parents=True)
    (media / "attachments/2024/09/site.png").write_bytes(b"\x89PNG site photo")
    source_url = url_of(connection.settings_dict["NAME"])
    restored_name = f"helper_prod_restore_{uuid.uuid4().hex[:8]}"
    restored_url = url_of(restored_name)
    restored_media = tmp_path / "restored-media"

    # when: it is backed up and restored into a new, empty database
    backup = run(
        "backup.sh", str(tmp_path / "backups"), DATABASE_URL=source_url, MEDIA_ROOT=str(media)
    )
    assert backup.returncode == 0, backup.stderr
    folder = backup.stdout.strip().splitlines()[-1]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        restore = run(
            "restore.sh", folder, DATABASE_URL=restored_url, MEDIA_ROOT=str(restored_media)
        )
        assert restore.returncode == 0, restore.stderr

        # then: every table has the same number of rows, and the files are back
        expected = row_counts(source_url)
        assert expected["projects_project"] == 3
        assert expected["feedback_comment"] == 6
        assert row_counts(restored_url) == expected
        assert (restored_media / "attachments/2024/09/site.png").read_bytes() == (
            b"\x89PNG site photo"
        )

        # and: restoring again over the now filled database is refused, nothing changed
        again = run("restore.sh", folder, DATABASE_URL=restored_url, MEDIA_ROOT=str(restored_media))
        assert again.returncode == 2
        assert "restore into an empty database" in again.stderr
        assert row_counts(restored_url) == expected
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')


def test_backup_refuses_a_database_that_is_not_postgresql(tmp_path):
    result = run("backup.sh", str(tmp_path), DATABASE_URL="sqlite:///db.sqlite3")

    assert result.returncode == 2
    assert "not a PostgreSQL database" in result.stderr
    assert list(tmp_path.iterdir()) == []
