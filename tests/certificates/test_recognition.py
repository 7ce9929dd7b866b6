"""A new starter's passport (issue 15, must show 4): a Hearth certificate another
organisation issued is recognised by its verification code on the new organisation's
person record, and the requirement it meets shows compliant without a new enrolment;
the renewal job enrols nobody, and a renewal Hearth had already made is withdrawn.
A code that is unknown, revoked, replaced, someone else's or the organisation's own is
refused on its field, recognising twice is refused, and nobody outside the person's
teams reaches the page (404)."""

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from accounts.selectors import actor_for_user
from certificates.models import Certificate
from certificates.services import certificate_reissue, certificate_revoke
from compliance.models import RecordKind, TrainingRecord, TrainingRequirement
from compliance.renewals import renewals_enrol
from compliance.selectors import requirement_standings
from compliance.states import State
from tests.certificates.conftest import certificate_of, complete_module
from tests.conftest import World
from tests.factories import MembershipFactory, TrainingRequirementFactory, UserFactory
from tests.support.training import publish_module
from training.models import ACTIVE_STATUSES, Enrolment, EnrolmentSource, EnrolmentStatus, Module

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(media: Path) -> None:
    """Certificates' PDFs go to this test's own folder."""


@pytest.fixture
def fire_safety(db: None) -> Module:
    return publish_module(title="Fire safety")


def _new_starter(world: World, module: Module) -> tuple[User, Certificate, TrainingRequirement]:
    """Someone who completed fire safety under organisation Y joins X's team A, where
    fire safety is required of learners every year."""
    person = world.y_learner
    certificate = certificate_of(complete_module(person, module))
    MembershipFactory.create(
        user=person, organisation=world.org_x, team=world.x_team_a, role=Role.LEARNER
    )
    requirement = TrainingRequirementFactory.create(
        organisation=world.org_x,
        team=world.x_team_a,
        role=Role.LEARNER,
        module=module,
        renewal_months=12,
    )
    return person, certificate, requirement


def _recognise(
    client: Client, person: User, requirement: TrainingRequirement, code: str
) -> "_MonkeyPatchedWSGIResponse":
    return client.post(
        f"/people/{person.pk}/requirements/{requirement.pk}/recognise/", {"code": code}
    )


def _standing(requirement: TrainingRequirement, person: User) -> State:
    [row] = [
        row
        for row in requirement_standings(
            organisation_id=requirement.organisation_id, person_ids=[person.pk]
        )
        if row.requirement.pk == requirement.pk
    ]
    return row.standing.state


def test_a_new_starters_certificate_is_recognised_by_its_code_and_needs_no_new_enrolment(
    world: World, fire_safety: Module
) -> None:
    person, certificate, requirement = _new_starter(world, fire_safety)
    assert _standing(requirement, person) == State.NOT_STARTED
    manager = Client()
    manager.force_login(world.x_manager_a)

    response = _recognise(
        manager, person, requirement, f" {certificate.verification_code.upper()} "
    )

    assert response.status_code == 302
    assert response["Location"] == f"/people/{person.pk}/#requirement-{requirement.pk}"
    record = TrainingRecord.objects.get(person=person, requirement=requirement)
    assert (record.kind, record.certificate_number, record.organisation_id) == (
        RecordKind.HEARTH_CERTIFICATE,
        certificate.number,
        world.org_x.pk,
    )
    assert (record.completed_on, record.verified_by_id) == (
        timezone.localdate(certificate.completed_at),
        world.x_manager_a.pk,
    )
    assert _standing(requirement, person) == State.COMPLIANT
    assert renewals_enrol() == 1  # their colleague in team A, who holds nothing
    assert Enrolment.objects.get(organisation=world.org_x).learner == world.x_learner_a
    assert not Enrolment.objects.filter(learner=person, organisation=world.org_x).exists()
    page = manager.get(response["Location"]).content.decode()
    assert "Recognised: Fire safety from Organisation Y" in page
    row = page[page.index(f'<tr id="requirement-{requirement.pk}"') :]
    assert re.match(r'(?s).*?</th>\s*<td><strong class="tag tag--good">Compliant</strong>', row)


