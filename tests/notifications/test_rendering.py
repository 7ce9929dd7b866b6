"""Issue 14, must show 4: every reminder kind, sent through the real sending path to
several people whose optional values differ (no full name, a name or title that needs
escaping, empty and full digest lists), comes out exactly as Django renders the kind's
templates from scratch for that person: subject, plain text and HTML."""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts.models import Role, User
from competencies.models import Assessment, Competency
from core.dates import last_valid_day
from notifications.models import Kind, ReminderLog
from notifications.sending import send_pending
from notifications.tokens import read_unsubscribe_token
from tests.conftest import World
from tests.factories import (
    AssessmentFactory,
    MembershipFactory,
    TrainingRecordFactory,
    TrainingRequirementFactory,
    UserFactory,
)
from tests.support.competencies import make_framework
from tests.support.notifications import due_enrolment, smtp_mailers
from tests.support.smtp import Mailbox, smtp_server
from tests.support.training import publish_module
from training.models import Enrolment, EnrolmentStatus

SITE = "https://hearth.example.org"


@dataclass(frozen=True)
class Received:
    to: str
    message_id: str
    subject: str
    text: str
    html: str
    unsubscribe_header: str


def _from_locmem() -> list[Received]:
    received = []
    for message in mail.outbox:
        assert isinstance(message, EmailMultiAlternatives)
        [(html, mimetype)] = message.alternatives
        assert mimetype == "text/html"
        received.append(
            Received(
                to=message.to[0],
                message_id=message.extra_headers["Message-ID"],
                subject=str(message.subject),
                text=str(message.body),
                html=str(html),
                unsubscribe_header=message.extra_headers["List-Unsubscribe"],
            )
        )
    return received


def _from_smtp(mailbox: Mailbox) -> list[Received]:
    received = []
    for parsed in mailbox.messages:
        text = parsed.get_body(preferencelist=("plain",))
        html = parsed.get_body(preferencelist=("html",))
        assert text is not None and html is not None
        received.append(
            Received(
                to=str(parsed["To"]),
                message_id=str(parsed["Message-ID"]),
                subject=str(parsed["Subject"]),
                # SMTP carries lines ended CRLF; the templates end them LF.
                text=text.get_content().replace("\r\n", "\n"),
                html=html.get_content().replace("\r\n", "\n"),
                unsubscribe_header=str(parsed["List-Unsubscribe"]),
            )
        )
    return received


@pytest.fixture(params=["locmem", "smtp"])
def delivered(
    request: pytest.FixtureRequest, settings: Settings
) -> Iterator[Callable[[], list[Received]]]:
    """What the sending path delivered: to Django's in-memory backend (the embedded
    default's test backend), or by Django's SMTP backend to a real server on loopback,
    parsed back from the bytes it received."""
    settings.SITE_URL = SITE
    if request.param == "locmem":
        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        mail.outbox = []
        yield _from_locmem
        return
    with smtp_server() as (mailbox, port):
        settings.MAILERS = smtp_mailers(port)
        yield lambda: _from_smtp(mailbox)


def _learner(world: World, full_name: str, email: str) -> User:
    person = UserFactory.create(full_name=full_name, email=email)
    MembershipFactory.create(user=person, team=world.x_team_a, role=Role.LEARNER)
    return person


def _assessment(world: World, person: User, competency: Competency, days: int) -> Assessment:
    return AssessmentFactory.create(
        learner=person,
        organisation=world.org_x,
        competency=competency,
        assessor=world.x_assessor_a,
        assessed_at=timezone.now() - datetime.timedelta(days=400),
        valid_until=timezone.localdate() + datetime.timedelta(days=days),
    )


def _long(day: datetime.date | None) -> str:
    assert day is not None
    return f"{day.day} {day:%B %Y}"


def _reminder(person: User, kind: str, object_type: str, object_id: int, **context: Any) -> int:
    return ReminderLog.objects.create(
        person=person,
        kind=kind,
        object_type=object_type,
        object_id=object_id,
        window="test",
        context=context,
    ).pk


