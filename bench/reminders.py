"""Benchmark: Hearth's reminders (plan, render, send) against a bare smtplib loop.

Both send the same emails to the same SMTP server on loopback (aiosmtpd, a counting
sink, in a process of its own) in the same run: Hearth plans the reminders with SQL,
renders each email with Django's templates (per message) and sends through Django's own
SMTP backend in batches over one connection. The bare loop is what a script with no
framework would do: for each email, build it with the standard library's email package
(`email.message.EmailMessage`: the same headers, plain text and HTML alternative, values
prepared beforehand) and send it with smtplib over one connection.

For context it also prints two floors measured in the same run: Django's SMTP backend
sending the same email objects already built (`django/bare ratio:`), and smtplib
replaying the identical bytes Hearth sent, with nothing built at all (`replay` lines):
no path that builds an email can approach the replay, since building the MIME is most
of the work. Prints emails per second and, on a line starting `ours/bare ratio:`, the
median of per-round ratios of time per email (the limit is 3).
Run: .venv/bin/python bench/reminders.py
"""

import datetime
import email
import email.message
import email.policy
import email.utils
import logging
import smtplib
import socket
import subprocess
import sys
import time
from typing import Any

from _setup import analyse, django_on_postgres, median_ratio, ms

# A daily run for a few thousand staff: 1,000 reminders a round.
EMAILS, ROUNDS = 1000, 5


def build(count: int) -> None:
    """`count` learners, each with an enrolment due tomorrow, in one team."""
    from django.utils import timezone

    from accounts.models import Membership, Organisation, Role, Team, User
    from training.models import Enrolment, EnrolmentSource, Module, ModuleVersion

    organisation = Organisation.objects.create(name="Bench", slug="bench", sector="housing")
    team = Team.objects.create(organisation=organisation, name="Bench team")
    users = User.objects.bulk_create(
        User(email=f"learner{i}@bench.example", full_name=f"Learner {i}") for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organisation=organisation, team=team, role=Role.LEARNER) for u in users
    )
    module = Module.objects.create(slug="bench")
    version = ModuleVersion.objects.create(
        module=module, number=1, title="Cold homes and health", summary="s", content_hash="x"
    )
    Module.objects.filter(pk=module.pk).update(current_version=version)
    due = timezone.localdate() + datetime.timedelta(days=1)
    Enrolment.objects.bulk_create(
        Enrolment(
            learner=u,
            module=module,
            version=version,
            organisation=organisation,
            team=team,
            source=EnrolmentSource.ASSIGNED,
            due_date=due,
        )
        for u in users
    )


