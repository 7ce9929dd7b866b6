"""Quizzes that test (issue 15, must-show 5): the right answers withheld until a pass or
the last attempt (or for good), options shuffled per attempt, question pools, and a wait
between attempts. Embedded default and full mode alike."""

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import QuizAnswersShown, User
from accounts.selectors import actor_for_user
from tests.conftest import World
from tests.support.training import next_questions, right_answers, wrong_answers
from training import services
from training.content import ContentError, parse_module
from training.draws import draw
from training.models import Choice, Enrolment, Module, QuizAttempt
from training.publishing import module_publish
from training.selectors import version_with_content

pytestmark = pytest.mark.django_db

QUESTION = """    - key: q{n}
      kind: single
      text: Question number {n} about damp?
      explanation: WHY-{n} because ventilation matters.
      choices:
        - text: RIGHT-{n} the answer to keep
          correct: true
        - text: Wrong first {n}
          correct: false
        - text: Wrong second {n}
          correct: false
        - text: Wrong third {n}
          correct: false
"""

POOL_TEXT = """---
slug: {slug}
title: Damp in depth
summary: A module with a pool of questions.
sectors: [housing]
estimated_minutes: 15
quiz:
  pass_mark: 60
  max_attempts: {max_attempts}
  draw: {draw}
  retry_wait_minutes: {retry_wait}
  questions:
{questions}---

# Damp

Damp harms lungs.
"""


def publish_pool(
    *,
    slug: str = "pool",
    questions: int = 6,
    draw: int = 0,
    max_attempts: int = 0,
    retry_wait: int = 0,
) -> Module:
    text = POOL_TEXT.format(
        slug=slug,
        max_attempts=max_attempts,
        draw=draw,
        retry_wait=retry_wait,
        questions="".join(QUESTION.format(n=n) for n in range(1, questions + 1)),
    )
    return module_publish(spec=parse_module(text)).module


def enrol(user: User, module: Module) -> Enrolment:
    return services.enrolment_self_enrol(actor=actor_for_user(user), module=module)


def page_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submit(client: APIClient, enrolment: Enrolment, answers: dict[str, list[int]]) -> Any:
    return client.post(f"/api/v1/enrolments/{enrolment.pk}/quiz-attempts/", {"answers": answers})


def everything_the_learner_sees(
    enrolment: Enrolment, api: APIClient, pages: Client
) -> dict[str, str]:
    """Every page and API response about the quiz, by name (results of the latest attempt)."""
    latest = QuizAttempt.objects.filter(enrolment=enrolment).order_by("number").last()
    bodies = {
        "quiz page": pages.get(f"/learning/{enrolment.pk}/quiz/"),
        "module detail API": api.get(f"/api/v1/modules/{enrolment.module_id}/"),
        "quiz API": api.get(f"/api/v1/enrolments/{enrolment.pk}/quiz/"),
        "attempts API": api.get(f"/api/v1/enrolments/{enrolment.pk}/quiz-attempts/"),
    }
    if latest is not None:
        bodies["result page"] = pages.get(
            f"/learning/{enrolment.pk}/quiz/attempts/{latest.number}/"
        )
    for name, response in bodies.items():
        assert response.status_code == 200, name
    return {name: response.getvalue().decode() for name, response in bodies.items()}


def assert_withheld(seen: dict[str, str]) -> None:
    """No explanation and no right answer anywhere: option lists name no correct one, and
    results (where the learner chose only wrong options) name no right option."""
    for name, body in seen.items():
        assert "WHY-" not in body, name
        assert "is_correct" not in body, name
    for name in ("quiz page", "module detail API", "quiz API"):
        assert "correct" not in seen[name].lower(), name
    for name in ("attempts API", "result page"):
        assert "RIGHT-" not in seen.get(name, ""), name
    assert "Right answer" not in seen.get("result page", "")
    assert '"correct_choices":[' not in seen["attempts API"].replace(" ", "")


# --- (a) answers withheld until a pass or the last attempt ------------------------------


