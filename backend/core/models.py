"""Core's tables: the responses kept for idempotency keys (core.idempotency) and the
outbox of background jobs (core.jobs)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class IdempotencyRecord(models.Model):
    """One client's use of one `Idempotency-Key`: the request it came with and, once the
    request succeeded, the response to answer every repeat with. A row with no status is
    a request still running. The unique (actor, key) pair lets only one first request in.
    """

    actor = models.CharField(max_length=160, help_text="`api-key:<id>` or `user:<id>`.")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=2000, blank=True)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "key"], name="idempotency_actor_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.key}"


class JobState(models.TextChoices):
    PENDING = "pending", "Waiting to run"
    RETRYING = "retrying", "Failed; will be tried again"
    GAVE_UP = "gave_up", "Failed; retrying stopped"
    DONE = "done", "Done"


class Job(models.Model):
    """One piece of background work the web side asked for (a certificate to issue, an
    invitation to send, a report to build), written in the same transaction as the change
    that asked for it: the transactional outbox of ADR 0016. The scheduled relay
    (core.jobs.jobs_relay) sends to the broker whatever is due, so a broker that was down
    or lost its queue delays work and loses none.

    A job is named by its task and arguments (`key`); the database allows one open job per
    key. Tasks are idempotent "make it so" functions of their arguments, so running one
    twice, or a stale copy of it, does no harm.
    """

    task = models.CharField(max_length=200, help_text="The Celery task's name.")
    args = models.JSONField(default=list, help_text="Its positional arguments (ids).")
    key = models.CharField(max_length=255, help_text="Task and arguments: one open job each.")
    organisation_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="The organisation the work is for (its admins see it). Not a foreign "
        "key: core sits below accounts, and organisations are never deleted.",
    )
    description = models.CharField(
        max_length=300,
        blank=True,
        help_text='What the work is, for the admins who see it ("Certificate for Amira '
        'Khan: Home hazards"), as it was when asked for.',
    )
    requested_at = models.DateTimeField(
        default=timezone.now, help_text="When it was last asked for (a repeat moves it on)."
    )
    due_at = models.DateTimeField(
        default=timezone.now,
        help_text="When the relay may next send it: now for a job never sent, the lease's "
        "end for one sent, the backoff's end after a failure.",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Failed attempts so far.")
    last_error = models.CharField(max_length=500, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when retrying stopped (a permanent error, or too many attempts); "
        "an org admin's retry clears it.",
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(done_at__isnull=True), name="job_one_open_per_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(done_at__isnull=True, gave_up_at__isnull=True),
                name="job_due",
            ),
            models.Index(
                fields=["organisation_id", "requested_at"],
                condition=Q(attempts__gt=0),
                name="job_failed_by_organisation",
            ),
            models.Index(fields=["done_at"], name="job_done"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def state(self) -> str:
        """done, gave_up, retrying (failed, will be tried again) or pending."""
        if self.done_at is not None:
            return JobState.DONE
        if self.gave_up_at is not None:
            return JobState.GAVE_UP
        if self.attempts:
            return JobState.RETRYING
        return JobState.PENDING
