"""Writes for reminders and email preferences."""

from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Organisation
from notifications.models import EmailOptOut, Kind, MandatoryKind, ReminderLog, Status
from notifications.selectors import email_wanted
from notifications.sending import SendReport, send_pending


@transaction.atomic
def email_preferences_set(*, person_id: int, wanted: set[str]) -> None:
    """A person chooses which kinds of email they receive (mandatory kinds still arrive)."""
    unwanted = set(Kind.values) - wanted
    EmailOptOut.objects.filter(person_id=person_id, kind__in=wanted).delete()
    EmailOptOut.objects.bulk_create(
        [EmailOptOut(person_id=person_id, kind=kind) for kind in sorted(unwanted)],
        ignore_conflicts=True,
    )


def unsubscribe(*, person_id: int, kind: str) -> bool:
    """One-click unsubscribe from one kind of email; repeating it changes nothing.
    Returns False for an unknown kind."""
    if kind not in Kind.values:
        return False
    EmailOptOut.objects.get_or_create(person_id=person_id, kind=kind)
    return True


@transaction.atomic
def mandatory_kinds_set(*, organisation: Organisation, kinds: set[str]) -> None:
    """An organisation makes kinds of email mandatory for its people (e.g. overdue)."""
    MandatoryKind.objects.filter(organisation=organisation).exclude(kind__in=kinds).delete()
    MandatoryKind.objects.bulk_create(
        [MandatoryKind(organisation=organisation, kind=kind) for kind in sorted(kinds)],
        ignore_conflicts=True,
    )


def event_notify(
    *,
    person_id: int,
    organisation_id: int | None,
    kind: str,
    object_type: str,
    object_id: int,
    window: str,
    context: dict[str, str],
) -> SendReport | None:
    """Record an event reminder (e.g. a certificate is ready) at most once, then send it.
    Respects opt-outs unless the organisation makes the kind mandatory. Returns None when
    the person opted out or it was already recorded."""
    if not email_wanted(person_id=person_id, organisation_id=organisation_id, kind=kind):
        return None
    log, created = ReminderLog.objects.get_or_create(
        person_id=person_id,
        kind=kind,
        object_type=object_type,
        object_id=object_id,
        window=window,
        defaults={"organisation_id": organisation_id, "context": context},
    )
    if not created and log.status != Status.PENDING:
        return None
    return send_pending(only=[log.pk])


def reminder_logs_insert(*, rows: QuerySet[Any], kind: str, object_type: str, window: str) -> int:
    """Plan reminders: INSERT the candidate rows (r_person, r_organisation, r_object) into
    the log, skipping any that already exist (the log's unique key decides, so planning
    twice or at once never plans one twice). One statement; returns how many were new."""
    candidates = rows.values("r_person", "r_organisation", "r_object").order_by()
    select, params = candidates.query.sql_with_params()
    table = ReminderLog._meta.db_table
    now = timezone.now()
    # The table name comes from the model and the SELECT from the ORM; values are params.
    sql = (
        f"INSERT INTO {table} (person_id, organisation_id, object_id, kind, object_type, "  # noqa: S608
        "reminder_window, status, planned_at, attempts, last_error, context) "
        "SELECT candidate.r_person, candidate.r_organisation, candidate.r_object, "
        f"%s, %s, %s, %s, %s, 0, %s, '{{}}' FROM ({select}) AS candidate "
        "WHERE true ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, object_type, window, Status.PENDING, now, "", *params])
        return max(cursor.rowcount, 0)
