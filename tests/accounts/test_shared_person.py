"""One person in two organisations, and no leaks (issue 12, the core item; ADR 0012).

Organisations X and Y share one learner who has, in BOTH organisations, a completed
enrolment (lesson progress, a passed quiz attempt, a certificate with its PDF), an
active enrolment with a due-soon reminder and a failed certificate job, and an
assessment with an evidence note and file. For every role of each organisation (org
admin by session, manager, assessor, read key, read-write key) the tests walk every
personal API endpoint, enumerated from the OpenAPI schema so a new one cannot be
forgotten, and the personal pages: only records made under the asker's organisation
appear, and the other organisation's record ids answer 404. Neither organisation's
assessor can supersede the other's assessment, and inviting an address that already has
an account answers exactly as for a new one (what follows the invitation, until the
person accepts it, is in test_invitations.py).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.invitations import membership_notice_send
from accounts.models import KeyScope, Membership, Organisation, OrganisationAPIKey, Role, Team, User
from accounts.selectors import actor_for_user
from accounts.services import membership_accept, person_invite
from audit.registry import CHOICES as AUDIT_KINDS
from certificates.models import Certificate
from certificates.services import certificate_issues_retry
from certificates.tasks import issue_certificate
from competencies.models import Assessment, Competency
from competencies.services import assessment_record
from compliance.models import Exemption, RecordKind, TrainingRecord, TrainingRequirement
from compliance.services import exemption_grant, training_record_add
from core.jobs import job_failed
from core.models import Job
from notifications.models import ReminderLog
from notifications.planning import plan_daily
from tests import factories
from tests.conftest import World
from tests.support.competencies import cells_of, make_framework
from tests.support.training import publish_module, right_answers
from training import services as training
from training.models import Enrolment, Lesson, Module, QuizAttempt

pytestmark = pytest.mark.django_db

ROLES = ("org_admin", "manager", "assessor", "read_key", "write_key")
KEYS = ("read_key", "write_key")
SESSIONS = ("org_admin", "manager", "assessor")

# Every GET operation of the API, classified. A new endpoint fails
# test_every_api_read_is_classified until it is placed in one of these tables.
# Lists of personal records: the kind of record each returns.
PERSONAL_LISTS = {
    "/api/v1/enrolments/": "enrolments",
    "/api/v1/certificates/": "certificates",
    "/api/v1/assessments/": "assessments",
    "/api/v1/reminders/": "reminders",
    "/api/v1/jobs/": "jobs",
    "/api/v1/training-records/": "training records",
    "/api/v1/exemptions/": "exemptions",
}
# One personal record (or what hangs from it) by id: the kind of record the id names.
PERSONAL_DETAILS = {
    "/api/v1/enrolments/{id}/": "enrolments",
    "/api/v1/enrolments/{id}/quiz-attempts/": "enrolments",
    "/api/v1/certificates/{id}/": "certificates",
    "/api/v1/certificates/{id}/pdf/": "certificates",
    "/api/v1/assessments/{id}/": "assessments",
    "/api/v1/assessments/{id}/evidence/": "assessments",
    "/api/v1/reminders/{id}/": "reminders",
    "/api/v1/jobs/{id}/": "jobs",
    "/api/v1/training-records/{id}/": "training records",
    "/api/v1/training-records/{id}/evidence/": "training records",
    "/api/v1/exemptions/{id}/": "exemptions",
}
# Personal state derived per organisation, checked cell by cell below.
PERSONAL_STATES = {
    "/api/v1/compliance/",
    "/api/v1/compliance/people/",
    "/api/v1/people/{person_id}/competencies/",
    "/api/v1/teams/{team_id}/matrix/",
}
NOT_PERSONAL = {
    "/api/v1/api-keys/": "the organisation's keys, no personal records",
    "/api/v1/api-keys/{prefix}/": "the organisation's keys, no personal records",
    "/api/v1/competencies/": "catalogue",
    "/api/v1/competencies/{id}/": "catalogue",
    "/api/v1/frameworks/": "catalogue",
    "/api/v1/frameworks/{id}/": "catalogue",
    "/api/v1/modules/": "catalogue",
    "/api/v1/modules/{id}/": "catalogue",
    "/api/v1/indicators/": "catalogue",
    "/api/v1/indicators/reports/{report_id}/": "aggregate, suppressed (tests/reporting)",
    "/api/v1/indicators/reports/{report_id}/pdf/": "aggregate, suppressed (tests/reporting)",
    "/api/v1/stats/competencies/": "aggregate, suppressed (tests/reporting)",
    "/api/v1/stats/completions/": "aggregate, suppressed (tests/reporting)",
    "/api/v1/partnerships/": "aggregate, suppressed (tests/reporting)",
    "/api/v1/partnerships/{partnership_id}/stats/competencies/": "aggregate (tests/reporting)",
    "/api/v1/partnerships/{partnership_id}/stats/completions/": "aggregate (tests/reporting)",
    "/api/v1/partnerships/{partnership_id}/compliance/": "aggregate, suppressed (tests/reporting)",
    "/api/v1/me/": "the caller only",
    "/api/v1/enrolments/{id}/quiz/": "the caller's own enrolment only (tests/training)",
    "/api/v1/organisations/": "the caller's organisations (tests/accounts/test_isolation.py)",
    "/api/v1/organisations/{id}/": "the caller's organisations",
    "/api/v1/organisations/{organisation_id}/mandatory-email-kinds/": "organisation setting",
    "/api/v1/teams/": "the caller's teams (tests/accounts/test_isolation.py)",
    "/api/v1/teams/{id}/": "the caller's teams",
    "/api/v1/teams/{team_id}/requirements/": "the team's requirements, no personal records",
    "/api/v1/people/": "both organisations employ the person: name and email, no records",
    "/api/v1/people/{id}/": "both organisations employ the person: name and email, no records",
    "/api/v1/memberships/": "checked here: the other organisation's memberships never show",
    "/api/v1/memberships/{id}/": "checked here: the other organisation's memberships never show",
    "/api/v1/verify/{code}/": "public: what is printed on a certificate, by its code",
    "/api/v1/audit-events/": "org admins and keys only, by the record's organisation (tests/audit)",
    **{
        f"/api/v1/audit-events/{kind}/{{event_id}}/": "org admins and keys only (tests/audit)"
        for kind, _name in AUDIT_KINDS
    },
    "/api/v1/subject-access-exports/": "the caller's own and their organisation's (tests/privacy)",
    "/api/v1/subject-access-exports/{id}/": "the caller's own and their organisation's",
    "/api/v1/subject-access-exports/{id}/download/": "as its export (tests/privacy)",
    "/api/v1/organisation-exports/": "the admin's organisations' (tests/privacy)",
    "/api/v1/organisation-exports/{id}/": "the admin's organisations' (tests/privacy)",
    "/api/v1/organisation-exports/{id}/download/": "as its export (tests/privacy)",
    "/api/v1/erasures/": "org admins' erasure records: ids, states, counts (tests/privacy)",
    "/api/v1/erasures/{erasure_id}/": "an erasure record: ids, states, counts (tests/privacy)",
    "/api/v1/organisations/{organisation_id}/retention/": "organisation setting",
}


def api_reads() -> set[str]:
    """Every path of the OpenAPI schema with a GET operation."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {path for path, operations in schema["paths"].items() if "get" in operations}


