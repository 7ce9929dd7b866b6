"""The retention job (issue 17, must-show 4): it erases each leaver whose organisation's
retention has run out, once, and nobody else, run twice in a row (both passes) and twice
at the same moment (PostgreSQL); the settings page and API set the retention."""

import datetime
import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.selectors import actor_for_user
from accounts.services_leavers import person_leave
from core.dates import add_months
from privacy import retention
from privacy.models import Erasure, ErasureSource, ErasureStatus, RetentionPolicy
from privacy.tasks_retention import erase_expired
from tests.conftest import World


def _leave(admin: User, organisation: Organisation, *people: User) -> None:
    for person in people:
        person_leave(
            actor=actor_for_user(admin), organisation_id=organisation.pk, user_id=person.pk
        )


def _erased(person: User) -> bool:
    person.refresh_from_db()
    return person.email == f"erased-{person.pk}@erased.invalid" and not person.is_active


def _erasures() -> list[tuple[int, int, str, str]]:
    return sorted(Erasure.objects.values_list("organisation_id", "person_id", "source", "status"))


@pytest.mark.django_db
def test_run_twice_in_a_row_it_erases_each_expired_leaver_once_and_nobody_else(
    world: World,
) -> None:
    RetentionPolicy.objects.create(organisation=world.org_x, leaver_retention_months=12)
    RetentionPolicy.objects.create(organisation=world.org_y, leaver_retention_months=24)
    _leave(world.x_admin, world.org_x, world.x_learner_a)
    _leave(world.y_admin, world.org_y, world.y_learner)
    today = timezone.localdate()

    early = retention.retention_run(today=add_months(today, 12) - datetime.timedelta(days=1))
    first = retention.retention_run(today=add_months(today, 12))
    again = retention.retention_run(today=add_months(today, 12))

    assert early == {"leavers erased": 0, "postponed erasures done": 0}
    assert first == {"leavers erased": 1, "postponed erasures done": 0}
    assert again == {"leavers erased": 0, "postponed erasures done": 0}
    assert _erasures() == [
        (world.org_x.pk, world.x_learner_a.pk, ErasureSource.RETENTION, ErasureStatus.DONE)
    ]
    assert _erased(world.x_learner_a)
    assert not any(_erased(p) for p in (world.y_learner, world.x_learner_b, world.x_manager_a))

    assert retention.retention_run(today=add_months(today, 24))["leavers erased"] == 1
    assert _erased(world.y_learner) and len(_erasures()) == 2


@pytest.mark.django_db
def test_a_legal_hold_postpones_what_retention_would_erase_and_the_task_runs_the_job(
    world: World,
) -> None:
    RetentionPolicy.objects.create(
        organisation=world.org_x,
        leaver_retention_months=1,
        legal_hold_years=1,
        legal_hold_reason="Kept a year for inspection",
    )
    _leave(world.x_admin, world.org_x, world.x_learner_a)
    today = timezone.localdate()

    assert erase_expired() == {"leavers erased": 0, "postponed erasures done": 0}
    retention.retention_run(today=add_months(today, 1))
    erasure = Erasure.objects.get()
    assert (erasure.status, erasure.due_on, erasure.hold_reason) == (
        ErasureStatus.POSTPONED,
        add_months(today, 12),
        "Kept a year for inspection",
    )
    assert not _erased(world.x_learner_a)
    done = retention.retention_run(today=add_months(today, 12))
    assert done == {"leavers erased": 0, "postponed erasures done": 1}
    assert _erased(world.x_learner_a)


@pytest.mark.django_db
def test_the_command_runs_the_job_for_the_embedded_default(world: World) -> None:
    out = StringIO()

    call_command("erase_expired", stdout=out)

    assert out.getvalue() == "0 leaver(s) erased, 0 postponed erasure(s) done\n"


@pytest.mark.full_only(reason="two PostgreSQL connections erasing at the same moment")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_erase_each_expired_leaver_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both runs find the same two expired leavers, then erase at once: the unique
    Erasure(organisation, person) makes the second run's insert wait for the first's
    commit and find it made, so each leaver is erased once, by one run."""
    world = World()
    RetentionPolicy.objects.create(organisation=world.org_x, leaver_retention_months=6)
    _leave(world.x_admin, world.org_x, world.x_learner_a, world.x_learner_b)
    _leave(world.y_admin, world.org_y, world.y_learner)  # Y keeps its leavers
    both_found = threading.Barrier(2, timeout=30)
    find = retention.expired_leavers

    def found_together(**kwargs: Any) -> list[tuple[int, int]]:
        found = find(**kwargs)
        both_found.wait()
        return found

    monkeypatch.setattr(retention, "expired_leavers", found_together)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []
    day = add_months(timezone.localdate(), 6)

    def run() -> None:
        try:
            results.append(retention.retention_run(today=day))
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(result["leavers erased"] for result in results) == 2
    assert _erasures() == [
        (world.org_x.pk, world.x_learner_a.pk, ErasureSource.RETENTION, ErasureStatus.DONE),
        (world.org_x.pk, world.x_learner_b.pk, ErasureSource.RETENTION, ErasureStatus.DONE),
    ]
    assert _erased(world.x_learner_a) and _erased(world.x_learner_b)
    assert not any(_erased(p) for p in (world.y_learner, world.x_manager_a, world.x_admin))
