"""Worker side of reporting: building an indicator report's PDF (run by
tasks.build_indicator_report; services.indicator_report_request asks for it).

Building is idempotent (ADR 0008): one report row per scope and quarter (a database
constraint), its PDF rendered under the row's lock into one file named by scope and
quarter, and skipped when the stored PDF was built from the same figures. A job may run
twice, at once, or again after a worker was killed, and still leaves one row and one file.
"""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from reporting import selectors
from reporting.indicators import Quarter, indicator_report
from reporting.models import IndicatorReport, ReportStatus, indicator_report_path
from reporting.pdf import indicator_report_pdf

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 500


def _scope_of(report: IndicatorReport) -> selectors.StatsScope:
    if report.partnership_id is not None:
        return selectors.partnership_scope(report.partnership_id)
    return selectors.organisation_scope(report.organisation_id or 0)


@transaction.atomic
def indicator_report_build(*, report_id: int) -> IndicatorReport | None:
    """Render and store a report's PDF from the figures as they are now, once: a rerun
    finds it current and does nothing; a file left by a killed job is overwritten."""
    report = IndicatorReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        logger.warning("no indicator report %s to build", report_id)
        return None
    data = indicator_report(scope=_scope_of(report), quarter=Quarter.parse(report.quarter))
    if report.is_built_from(data):
        return report
    now = timezone.now()
    pdf = indicator_report_pdf(data, generated_at=now)
    storage = report.pdf.storage
    name = indicator_report_path(report, "")
    if storage.exists(name):
        storage.delete(name)
    stored = storage.save(name, ContentFile(pdf))
    if stored != name:
        raise OSError(f"storage stored {stored!r} instead of {name!r}")
    report.pdf.name = stored
    report.status = ReportStatus.READY
    report.figures_hash = data.content_hash()
    report.rendered_at = now
    report.error = ""
    report.save(update_fields=["pdf", "status", "figures_hash", "rendered_at", "error"])
    logger.info("stored indicator report %s (%d bytes)", report, len(pdf))
    return report


def indicator_report_failed(*, report_id: int, error: str) -> None:
    """A build gave up (retries exhausted, or a permanent error): say so on the row."""
    message = error[:ERROR_MAX_LENGTH]
    IndicatorReport.objects.filter(pk=report_id).exclude(status=ReportStatus.READY).update(
        status=ReportStatus.FAILED, error=message
    )
    logger.error("indicator report %s failed: %s", report_id, message)
