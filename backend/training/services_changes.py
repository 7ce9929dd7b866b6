"""A manager's changes to an enrolment, each written with its history (EnrolmentChange):
extending the due date, withdrawing, and noting a reminder sent now (the reminder itself
is notifications.services.enrolment_chase). Writes, like services.py; they sit apart
because services.py holds the learner's own writes and assignment."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import MembershipStatus, Role
from accounts.selectors import Actor, teams_assignable_by
from core.errors import Conflict, Forbidden, HearthError, NotFound
from core.reasons import reason_cleaned
from training.models import (
    ACTIVE_STATUSES,
    ChangeKind,
    Enrolment,
    EnrolmentChange,
    EnrolmentSource,
    EnrolmentStatus,
)
from training.selectors import today


def _require_manageable(actor: Actor, enrolment: Enrolment) -> None:
    """Managers and org admins may change an enrolment of a learner in their teams."""
    if not actor.can_write:
        raise Forbidden("This API key is read-only.", code="read_only")
    if (
        not teams_assignable_by(actor)
        .filter(
            memberships__user_id=enrolment.learner_id,
            memberships__role=Role.LEARNER,
            memberships__status=MembershipStatus.ACTIVE,
        )
        .exists()
    ):
        raise NotFound("No such enrolment.")


def _lock_active(enrolment: Enrolment, refusal: str) -> Enrolment:
    """The enrolment, locked and fresh, while it is still in progress (else `refusal`)."""
    locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if locked.status not in ACTIVE_STATUSES:
        raise Conflict(refusal)
    return locked


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _record(
    actor: Actor,
    enrolment: Enrolment,
    kind: str,
    *,
    reason: str = "",
    due_date_after: datetime.date | None = None,
) -> EnrolmentChange:
    return EnrolmentChange.objects.create(
        enrolment=enrolment,
        organisation_id=enrolment.organisation_id,
        kind=kind,
        due_date_before=enrolment.due_date,
        due_date_after=due_date_after,
        reason=reason,
        by_id=actor.user_id,
    )


@transaction.atomic
def enrolment_extend_due_date(
    *, actor: Actor, enrolment: Enrolment, due_date: datetime.date, reason: str
) -> Enrolment:
    """A manager moves an active enrolment's due date later (never earlier, never into the
    past), with a reason kept in its history."""
    _require_manageable(actor, enrolment)
    enrolment = _lock_active(
        enrolment, "Only an enrolment still in progress can get a new due date."
    )
    reason = reason_cleaned(reason)
    current = enrolment.due_date
    if current is not None and due_date <= current:
        message = f"Choose a date later than the current due date, {_long_date(current)}."
        raise HearthError(
            "The new due date must be later than the current one.", fields={"due_date": [message]}
        )
    if due_date < today():
        raise HearthError(
            "The due date is in the past.", fields={"due_date": ["Choose today or a later date."]}
        )
    _record(actor, enrolment, ChangeKind.EXTENDED, reason=reason, due_date_after=due_date)
    enrolment.due_date = due_date
    enrolment.save(update_fields=["due_date"])
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, actor: Actor, enrolment: Enrolment, reason: str = "") -> Enrolment:
    """Withdraw an active enrolment: a manager for their teams, with a reason kept in its
    history; a learner their own self-enrolment (a reason optional). Progress is kept for
    the record; reminders stop."""
    own_self_enrolment = (
        enrolment.learner_id == actor.user_id and enrolment.source == EnrolmentSource.SELF
    )
    if not own_self_enrolment:
        _require_manageable(actor, enrolment)
    enrolment = _lock_active(enrolment, "Only an enrolment still in progress can be withdrawn.")
    reason = reason_cleaned(reason, required=not own_self_enrolment)
    _record(actor, enrolment, ChangeKind.WITHDRAWN, reason=reason)
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.withdrawn_at = timezone.now()
    enrolment.save(update_fields=["status", "withdrawn_at"])
    return enrolment


def enrolment_chase_check(*, actor: Actor, enrolment: Enrolment) -> None:
    """May this actor chase this enrolment now? A manager (or org admin) of the learner's
    team, for training still in progress with a due date; refuses otherwise."""
    _require_manageable(actor, enrolment)
    if enrolment.status not in ACTIVE_STATUSES or enrolment.due_date is None:
        raise Conflict("Only training still in progress with a due date can be chased.")


@transaction.atomic
def enrolment_chase_record(*, actor: Actor, enrolment: Enrolment) -> EnrolmentChange:
    """Note in an enrolment's history that its learner was sent a reminder now, once the
    chase is allowed (enrolment_chase_check)."""
    enrolment_chase_check(actor=actor, enrolment=enrolment)
    return _record(actor, enrolment, ChangeKind.CHASED)
