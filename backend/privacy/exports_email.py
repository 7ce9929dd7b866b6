"""The "your data is ready" email (issue 17): sent to a person once their own subject
access export is built, pointing at their data page (never at the file itself). An org
admin's export on someone's behalf sends nothing: the admin answers the request."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from core.email import email_message, mail_domain
from privacy.models import SubjectAccessExport

logger = logging.getLogger(__name__)


def export_ready_email(*, export: SubjectAccessExport) -> EmailMultiAlternatives:
    site = settings.SITE_URL
    context = {
        "first_name": export.person.get_short_name(),
        "link": site + reverse("my-data"),
        "expires_at": export.expires_at,
    }
    return email_message(
        sender=settings.DEFAULT_FROM_EMAIL,
        to=export.person.email,
        subject="Your copy of your Hearth data is ready",
        text=render_to_string("privacy/exports_ready_email.txt", context),
        html=render_to_string("privacy/exports_ready_email.html", context),
        headers={
            "Message-ID": f"<hearth.subject-access.{export.pk}@{mail_domain(site)}>",
            "Auto-Submitted": "auto-generated",
        },
    )


def export_ready_send(*, export_id: int) -> None:
    """Tell the person their own export is ready (after the build commits). A failure is
    logged, never raised: the export is ready on their page either way."""
    export = SubjectAccessExport.objects.select_related("person").filter(pk=export_id).first()
    if export is None or not export.covers_all_organisations:
        return
    try:
        export_ready_email(export=export).send()
    except Exception:
        logger.exception(
            "could not email person %s that export %s is ready", export.person_id, export_id
        )
