"""Issue 13: while the database or the broker is down, Hearth answers 503 "temporarily
unavailable" (the API's error shape under /api/, a page elsewhere, with Retry-After),
never a 500 nor Django's debug page; a change already committed stands when its job
cannot be enqueued (ADR 0015)."""

import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from celery import shared_task
from django.db import OperationalError
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Membership, User
from core.jobs import JobTask, enqueue_on_commit
from core.models import Job, JobState
from core.unavailable import UNAVAILABLE_MESSAGE
from tests.conftest import World
from tests.support.postgres import own_cluster
from worker.celery import app

ROOT = Path(__file__).resolve().parents[2]
SERVER_PORT = 8181
CLUSTER_PORT = 55432
RUN = ["--noreload", "--skip-checks"]

SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accounts.models import KeyScope, Organisation, OrganisationAPIKey
organisation = Organisation.objects.create(name="Outage Trust")
_, key = OrganisationAPIKey.objects.create_key(
    name="probe", organisation=organisation, scope=KeyScope.READ
)
print(key)
"""


def _assert_unavailable_page(response: Any) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<h1>Hearth is temporarily unavailable</h1>" in page
    assert UNAVAILABLE_MESSAGE in page
    assert "Traceback" not in page


def _assert_unavailable_json(response: Any) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert response.json() == {
        "error": {
            "status": 503,
            "code": "unavailable",
            "message": UNAVAILABLE_MESSAGE,
            "fields": {},
        }
    }


# --- in-process: the one place that maps a dependency that is down to 503 -------------------


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every session lookup fails as a stopped database would."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", refuse)


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_database_that_is_down_is_a_503_page_and_api_error_even_in_debug(
    world: World, database_down: None, debug: bool
) -> None:
    # The test client re-raises what Django turns into a 500; Hearth must answer instead.
    page, api = Client(raise_request_exception=False), APIClient(raise_request_exception=False)
    page.cookies["sessionid"] = api.cookies["sessionid"] = "an-old-session"

    with override_settings(DEBUG=debug):
        _assert_unavailable_page(page.get("/"))
        _assert_unavailable_json(api.get("/api/v1/people/"))


# --- a real server on a PostgreSQL cluster of its own, stopped and started ------------------


@dataclass
class Answer:
    """What a real server answered (the few parts these tests read)."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes

    def json(self) -> Any:
        return json.loads(self.content)


