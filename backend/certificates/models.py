"""Certificates as issued.

A certificate's face (name, module, organisation, competencies, dates) is copied
when it is issued and never changes: a name change is a reissue, which makes a new
certificate and supersedes the old one. The database allows one current
(non-superseded) certificate per completed enrolment, whatever the workers do. An
issue job that fails is recorded on its core.models.Job row, like every background job
(ADR 0016).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import acting_person, record_organisation
from training.models import Enrolment, Module


def certificate_pdf_path(instance: "Certificate", filename: str) -> str:
    """One file per certificate, named by its number (committed before anything renders,
    so a rerun after a crash writes the same file again)."""
    return f"certificates/{instance.issued_at:%Y}/{instance.number}.pdf"


class CertificateStatus(models.TextChoices):
    """What /verify/ says about a certificate."""

    CURRENT = "current", "Genuine and current"
    REVOKED = "revoked", "Revoked"
    SUPERSEDED = "superseded", "Replaced by a newer certificate"


class Certificate(models.Model):
    """A completion certificate: what it says is frozen when it is issued."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="+")
    organisation = record_organisation()
    number = models.CharField(max_length=32, unique=True)
    verification_code = models.CharField(max_length=32, unique=True)
    learner_name = models.CharField(max_length=150)
    module_title = models.CharField(max_length=200)
    module_version = models.PositiveIntegerField()
    learning_minutes = models.PositiveIntegerField(
        default=0, help_text="The module's estimated learning time, for CPD records."
    )
    organisation_name = models.CharField(max_length=200, blank=True)
    competencies = models.JSONField(
        default=list, blank=True, help_text='As issued: [{"code": ..., "title": ...}].'
    )
    completed_at = models.DateTimeField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = acting_person(
        help_text="Who reissued it; empty when issued on completion.",
    )
    pdf = models.FileField(upload_to=certificate_pdf_path, max_length=200, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = acting_person()
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    reissue_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(superseded_at__isnull=True),
                name="certificate_one_current_per_enrolment",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""),
                name="certificate_revocation_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["learner", "issued_at"]),
            models.Index(fields=["organisation", "issued_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return CertificateStatus.REVOKED
        if self.superseded_at is not None:
            return CertificateStatus.SUPERSEDED
        return CertificateStatus.CURRENT

    @property
    def verify_url(self) -> str:
        """The absolute address printed on the certificate and in its QR code."""
        return f"{settings.SITE_URL}/verify/{self.verification_code}"
