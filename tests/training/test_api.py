"""The training API: catalogue, enrolments, progress, quizzes, assignments (issue 3)."""

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import KeyScope, User
from tests.conftest import World
from tests.support.api import key_client
from tests.support.training import publish_module, right_answers, wrong_answers
from training.models import (
    Enrolment,
    EnrolmentChange,
    EnrolmentStatus,
    Lesson,
    LessonProgress,
    Module,
    QuizAttempt,
)

COMPLETED: list[int] = []
# session, user, memberships (the actor), count, page of enrolments with progress annotated.
ENROLMENT_LIST_QUERIES = 5


def record_completion(*, enrolment: Enrolment) -> None:
    """A completion step used by a test: records which enrolments completed."""
    COMPLETED.append(enrolment.pk)


@pytest.fixture
def module(db: None) -> Module:
    return publish_module()


def _enrol(client: APIClient, module: Module) -> dict[str, Any]:
    response = client.post("/api/v1/enrolments/", {"module": module.pk})
    assert response.status_code == 201, response.content
    return response.json()


def _lessons(enrolment_id: int) -> list[int]:
    enrolment = Enrolment.objects.get(pk=enrolment_id)
    return list(
        Lesson.objects.filter(version_id=enrolment.version_id)
        .order_by("position")
        .values_list("pk", flat=True)
    )


# --- must show 3: nothing reveals the correct answers before submitting -------------


def test_catalogue_and_module_detail_never_reveal_answers(
    world: World, module: Module, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.x_learner_a)

    listing = client.get("/api/v1/modules/")
    detail = client.get(f"/api/v1/modules/{module.pk}/")

    assert listing.status_code == 200 and detail.status_code == 200
    quiz = detail.json()["quiz"]
    assert [q["key"] for q in quiz["questions"]] == ["q1", "q2"]
    assert set(quiz["questions"][0]["choices"][0]) == {"id", "text"}
    for body in (listing.content.decode(), detail.content.decode()):
        assert "EXPLANATION-" not in body
        assert "correct" not in body.lower()
    enrolment = _enrol(client, module)
    enrolment_body = client.get(f"/api/v1/enrolments/{enrolment['id']}/").content.decode()
    attempts_body = client.get(f"/api/v1/enrolments/{enrolment['id']}/quiz-attempts/")
    assert "EXPLANATION-" not in enrolment_body and "correct" not in enrolment_body
    assert attempts_body.json() == []


def test_feedback_and_explanations_come_after_submitting(
    world: World, module: Module, client_for: Callable[[User], APIClient]
) -> None:
    """After a failed attempt (with attempts left) only which answers were wrong; the
    right answers and explanations come with the pass (issue 15)."""
    client = client_for(world.x_learner_a)
    enrolment = _enrol(client, module)
    url = f"/api/v1/enrolments/{enrolment['id']}/quiz-attempts/"
    answers = wrong_answers(Enrolment.objects.get(pk=enrolment["id"]))

    response = client.post(url, {"answers": answers})

    body = response.json()
    assert response.status_code == 201
    assert (body["number"], body["score"], body["passed"], body["completed"]) == (
        1,
        0,
        False,
        False,
    )
    assert body["answers_shown"] is False
    assert sorted(
        (r["key"], r["chosen"], r["correct"], r["correct_choices"], r["explanation"])
        for r in body["results"]
    ) == [(key, chosen, False, None, None) for key, chosen in sorted(answers.items())]

    passed = client.post(
        url, {"answers": right_answers(Enrolment.objects.get(pk=enrolment["id"]))}
    ).json()

    assert passed["answers_shown"] is True
    assert sorted(r["explanation"][:15] for r in passed["results"]) == [
        "EXPLANATION-ONE",
        "EXPLANATION-TWO",
    ]
    assert all(r["correct"] and r["correct_choices"] == r["chosen"] for r in passed["results"])


# --- the learning flow, and completion's one named function ---------------------------


