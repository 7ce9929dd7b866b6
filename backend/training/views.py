"""Server-rendered pages: a learner's own learning, the catalogue, and the assign page.

Every page reads through training.selectors and accounts.selectors with the request's
actor, and writes through training.services. Anything out of scope is a 404, and a
business rule's refusal is shown on the page, never as a server error.
"""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import actor_from_request, teams_assignable_by
from core.pages import not_found_as_404, refusal_as_message, refusal_caught
from training import quizzes, selectors, services
from training.forms import AssignForm, CatalogueFilterForm, QuizForm
from training.models import (
    ACTIVE_STATUSES,
    Enrolment,
    EnrolmentStatus,
    Lesson,
    Module,
    ModuleVersion,
)


def _enrolment(request: HttpRequest, enrolment_id: int) -> Enrolment:
    return selectors.own_enrolment_get(actor=actor_from_request(request), enrolment_id=enrolment_id)


# My learning


@dataclass(frozen=True)
class LearningItem:
    """An enrolment as a row of "My learning"."""

    enrolment: Enrolment
    percent: int

    @property
    def action(self) -> str:
        if self.enrolment.status == EnrolmentStatus.COMPLETED:
            return "Review"
        if self.enrolment.status == EnrolmentStatus.NOT_STARTED:
            return "Start"
        return "Continue"


def _items(enrolments: list[Enrolment]) -> list[LearningItem]:
    return [LearningItem(e, selectors.progress_percent(e)) for e in enrolments]


@login_required
@require_GET
def my_learning(request: HttpRequest) -> HttpResponse:
    """What the learner has to do (soonest due first), is doing, and has done, under
    every organisation they work for (each item labelled when there are several)."""
    learning = selectors.my_learning(actor_from_request(request))
    everything = [*learning.to_do, *learning.in_progress, *learning.completed]
    return render(
        request,
        "training/my_learning.html",
        {
            "to_do": _items(learning.to_do),
            "in_progress": _items(learning.in_progress),
            "completed": _items(learning.completed),
            # A person working for several organisations sees which each item is for.
            "several_organisations": len({e.organisation_id for e in everything}) > 1,
        },
    )


# Catalogue


@dataclass(frozen=True)
class ModuleCard:
    module: Module
    mark: selectors.CatalogueMark | None


