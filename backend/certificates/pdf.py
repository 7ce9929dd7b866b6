"""Render a certificate to PDF with WeasyPrint, safely and fast.

Safe: rendered by core.pdf, whose deny-by-default fetcher serves only files inside the
bundled certificate assets folder (static/certificates/) and refuses everything else;
refusal stops the render. Learner-supplied text reaches the template only through
Django's autoescaping, so it prints as text and never becomes markup.

Fast: a worker process keeps one fetcher, one FontConfiguration and the parsed
stylesheet for its life (built on first use); the QR code is one SVG path made by
segno; the layout is plain blocks and absolute positions (no tables, flex or
columns, which WeasyPrint lays out slowly).
"""

import functools
import logging
from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from weasyprint import Document

from certificates.models import Certificate
from core.pdf import Renderer, renderer_for

logger = logging.getLogger(__name__)

ASSETS_DIR = Path(settings.BASE_DIR) / "static" / "certificates"
STYLESHEET = ASSETS_DIR / "certificate.css"
TEMPLATE = "certificates/certificate.html"
# Q recovers a quarter of the symbol: certificates get printed, copied, folded and
# photographed, so the code should survive some damage.
QR_ERROR_LEVEL = "q"
# Type sizes for the face, largest first (classes in certificate.css): the first that
# fits is used. Where the face must end, in mm from the top of the page: its
# full-width lines above the QR code (145 mm), its narrower list of competencies above
# the certificate number (182 mm), each with a little air.
FITS = ("fit-0", "fit-1", "fit-2")
WIDE_END_MM = 142.0
FACE_END_MM = 178.0
MM_PER_PX = 25.4 / 96


@functools.cache
def renderer() -> Renderer:
    """The process's certificate renderer, built on first use and kept (one per worker
    process)."""
    return renderer_for(assets=ASSETS_DIR, stylesheet=STYLESHEET)


def qr_svg(url: str) -> SafeString:
    """The URL as a QR code: one inline SVG path, sized by the stylesheet."""
    code = segno.make(url, error=QR_ERROR_LEVEL, micro=False, boost_error=False)
    svg = code.svg_inline(scale=1, border=0, omitsize=True, svgclass="qr", lineclass=None)
    # segno's output holds only numbers and our own class name, never the URL's text.
    return mark_safe(svg)  # noqa: S308


def certificate_html(
    certificate: Certificate,
    *,
    fit: str = FITS[0],
    competencies_shown: int | None = None,
    qr: SafeString | None = None,
) -> str:
    """The certificate's HTML: every learner-supplied value autoescaped by the template.
    `fit` names a smaller type size for long faces; `competencies_shown` lists only the
    first competencies, saying how many more there are (see certificate_pdf); `qr` is
    the QR code when the caller has already made it."""
    competencies = list(certificate.competencies or [])
    shown = competencies if competencies_shown is None else competencies[:competencies_shown]
    context = {
        "certificate": certificate,
        "fit": fit,
        "competencies": shown,
        "competencies_more": len(competencies) - len(shown),
        "verify_url": certificate.verify_url,
        "qr_svg": qr if qr is not None else qr_svg(certificate.verify_url),
        "completed_on": timezone.localdate(certificate.completed_at),
        "issued_on": timezone.localdate(certificate.issued_at),
    }
    return render_to_string(TEMPLATE, context)


def _overflow_mm(document: Document) -> float:
    """How far the face runs past where it must end (0 if it fits): its full-width lines
    above the QR code, its list of competencies above the certificate number."""
    if len(document.pages) != 1:
        return float("inf")  # it ran onto another page
    anchors = document.pages[0].anchors
    if not {"face-wide-end", "face-end"} <= anchors.keys():
        return float("inf")  # it ran off the page
    wide_end = anchors["face-wide-end"][1] * MM_PER_PX
    face_end = anchors["face-end"][1] * MM_PER_PX
    return max(0.0, wide_end - WIDE_END_MM, face_end - FACE_END_MM)


def certificate_pdf(certificate: Certificate) -> bytes:
    """Render the certificate as an A4 landscape PDF/A with embedded, extractable text.

    Almost every certificate fits at the first try. A very long name, title or list of
    competencies is set in smaller type (FITS) until it fits; if even the smallest is
    too long, the list shows the competencies that fit and says how many more there
    are (the verify page lists them all). Nothing is ever cut off mid-page.
    """
    current = renderer()
    qr = qr_svg(certificate.verify_url)  # the same in every layout
    # The type size, and how many competencies to list (None: all), in the order tried.
    smaller: list[tuple[str, int | None]] = [(fit, None) for fit in FITS[1:]]
    fewer = [(FITS[-1], shown) for shown in range(len(certificate.competencies or []) - 1, -1, -1)]
    document = current.document(certificate_html(certificate, qr=qr))
    for fit, shown in smaller + fewer:
        if not _overflow_mm(document):
            break
        html = certificate_html(certificate, fit=fit, competencies_shown=shown, qr=qr)
        document = current.document(html)
    if _overflow_mm(document):
        logger.warning("certificate %s does not fit its page", certificate.number)
    return current.pdf(document)