def test_lessons_then_passing_quiz_completes_and_runs_completion_steps(
    world: World, module: Module, client_for: Callable[[User], APIClient], settings: Settings
) -> None:
    settings.HEARTH_COMPLETION_STEPS = ["tests.training.test_api.record_completion"]
    COMPLETED.clear()
    client = client_for(world.x_learner_a)
    enrolment = _enrol(client, module)
    url = f"/api/v1/enrolments/{enrolment['id']}"
    first, second = _lessons(enrolment["id"])

    after_first = client.post(f"{url}/lessons/{first}/complete/").json()
    assert after_first["status"] == "in_progress"
    assert after_first["resume"] == {"kind": "lesson", "lesson_position": 2}
    assert after_first["progress"]["percent"] == 33
    after_second = client.post(f"{url}/lessons/{second}/complete/").json()
    assert after_second["resume"] == {"kind": "quiz", "lesson_position": None}
    result = client.post(
        f"{url}/quiz-attempts/",
        {"answers": right_answers(Enrolment.objects.get(pk=enrolment["id"]))},
    ).json()
    final = client.get(f"{url}/").json()

    assert (result["score"], result["passed"], result["completed"]) == (100, True, True)
    assert final["status"] == "completed" and final["progress"]["percent"] == 100
    assert final["resume"] == {"kind": "done", "lesson_position": None}
    assert [enrolment["id"]] == COMPLETED
    again = client.post(
        f"{url}/quiz-attempts/",
        {"answers": right_answers(Enrolment.objects.get(pk=enrolment["id"]))},
    )
    assert again.status_code == 409 and [enrolment["id"]] == COMPLETED


def test_a_quiz_passed_before_the_lessons_completes_when_the_last_lesson_is_done(
    world: World, module: Module, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.x_learner_a)
    enrolment = _enrol(client, module)
    url = f"/api/v1/enrolments/{enrolment['id']}"
    answers = right_answers(Enrolment.objects.get(pk=enrolment["id"]))

    assert client.post(f"{url}/quiz-attempts/", {"answers": answers}).json()["completed"] is False
    for lesson_id in _lessons(enrolment["id"]):
        client.post(f"{url}/lessons/{lesson_id}/complete/")

    assert client.get(f"{url}/").json()["status"] == "completed"


# --- must show 4: editing a published module keeps started learners on their version --


def test_republishing_changes_make_a_new_version_and_started_learners_keep_theirs(
    world: World, module: Module, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.x_learner_a)
    enrolment = _enrol(client, module)
    old_lessons = _lessons(enrolment["id"])
    client.post(f"/api/v1/enrolments/{enrolment['id']}/lessons/{old_lessons[0]}/complete/")

    unchanged = publish_module()
    edited = publish_module(lesson_one="Rewritten: damp harms health.", title="Damp basics 2")
    after = client.get(f"/api/v1/enrolments/{enrolment['id']}/").json()
    newcomer = _enrol(client_for(world.x_learner_b), module)

    assert unchanged.current_version_id == module.current_version_id
    assert edited.pk == module.pk and edited.current_version_id != module.current_version_id
    assert (after["version"], after["title"]) == (1, "Damp basics")
    assert _lessons(enrolment["id"]) == old_lessons
    done = client.post(f"/api/v1/enrolments/{enrolment['id']}/lessons/{old_lessons[1]}/complete/")
    assert done.status_code == 200 and done.json()["progress"]["lessons_done"] == 2
    assert (newcomer["version"], newcomer["title"]) == (2, "Damp basics 2")
    new_lesson = _lessons(newcomer["id"])[0]
    wrong_version = client.post(
        f"/api/v1/enrolments/{enrolment['id']}/lessons/{new_lesson}/complete/"
    )
    assert wrong_version.status_code == 404


# --- must show 5: repeated and concurrent writes stay consistent ------------------------


def test_recording_the_same_lesson_twice_records_it_once(
    world: World, module: Module, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.x_learner_a)
    enrolment = _enrol(client, module)
    lesson = _lessons(enrolment["id"])[0]
    url = f"/api/v1/enrolments/{enrolment['id']}/lessons/{lesson}/complete/"

    first, second = client.post(url), client.post(url)

    assert first.status_code == second.status_code == 200
    assert first.json()["progress"] == second.json()["progress"]
    assert LessonProgress.objects.filter(enrolment_id=enrolment["id"]).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("passing", [True, False])
