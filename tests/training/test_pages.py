"""The learner site (My learning, catalogue, lessons, quiz, results) and the assign page."""

import datetime
import re
from html import escape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from accounts.selectors import actor_for_user
from tests.conftest import World
from training import publishing, services, services_changes
from training.content import ChoiceSpec, LessonSpec, ModuleSpec, QuestionSpec
from training.models import (
    Choice,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    LessonProgress,
    Module,
    Question,
    QuizAttempt,
)

pytestmark = pytest.mark.django_db

EXPLANATIONS = {
    "q1": "Asking first keeps the tenant in control of the conversation.",
    "q2": "Open questions start with how, what or tell me about.",
}


def publish(
    slug: str,
    *,
    title: str | None = None,
    lessons: int = 3,
    quiz: bool = True,
    sectors: tuple[str, ...] = ("housing", "health"),
    topics: tuple[str, ...] = ("signposting",),
    max_attempts: int = 0,
    summary: str = "A short module for frontline staff.",
) -> Module:
    """Publish a small module: numbered lessons and (optionally) a two-question quiz."""
    questions = (
        (
            QuestionSpec(
                key="q1",
                kind="single",
                text="What do you do before asking about the home?",
                explanation=EXPLANATIONS["q1"],
                choices=(ChoiceSpec("Ask permission", True), ChoiceSpec("Just start", False)),
            ),
            QuestionSpec(
                key="q2",
                kind="multiple",
                text="Which are open questions?",
                explanation=EXPLANATIONS["q2"],
                choices=(
                    ChoiceSpec("How do you keep warm?", True),
                    ChoiceSpec("Is it warm?", False),
                    ChoiceSpec("Tell me about your day.", True),
                ),
            ),
        )
        if quiz
        else ()
    )
    spec = ModuleSpec(
        slug=slug,
        title=title or f"Module {slug}",
        summary=summary,
        sectors=sectors,
        topics=topics,
        estimated_minutes=25,
        pass_mark=80,
        max_attempts=max_attempts,
        lessons=tuple(
            LessonSpec(title=f"Lesson {n} of {slug}", body=f"Body of lesson {n} in {slug}.")
            for n in range(1, lessons + 1)
        ),
        questions=questions,
    )
    return publishing.module_publish(spec=spec).module


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def enrol(user: User, module: Module) -> Enrolment:
    return services.enrolment_self_enrol(actor=actor_for_user(user), module=module)


def choice_ids(module: Module, key: str, *, correct: bool) -> list[int]:
    return list(
        Choice.objects.filter(
            question__version=module.current_version, question__key=key, is_correct=correct
        ).values_list("pk", flat=True)
    )


def right_answers(module: Module) -> dict[str, list[str]]:
    return {
        f"answer-{key}": [str(pk) for pk in choice_ids(module, key, correct=True)]
        for key in ("q1", "q2")
    }


# My learning


def test_my_learning_lists_to_do_in_progress_and_completed_with_progress(world: World) -> None:
    learner = world.x_learner_a
    overdue, later, open_ended, done = (publish(slug) for slug in ("m-a", "m-b", "m-c", "m-d"))
    for module, due in ((overdue, -3), (later, 10)):
        enrolment = enrol(learner, module)
        Enrolment.objects.filter(pk=enrolment.pk).update(
            due_date=timezone.localdate() + datetime.timedelta(days=due)
        )
    started = enrol(learner, open_ended)
    services.lesson_complete(
        enrolment=started, lesson_id=started.version.lessons.order_by("position")[0].pk
    )
    finished = enrol(learner, done)
    for lesson in finished.version.lessons.all():
        services.lesson_complete(enrolment=finished, lesson_id=lesson.pk)
    services.quiz_submit(
        enrolment=finished,
        answers={key: choice_ids(done, key, correct=True) for key in ("q1", "q2")},
    )

    response = signed_in(learner).get("/learning/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1>") == 1 and "<h1>My learning</h1>" in html
    assert html.index("Module m-a") < html.index("Module m-b") < html.index("Module m-c")
    assert html.index("Module m-c") < html.index("Module m-d")
    assert html.count(">Overdue</strong>") == 1
    # One lesson of three plus the quiz: 1 of 4 steps.
    assert 'value="25"' in html and "25% done" in html
    assert 'value="100"' in html and "100% done" in html
    assert ">Start<span" in html and ">Continue<span" in html and ">Review<span" in html
    assert f'href="/learning/{started.pk}/"' in html
    completed_on = timezone.localtime(Enrolment.objects.get(pk=finished.pk).completed_at)
    assert f"on {completed_on.day} {completed_on:%B %Y}" in html


