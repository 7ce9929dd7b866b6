"""Issue 5: /api/v1/certificates/ (scoped like every personal record), revoking and
reissuing, failed issue jobs (as background jobs, issue 13), and the public
/api/v1/verify/ twin of the /verify/ page."""

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import KeyScope, User
from certificates.models import Certificate
from certificates.tasks import issue_certificate
from core.models import Job
from core.pdf import AssetRefused
from tests.certificates.conftest import certificate_of, complete_module
from tests.conftest import World
from tests.support.api import key_client
from tests.support.training import publish_module
from training.models import Enrolment, Module

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db

Client = Callable[[User], APIClient]
# session, user, memberships (the actor), count, one page of certificates.
CERTIFICATE_LIST_QUERIES = 5
FACE_KEYS = {
    "status",
    "number",
    "learner_name",
    "module_title",
    "module_version",
    "organisation_name",
    "competencies",
    "completed_on",
    "issued_on",
    "revoked_on",
    "superseded_on",
}


@pytest.fixture
def certificates(world: World, module: Module) -> dict[str, Certificate]:
    """A recorded certificate for learners in X team A, X team B and Y."""
    return {
        who: certificate_of(complete_module(getattr(world, who), module))
        for who in ("x_learner_a", "x_learner_b", "y_learner")
    }


def numbers(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("x_learner_a", {"x_learner_a"}),
        ("x_learner_b", {"x_learner_b"}),
        ("x_manager_a", {"x_learner_a"}),
        ("x_assessor_a", {"x_learner_a"}),
        ("x_admin", {"x_learner_a", "x_learner_b"}),
        ("y_admin", {"y_learner"}),
        ("y_manager", {"y_learner"}),
    ],
)
def test_certificates_are_scoped_and_everything_else_is_404(
    world: World,
    certificates: dict[str, Certificate],
    client_for: Client,
    who: str,
    sees: set[str],
) -> None:
    client = client_for(getattr(world, who))

    assert numbers(client.get("/api/v1/certificates/")) == {
        certificates[name].number for name in sees
    }
    for name, certificate in certificates.items():
        detail = client.get(f"/api/v1/certificates/{certificate.pk}/")
        pdf = client.get(f"/api/v1/certificates/{certificate.pk}/pdf/")
        if name in sees:
            assert detail.status_code == 200 and detail.json()["number"] == certificate.number
            assert pdf.status_code == 409  # in scope; its PDF is not rendered yet
        else:
            assert (detail.status_code, pdf.status_code) == (404, 404)
            assert detail.json()["error"]["code"] == "not_found"


def test_an_organisation_key_reads_its_organisations_certificates_only(
    world: World, certificates: dict[str, Certificate]
) -> None:
    client = key_client(world.org_x)

    assert numbers(client.get("/api/v1/certificates/")) == {
        certificates["x_learner_a"].number,
        certificates["x_learner_b"].number,
    }
    assert client.get(f"/api/v1/certificates/{certificates['y_learner'].pk}/").status_code == 404


def test_signed_out_callers_get_nothing(certificates: dict[str, Certificate]) -> None:
    client = APIClient()
    one = certificates["x_learner_a"]

    for url in ("/api/v1/certificates/", f"/api/v1/certificates/{one.pk}/pdf/"):
        assert client.get(url).status_code in (401, 403)


def test_the_detail_says_what_the_certificate_says_and_where_to_check_it(
    world: World, certificates: dict[str, Certificate], client_for: Client
) -> None:
    one = certificates["x_learner_a"]

    body = client_for(world.x_learner_a).get(f"/api/v1/certificates/{one.pk}/").json()

    assert body["learner_name"] == world.x_learner_a.full_name
    assert (body["module_title"], body["module_version"]) == ("Damp and mould in the home", 1)
    assert body["organisation_name"] == "Organisation X"
    assert body["status"] == "current" and body["pdf_url"] is None
    assert body["verify_url"] == f"http://127.0.0.1:8000/verify/{one.verification_code}"
    assert (body["supersedes"], body["superseded_by"], body["revoked_at"]) == (None, None, None)


def test_the_learner_downloads_their_pdf(
    world: World, module: Module, client_for: Client, media: Path
) -> None:
    enrolment = complete_module(world.x_learner_a, module)
    issue_certificate(enrolment.pk)
    one = certificate_of(enrolment)

    detail = client_for(world.x_learner_a).get(f"/api/v1/certificates/{one.pk}/").json()
    response = client_for(world.x_learner_a).get(detail["pdf_url"], HTTP_ACCEPT="application/pdf")

    assert detail["pdf_url"] == f"/api/v1/certificates/{one.pk}/pdf/"
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{one.number}.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]


