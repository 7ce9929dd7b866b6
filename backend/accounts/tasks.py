"""Celery tasks for accounts: take ids, call one function of the worker module
invitations.py; core.jobs.JobTask reports back to the job's record and owns retrying (a
mail server that is down or busy is tried again with a backoff over hours, ADR 0016)."""

from celery import shared_task

from accounts import invitations
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
def send_invitations(user_ids: list[int]) -> int:
    """Email each person a bulk import created their set-password link (each at most
    once, so a retry sends only those not yet sent). Returns how many this run sent."""
    return sum(invitations.invitation_send(user_id=user_id) for user_id in user_ids)


@shared_task(base=JobTask, acks_late=True)
def send_membership_notices(membership_ids: list[int]) -> int:
    """Tell each person a bulk import added who already had an account (each at most
    once). Returns how many this run sent."""
    return sum(
        invitations.membership_notice_send(membership_id=membership_id)
        for membership_id in membership_ids
    )
