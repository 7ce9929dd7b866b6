"""Issue 13: background work that failed is shown to the org admins of its organisation,
with a retry button (the /jobs/ page) and at /api/v1/jobs/. Out of scope answers exactly
as missing (404); a read-only key may look but not retry (403); a done job cannot be
retried (409)."""

import datetime
import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.models import KeyScope, User
from accounts.selectors import actor_for_user
from core import jobs
from core.errors import Conflict, NotFound
from core.models import Job, JobState
from tests.conftest import World
from tests.factories import JobFactory
from tests.support.api import key_client

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], APIClient]
# session, user, memberships (the actor), count, one page of jobs.
JOB_LIST_QUERIES = 5


class Jobs:
    """Organisation X's jobs in every state, and one each of Y's and of no organisation."""

    def __init__(self, world: World) -> None:
        now = timezone.now()
        x = world.org_x.pk
        self.retrying = JobFactory.create(
            organisation_id=x, attempts=2, due_at=now + datetime.timedelta(hours=1)
        )
        self.gave_up = JobFactory.create(organisation_id=x, attempts=20, gave_up_at=now)
        self.done = JobFactory.create(organisation_id=x, attempts=1, done_at=now)
        self.pending = JobFactory.create(organisation_id=x)  # never failed: not listed
        self.done_first_time = JobFactory.create(organisation_id=x, done_at=now)  # neither
        self.theirs = JobFactory.create(organisation_id=world.org_y.pk, attempts=3, gave_up_at=now)
        self.nobodys = JobFactory.create(organisation_id=None, attempts=1, gave_up_at=now)

    @property
    def listed_for_x(self) -> set[int]:
        return {self.retrying.pk, self.gave_up.pk, self.done.pk}


@pytest.fixture
def x_jobs(world: World) -> Jobs:
    return Jobs(world)