def test_two_quiz_submissions_at_once_stay_consistent(
    passing: bool, client_for: Callable[[User], APIClient]
) -> None:
    import threading

    world = World()
    module = publish_module()
    client = client_for(world.x_learner_a)
    enrolment = _enrol(client, module)
    for lesson_id in _lessons(enrolment["id"]):
        client.post(f"/api/v1/enrolments/{enrolment['id']}/lessons/{lesson_id}/complete/")
    stored = Enrolment.objects.get(pk=enrolment["id"])
    answers = right_answers(stored) if passing else wrong_answers(stored)
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def submit() -> None:
        own = client_for(world.x_learner_a)
        barrier.wait()
        response = own.post(
            f"/api/v1/enrolments/{enrolment['id']}/quiz-attempts/", {"answers": answers}
        )
        statuses.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    attempts = list(QuizAttempt.objects.filter(enrolment_id=enrolment["id"]).order_by("number"))
    stored.refresh_from_db()
    if passing:
        assert sorted(statuses) == [201, 409]
        assert [a.number for a in attempts] == [1] and attempts[0].passed
        assert stored.status == EnrolmentStatus.COMPLETED
    else:
        assert statuses == [201, 201]
        assert [a.number for a in attempts] == [1, 2]
        assert stored.status == EnrolmentStatus.IN_PROGRESS


def test_attempt_limit_is_enforced(world: World, client_for: Callable[[User], APIClient]) -> None:
    module = publish_module(slug="limited", max_attempts=1)
    client = client_for(world.x_learner_a)
    enrolment = _enrol(client, module)
    answers = wrong_answers(Enrolment.objects.get(pk=enrolment["id"]))
    url = f"/api/v1/enrolments/{enrolment['id']}/quiz-attempts/"

    first = client.post(url, {"answers": answers})
    second = client.post(url, {"answers": answers})

    assert first.status_code == 201 and second.status_code == 409
    assert "attempts have been used" in second.json()["error"]["message"]


# --- must show 6: malformed input is a 400 with field errors or a 404, never a 500 ------


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"q1": [0], "q2": [0], "nope": [1]}, "answers.nope"),
        ({"q1": "the bathroom", "q2": [0]}, "answers.q1"),
        ({"q1": [True], "q2": [0]}, "answers.q1"),
        ({"q2": [0]}, "answers.q1"),
        ("not an object", "answers"),
        ({"q1": [999999], "q2": [0]}, "answers.q1"),
    ],
)
def test_malformed_quiz_answers_are_field_errors(
    world: World,
    module: Module,
    client_for: Callable[[User], APIClient],
    answers: object,
    field: str,
) -> None:
    client = client_for(world.x_learner_a)
    enrolment = _enrol(client, module)
    valid = right_answers(Enrolment.objects.get(pk=enrolment["id"]))
    if isinstance(answers, dict) and answers.get("q2") == [0]:
        answers = {**answers, "q2": valid["q2"]}
    if isinstance(answers, dict) and answers.get("q1") == [0]:
        answers = {**answers, "q1": valid["q1"]}

    response = client.post(
        f"/api/v1/enrolments/{enrolment['id']}/quiz-attempts/",
        data=json.dumps({"answers": answers}),
        content_type="application/json",
    )

    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not QuizAttempt.objects.exists()


def test_two_answers_to_a_single_choice_question_is_a_field_error(
    world: World, module: Module, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.x_learner_a)
    enrolment = _enrol(client, module)
    stored = Enrolment.objects.get(pk=enrolment["id"])
    q1_choices = [c.pk for c in stored.version.questions.get(key="q1").choices.all()]

    response = client.post(
        f"/api/v1/enrolments/{enrolment['id']}/quiz-attempts/",
        {"answers": {"q1": q1_choices, "q2": right_answers(stored)["q2"]}},
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"answers.q1": ["Choose exactly one answer."]}


