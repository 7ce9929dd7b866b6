"""Which questions a quiz attempt draws, in what order, with its options in what order.

Deterministic, with no stored state (docs/adr/0017): an attempt's draw is seeded by an
HMAC of the enrolment and the attempt number under SECRET_KEY, so the quiz page, the API
and the scoring service agree, and reloading the page does not re-roll it.
"""

import hashlib
import hmac
import random
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from training.models import Choice, ModuleVersion, Question


@dataclass(frozen=True)
class DrawnQuestion:
    """A question as one attempt presents it: its options in that attempt's order."""

    question: Question
    choices: tuple[Choice, ...]


def _generator(enrolment_id: int, number: int) -> random.Random:
    message = f"{enrolment_id}:{number}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    # Not for secrecy (the seed is); a seeded generator makes the draw repeatable.
    return random.Random(int.from_bytes(digest))  # noqa: S311


def draw(version: ModuleVersion, *, enrolment_id: int, number: int) -> list[DrawnQuestion]:
    """Attempt `number`'s questions (version.quiz_draw of them, or all when 0), in a shuffled
    order, each with shuffled options. `version` has its questions and choices loaded
    (selectors.version_with_content)."""
    questions: list[Question] = list(version.questions.all())
    generator = _generator(enrolment_id, number)
    count = version.quiz_draw if 0 < version.quiz_draw < len(questions) else len(questions)
    drawn = []
    for question in generator.sample(questions, count):
        choices = list(question.choices.all())
        drawn.append(DrawnQuestion(question, tuple(generator.sample(choices, len(choices)))))
    return drawn


def in_draw_order(
    version: ModuleVersion, *, enrolment_id: int, number: int, keys: Iterable[str]
) -> list[Question]:
    """A submitted attempt's questions (those whose keys it recorded), in the order the
    attempt showed them; any the draw no longer names (a changed SECRET_KEY) follow in the
    module's order."""
    wanted = set(keys)
    order = {
        drawn.question.key: index
        for index, drawn in enumerate(draw(version, enrolment_id=enrolment_id, number=number))
    }
    questions = [question for question in version.questions.all() if question.key in wanted]
    return sorted(questions, key=lambda each: (order.get(each.key, len(order)), each.position))
