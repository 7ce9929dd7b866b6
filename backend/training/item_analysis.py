"""How a module's quiz questions perform, for its authors: an organisation's admins.

For each question of the module's current version: how many attempts drew it, its
difficulty (the share of those attempts that got it right) and its discrimination (how
well getting it right goes with doing well on the rest of the quiz: the correlation of
the question's right-or-wrong with the attempt's share right on the other questions it
drew, the corrected point-biserial). Counted only from attempts made under the admin's
own organisations (scope follows the record, ADR 0012), the latest LATEST of them.
"""

import statistics
from dataclasses import dataclass

from accounts.selectors import Actor
from core.errors import NotFound
from training.models import Module, Question, QuizAttempt
from training.scoring import score
from training.selectors import module_get, version_with_content

LATEST = 2000
# Below this many attempts a question's figures are shown but not judged.
FEW = 20
HARD, EASY, WEAK = 0.3, 0.95, 0.2


@dataclass(frozen=True)
class QuestionPerformance:
    question: Question
    attempts: int
    right: int
    discrimination: float | None

    @property
    def percent_right(self) -> int | None:
        return round(100 * self.right / self.attempts) if self.attempts else None

    @property
    def verdict(self) -> str:
        """What an author might do about it, in a few words ("" when nothing stands out)."""
        if self.attempts < FEW:
            return "Too few attempts to judge"
        share = self.right / self.attempts
        if share < HARD:
            return "Most get it wrong: check the question and its marked answer"
        if share > EASY:
            return "Almost everyone gets it right"
        if self.discrimination is not None and self.discrimination < WEAK:
            return "Does not tell stronger learners from weaker ones"
        return ""


@dataclass(frozen=True)
class QuizPerformance:
    module: Module
    version_number: int
    attempts: int
    questions: list[QuestionPerformance]


def quiz_performance(*, actor: Actor, module_id: int) -> QuizPerformance:
    """The module's questions as its current version's attempts under the actor's
    organisations answered them. Org admins only; anyone else, or a module they cannot
    see: NotFound."""
    if not actor.admin_organisation_ids:
        raise NotFound("No such module.")
    module = module_get(actor=actor, module_id=module_id)
    if module.current_version_id is None:
        raise NotFound("No such module.")
    version = version_with_content(module.current_version_id)
    questions = list(version.questions.all())
    attempts = list(
        QuizAttempt.objects.filter(
            enrolment__version=version, organisation_id__in=actor.admin_organisation_ids
        )
        .order_by("-submitted_at", "-pk")
        .values_list("answers", flat=True)[:LATEST]
    )
    # Each attempt: which of its drawn questions it got right.
    marked: list[dict[str, bool]] = []
    for answers in attempts:
        drawn = [question for question in questions if question.key in answers]
        result = score(drawn, answers, version.pass_mark)
        marked.append({each.key: each.correct for each in result.results})
    return QuizPerformance(
        module=module,
        version_number=version.number,
        attempts=len(attempts),
        questions=[_performance(question, marked) for question in questions],
    )


def _performance(question: Question, marked: list[dict[str, bool]]) -> QuestionPerformance:
    right_here: list[float] = []
    rest: list[float] = []
    for attempt in marked:
        if question.key not in attempt:
            continue  # not drawn in this attempt
        others = [correct for key, correct in attempt.items() if key != question.key]
        right_here.append(1.0 if attempt[question.key] else 0.0)
        rest.append(sum(others) / len(others) if others else 0.0)
    return QuestionPerformance(
        question=question,
        attempts=len(right_here),
        right=int(sum(right_here)),
        discrimination=_correlation(right_here, rest),
    )


def _correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r, or None where it is undefined (fewer than two attempts, or everyone
    alike on either side)."""
    if len(xs) < 2 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    return statistics.correlation(xs, ys)
