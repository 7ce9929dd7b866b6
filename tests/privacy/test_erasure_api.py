"""Erasure through the API (issue 17): must-show 5 (an org admin of X gets 404 erasing or
viewing an erasure of someone only in Y), legal holds postponing an erasure with a
visible reason, scope following the record for a person in two organisations, and bad
input answered with field errors."""

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Membership, Role, User
from accounts.selectors import actor_for_user
from accounts.services_leavers import person_leave
from competencies.models import Assessment
from core.dates import add_months
from privacy.models import (
    Erasure,
    ErasureStatus,
    ExportStatus,
    OrganisationExport,
    RetentionPolicy,
    SubjectAccessExport,
)
from privacy.retention import retention_run
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

URL = "/api/v1/erasures/"
Clients = Callable[[User], APIClient]


def _untouched(person: User) -> bool:
    before = person.email
    person.refresh_from_db()
    return person.email == before and person.is_active


def test_an_admin_of_x_gets_404_erasing_or_viewing_an_erasure_of_someone_only_in_y(
    world: World, client_for: Clients
) -> None:
    x_admin, y_admin = client_for(world.x_admin), client_for(world.y_admin)
    person = world.y_learner.pk

    refused = [
        x_admin.post(URL, {"organisation": world.org_y.pk, "person": person}, format="json"),
        x_admin.post(URL, {"organisation": world.org_x.pk, "person": person}, format="json"),
        client_for(world.x_manager_a).post(
            URL, {"organisation": world.org_x.pk, "person": world.x_learner_a.pk}, format="json"
        ),
    ]
    made = y_admin.post(URL, {"organisation": world.org_y.pk, "person": person}, format="json")
    erasure = made.json()["id"]

    assert [response.status_code for response in refused] == [404, 404, 404]
    assert refused[0].json() == refused[1].json()
    assert made.status_code == 201 and Erasure.objects.count() == 1
    assert x_admin.get(f"{URL}{erasure}/").status_code == 404
    assert x_admin.get(URL, {"organisation": world.org_y.pk}).status_code == 404
    assert x_admin.get(URL).json() == []
    assert [row["id"] for row in y_admin.get(URL).json()] == [erasure]
    assert y_admin.get(f"{URL}{erasure}/").json()["status"] == "done"
    assert x_admin.get(f"/api/v1/organisations/{world.org_y.pk}/retention/").status_code == 404
    assert _untouched(world.x_learner_a)


def test_a_legal_hold_postpones_the_erasure_with_its_reason_until_the_job_does_it(
    world: World, client_for: Clients
) -> None:
    admin = client_for(world.x_admin)
    hold = {"leaver_retention_months": None, "legal_hold_years": 6, "legal_hold_reason": "NHS"}
    assert admin.put(f"/api/v1/organisations/{world.org_x.pk}/retention/", hold).status_code == 200
    person_leave(
        actor=actor_for_user(world.x_admin),
        organisation_id=world.org_x.pk,
        user_id=world.x_learner_a.pk,
    )
    due = add_months(timezone.localdate(), 72)

    response = admin.post(
        URL, {"organisation": world.org_x.pk, "person": world.x_learner_a.pk}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["due_on"], body["hold_reason"]) == (
        "postponed",
        due.isoformat(),
        "NHS",
    )
    assert body["status_display"] == "Postponed by a legal hold"
    assert _untouched(world.x_learner_a)
    assert retention_run(today=due - datetime.timedelta(days=1))["postponed erasures done"] == 0
    assert retention_run(today=due) == {"leavers erased": 0, "postponed erasures done": 1}
    assert retention_run(today=due) == {"leavers erased": 0, "postponed erasures done": 0}
    erasure = Erasure.objects.get()
    assert erasure.status == ErasureStatus.DONE and erasure.due_on is None
    world.x_learner_a.refresh_from_db()
    assert world.x_learner_a.email == f"erased-{world.x_learner_a.pk}@erased.invalid"


