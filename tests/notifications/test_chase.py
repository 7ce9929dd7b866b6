"""Chase now (issue 15): a manager sends one reminder now about overdue or due training,
through the reminder log and the normal sending path, at most once per enrolment a day,
noted in the enrolment's history; against a real SMTP server on loopback."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from accounts.selectors import Actor, actor_for_user
from core.errors import Conflict, Forbidden, NotFound
from core.models import Job
from notifications.models import ReminderLog, Status
from notifications.services import enrolment_chase
from tests.conftest import World
from tests.factories import EmailOptOutFactory, MandatoryKindFactory
from tests.support.notifications import due_enrolment
from tests.support.smtp import Mailbox
from tests.support.training import publish_module
from training.models import EnrolmentChange


def test_a_chase_sends_one_overdue_reminder_now_and_pressing_again_sends_nothing(
    world: World,
    mailbox: Mailbox,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    enrolment = due_enrolment(world.x_learner_a, publish_module(), days=-3)
    manager = actor_for_user(world.x_manager_a)

    with django_capture_on_commit_callbacks(execute=True):
        first = enrolment_chase(actor=manager, enrolment=enrolment)
    with django_capture_on_commit_callbacks(execute=True) as second_callbacks:
        second = enrolment_chase(actor=manager, enrolment=enrolment)

    assert (first, second) == (True, False) and second_callbacks == []
    [message] = mailbox.messages
    log = ReminderLog.objects.get()
    today = timezone.localdate()
    assert message["To"] == world.x_learner_a.email
    assert message["Subject"] == "Training overdue: Damp basics"
    assert message["Message-ID"] == f"<hearth.reminder.{log.pk}.overdue@hearth.example.org>"
    assert (log.kind, log.window, log.status, log.organisation_id) == (
        "overdue",
        f"chase:{today.isoformat()}",
        Status.SENT,
        world.org_x.pk,
    )
    [change] = EnrolmentChange.objects.all()
    assert (change.enrolment_id, change.kind, change.by_id, change.due_date_before) == (
        enrolment.pk,
        "chased",
        world.x_manager_a.pk,
        enrolment.due_date,
    )
    assert Job.objects.get().done_at is not None


def test_training_not_yet_overdue_is_chased_as_due_soon(
    world: World, mailbox: Mailbox, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    enrolment = due_enrolment(world.x_learner_a, publish_module(), days=20)

    with django_capture_on_commit_callbacks(execute=True):
        enrolment_chase(actor=actor_for_user(world.x_admin), enrolment=enrolment)

    [message] = mailbox.messages
    assert message["Subject"] == "Training due soon: Damp basics"


def test_the_next_day_a_chase_sends_again(world: World, mailbox: Mailbox) -> None:
    enrolment = due_enrolment(world.x_learner_a, publish_module(), days=-3)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ReminderLog.objects.create(
        person=world.x_learner_a,
        kind="overdue",
        object_type="enrolment",
        object_id=enrolment.pk,
        window=f"chase:{yesterday.isoformat()}",
        status=Status.SENT,
    )

    assert enrolment_chase(actor=actor_for_user(world.x_manager_a), enrolment=enrolment) is True


def test_nobody_outside_the_learners_teams_can_chase_and_nothing_is_logged(
    world: World, mailbox: Mailbox
) -> None:
    enrolment = due_enrolment(world.x_learner_b, publish_module(), days=-3)
    read_only_key = Actor(
        user_id=None,
        admin_organisation_ids=frozenset({world.org_x.pk}),
        member_organisation_ids=frozenset({world.org_x.pk}),
        api_key_id="readonly",
        can_write=False,
    )

    for user in (world.x_manager_a, world.y_admin, world.y_manager, world.x_learner_b):
        with pytest.raises(NotFound):
            enrolment_chase(actor=actor_for_user(user), enrolment=enrolment)
    with pytest.raises(Forbidden):
        enrolment_chase(actor=read_only_key, enrolment=enrolment)

    assert not ReminderLog.objects.exists() and not EnrolmentChange.objects.exists()
    assert mailbox.messages == []


def test_no_due_date_finished_training_or_an_opt_out_is_refused_in_words(
    world: World, mailbox: Mailbox
) -> None:
    module = publish_module()
    no_due = due_enrolment(world.x_learner_a, module, days=0)
    no_due.due_date = None
    no_due.save(update_fields=["due_date"])
    done = due_enrolment(
        world.x_learner_b, publish_module(slug="other", title="Other"), days=-1, status="completed"
    )
    manager = actor_for_user(world.x_admin)
    EmailOptOutFactory.create(person=world.x_learner_b, kind="overdue")
    opted_out = due_enrolment(world.x_learner_b, module, days=-2)

    with pytest.raises(Conflict, match="with a due date"):
        enrolment_chase(actor=manager, enrolment=no_due)
    with pytest.raises(Conflict, match="with a due date"):
        enrolment_chase(actor=manager, enrolment=done)
    with pytest.raises(Conflict) as refused:
        enrolment_chase(actor=manager, enrolment=opted_out)

    assert refused.value.message == (
        f"{world.x_learner_b.full_name} has turned off \u201cTraining overdue\u201d emails, "
        "so no reminder was sent."
    )
    assert not ReminderLog.objects.exists() and not EnrolmentChange.objects.exists()
    MandatoryKindFactory.create(organisation=world.org_x, kind="overdue")
    assert enrolment_chase(actor=manager, enrolment=opted_out) is True
