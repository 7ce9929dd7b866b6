"""Must-show 1 of issue 17, through the API: each audited kind changed as a real caller
would, then exactly one event per changed row found through the reader's API and page,
with the actor and the values before and after."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Membership, OrganisationAPIKey, Role, Team
from audit.models import OrganisationAPIKeyEvent
from competencies.models import Assessment, Requirement
from tests.audit.reading import api_for, changes, only_event, page_shows, trail
from tests.conftest import World
from tests.factories import MembershipFactory, TrainingRequirementFactory
from tests.support.api import key_client
from tests.support.competencies import make_framework
from tests.support.training import publish_module
from training.models import Enrolment, EnrolmentChange

pytestmark = pytest.mark.django_db


def test_a_team_made_through_the_api_is_one_insert_by_the_admin(world: World) -> None:
    admin = api_for(world.x_admin)

    made = admin.post("/api/v1/teams/", {"organisation": world.org_x.pk, "name": "Ward 9"})

    team = Team.objects.get(pk=made.json()["id"])
    event = only_event(admin, "team", team.pk, "insert")
    assert event["actor"] == {
        "person": world.x_admin.pk,
        "api_key": None,
        "name": world.x_admin.full_name,
        "via": "api",
    }
    assert event["request"]["method"] == "POST"
    assert event["request"]["path"] == "/api/v1/teams/"
    assert event["request"]["request_id"] == made["X-Request-ID"]
    assert changes(event)["name"] == (None, "Ward 9")
    assert changes(event)["organisation_id"] == (None, world.org_x.pk)
    page_shows(world.x_admin, event, "Ward 9", "POST /api/v1/teams/")


def test_inviting_and_removing_a_role_are_membership_events(world: World) -> None:
    admin = api_for(world.x_admin)

    invited = admin.post(
        "/api/v1/people/",
        {
            "organisation": world.org_x.pk,
            "email": "new.nurse@example.org",
            "full_name": "Nia Nurse",
            "job_title": "Nurse",
            "role": Role.LEARNER,
            "team": world.x_team_a.pk,
        },
    )
    added = admin.post(
        "/api/v1/memberships/",
        {
            "user": world.x_learner_a.pk,
            "organisation": world.org_x.pk,
            "role": Role.ASSESSOR,
            "team": world.x_team_a.pk,
        },
    )
    removed = admin.delete(f"/api/v1/memberships/{added.json()['id']}/")

    assert (invited.status_code, added.status_code, removed.status_code) == (201, 201, 204)
    invitation = only_event(admin, "membership", invited.json()["membership"], "insert")
    assert changes(invitation)["invited_full_name"] == (None, "Nia Nurse")
    assert changes(invitation)["status"] == (None, "pending")
    assert invitation["actor"]["person"] == world.x_admin.pk
    inserted = only_event(admin, "membership", added.json()["id"], "insert")
    deleted = only_event(admin, "membership", added.json()["id"], "delete")
    assert changes(inserted)["role"] == (None, Role.ASSESSOR)
    assert changes(deleted)["role"] == (Role.ASSESSOR, None)
    assert deleted["person"] == world.x_learner_a.pk
    assert deleted["person_name"] == world.x_learner_a.full_name
    assert not Membership.objects.filter(pk=added.json()["id"]).exists()
    page_shows(world.x_admin, deleted, "Membership", "deleted", "assessor")


def test_a_person_deactivated_is_an_update_of_their_row_and_their_roles_deleted(
    world: World,
) -> None:
    admin = api_for(world.x_admin)
    membership = Membership.objects.get(user=world.x_learner_b)

    left = admin.post(
        f"/api/v1/people/{world.x_learner_b.pk}/deactivate/", {"organisation": world.org_x.pk}
    )

    assert left.status_code == 204
    person = only_event(admin, "person", world.x_learner_b.pk, "update")
    before, after = changes(person)["sessions_ended_at"]
    assert before is None and after is not None
    assert person["actor"]["person"] == world.x_admin.pk
    assert person["person"] == world.x_learner_b.pk
    gone = only_event(admin, "membership", membership.pk, "delete")
    assert changes(gone)["user_id"] == (world.x_learner_b.pk, None)
    page_shows(world.x_admin, person, "sessions_ended_at", world.x_learner_b.email)


def test_an_api_key_made_and_revoked_is_an_insert_and_an_update(world: World) -> None:
    admin = api_for(world.x_admin)

    made = admin.post(
        "/api/v1/api-keys/", {"organisation": world.org_x.pk, "name": "Power BI", "scope": "read"}
    )
    prefix = made.json()["prefix"]
    revoked = admin.post(f"/api/v1/api-keys/{prefix}/revoke/")

    assert (made.status_code, revoked.status_code) == (201, 200)
    key = OrganisationAPIKey.objects.get(prefix=prefix)
    inserted = only_event(admin, "api_key", prefix, "insert")
    updated = only_event(admin, "api_key", prefix, "update")
    assert inserted["object_id"] == prefix
    # The key's primary key holds its hash: never shown, nor kept in the audit table.
    assert key.hashed_key not in str(inserted) + str(updated)
    kept = list(OrganisationAPIKeyEvent.objects.values_list())
    assert len(kept) == 2 and key.hashed_key not in str(kept)
    assert changes(inserted)["name"] == (None, "Power BI")
    assert "hashed_key" not in changes(inserted)
    assert changes(updated)["revoked"] == (False, True)
    assert set(changes(updated)) == {"revoked", "revoked_at"}
    page_shows(world.x_admin, updated, "revoked", "True", "False")


def test_a_change_through_an_api_key_names_the_key(world: World) -> None:
    writer = key_client(world.org_x, scope="read_write", name="HR system")
    key = OrganisationAPIKey.objects.get(name="HR system")

    made = writer.post("/api/v1/teams/", {"organisation": world.org_x.pk, "name": "Ward 10"})

    event = only_event(writer, "team", made.json()["id"], "insert")
    assert event["actor"] == {
        "person": None,
        "api_key": key.prefix,
        "name": f"API key “HR system” ({key.prefix})",
        "via": "api",
    }
    page_shows(world.x_admin, event, "Ward 10")


def test_assigning_extending_and_withdrawing_training(world: World) -> None:
    module = publish_module()
    manager = api_for(world.x_manager_a)
    admin = api_for(world.x_admin)

    assigned = manager.post(
        "/api/v1/assignments/",
        {"module": module.pk, "learners": [world.x_learner_a.pk], "due_in_days": 10},
    )
    enrolment = Enrolment.objects.get(learner=world.x_learner_a, module=module)
    due = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    extended = manager.post(
        f"/api/v1/enrolments/{enrolment.pk}/extend/", {"due_date": due, "reason": "Leave."}
    )
    withdrawn = manager.post(f"/api/v1/enrolments/{enrolment.pk}/withdraw/", {"reason": "Moved."})

    assert (assigned.status_code, extended.status_code, withdrawn.status_code) == (201, 200, 200)
    inserted = only_event(admin, "enrolment", enrolment.pk, "insert")
    assert inserted["actor"]["person"] == world.x_manager_a.pk
    assert inserted["person"] == world.x_learner_a.pk
    updates = [
        e for e in trail(admin, kind="enrolment", object=enrolment.pk) if e["action"] == "update"
    ]
    due_changes = [changes(e)["due_date"] for e in updates if "due_date" in changes(e)]
    assert due_changes == [((timezone.localdate() + datetime.timedelta(days=10)).isoformat(), due)]
    status_changes = [changes(e)["status"] for e in updates if "status" in changes(e)]
    assert status_changes[0][1] == "withdrawn"
    history = EnrolmentChange.objects.filter(enrolment=enrolment).order_by("pk")
    assert [c.kind for c in history] == ["extended", "withdrawn"]
    for change in history:
        event = only_event(admin, "enrolment_change", change.pk, "insert")
        assert event["person"] == world.x_learner_a.pk
        assert event["actor"]["person"] == world.x_manager_a.pk
    page_shows(world.x_admin, inserted, world.x_manager_a.full_name, world.x_learner_a.full_name)


def test_competency_requirements_and_assessments(world: World) -> None:
    competency = make_framework(1)[0]
    manager = api_for(world.x_manager_a)
    assessor = api_for(world.x_assessor_a)
    admin = api_for(world.x_admin)

    required = manager.post(
        f"/api/v1/teams/{world.x_team_a.pk}/requirements/",
        {"competency": competency.pk, "level": str(competency.level)},
    )
    assessed = assessor.post(
        "/api/v1/assessments/",
        {
            "learner": world.x_learner_a.pk,
            "competency": competency.pk,
            "method": "observation",
            "outcome": "competent",
            "evidence_note": "Saw it done well.",
        },
    )

    assert (required.status_code, assessed.status_code) == (201, 201), required.content
    requirement = Requirement.objects.get(team=world.x_team_a, competency=competency)
    event = only_event(admin, "competency_requirement", requirement.pk, "insert")
    assert changes(event)["competency_id"] == (None, competency.pk)
    assert event["actor"]["person"] == world.x_manager_a.pk
    assessment = Assessment.objects.get(pk=assessed.json()["id"])
    recorded = only_event(admin, "assessment", assessment.pk, "insert")
    assert changes(recorded)["outcome"] == (None, "competent")
    assert changes(recorded)["evidence_note"] == (None, "Saw it done well.")
    assert recorded["actor"]["person"] == world.x_assessor_a.pk
    assert recorded["person"] == world.x_learner_a.pk
    page_shows(world.x_admin, recorded, "Saw it done well.", world.x_assessor_a.full_name)


def test_a_row_made_outside_any_request_has_no_actor(world: World) -> None:
    admin = api_for(world.x_admin)
    event = only_event(admin, "team", world.x_team_a.pk, "insert")
    assert event["actor"] == {"person": None, "api_key": None, "name": "—", "via": ""}


def test_a_training_record_and_an_exemption_added_through_the_api(world: World) -> None:
    requirement = TrainingRequirementFactory.create(organisation=world.org_x, title="First aid")
    admin = api_for(world.x_admin)

    recorded = admin.post(
        "/api/v1/training-records/",
        {
            "person": world.x_learner_a.pk,
            "requirement": requirement.pk,
            "kind": "external_course",
            "title": "First aid at work",
            "completed_on": timezone.localdate().isoformat(),
        },
        format="json",
    )
    exempted = admin.post(
        "/api/v1/exemptions/",
        {
            "person": world.x_learner_b.pk,
            "requirement": requirement.pk,
            "reason": "On long-term leave.",
            "ends_on": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        },
        format="json",
    )

    assert (recorded.status_code, exempted.status_code) == (201, 201), recorded.content
    record = only_event(admin, "training_record", recorded.json()["id"], "insert")
    assert changes(record)["title"] == (None, "First aid at work")
    assert record["person"] == world.x_learner_a.pk
    exemption = only_event(admin, "exemption", exempted.json()["id"], "insert")
    assert changes(exemption)["reason"] == (None, "On long-term leave.")
    assert exemption["person"] == world.x_learner_b.pk
    assert exemption["actor"]["person"] == world.x_admin.pk
    page_shows(world.x_admin, exemption, "On long-term leave.", world.x_learner_b.full_name)


def test_a_person_in_both_organisations_is_named_only_where_the_reader_sees_them(
    world: World,
) -> None:
    shared = world.x_learner_a
    MembershipFactory.create(
        user=shared, organisation=world.org_y, team=world.y_team_a, role=Role.LEARNER
    )
    y_admin = api_for(world.y_admin)

    y_admin.post(f"/api/v1/people/{shared.pk}/deactivate/", {"organisation": world.org_y.pk})

    # X still holds the person: X's admin sees the change to their row, made by someone
    # X cannot see, without that person's name.
    seen_by_x = only_event(api_for(world.x_admin), "person", shared.pk, "update")
    assert seen_by_x["actor"]["name"] == "Someone outside your organisation"
    assert seen_by_x["person_name"] == shared.full_name
    y_membership_events = trail(api_for(world.x_admin), kind="membership", person=shared.pk)
    assert {e["object_id"] for e in y_membership_events} == {
        str(m) for m in Membership.objects.filter(user=shared).values_list("pk", flat=True)
    }