def test_my_learning_empty_state_points_to_the_catalogue(world: World) -> None:
    response = signed_in(world.x_learner_a).get("/learning/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "You have no training yet" in html
    assert 'href="/catalogue/"' in html


def _count_my_learning_queries(user: User) -> tuple[int, str]:
    client = signed_in(user)
    client.get("/learning/")  # warm the session and any per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/learning/")
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_my_learning_runs_the_same_queries_for_1_and_50_enrolments(world: World) -> None:
    one, many = world.x_learner_a, world.x_learner_b
    modules = [publish(f"bulk-{n}", lessons=2) for n in range(50)]
    enrol(one, modules[0])
    for n, module in enumerate(modules):
        enrolment = enrol(many, module)
        if n % 3 == 0:
            Enrolment.objects.filter(pk=enrolment.pk).update(
                due_date=timezone.localdate() + datetime.timedelta(days=n - 20)
            )
        if n % 2 == 0:
            lesson = enrolment.version.lessons.order_by("position")[0]
            services.lesson_complete(enrolment=enrolment, lesson_id=lesson.pk)
        if n % 5 == 0:
            Enrolment.objects.filter(pk=enrolment.pk).update(
                status=EnrolmentStatus.COMPLETED, completed_at=timezone.now()
            )

    few_queries, few_html = _count_my_learning_queries(one)
    many_queries, many_html = _count_my_learning_queries(many)

    assert few_html.count('class="card learning-item"') == 1
    assert many_html.count('class="card learning-item"') == 50
    assert many_queries == few_queries


# Catalogue


def test_catalogue_filters_by_sector_topic_and_words(world: World) -> None:
    publish("cold-homes", title="Cold homes", sectors=("housing",), topics=("warmth",))
    publish("falls", title="Falls at home", sectors=("health",), topics=("falls",))
    publish(
        "discharge",
        title="Hospital discharge",
        sectors=("health", "social_care"),
        topics=("falls", "discharge"),
        summary="Getting people home safely from hospital.",
    )
    other_org = publish("x-own", title="Organisation Y own module")
    Module.objects.filter(pk=other_org.pk).update(organisation=world.org_y)
    client = signed_in(world.x_learner_a)

    def titles(query: str) -> list[str]:
        response = client.get(f"/catalogue/{query}")
        assert response.status_code == 200
        return re.findall(r'<h3 id="module-\d+-title">([^<]+)</h3>', response.content.decode())

    assert titles("") == ["Cold homes", "Falls at home", "Hospital discharge"]
    assert titles("?sector=health") == ["Falls at home", "Hospital discharge"]
    assert titles("?sector=social_care") == ["Hospital discharge"]
    assert titles("?topic=falls") == ["Falls at home", "Hospital discharge"]
    assert titles("?topic=falls&sector=social_care") == ["Hospital discharge"]
    assert titles("?q=SAFELY") == ["Hospital discharge"]
    assert titles("?q=cold&sector=health") == []
    # An unknown filter value is reported and ignored, never an error.
    assert titles("?sector=nonsense&q=falls") == ["Falls at home"]


def test_catalogue_shows_labels_and_continue_or_start(world: World) -> None:
    started = publish("started", title="Started module", sectors=("housing", "social_care"))
    publish("fresh", title="Fresh module")
    enrolment = enrol(world.x_learner_a, started)

    response = signed_in(world.x_learner_a).get("/catalogue/")

    html = response.content.decode()
    assert "Housing, Social care" in html
    assert "About 25 minutes" in html
    assert f'href="/learning/{enrolment.pk}/">Continue' in html
    assert html.count("Start this module") == 1
    for label in ("Search titles and summaries", "Sector", "Topic"):
        assert f">{label}</label>" in html


def test_catalogue_queries_do_not_grow_with_modules_or_enrolments(world: World) -> None:
    learner = world.x_learner_a
    first = publish("only-one")
    enrol(learner, first)
    client = signed_in(learner)
    client.get("/catalogue/")
    with CaptureQueriesContext(connection) as few:
        client.get("/catalogue/")
    for n in range(12):
        module = publish(f"more-{n}", topics=(f"topic-{n}",))
        if n % 2:
            enrol(learner, module)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/catalogue/")

    assert response.content.decode().count('class="card module-card"') == 13
    assert len(many.captured_queries) == len(few.captured_queries)


def test_starting_a_module_enrols_once_and_opens_its_overview(world: World) -> None:
    module = publish("start-me", title="Start me")
    client = signed_in(world.x_learner_a)

    first = client.post(f"/catalogue/{module.pk}/start/")
    again = client.post(f"/catalogue/{module.pk}/start/")

    enrolment = Enrolment.objects.get(learner=world.x_learner_a, module=module)
    assert first.status_code == 302 and first["Location"] == f"/learning/{enrolment.pk}/"
    assert again["Location"] == first["Location"]
    assert enrolment.source == EnrolmentSource.SELF
    assert client.get(f"/catalogue/{module.pk}/start/").status_code == 405


def test_another_organisations_module_cannot_be_started(world: World) -> None:
    module = publish("y-only")
    Module.objects.filter(pk=module.pk).update(organisation=world.org_y)

    response = signed_in(world.x_learner_a).post(f"/catalogue/{module.pk}/start/")

    assert response.status_code == 404
    assert not Enrolment.objects.exists()


# Overview and lessons


def test_overview_lists_lessons_with_done_and_a_resume_link(world: World) -> None:
    module = publish("overview", lessons=3)
    enrolment = enrol(world.x_learner_a, module)
    first = module.current_version.lessons.get(position=1)  # type: ignore[union-attr]
    services.lesson_complete(enrolment=enrolment, lesson_id=first.pk)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )

    response = signed_in(world.x_learner_a).get(f"/learning/{enrolment.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/learning/{enrolment.pk}/lessons/2/">Resume: lesson 2</a>' in html
    assert html.count(">Done</span>") == 1 and html.count(">Not done</span>") == 2
    assert "You need 80% to pass" in html and "Attempts so far: 0" in html
    assert ">Overdue</strong>" in html


def test_working_through_lessons_moves_on_then_to_the_quiz(world: World) -> None:
    module = publish("walk", lessons=2)
    enrolment = enrol(world.x_learner_a, module)
    client = signed_in(world.x_learner_a)
    base = f"/learning/{enrolment.pk}"

    page = client.get(f"{base}/lessons/1/")
    first = client.post(f"{base}/lessons/1/")
    last = client.post(f"{base}/lessons/2/")
    again = client.get(f"{base}/lessons/2/")

    html = page.content.decode()
    assert "Lesson 1 of 2" in html and "<p>Body of lesson 1 in walk.</p>" in html
    assert "Mark as done and continue" in html
    assert first.status_code == 302 and first["Location"] == f"{base}/lessons/2/"
    assert last.status_code == 302 and last["Location"] == f"{base}/quiz/"
    assert LessonProgress.objects.filter(enrolment=enrolment).count() == 2
    assert ">Done</strong>" in again.content.decode()
    assert "Mark as done and continue" not in again.content.decode()
    assert client.get(f"{base}/lessons/3/").status_code == 404


def test_last_lesson_of_a_module_without_a_quiz_completes_it(world: World) -> None:
    module = publish("no-quiz", lessons=1, quiz=False)
    enrolment = enrol(world.x_learner_a, module)
    client = signed_in(world.x_learner_a)

    response = client.post(f"/learning/{enrolment.pk}/lessons/1/")

    enrolment.refresh_from_db()
    assert response["Location"] == f"/learning/{enrolment.pk}/"
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert client.get(f"/learning/{enrolment.pk}/quiz/").status_code == 404


def test_a_withdrawn_enrolment_explains_itself_instead_of_failing(world: World) -> None:
    module = publish("withdrawn", lessons=1)
    enrolment = enrol(world.x_learner_a, module)
    services_changes.enrolment_withdraw(
        actor=actor_for_user(world.x_learner_a), enrolment=enrolment
    )
    client = signed_in(world.x_learner_a)

    lesson = client.post(f"/learning/{enrolment.pk}/lessons/1/")
    quiz = client.post(f"/learning/{enrolment.pk}/quiz/", right_answers(module))

    assert lesson.status_code == 409 and "was withdrawn" in lesson.content.decode()
    assert quiz.status_code == 409 and "was withdrawn" in quiz.content.decode()
    assert not LessonProgress.objects.exists() and not QuizAttempt.objects.exists()


# Quiz


def test_quiz_page_reveals_no_correct_answers_or_explanations(world: World) -> None:
    module = publish("secret")
    enrolment = enrol(world.x_learner_a, module)

    response = signed_in(world.x_learner_a).get(f"/learning/{enrolment.pk}/quiz/")

    html = response.content.decode()
    assert response.status_code == 200
    explanations = Question.objects.filter(version=module.current_version).values_list(
        "explanation", flat=True
    )
    assert len(explanations) == 2
    for explanation in explanations:
        assert explanation not in html
    assert "correct" not in html.lower()
    # Right and wrong choices render identically apart from their own id and value.
    inputs = re.findall(r"<input type=\"(?:radio|checkbox)\"[^>]*>", html)
    assert len(inputs) == Choice.objects.filter(question__version=module.current_version).count()
    shapes = {re.sub(r'(id|value)="[^"]*"', "", tag) for tag in inputs}
    assert shapes == {
        '<input type="radio" name="answer-q1"  >',
        '<input type="checkbox" name="answer-q2"  >',
    }
    assert "<legend>" in html and "Choose one answer" in html and "Choose all that apply" in html


def test_passing_the_quiz_completes_the_module_and_shows_the_answers(world: World) -> None:
    module = publish("pass-it", lessons=1)
    enrolment = enrol(world.x_learner_a, module)
    client = signed_in(world.x_learner_a)
    client.post(f"/learning/{enrolment.pk}/lessons/1/")

    submitted = client.post(f"/learning/{enrolment.pk}/quiz/", right_answers(module))
    result = client.get(submitted["Location"])

    html = result.content.decode()
    assert submitted["Location"] == f"/learning/{enrolment.pk}/quiz/attempts/1/"
    assert "You scored <strong>100%</strong>" in html
    assert "Module completed" in html and 'href="/learning/"' in html
    assert "Try again" not in html
    assert EXPLANATIONS["q1"] in html and EXPLANATIONS["q2"] in html
    assert html.count(">Right</strong>") == 2
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    again = client.get(f"/learning/{enrolment.pk}/quiz/")
    assert "already passed" in again.content.decode() and "<fieldset" not in again.content.decode()


def test_failing_the_quiz_shows_try_again_and_the_right_answers_only_once_out_of_attempts(
    world: World,
) -> None:
    """Issue 15: a failed attempt with attempts left says which answers were wrong, not
    what was right; the last attempt shows the right answers and why."""
    module = publish("fail-it", max_attempts=2)
    enrolment = enrol(world.x_learner_a, module)
    client = signed_in(world.x_learner_a)
    wrong = {
        "answer-q1": [str(pk) for pk in choice_ids(module, "q1", correct=False)],
        "answer-q2": [str(pk) for pk in choice_ids(module, "q2", correct=True)],
    }

    first = client.get(client.post(f"/learning/{enrolment.pk}/quiz/", wrong)["Location"])
    second = client.get(client.post(f"/learning/{enrolment.pk}/quiz/", wrong)["Location"])
    third = client.post(f"/learning/{enrolment.pk}/quiz/", wrong)

    first_html = first.content.decode()
    assert "You scored <strong>50%</strong>" in first_html and "pass mark is 80%" in first_html
    assert ">Not right</strong>" in first_html and ">Right</strong>" in first_html
    assert "Just start" in first_html and "Ask permission" not in first_html
    assert EXPLANATIONS["q1"] not in first_html and "Right answer" not in first_html
    assert "Try again" in first_html and "1 attempt left" in first_html
    second_html = second.content.decode()
    assert "Try again" not in second_html
    assert "used all your attempts" in second_html
    assert "Ask permission" in second_html and EXPLANATIONS["q1"] in second_html
    assert third.status_code == 409 and "attempts have been used" in third.content.decode()
    assert QuizAttempt.objects.filter(enrolment=enrolment).count() == 2


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("nothing", "Choose an answer."),
        ("one missing", "Choose an answer."),
        ("other question's choice", "That choice does not belong to this question."),
        ("garbage", "Give a list of choice ids (whole numbers)."),
        ("huge number", "That choice does not belong to this question."),
        ("two for a single", "Choose exactly one answer."),
    ],
)
def test_bad_quiz_submissions_re_render_with_a_message_and_keep_choices(
    world: World, case: str, expected: str
) -> None:
    module = publish("bad-input")
    enrolment = enrol(world.x_learner_a, module)
    q1_right = str(choice_ids(module, "q1", correct=True)[0])
    q1_wrong = str(choice_ids(module, "q1", correct=False)[0])
    q2_right = [str(pk) for pk in choice_ids(module, "q2", correct=True)]
    data: dict[str, list[str]] = {
        "nothing": {},
        "one missing": {"answer-q2": q2_right},
        "other question's choice": {"answer-q1": [q2_right[0]], "answer-q2": q2_right},
        "garbage": {"answer-q1": ["'; DROP TABLE x; --"], "answer-q2": q2_right},
        "huge number": {"answer-q1": ["9" * 40], "answer-q2": q2_right},
        "two for a single": {"answer-q1": [q1_right, q1_wrong], "answer-q2": q2_right},
    }[case]

    response = signed_in(world.x_learner_a).post(f"/learning/{enrolment.pk}/quiz/", data)

    html = response.content.decode()
    assert response.status_code in (200, 400)
    assert 'role="alert"' in html and "There is a problem" in html
    assert re.search(f'<a href="#question-q1">Question [12]: {re.escape(expected)}</a>', html)
    assert f'id="question-q1-error"><span class="visually-hidden">Error:</span> {expected}' in html
    if "answer-q2" in data:
        for pk in q2_right:
            assert f'id="choice-{pk}" value="{pk}" checked>' in html
    assert not QuizAttempt.objects.exists()


