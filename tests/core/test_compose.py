"""docker-compose.yml stays in step with the full mode CI runs (no Docker engine here)."""

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
