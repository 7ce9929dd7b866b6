"""Issue 6, must show 1: with a real SMTP server on loopback and a real worker process on
Redis, the daily job run twice, and twice at once, delivers each due reminder once."""

from pathlib import Path

import pytest

from notifications.models import ReminderLog, Status
from notifications.tasks import run_daily_reminders
from tests.conftest import World
from tests.support.notifications import due_enrolment
from tests.support.smtp import smtp_server
from tests.support.training import publish_module
from tests.support.worker import celery_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_daily_job_twice_and_twice_at_once_delivers_each_reminder_exactly_once(
    tmp_path: Path,
) -> None:
    world = World()
    expected = {
        (world.x_learner_a.email, "Training due soon: Damp basics"),
        (world.x_learner_b.email, "Training overdue: Late module"),
        (world.x_learner_a.email, "Training overdue: Later module"),
        (
            world.x_manager_a.email,
            f"Overdue in your team: {world.x_learner_a.full_name}, Later module",
        ),
    }
    due_enrolment(world.x_learner_a, publish_module(), days=1)
    due_enrolment(world.x_learner_b, publish_module(slug="late", title="Late module"), days=-2)
    due_enrolment(world.x_learner_a, publish_module(slug="later", title="Later module"), days=-9)
    with (
        smtp_server() as (mailbox, port),
        celery_worker(
            tmp_path,
            {
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(port),
                "SITE_URL": "https://hearth.example.org",
            },
            concurrency=2,
        ) as worker,
    ):
        # Two at once, on two worker processes, racing for the same fresh reminders.
        run_daily_reminders.delay()
        run_daily_reminders.delay()
        wait_for(lambda: worker.log().count("succeeded") == 2, what="both runs", worker=worker)
        assert len(mailbox.messages) == 4
        # Then twice more, one after the other.
        run_daily_reminders.delay()
        wait_for(lambda: worker.log().count("succeeded") == 3, what="third run", worker=worker)
        run_daily_reminders.delay()
        wait_for(lambda: worker.log().count("succeeded") == 4, what="fourth run", worker=worker)

    delivered = [(str(m["To"]), str(m["Subject"])) for m in mailbox.messages]
    assert sorted(delivered) == sorted(expected)
    assert all(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in mailbox.messages)
    assert all(
        str(m["List-Unsubscribe"]).startswith("<https://hearth.example.org/email/")
        for m in mailbox.messages
    )
    message_ids = {str(m["Message-ID"]) for m in mailbox.messages}
    assert len(message_ids) == 4
    assert set(ReminderLog.objects.values_list("status", flat=True)) == {Status.SENT}
    assert ReminderLog.objects.count() == 4