@login_required
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Modules the learner may take, filtered; each says Completed (with its certificate),
    In progress (continue it), or offers to start."""
    actor = actor_from_request(request)
    form = CatalogueFilterForm(request.GET or None, topics=selectors.topics_visible_to(actor))
    modules = form.filter(selectors.modules_visible_to(actor))
    marks = selectors.catalogue_marks(actor)
    cards = [ModuleCard(module, marks.get(module.pk)) for module in modules]
    return render(
        request,
        "training/catalogue.html",
        {
            "form": form,
            "cards": cards,
            "is_filtered": form.is_filtered,
            "is_org_admin": actor.is_org_admin,
        },
    )


@login_required
@require_POST
@not_found_as_404
def module_start(request: HttpRequest, module_id: int) -> HttpResponse:
    """Start a module (or carry on with the active enrolment in it)."""
    actor = actor_from_request(request)
    module = selectors.module_get(actor=actor, module_id=module_id)
    with refusal_as_message(request) as refusal:
        enrolment = services.enrolment_self_enrol(actor=actor, module=module)
    if refusal.error is not None:
        return redirect("catalogue")
    return redirect("enrolment", enrolment_id=enrolment.pk)


# One enrolment: overview, lessons, quiz and results


def _attempts(enrolment: Enrolment, version: ModuleVersion) -> dict[str, object]:
    """Attempts made and left, and whether the learner may make another (the rule
    services.quiz_submit enforces)."""
    made: int = enrolment.attempts_count  # type: ignore[attr-defined]
    left = version.attempts_left(made)
    return {
        "attempts_made": made,
        "attempts_left": left,
        "may_attempt": enrolment.status in ACTIVE_STATUSES and left != 0,
    }


@login_required
@require_GET
@not_found_as_404
def enrolment_overview(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """A module as the learner works through it: lessons done, where to resume, the quiz."""
    enrolment = _enrolment(request, enrolment_id)
    version = selectors.version_with_content(enrolment.version_id)
    lessons = list(version.lessons.all())
    questions = version.questions.all()
    done = selectors.done_lesson_ids(enrolment=enrolment)
    attempts = list(selectors.attempts_of(enrolment=enrolment))
    return render(
        request,
        "training/enrolment.html",
        {
            "enrolment": enrolment,
            "version": version,
            "percent": selectors.progress_percent(enrolment),
            "lessons": [(lesson, lesson.pk in done) for lesson in lessons],
            "resume": selectors.resume_point(enrolment=enrolment),
            # Questions per attempt: a pool draws some of them each time (docs/adr/0017).
            "question_count": min(version.quiz_draw or len(questions), len(questions)),
            "attempts": attempts,
            **_attempts(enrolment, version),
            "is_active": enrolment.status in ACTIVE_STATUSES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def lesson(request: HttpRequest, enrolment_id: int, position: int) -> HttpResponse:
    """One lesson; marking it done moves on to the next lesson, then the quiz."""
    enrolment = _enrolment(request, enrolment_id)
    version = selectors.version_with_content(enrolment.version_id)
    lessons: list[Lesson] = list(version.lessons.all())
    index = next((i for i, each in enumerate(lessons) if each.position == position), None)
    if index is None:
        raise Http404("No such lesson in this module.")
    current = lessons[index]
    previous = lessons[index - 1] if index > 0 else None
    following = lessons[index + 1] if index + 1 < len(lessons) else None
    has_quiz = bool(version.questions.all())
    quiz_open = has_quiz and not enrolment.quiz_passed  # type: ignore[attr-defined]
    if following is not None:
        next_url = reverse("lesson", args=[enrolment.pk, following.position])
    elif quiz_open and enrolment.status in ACTIVE_STATUSES:
        next_url = reverse("quiz", args=[enrolment.pk])
    else:
        next_url = reverse("enrolment", args=[enrolment.pk])

    error: str | None = None
    status = 200
    if request.method == "POST":
        with refusal_caught() as refusal:
            services.lesson_complete(enrolment=enrolment, lesson_id=current.pk)
        if refusal.error is None:
            return redirect(next_url)
        error, status = refusal.error.message, refusal.error.status
    return render(
        request,
        "training/lesson.html",
        {
            "enrolment": enrolment,
            "version": version,
            "lesson": current,
            "lesson_count": len(lessons),
            "previous": previous,
            "following": following,
            "has_quiz": has_quiz,
            "next_url": next_url,
            "done": current.pk in selectors.done_lesson_ids(enrolment=enrolment),
            "is_active": enrolment.status in ACTIVE_STATUSES,
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def quiz(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """The next attempt's quiz: its drawn questions with shuffled options, no correct
    answers or explanations in the page; scored on the server."""
    enrolment = _enrolment(request, enrolment_id)
    version = selectors.version_with_content(enrolment.version_id)
    next_quiz = quizzes.next_quiz(enrolment=enrolment, version=version)
    form = QuizForm(next_quiz.questions, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        with refusal_caught() as refusal:
            outcome = services.quiz_submit(enrolment=enrolment, answers=form.answers())
        if refusal.error is None:
            return redirect("quiz-result", enrolment_id=enrolment.pk, number=outcome.attempt.number)
        form.apply_error(refusal.error)
        status = refusal.error.status
    latest = selectors.attempts_of(enrolment=enrolment).last()
    return render(
        request,
        "training/quiz.html",
        {
            "enrolment": enrolment,
            "version": version,
            "form": form,
            "quiz": next_quiz,
            "attempts_made": next_quiz.number - 1,
            "latest": latest,
        },
        status=status,
    )


@dataclass(frozen=True)
class QuestionOutcome:
    """One question of a submitted attempt; the right answer and why only when shown."""

    number: int
    text: str
    chosen: list[str]
    correct: bool
    correct_choices: list[str] | None
    explanation: str | None


@login_required
@require_GET
@not_found_as_404
def quiz_result(request: HttpRequest, enrolment_id: int, number: int) -> HttpResponse:
    """A submitted attempt: the score and which answers were right; the right answers and
    why once the learner passed or is out of attempts (quizzes.quiz_answers_shown)."""
    enrolment = _enrolment(request, enrolment_id)
    attempt = selectors.attempts_of(enrolment=enrolment).filter(number=number).first()
    if attempt is None:
        raise Http404("No such attempt.")
    version = selectors.version_with_content(enrolment.version_id)
    answers_shown = quizzes.quiz_answers_shown(enrolment=enrolment, version=version)
    feedback = quizzes.attempt_feedback(
        version=version, attempt=attempt, answers_shown=answers_shown
    )
    outcomes = [
        QuestionOutcome(
            number=index,
            text=each.question.text,
            chosen=[choice.text for choice in each.chosen],
            correct=each.correct,
            correct_choices=(
                None
                if each.correct_choices is None
                else [choice.text for choice in each.correct_choices]
            ),
            explanation=each.explanation,
        )
        for index, each in enumerate(feedback, start=1)
    ]
    return render(
        request,
        "training/quiz_result.html",
        {
            "enrolment": enrolment,
            "version": version,
            "attempt": attempt,
            "outcomes": outcomes,
            "answers_shown": answers_shown,
            "completed": enrolment.status == EnrolmentStatus.COMPLETED,
            "certificate": selectors.certificate_of(enrolment),
            "opens_at": quizzes.next_attempt_opens_at(enrolment=enrolment, version=version),
            **_attempts(enrolment, version),
        },
    )


# Assigning training


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def _assigned_message(title: str, created: int, already: int, due: datetime.date | None) -> str:
    due_text = f", due {format_date(due, 'j F Y')}" if due else ""
    if created:
        text = f"Assigned “{title}” to {_people(created)}{due_text}."
    elif already:
        text = f"Nothing new to assign: everyone chosen already has “{title}”."
    else:
        return f"Nobody was assigned “{title}”: there are no learners in that team yet."
    if created and already:
        has, keeps = ("has", "keeps") if already == 1 else ("have", "keep")
        text += f" {_people(already)} already {has} it and {keeps} their current enrolment."
    return text


def _preselected(request: HttpRequest) -> dict[str, list[int]]:
    """`?learner=<id>` (the person record's link) ticks that person; the choices still
    offer only learners in the actor's teams."""
    learner = request.GET.get("learner", "")
    return {"learners": [int(learner)]} if learner.isdigit() and len(learner) < 10 else {}


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def assign(request: HttpRequest) -> HttpResponse:
    """A manager or org admin assigns a module to a team or to people, with a due date."""
    actor = actor_from_request(request)
    teams = teams_assignable_by(actor)
    if not teams.exists():
        raise Http404("You do not manage a team.")
    form = AssignForm(
        request.POST if request.method == "POST" else None,
        modules=selectors.modules_visible_to(actor),
        teams=teams,
        learner_memberships=list(selectors.learner_memberships_assignable_by(actor)),
        initial=_preselected(request),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            module: Module = data["module"]
            with refusal_caught() as refusal:
                result = services.enrolment_assign(
                    actor=actor,
                    module=module,
                    team_id=data["team"].pk if data["team"] else None,
                    learner_ids=data["learners"] or None,
                    due_date=data["due_date"],
                    due_in_days=data["due_in_days"],
                )
            if refusal.error is not None:
                form.apply_error(refusal.error)
            else:
                title = module.current_version.title if module.current_version else module.slug
                messages.success(
                    request,
                    _assigned_message(
                        title, len(result.created), len(result.already_enrolled), result.due_date
                    ),
                )
                return redirect("assign")
        status = 400
    return render(
        request,
        "training/assign.html",
        {"form": form, "learner_field": form["learners"]},
        status=status,
    )
