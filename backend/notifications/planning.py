"""Planning (worker side, run by notifications.tasks): set-based queries for the
reminders due, written into the reminder log by reminder_logs_insert.

Each kind and window is one INSERT ... SELECT ... ON CONFLICT DO NOTHING, so the
number of queries does not grow with the number of people, and two planners
running at once (or twice) cannot create a reminder twice: the log's unique key
(person, kind, object, window) decides.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import Membership, MembershipStatus, Role
from competencies.models import Assessment, Outcome, Requirement
from notifications.models import EmailOptOut, Kind, MandatoryKind, ReminderLog, Status
from notifications.windows import DUE_SOON, EXPIRED_LOOKBACK_DAYS, EXPIRING, Window, iso_week
from training.models import ACTIVE_STATUSES, Enrolment


@dataclass(frozen=True)
class PlanResult:
    planned: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.planned.values())


def escalation_days() -> int:
    return int(getattr(settings, "HEARTH_ESCALATION_DAYS", 7))


def _wants(kind: str, person: str, organisation: str) -> Q:
    """Not opted out of this kind, unless the organisation makes it mandatory."""
    opted_out = EmailOptOut.objects.filter(person_id=OuterRef(person), kind=kind)
    mandatory = MandatoryKind.objects.filter(organisation_id=OuterRef(organisation), kind=kind)
    return ~Q(Exists(opted_out)) | Q(Exists(mandatory))


def _still_in_team() -> Q:
    """The learner still belongs to the enrolment's team (or organisation) as a learner."""
    in_team = Membership.objects.filter(
        user_id=OuterRef("learner_id"), team_id=OuterRef("team_id"), role=Role.LEARNER
    )
    in_organisation = Membership.objects.filter(
        user_id=OuterRef("learner_id"),
        organisation_id=OuterRef("organisation_id"),
        role=Role.LEARNER,
    )
    return (Q(team__isnull=False) & Q(Exists(in_team))) | (
        Q(team__isnull=True) & Q(Exists(in_organisation))
    )


def _active_enrolments() -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(
        status__in=ACTIVE_STATUSES, due_date__isnull=False, learner__is_active=True
    ).filter(_still_in_team())


def _in_window(date_field: str, today: datetime.date, window: Window) -> Q:
    """The date falls in the window: from `least` to `most` days after today."""
    return Q(
        **{
            f"{date_field}__gte": today + datetime.timedelta(days=window.least),
            f"{date_field}__lte": today + datetime.timedelta(days=window.most),
        }
    )


def _to_the_learner[Row: Enrolment | Assessment](rows: QuerySet[Row], kind: str) -> QuerySet[Row]:
    """Each row as a reminder of this kind to its learner, about the row itself, for the
    learners who want the kind."""
    return rows.filter(_wants(kind, "learner_id", "organisation_id")).annotate(
        r_person=F("learner_id"), r_organisation=F("organisation_id"), r_object=F("pk")
    )


def _due_soon(today: datetime.date, window: Window) -> QuerySet[Enrolment]:
    return _to_the_learner(
        _active_enrolments().filter(_in_window("due_date", today, window)), Kind.DUE_SOON
    )


def _overdue(today: datetime.date) -> QuerySet[Enrolment]:
    return _to_the_learner(_active_enrolments().filter(due_date__lt=today), Kind.OVERDUE)


def _escalations(today: datetime.date) -> QuerySet[Membership]:
    """Each manager of an overdue learner's own team, for each enrolment overdue long enough."""
    overdue = _active_enrolments().filter(
        due_date__lte=today - datetime.timedelta(days=escalation_days())
    )
    return (
        Membership.objects.filter(role=Role.MANAGER, user__is_active=True)
        .filter(team_id__in=overdue.values("team_id"))
        .annotate(enrolment_id=F("team__enrolments__pk"))
        .filter(enrolment_id__in=overdue.values("pk"))
        .filter(_wants(Kind.ESCALATION, "user_id", "organisation_id"))
        .annotate(
            r_person=F("user_id"), r_organisation=F("organisation_id"), r_object=F("enrolment_id")
        )
    )


