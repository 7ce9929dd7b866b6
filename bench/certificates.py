"""Benchmark: issuing a certificate, against rendering it, against WeasyPrint's fixed cost.

    .venv/bin/python bench/certificates.py [--rounds N] [--email memory|smtp]

In one run, interleaved over N rounds (default 120, at least 100), it times:

  (a) task:    the real Celery task code (`issue_certificate`) issuing the certificate a
               completion recorded: the row lock, the PDF render, storage through
               Django's storage API, the database update and the "certificate ready"
               email to a local sink (Django's in-memory backend, or with --email smtp
               an aiosmtpd sink on loopback);
  (b) render:  rendering that same certificate in-process (certificates.pdf);
  (c) minimal: WeasyPrint rendering a one-paragraph page, its fixed cost per document:
               the plain call (a new font configuration each time), with the
               deny-by-default fetcher every HTML() here gets.

For reference it also times the same paragraph through the certificate renderer (kept
fonts and stylesheet, PDF/A-2a) and the certificate rendered naively (new font
configuration, stylesheet parsed again and WeasyPrint's default fetcher, each time).

It prints certificates per second and the medians of per-round ratios on lines that
start `task/render ratio:` and `render/minimal ratio:`. As timeit does, garbage
collection is off while a step is timed (and done just before it). It runs on
PostgreSQL (DATABASE_URL) in a database of its own, created and dropped by
bench/_setup.py.
"""

import argparse
import gc
import logging
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from _setup import django_on_postgres, median_ratio, ms

MODULE = """---
slug: homes-and-health
title: "Homes and health: why where people live matters"
summary: How housing affects health, and what frontline staff can do about it.
sectors: [housing, health, social_care]
topics: [housing-and-health]
estimated_minutes: 20
---

# Why homes matter

Cold, damp and unsafe homes make people ill.
"""
COMPETENCIES = [
    "Explains how housing conditions affect physical and mental health",
    "Spots hazards in the home that put health at risk",
    "Knows where to refer someone whose home is harming their health",
]
MINIMAL_PAGE = (
    '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Minimal</title>'
    "</head><body><p>One short paragraph: WeasyPrint's fixed cost for a document.</p>"
    "</body></html>"
)
SINK = [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l"]


def seed(count: int) -> list[int]:
    """A learner in an organisation, the module mapped to three competencies, and `count`
    completed enrolments whose certificates are recorded (as the completion step does
    in the completing transaction) and waiting for their job."""
    from django.utils import timezone

    from accounts.models import Membership, Organisation, Role, Sector, Team, User
    from certificates.records import certificate_get_or_create
    from competencies.services import framework_publish
    from training.content import parse_module
    from training.models import Enrolment, EnrolmentSource, EnrolmentStatus
    from training.publishing import module_publish

    organisation = Organisation.objects.create(
        name="Riverside NHS Foundation Trust", slug="riverside", sector=Sector.HEALTH
    )
    team = Team.objects.create(organisation=organisation, name="Hospital Discharge Team")
    learner = User.objects.create_user("amira@example.org", None, full_name="Amira Khan")
    Membership.objects.create(user=learner, organisation=organisation, team=team, role=Role.LEARNER)
    published = module_publish(spec=parse_module(MODULE))
    framework_publish(
        data={
            "slug": "bench",
            "title": "Housing, health and care",
            "competencies": [
                {
                    "code": f"HH-{index}",
                    "title": title,
                    "description": title,
                    "domain": "understand",
                    "level": 1,
                    "modules": ["homes-and-health"],
                }
                for index, title in enumerate(COMPETENCIES, start=1)
            ],
        }
    )
    now = timezone.now()
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            learner=learner,
            module=published.module,
            version=published.version,
            organisation=organisation,
            team=team,
            source=EnrolmentSource.SELF,
            status=EnrolmentStatus.COMPLETED,
            started_at=now,
            completed_at=now,
        )
        for _ in range(count)
    )
    for enrolment in enrolments:
        certificate_get_or_create(enrolment=enrolment)
    return [enrolment.pk for enrolment in enrolments]