@dataclass
class Side:
    """One organisation's people, the shared learner's records made under it, and a
    client for every role."""

    organisation: Organisation
    team: Team
    admin: User
    manager: User
    assessor: User
    records: dict[str, set[int]] = field(default_factory=dict)
    attempts: set[int] = field(default_factory=set)
    evidence_note: str = ""
    assessment_id: int = 0
    completed_enrolment: int = 0
    certificate_numbers: set[str] = field(default_factory=set)
    keys: dict[str, str] = field(default_factory=dict)

    def client(self, role: str) -> APIClient:
        client = APIClient()
        if role in KEYS:
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {self.keys[role]}")
        else:
            client.force_login(
                {"org_admin": self.admin, "manager": self.manager}.get(role, self.assessor)
            )
        return client


@dataclass
class Shared:
    learner: User
    competency: Competency
    x: Side
    y: Side

    def sides(self, name: str) -> tuple[Side, Side]:
        """(the asking organisation, the other one)."""
        return (self.x, self.y) if name == "x" else (self.y, self.x)


def _complete(learner: User, enrolment: Enrolment) -> Enrolment:
    for lesson_id in Lesson.objects.filter(version_id=enrolment.version_id).values_list(
        "pk", flat=True
    ):
        training.lesson_complete(enrolment=enrolment, lesson_id=lesson_id)
    assert training.quiz_submit(enrolment=enrolment, answers=right_answers(enrolment)).completed
    enrolment.refresh_from_db()
    return enrolment


