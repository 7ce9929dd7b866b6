"""Issue 17, must show 2: the subject-access ZIP of a demo learner holds every row that
mentions them. The links to the person are found by introspection
(`privacy.personal_data.person_links`), so a new model with a foreign key to the person
fails this test until the fixture gives the learner a row in it, and then the export must
hold that row. The ZIP is read back for real (zipfile), its PDFs with pypdf."""

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db.models import QuerySet
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from pypdf import PdfReader
from pytest_django.fixtures import Settings

from accounts.models import AccessKind, Membership, OrganisationAPIKey, User
from accounts.selectors import actor_for_user
from accounts.services_access import record_access
from certificates.issuing import certificate_prepare
from certificates.models import Certificate
from competencies.models import Assessment
from notifications.models import Kind, ReminderLog
from privacy import services_exports
from privacy.models import Erasure, ErasureSource, ErasureStatus, OrganisationExport
from privacy.personal_data import Link, person_links
from privacy.tasks import build_subject_access_export
from provisioning.models import ProvisionedUser, ProvisioningToken
from reporting.models import IndicatorReport
from tests import factories
from training.models import ChangeKind, Enrolment, EnrolmentChange, LessonProgress, QuizAttempt

pytestmark = pytest.mark.django_db

DEMO_LEARNER = "learner@riverside-nhs.example"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def rows_of(link: Link, person: User) -> QuerySet[Any]:
    return link.model._base_manager.filter(**{link.field: person.pk})


def _someone_else(learner: User) -> tuple[Enrolment, Assessment, Certificate]:
    """A colleague's records the learner acts on (as assessor, assigner, issuer)."""
    organisation = learner.memberships.get().organisation
    enrolment = Enrolment.objects.filter(organisation=organisation).exclude(learner=learner)[0]
    assessment = Assessment.objects.filter(organisation=organisation).exclude(learner=learner)[0]
    certificate = Certificate.objects.filter(organisation=organisation).exclude(learner=learner)[0]
    return enrolment, assessment, certificate


def top_up(learner: User) -> None:
    """Give the demo learner a row in every link the demo leaves empty: every role a
    person can play in a record. The audit event tables fill through their triggers."""
    membership: Membership = learner.memberships.get()
    organisation = membership.organisation
    enrolment, assessment, certificate = _someone_else(learner)
    Enrolment.objects.filter(pk=enrolment.pk).update(assigned_by=learner)
    factories.AssessmentFactory.create(
        learner=assessment.learner,
        competency=assessment.competency,
        organisation=organisation,
        assessor=learner,
    )
    Certificate.objects.filter(pk=certificate.pk).update(issued_by=learner, revoked_by=learner)
    EnrolmentChange.objects.create(
        enrolment=enrolment,
        organisation=organisation,
        kind=ChangeKind.EXTENDED,
        due_date_before=timezone.localdate(),
        due_date_after=timezone.localdate() + timedelta(days=7),
        reason="Learner covered the ward",
        by=learner,
    )
    requirement = factories.TrainingRequirementFactory.create(organisation=organisation)
    factories.ExemptionFactory.create(
        requirement=requirement,
        person=learner,
        created_by=learner,
        reason="On leave",
        ends_on=timezone.localdate() + timedelta(days=30),
    )
    record = factories.TrainingRecordFactory.create(
        requirement=requirement, person=learner, verified_by=learner
    )
    record.evidence_file.save("attendance.pdf", ContentFile(PDF))
    own = Assessment.objects.filter(learner=learner)[0]
    factories.AssessmentFactory.create(
        learner=learner,
        competency=own.competency,
        organisation=organisation,
        evidence_file=ContentFile(PDF, name="observation.pdf"),
    )
    _key, _secret = OrganisationAPIKey.objects.create_key(
        name="Learner's key", organisation=organisation, created_by=learner
    )
    ProvisioningToken.objects.create_key(
        name="HR feed", organisation=organisation, created_by=learner
    )
    ProvisionedUser.objects.create(organisation=organisation, user=learner, user_name=learner.email)
    record_access(organisation=organisation, kind=AccessKind.PERSON_RECORD, subject=learner)
    LogEntry.objects.create(user=learner, action_flag=ADDITION, object_repr="learner")
    factories.EmailOptOutFactory.create(person=learner)
    ReminderLog.objects.create(
        person=learner,
        organisation=organisation,
        kind=Kind.DUE_SOON,
        object_type="enrolment",
        object_id=enrolment.pk,
        window="due-7",
    )
    StaticDevice.objects.create(user=learner, name="backup")
    factories.TOTPDeviceFactory.create(user=learner)
    Erasure.objects.create(
        organisation=organisation,
        person=learner,
        requested_by=learner,
        source=ErasureSource.ADMIN,
        status=ErasureStatus.POSTPONED,
        due_on=timezone.localdate() + timedelta(days=365),
    )
    OrganisationExport.objects.create(organisation=organisation, requested_by=learner)
    IndicatorReport.objects.create(
        organisation=organisation, quarter="2026-Q3", requested_by=learner
    )
    for enrolment_id in Certificate.objects.filter(learner=learner).values_list(
        "enrolment_id", flat=True
    ):
        certificate_prepare(enrolment_id=enrolment_id)


def test_the_subject_access_zip_of_a_demo_learner_holds_every_row_that_mentions_them(
    media: Path,
) -> None:
    call_command("seed_demo")
    learner = User.objects.get(email=DEMO_LEARNER)
    top_up(learner)
    export = services_exports.subject_access_request(actor=actor_for_user(learner))

    empty = [link.label for link in person_links() if not rows_of(link, learner).exists()]
    assert empty == [], f"give the learner a row in each of these in top_up(): {empty}"

    build_subject_access_export(export.pk)
    export.refresh_from_db()
    assert export.status == "ready"
    with zipfile.ZipFile(export.file.path) as archive:
        names = set(archive.namelist())
        data = json.loads(archive.read("data.json"))
        summary = archive.read("summary.html").decode()
        pdfs = {name: archive.read(name) for name in names if name.endswith(".pdf")}

    assert data["person"] == learner.pk
    assert data["scope"] == "every organisation"
    for link in person_links():
        expected = {str(pk) for pk in rows_of(link, learner).values_list("pk", flat=True)}
        exported = {str(row["pk"]) for row in data["tables"][link.model._meta.label]}
        assert expected <= exported, link.label
    for model in (LessonProgress, QuizAttempt):
        mine = set(model.objects.filter(enrolment__learner=learner).values_list("pk", flat=True))
        assert mine
        assert {row["pk"] for row in data["tables"][model._meta.label]} == mine
    user_row = data["tables"]["accounts.User"][0]
    assert user_row["email"] == DEMO_LEARNER
    assert "password" not in user_row
    assert all("hashed_key" not in row for row in data["tables"]["accounts.OrganisationAPIKey"])
    assert all("key" not in row for row in data["tables"]["otp_totp.TOTPDevice"])

    certificates = Certificate.objects.filter(learner=learner)
    expected_pdfs = {
        f"files/certificates.Certificate/{c.pk}-{Path(c.pdf.name or '').name}" for c in certificates
    }
    assert expected_pdfs <= set(pdfs)
    for name in expected_pdfs:
        text = PdfReader(io.BytesIO(pdfs[name])).pages[0].extract_text()
        assert learner.get_full_name() in text
    evidence = {name for name in names if name.startswith("files/") and "Certificate" not in name}
    assert {name.split("/")[1] for name in evidence} == {
        "competencies.Assessment",
        "compliance.TrainingRecord",
    }
    assert learner.get_full_name() in summary
    assert "Certificates" in summary