def test_assignment_errors(
    world: World, module: Module, client_for: Callable[[User], APIClient]
) -> None:
    manager = client_for(world.x_manager_a)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()

    past = manager.post(
        "/api/v1/assignments/",
        {"module": module.pk, "team": world.x_team_a.pk, "due_date": yesterday},
    )
    other_team = manager.post(
        "/api/v1/assignments/", {"module": module.pk, "team": world.x_team_b.pk}
    )
    other_org = manager.post(
        "/api/v1/assignments/", {"module": module.pk, "team": world.y_team_a.pk}
    )
    outsider = manager.post(
        "/api/v1/assignments/", {"module": module.pk, "learners": [world.x_learner_b.pk]}
    )
    both = manager.post(
        "/api/v1/assignments/",
        {"module": module.pk, "team": world.x_team_a.pk, "learners": [world.x_learner_a.pk]},
    )
    no_module = manager.post("/api/v1/assignments/", {"module": 999999, "team": world.x_team_a.pk})
    bad_date = manager.post(
        "/api/v1/assignments/",
        {"module": module.pk, "team": world.x_team_a.pk, "due_date": "next tuesday"},
    )

    assert past.status_code == 400 and "due_date" in past.json()["error"]["fields"]
    assert other_team.status_code == 404 and other_org.status_code == 404
    assert outsider.status_code == 400 and "learners" in outsider.json()["error"]["fields"]
    assert both.status_code == 400
    assert no_module.status_code == 404
    assert bad_date.status_code == 400 and "due_date" in bad_date.json()["error"]["fields"]
    assert not Enrolment.objects.exists()


def test_unknown_objects_are_404(
    world: World, module: Module, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.x_learner_a)
    enrolment = _enrol(client, module)

    assert client.get("/api/v1/modules/999999/").status_code == 404
    assert client.post("/api/v1/enrolments/", {"module": 999999}).status_code == 404
    assert client.post("/api/v1/enrolments/", {"module": "x"}).status_code == 400
    assert (
        client.post(f"/api/v1/enrolments/{enrolment['id']}/lessons/999999/complete/").status_code
        == 404
    )
    assert client.get("/api/v1/enrolments/999999/").status_code == 404


# --- assignment, due dates, withdrawal ------------------------------------------------


def test_manager_assigns_a_team_with_a_due_date_and_reassigning_changes_nothing(
    world: World, module: Module, client_for: Callable[[User], APIClient]
) -> None:
    manager = client_for(world.x_manager_a)
    expected_due = timezone.localdate() + datetime.timedelta(days=14)

    first = manager.post(
        "/api/v1/assignments/", {"module": module.pk, "team": world.x_team_a.pk, "due_in_days": 14}
    )
    second = manager.post("/api/v1/assignments/", {"module": module.pk, "team": world.x_team_a.pk})

    assert first.status_code == 201 and first.json()["due_date"] == expected_due.isoformat()
    created = Enrolment.objects.get(pk=first.json()["created"][0])
    assert (created.learner_id, created.source, created.assigned_by_id, created.due_date) == (
        world.x_learner_a.pk,
        "assigned",
        world.x_manager_a.pk,
        expected_due,
    )
    assert second.json() == {
        "created": [],
        "already_enrolled": first.json()["created"],
        "due_date": None,
    }
    learner_view = client_for(world.x_learner_a).get("/api/v1/enrolments/").json()["results"]
    assert [row["due_date"] for row in learner_view] == [expected_due.isoformat()]


