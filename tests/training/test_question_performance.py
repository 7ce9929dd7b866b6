"""Issue 15: an author's view of each quiz question's difficulty and discrimination,
counted only from attempts made under the admin's own organisations."""

import pytest
from django.test import Client

from accounts.models import Team, User
from accounts.selectors import actor_for_user
from core.errors import NotFound
from tests.conftest import World
from tests.factories import EnrolmentFactory
from tests.support.training import publish_module
from training import services
from training.item_analysis import quiz_performance
from training.models import Module, Question

pytestmark = pytest.mark.django_db


def answer(module: Module, learner: User, team: Team, *, q1: bool, q2: bool) -> None:
    """One submitted attempt with q1 and q2 right or wrong as given."""
    enrolment = EnrolmentFactory.create(
        learner=learner, module=module, organisation=team.organisation, team=team
    )
    answers = {}
    for question in Question.objects.filter(version=module.current_version):
        right = {"q1": q1, "q2": q2}[question.key]
        choices = [c.pk for c in question.choices.all() if c.is_correct == right]
        answers[question.key] = choices if right else choices[:1]
    services.quiz_submit(enrolment=enrolment, answers=answers)


def figures(admin: User, module: Module) -> dict[str, tuple[int, int | None, float | None]]:
    performance = quiz_performance(actor=actor_for_user(admin), module_id=module.pk)
    return {
        each.question.key: (
            each.attempts,
            each.percent_right,
            None if each.discrimination is None else round(each.discrimination, 3),
        )
        for each in performance.questions
    }


@pytest.fixture
def attempted(world: World) -> Module:
    """Four attempts in organisation X (right/right, right/wrong, wrong/wrong twice) and
    one in Y (wrong/right) on a shared module."""
    module = publish_module()
    patterns = [(True, True), (True, False), (False, False), (False, False)]
    for q1, q2 in patterns:
        learner = World.person(world.org_x, world.x_team_a, "learner")
        answer(module, learner, world.x_team_a, q1=q1, q2=q2)
    answer(module, world.y_learner, world.y_team_a, q1=False, q2=True)
    return module


def test_share_right_and_discrimination_from_the_admins_own_organisation(
    world: World, attempted: Module
) -> None:
    # q1 right in 2 of 4; q1 = [1, 1, 0, 0] against the rest (q2) = [1, 0, 0, 0]:
    # r = 0.5 / (1 * sqrt(0.75)) = 0.577, and symmetrically for q2 (1 of 4).
    assert figures(world.x_admin, attempted) == {"q1": (4, 50, 0.577), "q2": (4, 25, 0.577)}
    # Y's admin counts only Y's one attempt: too few for a correlation.
    assert figures(world.y_admin, attempted) == {"q1": (1, 0, None), "q2": (1, 100, None)}


def test_a_question_everyone_answers_alike_has_no_discrimination_and_small_counts_are_not_judged(
    world: World,
) -> None:
    module = publish_module(slug="alike", title="Alike")
    for _ in range(3):
        learner = World.person(world.org_x, world.x_team_a, "learner")
        answer(module, learner, world.x_team_a, q1=True, q2=False)

    performance = quiz_performance(actor=actor_for_user(world.x_admin), module_id=module.pk)

    assert [(q.discrimination, q.verdict) for q in performance.questions] == [
        (None, "Too few attempts to judge"),
        (None, "Too few attempts to judge"),
    ]


def test_only_org_admins_see_it_and_only_for_modules_they_can_see(
    world: World, attempted: Module
) -> None:
    theirs = publish_module(slug="y-own", title="Y's own", organisation=world.org_y)
    for who in (world.x_learner_a, world.x_manager_a, world.x_assessor_a):
        with pytest.raises(NotFound):
            quiz_performance(actor=actor_for_user(who), module_id=attempted.pk)
    with pytest.raises(NotFound):
        quiz_performance(actor=actor_for_user(world.x_admin), module_id=theirs.pk)


def test_the_page_shows_the_figures_and_the_catalogue_links_it_for_admins_only(
    world: World, attempted: Module
) -> None:
    admin, learner = Client(), Client()
    admin.force_login(world.x_admin)
    learner.force_login(world.x_learner_a)
    url = f"/catalogue/{attempted.pk}/questions/"

    page = admin.get(url)
    html = page.content.decode()

    assert page.status_code == 200
    assert "From the latest 4 attempts made in your organisation" in html
    assert '<td class="number">50%</td>' in html and '<td class="number">0.58</td>' in html
    assert url in admin.get("/catalogue/").content.decode()
    assert url not in learner.get("/catalogue/").content.decode()
    assert learner.get(url).status_code == 404
    assert admin.get("/catalogue/999999/questions/").status_code == 404
