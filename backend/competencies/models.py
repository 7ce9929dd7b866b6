"""Frameworks, competencies, requirements and the append-only assessment record."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, Team, record_organisation
from core.codes import codes_of
from training.models import Enrolment, Module


class Domain(models.TextChoices):
    """The starter framework's five domains (DOMAIN.md)."""

    UNDERSTAND = "understand", "Understand"
    IDENTIFY = "identify", "Identify"
    ACT = "act", "Act"
    COLLABORATE = "collaborate", "Collaborate"
    LEAD = "lead", "Lead"


class Level(models.IntegerChoices):
    AWARENESS = 1, "1 Awareness"
    PRACTITIONER = 2, "2 Practitioner"
    LEAD = 3, "3 Lead"


class Indicator(models.TextChoices):
    """The memorandum's seven indicators of success."""

    STRATEGIC_PLANNING = "strategic_planning", "Better strategic planning"
    PREVENTATIVE_ROLE = (
        "preventative_role",
        "Better understanding of the preventative role of housing",
    )
    COLLABORATIVE_CARE = "collaborative_care", "Greater collaborative care"
    USE_OF_RESOURCES = "use_of_resources", "Better use of resources"
    SIGNPOSTING = "signposting", "Improved signposting"
    SHARED_LEARNING = "shared_learning", "More shared learning"
    SECTOR_ENGAGEMENT = "sector_engagement", "Wider sector engagement"


class Framework(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Competency(models.Model):
    """Something a worker can be assessed as able to do, valid for a period."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competencies")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    description = models.TextField()
    domain = models.CharField(max_length=16, choices=Domain.choices)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    indicators = models.CharField(
        max_length=200, blank=True, help_text="Comma-wrapped indicator codes."
    )
    validity_months = models.PositiveSmallIntegerField(
        default=24, help_text="0 means it does not expire."
    )
    modules = models.ManyToManyField(
        Module, through="ModuleCompetency", related_name="competencies", blank=True
    )

    class Meta:
        ordering = ["framework", "code"]
        verbose_name_plural = "competencies"
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="competency_code_unique"),
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=3), name="level_1_3"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def indicator_codes(self) -> list[str]:
        return codes_of(self.indicators)


class ModuleCompetency(models.Model):
    """Completing the module at its pass mark awards the competency."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="awards")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="awards")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["module", "competency"], name="module_competency_once")
        ]

    def __str__(self) -> str:
        return f"{self.module_id} awards {self.competency_id}"


class Requirement(models.Model):
    """A team (or one role within it) requires a competency at a level."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="requirements")
    role = models.CharField(
        max_length=16, choices=Role.choices, blank=True, help_text="Empty: everyone in the team."
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="requirements"
    )
    level = models.PositiveSmallIntegerField(choices=Level.choices)

    class Meta:
        ordering = ["team", "competency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "role", "competency"], name="requirement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} requires {self.competency} at {self.level}"


class Method(models.TextChoices):
    QUIZ = "quiz", "Quiz (module completed)"
    OBSERVATION = "observation", "Observation"
    EVIDENCE = "evidence", "Evidence review"


class Outcome(models.TextChoices):
    COMPETENT = "competent", "Competent"
    NOT_YET_COMPETENT = "not_yet_competent", "Not yet competent"


class AppendOnlyError(Exception):
    """Assessments are never edited or deleted: record a correction instead."""


class Assessment(models.Model):
    """One judgement of a learner's competence. Append-only: a correction is a new
    assessment that supersedes an earlier one, which stays in the history."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments"
    )
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="assessments")
    organisation = record_organisation()
    method = models.CharField(max_length=16, choices=Method.choices)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments_made",
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    evidence_note = models.TextField(blank=True)
    evidence_file = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    assessed_at = models.DateTimeField()
    valid_until = models.DateField(null=True, blank=True, help_text="Empty: does not expire.")
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "competency"],
                condition=Q(enrolment__isnull=False),
                name="assessment_once_per_completion",
            ),
            models.CheckConstraint(
                condition=~Q(method="quiz") | Q(enrolment__isnull=False),
                name="quiz_assessment_has_enrolment",
            ),
            models.CheckConstraint(
                condition=Q(method="quiz") | Q(assessor__isnull=False),
                name="assessment_has_assessor",
            ),
            models.CheckConstraint(
                condition=~Q(assessor=models.F("learner")), name="no_self_assessment"
            ),
        ]
        indexes = [
            models.Index(fields=["learner", "competency", "assessed_at"]),
            models.Index(fields=["competency", "valid_until"]),
        ]

    def __str__(self) -> str:
        return f"{self.competency_id} for {self.learner_id}: {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Assessments cannot be changed; record a correction.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Assessments cannot be deleted; record a correction.")
