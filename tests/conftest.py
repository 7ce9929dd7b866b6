"""Suite-wide fixtures. The suite has two passes and each says which it is:

- full mode (config.settings.test): real PostgreSQL and Redis; every test runs but those
  marked `embedded_only`;
- the embedded default (config.settings.test_embedded, `make pytest-embedded`): a SQLite
  file and eager tasks, as `make run` runs; every test runs but those marked `full_only`
  (they prove something of PostgreSQL or Redis themselves) or `worker`.
"""

from collections.abc import Callable
from typing import Any

import psycopg
import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import Organisation, Role, Team, User
from core import audit
from tests import factories


def embedded_pass() -> bool:
    """Is this the embedded default's pass (SQLite file, eager tasks)?"""
    # A setting of the overlay's own: SETTINGS_MODULE reads None under override_settings.
    return getattr(settings, "HEARTH_TEST_RUN_MODE", "") == "embedded"


def _services_summary() -> tuple[str, str]:
    database = settings.DATABASES["default"]
    vendor = database["ENGINE"].rsplit(".", 1)[-1]
    if vendor == "sqlite3":
        database_line = f"sqlite file {database.get('TEST', {}).get('NAME')}"
    else:
        database_line = (
            f"{vendor} at {database.get('HOST') or 'local socket'}:"
            f"{database.get('PORT') or ''}/{database.get('NAME')}"
        )
    broker = settings.CELERY_BROKER_URL or "eager (tasks run in-process, no broker)"
    return database_line, broker


def pytest_report_header(config: pytest.Config) -> list[str]:
    """State, in the test output, which pass this is and the database and broker it uses."""
    database_line, broker = _services_summary()
    mode = "embedded default" if embedded_pass() else "full mode"
    return [f"hearth pass: {mode}", f"hearth database: {database_line}", f"hearth broker: {broker}"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each pass runs every test but those that belong to the other mode only: the full
    pass leaves out `embedded_only`; the embedded pass leaves out `full_only` and `worker`
    (a real Celery worker needs the broker)."""
    other_mode_only: tuple[str, ...] = (
        ("full_only", "worker") if embedded_pass() else ("embedded_only",)
    )
    kept = [i for i in items if not any(i.get_closest_marker(m) for m in other_mode_only)]
    left_out = [item for item in items if item not in kept]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def pytest_sessionstart(session: pytest.Session) -> None:
    """Fail loudly (never fall back) if PostgreSQL or Redis is unreachable; start with an
    empty shared cache, so no count (the verify rate limit) carries over from a last run.
    The embedded pass must really be the embedded default: SQLite and no broker."""
    if embedded_pass():
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
            raise pytest.UsageError("The embedded pass runs on SQLite; DATABASE_URL leaked in.")
        if settings.CELERY_BROKER_URL or not settings.CELERY_TASK_ALWAYS_EAGER:
            raise pytest.UsageError("The embedded pass runs tasks eagerly; a broker leaked in.")
        return
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise pytest.UsageError("The test suite runs on PostgreSQL; set DATABASE_URL to one.")
    if not settings.CACHE_URL:
        raise pytest.UsageError("The test suite runs with a shared Redis cache; set CACHE_URL.")
    for url in (settings.CELERY_BROKER_URL, settings.CACHE_URL):
        try:
            redis.Redis.from_url(url, socket_connect_timeout=3).ping()
        except redis.RedisError as error:
            raise pytest.UsageError(f"Redis is not reachable at {url}: {error}") from error
    cache.clear()
    database = settings.DATABASES["default"]
    try:
        psycopg.connect(
            host=database["HOST"],
            port=database["PORT"] or 5432,
            user=database["USER"],
            password=database["PASSWORD"],
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as error:
        raise pytest.UsageError(f"PostgreSQL is not reachable: {error}") from error


@pytest.fixture(scope="session", autouse=True)
def _flush_may_empty_audit_tables() -> Any:
    """Between transactional tests Django's flush empties every table, with DELETE on
    SQLite, which the audit tables' append-only triggers refuse: the test runner's flush
    (never Hearth's own code) runs inside `audit.redacting()`."""
    from django.core.management.commands import flush

    original = flush.Command.handle

    def handle(self: flush.Command, *args: Any, **options: Any) -> Any:
        with audit.redacting():
            return original(self, *args, **options)

    flush.Command.handle = handle  # type: ignore[method-assign]
    yield
    flush.Command.handle = original  # type: ignore[method-assign]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    database_line, broker = _services_summary()
    mode = "embedded default" if embedded_pass() else "full mode"
    terminalreporter.write_line(f"{mode}: ran against database {database_line} and broker {broker}")


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for() -> Callable[[User], APIClient]:
    """An API client signed in (by session) as the given person."""

    def make(user: User) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return make


class World:
    """Two organisations, X and Y, each with teams A and B and people in every role."""

    def __init__(self) -> None:
        self.org_x = factories.OrganisationFactory.create(name="Organisation X")
        self.org_y = factories.OrganisationFactory.create(name="Organisation Y")
        self.x_team_a = factories.TeamFactory.create(organisation=self.org_x, name="X team A")
        self.x_team_b = factories.TeamFactory.create(organisation=self.org_x, name="X team B")
        self.y_team_a = factories.TeamFactory.create(organisation=self.org_y, name="Y team A")
        self.x_admin = self.person(self.org_x, None, Role.ORG_ADMIN)
        self.x_manager_a = self.person(self.org_x, self.x_team_a, Role.MANAGER)
        self.x_assessor_a = self.person(self.org_x, self.x_team_a, Role.ASSESSOR)
        self.x_learner_a = self.person(self.org_x, self.x_team_a, Role.LEARNER)
        self.x_learner_b = self.person(self.org_x, self.x_team_b, Role.LEARNER)
        self.y_admin = self.person(self.org_y, None, Role.ORG_ADMIN)
        self.y_manager = self.person(self.org_y, self.y_team_a, Role.MANAGER)
        self.y_learner = self.person(self.org_y, self.y_team_a, Role.LEARNER)

    @staticmethod
    def person(organisation: Organisation, team: Team | None, role: str) -> User:
        user = factories.UserFactory.create()
        factories.MembershipFactory.create(
            user=user, organisation=organisation, team=team, role=role
        )
        return user

    def people_of(self, organisation: Organisation) -> list[User]:
        return list(User.objects.filter(memberships__organisation=organisation).distinct())


@pytest.fixture
def world(db: None) -> World:
    return World()
