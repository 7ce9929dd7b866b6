"""Reads of personal data that matter (issue 17; ADR 0027): exports, people CSVs, a person
record opened. A read changes no row a trigger could see, so the views that serve such a
read write this log themselves (`accounts.services_access.record_access`); like the event
tables, the database refuses any UPDATE or DELETE on it (pgtrigger's `Protect` on
PostgreSQL, `core.audit_sqlite` on SQLite)."""

from typing import ClassVar

import pgtrigger
from django.db import models
from django.utils import timezone


class AccessKind(models.TextChoices):
    PERSON_RECORD = "person_record", "Person record opened"
    PEOPLE_CSV = "people_csv", "People data downloaded"
    REPORT = "report", "Report downloaded"
    SUBJECT_ACCESS = "subject_access", "Subject access export"
    ORGANISATION_EXPORT = "organisation_export", "Organisation export"


class AccessEvent(models.Model):
    """One read of personal data held under `organisation`, by whoever the audit context
    names (a person or an API key), about `subject` when it is one person's data."""

    audit_append_only: ClassVar[bool] = True

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=AccessKind.choices)
    description = models.CharField(max_length=300, blank=True)
    context = models.JSONField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "-at"], name="access_event_org_at")]
        triggers: ClassVar[list[pgtrigger.Trigger]] = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"