def test_the_list_runs_the_same_queries_for_1_and_30_certificates(
    world: World, client_for: Client
) -> None:
    admin = client_for(world.x_admin)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = admin.get("/api/v1/certificates/", {"page_size": 100})
        assert response.status_code == 200
        return len(captured)

    complete_module(world.x_learner_a, publish_module(slug="m-0"))
    one = count_queries()
    for index in range(1, 30):
        complete_module(world.x_learner_b, publish_module(slug=f"m-{index}"))
    assert Certificate.objects.count() == 30
    thirty = count_queries()

    assert one == thirty == CERTIFICATE_LIST_QUERIES


def test_filters(world: World, certificates: dict[str, Certificate], client_for: Client) -> None:
    admin = client_for(world.x_admin)
    a, b = certificates["x_learner_a"], certificates["x_learner_b"]
    admin.post(f"/api/v1/certificates/{b.pk}/revoke/", {"reason": "Wrong person."})

    assert numbers(admin.get("/api/v1/certificates/", {"learner": a.learner_id})) == {a.number}
    assert numbers(admin.get("/api/v1/certificates/", {"status": "revoked"})) == {b.number}
    assert numbers(admin.get("/api/v1/certificates/", {"status": "current"})) == {a.number}
    assert admin.get("/api/v1/certificates/", {"status": "lost"}).status_code == 400


# --- revoking and reissuing ------------------------------------------------------------


