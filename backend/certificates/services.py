"""The people-facing writes to certificates: recording one when a module is completed,
asking again for issue jobs, revoking and reissuing. Each asks for the issuing job
(tasks.issue_certificate, which runs issuing.py) after commit; ADR 0006.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.selectors import Actor
from certificates.identifiers import new_certificate_number, new_verification_code
from certificates.models import Certificate
from certificates.records import NEW_NUMBER_ATTEMPTS, certificate_get_or_create
from certificates.tasks import issue_certificate
from core.errors import Conflict, Forbidden
from core.jobs import enqueue_on_commit
from core.names import normalise_name
from core.reasons import reason_cleaned
from training.models import Enrolment

logger = logging.getLogger(__name__)


def certificate_create_for_completion(*, enrolment: Enrolment) -> Certificate:
    """Completion step: record the certificate (its face, number and verification code)
    in the completing transaction, and render, store and email it once that commits.

    The job is enqueued only after commit, so a rolled-back completion issues nothing.
    If the broker cannot take it, the completion and its certificate record still stand:
    the error is logged and `retry_failed_certificates` finds certificates left without
    a PDF.
    """
    certificate = certificate_get_or_create(enrolment=enrolment)
    _issue_after_commit(
        enrolment.pk, enrolment.organisation_id, certificate.learner_name, certificate.module_title
    )
    return certificate


def _issue_after_commit(
    enrolment_id: int, organisation_id: int | None, learner_name: str, module_title: str
) -> None:
    """Ask for the enrolment's issue job (core.jobs: recorded now, sent after commit)."""
    enqueue_on_commit(
        issue_certificate,
        enrolment_id,
        organisation_id=organisation_id,
        description=f"Certificate for {learner_name}: {module_title}",
    )


# --- issuing again by hand ----------------------------------------------------------------


@transaction.atomic
def certificate_issues_retry(*, enrolment_ids: list[int]) -> None:
    """Ask again for these enrolments' issue jobs (the retry command's step): each is due
    at once, retrying again if it had stopped, and sent after commit."""
    enrolments = Enrolment.objects.filter(pk__in=enrolment_ids).select_related("learner", "version")
    for enrolment in enrolments:
        _issue_after_commit(
            enrolment.pk,
            enrolment.organisation_id,
            enrolment.learner.full_name,
            enrolment.version.title,
        )


# --- revoking and reissuing (org admins) ---------------------------------------------------


def _require_issuer_admin(actor: Actor, certificate: Certificate) -> None:
    """Revoking and reissuing are for a signed-in admin of the certificate's organisation."""
    if actor.is_api_key or actor.user_id is None:
        raise Forbidden(
            "Revoking and reissuing certificates needs a signed-in organisation admin.",
            code="person_required",
        )
    if certificate.organisation_id not in actor.admin_organisation_ids:
        raise Forbidden("Only an admin of the organisation named on the certificate can do this.")


@transaction.atomic
def certificate_revoke(*, actor: Actor, certificate: Certificate, reason: str) -> Certificate:
    """An org admin revokes a certificate with a reason; /verify/ then says it is revoked
    and when. Revocation is final (ADR 0006)."""
    _require_issuer_admin(actor, certificate)
    cleaned = reason_cleaned(reason)
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise Conflict("This certificate is already revoked.")
    locked.revoked_at = timezone.now()
    locked.revoked_reason = cleaned
    locked.revoked_by_id = actor.user_id
    locked.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    logger.info("certificate %s revoked by user %s", locked.number, actor.user_id)
    return locked


@transaction.atomic
def certificate_reissue(*, actor: Actor, certificate: Certificate, reason: str) -> Certificate:
    """An org admin replaces a current certificate (after a name change, say): a new number
    and code with the learner's and organisation's names as they are now, the same
    achievement (module, version, competencies, completion date). The old one is
    superseded; its /verify/ page says so. The new PDF and email follow after commit."""
    _require_issuer_admin(actor, certificate)
    cleaned = reason_cleaned(reason)
    old = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("learner", "organisation")
        .get(pk=certificate.pk)
    )
    if old.superseded_at is not None:
        raise Conflict("This certificate has already been replaced; reissue the newer one.")
    if old.revoked_at is not None:
        raise Conflict("A revoked certificate cannot be reissued.")
    now = timezone.now()
    old.superseded_at = now
    old.save(update_fields=["superseded_at"])
    for _ in range(NEW_NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                new = Certificate.objects.create(
                    enrolment_id=old.enrolment_id,
                    learner_id=old.learner_id,
                    module_id=old.module_id,
                    organisation=old.organisation,
                    number=new_certificate_number(year=now.year),
                    verification_code=new_verification_code(),
                    learner_name=normalise_name(old.learner.full_name),
                    module_title=old.module_title,
                    module_version=old.module_version,
                    learning_minutes=old.learning_minutes,
                    organisation_name=old.organisation.name
                    if old.organisation
                    else old.organisation_name,
                    competencies=old.competencies,
                    completed_at=old.completed_at,
                    issued_at=now,
                    issued_by_id=actor.user_id,
                    supersedes=old,
                    reissue_reason=cleaned,
                )
        except IntegrityError:
            continue  # a random number or code collided; draw again
        break
    else:
        raise IntegrityError("could not draw a free certificate number")
    _issue_after_commit(new.enrolment_id, new.organisation_id, new.learner_name, new.module_title)
    logger.info("certificate %s reissued as %s by user %s", old.number, new.number, actor.user_id)
    return new
