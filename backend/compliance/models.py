"""Training an organisation requires, renewed on a period, and who is exempt from it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation, Role, Team, acting_person
from training.models import Module

DEFAULT_GRACE_DAYS = 30


class TrainingRequirement(models.Model):
    """A module everyone in an organisation (or one team, or one role) must have completed,
    again every `renewal_months` (0: once is enough). Renewal opens `window_days` before
    the last valid day: the person is enrolled again then."""

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
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="requirements")
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
        ]

    def __str__(self) -> str:
        return self.title or f"{self.module} for {self.team or self.organisation}"

    def clean(self) -> None:
        """The team and an organisation's own module belong to the requirement's
        organisation; renewal opens within the renewal period."""
        if self.team is not None and self.team.organisation_id != self.organisation_id:
            raise ValidationError({"team": "Choose a team of this organisation."})
        if self.renewal_months and self.window_days >= self.renewal_months * 28:
            raise ValidationError({"window_days": "Open renewal within the renewal period."})
        module_organisation = self.module.organisation_id if self.module_id else None
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