def test_every_kind_for_several_people_matches_a_render_from_scratch(
    world: World, delivered: Callable[[], list[Received]]
) -> None:
    # Given three learners: one with an ordinary name, one with none (greeted by email
    # address), one whose name needs escaping in HTML; two modules, one titled with markup.
    amira = _learner(world, "Amira Khan", "amira@example.org")
    nameless = _learner(world, "", "no.name@example.org")
    siobhan = _learner(world, "Siobhán O'Brien & <Co>", "siobhan@example.org")
    damp = publish_module()
    cold = publish_module(slug="cold", title='Cold homes & "health" <2026>')
    [first, second] = make_framework(2)
    manager = world.x_manager_a
    expected: dict[int, tuple[str, str, dict[str, Any]]] = {}

    def expect(pk: int, subject: str, kind: str, person: User, **context: Any) -> None:
        first_name = person.full_name.split(" ")[0] if person.full_name else person.email
        expected[pk] = (
            subject,
            kind,
            {
                "first_name": first_name,
                "site_url": SITE,
                "preferences_url": f"{SITE}/settings/email/",
                **context,
            },
        )

    def enrolment_reminder(kind: str, subject: str, person: User, enrolment: Enrolment) -> None:
        recipient = manager if kind == Kind.ESCALATION else person
        pk = _reminder(recipient, kind, "enrolment", enrolment.pk)
        expect(
            pk,
            subject,
            kind,
            recipient,
            title=enrolment.version.title,
            due_date=_long(enrolment.due_date),
            learner=person.full_name,
            link=f"{SITE}/" if kind == Kind.ESCALATION else f"{SITE}/learning/{enrolment.pk}/",
        )

    # Due soon, overdue and escalation, for each learner, with each module.
    for person, module, days in ((amira, damp, 3), (nameless, cold, 7), (siobhan, cold, 1)):
        enrolment = due_enrolment(person, module, days=days)
        title = enrolment.version.title
        enrolment_reminder(Kind.DUE_SOON, f"Training due soon: {title}", person, enrolment)
    for person, module, days in ((amira, cold, -2), (nameless, damp, -9), (siobhan, damp, -30)):
        enrolment = due_enrolment(person, module, days=days)
        title = enrolment.version.title
        enrolment_reminder(Kind.OVERDUE, f"Training overdue: {title}", person, enrolment)
        enrolment_reminder(
            Kind.ESCALATION,
            f"Overdue in your team: {person.full_name}, {title}",
            person,
            enrolment,
        )
    # Competencies expiring and expired.
    for person, competency, days in ((amira, first, 30), (nameless, second, 7)):
        assessment = _assessment(world, person, competency, days)
        pk = _reminder(person, Kind.COMPETENCY_EXPIRING, "assessment", assessment.pk)
        expect(
            pk,
            f"Competency expiring: {competency.code} {competency.title}",
            Kind.COMPETENCY_EXPIRING,
            person,
            code=competency.code,
            title=competency.title,
            valid_until=_long(assessment.valid_until),
            link=f"{SITE}/competencies/",
        )
    for person, competency, days in ((siobhan, first, -3), (amira, second, -20)):
        assessment = _assessment(world, person, competency, days)
        pk = _reminder(person, Kind.COMPETENCY_EXPIRED, "assessment", assessment.pk)
        expect(
            pk,
            f"Competency expired: {competency.code} {competency.title}",
            Kind.COMPETENCY_EXPIRED,
            person,
            code=competency.code,
            title=competency.title,
            valid_until=_long(assessment.valid_until),
            link=f"{SITE}/competencies/",
        )
    # The weekly digest: a manager whose team has overdue work, one completion, expiring
    # competencies and required training expired and due; and a manager of a team with
    # nothing to report.
    fire = TrainingRequirementFactory.create(
        organisation=world.org_x, team=world.x_team_a, module=None, title="Fire safety & <you>"
    )
    today = timezone.localdate()
    for person, days_ago in ((amira, 400), (siobhan, 350)):
        TrainingRecordFactory.create(
            requirement=fire, person=person, completed_on=today - datetime.timedelta(days=days_ago)
        )
    # Due on its last valid day, or when a new starter's 30 days' grace ends if later.
    renewal_due = max(
        last_valid_day(today - datetime.timedelta(days=350), 12),
        today + datetime.timedelta(days=30),
    )
    done = due_enrolment(world.x_learner_a, damp, days=-1, status=EnrolmentStatus.COMPLETED)
    for manager_of, lists in (
        (
            manager,
            {
                "overdue": sorted(
                    [
                        f'{amira.full_name}: Cold homes & "health" <2026>',
                        f"{nameless.full_name}: Damp basics",
                        f"{siobhan.full_name}: Damp basics",
                    ]
                ),
                "expiring": sorted(
                    [
                        f"{amira.full_name}: T-00 until "
                        f"{timezone.localdate() + datetime.timedelta(days=30)}",
                        f"{nameless.full_name}: T-01 until "
                        f"{timezone.localdate() + datetime.timedelta(days=7)}",
                    ]
                ),
                "completed": [f"{world.x_learner_a.full_name}: {done.version.title}"],
                "requirements": sorted(
                    [
                        f"{amira.full_name}: Fire safety & <you> (expired)",
                        f"{siobhan.full_name}: Fire safety & <you> "
                        f"(due {renewal_due.day} {renewal_due:%B %Y})",
                    ]
                ),
            },
        ),
        (
            world.y_manager,
            {"overdue": [], "expiring": [], "completed": [], "requirements": []},
        ),
    ):
        pk = _reminder(manager_of, Kind.DIGEST, "person", manager_of.pk)
        expect(pk, "Your team this week", Kind.DIGEST, manager_of, link=f"{SITE}/", **lists)
    # An event reminder, whose email says what its log row says.
    certificate = {"module_title": "Damp basics", "module_version": 2, "number": "HX-0042"}
    event = {
        "title": "Damp basics",
        "certificate": certificate,
        "link": f"{SITE}/certificates/42/",
        "verify_url": f"{SITE}/verify/abc/",
    }
    pk = _reminder(siobhan, Kind.CERTIFICATE_READY, "certificate", 42, **event)
    expect(pk, "Your certificate is ready: Damp basics", Kind.CERTIFICATE_READY, siobhan, **event)
    assert {kind for _, kind, _ in expected.values()} == set(Kind.values)

    # When the batch goes through the real sending path.
    report = send_pending()
    outbox = delivered()

    # Then every email is exactly the from-scratch render of its kind for its person.
    assert (report.sent, report.failed, report.deferred) == (len(expected), 0, 0)
    by_id = {email.message_id: email for email in outbox}
    assert len(by_id) == len(outbox) == len(expected)
    for pk, (subject, kind, context) in expected.items():
        email = by_id[f"<hearth.reminder.{pk}.{kind}@hearth.example.org>"]
        person = ReminderLog.objects.get(pk=pk).person
        assert email.to == person.email
        assert email.subject == subject
        # The unsubscribe token is signed with a timestamp: it must name this person and
        # kind, and the email must link the same URL its List-Unsubscribe header gives.
        prefix = f"<{SITE}/email/unsubscribe/"
        assert email.unsubscribe_header.startswith(prefix)
        assert email.unsubscribe_header.endswith("/>")
        token = email.unsubscribe_header.removeprefix(prefix).removesuffix("/>")
        assert read_unsubscribe_token(token) == (person.pk, kind)
        context = {**context, "unsubscribe_url": email.unsubscribe_header[1:-1]}
        assert email.text == render_to_string(f"email/{kind}.txt", context), (kind, person)
        assert email.html == render_to_string(f"email/{kind}.html", context), (kind, person)
    # And the values that need escaping are escaped in the HTML part only.
    [escalation] = [e for e in outbox if e.subject.endswith("<Co>, Damp basics")]
    assert "Siobhán O'Brien & <Co> has not finished" in escalation.text
    assert "Siobhán O&#x27;Brien &amp; &lt;Co&gt; has not finished" in escalation.html
    titled = [e for e in outbox if "Cold homes" in e.subject]
    assert len(titled) == 4
    assert all('Cold homes & "health" <2026>' in e.text for e in titled)
    assert all("Cold homes &amp; &quot;health&quot; &lt;2026&gt;" in e.html for e in titled)
