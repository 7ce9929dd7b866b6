"""Issue 16, must show 5 (the SCIM path): a person a provisioning client deactivates
(active false, by PATCH or PUT, or DELETE) loses their session and the keys they made on
the next request, and gets no further reminders: none is planned, and one planned before
is skipped, never sent (ADR 0025, ADR 0026)."""

from django.test import Client

from accounts.models import KeyScope, Role, User
from accounts.selectors import actor_for_user
from accounts.services import api_key_create
from notifications.models import ReminderLog, Status
from notifications.planning import plan_daily
from notifications.sending import LEFT, send_pending
from provisioning.services import provisioning_token_create
from tests import factories
from tests.conftest import World
from tests.provisioning.conftest import USER, Provisioned, Scim
from tests.support.notifications import due_enrolment
from tests.support.smtp import Mailbox
from tests.support.training import publish_module


def _scim_for(world: World) -> Scim:
    _, secret = provisioning_token_create(
        actor=actor_for_user(world.x_admin), organisation_id=world.org_x.pk, name="Entra ID"
    )
    return Scim(Provisioned(organisation=world.org_x, admin=world.x_admin, secret=secret))


def _provisioned(scim: Scim, person: User) -> str:
    """The person, already a learner of X team A, linked by their email and the team's
    group (adopted), as a client's first sync does."""
    user = scim.create_user(person.email, person.email)
    scim.create_group("X team A", [user["id"]])
    return str(user["id"])


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def still_signed_in(client: Client) -> bool:
    return bool(client.get("/api/v1/me/").status_code == 200)


def test_active_false_ends_the_session_and_keys_at_the_next_request(world: World) -> None:
    scim = _scim_for(world)
    leaver = world.x_learner_a
    factories.MembershipFactory.create(
        user=leaver, organisation=world.org_x, team=None, role=Role.ORG_ADMIN
    )
    _, key = api_key_create(
        actor=actor_for_user(leaver),
        organisation_id=world.org_x.pk,
        name="HR feed",
        scope=KeyScope.READ,
    )
    keyed = Client(headers={"Authorization": f"Api-Key {key}"})
    scim_id = _provisioned(scim, leaver)
    session, bystander = signed_in(leaver), signed_in(world.x_learner_b)
    assert still_signed_in(session) and keyed.get("/api/v1/teams/").status_code == 200

    response = scim.patch(f"Users/{scim_id}", {"op": "replace", "path": "active", "value": False})

    assert response.status_code == 200
    assert still_signed_in(session) is False
    assert session.get("/").status_code == 302  # to the sign-in page
    assert keyed.get("/api/v1/teams/").status_code == 401
    assert still_signed_in(bystander)
    assert scim.send("GET", f"Users/{scim_id}").json()["active"] is False


def test_put_active_false_and_delete_end_the_session_too(world: World) -> None:
    scim = _scim_for(world)
    put_id, deleted_id = _provisioned(scim, world.x_learner_a), None
    deleted_user = scim.create_user(world.x_learner_b.email, world.x_learner_b.email)
    deleted_id = deleted_user["id"]
    first, second = signed_in(world.x_learner_a), signed_in(world.x_learner_b)

    put = scim.send(
        "PUT",
        f"Users/{put_id}",
        {
            "schemas": [USER],
            "userName": world.x_learner_a.email,
            "emails": [{"value": world.x_learner_a.email}],
            "active": False,
        },
    )
    deleted = scim.send("DELETE", f"Users/{deleted_id}")

    assert (put.status_code, deleted.status_code) == (200, 204)
    assert still_signed_in(first) is False
    assert still_signed_in(second) is False


def test_no_reminder_is_planned_or_sent_after_deactivation(world: World, mailbox: Mailbox) -> None:
    scim = _scim_for(world)
    module = publish_module()
    due_enrolment(world.x_learner_a, module, days=1)
    due_enrolment(world.x_learner_b, module, days=1)
    scim_id = _provisioned(scim, world.x_learner_a)
    plan_daily()
    assert ReminderLog.objects.filter(status=Status.PENDING).count() == 2

    scim.patch(f"Users/{scim_id}", {"op": "replace", "path": "active", "value": False})
    report = send_pending()
    planned_again = plan_daily()

    assert report.sent == 1
    assert [message["To"] for message in mailbox.messages] == [world.x_learner_b.email]
    skipped = ReminderLog.objects.get(person=world.x_learner_a)
    assert (skipped.status, skipped.last_error) == (Status.SKIPPED, LEFT)
    assert ReminderLog.objects.filter(person=world.x_learner_a).count() == 1, planned_again
    assert send_pending().sent == 0
