"""Email composition shared by every app: one person, plain text with an HTML alternative.

Django's email API builds the MIME, so every email backend (SMTP, console, file,
locmem) can send what this returns.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.core.mail import EmailMultiAlternatives


def mail_domain(site_url: str) -> str:
    """The domain Hearth's Message-IDs end with: the site's host name."""
    return urlsplit(site_url).hostname or "hearth.invalid"


def email_message(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str,
    headers: Mapping[str, str],
    connection: Any = None,
) -> EmailMultiAlternatives:
    """A plain-text + HTML email to one person. A line break in the subject or a header
    is refused by Django when the message is built (header injection)."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender,
        to=[to],
        connection=connection,
        headers=dict(headers),
    )
    message.attach_alternative(html, "text/html")
    return message
