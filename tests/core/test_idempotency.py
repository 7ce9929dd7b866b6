"""Idempotency keys on the API's writes (issue 13): a client that retries a POST with the
same `Idempotency-Key` gets the first response again and creates nothing new. Every POST
the schema documents the header on has a case here, so a new one cannot be forgotten."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import KeyScope, Membership, OrganisationAPIKey, Role, Team, User
from accounts.selectors import actor_for_user
from certificates.models import Certificate
from compliance.models import RecordKind, TrainingRequirement
from core.idempotency import HEADER, idempotency_records_purge
from core.models import IdempotencyRecord
from core.tasks import purge_idempotency_records
from reporting.indicators import Quarter
from tests.certificates.conftest import complete_module
from tests.conftest import World
from tests.factories import JobFactory
from tests.support.competencies import make_framework
from tests.support.training import publish_module, right_answers, wrong_answers
from training import services as training
from training.models import Enrolment

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    """One POST: who sends it, where, the body, and a different body for the same key."""

    user: User
    path: str
    body: dict[str, Any] | None
    other_body: dict[str, Any]


def _enrolment(learner: User) -> Enrolment:
    return training.enrolment_self_enrol(actor=actor_for_user(learner), module=publish_module())


def _certificate(world: World) -> Certificate:
    enrolment = complete_module(world.x_learner_a, publish_module())
    return Certificate.objects.get(enrolment=enrolment, superseded_at__isnull=True)


def _people(world: World) -> Case:
    sent = {"full_name": "Pat Newcomer", "job_title": "Support worker", "role": Role.LEARNER}
    body = {**sent, "organisation": world.org_x.pk, "team": world.x_team_a.pk}
    return Case(
        world.x_admin,
        "/api/v1/people/",
        {**body, "email": "pat@example.org"},
        {**body, "email": "sam@example.org"},
    )


def _memberships(world: World) -> Case:
    body = {"user": world.x_learner_b.pk, "organisation": world.org_x.pk, "team": world.x_team_a.pk}
    return Case(
        world.x_admin,
        "/api/v1/memberships/",
        {**body, "role": Role.LEARNER},
        {**body, "role": Role.ASSESSOR},
    )


def _teams(world: World) -> Case:
    body = {"organisation": world.org_x.pk}
    return Case(
        world.x_admin, "/api/v1/teams/", {**body, "name": "Night shift"}, {**body, "name": "Day"}
    )


def _assignments(world: World) -> Case:
    module = publish_module()
    body = {"module": module.pk, "team": world.x_team_a.pk}
    due = str(timezone.localdate() + timedelta(days=30))
    return Case(world.x_manager_a, "/api/v1/assignments/", body, {**body, "due_date": due})


def _enrolments(world: World) -> Case:
    first, second = publish_module(slug="first"), publish_module(slug="second")
    return Case(
        world.x_learner_a, "/api/v1/enrolments/", {"module": first.pk}, {"module": second.pk}
    )


def _quiz_attempts(world: World) -> Case:
    enrolment = _enrolment(world.x_learner_a)
    return Case(
        world.x_learner_a,
        f"/api/v1/enrolments/{enrolment.pk}/quiz-attempts/",
        {"answers": right_answers(enrolment)},
        {"answers": wrong_answers(enrolment)},
    )


def _lesson_complete(world: World) -> Case:
    enrolment = _enrolment(world.x_learner_a)
    lesson = enrolment.version.lessons.order_by("position").first()
    assert lesson is not None
    path = f"/api/v1/enrolments/{enrolment.pk}/lessons/{lesson.pk}/complete/"
    return Case(world.x_learner_a, path, None, {"again": True})


def _extend(world: World) -> Case:
    enrolment = _enrolment(world.x_learner_a)
    today = timezone.localdate()
    return Case(
        world.x_manager_a,
        f"/api/v1/enrolments/{enrolment.pk}/extend/",
        {"due_date": str(today + timedelta(days=40)), "reason": "Off sick"},
        {"due_date": str(today + timedelta(days=50)), "reason": "Off sick"},
    )


def _withdraw(world: World) -> Case:
    enrolment = _enrolment(world.x_learner_a)
    path = f"/api/v1/enrolments/{enrolment.pk}/withdraw/"
    return Case(world.x_manager_a, path, {"reason": "Left the team"}, {"reason": "other"})


def _assessments(world: World) -> Case:
    competency = make_framework(1)[0]
    body = {
        "learner": world.x_learner_a.pk,
        "competency": competency.pk,
        "method": "observation",
        "evidence_note": "Saw it done well.",
    }
    return Case(
        world.x_assessor_a,
        "/api/v1/assessments/",
        {**body, "outcome": "competent"},
        {**body, "outcome": "not_yet_competent"},
    )


def _requirements(world: World) -> Case:
    competency = make_framework(1)[0]
    return Case(
        world.x_manager_a,
        f"/api/v1/teams/{world.x_team_a.pk}/requirements/",
        {"competency": competency.pk, "level": 2},
        {"competency": competency.pk, "level": 3},
    )


def _certificate_reissue(world: World) -> Case:
    path = f"/api/v1/certificates/{_certificate(world).pk}/reissue/"
    return Case(world.x_admin, path, {"reason": "New name."}, {"reason": "Another name."})


def _certificate_revoke(world: World) -> Case:
    path = f"/api/v1/certificates/{_certificate(world).pk}/revoke/"
    return Case(world.x_admin, path, {"reason": "Wrong person."}, {"reason": "Other."})


def _job_retry(world: World) -> Case:
    job = JobFactory.create(organisation_id=world.org_x.pk, attempts=20, gave_up_at=timezone.now())
    return Case(world.x_admin, f"/api/v1/jobs/{job.pk}/retry/", None, {"again": True})


def _indicator_report(world: World) -> Case:
    body = {"organisation": world.org_x.pk}
    quarter = Quarter.last_complete()
    return Case(
        world.x_admin,
        "/api/v1/indicators/reports/",
        {**body, "quarter": str(quarter)},
        {**body, "quarter": str(quarter.shifted(-1))},
    )


def _records_only(world: World) -> TrainingRequirement:
    return TrainingRequirement.objects.create(organisation=world.org_x, title="First aid")


def _training_records(world: World) -> Case:
    body = {
        "person": world.x_learner_a.pk,
        "requirement": _records_only(world).pk,
        "kind": RecordKind.FACE_TO_FACE,
        "completed_on": str(timezone.localdate()),
    }
    return Case(
        world.x_manager_a,
        "/api/v1/training-records/",
        {**body, "title": "First aid session"},
        {**body, "title": "Another session"},
    )


def _exemptions(world: World) -> Case:
    body = {"person": world.x_learner_a.pk, "requirement": _records_only(world).pk}
    ends = str(timezone.localdate() + timedelta(days=30))
    return Case(
        world.x_manager_a,
        "/api/v1/exemptions/",
        {**body, "ends_on": ends, "reason": "On leave"},
        {**body, "ends_on": ends, "reason": "Another reason"},
    )


def _certificate_recognise(world: World) -> Case:
    enrolment = complete_module(world.y_learner, publish_module())
    code = Certificate.objects.get(enrolment=enrolment).verification_code
    Membership.objects.create(
        user=world.y_learner, organisation=world.org_x, team=world.x_team_a, role=Role.LEARNER
    )
    body = {"person": world.y_learner.pk, "requirement": _records_only(world).pk}
    return Case(
        world.x_manager_a,
        "/api/v1/certificates/recognise/",
        {**body, "code": code},
        {**body, "code": "k" * 20},
    )


def _subject_access_export(world: World) -> Case:
    body = {"organisation": world.org_x.pk}
    return Case(
        world.x_admin,
        "/api/v1/subject-access-exports/",
        {**body, "person": world.x_learner_a.pk},
        {**body, "person": world.x_learner_b.pk},
    )


def _organisation_export(world: World) -> Case:
    return Case(
        world.x_admin, "/api/v1/organisation-exports/", {}, {"organisation": world.org_x.pk}
    )


def _erasure(world: World) -> Case:
    body = {"organisation": world.org_x.pk}
    return Case(
        world.x_admin,
        "/api/v1/erasures/",
        {**body, "person": world.x_learner_b.pk},
        {**body, "person": world.x_learner_a.pk},
    )


CASES: dict[str, Callable[[World], Case]] = {
    "v1_training_records_create": _training_records,
    "v1_exemptions_create": _exemptions,
    "v1_certificates_recognise_create": _certificate_recognise,
    "v1_people_create": _people,
    "v1_memberships_create": _memberships,
    "v1_teams_create": _teams,
    "v1_assignments_create": _assignments,
    "v1_enrolments_create": _enrolments,
    "v1_enrolments_quiz_attempts_create": _quiz_attempts,
    "v1_enrolments_lessons_complete_create": _lesson_complete,
    "v1_enrolments_extend_create": _extend,
    "v1_enrolments_withdraw_create": _withdraw,
    "v1_assessments_create": _assessments,
    "v1_teams_requirements_create": _requirements,
    "v1_certificates_reissue_create": _certificate_reissue,
    "v1_certificates_revoke_create": _certificate_revoke,
    "v1_jobs_retry_create": _job_retry,
    "indicator_report_request": _indicator_report,
    "v1_subject_access_exports_create": _subject_access_export,
    "v1_organisation_exports_create": _organisation_export,
    "erasure_request": _erasure,
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _honouring_posts(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        item["post"]["operationId"]: item["post"]
        for item in schema["paths"].values()
        if "post" in item and any(p["name"] == HEADER for p in item["post"].get("parameters", []))
    }


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _send(client: APIClient, case: Case, body: dict[str, Any] | None, key: str | None) -> Any:
    headers = {} if key is None else {HEADER: key}
    return client.post(case.path, body, format="json", headers=headers)


def test_every_post_that_creates_documents_the_header_and_has_a_case_here(
    schema: dict[str, Any],
) -> None:
    honouring = _honouring_posts(schema)
    creating = {
        operation["operationId"]
        for item in schema["paths"].values()
        for method, operation in item.items()
        if method == "post" and {"201", "202"} & set(operation["responses"])
    }

    assert set(honouring) == set(CASES)
    assert creating - set(honouring) == {"v1_api_keys_create"}
    for operation in honouring.values():
        assert operation["responses"]["422"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }


@pytest.mark.parametrize("operation_id", sorted(CASES))
def test_a_repeat_with_the_same_key_answers_the_first_response_and_creates_nothing(
    operation_id: str, world: World, client_for: Callable[[User], APIClient]
) -> None:
    case = CASES[operation_id](world)
    client = client_for(case.user)

    first = _send(client, case, case.body, "retry-1")
    after_first = _row_counts()
    repeat = _send(client, case, case.body, "retry-1")
    reused = _send(client, case, case.other_body, "retry-1")

    assert 200 <= first.status_code < 300, first.content
    assert (repeat.status_code, repeat.content) == (first.status_code, first.content)
    assert repeat["Idempotent-Replayed"] == "true"
    assert repeat.get("Location") == first.get("Location")
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert _row_counts() == after_first


def test_without_the_header_every_request_runs(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    case = _teams(world)
    client = client_for(case.user)

    first = _send(client, case, case.body, None)
    second = _send(client, case, case.body, None)

    # The repeat runs again, and meets the first's team: a team name is taken once.
    assert (first.status_code, second.status_code) == (201, 409)
    assert second.json()["error"]["code"] != "idempotency_in_progress"
    assert IdempotencyRecord.objects.count() == 0


def test_another_actor_may_use_the_same_key(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    case = _teams(world)
    _, secret = OrganisationAPIKey.objects.create_key(
        name="sync", organisation=world.org_x, scope=KeyScope.READ_WRITE, created_by=world.x_admin
    )
    by_key = APIClient()
    by_key.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")

    by_person = _send(client_for(case.user), case, case.body, "shared")
    by_other_person = _send(client_for(world.y_admin), case, case.other_body, "shared")
    by_api_key = _send(
        by_key, case, {"organisation": world.org_x.pk, "name": "Late shift"}, "shared"
    )

    assert (by_person.status_code, by_api_key.status_code) == (201, 201)
    assert by_person.json()["id"] != by_api_key.json()["id"]
    # Y's admin has no team in X: its own error, not X's admin's kept response.
    assert by_other_person.status_code == 404
    assert IdempotencyRecord.objects.filter(key="shared").count() == 2


def test_an_options_request_with_a_key_claims_nothing(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    case = _teams(world)
    client = client_for(case.user)

    described = client.options(case.path, headers={HEADER: "described"})
    created = _send(client, case, None, "described")

    # DRF checks an OPTIONS request's permissions as if it were a POST: still no claim,
    # so the POST after it runs (and fails on its own empty body).
    assert described.status_code == 200
    assert created.status_code == 400
    assert IdempotencyRecord.objects.count() == 0


def test_an_error_is_not_kept_so_a_corrected_retry_runs(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    case = _teams(world)
    client = client_for(case.user)

    refused = _send(client, case, {"organisation": world.org_x.pk}, "fix-and-retry")
    corrected = _send(client, case, case.body, "fix-and-retry")

    assert refused.status_code == 400
    assert corrected.status_code == 201
    assert IdempotencyRecord.objects.get(key="fix-and-retry").status == 201


def test_a_repeat_while_the_first_still_runs_is_a_conflict(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    case = _teams(world)
    client = client_for(case.user)
    _send(client, case, case.body, "slow")
    # As if the first request were still running: claimed, no response kept yet.
    IdempotencyRecord.objects.filter(key="slow").update(status=None, body="")
    before = _row_counts()

    repeat = _send(client, case, case.body, "slow")

    assert repeat.status_code == 409
    assert repeat.json()["error"]["code"] == "idempotency_in_progress"
    assert _row_counts() == before


def test_a_claim_whose_request_never_answered_is_taken_over_after_5_minutes(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    case = _teams(world)
    client = client_for(case.user)
    _send(client, case, case.body, "crashed")
    claim = IdempotencyRecord.objects.filter(key="crashed")
    # As if its process died before answering, 5 minutes ago; the team was never made.
    claim.update(status=None, body="", created_at=timezone.now() - timedelta(minutes=5, seconds=1))
    Team.objects.filter(name="Night shift").delete()

    retried = _send(client, case, case.body, "crashed")
    repeated = _send(client, case, case.body, "crashed")

    assert retried.status_code == 201
    assert (repeated.status_code, repeated.content) == (201, retried.content)
    assert claim.get().created_at > timezone.now() - timedelta(minutes=1)


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "caf\u00e9"])
def test_a_malformed_key_is_a_400_naming_the_header(
    key: str, world: World, client_for: Callable[[User], APIClient]
) -> None:
    case = _teams(world)
    client = client_for(case.user)
    client.get("/api/v1/me/")  # the session exists before counting
    before = _row_counts()

    response = _send(client, case, case.body, key)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [HEADER]
    assert _row_counts() == before


def test_creating_an_api_key_ignores_the_header_and_keeps_no_secret(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.x_admin)
    body = {"organisation": world.org_x.pk, "name": "sync", "scope": KeyScope.READ}

    first = client.post("/api/v1/api-keys/", body, format="json", headers={HEADER: "k"})
    second = client.post("/api/v1/api-keys/", body, format="json", headers={HEADER: "k"})

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["key"] != second.json()["key"]
    assert IdempotencyRecord.objects.count() == 0


def test_keys_are_forgotten_after_24_hours(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    case = _teams(world)
    client = client_for(case.user)
    _send(client, case, case.body, "old")
    _send(client, case, case.other_body, "new")
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=24, seconds=1)
    )

    purged = purge_idempotency_records()
    again = idempotency_records_purge(now=timezone.now())
    reused = _send(client, case, {"organisation": world.org_x.pk, "name": "Weekend"}, "old")

    assert (purged, again) == (1, 0)
    assert reused.status_code == 201
    assert set(IdempotencyRecord.objects.values_list("key", flat=True)) == {"old", "new"}


@pytest.mark.django_db(transaction=True)
def test_two_first_requests_at_once_run_the_view_once(
    client_for: Callable[[User], APIClient],
) -> None:
    world = World()
    case = _teams(world)
    barrier = threading.Barrier(2)
    answers: list[tuple[int, str]] = []

    def send() -> None:
        client = client_for(case.user)
        barrier.wait()
        response = _send(client, case, case.body, "at-once")
        code = "" if response.status_code == 201 else response.json()["error"]["code"]
        answers.append((response.status_code, code))
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # One ran; the other was answered from it or told to retry, never ran the view.
    assert sorted(answers) in (
        [(201, ""), (201, "")],
        [(201, ""), (409, "idempotency_in_progress")],
    )
    assert Team.objects.filter(organisation=world.org_x, name="Night shift").count() == 1
    assert IdempotencyRecord.objects.get(key="at-once").status == 201
