"""Issue 12: personal pages, files, exports and every API response say
`Cache-Control: private, no-store`; static files and the public /verify/ page keep theirs."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from tests.conftest import World
from tests.factories import AssessmentFactory
from tests.support.competencies import make_framework

pytestmark = pytest.mark.django_db
PRIVATE = "private, no-store"


def signed_in(world: World) -> Client:
    client = Client()
    client.force_login(world.x_manager_a)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/",  # a personal page
        "/competencies/",
        "/api/v1/assessments/",  # API JSON by session
        "/api/v1/assessments/999999/",  # an API error
        "/certificates/999999/pdf/",  # a page's 404 to a signed-in person
    ],
)
def test_responses_to_a_signed_in_person_are_private_and_not_stored(world: World, url: str) -> None:
    response = signed_in(world).get(url)

    assert response["Cache-Control"] == PRIVATE


def test_api_responses_are_not_stored_even_when_signed_out() -> None:
    response = Client().get("/api/v1/assessments/")

    assert response.status_code in (401, 403)
    assert response["Cache-Control"] == PRIVATE


def test_evidence_files_and_csv_exports_are_not_stored(
    world: World, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    competency = make_framework(1)[0]
    assessment = AssessmentFactory.create(
        learner=world.x_learner_a,
        organisation=world.org_x,
        competency=competency,
        method="evidence",
        assessor=world.x_assessor_a,
        assessed_at=timezone.now(),
        evidence_file=ContentFile(b"%PDF-1.4 visit", name="visit.pdf"),
    )
    client = signed_in(world)

    evidence = client.get(f"/api/v1/assessments/{assessment.pk}/evidence/")
    page_csv = client.get(f"/teams/{world.x_team_a.pk}/competency.csv")
    api_csv = client.get(f"/api/v1/teams/{world.x_team_a.pk}/matrix/", {"format": "csv"})

    assert evidence.status_code == page_csv.status_code == api_csv.status_code == 200
    assert page_csv["Content-Type"].startswith("text/csv")
    assert api_csv["Content-Type"].startswith("text/csv")
    for response in (evidence, page_csv, api_csv):
        assert response["Cache-Control"] == PRIVATE


def test_the_public_verify_page_and_signed_out_pages_keep_their_own_headers(
    world: World,
) -> None:
    verify = signed_in(world).get("/verify/NOSUCHCODE")
    sign_in = Client().get("/sign-in/")

    assert verify.status_code == 404
    assert verify["Cache-Control"] != PRIVATE and "max-age=0" in verify["Cache-Control"]
    assert sign_in["Cache-Control"] != PRIVATE
