"""Issue 13, must show 1, 2 and 5: the broker loses no job and repeats none (ADR 0016).

Real processes throughout: a Redis of this module's own that keeps nothing across a
restart, `celery beat` sending the job relay every RELAY_INTERVAL seconds, prefork
`celery worker`s, an SMTP server on loopback and media in a temporary folder.

1. Jobs asked for while Redis is stopped (two completions, an invitation through the
   API) run once Redis is back, with no command typed; the worker, which was running a
   job when Redis stopped, reconnects on its own.
2. Jobs sitting in Redis's queue when it restarts without its data are sent again by the
   relay once their lease has passed, each showing the lost attempt.
5. A prefork worker SIGKILLed mid-batch and replaced: every job finishes within the
   recovery time.

Each ends with exactly one certificate, one PDF file and one email per completion, one
invitation email per invited person, and every job done.
"""

import json
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Task
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import Role, User
from accounts.tasks import send_invitation
from certificates.models import Certificate
from certificates.tasks import issue_certificate
from core.jobs import job_key
from core.models import Job
from tests import factories
from tests.certificates.conftest import certificate_of, complete_module, pdf_files
from tests.conftest import World
from tests.support.beat import celery_beat
from tests.support.redis_server import RedisServer, own_redis
from tests.support.smtp import Mailbox, smtp_server
from tests.support.training import publish_module
from tests.support.worker import WorkerProcess, wait_for, worker_environment, worker_on
from training.models import Enrolment
from worker.celery import app

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

RELAY_INTERVAL = 2  # seconds between beat's relays here (60 by default)
CONCURRENCY = 2
# Seconds a worker on a busy two-core machine may take for one certificate beyond any
# test delay (WeasyPrint renders one in well under a second).
RENDER_ALLOWANCE = 3
# Seconds each render waits first here (CERTIFICATE_TEST_RENDER_DELAY), so a worker can
# be caught mid-render.
RENDER_DELAY = 2.0
# Seconds a worker may take to find the broker again after an outage: Celery retries the
# connection at growing intervals (2 s, 4 s, 6 s, ...), and each try may take the
# connection timeout.
RECONNECT_ALLOWANCE = 15


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A Redis of the module's own, which the tests stop and start: with no persistence,
    a restart loses whatever was queued."""
    with own_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(scope="module")
def queue() -> str:
    return f"test-nothing-lost-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def beat(
    django_db_setup: None,
    broker: RedisServer,
    queue: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[WorkerProcess]:
    """One beat for the module, as in production: it keeps sending the relay through every
    stop and restart of the broker and of the workers."""
    extra = {"CELERY_BROKER_URL": broker.url, "HEARTH_JOB_RELAY_INTERVAL": str(RELAY_INTERVAL)}
    environment = worker_environment(queue, extra)
    with celery_beat(environment, tmp_path_factory.mktemp("beat")) as process:
        yield process


@pytest.fixture
def sending_to(
    broker: RedisServer, queue: str, beat: WorkerProcess, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RedisServer]:
    """This process sends its jobs to the module's broker and queue (not in-process),
    connecting afresh (see tests/core/test_outages.py: broker_down)."""
    if not broker.running():  # a test before this one failed with it stopped
        broker.start()
    previous = {
        "task_always_eager": app.conf.task_always_eager,
        "broker_url": app.conf.broker_url,
        "task_default_queue": app.conf.task_default_queue,
    }
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", broker.url)
    app.conf.update(task_always_eager=False, broker_url=broker.url, task_default_queue=queue)
    app._after_fork()  # type: ignore[attr-defined]  # drop pools held to another broker
    try:
        yield broker
    finally:
        app.conf.update(previous)
        app._after_fork()  # type: ignore[attr-defined]


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    """Where this test's workers store PDFs (and this process looks for them)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def environment(broker: RedisServer, port: int, media: Path, **extra: str) -> dict[str, str]:
    """A worker's environment: the module's broker, the SMTP server, the test's media, the
    relay's interval."""
    return {
        "CELERY_BROKER_URL": broker.url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "MEDIA_ROOT": str(media),
        "HEARTH_JOB_RELAY_INTERVAL": str(RELAY_INTERVAL),
        **extra,
    }


def invite(world: World, email: str) -> User:
    """Organisation Y's admin invites a new person through the API."""
    admin = APIClient()
    admin.force_login(world.y_admin)
    response = admin.post(
        "/api/v1/people/",
        {
            "full_name": "Pat Newcomer",
            "job_title": "Support worker",
            "role": Role.LEARNER,
            "organisation": world.org_y.pk,
            "team": world.y_team_a.pk,
            "email": email,
        },
    )
    assert response.status_code == 201, response.content
    return User.objects.get(email=email)


def job_of(task: Task, *args: object) -> Job:
    return Job.objects.get(key=job_key(task.name, args))


def relays_run(log: str) -> int:
    return len(re.findall(r"Task core\.tasks\.relay_jobs\[[0-9a-f-]+\] succeeded", log))