def _fill(
    side: Side,
    learner: User,
    module: Module,
    due: Module,
    competency: Competency,
    outcome: str,
    note: str,
) -> None:
    """The shared learner's records under one organisation, made through the services."""
    manager = actor_for_user(side.manager)
    assigned = training.enrolment_assign(actor=manager, module=module, learner_ids=[learner.pk])
    [enrolment] = assigned.created
    _complete(learner, enrolment)
    side.completed_enrolment = enrolment.pk
    issue_certificate(enrolment.pk)
    # The same module is due in both organisations: one active enrolment in each.
    [active] = training.enrolment_assign(
        actor=manager, module=due, learner_ids=[learner.pk], due_in_days=7
    ).created
    assert active.organisation_id == side.organisation.pk
    # The active enrolment's certificate job (asked for by hand) failed for good.
    certificate_issues_retry(enrolment_ids=[active.pk])
    job_failed(
        task_name=issue_certificate.name,
        args=[active.pk],
        failures=[(timezone.now().isoformat(), "RuntimeError: renderer down")],
        permanent=True,
    )
    assessment = assessment_record(
        actor=actor_for_user(side.assessor),
        learner_id=learner.pk,
        competency=competency,
        method="evidence",
        outcome=outcome,
        evidence_note=note,
        evidence_file=SimpleUploadedFile(
            "evidence.pdf", b"%PDF-1.4 evidence", content_type="application/pdf"
        ),
    )
    assert assessment.organisation_id == side.organisation.pk
    side.evidence_note = note
    side.assessment_id = assessment.pk
    # Training done elsewhere (with evidence) and an exemption, each under this side.
    records_only = TrainingRequirement.objects.create(
        organisation=side.organisation, title=f"First aid at {side.organisation.name}"
    )
    record = training_record_add(
        actor=manager,
        person_id=learner.pk,
        requirement_id=records_only.pk,
        kind=RecordKind.FACE_TO_FACE,
        title=f"{note} first aid",
        completed_on=timezone.localdate(),
        evidence_file=SimpleUploadedFile(
            "attendance.pdf", b"%PDF-1.4 attendance", content_type="application/pdf"
        ),
    )
    assert record.organisation_id == side.organisation.pk
    exemption_grant(
        actor=manager,
        person_id=learner.pk,
        requirement_id=TrainingRequirement.objects.create(
            organisation=side.organisation, title=f"Driving at {side.organisation.name}"
        ).pk,
        reason=f"{note} does not drive",
        ends_on=timezone.localdate(),
    )
    for role, scope in (("read_key", KeyScope.READ), ("write_key", KeyScope.READ_WRITE)):
        _, key = OrganisationAPIKey.objects.create_key(
            name=role, organisation=side.organisation, scope=scope
        )
        side.keys[role] = key


def _collect(side: Side, learner: User) -> None:
    """What the shared learner has under this organisation, by kind."""
    mine = {"learner_id": learner.pk, "organisation_id": side.organisation.pk}
    side.records = {
        "enrolments": set(Enrolment.objects.filter(**mine).values_list("pk", flat=True)),
        "certificates": set(Certificate.objects.filter(**mine).values_list("pk", flat=True)),
        "assessments": set(Assessment.objects.filter(**mine).values_list("pk", flat=True)),
        "reminders": set(
            ReminderLog.objects.filter(
                person_id=learner.pk, organisation_id=side.organisation.pk
            ).values_list("pk", flat=True)
        ),
        "jobs": set(
            Job.objects.filter(organisation_id=side.organisation.pk, attempts__gt=0).values_list(
                "pk", flat=True
            )
        ),
        "training records": set(
            TrainingRecord.objects.filter(
                person_id=learner.pk, organisation_id=side.organisation.pk
            ).values_list("pk", flat=True)
        ),
        "exemptions": set(
            Exemption.objects.filter(
                person_id=learner.pk, requirement__organisation_id=side.organisation.pk
            ).values_list("pk", flat=True)
        ),
        "memberships": set(
            Membership.objects.filter(
                user_id=learner.pk, organisation_id=side.organisation.pk
            ).values_list("pk", flat=True)
        ),
    }
    side.attempts = set(
        QuizAttempt.objects.filter(
            enrolment__learner_id=learner.pk, organisation_id=side.organisation.pk
        ).values_list("pk", flat=True)
    )
    side.certificate_numbers = set(
        Certificate.objects.filter(**mine).values_list("number", flat=True)
    )
    for kind, ids in {**side.records, "quiz attempts": side.attempts}.items():
        assert ids, f"the fixture made no {kind} under {side.organisation}"


