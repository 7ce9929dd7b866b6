"""The daily retention job (worker side, run by privacy.tasks_retention.erase_expired): each
organisation's leavers whose retention has run out are erased, and every erasure a legal
hold postponed is carried out once its day has come (issue 17).

Idempotent and safe to run twice at once: each person's erasure is made and carried out in
one transaction under the unique constraint on Erasure(organisation, person), so a second
run waits for the first's commit and then finds it made; a postponed erasure is taken
with SELECT ... FOR UPDATE SKIP LOCKED and checked again under its lock.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from core.dates import add_months
from privacy import erasure_holds
from privacy.erasure import erasure_carry_out
from privacy.models import Erasure, ErasureSource, ErasureStatus, RetentionPolicy
from privacy.services_erasure import erasure_open

logger = logging.getLogger(__name__)


def expired_leavers(*, today: datetime.date) -> list[tuple[int, int]]:
    """(organisation id, person id) of every leaver whose organisation's retention has run
    out and who has no erasure there yet, in a stable order."""
    expired: list[tuple[int, int]] = []
    policies = RetentionPolicy.objects.filter(leaver_retention_months__isnull=False).order_by(
        "organisation_id"
    )
    for policy in policies:
        months = policy.leaver_retention_months or 0
        erased = set(
            Erasure.objects.filter(organisation_id=policy.organisation_id).values_list(
                "person_id", flat=True
            )
        )
        for row in erasure_holds.leavers_by_day(policy.organisation_id):
            left = timezone.localdate(row["left_at"])
            if row["user_id"] not in erased and add_months(left, months) <= today:
                expired.append((policy.organisation_id, row["user_id"]))
    return expired


def retention_run(*, today: datetime.date | None = None) -> dict[str, int]:
    """Erase the expired leavers and the postponed erasures now due; returns how many of
    each this run erased (0 and 0 when run again)."""
    today = today or timezone.localdate()
    erased_leavers = postponed = 0
    for organisation_id, person_id in expired_leavers(today=today):
        with transaction.atomic():
            erasure, made = erasure_open(
                organisation_id=organisation_id,
                person_id=person_id,
                source=ErasureSource.RETENTION,
                today=today,
            )
        if made:
            done = erasure.status == ErasureStatus.DONE
            erased_leavers += int(done)
            logger.info(
                "retention: leaver %s of organisation %s %s",
                person_id,
                organisation_id,
                "erased" if done else f"postponed by a legal hold until {erasure.due_on}",
            )
    due = (
        Erasure.objects.filter(status=ErasureStatus.POSTPONED, due_on__lte=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for erasure_id in list(due):
        with transaction.atomic():
            locked = (
                Erasure.objects.select_for_update(skip_locked=True)
                .filter(pk=erasure_id, status=ErasureStatus.POSTPONED)
                .first()
            )
            if locked is None:
                continue  # another run holds it, or has done it
            erasure = erasure_carry_out(erasure=locked)
            postponed += 1
            logger.info(
                "retention: postponed erasure %s of organisation %s done",
                erasure.pk,
                erasure.organisation_id,
            )
    result = {"leavers erased": erased_leavers, "postponed erasures done": postponed}
    logger.info("retention run for %s: %s", today, result)
    return result