def wait_until_done(worker: WorkerProcess, *, jobs: int, limit: float) -> None:
    """Wait until all `jobs` jobs are done, then for the worker to run two more relays: any
    copy of a job still queued ahead of them (the queue is first in, first out) has run by
    then, so a duplicate would show."""
    done = Job.objects.filter(done_at__isnull=False)
    wait_for(lambda: done.count() == jobs, what="every job to be done", worker=worker, limit=limit)
    seen = relays_run(worker.log())
    wait_for(
        lambda: relays_run(worker.log()) >= seen + 2,
        what="two more relays",
        worker=worker,
        limit=5 * RELAY_INTERVAL + RENDER_ALLOWANCE,
    )


def queued_jobs(broker: RedisServer, queue: str) -> list[str]:
    """The tasks of the jobs waiting in the queue (kombu keeps a Redis list of messages),
    beat's relays aside."""
    messages = [json.loads(item) for item in broker.client().lrange(queue, 0, -1)]
    tasks = [message["headers"]["task"] for message in messages]
    return sorted(task for task in tasks if task != "core.tasks.relay_jobs")


def assert_each_once(
    enrolments: list[Enrolment], invited: list[User], inbox: Mailbox, media: Path
) -> None:
    """One certificate, one PDF file and one email per completion; one invitation email per
    invited person; no email twice; every job done."""
    certificates = [certificate_of(enrolment) for enrolment in enrolments]
    assert Certificate.objects.count() == len(enrolments)
    assert [path.name for path in pdf_files(media)] == sorted(
        f"{certificate.number}.pdf" for certificate in certificates
    )
    assert all(c.pdf.name and c.email_sent_at for c in certificates)
    for enrolment in enrolments:
        [message] = inbox.to(enrolment.learner.email)
        assert message["Subject"].startswith("Your Hearth certificate")
    for person in invited:
        [message] = inbox.to(person.email)
        assert message["Subject"] == "You have been invited to Hearth"
        person.refresh_from_db()
        assert person.invitation_sent_at is not None
    message_ids = [message["Message-ID"] for message in inbox.messages]
    assert len(message_ids) == len(enrolments) + len(invited)
    assert len(set(message_ids)) == len(message_ids)
    assert Job.objects.count() == len(enrolments) + len(invited)
    assert not Job.objects.filter(done_at__isnull=True).exists()


def test_jobs_asked_for_while_the_broker_is_stopped_run_once_it_is_back(
    world: World,
    sending_to: RedisServer,
    queue: str,
    mailbox: tuple[Mailbox, int],
    media: Path,
    tmp_path: Path,
) -> None:
    broker, (inbox, port) = sending_to, mailbox
    module = publish_module(slug="broker-stopped")
    extra = environment(broker, port, media, CERTIFICATE_TEST_RENDER_DELAY=str(RENDER_DELAY))

    with worker_on(
        queue, tmp_path / "worker.log", concurrency=CONCURRENCY, extra_env=extra
    ) as worker:
        running = complete_module(world.x_learner_a, module)
        wait_for(lambda: "rendering" in worker.log(), what="a render to start", worker=worker)
        broker.stop()  # while that job runs (worker/transport.py: the worker must not exit)
        later = [
            complete_module(learner, module) for learner in (world.x_learner_b, world.y_learner)
        ]
        invited = invite(world, "pat.stopped@example.org")
        asked_while_stopped = [job_of(issue_certificate, e.pk) for e in later]
        asked_while_stopped.append(job_of(send_invitation, invited.pk))
        # Recorded, not run: nothing reached a worker.
        assert [job.done_at for job in asked_while_stopped] == [None] * 3
        assert [certificate_of(enrolment).pdf.name for enrolment in later] == ["", ""]
        assert inbox.to(invited.email) == []

        broker.start()  # and nothing else: no command, no retry by hand
        wait_until_done(
            worker,
            jobs=4,
            limit=RECONNECT_ALLOWANCE
            + 3 * RELAY_INTERVAL
            + 4 * (RENDER_DELAY + RENDER_ALLOWANCE) / CONCURRENCY,
        )

    assert_each_once([running, *later], [invited], inbox, media)
    # The broker refusing a job is not a failed attempt: nothing ran and failed.
    assert list(Job.objects.values_list("attempts", "last_error")) == [(0, "")] * 4


# The lease starts where a job is sent: in this process for a job sent after its
# transaction commits, in the worker for one the relay sends. Short in both (the default
# is the visibility timeout plus a relay interval, eleven minutes), so a job the broker
# lost is noticed within seconds.
LEASE = 5