SINK = """
import asyncio, sys
from aiosmtpd.controller import Controller

class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"

controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""


class Capture:
    """Keeps what Hearth sent in the warm-up round, to replay it in the bare loop."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def stdlib_fields(content: bytes) -> dict[str, Any]:
    """What the bare loop needs to build one email again: its headers and both bodies."""
    parsed = email.message_from_bytes(content, policy=email.policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    text, html = parsed.get_body(("plain",)), parsed.get_body(("html",))
    assert text is not None and html is not None
    names = ["Subject", "From", "To", "Message-ID", "List-Unsubscribe"]
    names += ["List-Unsubscribe-Post", "Auto-Submitted"]
    return {
        "headers": [(name, str(parsed[name])) for name in names],
        "text": text.get_content(),
        "html": html.get_content(),
    }


def stdlib_email(fields: dict[str, Any]) -> email.message.EmailMessage:
    message = email.message.EmailMessage()
    for name, value in fields["headers"]:
        message[name] = value
    message["Date"] = email.utils.formatdate(localtime=True)
    message.set_content(fields["text"])
    message.add_alternative(fields["html"], subtype="html")
    return message


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    from aiosmtpd.controller import Controller

    # The sink runs in a process of its own (as a real mail server would), so it does not
    # share this process's interpreter lock with the code being measured.
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
    capture, capture_port = Capture(), free_port()
    capture_server = Controller(capture, hostname="127.0.0.1", port=capture_port)
    capture_server.start()
    try:
        with django_on_postgres("reminders"):
            from django.conf import settings
            from django.core import mail
            from django.core.mail import mailers

            # The capturing server logs every SMTP command at INFO; keep the output readable.
            logging.getLogger("mail.log").setLevel(logging.WARNING)

            from notifications.models import ReminderLog
            from notifications.planning import plan_daily
            from notifications.sending import send_pending

            def point_at(server_port: int) -> None:
                settings.MAILERS = {
                    "default": {
                        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                        "OPTIONS": {"host": "127.0.0.1", "port": server_port},
                    }
                }

            build(EMAILS)
            analyse()

            def ours() -> float:
                ReminderLog.objects.all().delete()
                start = time.perf_counter()
                plan_daily()
                report = send_pending()
                elapsed = time.perf_counter() - start
                assert report.sent == EMAILS, report
                return elapsed

            point_at(capture_port)
            ours()  # warm-up, capturing the exact messages for the bare loop
            prebuilt = capture.messages
            assert len(prebuilt) == EMAILS
            fields = [stdlib_fields(content) for _, _, content in prebuilt]
            # And once more into Django's in-memory backend, keeping the email objects
            # for Django's own floor: its SMTP backend sending them, nothing else.
            settings.MAILERS = {
                "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
            }
            mail.outbox = []
            ours()
            built = list(mail.outbox)
            assert len(built) == EMAILS
            point_at(port)

            def django_plain() -> float:
                start = time.perf_counter()
                sent = mailers.default.send_messages(built)
                elapsed = time.perf_counter() - start
                assert sent == EMAILS
                return elapsed

            def bare() -> float:
                start = time.perf_counter()
                with smtplib.SMTP("127.0.0.1", port) as smtp:
                    for each in fields:
                        smtp.send_message(stdlib_email(each))
                return time.perf_counter() - start

            def replay() -> float:
                start = time.perf_counter()
                with smtplib.SMTP("127.0.0.1", port) as smtp:
                    for sender, recipients, content in prebuilt:
                        smtp.sendmail(sender, recipients, content)
                return time.perf_counter() - start

            # Each contender returns its own time (ours leaves out clearing the log).
            contenders = {"ours": ours, "bare": bare, "django": django_plain, "replay": replay}
            for run in contenders.values():
                run()
            times: dict[str, list[float]] = {name: [] for name in contenders}
            for _ in range(ROUNDS):
                for name, run in contenders.items():
                    times[name].append(run())
            per_email = {name: [t / EMAILS for t in each] for name, each in times.items()}
            per_email_ours, per_email_bare = per_email["ours"], per_email["bare"]
            per_email_django, per_email_replay = per_email["django"], per_email["replay"]
            ours_times, bare_times, django_times = times["ours"], times["bare"], times["django"]
            rate = EMAILS / sorted(ours_times)[len(ours_times) // 2]
            print(
                f"reminders: {EMAILS} emails a round, {ROUNDS} interleaved rounds, "
                f"SMTP sink (aiosmtpd, own process) on 127.0.0.1:{port}"
            )
            print(
                f"hearth: {rate:.0f} emails/s (plan + render + send), "
                f"median {ms(per_email_ours)} per email"
            )
            bare_rate = EMAILS / sorted(bare_times)[ROUNDS // 2]
            print(
                f"bare loop (stdlib email + smtplib): {bare_rate:.0f} emails/s, "
                f"median {ms(per_email_bare)} per email"
            )
            print(
                f"django send_messages, emails already built: "
                f"{EMAILS / sorted(django_times)[ROUNDS // 2]:.0f} emails/s, "
                f"median {ms(per_email_django)} per email"
            )
            print(
                f"smtplib replaying Hearth's bytes (nothing built): "
                f"{EMAILS / sorted(times['replay'])[ROUNDS // 2]:.0f} emails/s, "
                f"median {ms(per_email_replay)} per email"
            )
            print(
                f"django/bare ratio: {median_ratio(per_email_django, per_email_bare):.2f} "
                "(Django's own floor, for context)"
            )
            print(
                f"ours/replay ratio: {median_ratio(per_email_ours, per_email_replay):.2f}, "
                f"django/replay ratio: {median_ratio(per_email_django, per_email_replay):.2f} "
                "(for context: building the MIME is most of the work)"
            )
            print(f"ours/bare ratio: {median_ratio(per_email_ours, per_email_bare):.2f} (limit 3)")
    finally:
        capture_server.stop()
        if sink.stdin is not None:
            sink.stdin.close()
        sink.wait(timeout=10)


if __name__ == "__main__":
    main()
