"""The API of training done elsewhere and exemptions (issue 15, ADR 0021): scoped like
every personal record for each role and key scope (out of scope answers exactly as
missing, 404), recording by a manager, an org admin or a read-write key (a read key is
refused), field errors as JSON for bad input with nothing saved, evidence served back,
and a certificate recognised by its code once."""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import KeyScope, Role, User
from compliance.models import Exemption, RecordKind, TrainingRecord, TrainingRequirement
from tests.certificates.conftest import certificate_of, complete_module
from tests.conftest import World
from tests.factories import MembershipFactory, TrainingRecordFactory, TrainingRequirementFactory
from tests.support.api import key_client
from tests.support.training import publish_module

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
RECORDS = "/api/v1/training-records/"
EXEMPTIONS = "/api/v1/exemptions/"


def as_user(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def first_aid(world: World, settings: Settings, tmp_path: Path) -> TrainingRequirement:
    """X requires first aid of everyone (records only); X's learner A holds one record,
    Y's learner one of Y's."""
    settings.MEDIA_ROOT = str(tmp_path)
    requirement = TrainingRequirementFactory.create(
        organisation=world.org_x, module=None, title="First aid at work", renewal_months=36
    )
    TrainingRecordFactory.create(requirement=requirement, person=world.x_learner_a)
    y_requirement = TrainingRequirementFactory.create(
        organisation=world.org_y, module=None, title="Y first aid"
    )
    TrainingRecordFactory.create(requirement=y_requirement, person=world.y_learner)
    return requirement


def _body(world: World, required: TrainingRequirement, **changes: Any) -> dict[str, Any]:
    return {
        "person": world.x_learner_b.pk,
        "requirement": required.pk,
        "kind": RecordKind.EXTERNAL_COURSE,
        "title": "Emergency first aid at work",
        "provider": "St John Ambulance",
        "completed_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        **changes,
    }


def test_each_role_and_key_lists_only_the_records_in_its_scope(
    world: World, first_aid: TrainingRequirement
) -> None:
    def people(client: APIClient) -> list[int]:
        response = client.get(RECORDS)
        assert response.status_code == 200
        return sorted(row["person"] for row in response.json()["results"])

    x_record = TrainingRecord.objects.get(organisation=world.org_x)
    assert people(as_user(world.x_admin)) == [world.x_learner_a.pk]
    assert people(as_user(world.x_manager_a)) == [world.x_learner_a.pk]
    assert people(as_user(world.x_learner_a)) == [world.x_learner_a.pk]
    assert people(key_client(world.org_x)) == [world.x_learner_a.pk]
    assert people(as_user(world.x_learner_b)) == []
    assert people(as_user(world.y_admin)) == [world.y_learner.pk]
    assert people(key_client(world.org_y, KeyScope.READ_WRITE)) == [world.y_learner.pk]
    for outsider in (as_user(world.y_admin), as_user(world.x_learner_b), key_client(world.org_y)):
        assert outsider.get(f"{RECORDS}{x_record.pk}/").status_code == 404
        assert outsider.get(f"{RECORDS}{x_record.pk + 1000}/").status_code == 404
        assert outsider.get(f"{RECORDS}{x_record.pk}/evidence/").status_code == 404


def test_a_manager_an_admin_and_a_read_write_key_record_and_a_read_key_may_not(
    world: World, first_aid: TrainingRequirement
) -> None:
    evidence = SimpleUploadedFile("first-aid.pdf", PDF_BYTES, content_type="application/pdf")
    by_admin = as_user(world.x_admin).post(
        RECORDS, _body(world, first_aid, evidence_file=evidence), format="multipart"
    )
    by_key = key_client(world.org_x, KeyScope.READ_WRITE).post(
        RECORDS, _body(world, first_aid, title="Refresher"), format="json"
    )
    read_only = key_client(world.org_x).post(RECORDS, _body(world, first_aid), format="json")
    other_team = as_user(world.x_manager_a).post(RECORDS, _body(world, first_aid), format="json")
    other_org = as_user(world.y_admin).post(RECORDS, _body(world, first_aid), format="json")

    assert (by_admin.status_code, by_key.status_code) == (201, 201)
    assert by_admin.json()["verified_by"] == world.x_admin.pk
    assert by_admin.json()["has_evidence_file"] is True
    assert by_key.json()["verified_by"] is None
    assert read_only.status_code == 403 and read_only.json()["error"]["code"] == "read_only"
    # Learner B is in team B, which manager A does not manage; Y's admin is elsewhere.
    assert (other_team.status_code, other_org.status_code) == (404, 404)
    assert TrainingRecord.objects.filter(person=world.x_learner_b).count() == 2
    download = as_user(world.x_admin).get(f"{RECORDS}{by_admin.json()['id']}/evidence/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": RecordKind.HEARTH_CERTIFICATE}, "kind"),
        ({"title": 7}, "title"),
        ({"title": "   "}, "title"),
        ({"completed_on": "2999-01-01"}, "completed_on"),
        ({"completed_on": "last week"}, "completed_on"),
        ({"person": "me"}, "person"),
        ({"requirement": 0}, "requirement"),
    ],
)
def test_bad_input_answers_with_field_errors_and_saves_nothing(
    world: World, first_aid: TrainingRequirement, changes: dict[str, Any], field: str
) -> None:
    response = as_user(world.x_admin).post(
        RECORDS, _body(world, first_aid, **changes), format="json"
    )

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not TrainingRecord.objects.filter(person=world.x_learner_b).exists()