def test_extend_and_withdraw_take_a_reason_and_keep_it_in_the_history(
    world: World, module: Module, client_for: Callable[[User], APIClient]
) -> None:
    manager = client_for(world.x_manager_a)
    created = manager.post(
        "/api/v1/assignments/",
        {"module": module.pk, "learners": [world.x_learner_a.pk], "due_in_days": 7},
    ).json()["created"][0]
    due = timezone.localdate() + datetime.timedelta(days=7)
    later = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    earlier = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    extend = f"/api/v1/enrolments/{created}/extend/"
    withdraw = f"/api/v1/enrolments/{created}/withdraw/"

    learner_extend = client_for(world.x_learner_a).post(
        extend, {"due_date": later, "reason": "Please"}
    )
    learner_withdraw = client_for(world.x_learner_a).post(withdraw, {"reason": "Bored"})
    no_reason = manager.post(extend, {"due_date": later})
    blank_reason = manager.post(extend, {"due_date": later, "reason": "   "})
    long_reason = manager.post(extend, {"due_date": later, "reason": "x" * 501})
    earlier_extend = manager.post(extend, {"due_date": earlier, "reason": "Sooner"})
    same_extend = manager.post(extend, {"due_date": due.isoformat(), "reason": "Same"})
    extended = manager.post(extend, {"due_date": later, "reason": "  Off sick for a week  "})
    number_reasons = [
        manager.post(extend, {"due_date": later, "reason": 17}, format="json"),
        manager.post(withdraw, {"reason": 17592186044415}, format="json"),
    ]
    withdraw_no_reason = manager.post(withdraw)
    withdrawn = manager.post(withdraw, {"reason": "Moved to another service"})
    twice = manager.post(withdraw, {"reason": "Again"})

    assert learner_extend.status_code == 404 and learner_withdraw.status_code == 404
    assert no_reason.status_code == blank_reason.status_code == long_reason.status_code == 400
    assert "reason" in blank_reason.json()["error"]["fields"]
    assert [r.json()["error"]["fields"] for r in number_reasons] == [
        {"reason": ["Give text (a string)."]}
    ] * 2
    assert earlier_extend.status_code == same_extend.status_code == 400
    assert earlier_extend.json()["error"]["fields"] == {
        "due_date": [f"Choose a date later than the current due date, {due.day} {due:%B %Y}."]
    }
    assert extended.json()["due_date"] == later
    assert withdraw_no_reason.status_code == 400
    assert withdraw_no_reason.json()["error"]["fields"] == {"reason": ["Say why."]}
    assert withdrawn.json()["status"] == "withdrawn" and twice.status_code == 409
    history = list(
        EnrolmentChange.objects.filter(enrolment_id=created).values_list(
            "kind", "due_date_before", "due_date_after", "reason", "by_id", "organisation_id"
        )
    )
    assert history == [
        (
            "extended",
            due,
            datetime.date.fromisoformat(later),
            "Off sick for a week",
            world.x_manager_a.pk,
            world.org_x.pk,
        ),
        (
            "withdrawn",
            datetime.date.fromisoformat(later),
            None,
            "Moved to another service",
            world.x_manager_a.pk,
            world.org_x.pk,
        ),
    ]


def test_learner_may_withdraw_their_own_self_enrolment(
    world: World, module: Module, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.x_learner_a)
    enrolment = _enrol(client, module)

    response = client.post(f"/api/v1/enrolments/{enrolment['id']}/withdraw/")

    assert response.json()["status"] == "withdrawn"
    change = EnrolmentChange.objects.get(enrolment_id=enrolment["id"])
    assert (change.kind, change.reason, change.by_id) == ("withdrawn", "", world.x_learner_a.pk)
    assert _enrol(client, module)["id"] != enrolment["id"]


# --- isolation for every endpoint this issue adds --------------------------------------


def test_enrolments_are_scoped_for_every_role(
    world: World, module: Module, client_for: Callable[[User], APIClient]
) -> None:
    mine = _enrol(client_for(world.x_learner_a), module)["id"]
    team_b = _enrol(client_for(world.x_learner_b), module)["id"]
    other_org = _enrol(client_for(world.y_learner), module)["id"]

    def ids(user: User) -> set[int]:
        return {row["id"] for row in client_for(user).get("/api/v1/enrolments/").json()["results"]}

    assert ids(world.x_learner_a) == {mine}
    assert ids(world.x_manager_a) == {mine}
    assert ids(world.x_assessor_a) == {mine}
    assert ids(world.x_admin) == {mine, team_b}
    assert ids(world.y_admin) == {other_org}
    for user, hidden in [
        (world.x_manager_a, team_b),
        (world.x_admin, other_org),
        (world.x_learner_a, team_b),
        (world.y_manager, mine),
    ]:
        client = client_for(user)
        assert client.get(f"/api/v1/enrolments/{hidden}/").status_code == 404
        assert client.get(f"/api/v1/enrolments/{hidden}/quiz-attempts/").status_code == 404
        assert client.post(f"/api/v1/enrolments/{hidden}/withdraw/").status_code == 404
    # Progress is the learner's own to record: even their manager gets 404.
    lesson = _lessons(mine)[0]
    manager = client_for(world.x_manager_a)
    assert manager.post(f"/api/v1/enrolments/{mine}/lessons/{lesson}/complete/").status_code == 404
    assert (
        manager.post(f"/api/v1/enrolments/{mine}/quiz-attempts/", {"answers": {}}).status_code
        == 404
    )
    assert not LessonProgress.objects.exists() and not QuizAttempt.objects.exists()
    assert (
        client_for(world.x_manager_a)
        .get("/api/v1/enrolments/", {"team": world.y_team_a.pk})
        .json()["results"]
        == []
    )


