"""The daily job (worker side, run by accounts.tasks.end_due_memberships): everyone whose
leaving date, as imported, has come leaves the organisation (accounts/leaving.py).

Idempotent: a person who has left holds no membership there, so a second run, or two at
once, finds nobody to end; each organisation's people leave in one transaction."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.leaving import people_leave
from accounts.models import Membership


def memberships_end_due(*, today: datetime.date | None = None) -> int:
    """End the memberships whose leaving date is today or past; returns how many people left."""
    today = today or timezone.localdate()
    due = (
        Membership.including_pending.filter(leaves_on__lte=today)
        .values_list("organisation_id", "user_id")
        .order_by("organisation_id", "user_id")
    )
    by_organisation: dict[int, set[int]] = {}
    for organisation_id, user_id in due:
        by_organisation.setdefault(organisation_id, set()).add(user_id)
    left = 0
    for organisation_id, user_ids in by_organisation.items():
        with transaction.atomic():
            left += people_leave(organisation_id=organisation_id, user_ids=user_ids)
    return left
