"""Demo competency data: the starter framework, team requirements and a realistic spread
of states (competent, expiring soon, expired, not yet competent, not assessed)."""

import datetime
import random

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role, Team
from accounts.selectors import actor_for_user
from competencies.models import Assessment, Competency, Method, Outcome
from competencies.services import assessment_record, requirement_set

# Every team's learners need the awareness competencies; some teams need more.
EVERYONE = ["UND-1.1", "IDE-1.1", "ACT-1.1", "ACT-1.2", "COL-1.1"]
TEAM_EXTRAS = {
    "Hospital Discharge Team": ["ACT-2.1", "COL-2.1"],
    "Tenancy Services": ["IDE-2.1", "ACT-2.2"],
    "Home Improvement Agency": ["IDE-2.1", "IDE-2.2"],
    "Occupational Therapy": ["IDE-2.2", "COL-2.2"],
    "Community Nursing": ["IDE-2.1"],
    "Reablement": ["COL-2.1"],
}
MANAGER_EXTRAS = ["LEA-3.1"]


def import_framework() -> None:
    call_command("import_frameworks", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115


@transaction.atomic
def seed_competencies() -> int:
    """Requirements for every team, then assessor observations spread over time. Runs once:
    skipped when any observation or evidence review already exists."""
    if Assessment.objects.exclude(method=Method.QUIZ).exists():
        return 0
    competencies = {c.code: c for c in Competency.objects.all()}
    chance = random.Random(4)  # noqa: S311 - demo data, not security
    made = 0
    for team in Team.objects.order_by("pk"):
        manager = Membership.objects.filter(team=team, role=Role.MANAGER).first()
        if manager is None:
            continue
        actor = actor_for_user(manager.user)
        for code in EVERYONE + TEAM_EXTRAS.get(team.name, []):
            competency = competencies[code]
            requirement_set(
                actor=actor,
                team_id=team.pk,
                competency=competency,
                level=competency.level,
                role=Role.LEARNER,
            )
        for code in MANAGER_EXTRAS:
            requirement_set(
                actor=actor,
                team_id=team.pk,
                competency=competencies[code],
                level=3,
                role=Role.MANAGER,
            )
        assessor = Membership.objects.filter(
            organisation=team.organisation, role=Role.ASSESSOR
        ).first()
        if assessor is None:
            continue
        assessor_actor = actor_for_user(assessor.user)
        if team.pk not in assessor_actor.assessor_team_ids:
            continue
        learners = Membership.objects.filter(team=team, role=Role.LEARNER).order_by("pk")
        codes = EVERYONE + TEAM_EXTRAS.get(team.name, [])
        for index, membership in enumerate(learners):
            for code in codes[: 2 + index % 4]:
                competency = competencies[code]
                months_ago = chance.choice([2, 6, 11, 22, 23, 26])
                if competency.validity_months == 12:
                    months_ago = chance.choice([3, 10, 11, 14])
                when = timezone.now() - datetime.timedelta(days=30 * months_ago + index)
                outcome = Outcome.NOT_YET_COMPETENT if chance.random() < 0.12 else Outcome.COMPETENT
                assessment_record(
                    actor=assessor_actor,
                    learner_id=membership.user_id,
                    competency=competency,
                    method=chance.choice([Method.OBSERVATION, Method.EVIDENCE]),
                    outcome=outcome,
                    evidence_note=(
                        "Observed during a joint home visit: identified the hazard, explained "
                        "it to the resident and made the referral with consent."
                    ),
                    assessed_at=when,
                )
                made += 1
    return made
