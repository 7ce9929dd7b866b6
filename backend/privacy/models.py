"""UK GDPR duties on what Hearth holds (issue 17): subject access exports, erasure with
legal holds, each organisation's retention of leavers' records, and the organisation's
own export of everything it holds."""

from django.db import models
from django.utils import timezone

from accounts.models import Organisation, User, acting_person


class ExportStatus(models.TextChoices):
    PENDING = "pending", "Being prepared"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


class RetentionPolicy(models.Model):
    """How long an organisation keeps a leaver's records, and any legal hold on its
    training records. No policy row: leavers are kept until an admin erases them."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="retention_policy"
    )
    leaver_retention_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Erase a leaver's records this many months after they leave; empty: never "
        "automatically.",
    )
    legal_hold_years = models.PositiveSmallIntegerField(
        default=0,
        help_text="Keep training records this many years after a person leaves before any "
        "erasure (0: no hold).",
    )
    legal_hold_reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Retention for {self.organisation}"


class ExportBase(models.Model):
    """What both exports share: who asked and when, and the archive's state."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    requested_by = acting_person()
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["-requested_at", "-id"]


class SubjectAccessExport(ExportBase):
    """A copy of everything Hearth holds about `person` under `organisation`, built by the
    worker as a ZIP and downloadable until `expires_at`."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    covers_all_organisations = models.BooleanField(
        default=False,
        help_text="The person's own request: everything about them in every organisation "
        "(only they see it). Otherwise an org admin's, on their behalf: what `organisation` "
        "holds.",
    )
    file = models.FileField(upload_to="subject-access/", blank=True)

    class Meta(ExportBase.Meta):
        pass

    def __str__(self) -> str:
        return f"Subject access export {self.pk}"


class OrganisationExport(ExportBase):
    """All of an organisation's data as CSV and JSON in one archive (no lock-in)."""

    file = models.FileField(upload_to="organisation-exports/", blank=True)

    class Meta(ExportBase.Meta):
        pass

    def __str__(self) -> str:
        return f"Organisation export {self.pk}"


class ErasureStatus(models.TextChoices):
    POSTPONED = "postponed", "Postponed by a legal hold"
    DONE = "done", "Erased"


class ErasureSource(models.TextChoices):
    ADMIN = "admin", "An org admin"
    RETENTION = "retention", "The retention policy"


class Erasure(models.Model):
    """The erasure of `person`'s records held under `organisation`: done, or postponed
    by the organisation's legal hold until `due_on`. The person row stays (certificates
    and statistics refer to it), pseudonymised; this record holds nothing personal."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=16, choices=ErasureSource.choices)
    requested_by = acting_person()
    requested_at = models.DateTimeField(default=timezone.now)
    withhold_name = models.BooleanField(
        default=True, help_text="Withhold the person's name on their certificates' verify page."
    )
    status = models.CharField(max_length=16, choices=ErasureStatus.choices)
    due_on = models.DateField(null=True, blank=True)
    hold_reason = models.CharField(max_length=300, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person"], name="one_erasure_per_person_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"Erasure {self.pk}"
