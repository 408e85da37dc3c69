"""The container set-up: docker-compose.yml and the Dockerfile name what the project really has.

No Docker engine runs here, so the files are read and every command they run is checked
against the project: modules gunicorn and Celery load, management commands, scripts.
"""

from __future__ import annotations

import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
PORTAL_SERVICES = ["migrate", "web", "worker", "beat"]


def command_of(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def assert_runs_project_code(argv: list[str]) -> None:
    """The command starts something of this project, and names it rightly."""
    program = argv[0]
    if program == "gunicorn":
        module, _, attribute = argv[1].partition(":")
        assert getattr(importlib.import_module(module), attribute or "application")
    elif program == "celery":
        assert argv[1] == "-A"
        app = importlib.import_module(argv[2]).celery.app
        assert app.main == argv[2]
        assert argv[3] in {"worker", "beat", "inspect"}
    elif program == "python" and argv[1] == "manage.py":
        assert argv[2] in get_commands(), f"no management command {argv[2]!r}"
    elif program == "python":
        assert (ROOT / argv[1]).is_file(), f"no script {argv[1]}"
    else:
        pytest.fail(f"unexpected program {program!r}")


def test_the_stack_has_its_services():
    assert set(SERVICES) >= {"web", "worker", "beat", "postgres", "redis", "migrate"}


@pytest.mark.parametrize("name", PORTAL_SERVICES)
def test_each_portal_service_runs_a_real_module_or_command(name):
    assert_runs_project_code(command_of(SERVICES[name]))


def test_the_web_service_is_gunicorn_with_the_wsgi_app():
    argv = command_of(SERVICES["web"])
    assert argv[:2] == ["gunicorn", "minsheng.wsgi:application"]
    assert "0.0.0.0:8000" in argv


@pytest.mark.parametrize("name", ["web", "worker", "beat", "postgres", "redis"])
def test_each_long_running_service_has_a_health_check(name):
    healthcheck = SERVICES[name]["healthcheck"]
    test = healthcheck["test"]
    assert test[0] in {"CMD", "CMD-SHELL"}
    assert healthcheck["interval"] and healthcheck["retries"]
    if name == "web":
        assert_runs_project_code(test[1:])
    if name == "worker":
        assert_runs_project_code(shlex.split(test[1]))


def test_data_lives_in_named_volumes():
    named = set(COMPOSE["volumes"])
    mounts = {
        name: {mount.split(":")[0]: mount.split(":")[1] for mount in service.get("volumes", [])}
        for name, service in SERVICES.items()
    }
    assert mounts["postgres"]["pgdata"] == "/var/lib/postgresql/data"
    for name in ["web", "worker"]:
        assert mounts[name]["media"] == SERVICES[name]["environment"]["MEDIA_ROOT"]
    used = {source for volumes in mounts.values() for source in volumes}
    assert used <= named
    assert {"pgdata", "media"} <= named


def test_portal_services_read_the_env_file_and_wait_for_their_dependencies():
    for name in PORTAL_SERVICES:
        service = SERVICES[name]
        assert service["env_file"] == ".env"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:")
        assert service["depends_on"]
    for name in ["web", "worker", "beat"]:
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )


def test_env_example_names_every_variable_the_stack_needs():
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    names = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    assert {
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DJANGO_DEBUG",
        "POSTGRES_PASSWORD",
    } <= names
    interpolated = set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "docker-compose.yml").read_text()))
    assert interpolated <= names
    # Every setting in it is one the portal reads (README, "Configuration").
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not [name for name in names if f"`{name}`" not in readme]


def test_dockerfile_installs_the_lock_file():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY requirements.lock" in dockerfile
    assert "pip install --no-cache-dir -r requirements.lock" in dockerfile
    assert "collectstatic" in dockerfile
    assert re.search(r"^USER \w+", dockerfile, flags=re.MULTILINE)


def test_the_image_leaves_out_secrets_and_local_data():
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv", "db.sqlite3", "media", ".git"} <= set(ignored)
