"""The container set-up: docker-compose.yml and the Dockerfile name what the project really has.

No Docker engine runs here, so the files are read and every command they run is checked
against the project: modules gunicorn and Celery load, management commands, scripts.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import re
import shlex
import sys
import tomllib
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
    # Files of the repository (nginx's configuration and certificate) are mounted read-only.
    bind_mounts = [
        (name, mount)
        for name, service in SERVICES.items()
        for mount in service.get("volumes", [])
        if mount.startswith("./")
    ]
    assert all(name == "nginx" and mount.endswith(":ro") for name, mount in bind_mounts)
    assert {source for source in used if not source.startswith("./")} <= named
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


# --- what the image installs: production packages only --------------------------------------

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# Packages a production image must never hold, whatever the dev extra says today.
KNOWN_DEVELOPMENT = {
    "pytest",
    "pytest-django",
    "pytest-env",
    "pytest-xdist",
    "playwright",
    "axe-playwright-python",
    "schemathesis",
    "hypothesis",
    "ruff",
    "factory-boy",
    "faker",
    "time-machine",
    "import-linter",
}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return normalized(re.split(r"[\[<>=!~;\s]", requirement, maxsplit=1)[0])


def read_lock(name: str) -> tuple[dict[str, str], dict[str, set[str]]]:
    """A pip-compile lock file: its pins, and for each package the packages that require it."""
    pins: dict[str, str] = {}
    required_by: dict[str, set[str]] = {}
    current = None
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        pinned = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
        if pinned:
            current = normalized(pinned[1])
            pins[current] = pinned[2]
            required_by[current] = set()
            continue
        via = re.match(
            r"^\s+#\s+(?:via\s+|  )?([A-Za-z0-9][A-Za-z0-9._-]*)( \(pyproject\.toml\))?$", line
        )
        if current and via:
            required_by[current].add("" if via[2] else normalized(via[1]))
        elif not line.startswith(" "):
            current = None
    return pins, required_by


def needed_by_production(required_by: dict[str, set[str]]) -> set[str]:
    """pyproject's dependencies and everything they require, by the dev lock's requirement graph."""
    requires: dict[str, set[str]] = {}
    for package, parents in required_by.items():
        for parent in parents:
            requires.setdefault(parent, set()).add(package)
    needed = {requirement_name(r) for r in PYPROJECT["dependencies"]}
    todo = list(needed)
    while todo:
        for child in requires.get(todo.pop(), ()):
            if child not in needed:
                needed.add(child)
                todo.append(child)
    return needed


def test_the_production_lock_holds_exactly_what_production_needs_at_the_tested_versions():
    production, _ = read_lock("requirements.lock")
    development, required_by = read_lock("requirements-dev.lock")
    needed = needed_by_production(required_by)
    development_only = set(development) - needed

    # What the dev extra brings that production does not need: the known tools are among it.
    assert development_only >= KNOWN_DEVELOPMENT
    assert not set(production) & development_only, sorted(set(production) & development_only)
    assert set(production) == needed, sorted(set(production) ^ needed)
    # Both files pin the same versions: the image runs what the tests ran.
    assert {name: development[name] for name in production} == production


def test_the_image_installs_the_production_lock_and_nothing_else():
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    dockerfile = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    installs = re.findall(r"pip install ([^\n&]*)", dockerfile)
    assert installs == ["--no-cache-dir -r requirements.lock"], installs
    assert "requirements-dev.lock" not in dockerfile
    assert "[dev]" not in dockerfile
    # Development installs the dev lock (make install, which make test and CI run).
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet -r requirements-dev.lock" in makefile


def imported_top_level_names(paths) -> dict[str, set[str]]:
    """Every absolute import's top-level name, with the files that import it."""
    names: dict[str, set[str]] = {}
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                names.setdefault(module.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return names


def python_files(*, under: list[str] | None = None, leaving_out: tuple[str, ...] = ()):
    roots = [ROOT / folder for folder in under] if under else [ROOT]
    for root in roots:
        for path in root.rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if parts[0].startswith(".") or parts[0] in leaving_out:
                continue
            yield path


def undeclared(paths, declared: set[str]) -> dict[str, list[str]]:
    first_party = {path.name for path in ROOT.iterdir() if (path / "__init__.py").is_file()}
    first_party |= {path.stem for path in ROOT.glob("*.py")}
    distributions = importlib.metadata.packages_distributions()
    missing = {}
    for name, files in imported_top_level_names(paths).items():
        if name in sys.stdlib_module_names or name in first_party or name == "__future__":
            continue
        providers = {normalized(d) for d in distributions.get(name, [])}
        if not providers & declared:
            missing[name] = sorted(files)[:3]
    return missing


def test_every_package_the_portal_imports_is_a_declared_dependency():
    declared = {requirement_name(r) for r in PYPROJECT["dependencies"]}

    missing = undeclared(python_files(leaving_out=("tests", "bench")), declared)

    assert not missing, f"imported but not in pyproject's dependencies: {missing}"


def test_every_package_the_tests_and_benchmarks_import_is_declared():
    declared = {
        requirement_name(r)
        for r in PYPROJECT["dependencies"] + PYPROJECT["optional-dependencies"]["dev"]
    }

    missing = undeclared(python_files(under=["tests", "bench"]), declared)

    assert not missing, f"imported but neither a dependency nor in the dev extra: {missing}"


def test_the_image_leaves_out_secrets_and_local_data():
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv", "db.sqlite3", "media", ".git"} <= set(ignored)


# --- the proxy in front: the only door, and the only one whose client address is believed ---

NGINX_CONF = ROOT / "deploy" / "nginx" / "minsheng.conf"


def nginx_directives(text: str) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [" ".join(line.split()) for line in lines if line]


def test_clients_reach_gunicorn_only_through_nginx():
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"nginx"}
    assert {port.split(":")[-1] for port in SERVICES["nginx"]["ports"]} == {"80", "443"}
    assert "ports" not in SERVICES["web"]
    assert "--forwarded-allow-ips=*" not in command_of(SERVICES["web"])


