"""Celery tasks for required training: thin; the work lives in renewals.py."""

from celery import shared_task

from compliance import renewals


@shared_task
def enrol_renewals() -> dict[str, int]:
    """Enrol again everyone whose renewal is open (safe to run twice or at once)."""
    return {"enrolled": renewals.renewals_enrol()}
