"""PDF rendering with WeasyPrint, safely, shared by every app that makes a PDF.

Safe: WeasyPrint fetches files and URLs for <img>, <link>, @import, url(),
@font-face, <object> and friends. Every HTML() and CSS() a `Renderer` makes gets one
deny-by-default fetcher (`AssetFetcher`) that serves only files inside one bundled
assets folder and refuses everything else, and refusal stops the render. Text from
people reaches the templates only through Django's autoescaping, so it prints as text
and never becomes markup.

Fast: an app keeps one renderer per worker process (`renderer_for`, cached by the app):
one fetcher, one FontConfiguration and the parsed stylesheet for the process's life.
"""

import logging
import mimetypes
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse, path2url

logger = logging.getLogger(__name__)

ALLOWED_SUFFIXES = frozenset({".css", ".svg", ".png", ".ttf", ".otf", ".woff", ".woff2"})
# PDF/A-2a: an archival PDF (fonts embedded, colour profile, XMP metadata) that is also
# tagged for screen readers; PDF/A-2 also strips any non-PDF embedded file (ADR 0006).
PDF_VARIANT = "pdf/a-2a"


class AssetRefused(Exception):
    """The document asked for a resource outside its bundled assets: nothing was fetched."""


class AssetFetcher(URLFetcher):
    """Deny by default: serve only existing files inside one folder, over file:// only.

    No network scheme, no data: URL, no path outside the folder (after resolving
    "..", symlinks and percent-escapes), no file type other than styles, images and
    fonts. A refusal is fatal to the render. The last requests are kept in
    `requests` as (url, allowed) pairs for logs and tests.
    """

    def __init__(self, *, root: Path) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=True)
        self.root = root.resolve()
        self.requests: deque[tuple[str, bool]] = deque(maxlen=200)

    def allowed_path(self, url: str) -> Path | None:
        """The file a URL names, if it is a bundled asset; None for anything else."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        if parts.query or parts.fragment:
            return None
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.root) or path.suffix.lower() not in ALLOWED_SUFFIXES:
            return None
        return path if path.is_file() else None

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = self.allowed_path(url)
        self.requests.append((url, path is not None))
        if path is None:
            logger.warning("PDF render refused to fetch %.200r", url)
            raise AssetRefused(f"PDFs use only their bundled assets; refused {url[:200]!r}.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


@contextmanager
def _refusals_as_errors() -> Iterator[None]:
    """WeasyPrint wraps a refusal in a BaseException; turn it back into an error the task
    can record (a BaseException would escape Celery's handling)."""
    try:
        yield
    except FatalURLFetchingError as error:
        raise AssetRefused(str(error.__cause__ or error)) from error


@dataclass(frozen=True)
class Renderer:
    """What a worker keeps for its life: the fetcher, the fonts and the parsed stylesheet."""

    fetcher: AssetFetcher
    font_config: FontConfiguration
    stylesheet: CSS
    base_url: str

    def options(self) -> dict[str, Any]:
        """WeasyPrint's options, the same for the layout and the PDF (as write_pdf does)."""
        return {"stylesheets": [self.stylesheet], "pdf_variant": PDF_VARIANT, "attachments": []}

    def document(self, html: str) -> Document:
        """Lay out any HTML under this renderer's rules (fetcher, fonts, stylesheet)."""
        page = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
        with _refusals_as_errors():
            return page.render(font_config=self.font_config, **self.options())

    def pdf(self, document: Document) -> bytes:
        """A laid-out document as PDF/A-2a, with no attachment."""
        with _refusals_as_errors():
            return cast(bytes, document.write_pdf(**self.options()))

    def pdf_from_html(self, html: str) -> bytes:
        """Any HTML to PDF under this renderer's rules."""
        return self.pdf(self.document(html))


def renderer_for(*, assets: Path, stylesheet: Path) -> Renderer:
    """A renderer that may load only the files in `assets`, styled by `stylesheet` (a file
    in it). Building one parses the stylesheet: an app builds it once per process."""
    fetcher = AssetFetcher(root=assets)
    font_config = FontConfiguration()
    return Renderer(
        fetcher=fetcher,
        font_config=font_config,
        stylesheet=CSS(url=path2url(str(stylesheet)), url_fetcher=fetcher, font_config=font_config),
        base_url=path2url(str(assets) + "/"),
    )
