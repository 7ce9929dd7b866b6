"""Every write to certificates goes through these functions.

Issuing is exactly once by construction (ADR 0006): the database allows one current
certificate per enrolment; its PDF is rendered under the certificate's row lock into
one file named by its number; and its email is claimed under the same lock, in the
same transaction, before it is sent. Each step checks what is already done, so the
job may run twice, three times at once, or again after a worker was killed, and still
ends with one certificate, one PDF and one email.
"""

import logging
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import Actor
from certificates.identifiers import new_certificate_number, new_verification_code
from certificates.models import (
    Certificate,
    CertificateStatus,
    certificate_pdf_path,
)
from competencies.selectors import competencies_evidenced_by
from core.email import email_message, mail_domain
from core.errors import Conflict, Forbidden, HearthError
from core.jobs import enqueue_on_commit
from core.names import normalise_name
from notifications.models import Kind
from notifications.selectors import email_wanted
from training.models import Enrolment, EnrolmentStatus

logger = logging.getLogger(__name__)

NEW_NUMBER_ATTEMPTS = 5
REASON_MAX_LENGTH = 500


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
    from certificates.tasks import issue_certificate

    enqueue_on_commit(
        issue_certificate,
        enrolment_id,
        organisation_id=organisation_id,
        description=f"Certificate for {learner_name}: {module_title}",
    )


# --- issuing: row, PDF, email -------------------------------------------------------------


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


def _pdf_render_and_store(certificate: Certificate) -> None:
    """Render the PDF and store it under the certificate's one file name (from its number),
    replacing any file a job killed before it committed left there."""
    logger.info("rendering certificate %s", certificate.number)
    if settings.CERTIFICATE_TEST_RENDER_DELAY:
        time.sleep(settings.CERTIFICATE_TEST_RENDER_DELAY)  # test-only hook (ADR 0006)
    from certificates.pdf import certificate_pdf  # WeasyPrint loads only where it renders

    pdf = certificate_pdf(certificate)
    name, storage = str(certificate.pdf.name), certificate.pdf.storage
    storage.delete(name)  # nothing there unless a killed job left it
    stored = storage.save(name, ContentFile(pdf))
    if stored != name:
        raise OSError(f"storage stored {stored!r} instead of {name!r}")


def _lock_current(enrolment_id: int) -> Certificate | None:
    """The enrolment's current certificate (the database allows one), its row locked until
    the transaction ends (SQLite, the embedded default, has one writer at a time and
    needs no row lock), with its learner for the email this job may send."""
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("learner")
        .filter(enrolment_id=enrolment_id, superseded_at__isnull=True)
        .first()
    )


def certificate_prepare(*, enrolment_id: int) -> tuple[Certificate, bool] | None:
    """Under the current certificate's row lock, in one transaction: render and store its
    PDF if it has none, and claim its "certificate ready" email if not yet sent. Returns
    the certificate and whether this call claimed the email (and so must send it), or
    None if the enrolment has no certificate yet.

    The file is stored before the row says so, and both before the commit, so the
    database says "stored" only once it is. A job running at the same time waits on the
    lock and then finds everything done. If the transaction fails (the database went away
    before the commit), the file this call stored is deleted again: no orphan. A job
    killed mid-render can leave only a file at the certificate's own name, which the
    relay's rerun replaces.
    """
    stored: list[str] = []
    try:
        return _prepare_locked(enrolment_id, stored)
    except BaseException:
        for name in stored:
            try:
                Certificate.pdf.field.storage.delete(name)
            except OSError:
                logger.exception("could not delete %s after a failed issue", name)
        raise