def test_no_answer_or_explanation_is_shown_until_the_last_attempt_is_used(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    module = publish_pool(max_attempts=3)
    enrolment = enrol(world.x_learner_a, module)
    api, pages = client_for(world.x_learner_a), page_client(world.x_learner_a)

    assert_withheld(everything_the_learner_sees(enrolment, api, pages))
    for number in (1, 2):
        response = submit(api, enrolment, wrong_answers(enrolment))
        assert response.status_code == 201 and response.json()["number"] == number
        assert "WHY-" not in response.content.decode()
        assert "RIGHT-" not in response.content.decode()
        assert_withheld(everything_the_learner_sees(enrolment, api, pages))

    last = submit(api, enrolment, wrong_answers(enrolment)).json()

    seen = everything_the_learner_sees(enrolment, api, pages)
    assert last["answers_shown"] is True
    assert sorted(r["explanation"][:5] for r in last["results"]) == [
        f"WHY-{n}" for n in range(1, 7)
    ]
    assert all(len(r["correct_choices"]) == 1 for r in last["results"])
    assert seen["result page"].count("Right answer") == 6
    assert all(f"RIGHT-{n}" in seen["result page"] for n in range(1, 7))
    attempts = api.get(f"/api/v1/enrolments/{enrolment.pk}/quiz-attempts/").json()
    assert [a["answers_shown"] for a in attempts] == [True, True, True]
    assert all(r["explanation"] for a in attempts for r in a["results"])
    for name in ("quiz page", "module detail API", "quiz API"):
        assert "WHY-" not in seen[name] and "is_correct" not in seen[name], name


def test_with_unlimited_attempts_the_answers_show_only_after_the_pass(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    module = publish_pool(max_attempts=0)
    enrolment = enrol(world.x_learner_a, module)
    api, pages = client_for(world.x_learner_a), page_client(world.x_learner_a)
    for _ in range(4):
        submit(api, enrolment, wrong_answers(enrolment))
        assert_withheld(everything_the_learner_sees(enrolment, api, pages))

    passed = submit(api, enrolment, right_answers(enrolment)).json()

    assert passed["passed"] is True and passed["answers_shown"] is True
    first_result = pages.get(f"/learning/{enrolment.pk}/quiz/attempts/1/").content.decode()
    assert "WHY-1" in first_result and "RIGHT-1" in first_result


def test_an_organisation_that_says_never_never_shows_the_answers(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    world.org_x.quiz_answers_shown = QuizAnswersShown.NEVER
    world.org_x.save(update_fields=["quiz_answers_shown"])
    module = publish_pool(max_attempts=2)
    enrolment = enrol(world.x_learner_a, module)
    api, pages = client_for(world.x_learner_a), page_client(world.x_learner_a)
    submit(api, enrolment, wrong_answers(enrolment))

    passed = submit(api, enrolment, right_answers(enrolment))

    assert passed.json()["passed"] is True and passed.json()["answers_shown"] is False
    assert "WHY-" not in passed.content.decode()
    seen = everything_the_learner_sees(enrolment, api, pages)
    for name, body in seen.items():
        assert "WHY-" not in body and "is_correct" not in body, name
    assert "Right answer" not in seen["result page"]
    assert "does not show the right answers" in seen["result page"]
    first = pages.get(f"/learning/{enrolment.pk}/quiz/attempts/1/").content.decode()
    assert "RIGHT-" not in first and "WHY-" not in first
    attempts = api.get(f"/api/v1/enrolments/{enrolment.pk}/quiz-attempts/").json()
    assert {r["correct_choices"] for a in attempts for r in a["results"]} == {None}


def test_the_quiz_endpoint_is_for_the_learners_own_enrolment_only(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    enrolment = enrol(world.x_learner_a, publish_pool())
    url = f"/api/v1/enrolments/{enrolment.pk}/quiz/"

    for someone_else in (world.x_learner_b, world.x_manager_a, world.x_admin, world.y_learner):
        response = client_for(someone_else).get(url)
        assert response.status_code == 404, someone_else
        assert response.json()["error"]["code"] == "not_found"
    assert client_for(world.x_learner_a).get(url).status_code == 200


# --- (b) options shuffled per attempt, the same on a refresh -----------------------------


def _option_order(body: dict[str, Any], key: str) -> tuple[int, ...]:
    question = next(q for q in body["questions"] if q["key"] == key)
    return tuple(choice["id"] for choice in question["choices"])


def test_options_are_shuffled_per_attempt_and_stay_put_on_a_refresh(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    module = publish_pool(questions=2)
    enrolment = enrol(world.x_learner_a, module)
    api, pages = client_for(world.x_learner_a), page_client(world.x_learner_a)
    url = f"/api/v1/enrolments/{enrolment.pk}/quiz/"
    orders = []
    for number in range(1, 7):
        first, again = api.get(url).json(), api.get(url).json()
        page = pages.get(f"/learning/{enrolment.pk}/quiz/").content.decode()
        assert first == again and first["number"] == number
        on_page = tuple(int(pk) for pk in re.findall(r'name="answer-q1" id="choice-(\d+)"', page))
        assert on_page == _option_order(first, "q1")
        orders.append(_option_order(first, "q1"))
        submit(api, enrolment, wrong_answers(enrolment))

    assert len(orders[0]) == 4
    assert len(set(orders)) > 1
    # The draw is the same function of (enrolment, attempt) wherever it is read.
    version = version_with_content(enrolment.version_id)
    assert [
        tuple(c.pk for c in drawn.choices)
        for drawn in draw(version, enrolment_id=enrolment.pk, number=1)
        if drawn.question.key == "q1"
    ] == [orders[0]]


def test_the_right_option_is_not_in_a_fixed_place() -> None:
    """Across attempts the correct option of a four-option question moves around."""
    module = publish_pool(questions=1)
    version = version_with_content(module.current_version.pk)  # type: ignore[union-attr]
    places = {
        next(
            i
            for i, c in enumerate(draw(version, enrolment_id=7, number=n)[0].choices)
            if c.is_correct
        )
        for n in range(1, 40)
    }
    assert len(places) >= 3


# --- (c) a pool draws different questions; scoring covers exactly those ----------------


def test_a_pool_draws_different_questions_across_attempts(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    module = publish_pool(draw=3, questions=6)
    enrolment = enrol(world.x_learner_a, module)
    api, pages = client_for(world.x_learner_a), page_client(world.x_learner_a)
    drawn_sets = []
    for number in range(1, 6):
        quiz = api.get(f"/api/v1/enrolments/{enrolment.pk}/quiz/").json()
        keys = [q["key"] for q in quiz["questions"]]
        page = pages.get(f"/learning/{enrolment.pk}/quiz/").content.decode()
        assert re.findall(r'<fieldset class="question" id="question-([\w-]+)"', page) == keys
        assert len(keys) == 3 and "3 questions" in page

        response = submit(api, enrolment, wrong_answers(enrolment))

        attempt = QuizAttempt.objects.get(enrolment=enrolment, number=number)
        assert sorted(attempt.answers) == sorted(keys) and attempt.question_count == 3
        assert sorted(r["key"] for r in response.json()["results"]) == sorted(keys)
        drawn_sets.append(frozenset(keys))

    assert len(set(drawn_sets)) > 1


def test_scoring_covers_exactly_the_drawn_questions(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    module = publish_pool(draw=2, questions=6)
    enrolment = enrol(world.x_learner_a, module)
    api = client_for(world.x_learner_a)
    drawn = [question.key for question in next_questions(enrolment)]
    undrawn = next(f"q{n}" for n in range(1, 7) if f"q{n}" not in drawn)
    right = right_answers(enrolment)
    undrawn_right = Choice.objects.get(
        question__version__module=module, question__key=undrawn, is_correct=True
    )
    every_right = {**right, undrawn: [undrawn_right.pk]}

    extra = submit(api, enrolment, every_right)
    missing = submit(api, enrolment, {drawn[0]: right[drawn[0]]})
    assert extra.status_code == 400 and missing.status_code == 400
    assert extra.json()["error"]["fields"] == {
        f"answers.{undrawn}": ["No such question in this quiz."]
    }
    assert missing.json()["error"]["fields"] == {f"answers.{drawn[1]}": ["Choose an answer."]}
    assert not QuizAttempt.objects.exists()

    passed = submit(api, enrolment, right)

    body = passed.json()
    assert passed.status_code == 201
    assert (body["score"], body["correct_count"], body["question_count"]) == (100, 2, 2)
    assert QuizAttempt.objects.get().answers == right


# --- (d) a wait between attempts --------------------------------------------------------


def test_the_retry_wait_is_enforced_and_the_quiz_page_says_when_it_opens(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    module = publish_pool(max_attempts=3, retry_wait=10)
    enrolment = enrol(world.x_learner_a, module)
    api, pages = client_for(world.x_learner_a), page_client(world.x_learner_a)
    failed_at = timezone.now().replace(microsecond=0)
    with time_machine.travel(failed_at, tick=False):
        assert submit(api, enrolment, wrong_answers(enrolment)).status_code == 201
    opens_at = failed_at + datetime.timedelta(minutes=10)

    with time_machine.travel(opens_at - datetime.timedelta(seconds=1), tick=False):
        refused = submit(api, enrolment, right_answers(enrolment))
        page = pages.get(f"/learning/{enrolment.pk}/quiz/").content.decode()
        quiz = api.get(f"/api/v1/enrolments/{enrolment.pk}/quiz/").json()
        posted = pages.post(f"/learning/{enrolment.pk}/quiz/", {})

    local = timezone.localtime(opens_at)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "retry_wait"
    assert refused.json()["error"]["message"] == (
        f"You can try the quiz again from {local:%H:%M} on {local.day} {local:%B %Y}."
    )
    assert f"Your next attempt opens at {local:%H:%M}" in page and "<fieldset" not in page
    assert datetime.datetime.fromisoformat(quiz["opens_at"]) == opens_at
    assert posted.status_code == 409
    assert QuizAttempt.objects.filter(enrolment=enrolment).count() == 1

    with time_machine.travel(opens_at, tick=False):
        allowed = submit(api, enrolment, right_answers(enrolment))

    assert allowed.status_code == 201 and allowed.json()["number"] == 2


def test_without_a_retry_wait_the_next_attempt_opens_at_once(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    module = publish_pool(max_attempts=3)
    enrolment = enrol(world.x_learner_a, module)
    api = client_for(world.x_learner_a)
    submit(api, enrolment, wrong_answers(enrolment))

    again = submit(api, enrolment, wrong_answers(enrolment))

    assert again.status_code == 201
    assert api.get(f"/api/v1/enrolments/{enrolment.pk}/quiz/").json()["opens_at"] is None


# --- the module file ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings_text", "message"),
    [
        ("draw: 7", "quiz draw 0-6"),
        ("draw: -1", "quiz draw 0-6"),
        ("draw: true", "quiz draw 0-6"),
        ("retry_wait_minutes: -5", "retry_wait_minutes 0-10080"),
        ("retry_wait_minutes: ten", "retry_wait_minutes 0-10080"),
    ],
)
def test_bad_quiz_draws_and_waits_are_refused(settings_text: str, message: str) -> None:
    text = POOL_TEXT.format(
        slug="pool",
        max_attempts=0,
        draw=0,
        retry_wait=0,
        questions="".join(QUESTION.format(n=n) for n in range(1, 7)),
    ).replace("  draw: 0\n  retry_wait_minutes: 0\n", f"  {settings_text}\n")

    with pytest.raises(ContentError, match=re.escape(message)):
        parse_module(text)


def test_a_changed_draw_or_wait_publishes_a_new_version_and_unset_ones_keep_the_old_hash() -> None:
    questions = "".join(QUESTION.format(n=n) for n in range(1, 7))
    base = POOL_TEXT.format(slug="pool", max_attempts=0, draw=0, retry_wait=0, questions=questions)
    without = base.replace("  draw: 0\n  retry_wait_minutes: 0\n", "")

    assert parse_module(base).content_hash() == parse_module(without).content_hash()
    first = module_publish(spec=parse_module(base))
    same = module_publish(spec=parse_module(without))
    drawn = module_publish(spec=parse_module(base.replace("draw: 0", "draw: 4")))

    assert (first.created, same.created, drawn.created) == (True, False, True)
    assert (drawn.version.number, drawn.version.quiz_draw) == (2, 4)