def test_the_whole_verify_address_works_too_and_recognising_twice_is_refused(
    world: World, fire_safety: Module
) -> None:
    person, certificate, requirement = _new_starter(world, fire_safety)
    manager = Client()
    manager.force_login(world.x_manager_a)

    assert _recognise(manager, person, requirement, certificate.verify_url).status_code == 302
    again = _recognise(manager, person, requirement, certificate.verification_code)

    assert again.status_code == 400
    assert "Already recorded for this person." in again.content.decode()
    assert TrainingRecord.objects.filter(person=person).count() == 1


def test_a_renewal_hearth_already_made_is_withdrawn_once_the_certificate_meets_it(
    world: World, fire_safety: Module
) -> None:
    person, certificate, requirement = _new_starter(world, fire_safety)
    assert renewals_enrol() == 2
    renewal = Enrolment.objects.get(learner=person, organisation=world.org_x)
    assert renewal.source == EnrolmentSource.RENEWAL
    manager = Client()
    manager.force_login(world.x_manager_a)

    assert (
        _recognise(manager, person, requirement, certificate.verification_code).status_code == 302
    )

    renewal.refresh_from_db()
    assert renewal.status == EnrolmentStatus.WITHDRAWN
    assert renewal.changes.get().reason == (
        "Not needed: met by Fire safety (hearth certificate from another organisation)."
    )
    assert renewals_enrol() == 0
    assert not Enrolment.objects.filter(
        learner=person, organisation=world.org_x, status__in=ACTIVE_STATUSES
    ).exists()


def test_unknown_revoked_replaced_someone_elses_and_own_certificates_are_refused(
    world: World, fire_safety: Module
) -> None:
    person, certificate, requirement = _new_starter(world, fire_safety)
    stranger = UserFactory.create(full_name="Somebody Else")
    MembershipFactory.create(user=stranger, organisation=world.org_y, team=world.y_team_a)
    strangers = certificate_of(complete_module(stranger, fire_safety))
    own = certificate_of(complete_module(world.x_learner_a, publish_module(title="Damp")))
    own_requirement = TrainingRequirementFactory.create(
        organisation=world.org_x, team=world.x_team_a, module=own.module
    )
    y_admin = actor_for_user(world.y_admin)
    replaced = certificate_reissue(
        actor=y_admin, certificate=certificate, reason="Name spelt wrong"
    )
    manager = Client()
    manager.force_login(world.x_manager_a)

    refusals = {
        "k" * 20: "No certificate has this code.",
        "not a code": "No certificate has this code.",
        certificate.verification_code: "This certificate was replaced; use the code on the new",
        strangers.verification_code: f"This certificate is not {person.full_name}",
    }
    for code, refusal in refusals.items():
        response = _recognise(manager, person, requirement, code)
        assert response.status_code == 400, code
        assert refusal in response.content.decode().replace("&#x27;", "'"), code
    own_page = _recognise(manager, world.x_learner_a, own_requirement, own.verification_code)
    assert "Your organisation issued this certificate" in own_page.content.decode()
    certificate_revoke(actor=y_admin, certificate=replaced, reason="Issued in error")
    revoked = _recognise(manager, person, requirement, replaced.verification_code)
    assert "This certificate was revoked; it cannot count." in revoked.content.decode()
    assert not TrainingRecord.objects.exists()
    assert _standing(requirement, person) == State.NOT_STARTED


def test_only_the_persons_managers_and_admins_reach_the_page(
    world: World, fire_safety: Module
) -> None:
    person, certificate, requirement = _new_starter(world, fire_safety)
    path = f"/people/{person.pk}/requirements/{requirement.pk}/recognise/"
    for outsider in (world.y_manager, world.y_admin, world.x_learner_a, world.x_assessor_a):
        client = Client()
        client.force_login(outsider)
        assert client.get(path).status_code == 404, outsider
        assert (
            _recognise(client, person, requirement, certificate.verification_code).status_code
            == 404
        )
    team_b_manager = Client()
    team_b_manager.force_login(World.person(world.org_x, world.x_team_b, Role.MANAGER))
    assert team_b_manager.get(path).status_code == 404
    manager = Client()
    manager.force_login(world.x_manager_a)
    unknown = f"/people/{person.pk}/requirements/{requirement.pk + 1000}/recognise/"
    assert manager.get(unknown).status_code == 404
    admin = Client()
    admin.force_login(world.x_admin)
    assert admin.get(path).status_code == 200
    assert not TrainingRecord.objects.exists()
