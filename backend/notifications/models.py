"""The reminder log (the at-most-once key), email preferences and mandatory kinds."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organisation


class Kind(models.TextChoices):
    """What a reminder is about. The kinds people can switch off on their preferences page."""

    DUE_SOON = "due_soon", "Training due soon"
    OVERDUE = "overdue", "Training overdue"
    ESCALATION = "escalation", "Overdue training in my team (managers)"
    COMPETENCY_EXPIRING = "competency_expiring", "Competency expiring"
    COMPETENCY_EXPIRED = "competency_expired", "Competency expired"
    DIGEST = "digest", "Weekly team digest (managers)"
    CERTIFICATE_READY = "certificate_ready", "Certificate ready"


class Status(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed permanently"
    SKIPPED = "skipped", "Not sent (opted out)"


class ReminderLog(models.Model):
    """One reminder to one person about one object in one window, sent at most once.

    The unique key (person, kind, object, window) is what makes every reminder
    at-most-once: planning inserts rows with ON CONFLICT DO NOTHING, and a row is
    claimed (pending -> sending) before its email goes out.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    object_type = models.CharField(max_length=24)
    object_id = models.BigIntegerField()
    window = models.CharField(max_length=24, db_column="reminder_window")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    planned_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    context = models.JSONField(
        default=dict, blank=True, help_text="For event reminders: what the email should say."
    )

    class Meta:
        ordering = ["-planned_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "object_type", "object_id", "window"],
                name="reminder_once_per_window",
            )
        ]
        indexes = [
            models.Index(fields=["status", "planned_at"]),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.window} for {self.person_id} ({self.status})"


class EmailOptOut(models.Model):
    """A person does not want a kind of email (unless their organisation makes it mandatory)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="opt_out_once")]

    def __str__(self) -> str:
        return f"{self.person_id} opted out of {self.kind}"


class MandatoryKind(models.Model):
    """An organisation keeps this kind of email reaching its people whatever they choose."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="mandatory_email_kinds"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="mandatory_kind_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} makes {self.kind} mandatory"