@pytest.fixture
def shared(world: World, settings: Settings, tmp_path: Path) -> Iterator[Shared]:
    settings.MEDIA_ROOT = tmp_path / "media"
    y_assessor = World.person(world.org_y, world.y_team_a, Role.ASSESSOR)
    learner = world.x_learner_a
    # Organisation Y takes the person on by inviting their address (which has an account),
    # and the person accepts.
    invited = person_invite(
        actor=actor_for_user(world.y_admin),
        organisation_id=world.org_y.pk,
        email=learner.email,
        full_name="Somebody Else",
        team_id=world.y_team_a.pk,
    )
    membership_accept(actor=actor_for_user(learner), membership_id=invited.pk)
    [competency] = make_framework(1)
    x = Side(world.org_x, world.x_team_a, world.x_admin, world.x_manager_a, world.x_assessor_a)
    y = Side(world.org_y, world.y_team_a, world.y_admin, world.y_manager, y_assessor)
    x_module = publish_module(slug="x-module", title="Damp basics")
    y_module = publish_module(slug="y-module", title="Hoarding awareness")
    due = publish_module(slug="due-module", title="Fire safety")
    _fill(x, learner, x_module, due, competency, "competent", "X-NOTE watched a home visit.")
    _fill(y, learner, y_module, due, competency, "not_yet_competent", "Y-NOTE missed a referral.")
    plan_daily()
    for side in (x, y):
        _collect(side, learner)
    yield Shared(learner=learner, competency=competency, x=x, y=y)


def _ids(client: APIClient, path: str) -> set[int]:
    """Every id a paginated list answers with (following its pages)."""
    found: set[int] = set()
    url: str | None = path
    while url:
        response = client.get(url)
        assert response.status_code == 200, (path, response.content)
        body = response.json()
        found |= {row["id"] for row in body["results"]}
        url = body.get("next")
    return found


def _sees(role: str, kind: str) -> bool:
    """Does this role see its organisation's records of this kind? The reminder log and
    failed background jobs are for org admins and keys; everything else is for every
    role."""
    if kind in ("reminders", "jobs"):
        return role in ("org_admin", *KEYS)
    return True


def test_every_api_read_is_classified() -> None:
    classified = set(PERSONAL_LISTS) | set(PERSONAL_DETAILS) | PERSONAL_STATES | set(NOT_PERSONAL)
    assert api_reads() == classified


@pytest.mark.parametrize("asking", ["x", "y"])
def test_each_organisation_sees_only_its_own_records_through_the_api(
    shared: Shared, asking: str
) -> None:
    mine, theirs = shared.sides(asking)
    for role in ROLES:
        client = mine.client(role)
        for path, kind in PERSONAL_LISTS.items():
            listed = _ids(client, path)
            assert not listed & theirs.records[kind], (role, path)
            if _sees(role, kind):
                assert mine.records[kind] <= listed, (role, path)
            else:
                assert not listed & mine.records[kind], (role, path)
        memberships = _ids(client, "/api/v1/memberships/")
        assert not memberships & theirs.records["memberships"], role
        for template, kind in PERSONAL_DETAILS.items():
            for record_id in theirs.records[kind]:
                response = client.get(template.format(id=record_id))
                assert response.status_code == 404, (role, template, record_id)
                assert theirs.evidence_note.encode() not in response.content
            for record_id in mine.records[kind]:
                response = client.get(template.format(id=record_id))
                if template == "/api/v1/assessments/{id}/evidence/" and (
                    record_id != mine.assessment_id
                ):
                    continue  # only the assessor's assessment has a file
                if template.endswith("/pdf/"):
                    assert response.status_code == 200, (role, template)
                    assert response["Content-Type"] == "application/pdf"
                    continue
                expected = 200 if _sees(role, kind) else 404
                assert response.status_code == expected, (role, template, response.content)
        # The quiz attempts hang from their enrolment: exactly the passed one, for every role.
        attempts = client.get(f"/api/v1/enrolments/{mine.completed_enrolment}/quiz-attempts/")
        assert attempts.status_code == 200, role
        rows = attempts.json()
        rows = rows["results"] if isinstance(rows, dict) else rows
        assert [(row["number"], row["passed"]) for row in rows] == [(1, True)], role


