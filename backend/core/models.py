"""Core's one table: the responses kept for idempotency keys (core.idempotency)."""

from django.db import models


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
