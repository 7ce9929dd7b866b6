"""Issue 2, must show 3: a task enqueued in a transaction runs on a real worker after
commit, and a rolled-back transaction enqueues nothing."""

from pathlib import Path

import pytest
from django.db import transaction

from accounts.models import User
from accounts.selectors import actor_for_user
from accounts.services import person_invite
from tests.conftest import World
from tests.support.smtp import smtp_server
from tests.support.worker import celery_worker, queue_length, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_invitation_runs_on_the_worker_after_commit_and_not_after_rollback(
    tmp_path: Path,
) -> None:
    world = World()
    admin = actor_for_user(world.x_admin)
    with (
        smtp_server() as (mailbox, port),
        celery_worker(tmp_path, {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}) as worker,
    ):
        # Rolled back: nothing reaches the broker, so nothing can ever run.
        with pytest.raises(RuntimeError), transaction.atomic():
            person_invite(
                actor=admin,
                organisation_id=world.org_x.pk,
                email="ghost@example.org",
                full_name="Never Was",
                team_id=world.x_team_a.pk,
            )
            raise RuntimeError("roll back")
        assert queue_length(worker.queue) == 0

        # Committed: enqueued only once the transaction commits, then run by the worker.
        with transaction.atomic():
            person_invite(
                actor=admin,
                organisation_id=world.org_x.pk,
                email="new.starter@example.org",
                full_name="New Starter",
                team_id=world.x_team_a.pk,
            )
            assert queue_length(worker.queue) == 0, "enqueued before commit"

        wait_for(lambda: len(mailbox.messages) == 1, what="the invitation email", worker=worker)
        invited = User.objects.get(email="new.starter@example.org")
        assert invited.invitation_sent_at is not None
        assert not User.objects.filter(email="ghost@example.org").exists()
        log = worker.log()
        # Exactly one task reached the worker (not the rolled-back one), and it did not run
        # early: before commit the new person is invisible to the worker and the task would fail.
        assert log.count("accounts.tasks.send_invitation[") == 2  # received, then succeeded
        assert log.count("received") == 1 and "succeeded" in log and "raised" not in log

    message = mailbox.messages[0]
    assert message["To"] == "new.starter@example.org"
    assert message["Subject"] == "You have been invited to Hearth"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and "/password-reset/" in body.get_content()
    assert [m["To"] for m in mailbox.messages] == ["new.starter@example.org"]