def timed(work: Callable[[], object]) -> float:
    """Seconds one call takes, with garbage collection off (as in timeit) and done just
    before, so a collection one step's garbage triggers is not charged to the next."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        work()
        return time.perf_counter() - start
    finally:
        gc.enable()


def run(rounds: int, warmup: int) -> None:
    from weasyprint import CSS, HTML

    from certificates.models import Certificate
    from certificates.pdf import STYLESHEET, certificate_html, certificate_pdf, renderer
    from certificates.tasks import issue_certificate

    enrolment_ids = seed(rounds + warmup)
    tuned = renderer()

    def minimal() -> bytes:
        return bytes(HTML(string=MINIMAL_PAGE, url_fetcher=tuned.fetcher).write_pdf())

    def minimal_tuned() -> bytes:
        return tuned.pdf_from_html(MINIMAL_PAGE)

    def naive(certificate: Certificate) -> bytes:
        html = certificate_html(certificate)
        document = HTML(string=html, base_url=tuned.base_url)  # WeasyPrint's own fetcher
        return bytes(document.write_pdf(stylesheets=[CSS(filename=STYLESHEET)]))

    # Interleaved, the order rotating, so drift and warm caches fall on all alike. The
    # render needs the certificate the task issued, so it comes after the task.
    orders = [
        ("task", "render", "minimal", "minimal_tuned", "naive"),
        ("minimal", "minimal_tuned", "task", "naive", "render"),
        ("minimal_tuned", "task", "minimal", "render", "naive"),
    ]
    times: dict[str, list[float]] = {name: [] for name in orders[0]}
    for index, enrolment_id in enumerate(enrolment_ids):
        results: dict[str, float] = {}
        issued: Any = None
        for name in orders[index % len(orders)]:
            if name == "task":
                results[name] = timed(partial(issue_certificate, enrolment_id))
                issued = Certificate.objects.get(enrolment_id=enrolment_id)
            elif name == "render":
                results[name] = timed(partial(certificate_pdf, issued))
            elif name == "naive":
                results[name] = timed(partial(naive, issued))
            else:
                results[name] = timed(minimal if name == "minimal" else minimal_tuned)
        if index >= warmup:
            for name, seconds in results.items():
                times[name].append(seconds)

    done = Certificate.objects.exclude(pdf="").exclude(email_sent_at=None).count()
    assert done == rounds + warmup, f"every round should issue a certificate, got {done}"
    print(f"rounds: {rounds} (after {warmup} warm-up)")
    print(
        f"median times: task {ms(times['task'])}, render {ms(times['render'])}, "
        f"minimal {ms(times['minimal'])}; for reference: minimal through the certificate "
        f"renderer {ms(times['minimal_tuned'])}, naive render {ms(times['naive'])}"
    )
    print(
        "certificates per second (one process, task): "
        f"{len(times['task']) / sum(times['task']):.1f}"
    )
    print(f"task/render ratio: {median_ratio(times['task'], times['render']):.2f}")
    print(f"render/minimal ratio: {median_ratio(times['render'], times['minimal']):.2f}")
    print(
        "for reference: naive/minimal "
        f"{median_ratio(times['naive'], times['minimal']):.2f}, render/minimal through "
        f"the certificate renderer {median_ratio(times['render'], times['minimal_tuned']):.2f}"
    )


def wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"the SMTP sink did not start on port {port}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Certificates: task, render and minimal.")
    parser.add_argument("--rounds", type=int, default=120, help="at least 100 (default 120)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--email", choices=["memory", "smtp"], default="memory")
    options = parser.parse_args()
    if options.rounds < 100:
        parser.error("run at least 100 rounds")
    sink = None
    mailer: dict[str, Any] = {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if options.email == "smtp":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        sink = subprocess.Popen([*SINK, f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL)
        wait_for_port(port)
        mailer = {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port},
        }
    try:
        with (
            tempfile.TemporaryDirectory(prefix="hearth-bench-") as media,
            django_on_postgres("certificates"),
        ):
            from django.conf import settings

            settings.MEDIA_ROOT = Path(media)
            settings.SITE_URL = "https://hearth.example.org"
            settings.MAILERS = {"default": mailer}
            logging.getLogger("certificates").setLevel(logging.WARNING)  # a line per step
            run(options.rounds, options.warmup)
    finally:
        if sink is not None:
            sink.terminate()
            sink.wait(timeout=10)


if __name__ == "__main__":
    main()
