"""What reporting stores: response validators (for Last-Modified) and indicator report PDFs.

Figures themselves are never stored: every request computes them live in SQL from the
training and competency records (ADR 0008).
"""

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation, Partnership, acting_person

if TYPE_CHECKING:
    from reporting.indicators import IndicatorReportData


class StatsValidator(models.Model):
    """When a statistics response (one query, one scope, one format) last changed.

    `key` hashes the endpoint, the scope and the parameters; `etag` hashes the body last
    served for it. A request whose body hashes the same keeps `changed_at`; a different
    body moves it on. That gives an exact Last-Modified without timestamps on every record.
    """

    key = models.CharField(max_length=64, primary_key=True)
    etag = models.CharField(max_length=64)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key[:12]}… changed {self.changed_at:%Y-%m-%d %H:%M:%S}"


class ReportStatus(models.TextChoices):
    PENDING = "pending", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


def indicator_report_path(instance: "IndicatorReport", filename: str) -> str:
    """One file per scope and quarter, so a rebuild overwrites rather than adds."""
    return f"reports/indicators/{instance.scope_slug}-{instance.quarter}.pdf"


class IndicatorReport(models.Model):
    """The indicator report PDF of one organisation or partnership for one quarter.

    One row per scope and quarter (the database enforces it): asking again reuses it,
    and the worker rebuilds its PDF only when the figures have changed.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    quarter = models.CharField(max_length=7, help_text="e.g. 2026-Q3")
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    figures_hash = models.CharField(
        max_length=64, blank=True, help_text="Hash of the figures the PDF was built from."
    )
    pdf = models.FileField(upload_to=indicator_report_path, max_length=200, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = acting_person()
    rendered_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=True, partnership__isnull=False)
                | Q(organisation__isnull=False, partnership__isnull=True),
                name="indicator_report_one_scope",
            ),
            models.UniqueConstraint(
                fields=["organisation", "quarter"],
                condition=Q(organisation__isnull=False),
                name="indicator_report_once_per_organisation_quarter",
            ),
            models.UniqueConstraint(
                fields=["partnership", "quarter"],
                condition=Q(partnership__isnull=False),
                name="indicator_report_once_per_partnership_quarter",
            ),
        ]

    def __str__(self) -> str:
        return f"indicator report {self.scope_slug} {self.quarter}"

    def is_built_from(self, data: "IndicatorReportData") -> bool:
        """Whether its stored PDF shows these figures (nothing to build again)."""
        return (
            self.status == ReportStatus.READY
            and bool(self.pdf)
            and self.figures_hash == data.content_hash()
        )

    @property
    def scope_slug(self) -> str:
        if self.partnership_id is not None:
            return f"partnership-{self.partnership_id}"
        return f"organisation-{self.organisation_id}"