@transaction.atomic
def _prepare_locked(enrolment_id: int, stored: list[str]) -> tuple[Certificate, bool] | None:
    certificate = _lock_current(enrolment_id)
    if certificate is None:
        return None
    changed: dict[str, object] = {}
    if not certificate.pdf:
        certificate.pdf.name = certificate_pdf_path(certificate, "")
        _pdf_render_and_store(certificate)
        stored.append(certificate.pdf.name)
        changed["pdf"] = certificate.pdf.name
    # Under the row lock this check-then-set is a claim: no other job reads the row until
    # this transaction commits with email_sent_at set.
    email_claimed = (
        certificate.email_sent_at is None
        and certificate.status == CertificateStatus.CURRENT
        and email_wanted(
            person_id=certificate.learner_id,
            organisation_id=certificate.organisation_id,
            kind=Kind.CERTIFICATE_READY,
        )
    )
    if email_claimed:
        certificate.email_sent_at = changed["email_sent_at"] = timezone.now()
    if changed:
        Certificate.objects.filter(pk=certificate.pk).update(**changed)
    return certificate, email_claimed


def certificate_email(*, certificate: Certificate) -> EmailMultiAlternatives:
    """The "certificate ready" email. Its Message-ID is the certificate's, so a copy is
    recognisably the same email."""
    learner = certificate.learner
    site = settings.SITE_URL
    context = {
        "certificate": certificate,
        "first_name": learner.get_short_name(),
        "link": site + reverse("certificate", args=[certificate.pk]),
        "verify_url": certificate.verify_url,
    }
    subject = " ".join(f"Your Hearth certificate: {certificate.module_title}".split())
    text = render_to_string("email/certificate_ready.txt", context)
    html = render_to_string("email/certificate_ready.html", context)
    headers = {
        "Message-ID": f"<hearth.certificate.{certificate.number}@{mail_domain(site)}>",
        "Auto-Submitted": "auto-generated",
    }
    return email_message(
        sender=settings.DEFAULT_FROM_EMAIL,
        to=learner.email,
        subject=subject,
        text=text,
        html=html,
        headers=headers,
    )


def certificate_email_send(*, certificate: Certificate) -> None:
    """Send the "certificate ready" email whose claim this job holds; if sending fails,
    release the claim (so the retry sends it) and raise."""
    message = certificate_email(certificate=certificate)
    try:
        message.send()
    except Exception:
        Certificate.objects.filter(
            pk=certificate.pk, email_sent_at=certificate.email_sent_at
        ).update(email_sent_at=None)
        raise
    logger.info("certificate %s emailed to learner %s", certificate.number, certificate.learner_id)


def certificate_issue(*, enrolment_id: int) -> Certificate | None:
    """Issue a completed enrolment's certificate exactly once: one current certificate (the
    database refuses a second), one stored PDF, one email. Safe to run again at any
    point, or several times at once (a recorded failure is then no longer open). None if
    the enrolment is not completed."""
    prepared = certificate_prepare(enrolment_id=enrolment_id)
    if prepared is None:
        # Completed without a certificate record (before certificates existed, say).
        enrolment = (
            Enrolment.objects.select_related("learner", "version", "organisation")
            .filter(pk=enrolment_id, status=EnrolmentStatus.COMPLETED)
            .first()
        )
        if enrolment is None:
            logger.warning("no certificate for enrolment %s: not completed", enrolment_id)
            return None
        certificate_get_or_create(enrolment=enrolment)
        prepared = certificate_prepare(enrolment_id=enrolment_id)
        if prepared is None:
            raise Conflict(f"the certificate of enrolment {enrolment_id} vanished")
    certificate, email_claimed = prepared
    if email_claimed:
        certificate_email_send(certificate=certificate)
    return certificate


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


def _clean_reason(reason: str) -> str:
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise HearthError("Give a reason.", fields={"reason": ["Say why."]})
    if len(cleaned) > REASON_MAX_LENGTH:
        raise HearthError(
            "The reason is too long.",
            fields={"reason": [f"At most {REASON_MAX_LENGTH} characters."]},
        )
    return cleaned


@transaction.atomic
def certificate_revoke(*, actor: Actor, certificate: Certificate, reason: str) -> Certificate:
    """An org admin revokes a certificate with a reason; /verify/ then says it is revoked
    and when. Revocation is final (ADR 0006)."""
    _require_issuer_admin(actor, certificate)
    cleaned = _clean_reason(reason)
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
    cleaned = _clean_reason(reason)
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
