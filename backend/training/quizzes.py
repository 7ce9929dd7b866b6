"""The quiz as a learner meets it: the next attempt's drawn questions, when it opens, and
a submitted attempt's feedback, with the right answers only when they may be shown
(docs/adr/0017). Reads only; the learner's own enrolment comes from
training.selectors.own_enrolment_get."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import QuizAnswersShown
from core.errors import NotFound
from training.draws import DrawnQuestion, draw, in_draw_order
from training.models import ACTIVE_STATUSES, Choice, Enrolment, ModuleVersion, Question, QuizAttempt
from training.scoring import score
from training.selectors import attempts_of, version_with_content


def quiz_answers_shown(*, enrolment: Enrolment, version: ModuleVersion) -> bool:
    """A quiz's right answers and explanations show once the learner has passed it or has
    no attempts left (never, with unlimited attempts, before a pass), unless the
    enrolment's organisation says never (docs/adr/0017)."""
    organisation = enrolment.organisation
    if organisation is not None and organisation.quiz_answers_shown == QuizAnswersShown.NEVER:
        return False
    made = QuizAttempt.objects.filter(enrolment=enrolment).aggregate(
        total=Count("pk"), passed=Count("pk", filter=Q(passed=True))
    )
    return made["passed"] > 0 or version.attempts_left(made["total"]) == 0


def next_attempt_opens_at(
    *, enrolment: Enrolment, version: ModuleVersion
) -> datetime.datetime | None:
    """When a learner may try the quiz again after a failed attempt (the version's retry
    wait after it); None when nothing holds them back."""
    if not version.retry_wait_minutes:
        return None
    last = attempts_of(enrolment=enrolment).last()
    if last is None or last.passed:
        return None
    opens_at = last.submitted_at + datetime.timedelta(minutes=version.retry_wait_minutes)
    return opens_at if opens_at > timezone.now() else None


@dataclass(frozen=True)
class NextQuiz:
    """The quiz as the learner's next attempt presents it (drawn questions, shuffled
    options, never which are correct) and whether, or from when, they may take it."""

    number: int
    pass_mark: int
    max_attempts: int
    attempts_left: int | None
    may_attempt: bool
    opens_at: datetime.datetime | None
    questions: list[DrawnQuestion]


def next_quiz(*, enrolment: Enrolment, version: ModuleVersion | None = None) -> NextQuiz:
    """The next attempt's quiz; `enrolment` comes from own_enrolment_get (progress annotated),
    `version` from version_with_content when the caller has it already."""
    version = version or version_with_content(enrolment.version_id)
    if not version.questions.all():
        raise NotFound("This module has no quiz.")
    made: int = enrolment.attempts_count  # type: ignore[attr-defined]
    left = version.attempts_left(made)
    return NextQuiz(
        number=made + 1,
        pass_mark=version.pass_mark,
        max_attempts=version.max_attempts,
        attempts_left=left,
        may_attempt=enrolment.status in ACTIVE_STATUSES and left != 0,
        opens_at=next_attempt_opens_at(enrolment=enrolment, version=version),
        questions=draw(version, enrolment_id=enrolment.pk, number=made + 1),
    )


@dataclass(frozen=True)
class AnswerFeedback:
    """One question of a submitted attempt: what was chosen and whether it was right; the
    right choices and the explanation only when they may be shown, else None."""

    question: Question
    chosen: tuple[Choice, ...]
    correct: bool
    correct_choices: tuple[Choice, ...] | None
    explanation: str | None


def attempt_feedback(
    *, version: ModuleVersion, attempt: QuizAttempt, answers_shown: bool
) -> list[AnswerFeedback]:
    """A submitted attempt's questions in the order it showed them, marked; `version` comes
    from version_with_content, `answers_shown` from quiz_answers_shown."""
    questions = in_draw_order(
        version, enrolment_id=attempt.enrolment_id, number=attempt.number, keys=attempt.answers
    )
    marked = score(questions, attempt.answers, version.pass_mark)
    feedback = []
    for question, result in zip(questions, marked.results, strict=True):
        choices = {choice.pk: choice for choice in question.choices.all()}
        feedback.append(
            AnswerFeedback(
                question=question,
                chosen=tuple(choices[pk] for pk in result.chosen if pk in choices),
                correct=result.correct,
                correct_choices=(
                    tuple(choices[pk] for pk in result.correct_choices) if answers_shown else None
                ),
                explanation=question.explanation if answers_shown else None,
            )
        )
    return feedback
