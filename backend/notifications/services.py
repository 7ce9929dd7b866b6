"""The people-facing writes of notifications: email preferences, unsubscribing, the
kinds an organisation makes mandatory, and a manager's chase (one reminder now). The
reminder log is otherwise written by the worker side (planning.py plans reminders,
sending.py sends them); a chase's reminder is sent by the same sending path."""

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from accounts.selectors import Actor
from core.errors import Conflict
from core.jobs import enqueue_on_commit
from notifications import tasks
from notifications.models import EmailOptOut, Kind, MandatoryKind, ReminderLog
from notifications.selectors import email_wanted
from training.models import Enrolment
from training.services_changes import enrolment_chase_check, enrolment_chase_record


@transaction.atomic
def email_preferences_set(
    *, person_id: int, wanted: set[str], offered: frozenset[str] = frozenset(Kind.values)
) -> None:
    """A person chooses which of the kinds offered to them they receive (mandatory kinds
    still arrive); kinds not offered keep whatever choice they had."""
    unwanted = offered - wanted
    EmailOptOut.objects.filter(person_id=person_id, kind__in=wanted & offered).delete()
    EmailOptOut.objects.bulk_create(
        [EmailOptOut(person_id=person_id, kind=kind) for kind in sorted(unwanted)],
        ignore_conflicts=True,
    )


def unsubscribe(*, person_id: int, kind: str) -> bool:
    """One-click unsubscribe from one kind of email; repeating it changes nothing.
    Returns False for an unknown kind."""
    if kind not in Kind.values:
        return False
    EmailOptOut.objects.get_or_create(person_id=person_id, kind=kind)
    return True


@transaction.atomic
def mandatory_kinds_set(*, organisation: Organisation, kinds: set[str]) -> None:
    """An organisation makes kinds of email mandatory for its people (e.g. overdue)."""
    MandatoryKind.objects.filter(organisation=organisation).exclude(kind__in=kinds).delete()
    MandatoryKind.objects.bulk_create(
        [MandatoryKind(organisation=organisation, kind=kind) for kind in sorted(kinds)],
        ignore_conflicts=True,
    )


@transaction.atomic
def enrolment_chase(*, actor: Actor, enrolment: Enrolment) -> bool:
    """A manager (or org admin) sends a learner in their teams one reminder now about
    training overdue or due: written to the reminder log (window "chase:<today>") and sent
    by the normal sending path after commit, noted in the enrolment's history. At most one
    per enrolment a day: pressing again sends nothing and returns False."""
    enrolment_chase_check(actor=actor, enrolment=enrolment)
    day = timezone.localdate()
    window = f"chase:{day.isoformat()}"
    overdue = enrolment.due_date is not None and enrolment.due_date < day
    kind = Kind.OVERDUE if overdue else Kind.DUE_SOON
    learner = enrolment.learner
    if not email_wanted(person_id=learner.pk, organisation_id=enrolment.organisation_id, kind=kind):
        raise Conflict(
            f"{learner.full_name} has turned off \u201c{kind.label}\u201d emails, so no "
            "reminder was sent.",
            code="opted_out",
        )
    chased_today = ReminderLog.objects.filter(
        object_type="enrolment", object_id=enrolment.pk, window=window
    )
    if chased_today.exists():
        return False
    reminder, created = ReminderLog.objects.get_or_create(
        person_id=learner.pk,
        kind=kind,
        object_type="enrolment",
        object_id=enrolment.pk,
        window=window,
        defaults={"organisation_id": enrolment.organisation_id},
    )
    if not created:
        return False
    enrolment_chase_record(actor=actor, enrolment=enrolment)
    enqueue_on_commit(
        tasks.send_reminder,
        reminder.pk,
        organisation_id=enrolment.organisation_id,
        description=f"Reminder to {learner.full_name}: {enrolment.version.title}",
    )
    return True
