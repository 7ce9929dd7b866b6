"""Every write reporting makes: asking for an indicator report PDF and building it, and
recording and forgetting the statistics responses' validators (Last-Modified).

Building is idempotent (ADR 0008): one report row per scope and quarter (a database
constraint), its PDF rendered under the row's lock into one file named by scope and
quarter, and skipped when the stored PDF was built from the same figures. A job may run
twice, at once, or again after a worker was killed, and still leaves one row and one file.
"""

import datetime
import logging

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from accounts.selectors import Actor, partnerships_viewed_by
from core.errors import HearthError, NotFound
from core.jobs import enqueue_on_commit
from reporting import selectors
from reporting.indicators import IndicatorReportData, Quarter, check_quarter, indicator_report
from reporting.models import IndicatorReport, ReportStatus, StatsValidator, indicator_report_path
from reporting.pdf import indicator_report_pdf

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 500
# A validator whose response has not changed for this long is forgotten. Every
# combination of parameters anyone ever asked for has one, so without this the table
# only grows. Forgetting is safe: the ETag is the body's hash and stays the same, so
# If-None-Match still gets 304; If-Modified-Since gets the body once, then 304 again.
VALIDATOR_RETENTION = datetime.timedelta(days=90)
ONE_SECOND = datetime.timedelta(seconds=1)

# One statement (PostgreSQL): read the row; write it only when the body changed. A new
# time is a whole second (HTTP dates have no fractions), always later than the previous
# one, so a client holding the previous Last-Modified never gets a 304 for another body.
UPSERT_SQL = """
WITH previous AS (
    SELECT etag, changed_at FROM reporting_statsvalidator WHERE key = %(key)s
), written AS (
    INSERT INTO reporting_statsvalidator (key, etag, changed_at)
    SELECT %(key)s, %(etag)s, %(now)s
     WHERE NOT EXISTS (SELECT 1 FROM previous WHERE etag = %(etag)s)
    ON CONFLICT (key) DO UPDATE
       SET etag = EXCLUDED.etag,
           changed_at = GREATEST(EXCLUDED.changed_at,
                                 reporting_statsvalidator.changed_at + interval '1 second')
    RETURNING changed_at
)
SELECT changed_at FROM written
UNION ALL
SELECT changed_at FROM previous WHERE etag = %(etag)s
"""


def report_scope_for(
    actor: Actor, *, organisation_id: int | None, partnership_id: int | None
) -> selectors.StatsScope:
    """The scope an indicator report covers, if the actor may see it (else not found).
    Naming neither means the one scope the actor has (their organisation, or the one
    partnership they view); naming both, each in scope, is a 400."""
    if partnership_id is not None and organisation_id is not None:
        selectors.partnership_scope_for(actor, partnership_id=partnership_id)
        selectors.organisation_scope_for_report(actor, organisation_id=organisation_id)
        raise HearthError(
            "Name an organisation or a partnership, not both.",
            fields={"organisation": ["Name an organisation or a partnership (one of them)."]},
        )
    if partnership_id is not None:
        return selectors.partnership_scope_for(actor, partnership_id=partnership_id)
    if organisation_id is not None:
        return selectors.organisation_scope_for_report(actor, organisation_id=organisation_id)
    partnerships = list(partnerships_viewed_by(actor).values_list("pk", flat=True)[:2])
    choices = [*(("organisation", pk) for pk in sorted(actor.admin_organisation_ids))]
    choices += [("partnership", pk) for pk in partnerships]
    if not choices:
        raise NotFound("No indicator report in your scope.")
    if len(choices) > 1:
        raise HearthError(
            "You can see several reports: name an organisation or a partnership.",
            fields={"organisation": ["Name an organisation or a partnership (one of them)."]},
        )
    kind, pk = choices[0]
    return report_scope_for(
        actor,
        organisation_id=pk if kind == "organisation" else None,
        partnership_id=pk if kind == "partnership" else None,
    )


def _current(report: IndicatorReport, data: IndicatorReportData) -> bool:
    return (
        report.status == ReportStatus.READY
        and bool(report.pdf)
        and report.figures_hash == data.content_hash()
    )


@transaction.atomic
def indicator_report_request(
    *,
    actor: Actor,
    organisation_id: int | None,
    partnership_id: int | None,
    quarter: Quarter,
) -> tuple[IndicatorReport, bool]:
    """Ask for a scope's report PDF for a quarter: reuse the one row for them, and queue a
    build (after commit) unless its PDF already shows today's figures. Returns the row
    and whether a build was queued."""
    check_quarter(quarter)
    scope = report_scope_for(actor, organisation_id=organisation_id, partnership_id=partnership_id)
    lookup = (
        {"partnership_id": scope.partnership_id}
        if scope.is_partnership
        else {"organisation_id": next(iter(scope.organisation_ids))}
    )
    report, _ = IndicatorReport.objects.get_or_create(**lookup, quarter=str(quarter))
    report = IndicatorReport.objects.select_for_update().get(pk=report.pk)
    if _current(report, indicator_report(scope=scope, quarter=quarter)):
        return report, False
    report.status = ReportStatus.PENDING
    report.requested_at = timezone.now()
    report.requested_by_id = actor.user_id
    report.error = ""
    report.save(update_fields=["status", "requested_at", "requested_by", "error"])
    from reporting.tasks import build_indicator_report

    enqueue_on_commit(
        build_indicator_report,
        report.pk,
        organisation_id=report.organisation_id,
        description=f"Indicator report for {report.quarter}",
    )
    return report, True


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
    if _current(report, data):
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


@transaction.atomic
def stats_validators_purge(*, retention: datetime.timedelta = VALIDATOR_RETENTION) -> int:
    """Forget the validators of responses unchanged for longer than `retention`; returns
    how many went. Deleting is idempotent: a second run finds nothing more to delete."""
    deleted, _ = StatsValidator.objects.filter(changed_at__lt=timezone.now() - retention).delete()
    if deleted:
        logger.info("forgot %s statistics validators unchanged for %s", deleted, retention)
    return deleted


def stats_validator_record(*, key: str, etag: str) -> datetime.datetime:
    """When the response named `key` first had this body (recorded now if it is new). One
    statement on PostgreSQL; elsewhere, the row locked in one transaction."""
    now = timezone.now().replace(microsecond=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(UPSERT_SQL, {"key": key, "etag": etag, "now": now})
            row = cursor.fetchone()
        if row is None or not isinstance(row[0], datetime.datetime):
            raise RuntimeError(f"the validator of {key} returned {row!r}")
        return row[0]
    with transaction.atomic():
        previous = StatsValidator.objects.select_for_update().filter(key=key).first()
        if previous is not None and previous.etag == etag:
            return previous.changed_at
        when = now if previous is None else max(now, previous.changed_at + ONE_SECOND)
        StatsValidator.objects.update_or_create(
            key=key, defaults={"etag": etag, "changed_at": when}
        )
        return when
