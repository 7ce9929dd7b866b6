"""A person leaving an organisation, as one write shared by the org admin's and SCIM's
deactivation (services_leavers.py), a bulk import's leaving date (services_onboarding.py)
and the daily job that ends memberships whose leaving date has come (leavers.py).

Leaving ends, at once and in the caller's transaction:
- every membership the person held in the organisation, accepted or pending, so nothing
  they could see or do there is left (scope is read from memberships on every request)
  and no reminder is planned for it (planning reads the memberships; sending skips what
  was planned before);
- every session they had, whichever organisation it was for: the next request is signed
  out (User.get_session_auth_hash); if they belong elsewhere they sign in again;
- the organisation's API keys they created, revoked as an org admin would.

Their records (enrolments, assessments, certificates) stay with the organisation and its
figures; their certificates still verify (ADR 0026).
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, OrganisationAPIKey, User


def people_leave(
    *, organisation_id: int, user_ids: set[int], now: datetime.datetime | None = None
) -> int:
    """End the organisation's memberships, keys and the sessions of these people; returns
    how many of them held a membership there (0 when run again)."""
    if not user_ids:
        return 0
    now = now or timezone.now()
    memberships = Membership.including_pending.filter(
        organisation_id=organisation_id, user_id__in=user_ids
    )
    leaving = set(memberships.values_list("user_id", flat=True))
    memberships.delete()
    OrganisationAPIKey.objects.filter(
        Q(organisation_id=organisation_id, created_by_id__in=user_ids, revoked=False)
    ).update(revoked=True, revoked_at=now)
    User.objects.filter(pk__in=leaving).update(sessions_ended_at=now)
    return len(leaving)
