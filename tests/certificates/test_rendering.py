"""Issue 5: the certificate PDF: what it shows, that it is safe to render whatever a
learner calls themselves (must show 3), and the deny-by-default fetcher."""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from certificates.models import Certificate
from certificates.pdf import (
    ASSETS_DIR,
    STYLESHEET,
    certificate_html,
    certificate_pdf,
    renderer,
)
from core.pdf import AssetFetcher, AssetRefused
from tests.certificates.pdfs import (
    embedded_files_and_attachments,
    expected_qr_matrix,
    page_words,
    pdf_text,
    qr_matrix,
    squashed,
)

ISSUED = datetime.datetime(2026, 3, 3, 14, 30, tzinfo=datetime.UTC)

# Each tries to make WeasyPrint fetch something: a local file, Redis on loopback, or
# anything off the allowlist, by every route HTML and CSS offer.
PAYLOADS = [
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://127.0.0.1:6379/">',
    '<link rel="attachment" href="file:///etc/passwd" title="passwd">',
    "<style>@import url(http://127.0.0.1:6379/);</style>",
    '<p style="background: url(file:///etc/hostname)">x</p>',
    '<object data="file:///etc/passwd" type="text/plain"></object>',
    '<embed src="http://127.0.0.1:6379/" type="text/plain">',
    '<svg><image href="file:///etc/passwd" width="9" height="9"/></svg>',
    "<style>@font-face{font-family:x;src:url(http://127.0.0.1:6379/f.ttf)}</style>",
    '<base href="http://127.0.0.1:6379/"><img src="logo.png">',
    '<iframe src="file:///etc/passwd"></iframe>',
    '"><img src=x onerror=alert(1)>',
    "</p></main><style>*{background:url(https://example.org/x.png)}</style>",
]


def certificate(**face: object) -> Certificate:
    """An unsaved certificate with a realistic face (rendering needs no database)."""
    values: dict[str, object] = {
        "number": "HRTH-2026-7KQ4-M2XP",
        "verification_code": "7kq4m2xphr9d3tfw6zbc",
        "learner_name": "Amira Khan",
        "module_title": "Damp and mould: what to look for",
        "module_version": 3,
        "learning_minutes": 20,
        "organisation_name": "Riverside NHS Foundation Trust",
        "competencies": [
            {"code": "HH-U1", "title": "Explains how damp harms health"},
            {"code": "HH-I2", "title": "Spots mould and its causes in a home"},
        ],
        "completed_at": ISSUED,
        "issued_at": ISSUED,
    }
    values.update(face)
    return Certificate(**values)


