"""docker-compose.yml and the Dockerfile stay in step with the full mode CI runs and with
CI's production rehearsal (no Docker engine here)."""

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_full_mode_services_from_one_image() -> None:
    compose = _compose()
    services = compose["services"]

    assert set(services) == {"postgres", "redis", "mailpit", "web", "worker", "beat"}
    app_services = [services[name] for name in ("web", "worker", "beat")]
    assert {service["build"] for service in app_services} == {"."}
    assert {service["image"] for service in app_services} == {"hearth:latest"}
    for name in ("postgres", "redis", "mailpit", "web", "worker"):
        assert "healthcheck" in services[name], name
    environment = services["web"]["environment"]
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["CELERY_BROKER_URL"].startswith("redis://")
    assert environment["CACHE_URL"].startswith("redis://redis:6379/")
    assert environment["CACHE_URL"] != environment["CELERY_BROKER_URL"]
    assert environment["EMAIL_HOST"] == "mailpit"
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "worker", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "worker", "beat"]


def test_every_variable_the_code_reads_is_documented_in_env_example() -> None:
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    read: set[str] = set()
    for path in (ROOT / "backend" / "config").rglob("*.py"):
        read |= set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', path.read_text()))

    assert read, "no variables found: the pattern is stale"
    assert read - documented == set()
    compose_variables = set(_compose()["services"]["web"]["environment"])
    assert compose_variables - documented == set()


def _runtime_packages() -> list[str]:
    text = (ROOT / "scripts" / "runtime-packages.txt").read_text()
    return [word for line in text.splitlines() for word in line.split("#", 1)[0].split()]


def test_the_image_builds_with_the_steps_ci_rehearses() -> None:
    """Issue 11: the Dockerfile and scripts/rehearse-production.sh run one build script."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    rehearsal = (ROOT / "scripts" / "rehearse-production.sh").read_text()

    steps = re.findall(r"^RUN .*?scripts/build\.sh (\S+)", dockerfile, re.M)
    assert steps == ["system-packages", "python", "static"]
    for step in steps:
        assert f"scripts/build.sh {step}" in rehearsal
    assert "collectstatic" not in dockerfile  # only through the build script
    assert "ENV PYTHONDONTWRITEBYTECODE=1" in dockerfile
    assert "PYTHONPATH=/app/backend:/app" in dockerfile
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in dockerfile
    assert re.search(r"^USER hearth$", dockerfile, re.M)
    command = re.search(r"^CMD (.+)$", dockerfile, re.M)
    assert command is not None
    serve = "--workers ${WEB_CONCURRENCY:-3} --access-logfile -"
    assert f"gunicorn config.wsgi --bind 0.0.0.0:${{PORT:-8000}} {serve}" in command[1]
    web = " ".join(_compose()["services"]["web"]["command"])
    assert f"exec gunicorn config.wsgi --bind 0.0.0.0:8000 {serve}" in web
    assert '--workers "$WEB_CONCURRENCY" --access-logfile -' in rehearsal


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image() -> None:
    """Issue 11: `COPY . .` must not copy the venv, local data, secrets or history."""
    ignored = set((ROOT / ".dockerignore").read_text().split())

    assert {".git", ".env", ".venv", "var", "bench/results", "node_modules"} <= ignored
    assert {".pytest_cache", ".mypy_cache", ".ruff_cache", "__pycache__"} <= ignored
    assert "!.env.example" in ignored
    needed = {"backend", "worker", "templates", "static", "content", "scripts", "README.md"}
    assert (needed | {"pyproject.toml", "constraints.txt"}) & ignored == set()


def test_run_time_debian_packages_are_listed_in_one_place() -> None:
    """Issue 11: the image, CI's rehearsal and the test machine install one list."""
    packages = _runtime_packages()

    assert {"libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"} <= set(packages)
    assert any(package.startswith("fonts-") for package in packages)
    assert len(packages) == len(set(packages))
    for script in ("scripts/build.sh", "scripts/system-deps.sh", "Dockerfile"):
        text = (ROOT / script).read_text()
        assert [package for package in packages if package in text] == [], script
    for script in ("scripts/build.sh", "scripts/system-deps.sh"):
        assert "scripts/runtime-packages.txt" in (ROOT / script).read_text(), script


def test_redis_keeps_queued_jobs_across_a_restart() -> None:
    """Issue 13: jobs queued in Redis survive a restart (append-only file on a volume)."""
    compose = _compose()
    redis = compose["services"]["redis"]
    command = redis["command"]

    assert command[command.index("--appendonly") + 1] == "yes"
    assert "--save" not in command or command[command.index("--save") + 1] != ""
    assert "redis:/data" in redis["volumes"]
    assert "redis" in compose["volumes"]
