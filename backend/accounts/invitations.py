"""Worker side of inviting people: the emails a person gets when an organisation adds
them, each sent at most once (run by accounts.tasks; person_invite enqueues them).

Each email is claimed with a conditional UPDATE before it is sent, so two workers (or a
redelivered task) cannot both send; a failed send releases the claim for the retry.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Membership, MembershipStatus, User
from core.email import email_message

logger = logging.getLogger(__name__)


def _send_claimed(
    *,
    release: Callable[[], object],
    template: str,
    subject: str,
    to: str,
    context: dict[str, object],
) -> None:
    """Send one person the email templates/email/<template>.txt and .html whose claim the
    caller holds; if that fails, `release` the claim (so the retry sends it) and raise."""
    try:
        email_message(
            sender=settings.DEFAULT_FROM_EMAIL,
            to=to,
            subject=subject,
            text=render_to_string(f"email/{template}.txt", context),
            html=render_to_string(f"email/{template}.html", context),
            headers={},
        ).send()
    except Exception:
        release()
        raise


def membership_notice_send(*, membership_id: int) -> bool:
    """Tell a person who already had an account which organisation asks to add them
    (with the link to accept or decline while it is pending), at most once. A new person
    gets the invitation instead. Returns whether this call sent."""
    row = Membership.including_pending.filter(pk=membership_id)
    if not row.filter(notice_sent_at__isnull=True).update(notice_sent_at=timezone.now()):
        return False
    membership = Membership.including_pending.select_related("user", "organisation", "team").get(
        pk=membership_id
    )
    context = {
        "pending": membership.is_pending,
        "link": settings.SITE_URL + reverse("invitation", args=[membership.pk]),
        "user": membership.user,
        "organisation": membership.organisation,
        "role": membership.get_role_display(),
        "team": membership.team,
        "site_url": settings.SITE_URL,
    }
    _send_claimed(
        release=lambda: row.update(notice_sent_at=None),
        template="membership_added",
        subject=f"{membership.organisation.name} asks to add you on Hearth"
        if membership.is_pending
        else f"{membership.organisation.name} added you on Hearth",
        to=membership.user.email,
        context=context,
    )
    logger.info("membership notice sent for membership %s", membership_id)
    return True


def invitation_send(*, user_id: int) -> bool:
    """Email a new person a link to set their password, at most once. Returns whether
    this call sent the email."""
    row = User.objects.filter(pk=user_id)
    if not row.filter(invitation_sent_at__isnull=True).update(invitation_sent_at=timezone.now()):
        return False
    user = User.objects.get(pk=user_id)
    link = settings.SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"user": user, "link": link, "site_url": settings.SITE_URL}
    _send_claimed(
        release=lambda: row.update(invitation_sent_at=None),
        template="invitation",
        subject="You have been invited to Hearth",
        to=user.email,
        context=context,
    )
    logger.info("invitation sent to user %s", user_id)
    return True


def import_emails_send(*, organisation_id: int) -> int:
    """The emails bulk imports into this organisation still owe: an invitation to each
    account an import made that has not had one, a notice for each imported membership
    (it carries an employee number) of an existing account not yet told. Returns how many
    this call sent."""
    pending = Membership.including_pending.filter(
        organisation_id=organisation_id, status=MembershipStatus.PENDING
    ).exclude(employee_number="")
    invite = pending.filter(accepts_with_password=True, user__invitation_sent_at__isnull=True)
    notify = pending.filter(accepts_with_password=False, notice_sent_at__isnull=True)
    sent = sum(
        invitation_send(user_id=user_id)
        for user_id in invite.values_list("user_id", flat=True).distinct()
    )
    return sent + sum(
        membership_notice_send(membership_id=pk) for pk in notify.values_list("pk", flat=True)
    )
