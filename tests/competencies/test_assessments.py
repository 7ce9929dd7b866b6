"""Assessments are append-only, scoped, and recorded automatically on completion (issue 4)."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from competencies.models import AppendOnlyError, Assessment
from tests.conftest import World
from tests.factories import AssessmentFactory, MembershipFactory, ModuleCompetencyFactory
from tests.support.competencies import make_framework
from tests.support.training import publish_module, right_answers
from training.models import Enrolment


def _record(client: APIClient, learner: User, competency_id: int, **extra: Any) -> Any:
    body = {
        "learner": learner.pk,
        "competency": competency_id,
        "method": "observation",
        "outcome": "competent",
        "evidence_note": "Saw it done well.",
        **extra,
    }
    return client.post("/api/v1/assessments/", body)


def test_put_patch_delete_are_refused_and_a_correction_keeps_history(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    competency = make_framework(1)[0]
    assessor = client_for(world.x_assessor_a)
    first = _record(assessor, world.x_learner_a, competency.pk).json()
    url = f"/api/v1/assessments/{first['id']}/"

    put = assessor.put(url, {"outcome": "not_yet_competent"})
    patch = assessor.patch(url, {"outcome": "not_yet_competent"})
    delete = assessor.delete(url)
    correction = _record(
        assessor,
        world.x_learner_a,
        competency.pk,
        outcome="not_yet_competent",
        supersedes=first["id"],
        evidence_note="Recorded against the wrong person's visit.",
    )
    history = assessor.get("/api/v1/assessments/", {"learner": world.x_learner_a.pk}).json()
    states = assessor.get(f"/api/v1/people/{world.x_learner_a.pk}/competencies/").json()

    assert [put.status_code, patch.status_code, delete.status_code] == [405, 405, 405]
    assert correction.status_code == 201
    assert [row["id"] for row in history["results"]] == [correction.json()["id"], first["id"]]
    earlier = next(row for row in history["results"] if row["id"] == first["id"])
    assert earlier["outcome"] == "competent" and earlier["superseded_by"] == correction.json()["id"]
    assert states[0]["state"] == "not_yet_competent"
    again = _record(assessor, world.x_learner_a, competency.pk, supersedes=first["id"])
    assert again.status_code == 409


def test_the_model_and_the_database_refuse_edits_and_deletes(world: World) -> None:
    competency = make_framework(1)[0]
    assessment = AssessmentFactory.create(
        learner=world.x_learner_a,
        competency=competency,
        assessor=world.x_assessor_a,
        organisation=world.org_x,
        outcome="competent",
    )

    with pytest.raises(AppendOnlyError):
        assessment.save()
    with pytest.raises(AppendOnlyError):
        assessment.delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).update(outcome="not_yet_competent")
    if connection.vendor == "postgresql":  # SQLite: see competencies migration 0003
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM competencies_assessment")
    assert Assessment.objects.get(pk=assessment.pk).outcome == "competent"


def test_completing_a_mapped_module_records_a_quiz_assessment_once(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    competency = make_framework(1, validity_months=12)[0]
    module = publish_module()
    ModuleCompetencyFactory.create(module=module, competency=competency)
    client = client_for(world.x_learner_a)
    enrolment_id = client.post("/api/v1/enrolments/", {"module": module.pk}).json()["id"]
    enrolment = Enrolment.objects.get(pk=enrolment_id)
    for lesson in enrolment.version.lessons.all():
        client.post(f"/api/v1/enrolments/{enrolment_id}/lessons/{lesson.pk}/complete/")

    client.post(
        f"/api/v1/enrolments/{enrolment_id}/quiz-attempts/", {"answers": right_answers(enrolment)}
    )

    assessment = Assessment.objects.get(learner=world.x_learner_a)
    today = timezone.localdate()
    assert (assessment.method, assessment.outcome, assessment.enrolment_id) == (
        "quiz",
        "competent",
        enrolment_id,
    )
    assert assessment.valid_until == today.replace(year=today.year + 1) - datetime.timedelta(days=1)
    mine = client.get(f"/api/v1/people/{world.x_learner_a.pk}/competencies/").json()
    assert [(row["code"], row["state"]) for row in mine] == [("T-00", "competent")]


def test_assessors_cannot_assess_themselves_or_anyone_outside_scope(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    competency = make_framework(1)[0]
    MembershipFactory.create(user=world.x_assessor_a, team=world.x_team_a, role=Role.LEARNER)
    assessor = client_for(world.x_assessor_a)

    myself = _record(assessor, world.x_assessor_a, competency.pk)
    other_team = _record(assessor, world.x_learner_b, competency.pk)
    other_org = _record(assessor, world.y_learner, competency.pk)
    manager_tries = _record(client_for(world.x_manager_a), world.x_learner_a, competency.pk)
    learner_tries = _record(client_for(world.x_learner_b), world.x_learner_a, competency.pk)

    assert myself.status_code == 400 and "learner" in myself.json()["error"]["fields"]
    assert [other_team.status_code, other_org.status_code] == [404, 404]
    assert [manager_tries.status_code, learner_tries.status_code] == [404, 404]
    assert not Assessment.objects.exists()


def test_assessment_lists_and_details_are_scoped(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    competency = make_framework(1)[0]
    mine = _record(client_for(world.x_assessor_a), world.x_learner_a, competency.pk).json()["id"]
    y_assessor = World.person(world.org_y, world.y_team_a, Role.ASSESSOR)
    theirs = _record(client_for(y_assessor), world.y_learner, competency.pk).json()["id"]

    def ids(user: User) -> set[int]:
        return {r["id"] for r in client_for(user).get("/api/v1/assessments/").json()["results"]}

    assert ids(world.x_learner_a) == ids(world.x_manager_a) == ids(world.x_admin) == {mine}
    assert ids(world.x_learner_b) == set() and ids(world.y_admin) == {theirs}
    for user, hidden in [
        (world.x_manager_a, theirs),
        (world.y_admin, mine),
        (world.x_learner_b, mine),
    ]:
        assert client_for(user).get(f"/api/v1/assessments/{hidden}/").status_code == 404
        assert client_for(user).get(f"/api/v1/assessments/{hidden}/evidence/").status_code == 404
    for user, person in [
        (world.x_manager_a, world.y_learner),
        (world.x_learner_a, world.x_learner_b),
        (world.y_admin, world.x_learner_a),
    ]:
        assert client_for(user).get(f"/api/v1/people/{person.pk}/competencies/").status_code == 404


def test_bad_assessment_input_is_a_field_error_never_a_500(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    competency = make_framework(1)[0]
    assessor = client_for(world.x_assessor_a)
    future = (timezone.now() + datetime.timedelta(days=3)).isoformat()

    # A reference to nothing is a 404 naming the field, like any out-of-scope id (issue 11).
    cases: list[tuple[dict[str, Any], str, int]] = [
        ({"method": "quiz"}, "method", 400),
        ({"outcome": "brilliant"}, "outcome", 400),
        ({"assessed_at": future}, "assessed_at", 400),
        ({"evidence_note": ""}, "evidence_note", 400),
        ({"competency": 999999}, "competency", 404),
        ({"supersedes": 999999}, "supersedes", 404),
        ({"level": 7}, "level", 400),
    ]
    for extra, field, status in cases:
        response = _record(assessor, world.x_learner_a, competency.pk, **extra)
        assert response.status_code == status, (extra, response.content)
        assert field in response.json()["error"]["fields"], (extra, response.json())
    # An assessment to correct that does not exist answers 404, as another organisation's
    # does (issue 12): never say which.
    missing = _record(assessor, world.x_learner_a, competency.pk, supersedes=999999)
    assert missing.status_code == 404
    assert missing.json()["error"]["fields"] == {"supersedes": ["No such assessment to correct."]}
    assert not Assessment.objects.exists()


def test_evidence_file_upload_and_scoped_download(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    competency = make_framework(1)[0]
    assessor = client_for(world.x_assessor_a)
    pdf = SimpleUploadedFile("visit.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    exe = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/x-msdownload")

    made = assessor.post(
        "/api/v1/assessments/",
        {
            "learner": world.x_learner_a.pk,
            "competency": competency.pk,
            "method": "evidence",
            "outcome": "competent",
            "evidence_file": pdf,
        },
        format="multipart",
    )
    refused = assessor.post(
        "/api/v1/assessments/",
        {
            "learner": world.x_learner_a.pk,
            "competency": competency.pk,
            "method": "evidence",
            "outcome": "competent",
            "evidence_file": exe,
        },
        format="multipart",
    )
    download = client_for(world.x_learner_a).get(
        f"/api/v1/assessments/{made.json()['id']}/evidence/"
    )

    assert made.status_code == 201 and made.json()["has_evidence_file"] is True
    assert refused.status_code == 400 and "evidence_file" in refused.json()["error"]["fields"]
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 evidence"  # type: ignore[attr-defined]
