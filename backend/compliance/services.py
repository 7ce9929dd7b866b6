"""A manager's writes about one person's required training: training done elsewhere
recorded against a requirement (with its evidence and the manager as verifier), and an
exemption with a reason and an end date. A recognised Hearth certificate from another
organisation is recorded through `training_record_add` too (certificates.recognition
checks the certificate first).

Who may: a manager of a team the person is a learner in, an admin of the requirement's
organisation, or its read-write API key (the record then names no verifier); the
requirement must apply to the person. Anyone else, and
any requirement that does not apply, is not found (ADR 0012)."""

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from accounts.models import Membership, MembershipStatus, Role
from accounts.selectors import Actor
from competencies.evidence import evidence_file_checked
from compliance.models import Exemption, RecordKind, TrainingRecord, TrainingRequirement
from compliance.selectors import PersonStanding, requirement_standings
from compliance.states import MET
from core.errors import Forbidden, HearthError, NotFound
from core.reasons import reason_cleaned
from training.models import ACTIVE_STATUSES, Enrolment, EnrolmentSource
from training.selectors import today
from training.services_changes import enrolment_withdraw

EXEMPTION_LONGEST_DAYS = 3 * 366
TITLE_MAX = 200


def _require_writer(actor: Actor) -> None:
    if not actor.can_write:
        raise Forbidden("This API key is read-only.", code="read_only")


def requirement_standing_for_manager(
    *, actor: Actor, person_id: int, requirement_id: int
) -> PersonStanding:
    """The person's standing in a requirement the actor may act on: the person is a
    learner in a team the actor manages, or in the organisation they administer, and the
    requirement is that organisation's and applies to them. Else not found."""
    requirement = TrainingRequirement.objects.filter(pk=requirement_id).first()
    if requirement is None:
        raise NotFound("No such requirement.")
    managed = Membership.objects.filter(
        user_id=person_id,
        organisation_id=requirement.organisation_id,
        role=Role.LEARNER,
        status=MembershipStatus.ACTIVE,
    )
    if requirement.organisation_id not in actor.admin_organisation_ids:
        managed = managed.filter(team_id__in=actor.managed_team_ids)
    if not managed.exists():
        raise NotFound("No such requirement.")
    for row in requirement_standings(
        organisation_id=requirement.organisation_id, person_ids=[person_id]
    ):
        if row.requirement.pk == requirement.pk:
            return row
    raise NotFound("No such requirement.")


def _completed_on_checked(completed_on: datetime.date | None) -> datetime.date:
    if completed_on is None:
        raise HearthError(
            "Say when the training was completed.",
            fields={"completed_on": ["Enter the day it was completed."]},
        )
    if completed_on > today():
        raise HearthError(
            "Training cannot be recorded before it is done.",
            fields={"completed_on": ["Enter today or an earlier day."]},
        )
    return completed_on


@transaction.atomic
def training_record_add(
    *,
    actor: Actor,
    person_id: int,
    requirement_id: int,
    kind: str,
    title: str,
    completed_on: datetime.date | None,
    provider: str = "",
    evidence_file: UploadedFile | None = None,
    certificate_number: str = "",
    notes: str = "",
) -> TrainingRecord:
    """Record training the person did elsewhere against one requirement, verified by the
    actor. It counts from the day it was completed. A certificate already recorded
    against the requirement is refused (the record it made still counts)."""
    _require_writer(actor)
    row = requirement_standing_for_manager(
        actor=actor, person_id=person_id, requirement_id=requirement_id
    )
    if kind not in RecordKind.values:
        raise HearthError(
            "Choose what kind of training it was.", fields={"kind": ["Choose a kind."]}
        )
    title = title.strip()
    if not title:
        raise HearthError(
            "Name the course or session.", fields={"title": ["Enter the course's name."]}
        )
    if len(title) > TITLE_MAX:
        raise HearthError(
            "Keep the name to 200 characters or fewer.",
            fields={"title": ["Shorten the name to 200 characters or fewer."]},
        )
    day = _completed_on_checked(completed_on)
    if evidence_file is not None:
        evidence_file = evidence_file_checked(evidence_file)
    record = TrainingRecord(
        organisation_id=row.requirement.organisation_id,
        person_id=person_id,
        requirement=row.requirement,
        kind=kind,
        title=title,
        provider=provider.strip()[:TITLE_MAX],
        completed_on=day,
        certificate_number=certificate_number,
        notes=notes.strip(),
        verified_by_id=actor.user_id,
    )
    if evidence_file is not None:
        record.evidence_file = evidence_file
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as error:
        raise HearthError(
            "This certificate is already recorded against this requirement.",
            code="already_recorded",
            fields={"code": ["Already recorded for this person."]},
            status=409,
        ) from error
    _renewals_now_met_withdraw(actor, row, record)
    return record


def _renewals_now_met_withdraw(
    actor: Actor, before: PersonStanding, record: TrainingRecord
) -> None:
    """A renewal enrolment Hearth made for the requirement is withdrawn once the record
    meets it, so nobody repeats training they hold; an assigned one stays (a manager
    chose it)."""
    module_id = before.requirement.module_id
    if module_id is None:
        return
    after = requirement_standing_for_manager(
        actor=actor, person_id=record.person_id, requirement_id=before.requirement.pk
    )
    if after.standing.state not in MET:
        return
    renewals = Enrolment.objects.filter(
        organisation_id=before.requirement.organisation_id,
        learner_id=record.person_id,
        module_id=module_id,
        source=EnrolmentSource.RENEWAL,
        status__in=ACTIVE_STATUSES,
    )
    for enrolment in renewals:
        enrolment_withdraw(
            actor=actor,
            enrolment=enrolment,
            reason=f"Not needed: met by {record.title} ({record.get_kind_display().lower()}).",
        )


@transaction.atomic
def exemption_grant(
    *,
    actor: Actor,
    person_id: int,
    requirement_id: int,
    reason: str,
    ends_on: datetime.date | None,
) -> Exemption:
    """Excuse the person from one requirement until a day (at most three years ahead),
    for a stated reason. A later exemption replaces none: the latest end counts."""
    _require_writer(actor)
    row = requirement_standing_for_manager(
        actor=actor, person_id=person_id, requirement_id=requirement_id
    )
    if ends_on is None or ends_on < today():
        raise HearthError(
            "An exemption must end today or later.",
            fields={"ends_on": ["Enter today or a later day."]},
        )
    if (ends_on - today()).days > EXEMPTION_LONGEST_DAYS:
        raise HearthError(
            "An exemption can last three years at most; review it then.",
            fields={"ends_on": ["Enter a day within three years."]},
        )
    return Exemption.objects.create(
        requirement=row.requirement,
        person_id=person_id,
        reason=reason_cleaned(reason),
        ends_on=ends_on,
        created_by_id=actor.user_id,
    )
