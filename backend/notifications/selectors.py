"""Reads for reminders and preferences, scoped through accounts.selectors."""

from django.db.models import QuerySet

from accounts.models import Membership
from accounts.selectors import Actor
from notifications.models import EmailOptOut, Kind, MandatoryKind, ReminderLog


def reminders_visible_to(actor: Actor) -> QuerySet[ReminderLog]:
    """Org admins (and their organisation's keys) see their organisation's reminder log,
    failures included; everyone sees reminders sent to themselves."""
    mine = ReminderLog.objects.filter(person_id=actor.user_id) if actor.user_id else None
    organisation = ReminderLog.objects.filter(organisation_id__in=actor.admin_organisation_ids)
    queryset = organisation.union(mine) if mine is not None else organisation
    return ReminderLog.objects.filter(pk__in=queryset.values("pk")).select_related("person")


MANAGER_KINDS = frozenset({Kind.ESCALATION.value, Kind.DIGEST.value})


def email_kinds_offered(actor: Actor) -> frozenset[str]:
    """The kinds a person may choose: the managers' kinds (escalation, the weekly digest)
    only for people who manage a team or administer an organisation."""
    if actor.is_manager or actor.is_org_admin:
        return frozenset(Kind.values)
    return frozenset(Kind.values) - MANAGER_KINDS


def email_preferences(
    *, person_id: int, offered: frozenset[str] = frozenset(Kind.values)
) -> list[tuple[str, str, bool, bool]]:
    """Each kind offered: (code, label, receiving, mandatory for one of the person's
    organisations)."""
    opted_out = set(EmailOptOut.objects.filter(person_id=person_id).values_list("kind", flat=True))
    organisations = Membership.objects.filter(user_id=person_id).values("organisation_id")
    mandatory = set(
        MandatoryKind.objects.filter(organisation_id__in=organisations).values_list(
            "kind", flat=True
        )
    )
    return [
        (code, str(label), code in mandatory or code not in opted_out, code in mandatory)
        for code, label in Kind.choices
        if code in offered
    ]


def email_wanted(*, person_id: int, organisation_id: int | None, kind: str) -> bool:
    """Does this person receive this kind of email from this organisation? Yes unless
    they opted out of it and the organisation does not make it mandatory."""
    if not EmailOptOut.objects.filter(person_id=person_id, kind=kind).exists():
        return True
    return (
        organisation_id is not None
        and MandatoryKind.objects.filter(organisation_id=organisation_id, kind=kind).exists()
    )