def _current_competent() -> QuerySet[Assessment]:
    """Current assessments (latest, not superseded, among their organisation's: state is
    per organisation, ADR 0012) that say competent, still required by the person's current
    role in that organisation: no expiry notices for what a role no longer needs."""
    later = Assessment.objects.filter(
        learner_id=OuterRef("learner_id"),
        competency_id=OuterRef("competency_id"),
        organisation_id=OuterRef("organisation_id"),
    ).filter(
        Q(assessed_at__gt=OuterRef("assessed_at"))
        | Q(assessed_at=OuterRef("assessed_at"), pk__gt=OuterRef("pk"))
    )
    superseding = Assessment.objects.filter(supersedes_id=OuterRef("pk"))
    required = Requirement.objects.filter(
        competency_id=OuterRef("competency_id"),
        team__memberships__user_id=OuterRef("learner_id"),
        team__memberships__status=MembershipStatus.ACTIVE,
        team__organisation_id=OuterRef("organisation_id"),
    ).filter(Q(role="") | Q(role=F("team__memberships__role")))
    return (
        Assessment.objects.filter(outcome=Outcome.COMPETENT, valid_until__isnull=False)
        .filter(learner__is_active=True)
        .exclude(Exists(later))
        .exclude(Exists(superseding))
        .filter(Exists(required))
    )


def _expiring(today: datetime.date, window: Window) -> QuerySet[Assessment]:
    return _to_the_learner(
        _current_competent().filter(_in_window("valid_until", today, window)),
        Kind.COMPETENCY_EXPIRING,
    )


def _expired(today: datetime.date) -> QuerySet[Assessment]:
    expired = _current_competent().filter(
        valid_until__lt=today,
        valid_until__gte=today - datetime.timedelta(days=EXPIRED_LOOKBACK_DAYS),
    )
    return _to_the_learner(expired, Kind.COMPETENCY_EXPIRED)


def _digest_recipients() -> QuerySet[Membership]:
    """One row per manager (their first managed team's organisation)."""
    first = (
        Membership.objects.filter(user_id=OuterRef("user_id"), role=Role.MANAGER)
        .order_by("pk")
        .values("pk")[:1]
    )
    return (
        Membership.objects.filter(role=Role.MANAGER, user__is_active=True, pk=first)
        .filter(_wants(Kind.DIGEST, "user_id", "organisation_id"))
        .annotate(
            r_person=F("user_id"),
            r_organisation=F("organisation_id"),
            r_object=Cast(F("user_id"), IntegerField()),
        )
    )


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


def plan_daily(*, today: datetime.date | None = None) -> PlanResult:
    """Plan every daily reminder due today: due soon, overdue, escalation, competency
    expiring and expired. A fixed number of statements, whatever the data size."""
    day = today or timezone.localdate()
    planned: dict[str, int] = {}
    for window in DUE_SOON:
        planned[f"due_soon:{window.name}"] = reminder_logs_insert(
            rows=_due_soon(day, window),
            kind=Kind.DUE_SOON,
            object_type="enrolment",
            window=window.name,
        )
    planned["overdue"] = reminder_logs_insert(
        rows=_overdue(day), kind=Kind.OVERDUE, object_type="enrolment", window="overdue"
    )
    planned["escalation"] = reminder_logs_insert(
        rows=_escalations(day), kind=Kind.ESCALATION, object_type="enrolment", window="escalation"
    )
    for window in EXPIRING:
        planned[f"expiring:{window.name}"] = reminder_logs_insert(
            rows=_expiring(day, window),
            kind=Kind.COMPETENCY_EXPIRING,
            object_type="assessment",
            window=window.name,
        )
    planned["expired"] = reminder_logs_insert(
        rows=_expired(day), kind=Kind.COMPETENCY_EXPIRED, object_type="assessment", window="expired"
    )
    return PlanResult(planned)


def plan_weekly_digest(*, today: datetime.date | None = None) -> PlanResult:
    """Plan one digest per manager for this ISO week."""
    day = today or timezone.localdate()
    count = reminder_logs_insert(
        rows=_digest_recipients(), kind=Kind.DIGEST, object_type="person", window=iso_week(day)
    )
    return PlanResult({"digest": count})
