"""Small modules for tests, published through the real importer and service."""

from accounts.models import Organisation
from training.content import parse_module
from training.draws import draw
from training.models import Enrolment, Module, Question, QuizAttempt
from training.publishing import module_publish
from training.selectors import version_with_content

MODULE_TEXT = """---
slug: {slug}
title: {title}
summary: A short module used by the tests.
sectors: [housing, health]
topics: [damp-and-mould]
estimated_minutes: 15
quiz:
  pass_mark: 80
  max_attempts: {max_attempts}
  questions:
    - key: q1
      kind: single
      text: Which room most often shows mould first?
      explanation: EXPLANATION-ONE bathrooms and kitchens make the most moisture.
      choices:
        - text: The bathroom
          correct: true
        - text: The loft
          correct: false
    - key: q2
      kind: multiple
      text: Which of these reduce condensation?
      explanation: EXPLANATION-TWO ventilation and steady heating both help.
      choices:
        - text: Opening a trickle vent
          correct: true
        - text: Drying clothes on radiators
          correct: false
        - text: Keeping a low steady heat
          correct: true
---

# Why damp matters

{lesson_one}

# What to look for

Black spots on walls, a musty smell, peeling paint.
"""


def publish_module(
    *,
    slug: str = "damp-basics",
    title: str = "Damp basics",
    lesson_one: str = "Damp and mould harm lungs, especially children's.",
    max_attempts: int = 0,
    organisation: Organisation | None = None,
) -> Module:
    text = MODULE_TEXT.format(
        slug=slug, title=title, lesson_one=lesson_one, max_attempts=max_attempts
    )
    return module_publish(spec=parse_module(text), organisation=organisation).module


def next_questions(enrolment: Enrolment) -> list[Question]:
    """The questions the enrolment's next quiz attempt draws (training.draws)."""
    version = version_with_content(enrolment.version_id)
    number = QuizAttempt.objects.filter(enrolment=enrolment).count() + 1
    return [drawn.question for drawn in draw(version, enrolment_id=enrolment.pk, number=number)]


def right_answers(enrolment: Enrolment) -> dict[str, list[int]]:
    """Right answers to every question the next attempt draws."""
    return {
        question.key: [c.pk for c in question.choices.all() if c.is_correct]
        for question in next_questions(enrolment)
    }


def wrong_answers(enrolment: Enrolment) -> dict[str, list[int]]:
    """A wrong answer to every question the next attempt draws."""
    answers = {}
    for question in next_questions(enrolment):
        wrong = next(c for c in question.choices.all() if not c.is_correct)
        answers[question.key] = [wrong.pk]
    return answers