def write(tmp_path: Path, pdf: bytes, name: str = "certificate.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def test_the_pdf_shows_the_face_in_extractable_text_with_fonts_embedded(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, certificate_pdf(certificate()))

    text = pdf_text(path)
    for printed in (
        "Certificate of completion",
        "Amira Khan",
        "Damp and mould: what to look for",
        "(version 3)",
        "on 3 March 2026 while working for Riverside NHS Foundation Trust",
        "Learning time: about 20 minutes",
        "HH-U1 Explains how damp harms health",
        "HH-I2 Spots mould and its causes in a home",
        "HRTH-2026-7KQ4-M2XP",
        "Issued 3 March 2026",
    ):
        assert printed in text, printed
    assert "http://127.0.0.1:8000/verify/7kq4m2xphr9d3tfw6zbc" in squashed(text)
    reader = PdfReader(str(path))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    resources: Any = page["/Resources"]
    fonts = resources["/Font"]
    for font in fonts.values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"], font  # embedded (subset)


LONG_NAME = (
    "Wolfeschlegelsteinhausenbergerdorff Maria-Magdalena Alexandrina "
    "Konstantinopoulou-Featherstonehaugh Maria-Magdalena Alexandrina Konstantinopoulou-Feat"
)[:150]  # the longest name a certificate can carry
LONG_TITLE = (
    "Working together across housing, health and social care to spot and act on hazards "
    "in the home: " * 3
)[:200]
LONG_ORGANISATION = ("Greater Manchester Housing, Health and Social Care Partnership " * 4)[:200]
MANY_COMPETENCIES = [
    {
        "code": f"HH-X{index}",
        "title": ("Recognises how overcrowding, cold and damp homes affect health " * 4)[:200],
    }
    for index in range(12)
]
# Where certificate.css puts the QR code's top and the verify column's left edge (mm).
QR_TOP_MM, RIGHT_COLUMN_MM = 145.0, 221.0


@pytest.mark.parametrize(
    "face",
    [
        {"learner_name": LONG_NAME},
        {"module_title": LONG_TITLE, "organisation_name": LONG_ORGANISATION},
        {"competencies": MANY_COMPETENCIES[:8]},
        {
            "learner_name": LONG_NAME,
            "module_title": LONG_TITLE,
            "organisation_name": LONG_ORGANISATION,
            "competencies": MANY_COMPETENCIES,
        },
    ],
    ids=["long-name", "long-title", "many-competencies", "everything-at-its-longest"],
)
def test_a_long_face_is_set_smaller_and_never_runs_under_the_number_or_the_qr_code(
    tmp_path: Path, face: dict[str, object]
) -> None:
    shown = certificate(**face)
    path = write(tmp_path, certificate_pdf(shown))

    words = page_words(path)
    at_number = next(i for i, word in enumerate(words) if word.text == shown.number)
    face_words = words[: at_number - 2]  # up to "Certificate number"
    number_top = words[at_number - 2].top
    # pdftotext joins a word hyphenated at a line's end, so compare without hyphens.
    text = squashed(pdf_text(path)).replace("-", "")
    assert len(PdfReader(str(path)).pages) == 1
    assert [w.text for w in words[at_number - 2 : at_number]] == ["Certificate", "number"]
    assert max(word.bottom for word in face_words) < number_top - 1
    assert all(w.bottom < QR_TOP_MM for w in face_words if w.right > RIGHT_COLUMN_MM)
    assert all(w.right < 282 and w.left > 15 for w in face_words)  # inside the frame
    for value in (shown.learner_name, shown.module_title, shown.organisation_name):
        assert squashed(value).replace("-", "") in text
    listed = [
        c["code"]
        for c in shown.competencies
        if squashed(f"{c['code']} {c['title']}").replace("-", "")[:30] in text
    ]
    missing = len(shown.competencies) - len(listed)
    if missing:
        assert f"and{missing}more,listedwherethiscertificateischecked" in text
        assert listed == [c["code"] for c in shown.competencies[: len(listed)]]
    else:
        assert "listedwherethiscertificateischecked" not in text


def test_the_pdf_is_pdf_a_2a_and_tagged(tmp_path: Path) -> None:
    reader = PdfReader(str(write(tmp_path, certificate_pdf(certificate()))))
    root: Any = reader.trailer["/Root"]

    metadata = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>2</pdfaid:part>" in metadata or 'pdfaid:part="2"' in metadata
    assert "A" in metadata.split("conformance")[1][:4]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert "/OutputIntents" in root
    assert reader.metadata is not None and "HRTH-2026-7KQ4-M2XP" in str(reader.metadata.title)


def test_the_qr_code_on_the_page_encodes_the_verify_url(tmp_path: Path) -> None:
    path = write(tmp_path, certificate_pdf(certificate()))

    assert qr_matrix(path) == expected_qr_matrix(
        "http://127.0.0.1:8000/verify/7kq4m2xphr9d3tfw6zbc"
    )


# --- must show 3: injection payloads print as text and fetch nothing ------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injected_markup_in_name_and_title_prints_literally_and_fetches_nothing(
    payload: str, tmp_path: Path
) -> None:
    fetcher = renderer().fetcher
    fetcher.requests.clear()
    title = f"Safeguarding {payload}"[:200]
    face = certificate(learner_name=f"Eve {payload}"[:150], module_title=title)

    html = certificate_html(face)
    path = write(tmp_path, certificate_pdf(face))

    allowed = {STYLESHEET.as_uri(), (ASSETS_DIR / "hearth-mark.svg").as_uri()}
    asked = list(fetcher.requests)
    assert {url for url, _ in asked} <= allowed, asked
    assert all(ok for _, ok in asked), asked
    assert payload not in html  # escaped in the HTML WeasyPrint parses
    assert embedded_files_and_attachments(path) == []
    text = squashed(pdf_text(path))
    assert squashed(f"Eve {payload}"[:150]) in text
    assert squashed(title) in text


# --- the fetcher -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:6379/",
        "https://example.org/logo.svg",
        "data:image/svg+xml,<svg/>",
        "ftp://example.org/x.css",
        f"{ASSETS_DIR.as_uri()}/../../README.md",
        f"{ASSETS_DIR.as_uri()}/%2e%2e/css/hearth.css",
        f"{ASSETS_DIR.as_uri()}/certificate.css?x=1",
        f"{ASSETS_DIR.as_uri()}/missing.svg",
        f"file://evil.example{ASSETS_DIR}/certificate.css",
    ],
)
def test_the_fetcher_refuses_everything_but_bundled_assets(url: str) -> None:
    fetcher = AssetFetcher(root=ASSETS_DIR)

    with pytest.raises(AssetRefused):
        fetcher.fetch(url)
    assert list(fetcher.requests) == [(url, False)]


def test_the_fetcher_refuses_a_symlink_out_of_the_folder(tmp_path: Path) -> None:
    (tmp_path / "escape.css").symlink_to("/etc/passwd")
    fetcher = AssetFetcher(root=tmp_path)

    with pytest.raises(AssetRefused):
        fetcher.fetch((tmp_path / "escape.css").as_uri())


def test_the_fetcher_serves_bundled_assets() -> None:
    response = AssetFetcher(root=ASSETS_DIR).fetch(STYLESHEET.as_uri())

    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_a_render_that_asks_for_anything_else_fails_and_fetches_nothing() -> None:
    fetcher = renderer().fetcher
    fetcher.requests.clear()

    with pytest.raises(AssetRefused):
        renderer().pdf_from_html('<img src="file:///etc/passwd" alt="x">')
    assert list(fetcher.requests) == [("file:///etc/passwd", False)]


def test_the_renderer_is_built_once_per_process() -> None:
    first = renderer()

    certificate_pdf(certificate(completed_at=timezone.now()))

    assert renderer() is first
    assert renderer().font_config is first.font_config
    assert renderer().stylesheet is first.stylesheet
