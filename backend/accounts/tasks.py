"""Celery tasks for accounts: take ids, call one function of a worker module
(invitations.py, leavers.py); core.jobs.JobTask reports back to the job's record and owns
retrying (a mail server that is down or busy is tried again with a backoff over hours,
ADR 0016)."""

from celery import shared_task

from accounts import invitations, leavers
from core.jobs import JobTask


@shared_task(base=JobTask, acks_late=True)
def send_invitation(user_id: int) -> bool:
    """Email a newly invited person their set-password link (at most once)."""
    return invitations.invitation_send(user_id=user_id)


@shared_task(base=JobTask, acks_late=True)
def send_membership_notice(membership_id: int) -> bool:
    """Tell a person who already had an account which organisation added them (at most
    once)."""
    return invitations.membership_notice_send(membership_id=membership_id)


@shared_task(base=JobTask, acks_late=True)
def send_import_emails(organisation_id: int) -> int:
    """After a bulk import (ADR 0022): each person it invited their set-password link,
    each person it added who already had an account the notice; every email at most
    once, so a retry or a later import's job sends only what is still unsent."""
    return invitations.import_emails_send(organisation_id=organisation_id)


@shared_task(acks_late=True)
def end_due_memberships() -> int:
    """Daily (beat): everyone whose leaving date has come leaves the organisation."""
    return leavers.memberships_end_due()
