"""The person record's required training (issue 15): every requirement that applies to
the person with its state, missed first; training done elsewhere recorded with its
evidence (checked by content, served back as a download) and a verifier; an exemption
with a reason and an end date; field errors in Hearth's words with nothing saved; a
fixed number of queries; and nobody outside the person's teams reaches any of it (404)."""

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts.models import Role, User
from compliance.models import Exemption, RecordKind, TrainingRecord, TrainingRequirement
from compliance.selectors import requirement_standings
from compliance.states import State
from tests.conftest import World
from tests.factories import (
    CompetencyFactory,
    RequirementFactory,
    TrainingRecordFactory,
    TrainingRequirementFactory,
)
from tests.support.training import publish_module
from tests.test_page_forms import assert_error_summary_first, assert_in_hearths_words

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@dataclass
class Required:
    world: World
    first_aid: TrainingRequirement  # recorded elsewhere only, never done: not started
    fire: TrainingRequirement  # a module, completed 400 days ago elsewhere: expired

    @property
    def person(self) -> User:
        return self.world.x_learner_a

    def path(self, requirement: TrainingRequirement, action: str) -> str:
        return f"/people/{self.person.pk}/requirements/{requirement.pk}/{action}/"


@pytest.fixture
def required(world: World, settings: Settings, tmp_path: Path) -> Required:
    settings.MEDIA_ROOT = str(tmp_path)
    first_aid = TrainingRequirementFactory.create(
        organisation=world.org_x, module=None, title="First aid at work", renewal_months=36
    )
    fire = TrainingRequirementFactory.create(
        organisation=world.org_x, team=world.x_team_a, module=publish_module(title="Fire safety")
    )
    TrainingRecordFactory.create(requirement=fire, person=world.x_learner_a, completed_on=ago(400))
    # Y's requirement and record never show to X's managers.
    y_requirement = TrainingRequirementFactory.create(
        organisation=world.org_y, module=None, title="Y's own subject"
    )
    TrainingRecordFactory.create(requirement=y_requirement, person=world.y_learner)
    return Required(world=world, first_aid=first_aid, fire=fire)


def _state(required: Required, requirement: TrainingRequirement) -> State:
    rows = requirement_standings(
        organisation_id=requirement.organisation_id, person_ids=[required.person.pk]
    )
    return next(row.standing.state for row in rows if row.requirement.pk == requirement.pk)


def test_the_record_lists_every_requirement_missed_first_with_what_was_done_elsewhere(
    required: Required,
) -> None:
    page = signed_in(required.world.x_manager_a).get(f"/people/{required.person.pk}/")
    html = page.content.decode()

    section = html[html.index('id="requirements-heading"') : html.index('id="learning-heading"')]
    assert 'Required training <span class="count">(2)</span>' in section
    assert section.index("Fire safety") < section.index("First aid at work")
    [fire] = [
        row
        for row in requirement_standings(
            organisation_id=required.world.org_x.pk, person_ids=[required.person.pk]
        )
        if row.requirement.pk == required.fire.pk
    ]
    assert fire.standing.valid_until is not None
    assert f"Expired after {fire.standing.valid_until:%-d %B %Y}" in section
    assert (
        "Fire safety awareness session, County Fire and Rescue Service (face-to-face session)"
        in section
    )
    assert "Y&#x27;s own subject" not in html and "Y's own subject" not in html
    assert section.count("Record training done elsewhere") == 2


