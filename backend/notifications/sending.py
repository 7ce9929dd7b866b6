"""Sending: claim pending reminders, render them, send them over one SMTP connection.

A row is claimed (pending -> sending, SELECT ... FOR UPDATE SKIP LOCKED) before its
email goes out, so two workers never send the same reminder; it becomes `sent` once
the server accepted it. A temporary failure (4xx, a dropped connection) puts the row
back to pending for a retry with backoff; a permanent one (5xx) is recorded as failed,
never retried, and shown to the organisation's admins.
"""

import contextlib
import datetime
import html as html_text
import smtplib
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from queue import Empty, Queue
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, MembershipStatus, Role
from competencies.models import Assessment
from core.email import email_message, mail_domain
from notifications.models import Kind, ReminderLog, Status
from notifications.tokens import unsubscribe_token
from training.models import ACTIVE_STATUSES, Enrolment, EnrolmentStatus

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


def _claim(batch_size: int, only: Iterable[int] | None = None) -> list[int]:
    with transaction.atomic():
        queryset = ReminderLog.objects.filter(status=Status.PENDING)
        if only is not None:
            queryset = queryset.filter(pk__in=list(only))
        ids = list(
            queryset.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if ids:
            ReminderLog.objects.filter(pk__in=ids).update(
                status=Status.SENDING, attempts=F("attempts") + 1
            )
    return ids


def _long_date(day: datetime.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _contexts(logs: list[ReminderLog]) -> dict[int, dict[str, Any]]:
    """Everything each email needs, as plain values, in a fixed number of queries."""
    enrolments = {
        row[0]: row
        for row in Enrolment.objects.filter(
            pk__in=[log.object_id for log in logs if log.object_type == "enrolment"]
        ).values_list("pk", "version__title", "due_date", "learner__full_name")
    }
    assessments = {
        row[0]: row
        for row in Assessment.objects.filter(
            pk__in=[log.object_id for log in logs if log.object_type == "assessment"]
        ).values_list("pk", "competency__code", "competency__title", "valid_until")
    }
    digests = _digest_contexts([log.person_id for log in logs if log.kind == Kind.DIGEST])
    site = _site()
    # One reverse() for the batch: the enrolment link differs only by its id.
    enrolment_link = site + reverse("enrolment", args=[987654321]).replace("987654321", "{}")
    competencies_link = site + reverse("my-competencies")
    contexts: dict[int, dict[str, Any]] = {}
    for log in logs:
        context: dict[str, Any] = {
            "first_name": log.person.get_short_name(),
            "site_url": site,
        }
        if log.object_type == "enrolment":
            if log.object_id not in enrolments:
                continue
            _, title, due_date, learner = enrolments[log.object_id]
            context.update(
                title=title,
                due_date=_long_date(due_date),
                learner=learner,
                link=enrolment_link.format(log.object_id)
                if log.kind != Kind.ESCALATION
                else site + "/",
            )
        elif log.object_type == "assessment":
            if log.object_id not in assessments:
                continue
            _, code, title, valid_until = assessments[log.object_id]
            context.update(
                code=code,
                title=title,
                valid_until=_long_date(valid_until),
                link=competencies_link,
            )
        elif log.kind == Kind.DIGEST:
            context.update(digests.get(log.person_id, {}), link=site + "/")
        else:
            context.update(log.context)
        contexts[log.pk] = context
    return contexts


def _digest_contexts(manager_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each manager's teams: overdue, expiring within 30 days, completed in 7 days."""
    if not manager_ids:
        return {}
    today = timezone.localdate()
    teams_of: dict[int, set[int]] = defaultdict(set)
    for user_id, team_id in Membership.objects.filter(
        user_id__in=manager_ids, role=Role.MANAGER
    ).values_list("user_id", "team_id"):
        teams_of[user_id].add(team_id)
    all_teams = set().union(*teams_of.values()) if teams_of else set()
    overdue: dict[int, list[str]] = defaultdict(list)
    completed: dict[int, list[str]] = defaultdict(list)
    for team_id, name, title, status in (
        Enrolment.objects.filter(team_id__in=all_teams)
        .filter(
            Q(status__in=ACTIVE_STATUSES, due_date__lt=today)
            | Q(
                status=EnrolmentStatus.COMPLETED,
                completed_at__gte=timezone.now() - datetime.timedelta(days=7),
            )
        )
        .values_list("team_id", "learner__full_name", "version__title", "status")
    ):
        target = completed if status == EnrolmentStatus.COMPLETED else overdue
        target[team_id].append(f"{name}: {title}")
    expiring: dict[int, list[str]] = defaultdict(list)
    for team_id, name, code, until in (
        Assessment.objects.filter(
            outcome="competent",
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=30),
            learner__memberships__team_id__in=all_teams,
            learner__memberships__role=Role.LEARNER,
            learner__memberships__status=MembershipStatus.ACTIVE,
            # Only the team's organisation's assessments (ADR 0012).
            learner__memberships__organisation_id=F("organisation_id"),
        )
        .filter(superseded_by__isnull=True)
        .values_list(
            "learner__memberships__team_id", "learner__full_name", "competency__code", "valid_until"
        )
    ):
        expiring[team_id].append(f"{name}: {code} until {until}")
    return {
        manager: {
            "overdue": sorted(x for t in teams for x in overdue[t]),
            "expiring": sorted(x for t in teams for x in expiring[t]),
            "completed": sorted(x for t in teams for x in completed[t]),
        }
        for manager, teams in teams_of.items()
    }


# The values that differ from one email to the next; everything else in a kind's
# templates is the same for the whole batch.
MERGE_FIELDS = (
    "first_name",
    "title",
    "due_date",
    "learner",
    "link",
    "code",
    "valid_until",
    "unsubscribe_url",
)


def _marker(field: str) -> str:
    return f"\x1f{field}\x1f"


class _Renderer:
    """Renders one batch's emails from templates/email/.

    Mail merge: each kind's templates are rendered once per batch with a marker in place
    of every per-email value, then each email substitutes its values (HTML-escaped in the
    HTML part). The merge is used for a kind only after it produced exactly what a full
    render does for the batch's first email; otherwise (and for the digest, whose lists
    vary) every email is rendered in full.
    """

    def __init__(self, connection: Any) -> None:
        site = _site()
        self.connection = connection
        self.sender = settings.DEFAULT_FROM_EMAIL
        self.domain = mail_domain(site)
        self.preferences_url = site + reverse("email-preferences")
        self.unsubscribe_url = site + reverse("unsubscribe", args=["TOKEN"]).replace("TOKEN", "{}")
        self.templates: dict[str, tuple[Any, Any]] = {}
        self.skeletons: dict[str, tuple[str, str] | None] = {}

    def _templates(self, kind: str) -> tuple[Any, Any]:
        if kind not in self.templates:
            self.templates[kind] = (
                get_template(f"email/{kind}.txt"),
                get_template(f"email/{kind}.html"),
            )
        return self.templates[kind]

    def _full(self, kind: str, context: dict[str, Any]) -> tuple[str, str]:
        text_template, html_template = self._templates(kind)
        return text_template.render(context), html_template.render(context)

    def _merged(self, skeleton: tuple[str, str], context: dict[str, Any]) -> tuple[str, str]:
        text, html = skeleton
        for name in MERGE_FIELDS:
            marker = _marker(name)
            value = str(context.get(name, ""))
            text = text.replace(marker, value)
            html = html.replace(marker, html_text.escape(value))
        return text, html

    def _parts(self, kind: str, context: dict[str, Any]) -> tuple[str, str]:
        if kind == Kind.DIGEST or kind not in SUBJECTS:
            return self._full(kind, context)
        if kind not in self.skeletons:
            marked = {**context, **{field: _marker(field) for field in MERGE_FIELDS}}
            skeleton = self._full(kind, marked)
            full = self._full(kind, context)
            self.skeletons[kind] = skeleton if self._merged(skeleton, context) == full else None
            return full
        merge = self.skeletons[kind]
        return self._merged(merge, context) if merge else self._full(kind, context)

    def render(self, log: ReminderLog, context: dict[str, Any]) -> EmailMultiAlternatives:
        unsubscribe = self.unsubscribe_url.format(
            unsubscribe_token(person_id=log.person_id, kind=log.kind)
        )
        context["unsubscribe_url"] = unsubscribe
        context["preferences_url"] = self.preferences_url
        subject = " ".join(
            SUBJECTS[log.kind]
            .format(
                title=context.get("title", ""),
                code=context.get("code", ""),
                learner=context.get("learner", ""),
            )
            .split()
        )
        text, html = self._parts(log.kind, context)
        headers = {
            "Message-ID": f"<hearth.reminder.{log.pk}.{log.kind}@{self.domain}>",
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        }
        return email_message(
            sender=self.sender,
            to=log.person.email,
            subject=subject,
            text=text,
            html=html,
            headers=headers,
            connection=self.connection,
        )


def _smtp_code(error: BaseException) -> int | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return max(codes) if codes else None
    if isinstance(error, smtplib.SMTPResponseException):
        return int(error.smtp_code)
    return None


def _rendered(
    renderer: _Renderer, logs: list[ReminderLog], contexts: dict[int, dict[str, Any]]
) -> Iterator[tuple[ReminderLog, EmailMultiAlternatives]]:
    """The batch's emails, rendered in a second thread while this one waits on the SMTP
    server (waiting releases the interpreter lock), so rendering overlaps sending.
    Rendering touches no database; an error in it is raised here."""
    ready: Queue[tuple[ReminderLog, EmailMultiAlternatives] | BaseException | None] = Queue(
        maxsize=64
    )
    stop = threading.Event()

    def produce() -> None:
        try:
            for log in logs:
                if stop.is_set():
                    return
                if log.pk in contexts:
                    ready.put((log, renderer.render(log, contexts[log.pk])))
        except BaseException as error:
            ready.put(error)
        finally:
            ready.put(None)

    producer = threading.Thread(target=produce, name="reminder-render", daemon=True)
    producer.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while producer.is_alive():  # let a blocked producer finish
            with contextlib.suppress(Empty):
                ready.get(timeout=0.05)
        producer.join()


def send_pending(*, batch_size: int = BATCH_SIZE, only: Iterable[int] | None = None) -> SendReport:
    """Send every pending reminder (or only the given ones), a batch at a time, each batch
    over one SMTP connection. Raises TemporarySendFailure at the end if any must be retried."""
    report = SendReport()
    only_ids = list(only) if only is not None else None
    while ids := _claim(batch_size, only_ids):
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
        contexts = _contexts(logs)
        sent: list[int] = []
        failed: dict[int, str] = {}
        deferred: dict[int, str] = {}
        for log in logs:
            if log.pk not in contexts:
                failed[log.pk] = "The reminder's subject no longer exists."
        connection = mailers.default
        renderer = _Renderer(connection)
        try:
            connection.open()
        except (OSError, smtplib.SMTPException) as error:
            deferred.update({log.pk: f"connection: {error}" for log in logs if log.pk in contexts})
        else:
            try:
                for log, message in _rendered(renderer, logs, contexts):
                    try:
                        message.send()
                    except (OSError, smtplib.SMTPException) as error:
                        code = _smtp_code(error)
                        if code is not None and 500 <= code < 600:
                            failed[log.pk] = f"{code}: {error}"
                        else:
                            deferred[log.pk] = f"{code or 'connection'}: {error}"
                            if code is None:  # the connection is gone: defer the rest too
                                deferred.update(
                                    {
                                        other.pk: "connection lost"
                                        for other in logs
                                        if other.pk in contexts
                                        and other.pk not in failed
                                        and other.pk not in sent
                                        and other.pk != log.pk
                                    }
                                )
                                break
                    else:
                        sent.append(log.pk)
            finally:
                connection.close()
        now = timezone.now()
        ReminderLog.objects.filter(pk__in=sent).update(status=Status.SENT, sent_at=now)
        for pk, reason in failed.items():
            ReminderLog.objects.filter(pk=pk).update(status=Status.FAILED, last_error=reason)
        for pk, reason in deferred.items():
            ReminderLog.objects.filter(pk=pk).update(status=Status.PENDING, last_error=reason)
        report.sent += len(sent)
        report.failed += len(failed)
        report.deferred += len(deferred)
        report.failures += list(failed.values())
        if deferred:
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