def test_a_certificate_is_recognised_once_by_its_code(
    world: World, first_aid: TrainingRequirement
) -> None:
    fire = publish_module(title="Fire safety")
    certificate = certificate_of(complete_module(world.y_learner, fire))
    MembershipFactory.create(
        user=world.y_learner, organisation=world.org_x, team=world.x_team_a, role=Role.LEARNER
    )
    body = {
        "person": world.y_learner.pk,
        "requirement": first_aid.pk,
        "code": certificate.verification_code,
    }
    url = "/api/v1/training-records/recognise/"

    assert as_user(world.y_admin).post(url, body, format="json").status_code == 404
    assert key_client(world.org_x).post(url, body, format="json").status_code == 403
    wrong = as_user(world.x_manager_a).post(url, {**body, "code": "k" * 20}, format="json")
    first = as_user(world.x_manager_a).post(url, body, format="json")
    again = as_user(world.x_admin).post(url, body, format="json")

    assert wrong.status_code == 400 and "code" in wrong.json()["error"]["fields"]
    assert first.status_code == 201
    assert (first.json()["kind"], first.json()["certificate_number"]) == (
        RecordKind.HEARTH_CERTIFICATE,
        certificate.number,
    )
    assert again.status_code == 409
    assert (
        TrainingRecord.objects.filter(person=world.y_learner, organisation=world.org_x).count() == 1
    )


def test_exemptions_are_granted_in_scope_and_listed_like_records(
    world: World, first_aid: TrainingRequirement
) -> None:
    ends = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    body = {"person": world.x_learner_a.pk, "requirement": first_aid.pk, "ends_on": ends}

    refused = as_user(world.x_manager_a).post(EXEMPTIONS, {**body, "reason": ""}, format="json")
    outside = as_user(world.y_admin).post(EXEMPTIONS, {**body, "reason": "Leave"}, format="json")
    granted = as_user(world.x_manager_a).post(
        EXEMPTIONS, {**body, "reason": "On parental leave"}, format="json"
    )

    assert refused.status_code == 400 and "reason" in refused.json()["error"]["fields"]
    assert outside.status_code == 404
    assert granted.status_code == 201 and granted.json()["organisation"] == world.org_x.pk
    exemption = Exemption.objects.get()
    assert as_user(world.x_learner_a).get(f"{EXEMPTIONS}{exemption.pk}/").status_code == 200
    for outsider in (as_user(world.y_admin), as_user(world.x_learner_b), key_client(world.org_y)):
        assert outsider.get(f"{EXEMPTIONS}{exemption.pk}/").status_code == 404
        assert outsider.get(EXEMPTIONS).json()["results"] == []