def _ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def signed_in(user: User, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def text_of(html: str) -> str:
    """The page's visible words, roughly: tags dropped, entities read, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- the API --------------------------------------------------------------------------


def test_org_admins_and_their_keys_list_their_organisations_failed_jobs_only(
    world: World, x_jobs: Jobs, client_for: ClientFor
) -> None:
    as_x = _ids(client_for(world.x_admin).get("/api/v1/jobs/"))
    as_read_key = _ids(key_client(world.org_x, KeyScope.READ).get("/api/v1/jobs/"))
    as_write_key = _ids(key_client(world.org_x, KeyScope.READ_WRITE).get("/api/v1/jobs/"))
    as_y = _ids(client_for(world.y_admin).get("/api/v1/jobs/"))

    assert as_x == as_read_key == as_write_key == x_jobs.listed_for_x
    assert as_y == {x_jobs.theirs.pk}
    for who in (world.x_manager_a, world.x_assessor_a, world.x_learner_a, world.y_learner):
        assert _ids(client_for(who).get("/api/v1/jobs/")) == set(), who


def test_a_job_shows_what_it_is_its_state_and_when_it_is_tried_next(
    world: World, x_jobs: Jobs, client_for: ClientFor
) -> None:
    admin = client_for(world.x_admin)
    retrying = admin.get(f"/api/v1/jobs/{x_jobs.retrying.pk}/").json()
    gave_up = admin.get(f"/api/v1/jobs/{x_jobs.gave_up.pk}/").json()

    assert retrying == {
        "id": x_jobs.retrying.pk,
        "organisation": world.org_x.pk,
        "description": x_jobs.retrying.description,
        "state": "retrying",
        "attempts": 2,
        "last_error": "SMTPServerDisconnected: Connection unexpectedly closed",
        "requested_at": retrying["requested_at"],
        "failed_at": retrying["failed_at"],
        "next_attempt_at": retrying["next_attempt_at"],
        "gave_up_at": None,
        "done_at": None,
    }
    parse = datetime.datetime.fromisoformat
    assert parse(retrying["next_attempt_at"]) == x_jobs.retrying.due_at
    assert parse(retrying["failed_at"]) == x_jobs.retrying.failed_at
    assert (gave_up["state"], gave_up["next_attempt_at"]) == ("gave_up", None)
    assert parse(gave_up["gave_up_at"]) == x_jobs.gave_up.gave_up_at


@pytest.mark.parametrize(
    ("state", "expected"), [("retrying", "retrying"), ("gave_up", "gave_up"), ("done", "done")]
)
def test_the_list_filters_by_state(
    world: World, x_jobs: Jobs, client_for: ClientFor, state: str, expected: str
) -> None:
    listed = _ids(client_for(world.x_admin).get(f"/api/v1/jobs/?state={state}"))

    assert listed == {getattr(x_jobs, expected).pk}


@pytest.mark.parametrize("query", ["state=pending", "state=", "state=done&state=retrying"])
def test_a_state_that_is_not_one_of_the_three_is_a_400(
    world: World, client_for: ClientFor, query: str
) -> None:
    response = client_for(world.x_admin).get(f"/api/v1/jobs/?{query}")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["state"]


def test_jobs_out_of_scope_answer_exactly_as_missing(
    world: World, x_jobs: Jobs, client_for: ClientFor
) -> None:
    missing = max(Job.objects.values_list("pk", flat=True)) + 1000
    for who in (world.y_admin, world.x_manager_a, world.x_learner_a):
        client = client_for(who)
        for job in (x_jobs.gave_up, x_jobs.retrying):
            detail, retry = (
                client.get(f"/api/v1/jobs/{job.pk}/"),
                client.post(f"/api/v1/jobs/{job.pk}/retry/"),
            )
            nothing = client.post(f"/api/v1/jobs/{missing}/retry/")
            assert detail.status_code == retry.status_code == nothing.status_code == 404
            assert retry.json() == nothing.json(), who
    admin = client_for(world.x_admin)
    for job in (x_jobs.theirs, x_jobs.nobodys, x_jobs.pending, x_jobs.done_first_time):
        assert admin.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
        assert admin.post(f"/api/v1/jobs/{job.pk}/retry/").status_code == 404
    unchanged = Job.objects.get(pk=x_jobs.gave_up.pk)
    assert unchanged.gave_up_at == x_jobs.gave_up.gave_up_at


def test_retrying_a_stopped_job_makes_it_due_now_and_sends_it_after_commit(
    world: World, x_jobs: Jobs, client_for: ClientFor, django_capture_on_commit_callbacks: Any
) -> None:
    job = x_jobs.gave_up
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(world.x_admin).post(f"/api/v1/jobs/{job.pk}/retry/")

    assert response.status_code == 202
    body = response.json()
    assert (body["id"], body["state"], body["gave_up_at"], body["attempts"]) == (
        job.pk,
        "retrying",
        None,
        20,
    )
    job.refresh_from_db()
    assert job.state == JobState.RETRYING and job.gave_up_at is None
    assert job.due_at <= timezone.now()
    assert datetime.datetime.fromisoformat(body["next_attempt_at"]) == job.due_at
    sends = [c for c in callbacks if getattr(c, "func", None) is jobs._send_after_commit]
    assert [c.args for c in sends] == [(job.pk,)]


def test_retrying_a_job_that_is_waiting_for_its_backoff_brings_it_forward(
    world: World, x_jobs: Jobs
) -> None:
    job = x_jobs.retrying
    waiting_until = job.due_at

    services.job_retry(actor=actor_for_user(world.x_admin), job=job)

    job.refresh_from_db()
    assert job.due_at < waiting_until and job.due_at <= timezone.now()
    assert (job.state, job.attempts) == (JobState.RETRYING, 2)


def test_a_read_key_may_not_retry_and_a_read_write_key_may(world: World, x_jobs: Jobs) -> None:
    job = x_jobs.gave_up

    refused = key_client(world.org_x, KeyScope.READ).post(f"/api/v1/jobs/{job.pk}/retry/")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "read_only"
    assert Job.objects.get(pk=job.pk).gave_up_at is not None

    accepted = key_client(world.org_x, KeyScope.READ_WRITE).post(f"/api/v1/jobs/{job.pk}/retry/")
    assert accepted.status_code == 202
    assert Job.objects.get(pk=job.pk).gave_up_at is None


def test_a_done_job_cannot_be_retried(world: World, x_jobs: Jobs, client_for: ClientFor) -> None:
    response = client_for(world.x_admin).post(f"/api/v1/jobs/{x_jobs.done.pk}/retry/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert Job.objects.get(pk=x_jobs.done.pk).done_at == x_jobs.done.done_at
    with pytest.raises(Conflict):
        services.job_retry(actor=actor_for_user(world.x_admin), job=x_jobs.done)


def test_the_service_refuses_anyone_but_the_jobs_organisations_admins(
    world: World, x_jobs: Jobs
) -> None:
    for who in (world.y_admin, world.x_manager_a, world.x_learner_a):
        with pytest.raises(NotFound):
            services.job_retry(actor=actor_for_user(who), job=x_jobs.gave_up)

    assert Job.objects.get(pk=x_jobs.gave_up.pk).gave_up_at is not None


@pytest.mark.parametrize("count", [1, 60])
def test_the_list_takes_the_same_queries_for_one_job_or_many(
    world: World,
    client_for: ClientFor,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    JobFactory.create_batch(count, organisation_id=world.org_x.pk, attempts=1)
    client = client_for(world.x_admin)

    with django_assert_num_queries(JOB_LIST_QUERIES):
        response = client.get("/api/v1/jobs/")

    assert response.json()["count"] == count


# --- the page -------------------------------------------------------------------------


def test_an_org_admin_sees_the_background_work_page(world: World, x_jobs: Jobs) -> None:
    response = signed_in(world.x_admin).get("/jobs/")

    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(html)
    assert "<h1>Background work</h1>" in html
    assert "Work that failed (3)" in text
    for job in (x_jobs.retrying, x_jobs.gave_up, x_jobs.done):
        assert job.description in text
    for job in (x_jobs.pending, x_jobs.done_first_time, x_jobs.theirs, x_jobs.nobodys):
        assert job.description not in text
    assert "Failed; will be tried again" in text and "Failed; retrying stopped" in text
    assert "Not until tried again" in text
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in text
    local_due = timezone.localtime(x_jobs.retrying.due_at)
    assert local_due.strftime("%H:%M") in text
    # A button for each job not done, named for it; none for the done one.
    assert f'action="/jobs/{x_jobs.retrying.pk}/retry/"' in html
    assert f'action="/jobs/{x_jobs.gave_up.pk}/retry/"' in html
    assert f'action="/jobs/{x_jobs.done.pk}/retry/"' not in html
    assert text.count("Try again now") == 2
    assert 'href="/organisation/" aria-current="page">Organisation</a>' in html


def test_others_get_404_and_no_navigation_link(world: World, x_jobs: Jobs) -> None:
    for who in (world.x_manager_a, world.x_assessor_a, world.x_learner_a):
        client = signed_in(who)
        assert client.get("/jobs/").status_code == 404, who
        assert client.post(f"/jobs/{x_jobs.gave_up.pk}/retry/").status_code == 404, who
        assert 'href="/organisation/"' not in client.get("/").content.decode(), who
    assert 'href="/organisation/"' in signed_in(world.x_admin).get("/").content.decode()
    signed_out = Client().get("/jobs/")
    assert signed_out.status_code == 302 and signed_out["Location"].startswith("/sign-in/")
    assert Job.objects.get(pk=x_jobs.gave_up.pk).gave_up_at is not None


def test_an_empty_list_says_nothing_failed(world: World) -> None:
    text = text_of(signed_in(world.y_admin).get("/jobs/").content.decode())

    assert "Work that failed (0)" in text and "Nothing has failed." in text


def test_try_again_now_retries_the_job_and_says_so(
    world: World, x_jobs: Jobs, django_capture_on_commit_callbacks: Any
) -> None:
    admin = signed_in(world.x_admin)
    job = x_jobs.gave_up

    with django_capture_on_commit_callbacks() as callbacks:
        response = admin.post(f"/jobs/{job.pk}/retry/", {"page": "1"})

    assert response.status_code == 302 and response["Location"] == "/jobs/"
    job.refresh_from_db()
    assert job.state == JobState.RETRYING and job.due_at <= timezone.now()
    assert [c.args for c in callbacks if getattr(c, "func", None) is jobs._send_after_commit] == [
        (job.pk,)
    ]
    after = text_of(admin.get("/jobs/").content.decode())
    assert f"Trying again now: {job.description}." in after


def test_try_again_on_a_done_job_says_why_not_and_out_of_scope_is_404(
    world: World, x_jobs: Jobs
) -> None:
    admin = signed_in(world.x_admin)

    done = admin.post(f"/jobs/{x_jobs.done.pk}/retry/")
    told = text_of(admin.get("/jobs/").content.decode())
    theirs = admin.post(f"/jobs/{x_jobs.theirs.pk}/retry/")
    pending = admin.post(f"/jobs/{x_jobs.pending.pk}/retry/")
    as_get = admin.get(f"/jobs/{x_jobs.gave_up.pk}/retry/")

    assert done.status_code == 302
    assert "This job is done; there is nothing to try again." in told
    assert (theirs.status_code, pending.status_code, as_get.status_code) == (404, 404, 405)
    assert Job.objects.get(pk=x_jobs.theirs.pk).gave_up_at is not None


def test_try_again_needs_the_csrf_token(world: World, x_jobs: Jobs) -> None:
    strict = signed_in(world.x_admin, enforce_csrf_checks=True)

    without = strict.post(f"/jobs/{x_jobs.gave_up.pk}/retry/")

    assert without.status_code == 403
    assert Job.objects.get(pk=x_jobs.gave_up.pk).gave_up_at is not None


def test_the_page_is_paginated_and_a_retry_returns_to_its_page(world: World) -> None:
    JobFactory.create_batch(51, organisation_id=world.org_x.pk, attempts=1)
    oldest = Job.objects.order_by("-requested_at", "-pk")[50]  # the list's order
    admin = signed_in(world.x_admin)

    first = text_of(admin.get("/jobs/").content.decode())
    second = admin.get("/jobs/?page=2").content.decode()
    back = admin.post(f"/jobs/{oldest.pk}/retry/", {"page": "2"})

    assert "Page 1 of 2" in first and "Older" in first
    assert "Page 2 of 2" in text_of(second) and second.count("Try again now") == 1
    assert f'action="/jobs/{oldest.pk}/retry/"' in second
    assert back["Location"] == "/jobs/?page=2"
