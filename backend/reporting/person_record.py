"""A person's record as their manager sees it (issue 15), and the people behind the
dashboard's overdue figure. Reads only, built on the scope rules: the person must be a
learner in a team the viewer manages or in an organisation they administer (else 404),
and every record shown is one made under the viewer's organisations (ADR 0012:
records_visible_filter, through each app's selectors)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from accounts.models import Membership, Organisation, Role, User
from accounts.selectors import Actor
from certificates.models import Certificate
from certificates.selectors import certificates_visible_to
from competencies.models import Assessment
from competencies.selectors import LearnerCompetency, assessments_visible_to, learner_competencies
from compliance.models import Exemption, TrainingRecord
from compliance.selectors import AnyStanding, PersonStanding, compliance_standings, standing_order
from core.errors import NotFound
from reporting.completions import CompletionQuery, enrolments_counted
from reporting.selectors import StatsScope
from training.models import ACTIVE_STATUSES, Enrolment, EnrolmentChange
from training.selectors import enrolments_visible_to, today


def _people_managed_filter(actor: Actor) -> Q:
    """Learner memberships in the actor's managed teams or administered organisations."""
    return Q(role=Role.LEARNER) & (
        Q(team_id__in=actor.managed_team_ids) | Q(organisation_id__in=actor.admin_organisation_ids)
    )


def person_get_for_manager(*, actor: Actor, person_id: int) -> User:
    """A person who is a learner in a team the actor manages, or in an organisation they
    administer; anyone else (and an unknown id) is not found."""
    in_scope = Membership.objects.filter(_people_managed_filter(actor), user_id=person_id)
    person = User.objects.filter(pk=person_id, pk__in=in_scope.values("user_id")).first()
    if person is None:
        raise NotFound("No such person.")
    return person


def person_record_organisations(*, actor: Actor, person_id: int) -> list[Organisation]:
    """The organisations through which the actor sees the person's record (where the
    access log notes that they opened it)."""
    in_scope = Membership.objects.filter(_people_managed_filter(actor), user_id=person_id)
    return list(Organisation.objects.filter(pk__in=in_scope.values("organisation_id")))


@dataclass(frozen=True)
class PersonRecord:
    """Everything the person record page shows, each list scoped to the viewer."""

    person: User
    enrolments: list[Enrolment]
    certificates: list[Certificate]
    competencies: list[LearnerCompetency]
    assessments: list[Assessment]
    requirements: list["RequirementLine"]

    @property
    def active(self) -> list[Enrolment]:
        return [enrolment for enrolment in self.enrolments if enrolment.status in ACTIVE_STATUSES]

    @property
    def several_organisations(self) -> bool:
        return len({enrolment.organisation_id for enrolment in self.enrolments}) > 1


def _enrolment_order(enrolment: Enrolment) -> tuple[bool, datetime.date, int]:
    """Still in progress first, soonest due first (no due date last), newest first."""
    return (
        enrolment.status not in ACTIVE_STATUSES,
        enrolment.due_date or datetime.date.max,
        -enrolment.pk,
    )


def person_record(*, actor: Actor, person_id: int) -> PersonRecord:
    """A person's enrolments (with progress and history), certificates, competencies and
    assessments, as far as the actor may see them: a fixed number of queries however many
    records there are."""
    person = person_get_for_manager(actor=actor, person_id=person_id)
    history = EnrolmentChange.objects.select_related("by").order_by("at", "pk")
    enrolments = list(
        enrolments_visible_to(actor)
        .filter(learner_id=person_id)
        .prefetch_related(Prefetch("changes", queryset=history))
    )
    enrolments.sort(key=_enrolment_order)
    return PersonRecord(
        person=person,
        enrolments=enrolments,
        certificates=list(certificates_visible_to(actor).filter(learner_id=person_id)),
        competencies=learner_competencies(actor=actor, learner_id=person_id),
        assessments=list(assessments_visible_to(actor).filter(learner_id=person_id)),
        requirements=requirement_lines(actor=actor, person_id=person_id),
    )


@dataclass(frozen=True)
class RequirementLine:
    """One requirement that applies to the person, their standing in it, the training
    recorded against it and the exemption that holds today, if any."""

    row: AnyStanding
    records: list[TrainingRecord]
    exemption: Exemption | None

    @property
    def requirement_id(self) -> int | None:
        return self.row.requirement.pk if isinstance(self.row, PersonStanding) else None


def requirement_lines(*, actor: Actor, person_id: int) -> list[RequirementLine]:
    """Every requirement of the organisations where the actor manages the person, missed
    first, then soonest due: a fixed number of queries per organisation."""
    organisation_ids = sorted(
        set(
            Membership.objects.filter(_people_managed_filter(actor), user_id=person_id).values_list(
                "organisation_id", flat=True
            )
        )
    )
    rows = [
        row
        for organisation_id in organisation_ids
        for row in compliance_standings(organisation_id=organisation_id, person_ids=[person_id])
    ]
    if not rows:
        return []
    records: dict[int, list[TrainingRecord]] = {}
    for record in TrainingRecord.objects.filter(
        person_id=person_id, organisation_id__in=organisation_ids
    ).select_related("verified_by"):
        records.setdefault(record.requirement_id, []).append(record)
    exemptions: dict[int, Exemption] = {}
    for exemption in Exemption.objects.filter(
        person_id=person_id,
        requirement__organisation_id__in=organisation_ids,
        ends_on__gte=today(),
    ).order_by("ends_on", "pk"):
        exemptions[exemption.requirement_id] = exemption
    lines = [
        RequirementLine(
            row=row,
            records=records.get(row.requirement.pk, []) if isinstance(row, PersonStanding) else [],
            exemption=exemptions.get(row.requirement.pk)
            if isinstance(row, PersonStanding)
            else None,
        )
        for row in rows
    ]
    lines.sort(key=lambda line: standing_order(line.row))
    return lines


@dataclass(frozen=True)
class PersonCount:
    """One person behind a figure: how many of their enrolments it counts, and whether
    the viewer may open their record (a person who left the team may still be counted)."""

    person_id: int
    full_name: str
    count: int
    has_record: bool


def overdue_people(*, actor: Actor, scope: StatsScope, query: CompletionQuery) -> list[PersonCount]:
    """The people behind the dashboard's overdue figure (the same scope and filters), by
    name, with their overdue enrolments counted: two queries."""
    rows = list(
        enrolments_counted(scope, query)
        .filter(status__in=ACTIVE_STATUSES, due_date__lt=today())
        .order_by()
        .values("learner_id", "learner__full_name")
        .annotate(overdue=Count("pk"))
        .order_by("learner__full_name", "learner_id")
    )
    ids = [row["learner_id"] for row in rows]
    openable = set(
        Membership.objects.filter(_people_managed_filter(actor), user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    return [
        PersonCount(
            person_id=row["learner_id"],
            full_name=row["learner__full_name"],
            count=row["overdue"],
            has_record=row["learner_id"] in openable,
        )
        for row in rows
    ]
