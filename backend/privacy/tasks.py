"""Celery tasks for privacy: take ids, call one function of a worker module;
core.jobs.JobTask reports back to the job's record and owns retrying (ADR 0016)."""

from collections.abc import Sequence
from typing import Any, ClassVar

from celery import shared_task
from django.db import InterfaceError, OperationalError

from core.jobs import JobTask
from privacy import archive_building
from privacy.models import OrganisationExport, SubjectAccessExport

# --- exports (subject access, organisation export): archive_building.py ------------------


class ExportTask(JobTask):
    """Says on the export's row when its build stopped retrying."""

    export_model: ClassVar[type[SubjectAccessExport | OrganisationExport]]

    def on_gave_up(self, args: Sequence[Any], error: str) -> None:
        archive_building.export_failed(model=self.export_model, export_id=int(args[0]), error=error)


class BuildSubjectAccessExportTask(ExportTask):
    export_model = SubjectAccessExport


class BuildOrganisationExportTask(ExportTask):
    export_model = OrganisationExport


@shared_task(
    base=BuildSubjectAccessExportTask,
    acks_late=True,
    reject_on_worker_lost=True,
    # Within the Redis visibility timeout with the retry countdown (worker/checks.py).
    soft_time_limit=240,
    time_limit=270,
)
def build_subject_access_export(export_id: int) -> str | None:
    """Build a subject access export's ZIP (once)."""
    export = archive_building.subject_access_build(export_id=export_id)
    return export.file.name if export is not None else None


@shared_task(
    base=BuildOrganisationExportTask,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=240,
    time_limit=270,
)
def build_organisation_export(export_id: int) -> str | None:
    """Build an organisation export's ZIP (once)."""
    export = archive_building.organisation_export_build(export_id=export_id)
    return export.file.name if export is not None else None


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=30,
    retry_backoff_max=300,
    soft_time_limit=120,
    time_limit=150,
)
def expire_exports() -> int:
    """Hourly: delete the archives past their download time (idempotent)."""
    return archive_building.exports_expire()


# --- end of exports -----------------------------------------------------------------------
