"""One-click unsubscribe (RFC 8058) and email preferences (issue 6, must show 5)."""

from django.test import Client

from notifications.models import EmailOptOut, Kind
from notifications.selectors import MANAGER_KINDS
from notifications.tokens import unsubscribe_token
from tests.conftest import World
from tests.factories import MandatoryKindFactory


def test_one_click_post_without_cookies_unsubscribes_and_get_changes_nothing(world: World) -> None:
    token = unsubscribe_token(person_id=world.x_learner_a.pk, kind=Kind.DUE_SOON)
    client = Client(enforce_csrf_checks=True)

    page = client.get(f"/email/unsubscribe/{token}/")
    assert page.status_code == 200 and not EmailOptOut.objects.exists()
    posted = client.post(f"/email/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})

    assert posted.status_code == 200 and not client.cookies
    assert list(EmailOptOut.objects.values_list("person_id", "kind")) == [
        (world.x_learner_a.pk, Kind.DUE_SOON)
    ]
    assert client.post(f"/email/unsubscribe/{token}/").status_code == 200
    assert EmailOptOut.objects.count() == 1


def test_one_persons_token_cannot_affect_another(world: World) -> None:
    token = unsubscribe_token(person_id=world.x_learner_a.pk, kind=Kind.OVERDUE)
    forged = token.replace(
        token.split(":")[0],
        unsubscribe_token(person_id=world.x_learner_b.pk, kind=Kind.OVERDUE).split(":")[0],
    )

    Client().post(f"/email/unsubscribe/{token}/")
    tampered = Client().post(f"/email/unsubscribe/{forged}/")
    garbage = Client().post("/email/unsubscribe/not-a-token/")

    assert tampered.status_code == 404 and garbage.status_code == 404
    assert list(EmailOptOut.objects.values_list("person_id", flat=True)) == [world.x_learner_a.pk]


def test_preferences_page_saves_choices_and_says_what_is_mandatory(
    world: World, client: Client
) -> None:
    MandatoryKindFactory.create(organisation=world.org_x, kind=Kind.OVERDUE)
    client.force_login(world.x_learner_a)

    page = client.get("/settings/email/").content.decode()
    client.post("/settings/email/", {"kinds": [Kind.DUE_SOON, Kind.OVERDUE]})

    assert "Required by your organisation" in page
    assert set(EmailOptOut.objects.values_list("kind", flat=True)) == set(Kind.values) - {
        Kind.DUE_SOON,
        Kind.OVERDUE,
        *MANAGER_KINDS,
    }
    token = unsubscribe_token(person_id=world.x_learner_a.pk, kind=Kind.OVERDUE)
    unsubscribed = Client().post(f"/email/unsubscribe/{token}/")
    assert "will keep coming" in unsubscribed.content.decode()


def test_learners_are_not_offered_the_managers_kinds_and_saving_keeps_them(
    world: World,
) -> None:
    """Issue 15, item 4: escalation and the weekly digest are for managers and org admins."""
    learner, manager, admin = Client(), Client(), Client()
    learner.force_login(world.x_learner_a)
    manager.force_login(world.x_manager_a)
    admin.force_login(world.x_admin)
    EmailOptOut.objects.create(person=world.x_learner_a, kind=Kind.DIGEST)

    learner_page = learner.get("/settings/email/").content.decode()
    manager_page = manager.get("/settings/email/").content.decode()
    admin_page = admin.get("/settings/email/").content.decode()
    learner.post("/settings/email/", {"kinds": [Kind.DUE_SOON, Kind.ESCALATION]})

    for kind in MANAGER_KINDS:
        assert f'value="{kind}"' not in learner_page
        assert f'value="{kind}"' in manager_page and f'value="{kind}"' in admin_page
    assert f'value="{Kind.DUE_SOON}"' in learner_page
    assert set(EmailOptOut.objects.values_list("kind", flat=True)) == set(Kind.values) - {
        Kind.DUE_SOON,
        Kind.ESCALATION,
    }
