"""Reads of modules and enrolments, always scoped through accounts.selectors."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import Membership, Role
from accounts.selectors import Actor, records_visible_filter, teams_assignable_by
from core.codes import holds_code
from core.errors import NotFound
from core.lookups import first_or_not_found
from training.models import (
    ACTIVE_STATUSES,
    Enrolment,
    EnrolmentStatus,
    Lesson,
    LessonProgress,
    Module,
    ModuleVersion,
    Question,
    QuizAttempt,
    Topic,
)


def today() -> datetime.date:
    return timezone.localdate()


def modules_visible_to(actor: Actor) -> QuerySet[Module]:
    """Published modules: Hearth's shared curriculum and the actor's organisations' own."""
    return (
        Module.objects.filter(current_version__isnull=False)
        .filter(Q(organisation__isnull=True) | Q(organisation_id__in=actor.organisation_ids))
        .select_related("current_version")
        .prefetch_related("topics")
        .order_by("current_version__title")
    )


def catalogue_filtered(
    modules: QuerySet[Module], *, words: str = "", sector: str = "", topic: str = ""
) -> QuerySet[Module]:
    """The catalogue's filters, for the page and the API alike: title or summary contains
    the words, the module is for the sector, it covers the topic (each when given)."""
    if words:
        modules = modules.filter(
            Q(current_version__title__icontains=words)
            | Q(current_version__summary__icontains=words)
        )
    if sector:
        modules = modules.filter(holds_code("sectors", sector))
    if topic:
        modules = modules.filter(topics__slug=topic)
    return modules


def module_get(*, actor: Actor, module_id: int) -> Module:
    return first_or_not_found(modules_visible_to(actor).filter(pk=module_id), "No such module.")


def version_with_content(version_id: int) -> ModuleVersion:
    """A version with its lessons and questions (and their choices) loaded."""
    return ModuleVersion.objects.prefetch_related(
        "lessons", Prefetch("questions", queryset=Question.objects.prefetch_related("choices"))
    ).get(pk=version_id)


def _counted(rows: QuerySet[Any], per: str) -> Coalesce:
    """How many `rows` there are for the outer row (grouped by `per`), 0 for none."""
    count = rows.order_by().values(per).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


