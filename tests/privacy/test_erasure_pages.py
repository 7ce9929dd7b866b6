"""The erasure pages (issue 17): an org admin erases a person from their page after a
confirmation, with the choice to withhold their name; the erasures page lists erasures with
their state and a legal hold's reason, the leavers still held, and saves the retention
settings; bad input is a helpful message; another organisation's person is 404."""

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from accounts.selectors import actor_for_user
from accounts.services_leavers import person_leave
from core.dates import add_months
from privacy.models import Erasure, ErasureStatus, RetentionPolicy
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_admin_erases_a_person_from_their_page_after_confirming(world: World) -> None:
    admin = _signed_in(world.x_admin)
    person_page = f"/organisation/{world.org_x.pk}/people/{world.x_learner_a.pk}/"
    erase = f"{person_page}erase/"

    assert erase in admin.get(person_page).content.decode()
    confirm = admin.get(erase)
    unconfirmed = admin.post(erase, {"withhold_name": "on"})
    done = admin.post(erase, {"withhold_name": "on", "confirm": "on"}, follow=True)

    assert (
        confirm.status_code == 200
        and escape(world.x_learner_a.full_name) in confirm.content.decode()
    )
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm the erasure." in unconfirmed.content.decode()
    assert done.status_code == 200 and "Their personal data here is erased." in (
        done.content.decode()
    )
    erasure = Erasure.objects.get()
    assert (erasure.person_id, erasure.status, erasure.withhold_name, erasure.requested_by_id) == (
        world.x_learner_a.pk,
        ErasureStatus.DONE,
        True,
        world.x_admin.pk,
    )
    assert f"Erased person (number {world.x_learner_a.pk})" in done.content.decode()


def test_the_erasures_page_shows_a_postponed_erasure_its_reason_and_the_leavers(
    world: World,
) -> None:
    admin = _signed_in(world.x_admin)
    page = f"/organisation/{world.org_x.pk}/erasures/"
    saved = admin.post(
        page,
        {
            "leaver_retention_months": "24",
            "legal_hold_years": "6",
            "legal_hold_reason": "NHS rules",
        },
    )
    for person in (world.x_learner_a, world.x_learner_b):
        person_leave(
            actor=actor_for_user(world.x_admin), organisation_id=world.org_x.pk, user_id=person.pk
        )
    listed = admin.get(page).content.decode()

    postponed = admin.post(
        f"/organisation/{world.org_x.pk}/people/{world.x_learner_a.pk}/erase/",
        {"confirm": "on"},
        follow=True,
    ).content.decode()

    assert saved.status_code == 302
    policy = RetentionPolicy.objects.get()
    assert (policy.leaver_retention_months, policy.legal_hold_years, policy.legal_hold_reason) == (
        24,
        6,
        "NHS rules",
    )
    assert escape(world.x_learner_a.full_name) in listed
    assert escape(world.x_learner_b.full_name) in listed
    due = add_months(timezone.localdate(), 72)
    assert f"Until {due.day} {due:%B %Y}: NHS rules" in postponed
    assert "Postponed by a legal hold" in postponed
    assert Erasure.objects.get().status == ErasureStatus.POSTPONED


def test_nonsense_settings_are_a_helpful_message_and_another_organisation_is_404(
    world: World,
) -> None:
    admin = _signed_in(world.x_admin)

    bad = admin.post(
        f"/organisation/{world.org_x.pk}/erasures/",
        {"leaver_retention_months": "soon", "legal_hold_years": "-2"},
    )
    other_person = admin.get(f"/organisation/{world.org_x.pk}/people/{world.y_learner.pk}/erase/")
    other_organisation = admin.get(f"/organisation/{world.org_y.pk}/erasures/")
    erase_there = admin.post(
        f"/organisation/{world.org_y.pk}/people/{world.y_learner.pk}/erase/", {"confirm": "on"}
    )
    manager = _signed_in(world.x_manager_a).get(f"/organisation/{world.org_x.pk}/erasures/")

    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Enter a whole number of months, such as 24." in body
    assert "Enter 0 or more years." in body
    assert [other_person.status_code, other_organisation.status_code] == [404, 404]
    assert [erase_there.status_code, manager.status_code] == [404, 404]
    assert Erasure.objects.count() == 0 and RetentionPolicy.objects.count() == 0