def _get(url: str, *, headers: Mapping[str, str] | None = None) -> Answer:
    request = urllib.request.Request(url, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


def _wait_for(url: str, *, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _get(url)
            return
        except urllib.error.URLError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout}s")


@pytest.fixture
def cluster_dir() -> Iterator[Path]:
    # Not under pytest's tmp_path: the cluster may run as another user (initdb refuses
    # root), which must reach its directory.
    with tempfile.TemporaryDirectory(prefix="hearth-outage-") as directory:
        yield Path(directory)


@pytest.mark.full_only("starts its own PostgreSQL cluster")
def test_a_server_answers_503_while_its_database_is_stopped_and_200_once_it_is_back(
    cluster_dir: Path,
) -> None:
    with own_cluster(cluster_dir, port=CLUSTER_PORT) as cluster:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DEBUG": "true",
            "DATABASE_URL": cluster.url,
            "CELERY_BROKER_URL": "",
            "CACHE_URL": "",
            "HEARTH_VAR_DIR": str(cluster_dir / "var"),
            "PYTHONPATH": f"{ROOT / 'backend'}:{ROOT}",
        }
        setup = subprocess.run(
            [sys.executable, "-c", SETUP],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert setup.returncode == 0, setup.stderr
        key = setup.stdout.strip()
        server = subprocess.Popen(
            [sys.executable, "backend/manage.py", "runserver", f"127.0.0.1:{SERVER_PORT}", *RUN],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{SERVER_PORT}"
        page_headers = {"Cookie": "sessionid=an-old-session"}
        api_headers = {"Authorization": f"Api-Key {key}"}
        try:
            _wait_for(f"{base}/healthz")
            assert _get(f"{base}/sign-in/", headers=page_headers).status_code == 200
            assert _get(f"{base}/api/v1/people/", headers=api_headers).status_code == 200

            cluster.stop()
            health = _get(f"{base}/healthz")
            _assert_unavailable_page(_get(f"{base}/sign-in/", headers=page_headers))
            _assert_unavailable_json(_get(f"{base}/api/v1/people/", headers=api_headers))

            cluster.start()
            back_page = _get(f"{base}/sign-in/", headers=page_headers)
            back_api = _get(f"{base}/api/v1/people/", headers=api_headers)
        finally:
            server.terminate()
            server.wait(timeout=10)

    assert health.status_code == 503
    assert health.json()["status"] == "unavailable"
    assert health.json()["database"] == {
        "ok": False,
        "vendor": "postgresql",
        "error": "OperationalError",
    }
    assert health.json()["media"] == {"ok": True}
    assert (back_page.status_code, back_api.status_code) == (200, 200)


# --- the broker is down when a saved change enqueues its job --------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _forget_broker_connections() -> None:
    """Make the app connect afresh from its broker URL: drop its connection pool and its
    producer pool (a test that already sent a job holds both, to the old URL). Celery does
    exactly this in a forked child (`Celery._after_fork`)."""
    app._after_fork()  # type: ignore[attr-defined]  # not in celery-types


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tasks go to a broker on a port nothing listens on (not run in-process)."""
    previous = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}
    nowhere = f"redis://127.0.0.1:{_closed_port()}/0"
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", nowhere)
    app.conf.update(task_always_eager=False, broker_url=nowhere)
    _forget_broker_connections()
    assert app.conf.broker_url == nowhere
    try:
        yield
    finally:
        app.conf.update(previous)
        _forget_broker_connections()


@pytest.mark.django_db(transaction=True)
@pytest.mark.full_only("sends jobs to a broker that is not there")
def test_an_invitation_saved_while_the_broker_is_down_answers_201_and_stays_pending(
    world: World, broker_down: None, caplog: pytest.LogCaptureFixture
) -> None:
    admin = APIClient()
    admin.force_login(world.y_admin)
    sent = {
        "full_name": "Pat Newcomer",
        "job_title": "Support worker",
        "role": "learner",
        "organisation": world.org_y.pk,
        "team": world.y_team_a.pk,
        "email": "pat.newcomer@example.org",
    }

    started = time.monotonic()
    first = admin.post("/api/v1/people/", sent)
    took = time.monotonic() - started
    again = admin.post("/api/v1/people/", sent)

    assert first.status_code == 201, first.content
    assert took < 10
    person = User.objects.get(email="pat.newcomer@example.org")
    assert person.invitation_sent_at is None
    assert Membership.including_pending.filter(user=person, organisation=world.org_y).count() == 1
    assert "could not send job accounts.tasks.send_invitation" in caplog.text
    [job] = Job.objects.filter(task="accounts.tasks.send_invitation", args=[person.pk])
    assert job.state == JobState.PENDING and job.organisation_id == world.org_y.pk
    assert job.due_at <= timezone.now()  # the relay sends it once the broker is back
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "This person already holds that role there."


# --- the one enqueue rule ------------------------------------------------------------------


@shared_task(base=JobTask, name="tests.refused_by_the_broker")
def refused_by_the_broker(number: int) -> None:
    """Never runs: the broker refuses it."""


@pytest.mark.django_db
def test_a_job_that_cannot_be_sent_is_logged_not_raised_and_stays_due(
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(refused_by_the_broker, "apply_async", refuse)
    with (
        caplog.at_level(logging.ERROR, logger="core.jobs"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = enqueue_on_commit(refused_by_the_broker, 7)

    [record] = caplog.records
    assert record.getMessage() == (
        "could not send job tests.refused_by_the_broker:[7]; it stays due for the relay"
    )
    assert record.exc_info is not None and record.exc_info[0] is ConnectionRefusedError
    job.refresh_from_db()
    assert job.state == JobState.PENDING and job.due_at <= timezone.now()
