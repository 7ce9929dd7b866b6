"""The writes reporting makes as people ask: an indicator report PDF (queued for the
worker's building.py), and the statistics responses' validators (Last-Modified; the
weekly purge is retention.py)."""

import datetime

from django.db import connection, transaction
from django.utils import timezone

from accounts.selectors import Actor, partnerships_viewed_by
from core.errors import HearthError, NotFound
from core.jobs import enqueue_on_commit
from reporting import selectors
from reporting.indicators import Quarter, check_quarter, indicator_report
from reporting.models import IndicatorReport, ReportStatus, StatsValidator
from reporting.tasks import build_indicator_report

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
    if report.is_built_from(indicator_report(scope=scope, quarter=quarter)):
        return report, False
    report.status = ReportStatus.PENDING
    report.requested_at = timezone.now()
    report.requested_by_id = actor.user_id
    report.error = ""
    report.save(update_fields=["status", "requested_at", "requested_by", "error"])
    enqueue_on_commit(
        build_indicator_report,
        report.pk,
        organisation_id=report.organisation_id,
        description=f"Indicator report for {report.quarter}",
    )
    return report, True


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