def test_an_organisations_own_module_is_invisible_to_other_organisations(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    own = publish_module(slug="x-only", organisation=world.org_x)

    x_sees = client_for(world.x_learner_a).get("/api/v1/modules/").json()["results"]
    y_detail = client_for(world.y_learner).get(f"/api/v1/modules/{own.pk}/")
    y_enrol = client_for(world.y_learner).post("/api/v1/enrolments/", {"module": own.pk})

    assert [m["slug"] for m in x_sees] == ["x-only"]
    assert y_detail.status_code == 404 and y_enrol.status_code == 404


def test_api_keys_read_their_organisations_enrolments_and_write_only_with_write_scope(
    world: World, module: Module, client_for: Callable[[User], APIClient]
) -> None:
    mine = _enrol(client_for(world.x_learner_a), module)["id"]
    _enrol(client_for(world.y_learner), module)
    read_key = key_client(world.org_x, KeyScope.READ)
    write_key = key_client(world.org_x, KeyScope.READ_WRITE)
    body = {"module": module.pk, "team": world.x_team_b.pk}

    listed = {row["id"] for row in read_key.get("/api/v1/enrolments/").json()["results"]}
    refused = read_key.post("/api/v1/assignments/", body)
    accepted = write_key.post("/api/v1/assignments/", body)
    self_enrol = write_key.post("/api/v1/enrolments/", {"module": module.pk})

    assert listed == {mine}
    assert refused.status_code == 403
    assert accepted.status_code == 201 and len(accepted.json()["created"]) == 1
    assert self_enrol.status_code == 403
    assert self_enrol.json()["error"]["code"] == "not_a_person"


def test_filters(world: World, module: Module, client_for: Callable[[User], APIClient]) -> None:
    admin = client_for(world.x_admin)
    admin.post(
        "/api/v1/assignments/", {"module": module.pk, "team": world.x_team_a.pk, "due_in_days": 3}
    )
    late = admin.post(
        "/api/v1/assignments/", {"module": module.pk, "team": world.x_team_b.pk, "due_in_days": 30}
    ).json()["created"][0]
    Enrolment.objects.filter(pk=late).update(
        due_date=timezone.localdate() - datetime.timedelta(days=2)
    )

    def ids(**params: Any) -> list[int]:
        return [row["id"] for row in admin.get("/api/v1/enrolments/", params).json()["results"]]

    soon = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    assert ids(overdue="true") == [late]
    assert late not in ids(overdue="false")
    assert ids(team=world.x_team_b.pk) == [late]
    assert len(ids(due_before=soon)) == 2 and ids(due_after=soon) == []
    assert len(ids(status="not_started", module=module.pk)) == 2
    assert ids(learner=world.x_learner_b.pk) == [late]
    assert admin.get("/api/v1/enrolments/", {"status": "bogus"}).status_code == 400
    sector = admin.get(
        "/api/v1/modules/", {"sector": "health", "topic": "damp-and-mould", "search": "damp"}
    ).json()["results"]
    assert [m["slug"] for m in sector] == ["damp-basics"]
    assert admin.get("/api/v1/modules/", {"sector": "education"}).status_code == 400


# --- must show 7: the enrolment list's query count does not grow with its length ------


def test_enrolment_list_runs_the_same_queries_for_1_and_50_enrolments(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    manager = client_for(world.x_manager_a)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = manager.get("/api/v1/enrolments/", {"page_size": 100})
        assert response.status_code == 200
        return len(captured)

    publish_module(slug="m-0")
    manager.post(
        "/api/v1/assignments/",
        {"module": Module.objects.get(slug="m-0").pk, "team": world.x_team_a.pk},
    )
    one = count_queries()
    for index in range(1, 50):
        module = publish_module(slug=f"m-{index}")
        manager.post("/api/v1/assignments/", {"module": module.pk, "team": world.x_team_a.pk})
    assert Enrolment.objects.count() == 50
    fifty = count_queries()

    assert one == fifty == ENROLMENT_LIST_QUERIES
