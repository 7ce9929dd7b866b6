"""Subject access and organisation exports (issue 17): asked for through the API and the
pages, built once by the worker however often the job runs, downloadable for 7 days by
the person or the organisation's admins (each download in the access log), then deleted.
Isolation (must show 5, exports): an org admin of X gets 404 for Y's exports and cannot
ask for one about a person who is only in Y."""

import csv
import io
import json
import threading
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings
from rest_framework.test import APIClient

from accounts.leaving import people_leave
from accounts.models import AccessEvent, AccessKind, KeyScope, OrganisationAPIKey, Role, User
from accounts.selectors import actor_for_user
from core.models import Job
from privacy import services_exports
from privacy.archive_building import exports_expire
from privacy.models import ExportStatus, OrganisationExport, SubjectAccessExport
from privacy.tasks import build_organisation_export, build_subject_access_export, expire_exports
from tests import factories
from tests.conftest import World
from training.models import Enrolment

pytestmark = pytest.mark.django_db

SUBJECT_ACCESS = "/api/v1/subject-access-exports/"
ORGANISATION = "/api/v1/organisation-exports/"
QUERIES_PER_LIST = 5  # signing in and the actor, then the count and the page of rows


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _archive(export: SubjectAccessExport | OrganisationExport) -> zipfile.ZipFile:
    export.refresh_from_db()
    return zipfile.ZipFile(export.file.path)


def _data(export: SubjectAccessExport) -> dict[str, Any]:
    with _archive(export) as archive:
        return dict(json.loads(archive.read("data.json")))


def _pks(data: dict[str, Any], label: str) -> set[Any]:
    return {row["pk"] for row in data["tables"][label]}


def _shared_learner(world: World) -> tuple[Enrolment, Enrolment]:
    """x_learner_a also works for Y, with an enrolment in each organisation."""
    factories.MembershipFactory.create(
        user=world.x_learner_a, organisation=world.org_y, team=world.y_team_a, role=Role.LEARNER
    )
    in_x = factories.EnrolmentFactory.create(learner=world.x_learner_a, organisation=world.org_x)
    in_y = factories.EnrolmentFactory.create(learner=world.x_learner_a, organisation=world.org_y)
    return in_x, in_y


def _ready_subject_access(world: World, *, by: User, person: User) -> SubjectAccessExport:
    organisation = world.org_x if by != world.y_admin else world.org_y
    export = services_exports.subject_access_request(
        actor=actor_for_user(by),
        person_id=person.pk,
        organisation_id=None if by == person else organisation.pk,
    )
    build_subject_access_export(export.pk)
    export.refresh_from_db()
    return export


def _ready_organisation_export(admin: User) -> OrganisationExport:
    export = services_exports.organisation_export_request(actor=actor_for_user(admin))
    build_organisation_export(export.pk)
    export.refresh_from_db()
    return export


# --- subject access through the API -------------------------------------------------------


