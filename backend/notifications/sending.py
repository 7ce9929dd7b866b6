"""Sending (worker side, run by notifications.tasks): claim pending reminders, render
each with Django's templates, send them over one SMTP connection per batch.

A row is claimed (pending -> sending, SELECT ... FOR UPDATE SKIP LOCKED) before its
email goes out, so two workers never send the same reminder; it becomes `sent` once
the server accepted it. A temporary failure (4xx, a dropped connection) puts the row
back to pending for a retry with backoff; a permanent one (5xx) is recorded as failed,
never retried, and shown to the organisation's admins. Any other error (a template
error, say) leaves no row `sending`: the rows not yet sent go back to pending with the
error, and it is raised.
"""

import datetime
import smtplib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from competencies.models import Assessment
from core.email import email_message, mail_domain
from notifications.digests import digest_contexts, long_date
from notifications.models import Kind, ReminderLog, Status
from notifications.tokens import unsubscribe_token
from training.models import Enrolment

BATCH_SIZE = 500
STUCK_AFTER = datetime.timedelta(hours=1)
SUBJECTS: dict[str, str] = {
    Kind.DUE_SOON: "Training due soon: {title}",
    Kind.OVERDUE: "Training overdue: {title}",
    Kind.ESCALATION: "Overdue in your team: {learner}, {title}",
    Kind.COMPETENCY_EXPIRING: "Competency expiring: {code} {title}",
    Kind.COMPETENCY_EXPIRED: "Competency expired: {code} {title}",
    Kind.DIGEST: "Your team this week",
    Kind.CERTIFICATE_READY: "Your certificate is ready: {title}",
}


class TemporarySendFailure(Exception):
    """Some reminders could not be sent for now (4xx or connection); retry later."""


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    failures: list[str] = field(default_factory=list)


def _site() -> str:
    return settings.SITE_URL


LEFT = "Not sent: the person has left the organisation."