def test_a_person_another_organisation_still_holds_keeps_their_row_and_leaves_only_here(
    world: World, client_for: Clients
) -> None:
    shared = world.x_learner_a
    factories.MembershipFactory.create(
        user=shared, organisation=world.org_y, team=world.y_team_a, role=Role.LEARNER
    )
    here = factories.AssessmentFactory.create(
        learner=shared, organisation=world.org_x, evidence_note="X's note"
    )
    there = factories.AssessmentFactory.create(
        learner=shared, organisation=world.org_y, evidence_note="Y's note"
    )
    email = shared.email

    first = client_for(world.x_admin).post(
        URL, {"organisation": world.org_x.pk, "person": shared.pk}, format="json"
    )

    assert first.status_code == 201 and first.json()["summary"]["person row erased"] == 0
    shared.refresh_from_db()
    assert shared.email == email and shared.is_active
    assert list(Membership.objects.filter(user=shared).values_list("organisation", flat=True)) == [
        world.org_y.pk
    ]
    notes = dict(
        Assessment.objects.filter(pk__in=[here.pk, there.pk]).values_list("pk", "evidence_note")
    )
    assert notes == {here.pk: "", there.pk: "Y's note"}

    second = client_for(world.y_admin).post(
        URL, {"organisation": world.org_y.pk, "person": shared.pk}, format="json"
    )

    assert second.status_code == 201 and second.json()["summary"]["person row erased"] == 1
    shared.refresh_from_db()
    assert shared.email == f"erased-{shared.pk}@erased.invalid" and not shared.is_active


def test_bad_input_oneself_and_a_read_only_settings_change_are_refused_clearly(
    world: World, client_for: Clients
) -> None:
    admin = client_for(world.x_admin)

    bad = admin.post(URL, {"organisation": world.org_x.pk, "person": "someone"}, format="json")
    itself = admin.post(
        URL, {"organisation": world.org_x.pk, "person": world.x_admin.pk}, format="json"
    )
    settings = admin.put(
        f"/api/v1/organisations/{world.org_x.pk}/retention/",
        {"leaver_retention_months": 0, "legal_hold_years": -1, "legal_hold_reason": 5},
        format="json",
    )

    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"person"}
    assert itself.status_code == 403 and itself.json()["error"]["code"] == "self"
    assert settings.status_code == 400
    assert set(settings.json()["error"]["fields"]) == {
        "leaver_retention_months",
        "legal_hold_years",
        "legal_hold_reason",
    }
    assert Erasure.objects.count() == 0 and RetentionPolicy.objects.count() == 0


def test_exports_holding_the_person_expire_and_their_files_go(
    world: World,
    client_for: Clients,
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    archive = default_storage.save("subject-access/theirs.zip", ContentFile(b"PK zip"))
    everything = default_storage.save("organisation-exports/x.zip", ContentFile(b"PK zip"))
    elsewhere = default_storage.save("organisation-exports/y.zip", ContentFile(b"PK zip"))
    ready = {"status": ExportStatus.READY}
    theirs = SubjectAccessExport.objects.create(
        organisation=world.org_x, person=world.x_learner_a, file=archive, **ready
    )
    x_export = OrganisationExport.objects.create(organisation=world.org_x, file=everything, **ready)
    y_export = OrganisationExport.objects.create(organisation=world.org_y, file=elsewhere, **ready)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.x_admin).post(
            URL, {"organisation": world.org_x.pk, "person": world.x_learner_a.pk}, format="json"
        )

    assert response.status_code == 201
    theirs.refresh_from_db()
    x_export.refresh_from_db()
    y_export.refresh_from_db()
    assert (theirs.status, theirs.file.name) == (ExportStatus.EXPIRED, "")
    assert (x_export.status, x_export.file.name) == (ExportStatus.EXPIRED, "")
    assert y_export.status == ExportStatus.READY
    assert [default_storage.exists(n) for n in (archive, everything, elsewhere)] == [
        False,
        False,
        True,
    ]