@pytest.mark.parametrize("asking", ["x", "y"])
def test_competency_state_is_each_organisations_own(shared: Shared, asking: str) -> None:
    """X's assessor found the learner competent, Y's not yet: each organisation's matrix,
    CSV and person view show its own judgement, never the other's."""
    mine, theirs = shared.sides(asking)
    expected = "competent" if asking == "x" else "not_yet_competent"
    learner = shared.learner
    for role in ROLES:
        client = mine.client(role)
        rows = client.get(f"/api/v1/people/{learner.pk}/competencies/")
        assert rows.status_code == 200, role
        assert [(row["organisation"], row["state"]) for row in rows.json()] == [
            (mine.organisation.pk, expected)
        ], role
        matrix = client.get(f"/api/v1/teams/{mine.team.pk}/matrix/")
        other_matrix = client.get(f"/api/v1/teams/{theirs.team.pk}/matrix/")
        assert other_matrix.status_code == 404, role
        if role == "assessor":
            assert matrix.status_code == 404  # the matrix is for managers and admins
            continue
        assert matrix.status_code == 200, role
        [person] = [p for p in matrix.json()["people"] if p["id"] == learner.pk]
        assert [cell["state"] for cell in cells_of(person)] == [expected], role


@pytest.mark.parametrize("asking", ["x", "y"])
def test_required_training_is_each_organisations_own(shared: Shared, asking: str) -> None:
    """Both organisations require fire safety (recorded training only); only X recorded
    the learner's session: X's rows say compliant, Y's not started, for every role, and
    neither shows the other organisation (issue 15, compliance at a glance)."""
    for side in (shared.x, shared.y):
        requirement = factories.TrainingRequirementFactory.create(
            organisation=side.organisation, module=None, title="Fire safety"
        )
        if side is shared.x:
            factories.TrainingRecordFactory.create(requirement=requirement, person=shared.learner)
    mine, theirs = shared.sides(asking)
    expected = "compliant" if asking == "x" else "not_started"
    for role in ROLES:
        client = mine.client(role)
        if role == "assessor":
            assert client.get("/api/v1/compliance/people/").status_code == 404
            continue
        rows = client.get("/api/v1/compliance/people/", {"person": shared.learner.pk}).json()
        assert [
            (row["organisation"], row["state"])
            for row in rows["results"]
            if row["title"] == "Fire safety"
        ] == [(mine.organisation.pk, expected)], role
        figures = client.get("/api/v1/compliance/").json()["organisations"]
        assert [organisation["id"] for organisation in figures] == [mine.organisation.pk], role
        other_team = client.get("/api/v1/compliance/people/", {"team": theirs.team.pk})
        assert other_team.status_code == 404, role


