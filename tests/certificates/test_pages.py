"""Issue 5: the certificate pages (a learner's, a manager's and an org admin's) and the
public /verify/<code> page (must show 4: genuine, revoked, unknown; nothing beyond the
certificate's face)."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.selectors import actor_for_user
from certificates import services
from certificates.models import Certificate
from certificates.tasks import issue_certificate
from tests.certificates.conftest import certificate_of, complete_module
from tests.conftest import World
from tests.factories import JobFactory
from training.models import Module

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(html: str) -> str:
    """The page's visible words, roughly: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def issued(world: World, module: Module, media: Path) -> dict[str, Certificate]:
    """Issued certificates (PDF and email) for learners in X team A, X team B and Y."""
    certificates = {}
    for who in ("x_learner_a", "x_learner_b", "y_learner"):
        enrolment = complete_module(getattr(world, who), module)
        issue_certificate(enrolment.pk)
        certificates[who] = certificate_of(enrolment)
    mail.outbox.clear()
    return certificates


def test_a_learner_sees_and_downloads_their_certificates(
    world: World, issued: dict[str, Certificate]
) -> None:
    client = signed_in(world.x_learner_a)
    own = issued["x_learner_a"]

    page = client.get("/certificates/")
    html = page.content.decode()
    pdf = client.get(f"/certificates/{own.pk}/pdf/")

    assert page.status_code == 200
    assert '<a href="/certificates/" aria-current="page">Certificates</a>' in html
    assert own.number in html and f"/certificates/{own.pk}/pdf/" in html
    assert issued["x_learner_b"].number not in html
    assert "Your teams' certificates" not in html
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]


def test_certificate_pdfs_are_never_stored_by_a_browser_or_proxy(
    world: World, issued: dict[str, Certificate]
) -> None:
    """Issue 12: a certificate kept in a shared PC's browser cache is readable by the next user."""
    client = signed_in(world.x_learner_a)
    own = issued["x_learner_a"]

    page = client.get(f"/certificates/{own.pk}/pdf/")
    api = client.get(f"/api/v1/certificates/{own.pk}/pdf/")

    assert page.status_code == api.status_code == 200
    assert page["Cache-Control"] == api["Cache-Control"] == "private, no-store"


def test_other_peoples_certificates_are_404_on_every_page(
    world: World, issued: dict[str, Certificate]
) -> None:
    client = signed_in(world.x_learner_a)
    theirs = issued["x_learner_b"]

    for url in (f"/certificates/{theirs.pk}/", f"/certificates/{theirs.pk}/pdf/"):
        assert client.get(url).status_code == 404
    for url in (f"/certificates/{theirs.pk}/revoke/", f"/certificates/{theirs.pk}/reissue/"):
        assert client.post(url, {"revoke-reason": "x", "reissue-reason": "x"}).status_code == 404
    assert Certificate.objects.get(pk=theirs.pk).revoked_at is None
    assert Client().get("/certificates/").status_code == 302  # signed out: to sign in


def test_a_pdf_still_being_prepared_is_said_on_the_certificates_page_as_the_api_says_409(
    world: World, module: Module, media: Path
) -> None:
    enrolment = complete_module(world.x_learner_a, module)
    certificate = certificate_of(enrolment)
    Certificate.objects.filter(pk=certificate.pk).update(pdf="")  # the worker has not run
    client = signed_in(world.x_learner_a)

    page = client.get(f"/certificates/{certificate.pk}/pdf/", follow=True)
    api = client.get(f"/api/v1/certificates/{certificate.pk}/pdf/")

    assert page.redirect_chain == [(f"/certificates/{certificate.pk}/", 302)]
    assert "The PDF is still being prepared; try again in a minute." in text_of(
        page.content.decode()
    )
    assert api.status_code == 409
    assert api.json()["error"]["message"] == (
        "The PDF is still being prepared; try again in a minute."
    )


def test_a_manager_sees_their_teams_certificates(
    world: World, issued: dict[str, Certificate]
) -> None:
    html = signed_in(world.x_manager_a).get("/certificates/").content.decode()

    assert "Your teams&#x27; certificates" in html
    assert issued["x_learner_a"].number in html
    assert issued["x_learner_b"].number not in html
    assert issued["y_learner"].number not in html


def test_an_org_admin_sees_the_organisations_certificates_and_a_line_about_failing_jobs(
    world: World, issued: dict[str, Certificate]
) -> None:
    """Issue 13: certificate jobs of the organisation that are failing are counted, with a
    link to the background work page where they are tried again."""
    admin = signed_in(world.x_admin)
    before = admin.get("/certificates/").content.decode()
    for who in ("x_learner_a", "x_learner_b", "y_learner"):
        JobFactory.create(
            task=issue_certificate.name,
            args=[issued[who].enrolment_id],
            organisation_id=issued[who].organisation_id,
            attempts=2,
        )
    # Done since it failed, and another kind of job: neither counts.
    JobFactory.create(
        task=issue_certificate.name,
        args=[999],
        organisation_id=world.org_x.pk,
        attempts=1,
        done_at=timezone.now(),
    )
    JobFactory.create(
        task="accounts.tasks.send_invitation", organisation_id=world.org_x.pk, attempts=3
    )

    html = admin.get("/certificates/").content.decode()
    manager = signed_in(world.x_manager_a).get("/certificates/").content.decode()

    assert "Your organisation&#x27;s certificates" in html
    assert issued["x_learner_a"].number in html and issued["x_learner_b"].number in html
    assert issued["y_learner"].number not in html
    assert "could not be issued yet" not in before
    assert "2 certificates for your organisation could not be issued yet." in text_of(html)
    assert 'href="/jobs/"' in html
    assert "could not be issued yet" not in manager


