"""Every write to enrolments and progress goes through these functions (publishing a
module's content: training.publishing; renewal enrolments: training.services_renewals)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import dateformat, timezone

from accounts.models import Membership, Role
from accounts.selectors import Actor, teams_assignable_by
from core.errors import Conflict, Forbidden, HearthError, NotFound
from training.completion import module_completed
from training.draws import draw
from training.models import (
    ACTIVE_STATUSES,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    Lesson,
    LessonProgress,
    Module,
    ModuleVersion,
    Question,
    QuizAttempt,
)
from training.quizzes import next_attempt_opens_at
from training.scoring import Score, clean_answers, score
from training.selectors import today, version_with_content


def published_version(module: Module) -> ModuleVersion:
    if module.current_version is None:
        raise NotFound("No such module.")
    return module.current_version


def _learner_home(user_id: int, team_id: int | None = None) -> tuple[int | None, int | None]:
    """The organisation and team an enrolment is counted under (the learner's team)."""
    memberships = Membership.objects.filter(user_id=user_id, role=Role.LEARNER)
    if team_id is not None:
        memberships = memberships.filter(team_id=team_id)
    membership = memberships.order_by("pk").values_list("organisation_id", "team_id").first()
    return membership if membership else (None, None)


@transaction.atomic
def enrolment_self_enrol(*, actor: Actor, module: Module) -> Enrolment:
    """A learner starts a module themselves; an active enrolment is reused, not doubled."""
    if actor.user_id is None:
        raise Forbidden("Only a person can enrol.", code="not_a_person")
    existing = Enrolment.objects.filter(
        learner_id=actor.user_id, module=module, status__in=ACTIVE_STATUSES
    ).first()
    if existing is not None:
        return existing
    organisation_id, team_id = _learner_home(actor.user_id)
    version = published_version(module)
    try:
        with transaction.atomic():
            return Enrolment.objects.create(
                learner_id=actor.user_id,
                module=module,
                version=version,
                organisation_id=organisation_id,
                team_id=team_id,
                source=EnrolmentSource.SELF,
            )
    except IntegrityError:
        same_organisation = (
            Q(organisation__isnull=True)
            if organisation_id is None
            else Q(organisation_id=organisation_id)
        )
        return Enrolment.objects.get(
            same_organisation,
            learner_id=actor.user_id,
            module=module,
            status__in=ACTIVE_STATUSES,
        )


@dataclass(frozen=True)
class AssignmentResult:
    created: list[Enrolment]
    already_enrolled: list[Enrolment]
    due_date: datetime.date | None


def _resolve_due_date(
    due_date: datetime.date | None, due_in_days: int | None
) -> datetime.date | None:
    if due_date is not None and due_in_days is not None:
        raise HearthError(
            "Give a due date or a number of days, not both.",
            fields={"due_in_days": ["Leave empty when a due date is given."]},
        )
    if due_in_days is not None:
        if not 1 <= due_in_days <= 730:
            raise HearthError("Due in 1 to 730 days.", fields={"due_in_days": ["1 to 730."]})
        return today() + datetime.timedelta(days=due_in_days)
    if due_date is not None:
        _require_not_past(due_date)
    return due_date


def _require_not_past(due_date: datetime.date) -> None:
    """A due date is today or later."""
    if due_date < today():
        raise HearthError(
            "The due date is in the past.", fields={"due_date": ["Choose today or a later date."]}
        )


@transaction.atomic
def enrolment_assign(
    *,
    actor: Actor,
    module: Module,
    team_id: int | None = None,
    learner_ids: list[int] | None = None,
    due_date: datetime.date | None = None,
    due_in_days: int | None = None,
) -> AssignmentResult:
    """A manager assigns a module to a team they manage, or to learners in their teams, with
    an optional due date (fixed, or days from today). Learners already working on it keep
    their enrolment."""
    if not actor.can_write:
        raise Forbidden("This API key is read-only.", code="read_only")
    if actor.user_id is None and not actor.is_api_key:
        raise NotFound("No such team.")
    if bool(team_id) == bool(learner_ids):
        raise HearthError(
            "Assign to a team or to people, one or the other.",
            fields={"team": ["Choose a team or some people."]},
        )
    resolved_due = _resolve_due_date(due_date, due_in_days)
    if module.organisation_id is not None and module.organisation_id not in actor.organisation_ids:
        raise NotFound("No such module.")
    started = timezone.now()
    teams = teams_assignable_by(actor)
    rows = Membership.objects.filter(role=Role.LEARNER, team__in=teams)
    if team_id:
        if not teams.filter(pk=team_id).exists():
            raise NotFound("No such team.")
        rows = rows.filter(team_id=team_id)
    else:
        wanted = set(learner_ids or [])
        rows = rows.filter(user_id__in=wanted)
        found = set(rows.values_list("user_id", flat=True))
        if missing := sorted(wanted - found):
            raise HearthError(
                "Some people are not learners in your teams.",
                fields={"learners": [f"Not in your teams: {', '.join(map(str, missing))}."]},
            )
    homes: dict[int, tuple[int, int | None]] = {}
    for user_id, organisation_id, member_team_id in rows.order_by("pk").values_list(
        "user_id", "organisation_id", "team_id"
    ):
        homes.setdefault(user_id, (organisation_id, member_team_id))
    # Only enrolments under the learner's organisation here count (ADR 0012): another
    # organisation's is neither reused nor reported.
    organisations = {organisation_id for organisation_id, _ in homes.values()}
    active = {
        enrolment.learner_id: enrolment
        for enrolment in Enrolment.objects.select_for_update().filter(
            module=module,
            learner_id__in=homes,
            organisation_id__in=organisations,
            status__in=ACTIVE_STATUSES,
        )
        if enrolment.organisation_id == homes[enrolment.learner_id][0]
    }
    version = published_version(module)
    # A learner may self-enrol at this very moment: skip conflicts with the one-active
    # rule instead of failing, then read back what this call actually created.
    Enrolment.objects.bulk_create(
        (
            Enrolment(
                learner_id=user_id,
                module=module,
                version=version,
                organisation_id=organisation_id,
                team_id=member_team_id,
                source=EnrolmentSource.ASSIGNED,
                assigned_by_id=actor.user_id,
                due_date=resolved_due,
                created_at=started,
            )
            for user_id, (organisation_id, member_team_id) in sorted(homes.items())
            if user_id not in active
        ),
        ignore_conflicts=True,
    )
    now_active = [
        enrolment
        for enrolment in Enrolment.objects.filter(
            module=module,
            learner_id__in=homes,
            organisation_id__in=organisations,
            status__in=ACTIVE_STATUSES,
        ).order_by("learner_id")
        if enrolment.organisation_id == homes[enrolment.learner_id][0]
    ]
    created = [
        enrolment
        for enrolment in now_active
        if enrolment.learner_id not in active
        and enrolment.assigned_by_id == actor.user_id
        and enrolment.created_at == started
    ]
    created_ids = {enrolment.pk for enrolment in created}
    already = [e for e in now_active if e.pk not in created_ids]
    return AssignmentResult(created=created, already_enrolled=already, due_date=resolved_due)


def _lock_active(enrolment: Enrolment) -> Enrolment:
    locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if locked.status == EnrolmentStatus.WITHDRAWN:
        raise Conflict("This enrolment was withdrawn.")
    return locked


def _touch(enrolment: Enrolment) -> None:
    now = timezone.now()
    fields = ["last_activity_at"]
    enrolment.last_activity_at = now
    if enrolment.status == EnrolmentStatus.NOT_STARTED:
        enrolment.status = EnrolmentStatus.IN_PROGRESS
        enrolment.started_at = now
        fields += ["status", "started_at"]
    enrolment.save(update_fields=fields)


def _complete_if_done(enrolment: Enrolment) -> bool:
    """Complete the enrolment when every lesson is done and the quiz (if any) is passed."""
    if enrolment.status == EnrolmentStatus.COMPLETED:
        return False
    lessons = Lesson.objects.filter(version_id=enrolment.version_id).count()
    done = LessonProgress.objects.filter(enrolment=enrolment).count()
    has_quiz = Question.objects.filter(version_id=enrolment.version_id).exists()
    passed = QuizAttempt.objects.filter(enrolment=enrolment, passed=True).exists()
    if done < lessons or (has_quiz and not passed):
        return False
    enrolment.status = EnrolmentStatus.COMPLETED
    enrolment.completed_at = timezone.now()
    enrolment.save(update_fields=["status", "completed_at"])
    module_completed(enrolment=enrolment)
    return True


@transaction.atomic
def lesson_complete(*, enrolment: Enrolment, lesson_id: int) -> LessonProgress:
    """Record a lesson done; recording it again changes nothing."""
    enrolment = _lock_active(enrolment)
    lesson = Lesson.objects.filter(pk=lesson_id, version_id=enrolment.version_id).first()
    if lesson is None:
        raise NotFound("No such lesson in this module.")
    progress, created = LessonProgress.objects.get_or_create(
        enrolment=enrolment,
        lesson=lesson,
        defaults={"organisation_id": enrolment.organisation_id},
    )
    if created and enrolment.status != EnrolmentStatus.COMPLETED:
        _touch(enrolment)
        _complete_if_done(enrolment)
    return progress


@dataclass(frozen=True)
class QuizOutcome:
    attempt: QuizAttempt
    score: Score
    completed: bool


@transaction.atomic
def quiz_submit(*, enrolment: Enrolment, answers: Any) -> QuizOutcome:
    """Score a quiz on the server and record the attempt (the questions it drew, answered).
    Attempts on one enrolment are serialised by a row lock, so two at once get consecutive
    numbers and at most the allowed count; none is taken before the retry wait after a
    failed one ends, nor once the module is completed."""
    enrolment = _lock_active(enrolment)
    if enrolment.status == EnrolmentStatus.COMPLETED:
        raise Conflict("This module is already completed.")
    version = version_with_content(enrolment.version_id)
    questions = list(version.questions.all())
    if not questions:
        raise NotFound("This module has no quiz.")
    made = QuizAttempt.objects.filter(enrolment=enrolment).count()
    if version.attempts_left(made) == 0:
        raise Conflict(f"All {version.max_attempts} attempts have been used.")
    opens_at = next_attempt_opens_at(enrolment=enrolment, version=version)
    if opens_at is not None:
        when = dateformat.format(timezone.localtime(opens_at), "H:i \\o\\n j F Y")
        raise Conflict(f"You can try the quiz again from {when}.", code="retry_wait")
    # Only this attempt's drawn questions are asked and scored (docs/adr/0017): an answer
    # to any other is refused like an answer to a question the quiz does not have.
    questions = [
        drawn.question for drawn in draw(version, enrolment_id=enrolment.pk, number=made + 1)
    ]
    cleaned = clean_answers(questions, answers)
    result = score(questions, cleaned, version.pass_mark)
    attempt = QuizAttempt.objects.create(
        enrolment=enrolment,
        organisation_id=enrolment.organisation_id,
        number=made + 1,
        answers=cleaned,
        correct_count=result.correct_count,
        question_count=result.question_count,
        score=result.percent,
        passed=result.passed,
    )
    _touch(enrolment)
    completed = _complete_if_done(enrolment) if result.passed else False
    return QuizOutcome(attempt=attempt, score=result, completed=completed)