def test_the_portal_believes_the_client_address_header_from_nginx_alone():
    from minsheng.clientip import parse_networks

    proxy_address = SERVICES["nginx"]["networks"]["edge"]["ipv4_address"]
    (subnet,) = parse_networks(
        [config["subnet"] for config in COMPOSE["networks"]["edge"]["ipam"]["config"]]
    )
    environment = SERVICES["web"]["environment"]
    assert environment["CLIENT_IP_HEADER"] == "HTTP_X_REAL_IP"
    assert parse_networks([environment["TRUSTED_PROXIES"]]) == parse_networks([proxy_address])
    assert environment["FORWARDED_ALLOW_IPS"] == proxy_address
    (proxy_network,) = parse_networks([proxy_address])
    assert proxy_network.subnet_of(subnet)
    # nobody else on nginx's network could pose as it
    on_edge = {
        name for name, service in SERVICES.items() if "edge" in (service.get("networks") or [])
    }
    assert on_edge == {"nginx", "web"}


def test_nginx_overwrites_the_client_address_headers_it_passes_on():
    mounts = {mount.split(":")[1]: mount.split(":")[0] for mount in SERVICES["nginx"]["volumes"]}
    assert (ROOT / mounts["/etc/nginx/conf.d/default.conf"]).resolve() == NGINX_CONF
    directives = nginx_directives(NGINX_CONF.read_text(encoding="utf-8"))
    assert "proxy_pass http://web:8000;" in directives
    # Overwritten with the address nginx sees, never appended to what the client sent.
    assert "proxy_set_header X-Real-IP $remote_addr;" in directives
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in directives
    assert not [d for d in directives if "$proxy_add_x_forwarded_for" in d]
    # nginx itself must not take its client's address from a header the client sends.
    assert not [d for d in directives if d.startswith(("real_ip_header", "set_real_ip_from"))]


def test_the_tls_key_stays_out_of_the_image_and_the_repository():
    assert "deploy/tls" in (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert "/deploy/tls/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "./deploy/tls:/etc/nginx/tls:ro" in SERVICES["nginx"]["volumes"]


def test_nginx_sends_uploaded_files_only_when_the_portal_allows_them():
    directives = nginx_directives(NGINX_CONF.read_text(encoding="utf-8"))
    # No location hands out the media folder by path: a report's photos stay with staff
    # until it is approved, which only the portal can judge.
    assert not [d for d in directives if d.startswith("location") and "/media/" in d.split()[1]]
    start = directives.index("location /protected-media/ {")
    assert directives[start + 1] == "internal;"
    prefix = SERVICES["web"]["environment"]["ATTACHMENT_ACCEL_REDIRECT_PREFIX"]
    assert f"location {prefix} {{" in directives
    media = {mount.split(":")[1]: mount.split(":")[0] for mount in SERVICES["nginx"]["volumes"]}
    assert media["/srv/minsheng/media"] == "media"