# Scope: a learner reaches only their own enrolments


def test_another_learners_enrolment_pages_are_not_found(world: World) -> None:
    module = publish("private", lessons=2)
    theirs = enrol(world.x_learner_b, module)
    services.quiz_submit(
        enrolment=theirs,
        answers={key: choice_ids(module, key, correct=False)[:1] for key in ("q1", "q2")},
    )
    base = f"/learning/{theirs.pk}"
    for intruder in (world.x_learner_a, world.x_manager_a, world.x_admin, world.y_learner):
        client = signed_in(intruder)
        for url in (f"{base}/", f"{base}/lessons/1/", f"{base}/quiz/", f"{base}/quiz/attempts/1/"):
            assert client.get(url).status_code == 404, (intruder, url)
        assert client.post(f"{base}/lessons/1/").status_code == 404
        assert client.post(f"{base}/quiz/", right_answers(module)).status_code == 404

    assert not LessonProgress.objects.exists()
    assert QuizAttempt.objects.filter(enrolment=theirs).count() == 1
    own = signed_in(world.x_learner_b)
    assert own.get(f"{base}/quiz/attempts/1/").status_code == 200
    assert own.get(f"{base}/quiz/attempts/2/").status_code == 404


def test_pages_need_sign_in(db: None) -> None:
    for url in ("/learning/", "/catalogue/", "/learning/1/", "/team/assign/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_home_links_to_my_learning_and_nav_shows_assign_only_to_managers(world: World) -> None:
    learner_home = signed_in(world.x_learner_a).get("/").content.decode()
    manager_home = signed_in(world.x_manager_a).get("/").content.decode()
    admin_home = signed_in(world.x_admin).get("/").content.decode()

    assert 'href="/learning/"' in learner_home and 'href="/catalogue/"' in learner_home
    assert "Assign training" not in learner_home
    assert 'href="/team/assign/">Assign training' in manager_home
    assert 'href="/team/assign/">Assign training' in admin_home


# Assigning training


def assign_form(module: Module, **fields: object) -> dict[str, object]:
    return {"module": module.pk, **fields}


def test_manager_assigns_a_team_with_a_due_date(world: World) -> None:
    module = publish("assign-me", title="Assign me")
    extra = World.person(world.org_x, world.x_team_a, "learner")
    enrol(extra, module)  # already working on it: keeps their enrolment
    due = timezone.localdate() + datetime.timedelta(days=14)
    client = signed_in(world.x_manager_a)

    page = client.get("/team/assign/")
    response = client.post(
        "/team/assign/",
        assign_form(module, team=world.x_team_a.pk, due_date=due.isoformat()),
        follow=True,
    )

    assert page.status_code == 200
    page_html = page.content.decode()
    assert escape(world.x_learner_a.full_name) in page_html
    assert escape(world.x_learner_b.full_name) not in page_html
    assert world.y_team_a.name not in page_html
    html = response.content.decode()
    assert response.redirect_chain == [("/team/assign/", 302)]
    assert (
        f"Assigned “Assign me” to 1 person, due {due.day} {due:%B %Y}. "
        "1 person already has it and keeps their current enrolment." in html
    )
    created = Enrolment.objects.get(learner=world.x_learner_a, module=module)
    assert created.source == EnrolmentSource.ASSIGNED
    assert created.assigned_by == world.x_manager_a
    assert created.due_date == due
    assert created.team == world.x_team_a
    assert Enrolment.objects.filter(module=module).count() == 2


def test_org_admin_assigns_chosen_people_due_in_days(world: World) -> None:
    module = publish("people")
    client = signed_in(world.x_admin)

    response = client.post(
        "/team/assign/",
        assign_form(
            module, learners=[world.x_learner_a.pk, world.x_learner_b.pk], due_in_days="30"
        ),
    )

    assert response.status_code == 302
    due = timezone.localdate() + datetime.timedelta(days=30)
    assert sorted(
        Enrolment.objects.filter(module=module).values_list("learner_id", "due_date")
    ) == sorted([(world.x_learner_a.pk, due), (world.x_learner_b.pk, due)])


@pytest.mark.parametrize("target", ["out-of-team person", "other organisation's team"])
def test_assigning_outside_ones_teams_is_refused_and_creates_nothing(
    world: World, target: str
) -> None:
    module = publish("outside")
    fields = (
        {"learners": [world.x_learner_b.pk]}
        if target == "out-of-team person"
        else {"team": world.y_team_a.pk}
    )

    response = signed_in(world.x_manager_a).post("/team/assign/", assign_form(module, **fields))

    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "There is a problem" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_a_past_due_date_is_a_field_error_and_nothing_is_lost(world: World) -> None:
    module = publish("past", title="Past module")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = signed_in(world.x_manager_a).post(
        "/team/assign/",
        assign_form(module, team=world.x_team_a.pk, due_date=yesterday.isoformat()),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_due_date">Due date: Choose today or a later date.</a>' in html
    assert f'value="{module.pk}" selected>Past module' in html
    assert f'value="{world.x_team_a.pk}" selected>' in html
    assert f'value="{yesterday.isoformat()}"' in html
    assert not Enrolment.objects.exists()


def test_choosing_neither_or_both_team_and_people_is_a_field_error(world: World) -> None:
    module = publish("either")
    client = signed_in(world.x_manager_a)

    neither = client.post("/team/assign/", assign_form(module, due_in_days="7"))
    both = client.post(
        "/team/assign/",
        assign_form(module, team=world.x_team_a.pk, learners=[world.x_learner_a.pk]),
    )
    date_and_days = client.post(
        "/team/assign/",
        assign_form(
            module,
            team=world.x_team_a.pk,
            due_date=timezone.localdate().isoformat(),
            due_in_days="5",
        ),
    )

    for response in (neither, both):
        assert response.status_code == 400
        assert "A whole team: Choose a team or some people." in response.content.decode()
    assert "Or due in this many days: Leave empty" in date_and_days.content.decode()
    assert not Enrolment.objects.exists()


def test_learners_and_assessors_cannot_open_the_assign_page(world: World) -> None:
    for person in (world.x_learner_a, world.x_assessor_a):
        client = signed_in(person)
        assert client.get("/team/assign/").status_code == 404
        assert client.post("/team/assign/", {}).status_code == 404


def test_assign_page_queries_do_not_grow_with_people_or_modules(world: World) -> None:
    publish("first-module")
    client = signed_in(world.x_manager_a)
    client.get("/team/assign/")
    with CaptureQueriesContext(connection) as few:
        client.get("/team/assign/")
    for n in range(15):
        World.person(world.org_x, world.x_team_a, "learner")
        if n % 3 == 0:
            publish(f"another-{n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/team/assign/")

    assert response.content.decode().count('type="checkbox"') == 16
    assert len(many.captured_queries) == len(few.captured_queries)