def test_an_org_admin_revokes_and_reissues_from_the_certificate_page(
    world: World, issued: dict[str, Certificate], django_capture_on_commit_callbacks: object
) -> None:
    admin = signed_in(world.x_admin)
    a, b = issued["x_learner_a"], issued["x_learner_b"]

    detail = admin.get(f"/certificates/{a.pk}/").content.decode()
    empty = admin.post(f"/certificates/{a.pk}/revoke/", {"revoke-reason": " "})
    revoked = admin.post(f"/certificates/{a.pk}/revoke/", {"revoke-reason": "Wrong person."})
    reissued = admin.post(f"/certificates/{b.pk}/reissue/", {"reissue-reason": "New name."})

    assert "Revoke the certificate" in detail and "Reissue the certificate" in detail
    assert empty.status_code == 400 and "There is a problem" in empty.content.decode()
    assert revoked.status_code == 302 and revoked["Location"] == f"/certificates/{a.pk}/"
    assert Certificate.objects.get(pk=a.pk).revoked_reason == "Wrong person."
    new = Certificate.objects.get(supersedes=b)
    assert reissued.status_code == 302 and reissued["Location"] == f"/certificates/{new.pk}/"
    after = admin.get(f"/certificates/{a.pk}/").content.decode()
    assert "Revoked on" in after and "Wrong person." in after
    assert "Revoke the certificate" not in after


def test_learners_and_managers_get_no_admin_forms_and_are_refused(
    world: World, issued: dict[str, Certificate]
) -> None:
    a = issued["x_learner_a"]
    for user in (world.x_learner_a, world.x_manager_a):
        client = signed_in(user)
        assert "Revoke the certificate" not in client.get(f"/certificates/{a.pk}/").content.decode()
        refused = client.post(f"/certificates/{a.pk}/revoke/", {"revoke-reason": "Mine."})
        assert refused.status_code == 403
    assert Certificate.objects.get(pk=a.pk).revoked_at is None


# --- must show 4: /verify/<code> ----------------------------------------------------


def test_verify_says_genuine_and_shows_only_the_face(
    world: World, issued: dict[str, Certificate]
) -> None:
    a = issued["x_learner_a"]

    response = Client().get(f"/verify/{a.verification_code}")
    html = response.content.decode()
    words = text_of(html)

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "Genuine and current" in words
    for printed in (
        a.number,
        world.x_learner_a.full_name,
        "Damp and mould in the home (version 1)",
        "Organisation X",
        f"Completed on {timezone.localdate(a.completed_at):%-d %B %Y}",
    ):
        assert printed in words, printed
    for private in (
        world.x_learner_a.email,
        f"/certificates/{a.pk}/",
        str(a.pdf.name),
        "Sign out",
    ):
        assert private not in html, private


def test_verify_says_revoked_with_the_date_and_never_the_reason(
    world: World, issued: dict[str, Certificate]
) -> None:
    a = issued["x_learner_a"]
    services.certificate_revoke(
        actor=actor_for_user(world.x_admin), certificate=a, reason="Fraudulent completion."
    )

    response = Client().get(f"/verify/{a.verification_code}/")
    words = text_of(response.content.decode())

    assert response.status_code == 200
    assert f"Revoked on {timezone.localdate():%-d %B %Y}" in words
    assert "no longer valid" in words and "Genuine and current" not in words
    assert "Fraudulent" not in words


def test_verify_says_replaced_and_does_not_point_to_the_new_certificate(
    world: World, issued: dict[str, Certificate], django_capture_on_commit_callbacks: object
) -> None:
    a = issued["x_learner_a"]
    User.objects.filter(pk=world.x_learner_a.pk).update(full_name="Renamed Person")
    new = services.certificate_reissue(
        actor=actor_for_user(world.x_admin), certificate=a, reason="Name change."
    )

    old_page = text_of(Client().get(f"/verify/{a.verification_code}").content.decode())
    new_page = text_of(Client().get(f"/verify/{new.verification_code}").content.decode())

    assert f"Replaced on {timezone.localdate():%-d %B %Y}" in old_page
    assert "Renamed Person" not in old_page and new.number not in old_page
    assert "Genuine and current" in new_page and "Renamed Person" in new_page


@pytest.mark.parametrize(
    "code",
    ["abcdefghjkmnpqrstvwx", "short", "<img src=x onerror=alert(1)>", "ABCDEFGHJKMNPQRSTVWX0"],
)
def test_verify_says_not_found_for_unknown_codes(issued: dict[str, Certificate], code: str) -> None:
    response = Client().get(f"/verify/{code}")
    html = response.content.decode()

    assert response.status_code == 404
    assert "No certificate matches this address" in html
    assert "<img src=x" not in html
    for certificate in issued.values():
        assert certificate.number not in html


def test_platform_staff_look_certificates_up_read_only_in_the_admin(
    world: World, issued: dict[str, Certificate]
) -> None:
    staff = User.objects.create_superuser(
        "staff@example.org", "correct-horse-battery", full_name="S"
    )
    client = signed_in(staff)
    a = issued["x_learner_a"]

    listing = client.get("/admin/certificates/certificate/", {"q": a.number})
    detail = client.get(f"/admin/certificates/certificate/{a.pk}/change/")

    assert listing.status_code == 200 and a.number in listing.content.decode()
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert client.get("/admin/certificates/certificate/add/").status_code == 403
