"""Health reporting, the two run modes, and production's `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from tests.conftest import embedded_pass

ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(ROOT / "backend" / "manage.py")]


def _clean_environ() -> dict[str, str]:
    """This process's environment without test-only switches (the browser tests set one)."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _production_env() -> dict[str, str]:
    """The production environment documented in .env.example and the Makefile."""
    text = (ROOT / "Makefile").read_text()
    block = text.split("PRODUCTION_ENV :=", 1)[1].split("\n\n", 1)[0]
    pairs = block.replace("\\\n", " ").split()
    return dict(pair.split("=", 1) for pair in pairs)


@pytest.mark.django_db
def test_healthz_reports_every_part_of_the_mode_it_runs_in(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"

    response = client.get("/healthz")

    assert response.status_code == 200
    if embedded_pass():
        parts = {
            "database": {"ok": True, "vendor": "sqlite"},
            "broker": {"ok": True, "mode": "in-process"},
            "cache": {"ok": True, "mode": "per-process"},
        }
    else:
        parts = {
            "database": {"ok": True, "vendor": "postgresql"},
            "broker": {"ok": True, "mode": "broker", "transport": "redis"},
            "cache": {"ok": True, "mode": "shared"},
        }
    assert response.json() == {"status": "ok", **parts, "media": {"ok": True}}
    assert list((tmp_path / "media" / "healthz").iterdir()) == []  # the probe file is gone


@pytest.mark.django_db
def test_healthz_is_unavailable_when_media_storage_cannot_be_written(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    """Issue 11: a read-only or missing media volume would fail every certificate."""
    (tmp_path / "not-a-directory").write_text("")
    settings.MEDIA_ROOT = tmp_path / "not-a-directory" / "media"

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["media"] == {"ok": False, "error": "NotADirectoryError"}
    assert response.json()["database"]["ok"] is True


def test_wsgi_logs_the_settings_module_its_process_loaded() -> None:
    """Issue 11: a server's log shows which settings its gunicorn workers run."""
    environment = {
        **_clean_environ(),
        **_production_env(),
        "PYTHONPATH": f"{ROOT / 'backend'}:{ROOT}",  # as the Dockerfile sets it
    }

    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "with settings config.settings.production (DEBUG=False)" in result.stderr


def test_check_deploy_passes_with_the_documented_production_environment() -> None:
    environment = {**_clean_environ(), **_production_env()}

    result = subprocess.run(
        [*MANAGE, "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set"),
        ("CACHE_URL", "CACHE_URL must name a Redis database"),
    ],
)
def test_production_refuses_to_start_without_its_secret_key_or_shared_cache(
    variable: str, message: str
) -> None:
    environment = {**_clean_environ(), **_production_env(), variable: ""}

    result = subprocess.run(
        [*MANAGE, "check"], env=environment, capture_output=True, text=True, check=False
    )

    assert result.returncode != 0
    assert message in result.stderr


def test_embedded_default_needs_no_services(tmp_path: Path) -> None:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CELERY_", "CACHE_", "EMAIL_", "DJANGO_"))
    }
    environment["HEARTH_VAR_DIR"] = str(tmp_path)
    probe = (
        "from django.conf import settings as s; from django.core.mail import mailers;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER,"
        " type(mailers.default).__module__, s.MEDIA_ROOT, s.CACHES['default']['BACKEND'])"
    )

    result = subprocess.run(
        [*MANAGE, "shell", "-c", probe],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    engine, eager, mailer, media, cache = result.stdout.strip().splitlines()[-1].split()
    assert engine == "django.db.backends.sqlite3"
    assert eager == "True"
    assert mailer == "django.core.mail.backends.console"
    assert media == str(tmp_path / "media")
    assert cache == "django.core.cache.backends.locmem.LocMemCache"