def test_an_org_admin_asks_for_a_persons_export_polls_it_and_downloads_it_logged(
    world: World,
    client_for: Callable[[User], APIClient],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    admin = client_for(world.x_admin)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        asked = admin.post(SUBJECT_ACCESS, {"person": world.x_learner_a.pk}, format="json")

    assert asked.status_code == 202, asked.content
    export = SubjectAccessExport.objects.get()
    assert asked["Location"] == f"{SUBJECT_ACCESS}{export.pk}/"
    assert asked.json()["status"] == "pending"
    assert asked.json()["download_url"] is None
    assert (export.organisation, export.person, export.requested_by) == (
        world.org_x,
        world.x_learner_a,
        world.x_admin,
    )
    assert export.covers_all_organisations is False
    assert len(callbacks) == 1
    job = Job.objects.get()
    assert (job.task, job.args, job.organisation_id) == (
        "privacy.tasks.build_subject_access_export",
        [export.pk],
        world.org_x.pk,
    )

    build_subject_access_export(export.pk)
    status = admin.get(asked["Location"]).json()
    assert status["status"] == "ready"
    assert status["download_url"] == f"{SUBJECT_ACCESS}{export.pk}/download/"
    assert AccessEvent.objects.count() == 0

    download = admin.get(status["download_url"])

    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert {"data.json", "summary.html"} <= set(archive.namelist())
    event = AccessEvent.objects.get()
    assert (event.organisation, event.subject, event.kind) == (
        world.org_x,
        world.x_learner_a,
        AccessKind.SUBJECT_ACCESS,
    )
    assert event.context is not None
    assert event.context.get("person") == world.x_admin.pk


def test_an_admins_export_holds_what_their_organisation_holds_and_the_persons_own_holds_all(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    in_x, in_y = _shared_learner(world)
    staff_log = LogEntry.objects.create(
        user=world.x_learner_a, action_flag=ADDITION, object_repr="Y's team"
    )

    by_admin = _data(_ready_subject_access(world, by=world.x_admin, person=world.x_learner_a))
    own = _data(_ready_subject_access(world, by=world.x_learner_a, person=world.x_learner_a))

    assert _pks(by_admin, "training.Enrolment") == {in_x.pk}
    assert {row["organisation_id"] for row in by_admin["tables"]["accounts.Membership"]} == {
        world.org_x.pk
    }
    assert _pks(by_admin, "accounts.User") == {world.x_learner_a.pk}
    assert by_admin["scope"] == "one organisation"
    assert by_admin["tables"]["admin.LogEntry"] == []
    assert _pks(own, "admin.LogEntry") == {staff_log.pk}
    assert _pks(own, "training.Enrolment") == {in_x.pk, in_y.pk}
    assert own["scope"] == "every organisation"


def test_a_leavers_records_are_still_exported_by_the_organisation_they_left(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    enrolment = factories.EnrolmentFactory.create(
        learner=world.x_learner_b, organisation=world.org_x
    )
    people_leave(organisation_id=world.org_x.pk, user_ids={world.x_learner_b.pk})

    asked = client_for(world.x_admin).post(
        SUBJECT_ACCESS, {"person": world.x_learner_b.pk}, format="json"
    )
    whole = _ready_organisation_export(world.x_admin)

    assert asked.status_code == 202, asked.content
    build_subject_access_export(asked.json()["id"])
    data = _data(SubjectAccessExport.objects.get())
    assert _pks(data, "training.Enrolment") == {enrolment.pk}
    assert _pks(data, "accounts.Membership") == set()
    with _archive(whole) as archive:
        people = json.loads(archive.read("tables/accounts.User.json"))
    assert world.x_learner_b.pk in {row["pk"] for row in people}
    assert world.y_learner.pk not in {row["pk"] for row in people}


def test_the_person_sees_both_exports_and_the_admin_only_the_one_made_for_their_organisation(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    made_by_admin = _ready_subject_access(world, by=world.x_admin, person=world.x_learner_a)
    own = _ready_subject_access(world, by=world.x_learner_a, person=world.x_learner_a)
    learner, admin = client_for(world.x_learner_a), client_for(world.x_admin)

    listed = {row["id"] for row in learner.get(SUBJECT_ACCESS).json()["results"]}
    admin_listed = {row["id"] for row in admin.get(SUBJECT_ACCESS).json()["results"]}

    assert listed == {made_by_admin.pk, own.pk}
    assert admin_listed == {made_by_admin.pk}
    assert admin.get(f"{SUBJECT_ACCESS}{own.pk}/").status_code == 404
    assert admin.get(f"{SUBJECT_ACCESS}{own.pk}/download/").status_code == 404
    assert learner.get(f"{SUBJECT_ACCESS}{made_by_admin.pk}/download/").status_code == 200
    assert client_for(world.x_learner_b).get(f"{SUBJECT_ACCESS}{own.pk}/").status_code == 404


def test_nobody_but_an_org_admin_asks_for_someone_elses_export(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    for user in (world.x_manager_a, world.x_assessor_a, world.x_learner_b):
        asked = client_for(user).post(
            SUBJECT_ACCESS, {"person": world.x_learner_a.pk}, format="json"
        )
        assert asked.status_code == 404, user
    refused = client_for(world.x_manager_a).post(ORGANISATION, {}, format="json")
    assert refused.status_code == 404
    assert not SubjectAccessExport.objects.exists()
    assert not OrganisationExport.objects.exists()


def test_bad_input_is_a_field_error_never_a_500(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    admin = client_for(world.x_admin)

    asked = admin.post(SUBJECT_ACCESS, {"person": "someone"}, format="json")
    organisation = admin.post(ORGANISATION, {"organisation": -1}, format="json")
    not_a_number = admin.get(f"{SUBJECT_ACCESS}abc/")

    assert asked.status_code == 400
    assert "person" in asked.json()["error"]["fields"]
    assert organisation.status_code == 400
    assert "organisation" in organisation.json()["error"]["fields"]
    assert not_a_number.status_code == 400  # a malformed id, as everywhere (core.ids)
    assert not SubjectAccessExport.objects.exists()


def test_a_read_only_key_cannot_ask_but_a_read_write_key_can(world: World) -> None:
    client = APIClient()
    _read, read_secret = OrganisationAPIKey.objects.create_key(
        name="read", organisation=world.org_x, scope=KeyScope.READ
    )
    _write, write_secret = OrganisationAPIKey.objects.create_key(
        name="write", organisation=world.org_x, scope=KeyScope.READ_WRITE
    )
    body = {"person": world.x_learner_a.pk}

    read = client.post(
        SUBJECT_ACCESS, body, format="json", HTTP_AUTHORIZATION=f"Api-Key {read_secret}"
    )
    write = client.post(
        SUBJECT_ACCESS, body, format="json", HTTP_AUTHORIZATION=f"Api-Key {write_secret}"
    )

    assert read.status_code == 403
    assert write.status_code == 202
    assert SubjectAccessExport.objects.get().requested_by is None


# --- isolation (must show 5) --------------------------------------------------------------


def test_an_admin_of_x_gets_404_for_ys_exports_and_for_people_only_in_y(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    y_subject = _ready_subject_access(world, by=world.y_admin, person=world.y_learner)
    y_whole = _ready_organisation_export(world.y_admin)
    x_admin = client_for(world.x_admin)
    page = signed_in(world.x_admin)

    answers = [
        x_admin.get(f"{SUBJECT_ACCESS}{y_subject.pk}/").status_code,
        x_admin.get(f"{SUBJECT_ACCESS}{y_subject.pk}/download/").status_code,
        x_admin.get(f"{ORGANISATION}{y_whole.pk}/").status_code,
        x_admin.get(f"{ORGANISATION}{y_whole.pk}/download/").status_code,
        page.get(f"/my-data/exports/{y_subject.pk}/download/").status_code,
        page.get(f"/organisation/exports/{y_whole.pk}/download/").status_code,
        x_admin.post(SUBJECT_ACCESS, {"person": world.y_learner.pk}, format="json").status_code,
        x_admin.post(
            SUBJECT_ACCESS,
            {"person": world.y_learner.pk, "organisation": world.org_y.pk},
            format="json",
        ).status_code,
        x_admin.post(ORGANISATION, {"organisation": world.org_y.pk}, format="json").status_code,
        page.post(
            f"/organisation/{world.org_y.pk}/people/{world.y_learner.pk}/data-export/"
        ).status_code,
        page.post(
            f"/organisation/{world.org_x.pk}/people/{world.y_learner.pk}/data-export/"
        ).status_code,
    ]

    assert answers == [404] * len(answers)
    assert x_admin.get(SUBJECT_ACCESS).json()["results"] == []
    assert x_admin.get(ORGANISATION).json()["results"] == []
    assert SubjectAccessExport.objects.count() == OrganisationExport.objects.count() == 1
    assert not AccessEvent.objects.exists()
    listed = page.get("/organisation/exports/").content.decode()
    assert f"/organisation/exports/{y_whole.pk}/download/" not in listed
    assert f"/my-data/exports/{y_subject.pk}/download/" not in listed


# --- the worker: once, then expiry --------------------------------------------------------


def test_running_the_build_twice_gives_one_archive(world: World, media: Path) -> None:
    export = services_exports.subject_access_request(
        actor=actor_for_user(world.x_admin), person_id=world.x_learner_a.pk
    )
    whole = services_exports.organisation_export_request(actor=actor_for_user(world.x_admin))

    build_subject_access_export(export.pk)
    export.refresh_from_db()
    first = (export.file.name, export.ready_at, Path(export.file.path).read_bytes())
    build_subject_access_export(export.pk)
    build_organisation_export(whole.pk)
    build_organisation_export(whole.pk)
    export.refresh_from_db()

    assert (export.file.name, export.ready_at, Path(export.file.path).read_bytes()) == first
    assert sorted(p.name for p in (media / "subject-access").iterdir()) == [
        f"hearth-subject-access-{export.pk}.zip"
    ]
    assert sorted(p.name for p in (media / "organisation-exports").iterdir()) == [
        f"hearth-organisation-export-{whole.pk}.zip"
    ]
    assert export.expires_at == export.ready_at + timedelta(days=7)  # type: ignore[operator]


@pytest.mark.full_only
@pytest.mark.django_db(transaction=True)
def test_two_builds_at_once_give_one_archive(media: Path) -> None:
    world = World()
    export = services_exports.subject_access_request(
        actor=actor_for_user(world.x_admin), person_id=world.x_learner_a.pk
    )
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def build() -> None:
        try:
            barrier.wait()
            build_subject_access_export(export.pk)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    export.refresh_from_db()

    assert errors == []
    assert export.status == ExportStatus.READY
    assert [p.name for p in (media / "subject-access").iterdir()] == [
        f"hearth-subject-access-{export.pk}.zip"
    ]
    with zipfile.ZipFile(export.file.path) as archive:
        assert archive.testzip() is None


def test_after_7_days_the_file_is_deleted_and_the_export_expired_once(
    world: World, client_for: Callable[[User], APIClient], media: Path
) -> None:
    export = _ready_subject_access(world, by=world.x_admin, person=world.x_learner_a)
    fresh = _ready_organisation_export(world.x_admin)
    path = Path(export.file.path)
    week_later = timezone.now() + timedelta(days=7, minutes=1)
    OrganisationExport.objects.filter(pk=fresh.pk).update(
        expires_at=week_later + timedelta(hours=1)
    )

    assert exports_expire(now=week_later) == 1
    assert exports_expire(now=week_later) == 0
    export.refresh_from_db()
    fresh.refresh_from_db()

    assert not path.exists()
    assert (export.status, export.file.name) == (ExportStatus.EXPIRED, "")
    assert fresh.status == ExportStatus.READY
    gone = client_for(world.x_admin).get(f"{SUBJECT_ACCESS}{export.pk}/download/")
    assert gone.status_code == 410
    assert gone.json()["error"]["code"] == "expired"
    assert not AccessEvent.objects.exists()
    assert expire_exports() == 0


def test_the_person_is_emailed_once_when_their_own_export_is_ready(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    own = services_exports.subject_access_request(actor=actor_for_user(world.x_learner_a))
    for_them = services_exports.subject_access_request(
        actor=actor_for_user(world.x_admin), person_id=world.x_learner_b.pk
    )

    with django_capture_on_commit_callbacks(execute=True):
        build_subject_access_export(own.pk)
    with django_capture_on_commit_callbacks(execute=True):
        build_subject_access_export(own.pk)
        build_subject_access_export(for_them.pk)

    [message] = mail.outbox
    assert message.to == [world.x_learner_a.email]
    assert message.subject == "Your copy of your Hearth data is ready"
    assert "/my-data/" in str(message.body)
    assert "/subject-access" not in str(message.body)


def test_a_failed_build_that_gave_up_says_so(world: World) -> None:
    export = services_exports.subject_access_request(
        actor=actor_for_user(world.x_admin), person_id=world.x_learner_a.pk
    )

    build_subject_access_export.on_gave_up([export.pk], "OSError: disk full")
    export.refresh_from_db()

    assert (export.status, export.failure) == (ExportStatus.FAILED, "OSError: disk full")


# --- the organisation export --------------------------------------------------------------


def test_the_organisation_export_holds_every_table_of_the_organisation_and_nothing_of_y(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    in_x, in_y = _shared_learner(world)
    y_only = factories.EnrolmentFactory.create(learner=world.y_learner, organisation=world.org_y)
    export = _ready_organisation_export(world.x_admin)

    with _archive(export) as archive:
        names = set(archive.namelist())
        readme = archive.read("README.txt").decode()
        people = list(
            csv.DictReader(
                io.StringIO(archive.read("tables/accounts.User.csv").decode("utf-8-sig"))
            )
        )
        enrolments = json.loads(archive.read("tables/training.Enrolment.json"))
        memberships = json.loads(archive.read("tables/accounts.Membership.json"))
        membership_events = json.loads(archive.read("tables/audit.MembershipEvent.json"))

    for table in (
        "accounts.Team",
        "accounts.Membership",
        "training.Enrolment",
        "training.LessonProgress",
        "training.QuizAttempt",
        "competencies.Assessment",
        "competencies.Requirement",
        "compliance.TrainingRequirement",
        "compliance.TrainingRecord",
        "compliance.Exemption",
        "certificates.Certificate",
        "audit.EnrolmentEvent",
        "accounts.AccessEvent",
    ):
        assert {f"tables/{table}.csv", f"tables/{table}.json"} <= names, table
        assert f"tables/{table}.csv" in readme
    assert {int(row["pk"]) for row in people} == {u.pk for u in world.people_of(world.org_x)}
    assert "password" not in people[0]
    assert {row["pk"] for row in enrolments} == {in_x.pk}
    assert y_only.pk not in {row["pk"] for row in enrolments}
    assert {row["organisation_id"] for row in memberships} == {world.org_x.pk}
    assert membership_events
    assert {row["organisation_id"] for row in membership_events} == {world.org_x.pk}
    assert in_y.pk not in {row["pk"] for row in enrolments}


def test_the_organisation_export_download_is_logged(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    admin = client_for(world.x_admin)
    asked = admin.post(ORGANISATION, {}, format="json")
    assert asked.status_code == 202, asked.content
    build_organisation_export(asked.json()["id"])

    status = admin.get(asked["Location"]).json()
    download = admin.get(status["download_url"])

    assert download.status_code == 200
    event = AccessEvent.objects.get()
    assert (event.organisation, event.subject, event.kind) == (
        world.org_x,
        None,
        AccessKind.ORGANISATION_EXPORT,
    )


# --- pages --------------------------------------------------------------------------------


def test_a_person_asks_for_their_data_on_their_page_and_downloads_it(world: World) -> None:
    page = signed_in(world.x_learner_a)

    empty = page.get("/my-data/")
    asked = page.post("/my-data/", follow=True)
    export = SubjectAccessExport.objects.get()
    build_subject_access_export(export.pk)
    listed = page.get("/my-data/").content.decode()
    download = page.get(f"/my-data/exports/{export.pk}/download/")

    assert empty.status_code == 200
    assert "Ask for a copy of my data" in empty.content.decode()
    assert asked.status_code == 200
    assert "preparing the export" in asked.content.decode()
    assert export.covers_all_organisations and export.person == world.x_learner_a
    assert f"/my-data/exports/{export.pk}/download/" in listed
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert AccessEvent.objects.get().kind == AccessKind.SUBJECT_ACCESS


def test_an_admin_exports_a_person_from_their_page_and_the_organisation_from_the_exports_page(
    world: World,
) -> None:
    page = signed_in(world.x_admin)
    person_page = f"/organisation/{world.org_x.pk}/people/{world.x_learner_a.pk}/"

    shown = page.get(person_page).content.decode()
    asked = page.post(f"{person_page}data-export/", follow=True)
    whole = page.post("/organisation/exports/", {"organisation": world.org_x.pk}, follow=True)
    nonsense = page.post("/organisation/exports/", {"organisation": "x"}, follow=True)

    assert "Export their data" in shown
    assert asked.status_code == whole.status_code == nonsense.status_code == 200
    assert "Choose the organisation to export." in nonsense.content.decode()
    export = SubjectAccessExport.objects.get()
    assert (export.person, export.organisation) == (world.x_learner_a, world.org_x)
    assert OrganisationExport.objects.get().organisation == world.org_x
    build_subject_access_export(export.pk)
    listed = page.get("/organisation/exports/").content.decode()
    assert f"/my-data/exports/{export.pk}/download/" in listed
    assert page.get(f"/my-data/exports/{export.pk}/download/").status_code == 200


def test_only_org_admins_reach_the_exports_page(world: World) -> None:
    for user in (world.x_manager_a, world.x_learner_a):
        assert signed_in(user).get("/organisation/exports/").status_code == 404
        assert (
            signed_in(user)
            .post("/organisation/exports/", {"organisation": world.org_x.pk})
            .status_code
            == 404
        )
    assert not OrganisationExport.objects.exists()


# --- query counts -------------------------------------------------------------------------


@pytest.mark.parametrize("how_many", [1, 6])
def test_the_export_lists_take_the_same_queries_for_few_and_many(
    world: World,
    client_for: Callable[[User], APIClient],
    django_assert_num_queries: Any,
    how_many: int,
) -> None:
    admin = actor_for_user(world.x_admin)
    for _ in range(how_many):
        services_exports.subject_access_request(actor=admin, person_id=world.x_learner_a.pk)
        services_exports.organisation_export_request(actor=admin)
    client = client_for(world.x_admin)
    client.get(SUBJECT_ACCESS)  # the session, warmed

    with django_assert_num_queries(QUERIES_PER_LIST):
        people = client.get(SUBJECT_ACCESS)
    with django_assert_num_queries(QUERIES_PER_LIST):
        whole = client.get(ORGANISATION)

    assert len(people.json()["results"]) == len(whole.json()["results"]) == how_many
