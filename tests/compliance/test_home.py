"""The learner's own required training on their home page (issue 15: "a learner's home
that answers 'what now?'"): missed first, each organisation counting its own records."""

import datetime

from django.test import Client

from accounts.models import Role
from tests.compliance.conftest import DAY_ONE, Frozen
from tests.conftest import World
from tests.factories import (
    ExemptionFactory,
    MembershipFactory,
    TrainingRecordFactory,
    TrainingRequirementFactory,
)


def days(count: int) -> datetime.date:
    return DAY_ONE + datetime.timedelta(days=count)


def test_a_person_in_two_organisations_sees_each_ones_requirements_missed_first(
    frozen: Frozen,
) -> None:
    world = frozen.world
    person = world.y_learner
    MembershipFactory.create(user=person, team=world.x_team_a, role=Role.LEARNER)
    fire_x = TrainingRequirementFactory.create(
        organisation=world.org_x, module=None, title="Fire safety"
    )
    fire_y = TrainingRequirementFactory.create(
        organisation=world.org_y, module=None, title="Fire safety"
    )
    handling = TrainingRequirementFactory.create(
        organisation=world.org_x, module=None, title="Moving and handling"
    )
    ExemptionFactory.create(requirement=handling, person=person, ends_on=days(90))
    TrainingRecordFactory.create(requirement=fire_y, person=person, completed_on=days(0))
    frozen.go_to(days(31))
    client = Client()
    client.force_login(person)

    html = client.get("/").content.decode()

    section = html[
        html.index('id="required-heading"') : html.index(
            "</section>", html.index('id="required-heading"')
        )
    ]
    assert "1 of 3 met" in section
    titles = [
        (line.split("</h3>")[0], line.split('class="tag tag--')[1].split("<")[0])
        for line in section.split("<h3>")[1:]
    ]
    assert titles == [
        ("Fire safety", 'bad">Overdue'),
        ("Fire safety", 'good">Compliant'),
        ("Moving and handling", 'muted">Exempt'),
    ]
    assert f"Was due by {days(30):%-d %B %Y}" in section
    assert f"Valid until {days(364):%-d %B %Y}" in section
    assert f"Exempt until {days(90):%-d %B %Y}" in section
    assert section.index(world.org_x.name) < section.index(world.org_y.name)
    assert section.count("Your manager records it") == 1
    assert fire_x.records.count() == 0


def test_someone_with_no_requirements_sees_no_required_training(world: World) -> None:
    client = Client()
    client.force_login(world.x_learner_a)

    html = client.get("/").content.decode()

    assert "Required training" not in html
