"""`manage.py relay_jobs` (issue 13): sends by hand what is due, as beat's relay does; the
embedded default has no beat, so this is how its due jobs go out."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from accounts.selectors import actor_for_user
from accounts.services import person_invite
from core.models import Job, JobState
from tests.conftest import World
from tests.factories import JobFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# `manage.py relay_jobs` in a process of its own, on this test's database.
FRESH_PROCESS = """
import sys
from django.conf import settings
settings.DATABASES["default"]["NAME"] = sys.argv[1]
import django
django.setup()
from django.core.management import call_command
call_command("relay_jobs")
"""


def test_relay_jobs_sends_what_is_due_and_says_how_many(world: World) -> None:
    # Recorded in the request's transaction; the test's transaction never commits, so
    # nothing was sent after commit: the invitation is due and waiting.
    person_invite(
        actor=actor_for_user(world.x_admin),
        organisation_id=world.org_x.pk,
        email="pat.newcomer@example.org",
        full_name="Pat Newcomer",
        team_id=world.x_team_a.pk,
    )
    job = Job.objects.get(task="accounts.tasks.send_invitation")
    assert job.state == JobState.PENDING and mail.outbox == []
    first, again = StringIO(), StringIO()

    call_command("relay_jobs", stdout=first)
    call_command("relay_jobs", stdout=again)

    assert first.getvalue() == "sent 1 job(s)\n"
    assert again.getvalue() == "sent 0 job(s)\n"
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.sent_at is not None
    assert [message.to for message in mail.outbox] == [["pat.newcomer@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_relay_jobs_in_a_fresh_process_knows_every_task(world: World) -> None:
    """A new process has imported no task module, and the relay sends each job by its
    task's name: the command loads every task first, as a worker does when it starts."""
    invited = UserFactory.create()
    job = JobFactory.create(task="accounts.tasks.send_invitation", args=[invited.pk])

    other_process = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS, str(connection.settings_dict["NAME"])],
        cwd=ROOT / "backend",
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'backend'}{os.pathsep}{ROOT}"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )

    assert "sent 1 job(s)" in other_process.stdout.splitlines()
    assert "NotRegistered" not in other_process.stderr
    job.refresh_from_db()
    invited.refresh_from_db()
    assert job.state == JobState.DONE and invited.invitation_sent_at is not None
