"""Recognising a Hearth certificate another organisation issued (a new starter's
passport): the manager types the certificate's verification code, Hearth checks it is
genuine and the person's, and records it against one requirement as training done
elsewhere, so nobody repeats training they hold (ADR 0021)."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import Actor
from certificates.identifiers import normalise_code
from certificates.models import Certificate
from compliance.models import RecordKind, TrainingRecord
from compliance.services import requirement_standing_for_manager, training_record_add
from core.errors import HearthError, NotFound

NO_SUCH_CODE = "No certificate has this code. Check it against the certificate."


def _same_name(first: str, second: str) -> bool:
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def _refuse(message: str) -> HearthError:
    return HearthError(message, fields={"code": [message]})


def recognisable_certificate(*, code: str, person: User, organisation_id: int) -> Certificate:
    """The current certificate a verification code (or its /verify/ address) names,
    issued under another organisation to this person (the same account, or the same
    name on it); refused with the reason otherwise. The reasons say no more than
    /verify/ already does."""
    normalised = normalise_code(code.strip().rstrip("/").rsplit("/", 1)[-1])
    certificate = (
        Certificate.objects.select_related("enrolment").filter(verification_code=normalised).first()
        if normalised
        else None
    )
    if certificate is None:
        raise _refuse(NO_SUCH_CODE)
    if certificate.revoked_at is not None:
        raise _refuse("This certificate was revoked; it cannot count.")
    if certificate.superseded_at is not None:
        raise _refuse("This certificate was replaced; use the code on the new one.")
    if certificate.enrolment.organisation_id == organisation_id:
        raise _refuse(
            "Your organisation issued this certificate; its completion counts already "
            "where its module is required."
        )
    if certificate.learner_id != person.pk and not _same_name(
        certificate.learner_name, person.full_name
    ):
        raise _refuse(f"This certificate is not {person.full_name}'s.")
    return certificate


@transaction.atomic
def certificate_recognise(
    *, actor: Actor, person_id: int, requirement_id: int, code: str
) -> TrainingRecord:
    """Record another organisation's certificate against the person's requirement,
    completed on the day the certificate says. Recognising it twice is refused (the
    first record stands)."""
    row = requirement_standing_for_manager(
        actor=actor, person_id=person_id, requirement_id=requirement_id
    )
    person = User.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound("No such person.")
    certificate = recognisable_certificate(
        code=code, person=person, organisation_id=row.requirement.organisation_id
    )
    return training_record_add(
        actor=actor,
        person_id=person_id,
        requirement_id=requirement_id,
        kind=RecordKind.HEARTH_CERTIFICATE,
        title=certificate.module_title,
        provider=certificate.organisation_name,
        completed_on=timezone.localdate(certificate.completed_at),
        certificate_number=certificate.number,
        notes=f"Certificate {certificate.number}, checked by its verification code.",
    )