def _with_progress(queryset: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Annotate progress in SQL: lessons total and done, attempts, best score, overdue."""
    has_quiz = Question.objects.filter(version=OuterRef("version"))
    attempts = (
        QuizAttempt.objects.filter(enrolment=OuterRef("pk"))
        .order_by()
        .values("enrolment")
        .annotate(n=Count("pk"), best=Max("score"))
    )
    passed = QuizAttempt.objects.filter(enrolment=OuterRef("pk"), passed=True)
    return queryset.select_related("module", "version", "learner", "team", "organisation").annotate(
        lessons_total=_counted(Lesson.objects.filter(version=OuterRef("version")), "version"),
        lessons_done=_counted(LessonProgress.objects.filter(enrolment=OuterRef("pk")), "enrolment"),
        has_quiz=Exists(has_quiz),
        quiz_passed=Exists(passed),
        attempts_count=Coalesce(Subquery(attempts.values("n"), output_field=IntegerField()), 0),
        best_score=Subquery(attempts.values("best"), output_field=IntegerField()),
        is_overdue=Case(
            When(Q(status__in=ACTIVE_STATUSES, due_date__lt=today()), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def progress_percent(enrolment: Enrolment) -> int:
    """Share of steps done (each lesson, and the quiz if there is one), 100 when complete."""
    if enrolment.status == EnrolmentStatus.COMPLETED:
        return 100
    total = enrolment.lessons_total + (1 if enrolment.has_quiz else 0)  # type: ignore[attr-defined]
    done = enrolment.lessons_done + (1 if enrolment.quiz_passed else 0)  # type: ignore[attr-defined]
    return (100 * done) // total if total else 0


def enrolments_visible_to(actor: Actor) -> QuerySet[Enrolment]:
    """Enrolments in scope (made under the asker's organisation, or one's own), with
    progress annotated."""
    return _with_progress(Enrolment.objects.filter(records_visible_filter(actor)))


def enrolment_get(*, actor: Actor, enrolment_id: int) -> Enrolment:
    return first_or_not_found(
        enrolments_visible_to(actor).filter(pk=enrolment_id), "No such enrolment."
    )


def own_enrolment_get(*, actor: Actor, enrolment_id: int) -> Enrolment:
    """The actor's own enrolment: only learners record their own progress."""
    if actor.user_id is None:
        raise NotFound("No such enrolment.")
    return first_or_not_found(
        _with_progress(Enrolment.objects.filter(learner_id=actor.user_id, pk=enrolment_id)),
        "No such enrolment.",
    )


@dataclass(frozen=True)
class MyLearning:
    """A learner's enrolments for the "My learning" page, in the order they act on them."""

    to_do: list[Enrolment]
    in_progress: list[Enrolment]
    completed: list[Enrolment]


def _with_next_lesson(queryset: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Annotate the position of the first lesson not yet done (None when all are done)."""
    done = LessonProgress.objects.filter(enrolment=OuterRef(OuterRef("pk")), lesson=OuterRef("pk"))
    next_lesson = (
        Lesson.objects.filter(version=OuterRef("version"))
        .exclude(Exists(done))
        .order_by("position")
        .values("position")[:1]
    )
    return queryset.annotate(
        next_lesson_position=Subquery(next_lesson, output_field=IntegerField())
    )


def my_learning(actor: Actor) -> MyLearning:
    """Due (overdue first, then soonest), in progress (most recent), completed; one query,
    each enrolment with its progress and where to resume (`resume_point_of`)."""
    enrolments = list(
        _with_next_lesson(
            _with_progress(
                Enrolment.objects.filter(learner_id=actor.user_id).exclude(
                    status=EnrolmentStatus.WITHDRAWN
                )
            )
        )
    )
    far = datetime.date.max
    to_do = sorted(
        (e for e in enrolments if e.status in ACTIVE_STATUSES and e.due_date),
        key=lambda e: (e.due_date or far, e.pk),
    )
    in_progress = sorted(
        (e for e in enrolments if e.status in ACTIVE_STATUSES and not e.due_date),
        key=lambda e: e.last_activity_at or e.created_at,
        reverse=True,
    )
    completed = sorted(
        (e for e in enrolments if e.status == EnrolmentStatus.COMPLETED),
        key=lambda e: e.completed_at or e.created_at,
        reverse=True,
    )
    return MyLearning(to_do=to_do, in_progress=in_progress, completed=completed)


@dataclass(frozen=True)
class ResumePoint:
    """Where a learner picks up: a lesson (by position), the quiz, or nothing left."""

    kind: str  # "lesson", "quiz" or "done"
    lesson_position: int | None = None


def resume_point(*, enrolment: Enrolment) -> ResumePoint:
    """The first lesson not yet done; then the quiz until passed; then done."""
    if enrolment.status == EnrolmentStatus.COMPLETED:
        return ResumePoint("done")
    done = LessonProgress.objects.filter(enrolment=enrolment).values("lesson_id")
    next_lesson = (
        Lesson.objects.filter(version_id=enrolment.version_id)
        .exclude(pk__in=done)
        .order_by("position")
        .values_list("position", flat=True)
        .first()
    )
    if next_lesson is not None:
        return ResumePoint("lesson", next_lesson)
    if Question.objects.filter(version_id=enrolment.version_id).exists():
        return ResumePoint("quiz")
    return ResumePoint("done")


def resume_point_of(enrolment: Enrolment) -> ResumePoint:
    """`resume_point` read from the annotations `my_learning` makes, with no query."""
    if enrolment.status == EnrolmentStatus.COMPLETED:
        return ResumePoint("done")
    position: int | None = enrolment.next_lesson_position  # type: ignore[attr-defined]
    if position is not None:
        return ResumePoint("lesson", position)
    if enrolment.has_quiz:  # type: ignore[attr-defined]
        return ResumePoint("quiz")
    return ResumePoint("done")


def done_lesson_ids(*, enrolment: Enrolment) -> set[int]:
    return set(
        LessonProgress.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True)
    )


def attempts_of(*, enrolment: Enrolment) -> QuerySet[QuizAttempt]:
    return QuizAttempt.objects.filter(enrolment=enrolment).order_by("number")


def topics_visible_to(actor: Actor) -> QuerySet[Topic]:
    """Topics of the modules the actor can see, by name (the catalogue's topic filter)."""
    return (
        Topic.objects.filter(modules__in=modules_visible_to(actor).order_by().values("pk"))
        .distinct()
        .order_by("name")
    )


@dataclass(frozen=True)
class CertificateLink:
    """An enrolment's current certificate: its id, and whether its PDF is ready yet."""

    certificate_id: int
    ready: bool


def certificates_by_enrolment(enrolment_ids: list[int]) -> dict[int, CertificateLink]:
    """The current certificates of these enrolments, in one query. Certificates sit above
    training, so the read is the one named in settings.HEARTH_CERTIFICATE_LOOKUP (a
    function taking `enrolment_ids=` and answering {enrolment id: (certificate id,
    ready)}), as training.completion plugs in the completion steps."""
    if not enrolment_ids:
        return {}
    lookup = import_string(settings.HEARTH_CERTIFICATE_LOOKUP)
    rows: dict[int, tuple[int, bool]] = lookup(enrolment_ids=enrolment_ids)
    return {enrolment: CertificateLink(*row) for enrolment, row in rows.items()}


def certificate_of(enrolment: Enrolment) -> CertificateLink | None:
    """A completed enrolment's current certificate (None while it is being issued, and
    for an enrolment not completed)."""
    if enrolment.status != EnrolmentStatus.COMPLETED:
        return None
    return certificates_by_enrolment([enrolment.pk]).get(enrolment.pk)


@dataclass(frozen=True)
class CatalogueMark:
    """What the catalogue says of a module the person has taken: in progress (continue
    the enrolment) or completed (and its certificate, once issued)."""

    enrolment_id: int
    completed: bool
    certificate: CertificateLink | None = None


def catalogue_marks(actor: Actor) -> dict[int, CatalogueMark]:
    """The actor's own enrolments as {module id: mark}, under every organisation of theirs,
    in two queries: an active enrolment wins over a completed one (they carry on with
    it); of several completed, the latest."""
    if actor.user_id is None:
        return {}
    enrolments = (
        Enrolment.objects.filter(learner_id=actor.user_id)
        .filter(Q(status__in=ACTIVE_STATUSES) | Q(status=EnrolmentStatus.COMPLETED))
        .order_by("completed_at", "pk")
        .values_list("module_id", "pk", "status")
    )
    active: dict[int, int] = {}
    completed: dict[int, int] = {}
    for module_id, enrolment_id, status in enrolments:
        if status == EnrolmentStatus.COMPLETED:
            completed[module_id] = enrolment_id
        else:
            active[module_id] = enrolment_id
    certificates = certificates_by_enrolment(list(completed.values()))
    marks = {
        module_id: CatalogueMark(enrolment_id, True, certificates.get(enrolment_id))
        for module_id, enrolment_id in completed.items()
    }
    for module_id, enrolment_id in active.items():
        marks[module_id] = CatalogueMark(enrolment_id, completed=False)
    return marks


def learner_memberships_assignable_by(actor: Actor) -> QuerySet[Membership]:
    """Learner memberships in the teams the actor may assign training to, person and team
    loaded, by name (the assign page's list of people; one query)."""
    return (
        Membership.objects.filter(role=Role.LEARNER, team__in=teams_assignable_by(actor))
        .select_related("user", "team")
        .order_by("user__full_name", "user_id", "team__name")
    )