def _claim(batch_size: int, only: Iterable[int] | None = None) -> list[int]:
    """Claim a batch of pending rows; those planned while the person was a member and due
    after they left (a retry, say) are marked skipped instead, never sent."""
    still_member = Membership.objects.filter(
        user_id=OuterRef("person_id"), organisation_id=OuterRef("organisation_id")
    )
    while True:
        with transaction.atomic():
            queryset = ReminderLog.objects.filter(status=Status.PENDING)
            if only is not None:
                queryset = queryset.filter(pk__in=list(only))
            ids = list(
                queryset.select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return []
            left = ReminderLog.objects.filter(pk__in=ids, organisation__isnull=False).exclude(
                Exists(still_member)
            )
            left_ids = set(left.values_list("pk", flat=True))
            if left_ids:
                ReminderLog.objects.filter(pk__in=left_ids).update(
                    status=Status.SKIPPED, last_error=LEFT
                )
            ids = [pk for pk in ids if pk not in left_ids]
            if ids:
                ReminderLog.objects.filter(pk__in=ids).update(
                    status=Status.SENDING, attempts=F("attempts") + 1
                )
                return ids


def _contexts(logs: list[ReminderLog]) -> dict[int, dict[str, Any]]:
    """Everything each email needs, as plain values, in a fixed number of queries."""
    site = _site()
    competencies_link = site + reverse("my-competencies")
    # What each reminder's subject says, by object type and id; a reminder whose subject
    # is gone gets no context (and fails).
    subjects: dict[str, dict[int, dict[str, Any]]] = {
        "enrolment": {
            pk: {"title": title, "due_date": long_date(due_date), "learner": learner}
            for pk, title, due_date, learner in Enrolment.objects.filter(
                pk__in=[log.object_id for log in logs if log.object_type == "enrolment"]
            ).values_list("pk", "version__title", "due_date", "learner__full_name")
        },
        "assessment": {
            pk: {
                "code": code,
                "title": title,
                "valid_until": long_date(valid_until),
                "link": competencies_link,
            }
            for pk, code, title, valid_until in Assessment.objects.filter(
                pk__in=[log.object_id for log in logs if log.object_type == "assessment"]
            ).values_list("pk", "competency__code", "competency__title", "valid_until")
        },
    }
    digests = digest_contexts([log.person_id for log in logs if log.kind == Kind.DIGEST])
    contexts: dict[int, dict[str, Any]] = {}
    for log in logs:
        context: dict[str, Any] = {
            "first_name": log.person.get_short_name(),
            "site_url": site,
        }
        if log.object_type in subjects:
            if log.object_id not in subjects[log.object_type]:
                continue
            context.update(subjects[log.object_type][log.object_id])
            if log.object_type == "enrolment":
                context["link"] = (
                    site + reverse("enrolment", args=[log.object_id])
                    if log.kind != Kind.ESCALATION
                    else site + "/"
                )
        elif log.kind == Kind.DIGEST:
            context.update(digests.get(log.person_id, {}), link=site + "/")
        else:
            context.update(log.context)
        contexts[log.pk] = context
    return contexts


class _Composer:
    """Builds a batch's emails: each kind's templates (templates/email/<kind>.txt and
    .html) are loaded once, then rendered by Django for every email with its own context."""

    def __init__(self, connection: Any) -> None:
        site = _site()
        self.connection = connection
        self.sender = settings.DEFAULT_FROM_EMAIL
        self.domain = mail_domain(site)
        self.site = site
        self.preferences_url = site + reverse("email-preferences")
        self.templates: dict[str, tuple[Any, Any]] = {}

    def _templates(self, kind: str) -> tuple[Any, Any]:
        if kind not in self.templates:
            self.templates[kind] = (
                get_template(f"email/{kind}.txt"),
                get_template(f"email/{kind}.html"),
            )
        return self.templates[kind]

    def email(self, log: ReminderLog, context: dict[str, Any]) -> EmailMultiAlternatives:
        token = unsubscribe_token(person_id=log.person_id, kind=log.kind)
        unsubscribe = self.site + reverse("unsubscribe", args=[token])
        context = {
            **context,
            "unsubscribe_url": unsubscribe,
            "preferences_url": self.preferences_url,
        }
        text_template, html_template = self._templates(log.kind)
        subject = SUBJECTS[log.kind].format(
            title=context.get("title", ""),
            code=context.get("code", ""),
            learner=context.get("learner", ""),
        )
        return email_message(
            sender=self.sender,
            to=log.person.email,
            subject=" ".join(subject.split()),
            text=text_template.render(context),
            html=html_template.render(context),
            headers={
                "Message-ID": f"<hearth.reminder.{log.pk}.{log.kind}@{self.domain}>",
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Auto-Submitted": "auto-generated",
            },
            connection=self.connection,
        )


def _smtp_code(error: BaseException) -> int | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return max(codes) if codes else None
    if isinstance(error, smtplib.SMTPResponseException):
        return int(error.smtp_code)
    return None


@dataclass
class _Outcomes:
    """What became of each claimed reminder in a batch (by log id)."""

    sent: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    deferred: dict[int, str] = field(default_factory=dict)

    def undecided(self, ids: Iterable[int]) -> list[int]:
        return [
            pk
            for pk in ids
            if pk not in self.failed and pk not in self.deferred and pk not in self.sent
        ]

    def record(self) -> None:
        ReminderLog.objects.filter(pk__in=self.sent).update(
            status=Status.SENT, sent_at=timezone.now()
        )
        for status, reasons in ((Status.FAILED, self.failed), (Status.PENDING, self.deferred)):
            ids_by_reason: dict[str, list[int]] = defaultdict(list)
            for pk, reason in reasons.items():
                ids_by_reason[reason].append(pk)
            for reason, ids in ids_by_reason.items():
                ReminderLog.objects.filter(pk__in=ids).update(status=status, last_error=reason)


def _send(logs: list[ReminderLog], outcomes: _Outcomes) -> None:
    """Render and send each claimed reminder over one connection, noting each outcome: a
    5xx fails that reminder, a 4xx defers it, a lost connection defers it and the rest."""
    contexts = _contexts(logs)
    for log in logs:
        if log.pk not in contexts:
            outcomes.failed[log.pk] = "The reminder's subject no longer exists."
    connection = mailers.default
    composer = _Composer(connection)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        outcomes.deferred.update(
            dict.fromkeys(outcomes.undecided(contexts), f"connection: {error}")
        )
        return
    try:
        for log in logs:
            if log.pk not in contexts:
                continue
            message = composer.email(log, contexts[log.pk])
            try:
                message.send()
            except (OSError, smtplib.SMTPException) as error:
                code = _smtp_code(error)
                if code is not None and 500 <= code < 600:
                    outcomes.failed[log.pk] = f"{code}: {error}"
                    continue
                outcomes.deferred[log.pk] = f"{code or 'connection'}: {error}"
                if code is None:  # the connection is gone: defer the rest too
                    outcomes.deferred.update(
                        dict.fromkeys(outcomes.undecided(contexts), "connection lost")
                    )
                    return
            except BaseException as error:
                # Raised inside send(): whether the server got this email is unknown, so
                # it is never sent again (at most once) but recorded for the admins.
                outcomes.failed[log.pk] = f"Delivery unknown: {error!r}"
                raise
            else:
                outcomes.sent.append(log.pk)
    finally:
        connection.close()


def send_pending(*, batch_size: int = BATCH_SIZE, only: Iterable[int] | None = None) -> SendReport:
    """Send every pending reminder (or only the given ones), a batch at a time, each batch
    over one SMTP connection. Raises TemporarySendFailure at the end if any must be retried.
    An unexpected error (a template error, say) leaves no claimed reminder `sending`: what
    went out is marked sent, the rest goes back to pending with the error, and it is raised."""
    report = SendReport()
    only_ids = list(only) if only is not None else None
    while ids := _claim(batch_size, only_ids):
        outcomes = _Outcomes()
        try:
            logs = list(
                ReminderLog.objects.select_related("person")
                .only(
                    "id",
                    "kind",
                    "object_type",
                    "object_id",
                    "window",
                    "context",
                    "person_id",
                    "organisation_id",
                    "person__email",
                    "person__full_name",
                )
                .filter(pk__in=ids)
                .order_by("pk")
            )
            _send(logs, outcomes)
        except BaseException as error:
            outcomes.deferred.update(dict.fromkeys(outcomes.undecided(ids), f"Not sent: {error!r}"))
            outcomes.record()
            raise
        outcomes.record()
        report.sent += len(outcomes.sent)
        report.failed += len(outcomes.failed)
        report.deferred += len(outcomes.deferred)
        report.failures += list(outcomes.failed.values())
        if outcomes.deferred:
            # Leave deferred rows for the retry; do not spin on them in this run.
            break
    if report.deferred:
        raise TemporarySendFailure(f"{report.deferred} reminders deferred; will retry.")
    return report


def release_stuck(*, older_than: datetime.timedelta = STUCK_AFTER) -> int:
    """Rows left `sending` by a worker that died mid-send may or may not have gone out:
    record them as failed (never resend: at most once) so an admin can see them."""
    cutoff = timezone.now() - older_than
    return ReminderLog.objects.filter(status=Status.SENDING, planned_at__lt=cutoff).update(
        status=Status.FAILED, last_error="The worker stopped while sending; delivery unknown."
    )
