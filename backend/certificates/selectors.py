"""Reads of certificates: scoped through accounts.selectors, except public verification,
which shows only what is printed on a certificate."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from accounts.selectors import Actor, jobs_visible_to, records_visible_filter
from certificates.identifiers import normalise_code
from certificates.models import Certificate
from core.errors import Conflict, NotFound
from core.models import Job
from training.models import Enrolment, EnrolmentStatus


def certificates_visible_to(actor: Actor) -> QuerySet[Certificate]:
    """Certificates in scope: all one's own; of a manager's teams, an org admin's (or API
    key's) organisation, those issued under that organisation only. Newest first."""
    return (
        Certificate.objects.filter(records_visible_filter(actor))
        .select_related("superseded_by")
        .order_by("-issued_at", "-pk")
    )


def certificate_get(*, actor: Actor, certificate_id: int) -> Certificate:
    """A certificate in the actor's scope; anything else is not found."""
    certificate = certificates_visible_to(actor).filter(pk=certificate_id).first()
    if certificate is None:
        raise NotFound("No such certificate.")
    return certificate


def certificate_pdf_file(certificate: Certificate) -> FieldFile:
    """The certificate's stored PDF; a Conflict while the worker is still preparing it,
    not found once erasure deleted it (the same answers for the page and the API)."""
    if not certificate.pdf:
        raise Conflict("The PDF is still being prepared; try again in a minute.")
    if not certificate.pdf.storage.exists(str(certificate.pdf.name)):
        # Erased at the holder's request (issue 17): the certificate still verifies.
        raise NotFound("This certificate's PDF was erased; the certificate still verifies.")
    return certificate.pdf


def certificates_of(actor: Actor) -> QuerySet[Certificate]:
    """The actor's own certificates (none for an API key), newest first."""
    if actor.user_id is None:
        return Certificate.objects.none()
    return (
        Certificate.objects.filter(learner_id=actor.user_id)
        .select_related("superseded_by")
        .order_by("-issued_at", "-pk")
    )


def current_certificates_by_enrolment(*, enrolment_ids: list[int]) -> dict[int, tuple[int, bool]]:
    """These enrolments' current (not superseded) certificates as {enrolment id:
    (certificate id, PDF ready)}, in one query: the read training's pages name in
    settings.HEARTH_CERTIFICATE_LOOKUP. Callers pass only their own scoped enrolments."""
    rows = Certificate.objects.filter(
        enrolment_id__in=enrolment_ids, superseded_at__isnull=True
    ).values_list("enrolment_id", "pk", "pdf")
    return {enrolment_id: (pk, bool(pdf)) for enrolment_id, pk, pdf in rows}


def certificates_of_others_visible_to(actor: Actor) -> QuerySet[Certificate]:
    """Other people's certificates in scope (a manager's teams, an admin's organisation)."""
    queryset = certificates_visible_to(actor)
    if actor.user_id is not None:
        queryset = queryset.exclude(learner_id=actor.user_id)
    return queryset


@dataclass(frozen=True)
class Verification:
    """What /verify/ may say: the certificate's printed face and whether it stands. Built
    field by field so nothing else (email, ids, reasons) can leak onto the page."""

    status: str
    number: str
    learner_name: str
    module_title: str
    module_version: int
    organisation_name: str
    competencies: list[dict[str, str]]
    completed_on: datetime.date
    issued_on: datetime.date
    revoked_on: datetime.date | None
    superseded_on: datetime.date | None


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None


def verification_get(*, code: str) -> Verification:
    """The public verification of a /verify/ code. An impossible or unknown code is not
    found (the same answer either way)."""
    normalised = normalise_code(code)
    certificate = (
        Certificate.objects.filter(verification_code=normalised).first() if normalised else None
    )
    if certificate is None:
        raise NotFound("No certificate has this code.")
    return Verification(
        status=certificate.status,
        number=certificate.number,
        learner_name=certificate.learner_name,
        module_title=certificate.module_title,
        module_version=certificate.module_version,
        organisation_name=certificate.organisation_name,
        competencies=[
            {"code": str(line["code"]), "title": str(line["title"])}
            for line in certificate.competencies
        ],
        completed_on=timezone.localdate(certificate.completed_at),
        issued_on=timezone.localdate(certificate.issued_at),
        revoked_on=_local_date(certificate.revoked_at),
        superseded_on=_local_date(certificate.superseded_at),
    )


def _issued(enrolment: Any) -> Exists:
    """The enrolment has an issued current certificate: PDF stored and its email sent (or
    revoked before it could be)."""
    return Exists(
        Certificate.objects.filter(enrolment=enrolment, superseded_at__isnull=True)
        .exclude(pdf="")
        .filter(Q(email_sent_at__isnull=False) | Q(revoked_at__isnull=False))
    )


def _issue_task() -> str:
    """The name the certificate issue jobs (core.models.Job rows) carry."""
    from certificates.tasks import issue_certificate

    return str(issue_certificate.name)


def issue_jobs_failing_count(actor: Actor) -> int:
    """How many certificate jobs of the organisations an org admin (or key) administers
    have failed and are not done (retrying, or stopped): what /jobs/ lists for them.
    Nought for anyone else."""
    return jobs_visible_to(actor).filter(task=_issue_task(), done_at__isnull=True).count()


def enrolments_with_stopped_issue_jobs() -> list[int]:
    """Enrolments whose certificate job stopped retrying (a permanent error, or too many
    attempts) and is not done, oldest first: what `retry_failed_certificates` asks for
    again. A job's one argument is its enrolment's id."""
    jobs = Job.objects.filter(task=_issue_task(), gave_up_at__isnull=False, done_at__isnull=True)
    rows = jobs.order_by("gave_up_at", "pk").values_list("args", flat=True)
    return [int(args[0]) for args in rows]


def enrolments_awaiting_certificate(
    *, completed_before: datetime.datetime | None = None
) -> QuerySet[Enrolment]:
    """Completed enrolments whose certificate is not issued (no record, no PDF or no email),
    e.g. because the broker was down when they completed. Those completed in the last ten
    minutes are left to their own job."""
    before = completed_before or timezone.now() - datetime.timedelta(minutes=10)
    return (
        Enrolment.objects.filter(status=EnrolmentStatus.COMPLETED, completed_at__lt=before)
        .exclude(_issued(OuterRef("pk")))
        .order_by("completed_at", "pk")
    )
