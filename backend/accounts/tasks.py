"""Celery tasks for accounts: take ids, call one service, own the retry policy."""

from smtplib import SMTPException
from typing import Any

from celery import shared_task

from accounts import services

# Email jobs retry a server that is down or busy, backing off up to five minutes (within
# settings.CELERY_RETRY_COUNTDOWN_MAX).
RETRY_EMAIL: dict[str, Any] = {
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": 10,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRY_EMAIL)
def send_invitation(user_id: int) -> bool:
    """Email a newly invited person their set-password link (at most once)."""
    return services.invitation_send(user_id=user_id)


@shared_task(**RETRY_EMAIL)
def send_membership_notice(membership_id: int) -> bool:
    """Tell a person who already had an account which organisation added them (at most
    once)."""
    return services.membership_notice_send(membership_id=membership_id)