def test_an_org_admin_revokes_and_reissues_through_the_api(
    world: World,
    certificates: dict[str, Certificate],
    client_for: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    admin = client_for(world.x_admin)
    a, b = certificates["x_learner_a"], certificates["x_learner_b"]

    missing = admin.post(f"/api/v1/certificates/{a.pk}/revoke/", {})
    revoked = admin.post(f"/api/v1/certificates/{a.pk}/revoke/", {"reason": "Wrong person."})
    again = admin.post(f"/api/v1/certificates/{a.pk}/revoke/", {"reason": "Still wrong."})
    with django_capture_on_commit_callbacks() as callbacks:
        reissued = admin.post(f"/api/v1/certificates/{b.pk}/reissue/", {"reason": "New name."})

    assert missing.status_code == 400 and "reason" in missing.json()["error"]["fields"]
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert revoked.json()["revoked_reason"] == "Wrong person."
    assert again.status_code == 409
    assert reissued.status_code == 201
    new = reissued.json()
    assert new["supersedes"] == b.pk and new["number"] != b.number and new["status"] == "current"
    old = admin.get(f"/api/v1/certificates/{b.pk}/").json()
    assert old["status"] == "superseded" and old["superseded_by"] == new["id"]
    assert len(callbacks) == 1  # the new certificate's PDF and email, after commit


@pytest.mark.parametrize("who", ["x_learner_a", "x_manager_a"])
def test_learners_and_managers_may_not_revoke_or_reissue(
    world: World, certificates: dict[str, Certificate], client_for: Client, who: str
) -> None:
    client = client_for(getattr(world, who))
    a = certificates["x_learner_a"]

    for action in ("revoke", "reissue"):
        response = client.post(f"/api/v1/certificates/{a.pk}/{action}/", {"reason": "Try."})
        assert response.status_code == 403, response.content
        assert response.json()["error"] == {
            "status": 403,
            "code": "forbidden",
            "message": "Only an admin of the organisation named on the certificate can do this.",
            "fields": {},
        }
    assert certificate_of(Enrolment.objects.get(pk=a.enrolment_id)).revoked_at is None


def test_another_organisations_admin_and_keys_cannot_revoke(
    world: World, certificates: dict[str, Certificate], client_for: Client
) -> None:
    a = certificates["x_learner_a"]
    url = f"/api/v1/certificates/{a.pk}/revoke/"

    assert client_for(world.y_admin).post(url, {"reason": "Mine?"}).status_code == 404
    by_key = key_client(world.org_x, KeyScope.READ_WRITE).post(url, {"reason": "Automated."})
    assert by_key.status_code == 403
    assert by_key.json()["error"]["code"] == "person_required"
    assert Certificate.objects.get(pk=a.pk).revoked_at is None


def test_a_failed_issue_job_is_listed_for_org_admins_and_run_again(
    world: World,
    certificates: dict[str, Certificate],
    client_for: Client,
    media: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Issue 13: a certificate job that failed for good is a background job of the
    learner's organisation; its admin retries it through /api/v1/jobs/ and it is issued."""
    a = certificates["x_learner_a"]

    def refuse(certificate: Certificate) -> bytes:
        raise AssetRefused("refused 'https://example.org/logo.png'")

    monkeypatch.setattr("certificates.pdf.certificate_pdf", refuse)
    issue_certificate(a.enrolment_id)
    monkeypatch.undo()
    job = Job.objects.get(task=issue_certificate.name, args=[a.enrolment_id])
    admin = client_for(world.x_admin)

    listed = admin.get("/api/v1/jobs/").json()["results"]
    assert [(row["id"], row["state"], row["attempts"]) for row in listed] == [
        (job.pk, "gave_up", 1)
    ]
    assert listed[0]["description"] == f"Certificate for {a.learner_name}: {a.module_title}"
    assert listed[0]["last_error"] == "AssetRefused: refused 'https://example.org/logo.png'"
    assert client_for(world.y_admin).get("/api/v1/jobs/").json()["results"] == []
    assert client_for(world.x_manager_a).post(f"/api/v1/jobs/{job.pk}/retry/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        retried = admin.post(f"/api/v1/jobs/{job.pk}/retry/")

    assert retried.status_code == 202
    assert (retried.json()["state"], retried.json()["gave_up_at"]) == ("retrying", None)
    assert Certificate.objects.get(pk=a.pk).email_sent_at is not None
    assert admin.get(f"/api/v1/jobs/{job.pk}/").json()["state"] == "done"
    assert admin.get("/api/v1/jobs/?state=gave_up").json()["results"] == []


# --- public verification ---------------------------------------------------------------


def test_verification_answers_genuine_revoked_superseded_and_unknown_with_the_face_only(
    world: World, certificates: dict[str, Certificate], client_for: Client
) -> None:
    a, b, y = certificates["x_learner_a"], certificates["x_learner_b"], certificates["y_learner"]
    admin = client_for(world.x_admin)
    admin.post(f"/api/v1/certificates/{b.pk}/revoke/", {"reason": "Private reason."})
    client_for(world.y_admin).post(f"/api/v1/certificates/{y.pk}/reissue/", {"reason": "Name."})
    public = APIClient()

    genuine = public.get(f"/api/v1/verify/{a.verification_code}/")
    revoked = public.get(f"/api/v1/verify/{b.verification_code.upper()}/")
    superseded = public.get(f"/api/v1/verify/{y.verification_code}/")
    unknown = public.get("/api/v1/verify/abcdefghjkmnpqrstvwx/")
    malformed = public.get("/api/v1/verify/not-a-code/")

    body = genuine.json()
    assert genuine.status_code == 200 and set(body) == FACE_KEYS
    assert body["status"] == "current" and body["number"] == a.number
    assert body["learner_name"] == world.x_learner_a.full_name
    assert (body["revoked_on"], body["superseded_on"]) == (None, None)
    assert revoked.json()["status"] == "revoked" and revoked.json()["revoked_on"]
    assert "Private reason." not in revoked.content.decode()
    assert superseded.json()["status"] == "superseded" and superseded.json()["superseded_on"]
    for response in (genuine, revoked, superseded):
        text = response.content.decode()
        for secret in (world.x_learner_a.email, world.x_learner_b.email, world.y_learner.email):
            assert secret not in text
    assert unknown.status_code == malformed.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"


def test_verification_is_rate_limited_per_address_across_page_and_api(
    certificates: dict[str, Certificate],
) -> None:
    code = certificates["x_learner_a"].verification_code
    public = APIClient()

    answers = [public.get(f"/api/v1/verify/{code}/").status_code for _ in range(20)]
    answers += [public.get(f"/verify/{code}").status_code for _ in range(10)]
    limited_api = public.get(f"/api/v1/verify/{code}/")
    limited_page = public.get(f"/verify/{code}")
    elsewhere = public.get(f"/api/v1/verify/{code}/", REMOTE_ADDR="10.0.0.7")

    assert answers == [200] * 30
    assert limited_api.status_code == 429 and limited_api.json()["error"]["code"] == "throttled"
    assert limited_page.status_code == 429 and int(limited_page["Retry-After"]) > 0
    assert elsewhere.status_code == 200


@pytest.mark.full_only("the shared cache is Redis")
def test_the_rate_limit_counts_in_redis_where_every_web_process_sees_it(
    certificates: dict[str, Certificate],
) -> None:
    """Full mode shares the cache (CACHE_URL): another process reads the same count."""
    code = certificates["x_learner_a"].verification_code
    for _ in range(3):
        APIClient().get(f"/api/v1/verify/{code}/")
    probe = (
        "from django.core.cache import cache; from certificates.throttling import VerifyThrottle;"
        "print(len(cache.get(VerifyThrottle.cache_format % "
        "{'scope': 'verify', 'ident': '127.0.0.1'}) or []))"
    )

    other_process = subprocess.run(
        [sys.executable, str(ROOT / "backend" / "manage.py"), "shell", "-c", probe],
        capture_output=True,
        text=True,
        check=True,
    )

    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert other_process.stdout.strip().splitlines()[-1] == "3"
