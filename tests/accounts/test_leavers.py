"""Issue 16, must show 5: a person who leaves an organisation (deactivated by an org admin
through the API or the people page, a bulk import's leaving date, the daily job for a
leaving date that has come) loses their session and the keys they made on the next
request; leaving again changes nothing; out of scope is 404 (ADR 0026)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.leavers import memberships_end_due
from accounts.models import KeyScope, Membership, OrganisationAPIKey, Role, User
from accounts.selectors import actor_for_user
from accounts.services import api_key_create
from accounts.services_onboarding import onboarding_apply
from tests import factories
from tests.accounts.test_onboarding import csv_of
from tests.conftest import World


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def still_signed_in(client: Client) -> bool:
    response = client.get("/api/v1/me/")
    return response.status_code == 200


def key_of(world: World, maker: User) -> str:
    membership = factories.MembershipFactory.create(
        user=maker, organisation=world.org_x, team=None, role=Role.ORG_ADMIN
    )
    _, key = api_key_create(
        actor=actor_for_user(maker),
        organisation_id=world.org_x.pk,
        name="HR feed",
        scope=KeyScope.READ_WRITE,
    )
    membership.refresh_from_db()
    return key


def test_deactivating_through_the_api_ends_the_session_and_keys_at_the_next_request(
    world: World,
) -> None:
    leaver = world.x_learner_a
    maker = world.x_manager_a
    key = key_of(world, maker)
    session, bystander = signed_in(leaver), signed_in(world.x_learner_b)
    keyed = Client(headers={"Authorization": f"Api-Key {key}"})
    assert still_signed_in(session) and keyed.get("/api/v1/teams/").status_code == 200

    admin = signed_in(world.x_admin)
    response = admin.post(
        f"/api/v1/people/{leaver.pk}/deactivate/",
        {"organisation": world.org_x.pk},
        content_type="application/json",
    )
    assert response.status_code == 204
    assert not Membership.including_pending.filter(user=leaver, organisation=world.org_x)
    assert still_signed_in(session) is False
    assert session.get("/").status_code == 302  # to the sign-in page
    assert still_signed_in(bystander) and still_signed_in(admin)
    # The key a leaver made: revoked when its maker leaves.
    other = signed_in(world.x_admin).post(
        f"/api/v1/people/{maker.pk}/deactivate/",
        {"organisation": world.org_x.pk},
        content_type="application/json",
    )
    assert other.status_code == 204
    assert keyed.get("/api/v1/teams/").status_code == 401
    assert OrganisationAPIKey.objects.get(created_by=maker).revoked_at is not None

    again = admin.post(
        f"/api/v1/people/{leaver.pk}/deactivate/",
        {"organisation": world.org_x.pk},
        content_type="application/json",
    )
    assert again.status_code == 404
    # They can sign in again, with nothing of the organisation's to see.
    leaver.refresh_from_db()
    fresh = signed_in(leaver)
    assert still_signed_in(fresh)
    assert fresh.get("/api/v1/teams/").json()["results"] == []


def test_leaving_one_organisation_keeps_the_other_and_the_records(world: World) -> None:
    both = world.x_learner_a
    factories.MembershipFactory.create(
        user=both, organisation=world.org_y, team=world.y_team_a, role=Role.LEARNER
    )
    enrolment = factories.EnrolmentFactory.create(
        learner=both, organisation=world.org_x, team=world.x_team_a
    )
    admin = signed_in(world.x_admin)

    response = admin.post(
        f"/api/v1/people/{both.pk}/deactivate/",
        {"organisation": world.org_x.pk},
        content_type="application/json",
    )

    assert response.status_code == 204
    assert list(Membership.objects.filter(user=both).values_list("organisation", flat=True)) == [
        world.org_y.pk
    ]
    enrolment.refresh_from_db()
    assert enrolment.organisation_id == world.org_x.pk


@pytest.mark.parametrize("who", ["y_admin", "x_manager_a", "x_learner_b"])
def test_only_the_organisations_admins_deactivate_anyone_else_gets_404(
    world: World, who: str
) -> None:
    client = signed_in(getattr(world, who))

    response = client.post(
        f"/api/v1/people/{world.x_learner_a.pk}/deactivate/",
        {"organisation": world.org_x.pk},
        content_type="application/json",
    )

    assert response.status_code == 404
    assert Membership.objects.filter(user=world.x_learner_a, organisation=world.org_x).exists()


def test_bad_input_and_a_read_only_key_and_oneself_are_refused_clearly(world: World) -> None:
    admin = signed_in(world.x_admin)
    url = f"/api/v1/people/{world.x_learner_a.pk}/deactivate/"

    missing = admin.post(url, {}, content_type="application/json")
    wrong = admin.post(url, {"organisation": "x"}, content_type="application/json")
    myself = admin.post(
        f"/api/v1/people/{world.x_admin.pk}/deactivate/",
        {"organisation": world.org_x.pk},
        content_type="application/json",
    )
    _, key = api_key_create(
        actor=actor_for_user(world.x_admin), organisation_id=world.org_x.pk, name="Read"
    )
    read_only = Client(headers={"Authorization": f"Api-Key {key}"}).post(
        url, {"organisation": world.org_x.pk}, content_type="application/json"
    )

    assert missing.status_code == 400 and "organisation" in missing.json()["error"]["fields"]
    assert wrong.status_code == 400 and "organisation" in wrong.json()["error"]["fields"]
    assert myself.status_code == 403
    assert read_only.status_code == 403
    assert Membership.objects.filter(user=world.x_learner_a, organisation=world.org_x).exists()


def test_a_bulk_import_with_a_leaving_date_today_ends_the_session(world: World) -> None:
    leaver = world.x_learner_b
    session = signed_in(leaver)
    today = timezone.localdate().isoformat()
    row = ["E1", leaver.full_name, leaver.email, "X team B", "learner", "", "", today]

    onboarding_apply(
        actor=actor_for_user(world.x_admin), organisation_id=world.org_x.pk, content=csv_of([row])
    )

    assert not Membership.including_pending.filter(user=leaver, organisation=world.org_x)
    assert still_signed_in(session) is False


def test_the_daily_job_ends_a_leaving_date_when_it_comes_once(world: World) -> None:
    leaver = world.x_learner_b
    later = timezone.localdate() + datetime.timedelta(days=3)
    row = ["E1", leaver.full_name, leaver.email, "X team B", "learner", "", "", later.isoformat()]
    onboarding_apply(
        actor=actor_for_user(world.x_admin), organisation_id=world.org_x.pk, content=csv_of([row])
    )
    session = signed_in(leaver)

    assert memberships_end_due(today=later - datetime.timedelta(days=1)) == 0
    assert still_signed_in(session)
    assert memberships_end_due(today=later) == 1
    assert memberships_end_due(today=later) == 0

    assert not Membership.including_pending.filter(user=leaver, organisation=world.org_x)
    assert still_signed_in(session) is False
    assert Membership.objects.filter(user=world.x_learner_a).exists()


def test_removing_a_persons_last_membership_is_leaving(world: World) -> None:
    session = signed_in(world.x_learner_b)
    membership = Membership.objects.get(user=world.x_learner_b)

    response = signed_in(world.x_admin).delete(f"/api/v1/memberships/{membership.pk}/")

    assert response.status_code == 204
    assert still_signed_in(session) is False
