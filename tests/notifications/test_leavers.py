"""Issue 16, must show 5: a person who has left an organisation gets no further reminders
from it: none is planned, and one planned before they left is skipped, never sent, by a
real SMTP server's account (ADR 0026)."""

from accounts.leaving import people_leave
from accounts.selectors import actor_for_user
from accounts.services_leavers import person_leave
from notifications.models import ReminderLog, Status
from notifications.planning import plan_daily
from notifications.sending import LEFT, send_pending
from tests.conftest import World
from tests.support.notifications import due_enrolment
from tests.support.smtp import Mailbox
from tests.support.training import publish_module


def test_nothing_is_planned_for_a_leaver_and_what_was_planned_is_never_sent(
    world: World, mailbox: Mailbox
) -> None:
    module = publish_module()
    due_enrolment(world.x_learner_a, module, days=1)
    due_enrolment(world.x_learner_b, module, days=1)
    plan_daily()
    assert ReminderLog.objects.filter(status=Status.PENDING).count() == 2

    person_leave(
        actor=actor_for_user(world.x_admin),
        organisation_id=world.org_x.pk,
        user_id=world.x_learner_a.pk,
    )
    report = send_pending()

    assert report.sent == 1
    assert [message["To"] for message in mailbox.messages] == [world.x_learner_b.email]
    skipped = ReminderLog.objects.get(person=world.x_learner_a)
    assert (skipped.status, skipped.last_error) == (Status.SKIPPED, LEFT)


def test_a_leaver_is_not_planned_again_the_next_day(world: World, mailbox: Mailbox) -> None:
    due_enrolment(world.x_learner_a, publish_module(), days=-3)
    people_leave(organisation_id=world.org_x.pk, user_ids={world.x_learner_a.pk})

    planned = plan_daily()

    assert ReminderLog.objects.filter(person=world.x_learner_a).count() == 0, planned
    assert send_pending().sent == 0 and mailbox.messages == []


def test_a_batch_of_leavers_alone_does_not_stop_the_rest_being_sent(
    world: World, mailbox: Mailbox
) -> None:
    module = publish_module()
    due_enrolment(world.x_learner_a, module, days=1)
    due_enrolment(world.x_learner_b, module, days=1)
    plan_daily()
    people_leave(organisation_id=world.org_x.pk, user_ids={world.x_learner_a.pk})

    report = send_pending(batch_size=1)

    assert report.sent == 1 and len(mailbox.messages) == 1