def test_jobs_queued_when_the_broker_restarts_without_its_data_are_sent_again(
    world: World,
    sending_to: RedisServer,
    queue: str,
    mailbox: tuple[Mailbox, int],
    media: Path,
    tmp_path: Path,
    settings: Settings,
) -> None:
    broker, (inbox, port) = sending_to, mailbox
    settings.HEARTH_JOB_LEASE = LEASE
    module = publish_module(slug="broker-restarted")

    # No worker yet: the jobs wait in Redis.
    enrolments = [complete_module(world.x_learner_a, module)]
    enrolments.append(complete_module(world.x_learner_b, module))
    invited = invite(world, "pat.restarted@example.org")
    expected = sorted([issue_certificate.name] * 2 + [send_invitation.name])
    assert queued_jobs(broker, queue) == expected
    assert Job.objects.filter(sent_at__isnull=False, done_at__isnull=True).count() == 3

    broker.stop()
    broker.start()
    assert broker.client().llen(queue) == 0  # the jobs' messages are gone

    extra = environment(broker, port, media, HEARTH_JOB_LEASE=str(LEASE))
    with worker_on(
        queue, tmp_path / "worker.log", concurrency=CONCURRENCY, extra_env=extra
    ) as worker:
        wait_until_done(worker, jobs=3, limit=LEASE + 3 * RELAY_INTERVAL + 3 * RENDER_ALLOWANCE)

    assert_each_once(enrolments, [invited], inbox, media)
    # Each shows what happened to it: one attempt lost on the way, then done.
    for job in Job.objects.all():
        assert job.attempts >= 1, job
        assert job.last_error.startswith(f"No word from a worker within {LEASE} s"), job


# A worker killed mid-batch: Redis hands its unacknowledged jobs to another worker once
# they are older than the visibility timeout (at that worker's next sweep for them, as it
# starts and then every hundred seconds or so), and the relay sends them again after the
# lease, whichever comes first. Both short here (ten and eleven minutes by default).
VISIBILITY_TIMEOUT = 15
BATCH_LEASE = 20
BATCH = 20
RENDERING = re.compile(r"rendering certificate (\S+)")
EMAILED = re.compile(r"certificate (\S+) emailed")


def kill_mid_render(worker: WorkerProcess, *, after_emails: int) -> set[str]:
    """SIGKILL the worker (its pool processes die with it) once `after_emails` certificates
    were emailed, at a moment when every render it has begun is still in its test delay.
    (A certificate's email is claimed in its transaction and sent after the commit, at
    most once: a kill between the two would lose the email, which this test is not
    about.) Returns the numbers of the certificates it was rendering."""
    first_seen: dict[str, float] = {}
    deadline = time.monotonic() + BATCH * (RENDER_DELAY + RENDER_ALLOWANCE)
    while time.monotonic() < deadline:
        log, now = worker.log(), time.monotonic()
        for number in RENDERING.findall(log):
            first_seen.setdefault(number, now)
        emailed = set(EMAILED.findall(log))
        rendering = set(first_seen) - emailed
        fresh = all(now - first_seen[number] < RENDER_DELAY - 0.3 for number in rendering)
        if len(emailed) >= after_emails and rendering and fresh:
            worker.kill()
            return rendering
        time.sleep(0.05)
    raise AssertionError(f"no moment to kill the worker mid-render\n{worker.log()}")


def test_a_prefork_worker_killed_mid_batch_and_replaced_finishes_every_job_once(
    world: World,
    sending_to: RedisServer,
    queue: str,
    mailbox: tuple[Mailbox, int],
    media: Path,
    tmp_path: Path,
    settings: Settings,
) -> None:
    broker, (inbox, port) = sending_to, mailbox
    settings.HEARTH_JOB_LEASE = BATCH_LEASE
    module = publish_module(slug="worker-killed")
    learners = [factories.MembershipFactory.create(team=world.x_team_a).user for _ in range(BATCH)]
    extra = environment(
        broker,
        port,
        media,
        HEARTH_JOB_LEASE=str(BATCH_LEASE),
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        CERTIFICATE_TEST_RENDER_DELAY=str(RENDER_DELAY),
    )

    with worker_on(
        queue, tmp_path / "first.log", concurrency=CONCURRENCY, extra_env=extra
    ) as first:
        enrolments = [complete_module(learner, module) for learner in learners]
        killed = kill_mid_render(first, after_emails=4)

    # Mid-batch: some emailed, the renders under way rolled back, the rest not begun.
    emailed = Certificate.objects.filter(email_sent_at__isnull=False).count()
    assert 4 <= emailed < BATCH
    assert set(
        Certificate.objects.filter(number__in=killed).values_list("pdf", "email_sent_at")
    ) == {("", None)}

    with worker_on(
        queue, tmp_path / "second.log", concurrency=CONCURRENCY, extra_env=extra
    ) as second:
        wait_until_done(
            second,
            jobs=BATCH,
            limit=BATCH_LEASE
            + 2 * RELAY_INTERVAL
            + (BATCH - emailed) * (RENDER_DELAY + RENDER_ALLOWANCE) / CONCURRENCY,
        )

    assert_each_once(enrolments, [], inbox, media)
