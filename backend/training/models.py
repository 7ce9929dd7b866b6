"""Modules (versioned), lessons, quizzes, enrolments and progress."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation, Sector, Team, acting_person, record_organisation
from core.codes import codes_of


class Topic(models.Model):
    """A subject a module covers (for the catalogue's filters)."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Module(models.Model):
    """A learning module's stable identity. Its content lives in versions.

    `organisation` is empty for Hearth's shared curriculum and set for an
    organisation's own modules (visible only to its people).
    """

    slug = models.SlugField(max_length=80)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="modules"
    )
    current_version = models.OneToOneField(
        "ModuleVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Catalogue facets, copied from the current version on publish.
    sectors = models.CharField(
        max_length=120, blank=True, help_text="Comma-wrapped sector codes, e.g. ',health,housing,'."
    )
    topics = models.ManyToManyField(Topic, related_name="modules", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(organisation__isnull=True), name="module_slug_shared"
            ),
            models.UniqueConstraint(
                fields=["organisation", "slug"],
                condition=Q(organisation__isnull=False),
                name="module_slug_per_org",
            ),
        ]

    def __str__(self) -> str:
        return self.slug

    @property
    def sector_codes(self) -> list[str]:
        return codes_of(self.sectors)

    @property
    def sector_labels(self) -> list[str]:
        labels = dict(Sector.choices)
        return [str(labels.get(code, code)) for code in self.sector_codes]


class ModuleVersion(models.Model):
    """One published state of a module. Enrolments keep the version they started."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField()
    estimated_minutes = models.PositiveIntegerField(default=20)
    pass_mark = models.PositiveSmallIntegerField(default=80, help_text="Percent needed to pass.")
    max_attempts = models.PositiveSmallIntegerField(default=0, help_text="0 means unlimited.")
    quiz_draw = models.PositiveSmallIntegerField(
        default=0, help_text="Questions drawn per attempt; 0 means all of them."
    )
    retry_wait_minutes = models.PositiveIntegerField(
        default=0, help_text="Minutes a learner waits after a failed attempt."
    )
    content_hash = models.CharField(max_length=64)
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["module", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["module", "number"], name="module_version_unique"),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0) & Q(pass_mark__lte=100), name="pass_mark_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"

    def attempts_left(self, made: int) -> int | None:
        """How many more quiz attempts a learner who made `made` has; None when unlimited."""
        if not self.max_attempts:
            return None
        return max(self.max_attempts - made, 0)


class Lesson(models.Model):
    """An ordered lesson; body_html is sanitised Markdown, rendered once on import."""

    version = models.ForeignKey(ModuleVersion, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    body_markdown = models.TextField()
    body_html = models.TextField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="lesson_position_unique")
        ]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Choose one answer"
    MULTIPLE = "multiple", "Choose all that apply"


class Question(models.Model):
    """A quiz question of a module version; its explanation shows only once the learner
    passed or is out of attempts (quizzes.quiz_answers_shown)."""

    version = models.ForeignKey(ModuleVersion, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=40)
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=QuestionKind.choices)
    text = models.TextField()
    explanation = models.TextField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="question_key_unique"),
            models.UniqueConstraint(
                fields=["version", "position"], name="question_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="choice_position_unique")
        ]

    def __str__(self) -> str:
        return self.text[:60]


class EnrolmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


ACTIVE_STATUSES = (EnrolmentStatus.NOT_STARTED, EnrolmentStatus.IN_PROGRESS)


class EnrolmentSource(models.TextChoices):
    SELF = "self", "Self-enrolled"
    ASSIGNED = "assigned", "Assigned"
    RENEWAL = "renewal", "Renewal of a requirement"


class Enrolment(models.Model):
    """A learner taking one version of a module under an organisation; at most one active
    per learner, module and organisation."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="enrolments")
    version = models.ForeignKey(ModuleVersion, on_delete=models.PROTECT, related_name="enrolments")
    organisation = record_organisation(related_name="enrolments")
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrolments"
    )
    source = models.CharField(max_length=16, choices=EnrolmentSource.choices)
    assigned_by = acting_person(related_name="assignments_made")
    status = models.CharField(
        max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.NOT_STARTED
    )
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One active enrolment per learner and module in each organisation (ADR 0012:
            # one organisation's assignment never meets, or reveals, another's).
            models.UniqueConstraint(
                fields=["learner", "module", "organisation"],
                condition=Q(status__in=["not_started", "in_progress"], organisation__isnull=False),
                name="enrolment_one_active_per_module_in_org",
            ),
            models.UniqueConstraint(
                fields=["learner", "module"],
                condition=Q(status__in=["not_started", "in_progress"], organisation__isnull=True),
                name="enrolment_one_active_per_module_no_org",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="enrolment_completed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["learner", "status"]),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["team", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} on {self.module_id} v{self.version_id}"


class LessonProgress(models.Model):
    """A lesson done within an enrolment; recording it again changes nothing."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    organisation = record_organisation(
        help_text="The enrolment's organisation: scope follows it (ADR 0012)."
    )
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["enrolment", "lesson__position"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="lesson_progress_once")
        ]

    def __str__(self) -> str:
        return f"lesson {self.lesson_id} done in enrolment {self.enrolment_id}"


class QuizAttempt(models.Model):
    """One submitted quiz, scored on the server. Answers map each drawn question's key to
    the chosen choice ids: its keys are the questions this attempt drew (docs/adr/0017)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attempts")
    organisation = record_organisation(
        help_text="The enrolment's organisation: scope follows it (ADR 0012)."
    )
    number = models.PositiveSmallIntegerField()
    answers = models.JSONField()
    correct_count = models.PositiveSmallIntegerField()
    question_count = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(help_text="Percent correct, rounded down.")
    passed = models.BooleanField()
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["enrolment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "number"], name="quiz_attempt_number"),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of enrolment {self.enrolment_id}: {self.score}%"


class ChangeKind(models.TextChoices):
    EXTENDED = "extended", "Due date extended"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CHASED = "chased", "Reminder sent"


class EnrolmentChange(models.Model):
    """What a manager did to an enrolment, and why: its history. Written with the change
    itself and never edited. Scope follows the enrolment's organisation (ADR 0012)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="changes")
    organisation = record_organisation(
        help_text="The enrolment's organisation: scope follows it (ADR 0012)."
    )
    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    due_date_before = models.DateField(null=True, blank=True)
    due_date_after = models.DateField(null=True, blank=True)
    reason = models.TextField(
        blank=True,
        help_text="Why: required to extend, and for a manager's withdrawal (a learner may "
        "withdraw their own self-enrolment without one).",
    )
    by = acting_person(help_text="Who made the change.")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["enrolment", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="extended") | ~Q(reason=""),
                name="enrolment_change_extension_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} enrolment {self.enrolment_id} at {self.at:%Y-%m-%d %H:%M}"
