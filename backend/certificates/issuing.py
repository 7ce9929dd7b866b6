"""Worker side of certificates: the issuing job (run by tasks.issue_certificate), which
renders and stores a certificate's PDF and sends its "certificate ready" email.

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
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus, certificate_pdf_path
from certificates.records import certificate_get_or_create
from core.email import email_message, mail_domain
from core.errors import Conflict
from notifications.models import Kind
from notifications.selectors import email_wanted
from training.models import Enrolment, EnrolmentStatus

logger = logging.getLogger(__name__)


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
