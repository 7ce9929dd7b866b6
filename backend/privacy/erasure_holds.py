"""When a person left an organisation, and until when its legal hold keeps their records
(issue 17). Reads only.

Leaving deletes a person's memberships (ADR 0026), so the day they left is read from the
audit trail, which the database keeps: the latest deletion event of one of their
memberships there. A leaver is someone the organisation holds no membership of and whose
membership it once held.
"""

import datetime

from django.db.models import Max, QuerySet
from django.utils import timezone

from accounts.models import Membership
from audit.models import MembershipEvent
from core.dates import add_months
from privacy.models import RetentionPolicy

DEFAULT_HOLD_REASON = (
    "The organisation keeps training records for a set time after a person leaves."
)


def left_on(*, organisation_id: int, person_id: int) -> datetime.date | None:
    """The day the person left the organisation; None while they still belong to it (or
    never did)."""
    if Membership.including_pending.filter(
        organisation_id=organisation_id, user_id=person_id
    ).exists():
        return None
    moment = MembershipEvent.objects.filter(
        organisation_id=organisation_id, user_id=person_id, pgh_label="delete"
    ).aggregate(last=Max("pgh_created_at"))["last"]
    return None if moment is None else timezone.localdate(moment)


def leavers_by_day(organisation_id: int) -> QuerySet:
    """(person id, the moment they left) for every leaver of the organisation, in id order."""
    members = Membership.including_pending.filter(organisation_id=organisation_id).values("user_id")
    return (
        MembershipEvent.objects.filter(organisation_id=organisation_id, pgh_label="delete")
        .exclude(user_id__in=members)
        .values("user_id")
        .annotate(left_at=Max("pgh_created_at"))
        .order_by("user_id")
    )


def policy_of(organisation_id: int) -> RetentionPolicy | None:
    return RetentionPolicy.objects.filter(organisation_id=organisation_id).first()


def hold_until(
    *, organisation_id: int, person_id: int, today: datetime.date | None = None
) -> tuple[datetime.date, str] | None:
    """The day the organisation's legal hold on the person's records ends, and its reason,
    when that day is still to come; None when no hold applies. The hold runs from the
    day they left, or from today for someone who still belongs."""
    today = today or timezone.localdate()
    policy = policy_of(organisation_id)
    if policy is None or not policy.legal_hold_years:
        return None
    start = left_on(organisation_id=organisation_id, person_id=person_id) or today
    due = add_months(start, 12 * policy.legal_hold_years)
    if due <= today:
        return None
    return due, policy.legal_hold_reason or DEFAULT_HOLD_REASON
