"""The weekly manager digest's content: what each manager's teams need to know, read in
a fixed number of queries for the whole batch (notifications.sending renders it)."""

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Membership, MembershipStatus, Role
from competencies.models import Assessment
from compliance.selectors import compliance_standings
from compliance.states import MISSED, State
from training.models import ACTIVE_STATUSES, Enrolment, EnrolmentStatus


def long_date(day: datetime.date | None) -> str:
    """A date as emails write it: 3 March 2027."""
    return f"{day.day} {day:%B %Y}" if day else ""


def digest_contexts(manager_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each manager's teams: overdue, expiring within 30 days, completed in 7 days, and
    required training missed or due within 30 days."""
    if not manager_ids:
        return {}
    today = timezone.localdate()
    teams_of: dict[int, set[int]] = defaultdict(set)
    for user_id, team_id in Membership.objects.filter(
        user_id__in=manager_ids, role=Role.MANAGER
    ).values_list("user_id", "team_id"):
        teams_of[user_id].add(team_id)
    all_teams = set().union(*teams_of.values()) if teams_of else set()
    overdue: dict[int, list[str]] = defaultdict(list)
    completed: dict[int, list[str]] = defaultdict(list)
    for team_id, name, title, status in (
        Enrolment.objects.filter(team_id__in=all_teams)
        .filter(
            Q(status__in=ACTIVE_STATUSES, due_date__lt=today)
            | Q(
                status=EnrolmentStatus.COMPLETED,
                completed_at__gte=timezone.now() - datetime.timedelta(days=7),
            )
        )
        .values_list("team_id", "learner__full_name", "version__title", "status")
    ):
        target = completed if status == EnrolmentStatus.COMPLETED else overdue
        target[team_id].append(f"{name}: {title}")
    expiring: dict[int, list[str]] = defaultdict(list)
    for team_id, name, code, until in (
        Assessment.objects.filter(
            outcome="competent",
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=30),
            learner__memberships__team_id__in=all_teams,
            learner__memberships__role=Role.LEARNER,
            learner__memberships__status=MembershipStatus.ACTIVE,
            # Only the team's organisation's assessments (ADR 0012).
            learner__memberships__organisation_id=F("organisation_id"),
        )
        .filter(superseded_by__isnull=True)
        .values_list(
            "learner__memberships__team_id", "learner__full_name", "competency__code", "valid_until"
        )
    ):
        expiring[team_id].append(f"{name}: {code} until {until}")
    requirements = _requirement_lines(all_teams, today)
    return {
        manager: {
            "overdue": sorted(x for t in teams for x in overdue[t]),
            "expiring": sorted(x for t in teams for x in expiring[t]),
            "completed": sorted(x for t in teams for x in completed[t]),
            "requirements": sorted({x for t in teams for x in requirements[t]}),
        }
        for manager, teams in teams_of.items()
    }


def _requirement_lines(team_ids: set[int], today: datetime.date) -> dict[int, list[str]]:
    """Per team, its learners' required training that is overdue, expired or due within
    30 days, in the states compliance.selectors derives (the compliance pages' own rows),
    each counted under the team's organisation only (ADR 0012). Two queries and one
    standings read per organisation."""
    learners = list(
        Membership.objects.filter(
            team_id__in=team_ids, role=Role.LEARNER, status=MembershipStatus.ACTIVE
        ).values_list("organisation_id", "team_id", "user_id", "user__full_name")
    )
    teams_of: dict[tuple[int, int], set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    people_of: dict[int, set[int]] = defaultdict(set)
    for organisation_id, team_id, user_id, full_name in learners:
        teams_of[(organisation_id, user_id)].add(team_id)
        people_of[organisation_id].add(user_id)
        names[user_id] = full_name
    soon = today + datetime.timedelta(days=30)
    lines: dict[int, list[str]] = defaultdict(list)
    for organisation_id, person_ids in sorted(people_of.items()):
        for row in compliance_standings(organisation_id=organisation_id, person_ids=person_ids):
            found = row.standing
            if found.state in MISSED:
                said = found.state.label.lower()
            elif found.state == State.DUE_SOON and found.due_on and found.due_on <= soon:
                said = f"due {long_date(found.due_on)}"
            else:
                continue
            for team_id in teams_of[(organisation_id, row.person_id)]:
                lines[team_id].append(f"{names[row.person_id]}: {row.title} ({said})")
    return lines