def _session(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("asking", ["x", "y"])
def test_each_organisation_sees_only_its_own_records_on_the_pages(
    shared: Shared, asking: str
) -> None:
    mine, theirs = shared.sides(asking)
    learner = shared.learner
    words = "Competent" if asking == "x" else "Not yet competent"
    for role in SESSIONS:
        client = _session(
            {"org_admin": mine.admin, "manager": mine.manager}.get(role, mine.assessor)
        )
        person = client.get(f"/people/{learner.pk}/competencies/")
        assert person.status_code == 200, role
        html = person.content.decode()
        assert mine.evidence_note in html and theirs.evidence_note not in html, role
        assert f"assessment-{theirs.assessment_id}" not in html, role
        certificates = client.get("/certificates/").content.decode()
        # The page lists others' certificates for managers and org admins only.
        listed = all(number in certificates for number in mine.certificate_numbers)
        assert listed == (role != "assessor"), role
        assert not any(number in certificates for number in theirs.certificate_numbers), role
        for certificate_id in theirs.records["certificates"]:
            assert client.get(f"/certificates/{certificate_id}/").status_code == 404, role
            assert client.get(f"/certificates/{certificate_id}/pdf/").status_code == 404, role
        for certificate_id in mine.records["certificates"]:
            assert client.get(f"/certificates/{certificate_id}/").status_code == 200, role
            pdf = client.get(f"/certificates/{certificate_id}/pdf/")
            assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf"), role
        for enrolment_id in theirs.records["enrolments"]:
            assert client.get(f"/learning/{enrolment_id}/").status_code == 404, role
        jobs = client.get("/jobs/")
        assert jobs.status_code == (200 if role == "org_admin" else 404), role
        for job_id in theirs.records["jobs"]:
            assert f"/jobs/{job_id}/retry/" not in jobs.content.decode(), role
            assert client.post(f"/jobs/{job_id}/retry/").status_code == 404, role
        for job_id in mine.records["jobs"]:
            shown = f"/jobs/{job_id}/retry/" in jobs.content.decode()
            assert shown == (role == "org_admin"), role
        assert client.get(f"/teams/{theirs.team.pk}/competency/").status_code == 404, role
        assert client.get(f"/teams/{theirs.team.pk}/competency.csv").status_code == 404, role
        if role == "assessor":
            continue
        matrix = client.get(f"/teams/{mine.team.pk}/competency/").content.decode()
        assert theirs.team.name not in matrix, role
        csv = client.get(f"/teams/{mine.team.pk}/competency.csv").content.decode("utf-8-sig")
        [row] = [line for line in csv.splitlines() if line.startswith(learner.full_name)]
        assert words in row and ("Not yet competent" in row) == (asking == "y"), role
        dashboard = client.get("/dashboard/")
        assert dashboard.status_code == 200, role
        assert theirs.team.name not in dashboard.content.decode(), role


def test_the_person_sees_all_their_own_records_labelled_by_organisation(
    shared: Shared,
) -> None:
    client = APIClient()
    client.force_login(shared.learner)
    for path, kind in PERSONAL_LISTS.items():
        if kind in ("reminders", "jobs"):
            continue
        assert shared.x.records[kind] | shared.y.records[kind] <= _ids(client, path), path
    for path in ("/api/v1/enrolments/", "/api/v1/assessments/", "/api/v1/certificates/"):
        labelled = {row["id"]: row["organisation"] for row in client.get(path).json()["results"]}
        for side in (shared.x, shared.y):
            kind = path.split("/")[3]
            assert {labelled[pk] for pk in side.records[kind]} == {side.organisation.pk}, path
    rows = client.get(f"/api/v1/people/{shared.learner.pk}/competencies/").json()
    assert sorted((row["organisation"], row["state"]) for row in rows) == sorted(
        [(shared.x.organisation.pk, "competent"), (shared.y.organisation.pk, "not_yet_competent")]
    )
    page = _session(shared.learner).get("/competencies/").content.decode()
    assert "Organisation X" in page and "Organisation Y" in page
    assert shared.x.evidence_note in page and shared.y.evidence_note in page
    learning = _session(shared.learner).get("/learning/").content.decode()
    assert "For Organisation X" in learning and "For Organisation Y" in learning
    certificates = _session(shared.learner).get("/certificates/").content.decode()
    for number in shared.x.certificate_numbers | shared.y.certificate_numbers:
        assert number in certificates
    assert "issued for Organisation X" in certificates
    assert "issued for Organisation Y" in certificates


@pytest.mark.parametrize("asking", ["x", "y"])
def test_no_assessor_supersedes_the_other_organisations_assessment(
    shared: Shared, asking: str
) -> None:
    mine, theirs = shared.sides(asking)
    before = Assessment.objects.count()
    client = mine.client("assessor")

    response = client.post(
        "/api/v1/assessments/",
        {
            "learner": shared.learner.pk,
            "competency": shared.competency.pk,
            "method": "observation",
            "outcome": "competent" if asking == "y" else "not_yet_competent",
            "evidence_note": "An attempt to overrule the other organisation.",
            "supersedes": theirs.assessment_id,
        },
        format="multipart",
    )
    missing = client.post(
        "/api/v1/assessments/",
        {
            "learner": shared.learner.pk,
            "competency": shared.competency.pk,
            "method": "observation",
            "outcome": "competent",
            "evidence_note": "Seen.",
            "supersedes": 99_999_999,
        },
        format="multipart",
    )
    page = _session(mine.assessor).post(
        "/assess/",
        {
            "learner": shared.learner.pk,
            "competency": shared.competency.pk,
            "method": "observation",
            "outcome": "competent",
            "evidence_note": "Seen.",
            "assessed_at": timezone.localdate().isoformat(),
            "supersedes": theirs.assessment_id,
        },
    )

    assert response.status_code == 404
    assert (response.status_code, response.json()) == (missing.status_code, missing.json())
    assert page.status_code == 400 and "No such assessment to correct." in page.content.decode()
    assert Assessment.objects.count() == before
    assert not Assessment.objects.filter(supersedes_id=theirs.assessment_id).exists()
    theirs_view = theirs.client("org_admin").get(
        f"/api/v1/people/{shared.learner.pk}/competencies/"
    )
    expected = "not_yet_competent" if asking == "x" else "competent"
    assert [row["state"] for row in theirs_view.json()] == [expected]


INVITE = {"full_name": "Pat Newcomer", "job_title": "Support worker", "role": Role.LEARNER}


@pytest.mark.parametrize("inviter", ["org_admin", "write_key"])
def test_inviting_an_existing_address_answers_exactly_as_a_new_one(
    world: World,
    inviter: str,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    existing = factories.UserFactory.create(full_name="Real Name", job_title="Ward sister")
    factories.MembershipFactory.create(user=existing, team=world.x_team_a, role=Role.LEARNER)
    y = Side(world.org_y, world.y_team_a, world.y_admin, world.y_manager, world.y_manager)
    _, y.keys["write_key"] = OrganisationAPIKey.objects.create_key(
        name="write", organisation=world.org_y, scope=KeyScope.READ_WRITE
    )
    client = y.client(inviter)
    sent = {**INVITE, "organisation": world.org_y.pk, "team": world.y_team_a.pk}

    with django_capture_on_commit_callbacks() as for_existing:
        old = client.post("/api/v1/people/", {**sent, "email": existing.email.upper()})
    with django_capture_on_commit_callbacks() as for_new:
        new = client.post("/api/v1/people/", {**sent, "email": "pat.newcomer@example.org"})

    assert old.status_code == new.status_code == 201
    old_body, new_body = dict(old.json()), dict(new.json())
    assert set(old_body) == set(new_body)
    for body in (old_body, new_body):
        body.pop("membership")
        body.pop("email")
    assert (
        old_body
        == new_body
        == {
            **INVITE,
            "organisation": world.org_y.pk,
            "team": world.y_team_a.pk,
        }
    )
    assert "Real Name" not in old.content.decode() and "Ward sister" not in old.content.decode()
    existing.refresh_from_db()
    assert (existing.full_name, existing.job_title) == ("Real Name", "Ward sister")
    membership = Membership.including_pending.get(user=existing, organisation=world.org_y)
    assert membership.is_pending  # until the person accepts (tests/accounts/test_invitations.py)
    assert old.json()["membership"] == membership.pk
    # The person who had an account is told which organisation added them; a new person
    # gets the invitation to set a password.
    [notice] = for_existing
    [invitation] = for_new
    # Each asked for one job (core.jobs: a Job row, sent after commit by its id).
    notice_job, invitation_job = (
        Job.objects.get(pk=notice.args[0]),
        Job.objects.get(pk=invitation.args[0]),
    )
    assert (notice_job.task, notice_job.args) == (
        "accounts.tasks.send_membership_notice",
        [membership.pk],
    )
    assert invitation_job.task == "accounts.tasks.send_invitation"
    # Y's admins see the job by the name they entered, never the account's own.
    assert INVITE["full_name"] in notice_job.description
    assert "Real Name" not in notice_job.description
    assert membership_notice_send(membership_id=membership.pk) is True
    assert membership_notice_send(membership_id=membership.pk) is False  # at most once
    [email] = mail.outbox
    assert email.to == [existing.email]
    assert email.subject == "Organisation Y asks to add you on Hearth"
    assert "Organisation Y asks to add you on Hearth as learner in Y team A." in email.body
    assert "set your password" not in str(email.body).lower()
