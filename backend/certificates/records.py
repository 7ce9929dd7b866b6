"""The certificate record: a completed enrolment's one current certificate, created with
its face, a new number and a new verification code.

Both the completion step (services.certificate_create_for_completion) and the issuing
job (issuing.certificate_issue, for an enrolment completed without one) create it, and
neither imports the other, so it lives here, below both.
"""

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from certificates.identifiers import new_certificate_number, new_verification_code
from certificates.models import Certificate
from competencies.selectors import competencies_evidenced_by
from core.errors import Conflict
from core.names import normalise_name
from training.models import Enrolment, EnrolmentStatus

# How often to draw a new number and code when a random one collides.
NEW_NUMBER_ATTEMPTS = 5


def _face_of(enrolment: Enrolment) -> dict[str, object]:
    """What the certificate will say, copied from the records now."""
    organisation = enrolment.organisation
    return {
        "learner": enrolment.learner,
        "module_id": enrolment.module_id,
        "organisation": organisation,
        # Normalised again: a name stored before names were normalised on the way in.
        "learner_name": normalise_name(enrolment.learner.full_name),
        "module_title": enrolment.version.title,
        "module_version": enrolment.version.number,
        "learning_minutes": enrolment.version.estimated_minutes,
        "organisation_name": organisation.name if organisation else "",
        "competencies": [
            {"code": competency.code, "title": competency.title}
            for competency in competencies_evidenced_by(module_id=enrolment.module_id)
        ],
        "completed_at": enrolment.completed_at,
    }


def _current(enrolment_id: int) -> QuerySet[Certificate]:
    return Certificate.objects.filter(enrolment_id=enrolment_id, superseded_at__isnull=True)


def certificate_get_or_create(*, enrolment: Enrolment) -> Certificate:
    """The completed enrolment's current certificate, created with a new number and code
    if there is none. The database allows one current certificate per enrolment, so a
    second is impossible: whoever loses the race gets the winner's."""
    if enrolment.status != EnrolmentStatus.COMPLETED:
        raise Conflict("Only a completed enrolment has a certificate.")
    if existing := _current(enrolment.pk).first():
        return existing
    issued_at = timezone.now()
    for _ in range(NEW_NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    enrolment=enrolment,
                    number=new_certificate_number(year=issued_at.year),
                    verification_code=new_verification_code(),
                    issued_at=issued_at,
                    **_face_of(enrolment),
                )
        except IntegrityError:
            # Another job made it first (use theirs), or a random number or code collided
            # (draw again).
            if existing := _current(enrolment.pk).first():
                return existing
    raise IntegrityError(f"could not draw a free certificate number for enrolment {enrolment.pk}")
