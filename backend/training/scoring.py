"""Quiz answers checked and scored on the server."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.errors import HearthError
from training.models import Question, QuestionKind


@dataclass(frozen=True)
class QuestionResult:
    key: str
    chosen: tuple[int, ...]
    correct_choices: tuple[int, ...]
    correct: bool


@dataclass(frozen=True)
class Score:
    results: tuple[QuestionResult, ...]
    correct_count: int
    question_count: int
    percent: int
    passed: bool


def clean_answers(questions: Sequence[Question], answers: Any) -> dict[str, list[int]]:
    """Check the shape of submitted answers against the questions; field errors if wrong.

    `answers` maps each question key to a list of choice ids (one for a single question).
    """
    if not isinstance(answers, Mapping):
        raise HearthError(
            "Answers must map each question to the chosen choice ids.",
            fields={"answers": ["Expected an object of question keys to lists of choice ids."]},
        )
    by_key = {question.key: question for question in questions}
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, list[int]] = {}
    for key in answers:
        if key not in by_key:
            errors[f"answers.{key}"] = ["No such question in this quiz."]
    for key, question in by_key.items():
        raw = answers.get(key)
        if raw in (None, [], ""):
            errors[f"answers.{key}"] = ["Choose an answer."]
            continue
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = [raw]
        if not isinstance(raw, list) or not all(
            isinstance(item, int) and not isinstance(item, bool) for item in raw
        ):
            errors[f"answers.{key}"] = ["Give a list of choice ids (whole numbers)."]
            continue
        valid = {choice.pk for choice in question.choices.all()}
        if not set(raw) <= valid:
            errors[f"answers.{key}"] = ["That choice does not belong to this question."]
            continue
        if question.kind == QuestionKind.SINGLE and len(set(raw)) != 1:
            errors[f"answers.{key}"] = ["Choose exactly one answer."]
            continue
        cleaned[key] = sorted(set(raw))
    if errors:
        raise HearthError("Some answers need attention.", fields=errors)
    return cleaned


def score(questions: Sequence[Question], answers: Mapping[str, list[int]], pass_mark: int) -> Score:
    """All-or-nothing per question: right only if exactly the correct choices are chosen."""
    results = []
    for question in questions:
        correct_choices = tuple(c.pk for c in question.choices.all() if c.is_correct)
        chosen = tuple(answers.get(question.key, ()))
        results.append(
            QuestionResult(
                key=question.key,
                chosen=chosen,
                correct_choices=correct_choices,
                correct=set(chosen) == set(correct_choices),
            )
        )
    correct_count = sum(result.correct for result in results)
    total = len(results)
    percent = (100 * correct_count) // total if total else 100
    return Score(
        results=tuple(results),
        correct_count=correct_count,
        question_count=total,
        percent=percent,
        passed=percent >= pass_mark,
    )
