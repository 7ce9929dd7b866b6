"""Training an organisation requires, renewed on a period, who is exempt from it, the
training people did elsewhere that counts towards it, and the starter definitions
(statutory and mandatory subjects) an organisation adopts its requirements from."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation, Role, Team, acting_person, record_organisation
from training.models import Module

DEFAULT_GRACE_DAYS = 30


class DefinitionSet(models.TextChoices):
    CSTF = "cstf", "Core Skills Training Framework"
    CARE_CERTIFICATE = "care_certificate", "Care Certificate"


class RequirementDefinition(models.Model):
    """A statutory or mandatory subject as shipped (content/requirements/*.yaml): what it
    is and its usual refresher interval. Platform data; an organisation adopts one as a
    TrainingRequirement of its own and edits that, never this."""

    code = models.SlugField(max_length=60, unique=True)
    set = models.CharField(max_length=20, choices=DefinitionSet.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    renewal_months = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(120)], help_text="The usual refresher interval; 0: once."
    )
    audience = models.CharField(
        max_length=200, blank=True, help_text="Who it is usually required of."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["set", "position", "code"]

    def __str__(self) -> str:
        return f"{self.get_set_display()}: {self.title}"


class TrainingRequirement(models.Model):
    """Training everyone in an organisation (or one team, or one role) must have done,
    again every `renewal_months` (0: once is enough). Renewal opens `window_days` before
    the last valid day. Met by completing the module under the organisation (the person
    is enrolled again when renewal opens) or by training done elsewhere recorded against
    it (a TrainingRecord); a requirement with no module is met by records only (an
    external provider's course or a face-to-face session)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="training_requirements"
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="training_requirements",
        help_text="Empty: the whole organisation.",
    )
    role = models.CharField(
        max_length=16, choices=Role.choices, blank=True, help_text="Empty: every role."
    )
    module = models.ForeignKey(
        Module,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requirements",
        help_text="Empty: met only by training recorded as done elsewhere.",
    )
    definition = models.ForeignKey(
        RequirementDefinition,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
        help_text="The starter subject this was adopted from, if any.",
    )
    renewal_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MaxValueValidator(120)],
        help_text="Months a completion stays valid; 0: it never expires.",
    )
    window_days = models.PositiveSmallIntegerField(
        default=60,
        validators=[MaxValueValidator(365)],
        help_text="Days before expiry when renewal opens and the person is enrolled again.",
    )
    title = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name", "module__slug", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "team", "role", "module"],
                condition=Q(team__isnull=False),
                name="training_requirement_unique_in_team",
            ),
            models.UniqueConstraint(
                fields=["organisation", "role", "module"],
                condition=Q(team__isnull=True),
                name="training_requirement_unique_in_org",
            ),
            models.UniqueConstraint(
                fields=["organisation", "team", "role", "definition"],
                condition=Q(team__isnull=False, definition__isnull=False),
                name="training_requirement_definition_once_in_team",
            ),
            models.UniqueConstraint(
                fields=["organisation", "role", "definition"],
                condition=Q(team__isnull=True, definition__isnull=False),
                name="training_requirement_definition_once_in_org",
            ),
            models.CheckConstraint(
                condition=Q(module__isnull=False) | ~Q(title=""),
                name="training_requirement_named",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """What people call it: its own title, else its module's current title (select
        module__current_version to read it without a query)."""
        if self.title or self.module is None:
            return self.title
        version = self.module.current_version
        return version.title if version is not None else self.module.slug

    def clean(self) -> None:
        """The team and an organisation's own module belong to the requirement's
        organisation; renewal opens within the renewal period."""
        if self.team is not None and self.team.organisation_id != self.organisation_id:
            raise ValidationError({"team": "Choose a team of this organisation."})
        if self.module_id is None and not self.title:
            raise ValidationError({"title": "Name a requirement that has no module."})
        if self.renewal_months and self.window_days >= self.renewal_months * 28:
            raise ValidationError({"window_days": "Open renewal within the renewal period."})
        module_organisation = self.module.organisation_id if self.module is not None else None
        if module_organisation not in (None, self.organisation_id):
            raise ValidationError({"module": "Choose a shared module or one of yours."})


class Exemption(models.Model):
    """A person excused from one requirement until a date, for a stated reason."""

    requirement = models.ForeignKey(
        TrainingRequirement, on_delete=models.CASCADE, related_name="exemptions"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exemptions"
    )
    reason = models.TextField()
    ends_on = models.DateField(help_text="The last day the exemption holds.")
    created_by = acting_person(related_name="exemptions_made")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-ends_on", "-pk"]
        indexes = [models.Index(fields=["requirement", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.person} exempt from {self.requirement} until {self.ends_on}"


class ComplianceSettings(models.Model):
    """An organisation's own rules for required training."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="compliance_settings"
    )
    grace_days = models.PositiveSmallIntegerField(
        default=DEFAULT_GRACE_DAYS,
        validators=[MaxValueValidator(365)],
        help_text="Days a new starter (or anyone a new requirement applies to) has to "
        "complete it before it counts as overdue.",
    )

    class Meta:
        verbose_name_plural = "compliance settings"

    def __str__(self) -> str:
        return f"Compliance settings of {self.organisation}"


class RecordKind(models.TextChoices):
    EXTERNAL_COURSE = "external_course", "External course"
    FACE_TO_FACE = "face_to_face", "Face-to-face session"
    PRIOR_LEARNING = "prior_learning", "Prior learning"
    HEARTH_CERTIFICATE = "hearth_certificate", "Hearth certificate from another organisation"


class TrainingRecord(models.Model):
    """Training a person did outside this organisation's own modules, verified by the
    manager or admin who recorded it, counting towards one requirement from the day it
    was completed. Made under the requirement's organisation (ADR 0012)."""

    organisation = record_organisation(related_name="training_records")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records"
    )
    requirement = models.ForeignKey(
        TrainingRequirement, on_delete=models.CASCADE, related_name="records"
    )
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=200, blank=True)
    completed_on = models.DateField()
    evidence_file = models.FileField(upload_to="training-records/%Y/%m/", blank=True)
    certificate_number = models.CharField(
        max_length=32, blank=True, help_text="A recognised Hearth certificate's number."
    )
    notes = models.TextField(blank=True)
    verified_by = acting_person(related_name="training_records_verified")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "requirement", "person"])]
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "person", "certificate_number"],
                condition=~Q(certificate_number=""),
                name="training_record_certificate_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_kind_display()}) for {self.person}"
