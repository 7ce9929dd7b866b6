"""The manager's person record (issue 15): who may open it (404 for anyone else), that
it shows only records made under the viewer's organisations (ADR 0012), its actions
(extend with a reason, withdraw with a reason, chase now) as POST-redirect-GET with
field errors in Hearth's words, a fixed number of queries, and the dashboard's overdue
figure linking to the people behind it."""

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Role, User
from certificates.records import certificate_get_or_create
from notifications.models import ReminderLog
from tests.conftest import World
from tests.factories import (
    AssessmentFactory,
    CompetencyFactory,
    EnrolmentFactory,
    MembershipFactory,
)
from tests.support.notifications import due_enrolment
from tests.support.training import publish_module
from training.models import Enrolment, EnrolmentChange, EnrolmentStatus


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass
class Records:
    """Learner A learns in X (team A) and in Y: one enrolment, certificate and assessment
    under each organisation."""

    world: World
    overdue: Enrolment
    in_y: Enrolment

    @property
    def page(self) -> str:
        return f"/people/{self.world.x_learner_a.pk}/"

    def action(self, name: str, enrolment: Enrolment | None = None) -> str:
        return f"{self.page}enrolments/{(enrolment or self.overdue).pk}/{name}/"


@pytest.fixture
def records(world: World) -> Records:
    learner = world.x_learner_a
    MembershipFactory.create(
        user=learner, organisation=world.org_y, team=world.y_team_a, role=Role.LEARNER
    )
    damp = publish_module()
    overdue = due_enrolment(learner, damp, days=-3, team=world.x_team_a)
    in_y = EnrolmentFactory.create(
        learner=learner,
        module=publish_module(slug="y-only", title="Y only module"),
        organisation=world.org_y,
        team=world.y_team_a,
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    for organisation, team, title in (
        (world.org_x, world.x_team_a, "Falls at home"),
        (world.org_y, world.y_team_a, "Y certificate module"),
    ):
        finished = EnrolmentFactory.create(
            learner=learner,
            module=publish_module(slug=title.lower().replace(" ", "-"), title=title),
            organisation=organisation,
            team=team,
            status=EnrolmentStatus.COMPLETED,
            completed_at=timezone.now(),
        )
        certificate_get_or_create(enrolment=finished)
    AssessmentFactory.create(
        learner=learner,
        organisation=world.org_x,
        assessor=world.x_assessor_a,
        competency=CompetencyFactory.create(code="XC1", title="Spotting damp"),
    )
    AssessmentFactory.create(
        learner=learner,
        organisation=world.org_y,
        competency=CompetencyFactory.create(code="YC1", title="Y only skill"),
    )
    return Records(world=world, overdue=overdue, in_y=in_y)


def test_only_the_learners_managers_and_org_admins_open_the_record(records: Records) -> None:
    world = records.world
    x_manager_b = World.person(world.org_x, world.x_team_b, Role.MANAGER)
    answers = {
        name: signed_in(user).get(records.page).status_code
        for name, user in {
            "manager of the team": world.x_manager_a,
            "manager of another team": x_manager_b,
            "org admin": world.x_admin,
            "org admin of another organisation the person learns in": world.y_admin,
            "assessor": world.x_assessor_a,
            "the learner": world.x_learner_a,
            "another learner": world.x_learner_b,
        }.items()
    }
    other_organisation = signed_in(world.y_admin).get(f"/people/{world.x_learner_b.pk}/")
    unknown = signed_in(world.x_admin).get("/people/999999/")

    assert answers == {
        "manager of the team": 200,
        "manager of another team": 404,
        "org admin": 200,
        "org admin of another organisation the person learns in": 200,
        "assessor": 404,
        "the learner": 404,
        "another learner": 404,
    }
    assert other_organisation.status_code == unknown.status_code == 404
    assert signed_in(world.x_admin).get(f"/people/{world.x_learner_b.pk}/").status_code == 200


def test_each_viewer_sees_only_their_organisations_records(records: Records) -> None:
    world = records.world
    seen_by_x = signed_in(world.x_manager_a).get(records.page).content.decode()
    seen_by_y = signed_in(world.y_admin).get(records.page).content.decode()

    for text in ("Damp basics", "Falls at home", "Spotting damp"):
        assert text in seen_by_x and text not in seen_by_y
    for text in ("Y only module", "Y certificate module", "Y only skill"):
        assert text not in seen_by_x and text in seen_by_y
    assert f"{records.action('extend')}" in seen_by_x
    assert f"{records.action('extend')}" not in seen_by_y
    assert "<!-- Requirements" not in seen_by_x  # the template comment is not sent
    assert f'href="/team/assign/?learner={world.x_learner_a.pk}"' in seen_by_x


def test_extending_needs_a_later_date_and_a_reason_and_shows_in_the_history(
    records: Records,
) -> None:
    manager = signed_in(records.world.x_manager_a)
    due = records.overdue.due_date
    assert due is not None
    later = timezone.localdate() + datetime.timedelta(days=21)
    prefix = f"e{records.overdue.pk}"

    earlier = manager.post(
        records.action("extend"),
        {
            f"{prefix}-due_date": (due - datetime.timedelta(days=1)).isoformat(),
            f"{prefix}-reason": "Sooner",
        },
    )
    no_reason = manager.post(
        records.action("extend"), {f"{prefix}-due_date": later.isoformat(), f"{prefix}-reason": " "}
    )
    bad_date = manager.post(
        records.action("extend"), {f"{prefix}-due_date": "31/02/2026", f"{prefix}-reason": "x"}
    )
    done = manager.post(
        records.action("extend"),
        {f"{prefix}-due_date": later.isoformat(), f"{prefix}-reason": "Off sick for two weeks"},
    )
    page = manager.get(records.page).content.decode()

    assert earlier.status_code == no_reason.status_code == bad_date.status_code == 400
    assert (
        f"Choose a date later than the current due date, {long_date(due)}."
        in earlier.content.decode()
    )
    assert "Say why." in no_reason.content.decode()
    assert "Enter a real date." in bad_date.content.decode()
    assert done.status_code == 302
    assert done["Location"] == f"{records.page}#enrolment-{records.overdue.pk}"
    assert f"Damp basics is now due on {long_date(later)}." in page
    assert (
        f"Due date extended from {long_date(due)} to {long_date(later)} by "
        f"{escape(records.world.x_manager_a.full_name)}. Reason: Off sick for two weeks"
    ) in page
    assert EnrolmentChange.objects.count() == 1


def test_withdrawing_needs_a_reason_and_chasing_sends_one_reminder_a_day(
    records: Records,
) -> None:
    manager = signed_in(records.world.x_admin)
    prefix = f"e{records.overdue.pk}"

    no_reason = manager.post(records.action("withdraw"), {f"{prefix}-reason": ""})
    first_chase = manager.post(records.action("chase"))
    after_first = manager.get(records.page).content.decode()
    second_chase = manager.post(records.action("chase"))
    after_second = manager.get(records.page).content.decode()
    withdrawn = manager.post(records.action("withdraw"), {f"{prefix}-reason": "Left the post"})
    after_withdrawal = manager.get(records.page).content.decode()

    assert no_reason.status_code == 400 and "Say why." in no_reason.content.decode()
    assert first_chase.status_code == second_chase.status_code == withdrawn.status_code == 302
    assert "A reminder about Damp basics is on its way" in after_first
    assert "was already reminded about Damp basics today" in after_second
    assert ReminderLog.objects.filter(object_id=records.overdue.pk).count() == 1
    assert "Reminder sent by" in after_withdrawal and "Reason: Left the post" in after_withdrawal
    records.overdue.refresh_from_db()
    assert records.overdue.status == EnrolmentStatus.WITHDRAWN
    assert records.action("chase") not in after_withdrawal


def test_nobody_acts_outside_their_scope(records: Records) -> None:
    world = records.world
    x_manager_b = World.person(world.org_x, world.x_team_b, Role.MANAGER)
    later = (timezone.localdate() + datetime.timedelta(days=9)).isoformat()
    body = {f"e{records.overdue.pk}-due_date": later, f"e{records.overdue.pk}-reason": "Why"}

    answers = [
        signed_in(x_manager_b).post(records.action("extend"), body).status_code,
        signed_in(world.y_admin).post(records.action("extend"), body).status_code,
        signed_in(world.x_learner_a).post(records.action("chase")).status_code,
        signed_in(world.x_manager_a).post(records.action("chase", records.in_y)).status_code,
        signed_in(world.x_manager_a).get(records.action("chase")).status_code,
    ]

    assert answers == [404, 404, 404, 404, 405]
    assert not EnrolmentChange.objects.exists() and not ReminderLog.objects.exists()


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_page_takes_the_same_queries_for_1_and_20_enrolments(world: World) -> None:
    manager = signed_in(world.x_manager_a)
    path = f"/people/{world.x_learner_a.pk}/"
    due_enrolment(world.x_learner_a, publish_module(), days=-2)

    one = _queries(manager, path)
    for number in range(19):
        enrolment = due_enrolment(
            world.x_learner_a,
            publish_module(slug=f"module-{number}", title=f"Module {number}"),
            days=number,
        )
        EnrolmentChange.objects.create(
            enrolment=enrolment, organisation=world.org_x, kind="chased", by=world.x_manager_a
        )
    twenty = _queries(manager, path)

    assert Enrolment.objects.filter(learner=world.x_learner_a).count() == 20
    # 16, and 2 for the access log (issue 17): the organisations it is seen through, the row.
    assert one == twenty == 18


def test_the_dashboards_overdue_figure_links_to_the_people_behind_it(records: Records) -> None:
    world = records.world
    manager = signed_in(world.x_manager_a)
    due_enrolment(world.x_learner_b, publish_module(slug="b", title="B"), days=-5)

    dashboard = manager.get("/dashboard/").content.decode()
    start = dashboard.index('href="/people/?')
    link = dashboard[start + 6 : dashboard.index('"', start + 6)].replace("&amp;", "&")
    listing = manager.get(link)
    admin_listing = signed_in(world.x_admin).get(link).content.decode()
    learner = signed_in(world.x_learner_a).get(link)

    assert "status=overdue" in link
    html = listing.content.decode()
    assert listing.status_code == 200
    name = escape(world.x_learner_a.full_name)  # as the page writes it (O'Brien, say)
    assert f'<a href="/people/{world.x_learner_a.pk}/">{name}</a>' in html
    assert escape(world.x_learner_b.full_name) not in html
    assert escape(world.x_learner_b.full_name) in admin_listing
    assert learner.status_code == 404
