"""The learner's home page answers "what now?" (issue 15): overdue, then due, then in
progress, then what renews next, each linking to where they left off; the catalogue
marks modules completed or in progress; the quiz result links the certificate."""

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from certificates.records import certificate_get_or_create
from tests.conftest import World
from tests.factories import (
    AssessmentFactory,
    CompetencyFactory,
    EnrolmentFactory,
    RequirementFactory,
    TrainingRecordFactory,
    TrainingRequirementFactory,
)
from tests.support.training import publish_module, right_answers
from training import services
from training.models import Enrolment, EnrolmentStatus, Module

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def enrol(
    learner: User,
    module: Module,
    world: World,
    *,
    due: datetime.date | None = None,
    status: str = EnrolmentStatus.NOT_STARTED,
) -> Enrolment:
    return EnrolmentFactory.create(
        learner=learner,
        module=module,
        organisation=world.org_x,
        team=world.x_team_a,
        due_date=due,
        status=status,
        completed_at=timezone.now() if status == EnrolmentStatus.COMPLETED else None,
    )


def home_of(user: User) -> str:
    response = signed_in(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_home_lists_overdue_then_due_then_in_progress_each_resuming_where_left_off(
    world: World,
) -> None:
    learner = world.x_learner_a
    later = enrol(
        learner,
        publish_module(slug="later", title="Later module"),
        world,
        due=TODAY + datetime.timedelta(days=20),
    )
    overdue = enrol(
        learner,
        publish_module(slug="late", title="Late module"),
        world,
        due=TODAY - datetime.timedelta(days=3),
        status=EnrolmentStatus.IN_PROGRESS,
    )
    sooner = enrol(
        learner,
        publish_module(slug="soon", title="Soon module"),
        world,
        due=TODAY + datetime.timedelta(days=2),
    )
    undated = enrol(
        learner,
        publish_module(slug="undated", title="Undated module"),
        world,
        status=EnrolmentStatus.IN_PROGRESS,
    )
    first_lesson = overdue.version.lessons.order_by("position").first()
    assert first_lesson is not None
    services.lesson_complete(enrolment=overdue, lesson_id=first_lesson.pk)
    for lesson in undated.version.lessons.all():
        services.lesson_complete(enrolment=undated, lesson_id=lesson.pk)

    html = home_of(learner)

    headings = re.findall(r'<h2 id="([a-z-]+)-heading"', html)
    assert headings == ["overdue", "due", "in-progress"]
    titles = re.findall(r"<h3>([^<]+)</h3>", html)
    assert titles == ["Late module", "Soon module", "Later module", "Undated module"]
    assert f"Due {long_date(overdue.due_date)}" in html  # type: ignore[arg-type]
    assert f"Due {long_date(sooner.due_date)}" in html  # type: ignore[arg-type]
    assert html.count("Overdue</strong>") == 1
    assert f'href="/learning/{overdue.pk}/lessons/2/">Continue' in html
    assert f'href="/learning/{sooner.pk}/lessons/1/">Start' in html
    assert f'href="/learning/{later.pk}/lessons/1/">Start' in html
    assert f'href="/learning/{undated.pk}/quiz/">Continue' in html


def test_home_shows_only_the_persons_own_learning_including_under_another_organisation(
    world: World,
) -> None:
    learner = world.x_learner_a
    module = publish_module(slug="shared", title="Shared module")
    own_elsewhere = EnrolmentFactory.create(
        learner=learner,
        module=publish_module(slug="theirs", title="Made under Y"),
        organisation=world.org_y,
        team=world.y_team_a,
    )
    enrol(world.x_learner_b, module, world, due=TODAY)
    enrol(world.y_learner, publish_module(slug="other", title="Someone else's"), world)

    html = home_of(learner)

    assert "Made under Y" in html
    assert f"/learning/{own_elsewhere.pk}/" in html
    assert "Shared module" not in html
    assert "Someone else" not in html


def test_home_with_nothing_to_do_points_to_the_catalogue(world: World) -> None:
    html = home_of(world.x_learner_a)

    assert "You have no training yet." in html
    assert 'class="button" href="/catalogue/">Browse the catalogue' in html
    assert "overdue-heading" not in html


def test_home_lists_the_competencies_that_renew_soonest_first(world: World) -> None:
    learner = world.x_learner_a
    for code, days in (("LATER", 400), ("SOON", 30), ("NONE", None)):
        AssessmentFactory.create(
            learner=learner,
            organisation=world.org_x,
            competency=CompetencyFactory.create(code=code, title=f"{code} title"),
            valid_until=TODAY + datetime.timedelta(days=days) if days else None,
        )
    AssessmentFactory.create(
        learner=world.x_learner_b,
        organisation=world.org_x,
        competency=CompetencyFactory.create(code="OTHER"),
        valid_until=TODAY + datetime.timedelta(days=5),
    )

    html = home_of(learner)

    renewals = html[html.index('id="renewals-heading"') :]
    assert re.findall(r"<h3>(\w+) ", renewals) == ["SOON", "LATER"]
    assert f"Valid until {long_date(TODAY + datetime.timedelta(days=30))}" in renewals
    assert "Expiring soon" in renewals


def test_staff_keep_their_roles_on_the_home_page_and_see_their_own_learning(
    world: World,
) -> None:
    enrol(world.x_manager_a, publish_module(slug="mine", title="Manager's own"), world)

    html = home_of(world.x_manager_a)

    assert "Your roles" in html
    assert "Manager in X team A, Organisation X" in html
    assert "Manager&#x27;s own" in html


@pytest.mark.parametrize("count", [1, 20])
def test_home_makes_the_same_number_of_queries_for_1_and_20_enrolments_and_requirements(
    world: World, count: int, django_assert_num_queries: Callable[..., Any]
) -> None:
    learner = world.x_learner_a
    for number in range(count):
        module = publish_module(slug=f"m{number}", title=f"Module {number}")
        enrol(
            learner,
            module,
            world,
            due=TODAY + datetime.timedelta(days=number - 2),
            status=EnrolmentStatus.IN_PROGRESS if number % 2 else EnrolmentStatus.NOT_STARTED,
        )
        requirement = TrainingRequirementFactory.create(organisation=world.org_x, module=module)
        TrainingRecordFactory.create(requirement=requirement, person=learner)
        RequirementFactory.create(team=world.x_team_a, competency=CompetencyFactory.create())
    AssessmentFactory.create(
        learner=learner, organisation=world.org_x, valid_until=TODAY + datetime.timedelta(days=9)
    )
    client = signed_in(learner)

    with django_assert_num_queries(HOME_QUERIES):
        response = client.get("/")

    # A card per enrolment, per requirement (of a module and of a competency), and the
    # competency that renews next.
    assert response.content.decode().count('class="card learning-item"') == 3 * count + 1


# Session, user, the actor's memberships, the enrolments (progress and resume point
# annotated), the learner's memberships, and per organisation (here one) the grace days,
# training requirements, memberships, completions, records and exemptions, competency
# requirements, memberships and current states (required training); then their roles,
# required levels, current states and competencies (what renews next); then pending
# memberships.
HOME_QUERIES = 20


def test_catalogue_marks_completed_with_certificate_and_in_progress(world: World) -> None:
    learner = world.x_learner_a
    done = publish_module(slug="done", title="Done module")
    pending = publish_module(slug="pending", title="Pending module")
    going = publish_module(slug="going", title="Going module")
    fresh = publish_module(slug="fresh", title="Fresh module")
    with_certificate = enrol(learner, done, world, status=EnrolmentStatus.COMPLETED)
    certificate = certificate_get_or_create(enrolment=with_certificate)
    awaiting = enrol(learner, pending, world, status=EnrolmentStatus.COMPLETED)
    active = enrol(learner, going, world, status=EnrolmentStatus.IN_PROGRESS)
    enrol(world.x_learner_b, fresh, world, status=EnrolmentStatus.COMPLETED)

    html = signed_in(learner).get("/catalogue/").content.decode()

    def card(title: str) -> str:
        start = html.index(f">{title}</h3>")
        return html[start : html.index("</li>", start)]

    assert f'href="/certificates/{certificate.pk}/">View certificate' in card("Done module")
    assert "Completed" in card("Done module") and "Start this module" not in card("Done module")
    assert f'href="/learning/{awaiting.pk}/">Review' in card("Pending module")
    assert "Completed" in card("Pending module")
    assert "In progress" in card("Going module")
    assert f'href="/learning/{active.pk}/">Continue' in card("Going module")
    assert "Start this module" in card("Fresh module") and "Completed" not in card("Fresh module")


def test_catalogue_marks_cost_no_query_per_module(
    world: World, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    learner = world.x_learner_a
    for number in range(6):
        enrolment = enrol(
            learner,
            publish_module(slug=f"c{number}", title=f"C {number}"),
            world,
            status=EnrolmentStatus.COMPLETED if number % 2 else EnrolmentStatus.IN_PROGRESS,
        )
        if number % 2:
            certificate_get_or_create(enrolment=enrolment)
    client = signed_in(learner)
    client.get("/catalogue/")

    with django_assert_max_num_queries(9):
        html = client.get("/catalogue/").content.decode()

    assert html.count("View certificate") == 3
    assert html.count(">Continue<") == 3


def test_quiz_result_links_the_certificate_or_says_it_is_being_prepared(world: World) -> None:
    learner = world.x_learner_a
    enrolment = enrol(learner, publish_module(), world)
    for lesson in enrolment.version.lessons.all():
        services.lesson_complete(enrolment=enrolment, lesson_id=lesson.pk)
    services.quiz_submit(enrolment=enrolment, answers=right_answers(enrolment))
    client = signed_in(learner)

    preparing = client.get(f"/learning/{enrolment.pk}/quiz/attempts/1/").content.decode()
    enrolment.refresh_from_db()
    certificate = certificate_get_or_create(enrolment=enrolment)  # made on completion
    certificate.pdf.name = "certificates/2026/x.pdf"
    certificate.save(update_fields=["pdf"])
    ready = client.get(f"/learning/{enrolment.pk}/quiz/attempts/1/").content.decode()

    assert (
        'Your certificate is being prepared. It will be on <a href="/certificates/">' in preparing
    )
    assert f'href="/certificates/{certificate.pk}/">view your certificate</a>' in ready
    assert "being prepared" not in ready
