"""A partnership's required training at a glance (issue 15, ADR 0019): the share met per
member organisation, the same share the organisation's own admin sees, suppressed below
the threshold or where none or all is met; for the partnership's viewers only; a fixed
number of queries per member organisation."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import Organisation, Partnership, Role, User
from tests import factories

pytestmark = pytest.mark.django_db


def _organisation(name: str, learners: int, met: int) -> tuple[Organisation, User]:
    """An organisation requiring fire safety of its learners, `met` of whom did it."""
    organisation = factories.OrganisationFactory.create(name=name)
    team = factories.TeamFactory.create(organisation=organisation)
    admin = factories.UserFactory.create()
    factories.MembershipFactory.create(
        user=admin, organisation=organisation, team=None, role=Role.ORG_ADMIN
    )
    requirement = factories.TrainingRequirementFactory.create(
        organisation=organisation, module=None, title="Fire safety", role=Role.LEARNER
    )
    for number in range(learners):
        person = factories.UserFactory.create()
        factories.MembershipFactory.create(user=person, team=team)
        if number < met:
            factories.TrainingRecordFactory.create(
                requirement=requirement,
                person=person,
                completed_on=timezone.localdate() - datetime.timedelta(days=10),
            )
    return organisation, admin


@pytest.fixture
def partnership(settings: Settings) -> tuple[Partnership, User, dict[str, Organisation]]:
    settings.HEARTH_SMALL_NUMBER_THRESHOLD = 3
    members = {
        "shown": _organisation("Alpha Care", learners=6, met=4),
        "small": _organisation("Beta Homes", learners=2, met=1),
        "all_met": _organisation("Gamma Trust", learners=4, met=4),
    }
    viewer = factories.UserFactory.create()
    found = factories.PartnershipFactory.create(
        organisations=[organisation for organisation, _ in members.values()], viewers=[viewer]
    )
    return found, viewer, {key: organisation for key, (organisation, _) in members.items()}


def _viewer(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_a_viewer_sees_each_members_share_met_suppressed_where_small(
    partnership: tuple[Partnership, User, dict[str, Organisation]],
) -> None:
    found, viewer, members = partnership
    body = _viewer(viewer).get(f"/api/v1/partnerships/{found.pk}/compliance/").json()
    assert body["threshold"] == 3
    assert [
        (row["organisation_name"], row["share_met"], row["suppressed"])
        for row in body["organisations"]
    ] == [("Alpha Care", 66.7, False), ("Beta Homes", None, True), ("Gamma Trust", None, True)]
    # The same share the organisation's own admin sees.
    admin = User.objects.get(
        memberships__organisation=members["shown"], memberships__role=Role.ORG_ADMIN
    )
    own = _viewer(admin).get("/api/v1/compliance/").json()["organisations"][0]["figures"]
    assert own["share_met"] == 66.7
    rows = list(
        csv.reader(
            io.StringIO(
                _viewer(viewer)
                .get(f"/api/v1/partnerships/{found.pk}/compliance/", {"format": "csv"})
                .content.decode("utf-8-sig")
            )
        )
    )
    assert [row[1] for row in rows[1:]] == ["Alpha Care", "Beta Homes", "Gamma Trust"]
    assert [row[3] for row in rows[1:]] == ["66.7", "suppressed", "suppressed"]


def test_the_partnership_page_shows_the_shares(
    partnership: tuple[Partnership, User, dict[str, Organisation]],
) -> None:
    found, viewer, _ = partnership
    client = Client()
    client.force_login(viewer)
    html = client.get(reverse("partnership-dashboard", args=[found.pk])).content.decode()
    section = html[html.index("Required training met, by organisation") :]
    shown = '<th scope="row">Alpha Care</th><td>Housing</td><td class="number">66.7%</td>'
    assert shown in section
    assert section.count(">suppressed<") == 2


def test_anyone_but_its_viewers_gets_404(
    partnership: tuple[Partnership, User, dict[str, Organisation]],
) -> None:
    found, _, members = partnership
    admin = User.objects.get(
        memberships__organisation=members["shown"], memberships__role=Role.ORG_ADMIN
    )
    assert _viewer(admin).get(f"/api/v1/partnerships/{found.pk}/compliance/").status_code == 404
    assert (
        _viewer(factories.UserFactory.create())
        .get(f"/api/v1/partnerships/{found.pk}/compliance/")
        .status_code
        == 404
    )


def test_a_fixed_number_of_queries_per_member(
    partnership: tuple[Partnership, User, dict[str, Organisation]],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    found, viewer, members = partnership
    client = _viewer(viewer)
    client.get(f"/api/v1/partnerships/{found.pk}/compliance/")
    # Signing in (2), memberships (1), the partnership and its members (2), the learners
    # (1), and per member its standings (6 here: recorded-only requirements read no
    # completions).
    with django_assert_num_queries(6 + 6 * 3):
        client.get(f"/api/v1/partnerships/{found.pk}/compliance/")
    for _ in range(5):
        factories.MembershipFactory.create(team=members["shown"].teams.first())
    with django_assert_num_queries(6 + 6 * 3):
        client.get(f"/api/v1/partnerships/{found.pk}/compliance/")