def test_recording_a_course_with_evidence_makes_the_requirement_compliant(
    required: Required,
) -> None:
    manager = signed_in(required.world.x_manager_a)
    evidence = SimpleUploadedFile("certificate.pdf", PDF_BYTES, content_type="application/pdf")

    response = manager.post(
        required.path(required.first_aid, "record"),
        {
            "kind": RecordKind.EXTERNAL_COURSE,
            "title": "Emergency first aid at work",
            "provider": "St John Ambulance",
            "completed_on": ago(10).isoformat(),
            "evidence_file": evidence,
            "notes": "Level 3 award.",
        },
    )

    assert response.status_code == 302
    record = TrainingRecord.objects.get(requirement=required.first_aid)
    assert (record.person_id, record.organisation_id, record.verified_by_id) == (
        required.person.pk,
        required.world.org_x.pk,
        required.world.x_manager_a.pk,
    )
    assert _state(required, required.first_aid) == State.COMPLIANT
    page = manager.get(response["Location"]).content.decode()
    assert "Emergency first aid at work, completed on" in page
    download = manager.get(f"/people/{required.person.pk}/records/{record.pk}/evidence/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert download["Content-Type"] == "application/pdf"
    assert (
        signed_in(required.world.y_manager)
        .get(f"/people/{required.person.pk}/records/{record.pk}/evidence/")
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "kind", "Choose what kind of training it was."),
        ({"kind": "hearth_certificate"}, "kind", "Choose one of the kinds listed."),
        ({"title": "x" * 201}, "title", "Shorten the name to 200 characters or fewer."),
        ({"completed_on": "31/02/2026"}, "completed_on", "Enter a real date"),
        ({"completed_on": "2999-01-01"}, "completed_on", "Enter today or an earlier day."),
        ({"evidence_file": "script"}, "evidence_file", "Not a PDF, JPEG, PNG or .docx file."),
    ],
)
def test_a_record_with_errors_is_refused_in_hearths_words_and_saves_nothing(
    required: Required, data: dict[str, str], field: str, message: str
) -> None:
    sent: dict[str, object] = {
        "kind": RecordKind.FACE_TO_FACE,
        "title": "First aid refresher",
        "completed_on": ago(1).isoformat(),
        **data,
    }
    if data == {}:
        sent = {}
    if sent.get("evidence_file") == "script":
        sent["evidence_file"] = SimpleUploadedFile("run.pdf", b"#!/bin/sh\nrm -rf /\n")

    response = signed_in(required.world.x_manager_a).post(
        required.path(required.first_aid, "record"), sent
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert_error_summary_first(html)
    assert_in_hearths_words(html)
    assert f'id="id_{field}_error"' in html and message in html
    assert not TrainingRecord.objects.filter(requirement=required.first_aid).exists()


def test_marking_exempt_needs_a_reason_and_an_end_within_three_years(
    required: Required,
) -> None:
    manager = signed_in(required.world.x_manager_a)
    path = required.path(required.fire, "exempt")
    refusals = [
        ({}, "Enter the last day of the exemption."),
        ({"ends_on": ago(1).isoformat(), "reason": "Leave"}, "Enter today or a later day."),
        ({"ends_on": ago(-1200).isoformat(), "reason": "Leave"}, "Enter a day within three years."),
        ({"ends_on": ago(-30).isoformat(), "reason": "   "}, "Say why."),
    ]
    for data, message in refusals:
        response = manager.post(path, data)
        html = response.content.decode()
        assert response.status_code == 400, data
        assert message in html, data
        assert_error_summary_first(html)
        assert_in_hearths_words(html)
    assert not Exemption.objects.exists()

    done = manager.post(path, {"ends_on": ago(-30).isoformat(), "reason": "On maternity leave"})

    assert done.status_code == 302
    assert _state(required, required.fire) == State.EXEMPT
    page = manager.get(done["Location"]).content.decode()
    assert f"Exempt from Fire safety until {ago(-30):%-d %B %Y}." in page
    assert "Reason for the exemption: On maternity leave" in page


def test_nobody_outside_the_persons_teams_reaches_the_actions(required: Required) -> None:
    world = required.world
    team_b_manager = World.person(world.org_x, world.x_team_b, Role.MANAGER)
    outsiders = [world.y_manager, world.y_admin, world.x_learner_a, world.x_assessor_a]
    answers = []
    for outsider in [*outsiders, team_b_manager]:
        client = signed_in(outsider)
        for action in ("record", "recognise", "exempt"):
            answers.append(client.get(required.path(required.fire, action)).status_code)
            answers.append(client.post(required.path(required.fire, action), {}).status_code)
    # X's admin reaches X's person, but not for a requirement of another organisation.
    y_requirement = TrainingRequirement.objects.get(organisation=world.org_y)
    admin = signed_in(world.x_admin)
    answers.append(admin.get(required.path(y_requirement, "record")).status_code)
    # A requirement that does not apply to the person (team B's) is not found either.
    team_b_only = TrainingRequirementFactory.create(
        organisation=world.org_x, team=world.x_team_b, module=None, title="Team B subject"
    )
    answers.append(admin.get(required.path(team_b_only, "exempt")).status_code)

    assert set(answers) == {404}
    assert admin.get(required.path(required.fire, "record")).status_code == 200
    assert TrainingRecord.objects.count() == 2 and not Exemption.objects.exists()


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_record_takes_the_same_queries_for_3_and_13_requirements(required: Required) -> None:
    manager = signed_in(required.world.x_manager_a)
    path = f"/people/{required.person.pk}/"
    RequirementFactory.create(team=required.world.x_team_a, competency=CompetencyFactory.create())
    three = _queries(manager, path)
    for number in range(8):
        requirement = TrainingRequirementFactory.create(
            organisation=required.world.org_x, module=None, title=f"Subject {number}"
        )
        TrainingRecordFactory.create(requirement=requirement, person=required.person)
    for number in range(2):
        RequirementFactory.create(
            team=required.world.x_team_a, competency=CompetencyFactory.create(code=f"Q{number}")
        )

    thirteen = _queries(manager, path)

    # 24, and 2 for the access log (issue 17): the organisations it is seen through, the row.
    assert three == thirteen == 26
