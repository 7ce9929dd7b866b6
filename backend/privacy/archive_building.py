"""Worker side of the exports (run by privacy.tasks; services_exports asks for them):
building a subject access or organisation export's ZIP, recording a build that gave up,
and deleting archives whose download time is over.

Building is idempotent: the export's row is locked, a built export (ready, expired or
failed) is left as it is, and the archive has one name per export, overwritten if a
killed job left one. Running the job twice, or again after a crash, leaves one archive.
"""

import datetime
import logging
from collections.abc import Callable
from functools import partial
from typing import Any
from zipfile import ZipFile

from django.db import transaction
from django.utils import timezone

from privacy import archive
from privacy.archive_organisation import organisation_export_write
from privacy.archive_subject import subject_access_write
from privacy.exports_email import export_ready_send
from privacy.models import ExportStatus, OrganisationExport, SubjectAccessExport

logger = logging.getLogger(__name__)

DOWNLOADABLE_FOR = datetime.timedelta(days=7)
ERROR_MAX_LENGTH = 500

type Export = SubjectAccessExport | OrganisationExport


def _build[E: (SubjectAccessExport, OrganisationExport)](
    model: type[E], export_id: int, name: str, write: Callable[[ZipFile, E], None]
) -> tuple[E | None, bool]:
    """The export, built now under its row's lock unless it was already (and whether this
    call built it)."""
    export = model.objects.select_for_update().filter(pk=export_id).first()
    if export is None:
        logger.warning("no %s %s to build", model._meta.verbose_name, export_id)
        return None, False
    if export.status != ExportStatus.PENDING:
        return export, False
    stored = archive.archive_store(
        export.file.storage, name.format(pk=export.pk), lambda zip_file: write(zip_file, export)
    )
    now = timezone.now()
    export.file.name = stored
    export.status = ExportStatus.READY
    export.ready_at = now
    export.expires_at = now + DOWNLOADABLE_FOR
    export.failure = ""
    export.save(update_fields=["file", "status", "ready_at", "expires_at", "failure"])
    logger.info("built %s", export)
    return export, True


@transaction.atomic
def subject_access_build(*, export_id: int) -> SubjectAccessExport | None:
    """Build a subject access export's ZIP once; a rerun finds it built. The person's own
    request is emailed about once it is built (after commit)."""
    export, built = _build(
        SubjectAccessExport,
        export_id,
        "subject-access/hearth-subject-access-{pk}.zip",
        subject_access_write,
    )
    if export is not None and built:
        transaction.on_commit(partial(export_ready_send, export_id=export.pk))
    return export


@transaction.atomic
def organisation_export_build(*, export_id: int) -> OrganisationExport | None:
    """Build an organisation export's ZIP once; a rerun finds it built."""
    export, _built = _build(
        OrganisationExport,
        export_id,
        "organisation-exports/hearth-organisation-export-{pk}.zip",
        organisation_export_write,
    )
    return export


def export_failed(*, model: type[Export], export_id: int, error: str) -> None:
    """A build gave up (retries exhausted, or a permanent error): say so on the row."""
    message = error[:ERROR_MAX_LENGTH]
    model.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.FAILED, failure=message
    )
    logger.error("%s %s failed: %s", model._meta.verbose_name, export_id, message)


def exports_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the archives whose download time is over and mark them expired; returns how
    many. Idempotent: each is expired once, under its row's lock."""
    now = now or timezone.now()
    expired = 0
    models: tuple[type[Any], ...] = (SubjectAccessExport, OrganisationExport)
    for model in models:
        due = model.objects.filter(status=ExportStatus.READY, expires_at__lte=now)
        for export_id in list(due.values_list("pk", flat=True)):
            with transaction.atomic():
                export = (
                    model.objects.select_for_update()
                    .filter(pk=export_id, status=ExportStatus.READY)
                    .first()
                )
                if export is None:
                    continue
                archive.file_delete(export.file.storage, export.file.name)
                export.file.name = ""
                export.status = ExportStatus.EXPIRED
                export.save(update_fields=["file", "status"])
                expired += 1
    if expired:
        logger.info("expired %d exports", expired)
    return expired
