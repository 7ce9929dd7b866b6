"""The people-facing writes of notifications: email preferences, unsubscribing, and the
kinds an organisation makes mandatory. The reminder log is written by the worker side
(planning.py plans reminders, sending.py sends them)."""

from django.db import transaction

from accounts.models import Organisation
from notifications.models import EmailOptOut, Kind, MandatoryKind


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
