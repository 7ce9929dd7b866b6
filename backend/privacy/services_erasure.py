"""An org admin erases a person's records held under their organisation, and sets how long
it keeps leavers' records (issue 17). What erasure does: privacy/erasure.py; when a legal
hold postpones it: privacy/erasure_holds.py. A person the organisation holds nothing of
is not found (404), as someone only in another organisation is."""

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.selectors import Actor, organisation_get_for_admin
from core.errors import Forbidden, NotFound
from privacy import erasure_holds
from privacy.erasure import erasure_carry_out, held_under
from privacy.models import Erasure, ErasureSource, ErasureStatus, RetentionPolicy


def erasure_person_get(*, actor: Actor, organisation_id: int, person_id: int) -> User:
    """A person whose records the actor's organisation holds; anyone else is not found,
    and so is anyone of an organisation the actor does not administer (the same answer)."""
    if organisation_id not in actor.admin_organisation_ids:
        raise NotFound("No such person.")
    person = User.objects.filter(pk=person_id).first()
    if person is None or not held_under(organisation_id=organisation_id, person_id=person_id):
        raise NotFound("No such person.")
    return person


@transaction.atomic
def erasure_request(
    *,
    actor: Actor,
    organisation_id: int,
    person_id: int,
    withhold_name: bool = True,
    today: datetime.date | None = None,
) -> tuple[Erasure, bool]:
    """Erase the person's records held under the organisation now, or record the erasure
    as postponed until the organisation's legal hold ends; with whether this request made
    it. Asking again changes nothing."""
    actor.require_write()
    erasure_person_get(actor=actor, organisation_id=organisation_id, person_id=person_id)
    if person_id == actor.user_id:
        raise Forbidden("You cannot erase yourself; ask another org admin.", code="self")
    return erasure_open(
        organisation_id=organisation_id,
        person_id=person_id,
        source=ErasureSource.ADMIN,
        requested_by_id=actor.user_id,
        withhold_name=withhold_name,
        today=today,
    )


def erasure_open(
    *,
    organisation_id: int,
    person_id: int,
    source: str,
    requested_by_id: int | None = None,
    withhold_name: bool = True,
    today: datetime.date | None = None,
) -> tuple[Erasure, bool]:
    """The one Erasure of (organisation, person), made under its unique constraint and
    carried out unless a legal hold postpones it; one that exists is returned as it is
    (a second request, or a second run at once, which waits for the first's commit),
    with whether this call made it. Runs in the caller's transaction."""
    today = today or timezone.localdate()
    hold = erasure_holds.hold_until(
        organisation_id=organisation_id, person_id=person_id, today=today
    )
    erasure, created = Erasure.objects.get_or_create(
        organisation_id=organisation_id,
        person_id=person_id,
        defaults={
            "source": source,
            "requested_by_id": requested_by_id,
            "withhold_name": withhold_name,
            "status": ErasureStatus.POSTPONED,
            "due_on": hold[0] if hold else None,
            "hold_reason": hold[1] if hold else "",
        },
    )
    if created and hold is None:
        erasure_carry_out(erasure=erasure)
    return erasure, created


def erasures_visible_to(*, actor: Actor, organisation_id: int | None = None) -> QuerySet[Erasure]:
    """The erasures of the organisations the actor administers (or of the one asked for,
    which must be one of them), newest first."""
    if organisation_id is not None:
        organisation_get_for_admin(actor=actor, organisation_id=organisation_id)
        scope = {organisation_id}
    else:
        scope = set(actor.admin_organisation_ids)
    return (
        Erasure.objects.filter(organisation_id__in=scope)
        .select_related("person")
        .order_by("-requested_at", "-pk")
    )


def erasure_get(*, actor: Actor, erasure_id: int) -> Erasure:
    """One erasure of an organisation the actor administers; any other is not found."""
    erasure = Erasure.objects.filter(
        pk=erasure_id, organisation_id__in=actor.admin_organisation_ids
    ).first()
    if erasure is None:
        raise NotFound("No such erasure.")
    return erasure


def retention_policy_get(*, actor: Actor, organisation_id: int) -> RetentionPolicy:
    """The organisation's retention settings (unsaved defaults when never set)."""
    organisation = organisation_get_for_admin(actor=actor, organisation_id=organisation_id)
    policy = erasure_holds.policy_of(organisation_id)
    return policy or RetentionPolicy(organisation=organisation)


@transaction.atomic
def retention_policy_set(
    *,
    actor: Actor,
    organisation_id: int,
    leaver_retention_months: int | None,
    legal_hold_years: int,
    legal_hold_reason: str,
) -> RetentionPolicy:
    """Set how long the organisation keeps leavers' records and its legal hold."""
    actor.require_write()
    organisation_get_for_admin(actor=actor, organisation_id=organisation_id)
    policy, _ = RetentionPolicy.objects.update_or_create(
        organisation_id=organisation_id,
        defaults={
            "leaver_retention_months": leaver_retention_months,
            "legal_hold_years": legal_hold_years,
            "legal_hold_reason": legal_hold_reason.strip(),
        },
    )
    return policy
