"""Helpers for reminder tests: due enrolments, and Django's mailer pointed at aiosmtpd."""

import datetime

from django.utils import timezone

from accounts.models import Team, User
from tests.factories import EnrolmentFactory
from training.models import Enrolment, Module


def due_enrolment(
    learner: User,
    module: Module,
    *,
    days: int,
    team: Team | None = None,
    status: str = "not_started",
) -> Enrolment:
    """An assigned enrolment, in the learner's organisation and team, due `days` from today
    (negative: overdue)."""
    membership = (
        learner.memberships.select_related("organisation", "team").filter(role="learner").first()
    )
    assert membership is not None
    assert module.current_version is not None
    return EnrolmentFactory.create(
        learner=learner,
        module=module,
        organisation=membership.organisation,
        team=team or membership.team,
        status=status,
        due_date=timezone.localdate() + datetime.timedelta(days=days),
        completed_at=timezone.now() if status == "completed" else None,
    )


def smtp_mailers(port: int) -> dict[str, dict[str, object]]:
    """MAILERS for Django's SMTP backend on the loopback test server."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
