"""Sending reminders over SMTP: headers, one connection, 4xx retried, 5xx recorded
(issue 6, must shows 1 and 4), against a real SMTP server on loopback."""

import datetime
import smtplib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.template import TemplateSyntaxError
from django.utils import timezone
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import Role, User
from notifications.models import Kind, ReminderLog, Status
from notifications.planning import plan_daily
from notifications.sending import TemporarySendFailure, send_pending
from tests.conftest import World
from tests.factories import AssessmentFactory, MembershipFactory
from tests.support.notifications import due_enrolment, smtp_mailers
from tests.support.smtp import Mailbox
from tests.support.training import publish_module


def test_each_reminder_is_sent_once_with_unsubscribe_headers_and_both_parts(
    world: World, mailbox: Mailbox
) -> None:
    enrolment = due_enrolment(world.x_learner_a, publish_module(), days=1)
    plan_daily()

    first = send_pending()
    second = send_pending()

    assert (first.sent, second.sent) == (1, 0)
    [message] = mailbox.messages
    log = ReminderLog.objects.get()
    assert message["To"] == world.x_learner_a.email
    assert message["Subject"] == "Training due soon: Damp basics"
    assert message["Message-ID"] == f"<hearth.reminder.{log.pk}.due_soon@hearth.example.org>"
    assert message["List-Unsubscribe"].startswith("<https://hearth.example.org/email/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert f"https://hearth.example.org/learning/{enrolment.pk}/" in text.get_content()
    assert "<a href=" in html.get_content()
    assert log.status == Status.SENT and log.sent_at is not None


def test_a_451_is_retried_and_delivered_once(world: World, mailbox: Mailbox) -> None:
    due_enrolment(world.x_learner_a, publish_module(), days=1)
    plan_daily()
    mailbox.scripted_replies.append("451 4.3.0 Try again later")

    with pytest.raises(TemporarySendFailure):
        send_pending()
    log = ReminderLog.objects.get()
    assert (log.status, log.attempts, mailbox.messages) == (Status.PENDING, 1, [])
    assert log.last_error.startswith("451")

    retry = send_pending()

    log.refresh_from_db()
    assert retry.sent == 1 and len(mailbox.messages) == 1
    assert (log.status, log.attempts) == (Status.SENT, 2)
    assert send_pending().sent == 0 and len(mailbox.messages) == 1


def test_a_550_is_recorded_never_retried_and_shown_to_the_org_admin(
    world: World, mailbox: Mailbox, client_for: Callable[[User], APIClient]
) -> None:
    due_enrolment(world.x_learner_a, publish_module(), days=1)
    due_enrolment(world.x_learner_b, publish_module(slug="other"), days=1)
    plan_daily()
    mailbox.scripted_replies.append("550 5.1.1 No such mailbox")

    report = send_pending()
    again = send_pending()

    failed = ReminderLog.objects.get(status=Status.FAILED)
    assert (report.sent, report.failed, again.sent, again.failed) == (1, 1, 0, 0)
    assert failed.last_error.startswith("550") and failed.attempts == 1
    assert len(mailbox.messages) == 1
    admin_view = client_for(world.x_admin).get("/api/v1/reminders/", {"status": "failed"})
    assert [row["id"] for row in admin_view.json()["results"]] == [failed.pk]
    other_admin = client_for(world.y_admin).get("/api/v1/reminders/", {"status": "failed"})
    assert other_admin.json()["results"] == []
    manager = client_for(world.x_manager_a).get("/api/v1/reminders/")
    assert manager.json()["results"] == []


def test_a_dropped_server_defers_everything_for_a_retry(world: World, settings: Settings) -> None:
    settings.MAILERS = smtp_mailers(1)  # nothing listens on port 1
    due_enrolment(world.x_learner_a, publish_module(), days=1)
    plan_daily()

    with pytest.raises(TemporarySendFailure):
        send_pending()

    assert ReminderLog.objects.get().status == Status.PENDING


def test_digest_lists_the_managers_team(world: World, mailbox: Mailbox) -> None:
    from notifications.planning import plan_weekly_digest

    due_enrolment(world.x_learner_a, publish_module(), days=-3)
    plan_weekly_digest()

    send_pending()

    digest = next(m for m in mailbox.messages if m["To"] == world.x_manager_a.email)
    body = digest.get_body(preferencelist=("plain",))
    assert body is not None
    assert f"{world.x_learner_a.full_name}: Damp basics" in body.get_content()
    assert ReminderLog.objects.filter(kind=Kind.DIGEST, status=Status.SENT).count() == 2


def test_a_digest_lists_only_its_organisations_assessments_of_a_shared_learner(
    world: World, mailbox: Mailbox
) -> None:
    """Issue 12: a learner in X and Y, with a competency expiring under X only. X's manager
    is told; Y's manager is not (another organisation's assessment)."""
    from notifications.planning import plan_weekly_digest
    from tests.support.competencies import make_framework

    learner = world.x_learner_a
    MembershipFactory.create(user=learner, team=world.y_team_a, role=Role.LEARNER)
    [competency] = make_framework(1)
    AssessmentFactory.create(
        learner=learner,
        competency=competency,
        organisation=world.org_x,
        assessor=world.x_assessor_a,
        assessed_at=timezone.now() - datetime.timedelta(days=700),
        valid_until=timezone.localdate() + datetime.timedelta(days=10),
    )
    plan_weekly_digest()

    send_pending()

    def body_to(manager: User) -> str:
        message = next(m for m in mailbox.messages if m["To"] == manager.email)
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        return str(body.get_content())

    line = f"{learner.full_name}: {competency.code} until"
    assert line in body_to(world.x_manager_a)
    assert line not in body_to(world.y_manager)


def test_the_daily_and_weekly_jobs_print_on_the_embedded_defaults_console_backend(
    world: World, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11: `make run` prints email to the console; the jobs send through it and every
    reminder they claimed ends `sent` (none left `sending`)."""
    from notifications.tasks import run_daily_reminders, send_weekly_digests

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    module = publish_module()
    due_enrolment(world.x_learner_a, module, days=1)
    due_enrolment(world.x_learner_b, module, days=-10)

    daily = run_daily_reminders()
    weekly = send_weekly_digests()

    printed = capsys.readouterr().out
    assert "Subject: Training due soon: Damp basics" in printed
    assert "Subject: Training overdue: Damp basics" in printed
    assert "Subject: Your team this week" in printed
    assert set(ReminderLog.objects.values_list("status", flat=True)) == {Status.SENT}
    assert daily == {"planned": 2, "sent": 2, "failed": 0}
    assert weekly == {"planned": 2, "sent": 2, "failed": 0}


def _broken_overdue_template(settings: Settings, directory: Path) -> None:
    """Templates in which the "overdue" email has a syntax error (a deploy gone wrong)."""
    (directory / "email").mkdir()
    (directory / "email" / "overdue.txt").write_text("Hello {% if %}\n")
    (directory / "email" / "overdue.html").write_text("<p>Hello</p>\n")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [directory, *engine["DIRS"]]}]


def test_a_template_error_leaves_no_reminder_sending_and_the_retry_sends_the_rest(
    world: World, mailbox: Mailbox, settings: Settings, tmp_path: Path
) -> None:
    """Issue 14: an unexpected error mid-batch marks what went out sent, puts every other
    claimed reminder back to pending with the error, and raises it."""
    templates = settings.TEMPLATES
    _broken_overdue_template(settings, tmp_path)
    due_enrolment(world.x_learner_a, publish_module(), days=7)
    due_enrolment(world.x_learner_b, publish_module(slug="late", title="Late module"), days=-2)
    due_enrolment(world.x_learner_a, publish_module(slug="later", title="Later"), days=-9)
    plan_daily()
    first, *rest = ReminderLog.objects.order_by("pk")
    assert first.kind == Kind.DUE_SOON
    assert [log.kind for log in rest] == [Kind.OVERDUE, Kind.OVERDUE, Kind.ESCALATION]

    with pytest.raises(TemplateSyntaxError):
        send_pending()

    rows = list(ReminderLog.objects.order_by("pk").values_list("status", "attempts", "last_error"))
    assert rows[0] == (Status.SENT, 1, "")
    assert [(status, attempts) for status, attempts, _ in rows[1:]] == [(Status.PENDING, 1)] * 3
    assert all(error.startswith("Not sent: TemplateSyntaxError(") for _, _, error in rows[1:])
    assert [m["Subject"] for m in mailbox.messages] == ["Training due soon: Damp basics"]

    settings.TEMPLATES = templates  # the fix is deployed
    retry = send_pending()

    assert (retry.sent, retry.failed) == (3, 0)
    assert set(ReminderLog.objects.values_list("status", flat=True)) == {Status.SENT}
    assert len(mailbox.messages) == 4
    assert len({m["Message-ID"] for m in mailbox.messages}) == 4


def test_an_unexpected_error_while_handing_an_email_over_fails_it_once_and_defers_the_rest(
    world: World, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether the server got the email being sent when a non-SMTP error arose is unknown:
    it is recorded failed (at most once, visible to admins); the rest go back to pending."""
    module = publish_module()
    for learner in (world.x_learner_a, world.x_learner_b, world.y_learner):
        due_enrolment(learner, module, days=1)
    plan_daily()
    handed_over = 0
    sendmail = smtplib.SMTP.sendmail

    def fail_on_the_second(self: smtplib.SMTP, *args: Any, **kwargs: Any) -> Any:
        nonlocal handed_over
        handed_over += 1
        if handed_over == 2:
            raise RuntimeError("worker interrupted")
        return sendmail(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "sendmail", fail_on_the_second)

    with pytest.raises(RuntimeError, match="worker interrupted"):
        send_pending()

    rows = list(ReminderLog.objects.order_by("pk").values_list("status", "last_error"))
    assert rows == [
        (Status.SENT, ""),
        (Status.FAILED, "Delivery unknown: RuntimeError('worker interrupted')"),
        (Status.PENDING, "Not sent: RuntimeError('worker interrupted')"),
    ]
    assert len(mailbox.messages) == 1
    monkeypatch.undo()
    assert send_pending().sent == 1
    assert ReminderLog.objects.filter(status=Status.SENDING).count() == 0
    assert len(mailbox.messages) == 2
