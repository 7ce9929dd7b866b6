"""Demo learning: the starter curriculum, assignments and a realistic spread of progress."""

import datetime
import random

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role, Team
from accounts.selectors import actor_for_user
from certificates.models import Certificate
from demo.competencies import import_framework
from training.draws import draw
from training.models import Enrolment, Module
from training.selectors import version_with_content
from training.services import enrolment_assign, enrolment_self_enrol, lesson_complete, quiz_submit

# Per team: (module slug, due in days or None) assigned by the team's manager.
TEAM_ASSIGNMENTS = {
    "Hospital Discharge Team": [("hospital-discharge-duty-to-refer", 21), ("homes-and-health", 45)],
    "Community Nursing": [
        ("falls-and-dementia-friendly-homes", 30),
        ("cold-homes-fuel-poverty", 60),
    ],
    "Tenancy Services": [("hhsrs-hazards", 28), ("safeguarding-adults-at-home", 14)],
    "Home Improvement Agency": [("home-adaptations", 30), ("hhsrs-hazards", 40)],
    "Occupational Therapy": [("home-adaptations", 21), ("working-across-sectors", 35)],
    "Reablement": [("falls-and-dementia-friendly-homes", 20), ("mecc-signposting", 30)],
}
# Modules every demo learner may have self-enrolled in (never the e2e test's module).
SELF_CHOICES = ["homelessness-and-health", "working-across-sectors", "cold-homes-fuel-poverty"]


def _correct_answers(enrolment: Enrolment) -> dict[str, list[int]]:
    """Right answers to the questions the enrolment's next attempt draws."""
    version = version_with_content(enrolment.version_id)
    number = enrolment.attempts.count() + 1
    return {
        drawn.question.key: [choice.pk for choice in drawn.choices if choice.is_correct]
        for drawn in draw(version, enrolment_id=enrolment.pk, number=number)
    }


def _work(enrolment: Enrolment, *, lessons: int, finish: bool, days_ago: int) -> None:
    """Do some lessons (and pass the quiz when finishing), then date it, and its
    certificate, in the past."""
    version = version_with_content(enrolment.version_id)
    for lesson in list(version.lessons.all())[:lessons]:
        lesson_complete(enrolment=enrolment, lesson_id=lesson.pk)
    if finish:
        for lesson in version.lessons.all():
            lesson_complete(enrolment=enrolment, lesson_id=lesson.pk)
        quiz_submit(enrolment=enrolment, answers=_correct_answers(enrolment))
    when = timezone.now() - datetime.timedelta(days=days_ago)
    enrolment.refresh_from_db()
    Enrolment.objects.filter(pk=enrolment.pk).update(
        started_at=when if enrolment.started_at else None,
        last_activity_at=when if enrolment.last_activity_at else None,
        completed_at=when if enrolment.completed_at else None,
        created_at=when - datetime.timedelta(days=3),
    )
    # Its certificate says the same day (the PDF is drawn after the seed commits).
    Certificate.objects.filter(enrolment=enrolment).update(completed_at=when, issued_at=when)


@transaction.atomic
def seed_learning() -> int:
    """Import the curriculum, then give each demo team assignments and each learner some
    progress: completed, in progress, not started and overdue. Runs once per learner."""
    call_command("import_content", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    import_framework()
    if Enrolment.objects.exists():
        return 0
    modules = {module.slug: module for module in Module.objects.filter(organisation=None)}
    chance = random.Random(2026)  # noqa: S311 - demo data, not security
    for team in Team.objects.select_related("organisation").order_by("pk"):
        manager = Membership.objects.filter(team=team, role=Role.MANAGER).first()
        if manager is None:
            continue
        actor = actor_for_user(manager.user)
        for slug, due_in in TEAM_ASSIGNMENTS.get(team.name, []):
            enrolment_assign(actor=actor, module=modules[slug], team_id=team.pk, due_in_days=due_in)
    learners = Membership.objects.filter(role=Role.LEARNER).select_related("user").order_by("pk")
    for index, membership in enumerate(learners):
        user = membership.user
        enrolments = list(Enrolment.objects.filter(learner=user).order_by("pk"))
        if enrolments:
            first = enrolments[0]
            if index % 3 == 0:
                _work(first, lessons=0, finish=True, days_ago=chance.randint(2, 40))
            elif index % 3 == 1:
                _work(first, lessons=chance.randint(1, 3), finish=False, days_ago=2)
            else:
                # Overdue: assigned long ago, due date passed, a lesson done.
                _work(first, lessons=1, finish=False, days_ago=20)
                Enrolment.objects.filter(pk=first.pk).update(
                    due_date=timezone.localdate() - datetime.timedelta(days=chance.randint(2, 10))
                )
        own = modules[SELF_CHOICES[index % len(SELF_CHOICES)]]
        enrolment = enrolment_self_enrol(actor=actor_for_user(user), module=own)
        if enrolment.status != "completed" and index % 2 == 0:
            _work(enrolment, lessons=0, finish=True, days_ago=chance.randint(50, 300))
    return Enrolment.objects.count()
